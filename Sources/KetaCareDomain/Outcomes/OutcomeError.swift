/// Bad input to an outcome calculation: names the field and the allowed range.
public enum OutcomeError: FieldNamingError, Equatable {
    /// A parameter is outside its allowed range.
    case invalidParameter(field: String, value: String, allowed: String)

    /// The input field at fault (`reliability`, `standardDeviation`, `successes`).
    public var field: String {
        switch self {
        case .invalidParameter(let field, _, _): field
        }
    }

    /// A sentence naming the allowed range.
    public var message: String {
        switch self {
        case .invalidParameter(let field, let value, let allowed): "\(field) is \(value); it must be \(allowed)."
        }
    }
}
