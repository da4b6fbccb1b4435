/// Bad consent input (a blank typed name, a withdrawal before the signature), naming the field at fault.
public struct ConsentError: FieldNamingError, Equatable {
    public let field: String
    public let message: String

    /// Creates an error naming `field` and what would have been allowed.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
