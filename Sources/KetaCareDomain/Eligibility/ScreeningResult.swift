/// The outcome of screening (issue #4: eligible / needs acknowledgement / blocked).
public enum ScreeningDecision: String, StrictlySpelled, Sendable, Comparable {
    /// Nothing stops treatment.
    case eligible
    /// Relative items need a prescriber's acknowledged note.
    case needsAcknowledgement
    /// An absolute item blocks treatment.
    case blocked

    public static func < (lhs: ScreeningDecision, rhs: ScreeningDecision) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A rule (or an interaction that needs acknowledgement) that fired, with its evidence.
public struct FiredRule: Codable, Sendable, Equatable {
    /// The rule id (`interaction.<row id>` for an interaction).
    public var ruleID: String
    /// The rule's title.
    public var title: String
    /// Its severity.
    public var severity: RuleSeverity
    /// Whether it may be overridden.
    public var overridable: Bool
    /// Who may override or acknowledge it.
    public var overrideAuthority: OverrideAuthority
    /// What fired it, e.g. "systolic 184 ≥ 180".
    public var evidence: String
    /// What to do about it.
    public var action: String
    /// The products it applies to among those screened.
    public var products: [ProductFamily]
    /// The DOMAIN.md source.
    public var source: String
    /// Provenance of the rule.
    public var provenance: Provenance

    /// Creates a fired-rule record.
    public init(
        ruleID: String, title: String, severity: RuleSeverity, overridable: Bool, overrideAuthority: OverrideAuthority, evidence: String,
        action: String, products: [ProductFamily], source: String, provenance: Provenance
    ) {
        self.ruleID = ruleID
        self.title = title
        self.severity = severity
        self.overridable = overridable
        self.overrideAuthority = overrideAuthority
        self.evidence = evidence
        self.action = action
        self.products = products
        self.source = source
        self.provenance = provenance
    }
}

/// The decision for one product.
public struct ProductDecision: Codable, Sendable, Equatable {
    /// The product.
    public var product: ProductFamily
    /// Its decision.
    public var decision: ScreeningDecision
}

/// Everything one screening produced; stored with the rule-set and table versions that produced it.
public struct ScreeningResult: Codable, Sendable, Equatable {
    /// The screening date.
    public var asOf: LocalDate
    /// The rule-set version used.
    public var ruleSetVersion: Int
    /// The interaction-table version used.
    public var interactionTableVersion: Int
    /// The worst decision over the screened products.
    public var decision: ScreeningDecision
    /// The decision per screened product.
    public var productDecisions: [ProductDecision]
    /// Every rule that fired, most severe first, then in rule-set order.
    public var firedRules: [FiredRule]
    /// Every interaction flag on the medication list.
    public var interactionFlags: [InteractionFlag]
    /// The treatment-resistance count.
    public var treatmentResistance: TreatmentResistance

    /// The decision for `product`, or `nil` when it was not screened.
    public func decision(for product: ProductFamily) -> ScreeningDecision? {
        productDecisions.first { $0.product == product }?.decision
    }

    /// One line per fired rule and interaction flag, for the CLI and the chart.
    public var reasons: [String] {
        firedRules.map { "[\($0.severity.rawValue)] \($0.title): \($0.evidence) (\($0.source))" }
            + interactionFlags.map { "[interaction \($0.severity.rawValue)] \($0.medication) — \($0.drugClass): \($0.effect). \($0.action)" }
    }
}
