/// Why a dose could not be calculated: bad or missing input, named by field with what is allowed.
///
/// Limits are not errors: a dose beyond a soft or hard limit is calculated and reported with ``DoseLimitCheck``.
public struct DoseError: FieldNamingError, Equatable {
    /// What kind of problem, so callers can react (a stale weight asks for a new weight).
    public enum Kind: String, Codable, Sendable {
        /// No library entry serves the route (or the named entry does not exist).
        case noLibraryEntry = "no_library_entry"
        /// The entry exists but is disabled (oral/SL until configured).
        case routeDisabled = "route_disabled"
        /// The dose was given in the other unit (mg vs mg/kg).
        case unitMismatch = "unit_mismatch"
        /// A required input is missing.
        case missing
        /// An input is outside its allowed range or set.
        case outOfRange = "out_of_range"
        /// The weight is older than the clinic allows: record a new weight.
        case staleWeight = "stale_weight"
        /// The weight changed more than the clinic allows since the previous one: confirm it.
        case weightChangeUnconfirmed = "weight_change_unconfirmed"
        /// The input does not apply to this route (infusion minutes for an injection …).
        case notApplicable = "not_applicable"
    }

    /// The kind of problem.
    public let kind: Kind
    /// The input at fault (`dose_mg_per_kg`, `weight_measured_at`, `concentration_mg_per_ml`).
    public let field: String
    /// What is wrong and what would be allowed.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, field: String, message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }
}
