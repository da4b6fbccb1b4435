/// The result of scoring one administration of an instrument (DOMAIN.md §1).
public struct Score: Sendable, Equatable, Codable {
    /// Instrument id (`gad7`).
    public let instrumentID: String
    /// Instrument version scored against.
    public let instrumentVersion: String
    /// The answers as given, one per item (nil = missing or skipped).
    public let answers: [Int?]
    /// The total, or nil when the missing-item rule forbids one (or the instrument yields a risk level, not a total).
    public let total: Int?
    /// Possible totals.
    public let totalRange: ScoreRange?
    /// True when the total was prorated from fewer items.
    public let isProrated: Bool
    /// True when every required, enabled item was answered.
    public let isComplete: Bool
    /// LinkIds of required, enabled items left unanswered.
    public let missingItems: [String]
    /// Severity band label (or C-SSRS risk level, or MOAA/S descriptor), as the manual words it.
    public let severity: String?
    /// The band set used for `severity`, when bands apply.
    public let bandSetID: String?
    /// Subscale values in the instrument's order.
    public let subscales: [SubscaleScore]
    /// Mean item score (PDSS), when reported and a total exists.
    public let meanItem: Double?
    /// Whether the total reaches the positive-screen cutoff; nil when there is no cutoff or no total.
    public let positiveScreen: Bool?
    /// The cutoff used for `positiveScreen`.
    public let positiveScreenCutoff: Int?
    /// Whether the endorsement rule (PCL-5 provisional diagnosis) is met; nil when undecidable or not defined.
    public let endorsementMet: Bool?
    /// The C-SSRS risk-level id (`high`, `moderate`, `low`, `none`), for triage instruments.
    public let riskLevel: String?
    /// Alerts raised, most urgent first.
    public let alerts: [SafetyAlert]

    /// The subscale with `id`, if defined.
    public func subscale(_ id: String) -> SubscaleScore? {
        subscales.first { $0.id == id }
    }
}

/// One subscale value.
public struct SubscaleScore: Sendable, Equatable, Codable {
    /// Subscale key (`B`, `psychic`).
    public let id: String
    /// Human name.
    public let name: String
    /// The value, or nil when the missing-item rule forbids it.
    public let value: Int?
    /// Possible values.
    public let range: ScoreRange
    /// True when prorated.
    public let isProrated: Bool
}
