/// How hard a fired rule stops treatment (DOMAIN.md §3.2, §3.3).
public enum RuleSeverity: String, StrictlySpelled, Sendable, Comparable {
    /// Information for the chart; nothing to resolve.
    case info
    /// Soft stop: a prescriber must acknowledge it with a note.
    case relative
    /// Hard stop: blocks treatment until a prescriber (or the medical director) overrides it with a reason, if it may be overridden.
    case absolute

    public static func < (lhs: RuleSeverity, rhs: RuleSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Who may override or acknowledge a rule.
public enum OverrideAuthority: String, StrictlySpelled, Sendable {
    /// Any prescriber.
    case prescriber
    /// Only a prescriber acting as the clinic's medical director.
    case medicalDirector
}

/// One eligibility rule as data: a clinic can review and tune it without code (DOMAIN.md §3.2–3.5).
public struct EligibilityRule: Codable, Sendable, Equatable, Identifiable {
    /// Stable id, e.g. `bp.block`; overrides name it.
    public var id: String
    /// A short title for the chart.
    public var title: String
    /// Hard stop, soft stop or information.
    public var severity: RuleSeverity
    /// Whether an absolute rule may be overridden at all (DOMAIN.md §3.2: not by default).
    public var overridable: Bool
    /// Who may override (absolute) or acknowledge (relative) it.
    public var overrideAuthority: OverrideAuthority
    /// The products it applies to.
    public var appliesTo: [ProductFamily]
    /// When it fires.
    public var condition: RuleCondition
    /// What the software and clinic do when it fires (DOMAIN.md "what the software does").
    public var action: String
    /// Rules that, when they also fire, make this one redundant (the BP warn tier under the block tier).
    public var supersededBy: [String]
    /// The DOMAIN.md section and the source it cites.
    public var source: String
    /// Whether the rule is sourced, UNCONFIRMED or a DESIGN DEFAULT.
    public var provenance: Provenance

    /// Creates a rule.
    public init(
        id: String, title: String, severity: RuleSeverity, overridable: Bool, overrideAuthority: OverrideAuthority = .prescriber,
        appliesTo: [ProductFamily] = ProductFamily.allCases, condition: RuleCondition, action: String, supersededBy: [String] = [],
        source: String, provenance: Provenance
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.overridable = overridable
        self.overrideAuthority = overrideAuthority
        self.appliesTo = appliesTo
        self.condition = condition
        self.action = action
        self.supersededBy = supersededBy
        self.source = source
        self.provenance = provenance
    }
}
