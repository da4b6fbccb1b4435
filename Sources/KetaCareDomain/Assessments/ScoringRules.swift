/// The scoring rules of one instrument, as data; `ScoringEngine` applies them (DOMAIN.md §1).
public struct ScoringRules: Sendable, Equatable, Codable {
    /// Which rule kind produces the total.
    public let method: ScoringMethod
    /// Possible totals (nil for a triage instrument).
    public let totalRange: ScoreRange?
    /// What to do when scored items are missing.
    public let missingItems: MissingItemRule
    /// Severity band sets; one is the default, others are presets (HAM-A) or patient-specific (PDSS agoraphobia).
    public let bandSets: [BandSet]
    /// Id of the band set used when neither the policy nor the caller picks one.
    public let defaultBandSet: String?
    /// Positive-screen cutoff on the total, when defined.
    public let positiveScreen: PositiveScreenRule?
    /// Subscales, each the sum of listed items.
    public let subscales: [SubscaleDefinition]
    /// Present when the mean item score is reported (PDSS).
    public let meanItem: MeanItemRule?
    /// A count-of-endorsed-items rule (PCL-5 provisional DSM-5 diagnosis).
    public let endorsement: EndorsementRule?
    /// Item-level safety rules (PHQ-9 item 9, MOAA/S levels).
    public let safetyRules: [SafetyRule]
    /// Risk triage (C-SSRS screener).
    public let triage: TriageRule?
    /// Comparison of a rating with the same patient's pre-dose rating (CADSS rise, MOAA/S decrease).
    public let preDoseComparison: PreDoseComparisonRule?
}

/// The rule kinds the engine knows; each has one scoring function.
public enum ScoringMethod: String, Sendable, Equatable, Codable {
    /// Total = sum of scored items.
    case sum
    /// A single ordinal rating (MOAA/S); total = the rating.
    case ordinal
    /// Yes/no items mapped to a risk level (C-SSRS).
    case triage
}

/// An inclusive integer range of scores.
public struct ScoreRange: Sendable, Equatable, Hashable, Codable {
    /// Lowest possible value.
    public let min: Int
    /// Highest possible value.
    public let max: Int

    /// Creates a range from `min` to `max`, both included.
    public init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }

    /// Whether `value` lies in the range.
    public func contains(_ value: Int) -> Bool { value >= min && value <= max }
}

/// The rule for missing scored items (DOMAIN.md §1.0).
public struct MissingItemRule: Sendable, Equatable, Codable {
    /// Default behaviour; `noTotal`: no total when any scored item is missing.
    public let whenMissing: String
    /// Whether the clinic may enable prorating for this instrument.
    public let prorateAllowed: Bool
    /// Why this is the rule.
    public let provenance: AssessmentProvenance
}

/// A set of severity bands with its source.
public struct BandSet: Sendable, Equatable, Codable {
    /// Id used in policy (`matza2010`, `withAgoraphobia`).
    public let id: String
    /// Human title.
    public let title: String
    /// Source of the bands.
    public let provenance: AssessmentProvenance
    /// True when the bands cover the whole total range without gaps.
    public let coversRange: Bool
    /// Bands in ascending order.
    public let bands: [SeverityBand]

    /// The band containing `total`, if any.
    public func band(for total: Int) -> SeverityBand? {
        bands.first { $0.range.contains(total) }
    }
}

/// One severity band; the label is worded exactly as the manual (DOMAIN.md) words it.
public struct SeverityBand: Sendable, Equatable, Codable {
    /// Lowest total in the band.
    public let min: Int
    /// Highest total in the band.
    public let max: Int
    /// Label as the manual words it (`moderately severe`, `Borderline ill`).
    public let label: String
    /// Flag for an individually UNCONFIRMED band.
    public let provenance: AssessmentProvenance?

    /// The band's range.
    public var range: ScoreRange { ScoreRange(min: min, max: max) }
}

/// A positive screen: total ≥ cutoff.
public struct PositiveScreenRule: Sendable, Equatable, Codable {
    /// The seeded cutoff; `ScoringPolicy` may override it.
    public let cutoff: Int
    /// What a positive screen means.
    public let label: String
    /// Source of the cutoff.
    public let provenance: AssessmentProvenance
    /// Alternative cutoffs a clinic may pick (IAPT caseness, PCL-5 31/38).
    public let presets: [CutoffPreset]
}

/// A named alternative cutoff.
public struct CutoffPreset: Sendable, Equatable, Codable {
    /// Preset id.
    public let id: String
    /// What the preset is.
    public let label: String
    /// The cutoff value.
    public let cutoff: Int
    /// Its source.
    public let provenance: AssessmentProvenance
}

/// A subscale: the sum of the listed items.
public struct SubscaleDefinition: Sendable, Equatable, Codable {
    /// Key used in reports (`B`, `psychic`, `fear_total`).
    public let id: String
    /// Human name.
    public let name: String
    /// LinkIds of the items summed.
    public let items: [String]
    /// Possible values.
    public let range: ScoreRange
    /// Source of the item mapping.
    public let provenance: AssessmentProvenance
}

/// Marks that the mean item score (total ÷ scored items) is reported.
public struct MeanItemRule: Sendable, Equatable, Codable {
    /// Source or flag for the convention.
    public let provenance: AssessmentProvenance
}

/// A diagnostic-style rule: enough items rated at or above a value in each subscale (PCL-5, DOMAIN.md §1.3).
public struct EndorsementRule: Sendable, Equatable, Codable {
    /// Rule id.
    public let id: String
    /// What meeting the rule means.
    public let label: String
    /// An item counts as endorsed at or above this value.
    public let minItemValue: Int
    /// Per-subscale minimum counts of endorsed items.
    public let requirements: [EndorsementRequirement]
    /// Source of the rule.
    public let provenance: AssessmentProvenance
}

/// One requirement of an `EndorsementRule`.
public struct EndorsementRequirement: Sendable, Equatable, Codable {
    /// Subscale id whose items are counted.
    public let subscale: String
    /// Minimum number of endorsed items.
    public let minEndorsed: Int
}

/// A threshold seeded in the instrument data that a clinic may override through `ScoringPolicy` by `policyKey`.
public struct ThresholdSetting: Sendable, Equatable, Codable {
    /// Seed value.
    public let defaultValue: Int
    /// Key in `ScoringPolicy.thresholds` (Appendix B naming), when the clinic may change it.
    public let policyKey: String?

    /// Creates a threshold setting.
    public init(defaultValue: Int, policyKey: String? = nil) {
        self.defaultValue = defaultValue
        self.policyKey = policyKey
    }

    private enum CodingKeys: String, CodingKey {
        case defaultValue = "default"
        case policyKey
    }
}

/// An on/off setting seeded in the instrument data that a clinic may override through `ScoringPolicy` by `policyKey`.
public struct SwitchSetting: Sendable, Equatable, Codable {
    /// Seed value.
    public let defaultValue: Bool
    /// Key in `ScoringPolicy.switches`, when the clinic may change it.
    public let policyKey: String?

    private enum CodingKeys: String, CodingKey {
        case defaultValue = "default"
        case policyKey
    }
}

/// Direction of an item threshold.
public enum ThresholdDirection: String, Sendable, Equatable, Codable {
    /// Fires when the value is ≥ the threshold (PHQ-9 item 9).
    case atLeast
    /// Fires when the value is ≤ the threshold (MOAA/S).
    case atMost
}

/// An item-level safety rule: when the item's answer passes `trigger`, raise an alert with the most severe matching tier.
public struct SafetyRule: Sendable, Equatable, Codable {
    /// Rule id (`phq9.item9`).
    public let id: String
    /// Alert kind raised.
    public let kind: SafetyAlertKind
    /// LinkId of the item watched.
    public let item: String
    /// Whether high or low values are unsafe.
    public let direction: ThresholdDirection
    /// Gate: no alert unless the value passes this threshold.
    public let trigger: ThresholdSetting
    /// Priority tiers, least to most severe.
    public let tiers: [AlertTier]
    /// Message appended to the tier label.
    public let message: String
    /// Source section for the alert (`DOMAIN.md §1.2`).
    public let section: String
    /// Actions required whatever the tier.
    public let actions: [SafetyAction]
    /// Whether the alert blocks starting a dose.
    public let blocksDosing: SwitchSetting?
    /// When true, an unanswered safety item raises its own warning.
    public let alertWhenUnanswered: Bool
    /// Source of the rule.
    public let provenance: AssessmentProvenance
}

/// One priority tier of a `SafetyRule`.
public struct AlertTier: Sendable, Equatable, Codable {
    /// The tier applies when the value passes this threshold (same direction as the rule).
    public let threshold: ThresholdSetting
    /// Alert priority for the tier.
    public let priority: SafetyAlertPriority
    /// What the tier means.
    public let label: String
    /// Extra actions for the tier.
    public let actions: [SafetyAction]
}

/// Risk triage over yes/no items (C-SSRS screener, DOMAIN.md §1.9).
public struct TriageRule: Sendable, Equatable, Codable {
    /// The answer value meaning "yes".
    public let yesValue: Int
    /// Label when every answered item is No.
    public let noneLabel: String
    /// Source section.
    public let section: String
    /// Flag on the none label.
    public let noneProvenance: AssessmentProvenance
    /// Levels from highest to lowest risk; the first level with a yes on any listed item wins.
    public let levels: [TriageLevel]
}

/// One risk level of a `TriageRule`.
public struct TriageLevel: Sendable, Equatable, Codable {
    /// Level id (`high`, `moderate`, `low`).
    public let id: String
    /// Label as worded in the source (`High risk`).
    public let label: String
    /// LinkIds: a yes on any of them puts the patient at this level.
    public let anyYes: [String]
    /// Alert priority.
    public let priority: SafetyAlertPriority
    /// Why this level was reached.
    public let message: String
    /// Actions attached to this level (clinic policy).
    public let actions: [SafetyAction]
    /// Whether this level blocks dosing today.
    public let blocksDosing: SwitchSetting
    /// Source of the mapping.
    public let provenance: AssessmentProvenance
}

/// How a rating is compared with the pre-dose rating.
public enum PreDoseComparisonKind: String, Sendable, Equatable, Codable {
    /// Alert when the total is more than the threshold above the pre-dose total (CADSS).
    case riseAbove
    /// Alert on any decrease from the pre-dose rating (MOAA/S sedation).
    case anyDecrease
}

/// A comparison of a rating with the pre-dose rating of the same session (DOMAIN.md §1.7, §1.8).
public struct PreDoseComparisonRule: Sendable, Equatable, Codable {
    /// Rule id.
    public let id: String
    /// Alert kind raised.
    public let kind: SafetyAlertKind
    /// Comparison applied.
    public let comparison: PreDoseComparisonKind
    /// Threshold for `riseAbove`.
    public let threshold: ThresholdSetting?
    /// Alert priority.
    public let priority: SafetyAlertPriority
    /// Alert message.
    public let message: String
    /// Source section.
    public let section: String
    /// Source of the rule.
    public let provenance: AssessmentProvenance
}
