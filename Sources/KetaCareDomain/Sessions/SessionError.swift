import Foundation

/// Why a session action was refused: bad input or an illegal step, named by field with what is allowed.
///
/// Clinical findings (alerts, unmet pre-dose or discharge criteria) are not errors; they are returned as values.
public struct SessionError: FieldNamingError, Equatable {
    /// What kind of problem, so callers can map it (422 for all of them, 403 for a role refusal).
    public enum Kind: String, Codable, Sendable {
        /// The requested state does not follow from the current one.
        case illegalTransition = "illegal_transition"
        /// The staff member's role may not take this step.
        case roleNotAllowed = "role_not_allowed"
        /// A value is outside its physiologically plausible or allowed range.
        case outOfRange = "out_of_range"
        /// A required value (often a reason) is missing or blank.
        case missing
        /// Two values contradict each other (diastolic above systolic).
        case inconsistent
    }

    /// The kind of problem.
    public let kind: Kind
    /// The input at fault (`spo2`, `state`, `items.activity`).
    public let field: String
    /// What is wrong and what would be allowed.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, field: String, message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }

    /// A value outside `range`, with the range spelled out.
    static func outOfRange<T: Comparable>(field: String, value: T, range: ClosedRange<T>, unit: String = "") -> SessionError {
        let suffix = unit.isEmpty ? "" : " \(unit)"
        return SessionError(
            .outOfRange, field: field,
            message: "\(field) must be between \(range.lowerBound) and \(range.upperBound)\(suffix); got \(value)\(suffix)")
    }

    /// A blank required text.
    static func missing(field: String, what: String) -> SessionError {
        SessionError(.missing, field: field, message: "\(field) is required: \(what)")
    }
}

extension SessionError {
    /// Whether `text` has something other than whitespace in it.
    static func hasContent(_ text: String?) -> Bool {
        guard let text else { return false }
        return !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// Returns `text` trimmed, or throws ``missing(field:what:)`` when it is blank.
    static func requireText(_ text: String?, field: String, what: String) throws(SessionError) -> String {
        guard let text, hasContent(text) else { throw missing(field: field, what: what) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
