import Foundation

/// Parses the CLI answer list `1,2,0,-,3`: comma-separated whole numbers, `-` for a missing answer.
public enum AnswerParser {
    /// The answers in order; `-` becomes nil. Whitespace around entries is ignored.
    /// - Throws: `AssessmentError.noAnswers` (field `answers`) for an empty list, or
    ///   `AssessmentError.unreadableAnswer` (field `answers[i]`, 1-based) for an entry that is not a number or `-`.
    public static func parse(_ text: String) throws(AssessmentError) -> [Int?] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .noAnswers }
        var answers: [Int?] = []
        for (index, raw) in trimmed.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            if entry == "-" {
                answers.append(nil)
            } else if let value = Int(entry) {
                answers.append(value)
            } else {
                throw .unreadableAnswer(position: index + 1, text: entry)
            }
        }
        return answers
    }
}
