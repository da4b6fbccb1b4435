/// A plan, template or measurement-schedule input outside what is allowed, naming the field and the allowed values.
public struct PlanError: FieldNamingError, Equatable {
    public let field: String
    public let message: String

    /// Creates an error naming `field` with a message that says what is allowed.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
