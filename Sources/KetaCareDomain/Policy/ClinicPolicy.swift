/// Every clinical and registry default a clinic runs with: data, versioned in the database, seeded from DOMAIN.md.
///
/// A stored policy written before an area existed decodes with that area's seed, so adding an area never breaks a clinic.
public struct ClinicPolicy: Codable, Sendable, Equatable {
    /// Rules for the patient registry.
    public var registry: RegistryPolicy
    /// Missing-item, safety-item and cutoff rules for instruments (DOMAIN.md §1, Appendix B `instruments.*`, `safety.*`).
    public var scoring: ScoringPolicy
    /// Response, remission and reliable-change definitions (DOMAIN.md §2, Appendix B `outcomes.*`).
    public var outcomes: OutcomePolicy
    /// Weight basis, rounding and the drug library's limits (DOMAIN.md §4, Appendix B `dosing.*`).
    public var dosing: DosingPolicy
    /// Which population PK model each route uses and the display level (PK.md §0).
    public var pharmacokinetics: PKPolicy
    /// Patient questionnaire links: expiry, crisis text, attempt limits.
    public var selfReport: SelfReportPolicy

    /// Creates a policy from its parts.
    public init(
        registry: RegistryPolicy, scoring: ScoringPolicy = .defaults, outcomes: OutcomePolicy = .defaults, dosing: DosingPolicy = .seed,
        pharmacokinetics: PKPolicy = .seed, selfReport: SelfReportPolicy = .seed
    ) {
        self.registry = registry
        self.scoring = scoring
        self.outcomes = outcomes
        self.dosing = dosing
        self.pharmacokinetics = pharmacokinetics
        self.selfReport = selfReport
    }

    /// The values KetaCare ships with; each names its provenance.
    public static let seed = ClinicPolicy(registry: .seed)

    private enum CodingKeys: String, CodingKey { case registry, scoring, outcomes, dosing, pharmacokinetics, selfReport }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        registry = try c.decodeIfPresent(RegistryPolicy.self, forKey: .registry) ?? .seed
        scoring = try c.decodeIfPresent(ScoringPolicy.self, forKey: .scoring) ?? .defaults
        outcomes = try c.decodeIfPresent(OutcomePolicy.self, forKey: .outcomes) ?? .defaults
        dosing = try c.decodeIfPresent(DosingPolicy.self, forKey: .dosing) ?? .seed
        pharmacokinetics = try c.decodeIfPresent(PKPolicy.self, forKey: .pharmacokinetics) ?? .seed
        selfReport = try c.decodeIfPresent(SelfReportPolicy.self, forKey: .selfReport) ?? .seed
    }
}

/// Limits for demographics and body measurements: plausibility, not clinical thresholds.
public struct RegistryPolicy: Codable, Sendable, Equatable {
    /// The oldest age a date of birth may give.
    public var maxAgeYears: Sourced<Int>
    /// Shape every MRN must match (the clinic assigns MRNs): a regular expression over the whole value.
    public var mrnPattern: Sourced<String>
    /// Plausible body height in centimetres.
    public var heightCm: Sourced<ClosedRange<Double>>
    /// Plausible body weight in kilograms.
    public var weightKg: Sourced<ClosedRange<Double>>

    /// Creates registry limits.
    public init(
        maxAgeYears: Sourced<Int>,
        mrnPattern: Sourced<String>,
        heightCm: Sourced<ClosedRange<Double>>,
        weightKg: Sourced<ClosedRange<Double>>
    ) {
        self.maxAgeYears = maxAgeYears
        self.mrnPattern = mrnPattern
        self.heightCm = heightCm
        self.weightKg = weightKg
    }

    /// Design defaults: plausibility ranges only, for the clinic to review.
    public static let seed = RegistryPolicy(
        maxAgeYears: Sourced(130, .designDefault),
        mrnPattern: Sourced("[A-Z0-9][A-Z0-9-]{0,19}", .designDefault),
        heightCm: Sourced(50...250, .designDefault),
        weightKg: Sourced(20...350, .designDefault)
    )
}
