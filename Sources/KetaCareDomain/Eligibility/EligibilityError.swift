/// Bad intake, rule-set or interaction-table input, naming the JSON path at fault (`diagnoses[2].code`).
public struct EligibilityError: FieldNamingError, Equatable {
    public let field: String
    public let message: String

    /// Creates an error naming `field` and what would have been allowed.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
