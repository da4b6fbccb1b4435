public import Foundation

/// The outcome of checking an order against the library (DOMAIN.md §4.8), naming the limit that decided it.
public enum DoseLimitCheck: Sendable, Equatable {
    /// Within every limit: the dose may be ordered.
    case within
    /// Beyond a soft limit: the prescriber must give a reason to override.
    case soft(DoseLimit)
    /// Beyond a hard limit: the dose cannot be ordered; show the limit.
    case hard(DoseLimit)

    /// The most severe of `findings` (the first listed wins a tie), or `.within` when there are none.
    public init(findings: [DoseLimit]) {
        if let hard = findings.first(where: { $0.severity == .hard }) {
            self = .hard(hard)
        } else if let soft = findings.first {
            self = .soft(soft)
        } else {
            self = .within
        }
    }

    /// `within`, `soft` or `hard`.
    public var status: String {
        switch self {
        case .within: "within"
        case .soft: "soft"
        case .hard: "hard"
        }
    }

    /// The limit that applied, if any.
    public var limit: DoseLimit? {
        switch self {
        case .within: nil
        case .soft(let limit), .hard(let limit): limit
        }
    }

    /// Whether the order can go ahead (possibly with a reason).
    public var isOrderable: Bool {
        if case .hard = self { return false }
        return true
    }

    /// Whether the prescriber must give an override reason.
    public var requiresOverrideReason: Bool {
        if case .soft = self { return true }
        return false
    }
}

/// What a limit constrains.
public enum DoseLimitCategory: String, Codable, Sendable {
    /// One dose.
    case perDose = "per_dose"
    /// All doses in the session, this one included.
    case perSession = "per_session"
    /// All doses in the window (7 calendar days by default), this one included.
    case per7Days = "per_7_days"
    /// Sessions of the product in the window, this one included.
    case administrationsPer7Days = "administrations_per_7_days"
    /// Infusion duration.
    case infusionDuration = "infusion_duration"
    /// Volume at one injection site.
    case volume
    /// The set of allowed doses.
    case allowedDoses = "allowed_doses"
    /// A device-dosed product needs a whole number of devices.
    case deviceMultiple = "device_multiple"
    /// The first dose of a product.
    case firstDose = "first_dose"
    /// Administration sessions per calendar day.
    case sessionsPerCalendarDay = "sessions_per_calendar_day"
    /// Racemic ketamine and esketamine on the same calendar day.
    case racemicAndEsketamineSameDay = "racemic_and_esketamine_same_day"
}

/// One limit an order crossed: which, its value and unit, what the order came to, and how severe.
public struct DoseLimit: Codable, Sendable, Equatable {
    /// What is limited.
    public var category: DoseLimitCategory
    /// Which side was crossed.
    public var bound: LimitBound
    /// Soft (reason required) or hard (blocked).
    public var severity: LimitSeverity
    /// The limit's value (absent for set and same-day rules).
    public var value: Decimal?
    /// The allowed values, for set rules.
    public var allowedValues: [Decimal]?
    /// The unit of `value`, `observed` and `allowedValues`.
    public var unit: String
    /// What the order came to in that unit.
    public var observed: Decimal?
    /// Where the limit comes from (DOMAIN.md §4.8 values are design defaults).
    public var provenance: Provenance

    /// Creates a finding.
    public init(
        category: DoseLimitCategory,
        bound: LimitBound,
        severity: LimitSeverity,
        value: Decimal? = nil,
        allowedValues: [Decimal]? = nil,
        unit: String,
        observed: Decimal? = nil,
        provenance: Provenance
    ) {
        self.category = category
        self.bound = bound
        self.severity = severity
        self.value = value
        self.allowedValues = allowedValues
        self.unit = unit
        self.observed = observed
        self.provenance = provenance
    }

    /// A stable name: `per_dose_max`, `infusion_duration_min`, `allowed_doses`, `first_dose` ….
    public var name: String {
        switch bound {
        case .minimum: "\(category.rawValue)_min"
        case .maximum: "\(category.rawValue)_max"
        case .allowedSet, .rule: category.rawValue
        }
    }

    /// A sentence for the prescriber.
    public var message: String {
        let kind = severity == .hard ? "Hard limit" : "Soft limit"
        let shown = observed.map { " (\($0) \(unit))" } ?? ""
        switch bound {
        case .minimum:
            return "\(kind): \(category.label)\(shown) is below \(value.map { "\($0)" } ?? "?") \(unit)"
        case .maximum:
            return "\(kind): \(category.label)\(shown) is above \(value.map { "\($0)" } ?? "?") \(unit)"
        case .allowedSet:
            let allowed = (allowedValues ?? []).map { "\($0)" }.joined(separator: ", ")
            return "\(kind): \(category.label)\(shown) must be one of \(allowed) \(unit)"
        case .rule:
            return "\(kind): \(category.label)\(shown) — allowed: \(value.map { "\($0) \(unit)" } ?? "none")"
        }
    }
}

extension DoseLimitCategory {
    /// Words for messages.
    var label: String {
        switch self {
        case .perDose: "dose"
        case .perSession: "session total"
        case .per7Days: "7-day total"
        case .administrationsPer7Days: "sessions in 7 days"
        case .infusionDuration: "infusion duration"
        case .volume: "injection volume"
        case .allowedDoses: "dose"
        case .deviceMultiple: "dose (whole devices)"
        case .firstDose: "first dose of this product"
        case .sessionsPerCalendarDay: "sessions today"
        case .racemicAndEsketamineSameDay: "racemic ketamine and esketamine on the same day"
        }
    }
}
