/// Bad input to an assessment: names the field (`instrument`, `answers`, `answers[3]`) and what is allowed.
public enum AssessmentError: FieldNamingError, Equatable {
    /// No instrument has this name; `known` lists the ids.
    case unknownInstrument(name: String, known: [String])
    /// No answers were given at all.
    case noAnswers
    /// The number of answers does not match the instrument.
    case wrongAnswerCount(instrument: String, expected: [Int], got: Int)
    /// An answer at 1-based `position` is not one of the item's values.
    case answerOutOfRange(position: Int, item: String, value: Int, allowed: [Int])
    /// An answer at 1-based `position` is neither a whole number nor `-`.
    case unreadableAnswer(position: Int, text: String)
    /// An answer was given for an item that skip logic turns off.
    case answerForSkippedItem(position: Int, item: String, condition: String)
    /// The requested band set does not exist for the instrument.
    case unknownBandSet(instrument: String, requested: String, known: [String])
    /// A bundled or clinic-supplied instrument file could not be read.
    case unreadableInstrumentFile(name: String, reason: String)
    /// A score passed in belongs to a different instrument than expected (pre-dose comparison).
    case instrumentMismatch(field: String, expected: String, got: String)
    /// An instrument definition is inconsistent (found by `Instrument.problems()`).
    case invalidInstrument(instrument: String, path: String, reason: String)

    /// The input field at fault.
    public var field: String {
        switch self {
        case .unknownInstrument: "instrument"
        case .noAnswers, .wrongAnswerCount: "answers"
        case .answerOutOfRange(let position, _, _, _), .unreadableAnswer(let position, _), .answerForSkippedItem(let position, _, _):
            "answers[\(position)]"
        case .unknownBandSet: "bandSet"
        case .instrumentMismatch(let field, _, _): field
        case .unreadableInstrumentFile(let name, _): "instruments/\(name)"
        case .invalidInstrument(let instrument, let path, _): "instruments/\(instrument).\(path)"
        }
    }

    /// A sentence naming what is allowed.
    public var message: String {
        switch self {
        case .unknownInstrument(let name, let known):
            "Unknown instrument \"\(name)\". Known instruments: \(known.joined(separator: ", "))."
        case .noAnswers:
            "No answers given. Give one answer per item, separated by commas; use - for a missing answer."
        case .wrongAnswerCount(let instrument, let expected, let got):
            "\(instrument) takes \(Self.list(expected, conjunction: "or")) answers, one per item in order; got \(got)."
        case .answerOutOfRange(let position, let item, let value, let allowed):
            "Answer \(position) (\(item)) is \(value); allowed values are \(Self.list(allowed, conjunction: "or")), or - for missing."
        case .unreadableAnswer(let position, let text):
            "Answer \(position) \"\(text)\" is not a whole number; give a number, or - for missing."
        case .answerForSkippedItem(let position, let item, let condition):
            "Answer \(position) (\(item)) must be left blank (-): the item is skipped unless \(condition)."
        case .unknownBandSet(let instrument, let requested, let known):
            "\(instrument) has no band set \"\(requested)\". Available: \(known.joined(separator: ", "))."
        case .instrumentMismatch(_, let expected, let got):
            "Expected a \(expected) score; got a \(got) score."
        case .unreadableInstrumentFile(let name, let reason):
            "Instrument file \(name) could not be read: \(reason)"
        case .invalidInstrument(let instrument, let path, let reason):
            "Instrument \(instrument) is inconsistent at \(path): \(reason)"
        }
    }

    private static func list(_ values: [Int], conjunction: String) -> String {
        let words = values.map(String.init)
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " \(conjunction) " + (words.last ?? "")
    }
}
