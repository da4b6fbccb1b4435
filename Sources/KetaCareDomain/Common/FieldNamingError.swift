/// An error caused by bad input that names the offending field and what would have been allowed.
///
/// Every domain area has its own error type (STYLE.md); they all conform to this so the web and CLI layers
/// can map any of them to a 4xx answer (or exit code 2) with the field named, in one place.
public protocol FieldNamingError: Error, Sendable {
    /// The input field at fault, in the caller's vocabulary (`dateOfBirth`, `answers[8]`, `dose_mg_per_kg`).
    var field: String { get }
    /// A sentence a clinician can act on, naming the allowed values or range.
    var message: String { get }
}

/// A plain validation failure for input that is malformed or out of range.
public struct ValidationError: FieldNamingError, Equatable {
    public let field: String
    public let message: String

    /// Creates an error naming `field` with a message that says what is allowed.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
