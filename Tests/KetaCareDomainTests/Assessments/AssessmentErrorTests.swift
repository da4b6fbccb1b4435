import KetaCareDomain
import Testing

@Suite("Assessment errors name the field and the allowed values")
struct AssessmentErrorTests {
    @Test(
        "wrong number of answers → field `answers` with the expected count",
        arguments: [
            ("gad7", 6, [7, 8], "7 or 8"), ("gad7", 9, [7, 8], "7 or 8"), ("pcl5", 19, [20], "20"), ("moaas", 2, [1], "1"),
            ("phq9", 1, [9, 10], "9 or 10"),
        ]
    )
    func wrongCount(id: String, count: Int, expected: [Int], words: String) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        let error = #expect(throws: AssessmentError.self) {
            try ScoringEngine.score(instrument, answers: Array(repeating: 0, count: count))
        }
        #expect(error == .wrongAnswerCount(instrument: instrument.shortName, expected: expected, got: count))
        #expect(error?.field == "answers")
        #expect(error?.message.contains("takes \(words) answers") == true)
        #expect(error?.message.contains("got \(count)") == true)
    }

    @Test("no answers at all → field `answers`")
    func noAnswers() {
        let error = #expect(throws: AssessmentError.self) { try AssessmentFixtures.score("gad7", []) }
        #expect(error == .noAnswers)
    }

    @Test(
        "out-of-range answer → field `answers[i]` (1-based) with the item and allowed values",
        arguments: [
            ("gad7", 3, 4, "item 3", [0, 1, 2, 3], "0, 1, 2 or 3"),
            ("gad7", 8, 4, "difficulty item", [0, 1, 2, 3], "0, 1, 2 or 3"),
            ("phq9", 9, -1, "item 9", [0, 1, 2, 3], "0, 1, 2 or 3"),
            ("pcl5", 20, 5, "item 20", [0, 1, 2, 3, 4], "0, 1, 2, 3 or 4"),
            ("lsas", 2, 4, "item 1 avoidance", [0, 1, 2, 3], "0, 1, 2 or 3"),
            ("moaas", 1, 6, "rating item", [0, 1, 2, 3, 4, 5], "0, 1, 2, 3, 4 or 5"),
            ("cssrs", 7, 2, "item 6b", [0, 1], "0 or 1"),
        ]
    )
    func outOfRange(id: String, position: Int, value: Int, item: String, allowed: [Int], words: String) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        var answers = [Int?](repeating: nil, count: instrument.items.count)
        answers[position - 1] = value
        let error = #expect(throws: AssessmentError.self) { try ScoringEngine.score(instrument, answers: answers) }
        #expect(error == .answerOutOfRange(position: position, item: item, value: value, allowed: allowed))
        #expect(error?.field == "answers[\(position)]")
        #expect(error?.message.contains("(\(item))") == true)
        #expect(error?.message.contains("allowed values are \(words)") == true)
    }

    @Test("every error names a non-empty field and message")
    func everyErrorNamesAField() {
        let errors: [AssessmentError] = [
            .unknownInstrument(name: "x", known: ["gad7"]), .noAnswers, .wrongAnswerCount(instrument: "GAD-7", expected: [7], got: 1),
            .answerOutOfRange(position: 1, item: "item 1", value: 9, allowed: [0, 1]), .unreadableAnswer(position: 2, text: "x"),
            .answerForSkippedItem(position: 3, item: "item 3", condition: "item 2 is Yes"),
            .unknownBandSet(instrument: "PDSS", requested: "x", known: ["a"]), .instrumentMismatch(field: "preDose", expected: "a", got: "b"),
            .unreadableInstrumentFile(name: "a.json", reason: "r"), .invalidInstrument(instrument: "a", path: "p", reason: "r"),
        ]
        #expect(
            errors.map(\.field) == [
                "instrument", "answers", "answers", "answers[1]", "answers[2]", "answers[3]", "bandSet", "preDose", "instruments/a.json",
                "instruments/a.p",
            ])
        #expect(errors.allSatisfy { !$0.message.isEmpty })
    }
}
