/// An alert raised while scoring: a safety item, a risk level, sedation or dissociation (DOMAIN.md §1.2, §1.7–1.9).
public struct SafetyAlert: Sendable, Equatable, Codable {
    /// The rule that raised it (`phq9.item9`, `cssrs.high`, `moaas.sedation`).
    public let ruleID: String
    /// What kind of alert it is.
    public let kind: SafetyAlertKind
    /// How urgent it is.
    public let priority: SafetyAlertPriority
    /// 1-based position of the item in the answers (matches `answers[i]`), nil for a derived alert.
    public let item: Int?
    /// The item's linkId, nil for a derived alert.
    public let linkId: String?
    /// The answer value or total that triggered it.
    public let value: Int?
    /// A sentence for the clinician.
    public let message: String
    /// The section of DOMAIN.md the rule comes from.
    public let section: String
    /// What must happen next.
    public let actions: [SafetyAction]
    /// Whether starting a dose is blocked until a clinician documents a review.
    public let blocksDosing: Bool
    /// Where the rule comes from (most alert mappings are DESIGN DEFAULTS).
    public let provenance: AssessmentProvenance

    /// Creates an alert.
    public init(
        ruleID: String,
        kind: SafetyAlertKind,
        priority: SafetyAlertPriority,
        item: Int?,
        linkId: String?,
        value: Int?,
        message: String,
        section: String,
        actions: [SafetyAction],
        blocksDosing: Bool,
        provenance: AssessmentProvenance
    ) {
        self.ruleID = ruleID
        self.kind = kind
        self.priority = priority
        self.item = item
        self.linkId = linkId
        self.value = value
        self.message = message
        self.section = section
        self.actions = actions
        self.blocksDosing = blocksDosing
        self.provenance = provenance
    }
}

/// Kinds of alert raised by assessments.
public enum SafetyAlertKind: String, Sendable, Equatable, Codable, CaseIterable {
    /// Self-harm thoughts endorsed on a safety item (PHQ-9 item 9).
    case selfHarm
    /// A suicide-risk level from the C-SSRS screener.
    case suicideRisk
    /// Sedation (MOAA/S).
    case sedation
    /// Dissociation above the pre-dose level (CADSS, informational).
    case dissociation
    /// A safety item was left unanswered.
    case safetyItemUnanswered
}

/// Alert priority, least to most urgent.
public enum SafetyAlertPriority: String, Sendable, Equatable, Codable, CaseIterable, Comparable {
    /// Document; no action needed now.
    case info
    /// Someone should look soon.
    case warning
    /// Needs same-day clinical follow-up.
    case high
    /// Needs a clinician now.
    case urgent
    /// Life-threatening.
    case emergency

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Orders priorities from `info` to `emergency`.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// What an alert requires (DOMAIN.md §1.2 software behaviour, §1.8 alert mapping, §1.9 clinic actions).
public enum SafetyAction: String, Sendable, Equatable, Codable, CaseIterable {
    /// Create a FHIR `Flag` on the patient.
    case createFlag
    /// Require a C-SSRS screener in the same visit.
    case requireCSSRSScreener
    /// A clinician documents a risk review.
    case requireRiskReview
    /// The alert cannot be dismissed without a note.
    case requireNoteToDismiss
    /// Same-day psychiatric evaluation.
    case sameDayPsychiatricEvaluation
    /// Note it in the record.
    case document
    /// Alert the nurse.
    case notifyNurse
    /// The clinician comes to the bedside.
    case clinicianAtBedside
    /// Check pulse oximetry.
    case checkPulseOximetry
    /// Airway emergency.
    case airwaySupport
}
