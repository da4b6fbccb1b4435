/// Bad scheduling input (a reason missing, an impossible time), naming the field and what is allowed.
public struct SchedulingError: FieldNamingError, Equatable {
    public let field: String
    public let message: String

    /// Creates an error naming `field` with a message that says what is allowed.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
