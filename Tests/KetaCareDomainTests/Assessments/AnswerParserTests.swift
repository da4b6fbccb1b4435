import KetaCareDomain
import Testing

@Suite("Answer parser for `--answers 1,2,0,-,3`")
struct AnswerParserTests {
    @Test(
        "parses numbers and - as missing",
        arguments: [
            ("1,2,0,-,3", [1, 2, 0, nil, 3]), (" 1 , - ,2 ", [1, nil, 2]), ("-", [nil]), ("3", [3]), ("-1,5", [-1, 5]),
        ] as [(String, [Int?])]
    )
    func parses(text: String, answers: [Int?]) throws {
        #expect(try AnswerParser.parse(text) == answers)
    }

    @Test(
        "an unreadable entry names its 1-based position",
        arguments: [("1,x,2", 2, "x"), ("1,,2", 2, ""), ("1,2,", 3, ""), ("1.5", 1, "1.5"), ("0,1,2,yes", 4, "yes"), ("--", 1, "--")]
    )
    func unreadable(text: String, position: Int, entry: String) {
        let error = #expect(throws: AssessmentError.self) { try AnswerParser.parse(text) }
        #expect(error == .unreadableAnswer(position: position, text: entry))
        #expect(error?.field == "answers[\(position)]")
        #expect(error?.message.contains("- for missing") == true)
    }

    @Test("an empty list names the field `answers`", arguments: ["", "   "])
    func empty(text: String) {
        let error = #expect(throws: AssessmentError.self) { try AnswerParser.parse(text) }
        #expect(error == .noAnswers)
        #expect(error?.field == "answers")
    }
}
