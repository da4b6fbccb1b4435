/// Everything screening runs with: the rule set, the interaction table, the diagnosis catalog and intake limits.
public struct EligibilityPolicy: Codable, Sendable, Equatable {
    /// The versioned rules.
    public var ruleSet: EligibilityRuleSet
    /// The versioned drug-interaction table.
    public var interactions: InteractionTable
    /// The allowed ICD-10-CM codes.
    public var diagnoses: DiagnosisCatalog
    /// Plausibility limits for intake numbers.
    public var intakeLimits: IntakeLimits

    /// Creates a policy.
    public init(
        ruleSet: EligibilityRuleSet = .seed, interactions: InteractionTable = .seed, diagnoses: DiagnosisCatalog = .seed,
        intakeLimits: IntakeLimits = .seed
    ) {
        self.ruleSet = ruleSet
        self.interactions = interactions
        self.diagnoses = diagnoses
        self.intakeLimits = intakeLimits
    }

    /// The values KetaCare ships with (DOMAIN.md §3, §10.5).
    public static let seed = EligibilityPolicy()
}
