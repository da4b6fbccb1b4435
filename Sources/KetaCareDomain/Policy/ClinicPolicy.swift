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
    /// Contraindication rules, the interaction table and intake limits (DOMAIN.md §3).
    public var eligibility: EligibilityPolicy
    /// Treatment-plan templates the prescriber starts from (DOMAIN.md §4–5).
    public var planTemplates: [PlanTemplate]
    /// When questionnaires are due around sessions (DOMAIN.md §2.1; DESIGN DEFAULT schedule).
    public var questionnaireSchedule: QuestionnaireSchedule
    /// Spacing, weekly maxima and booking rules (DOMAIN.md §5.1, Appendix B `schedule.*`).
    public var schedule: SchedulePolicy
    /// Monitoring, alert thresholds, discharge and safety-watch rules (DOMAIN.md §6–8).
    public var sessions: SessionPolicy
    /// Controlled-substance witnesses, retention and tolerances (DOMAIN.md §9).
    public var ledger: LedgerPolicy

    /// Creates a policy from its parts.
    public init(
        registry: RegistryPolicy, scoring: ScoringPolicy = .defaults, outcomes: OutcomePolicy = .defaults, dosing: DosingPolicy = .seed,
        pharmacokinetics: PKPolicy = .seed, selfReport: SelfReportPolicy = .seed, eligibility: EligibilityPolicy = .seed,
        planTemplates: [PlanTemplate] = PlanTemplate.seeds, questionnaireSchedule: QuestionnaireSchedule = .standard,
        schedule: SchedulePolicy = .seed,
        sessions: SessionPolicy = .seed, ledger: LedgerPolicy = .seed
    ) {
        self.registry = registry
        self.scoring = scoring
        self.outcomes = outcomes
        self.dosing = dosing
        self.pharmacokinetics = pharmacokinetics
        self.selfReport = selfReport
        self.eligibility = eligibility
        self.planTemplates = planTemplates
        self.questionnaireSchedule = questionnaireSchedule
        self.schedule = schedule
        self.sessions = sessions
        self.ledger = ledger
    }

    /// The values KetaCare ships with; each names its provenance.
    public static let seed = ClinicPolicy(registry: .seed)

    private enum CodingKeys: String, CodingKey {
        case registry, scoring, outcomes, dosing, pharmacokinetics, selfReport, eligibility, planTemplates, questionnaireSchedule, schedule, sessions
        case ledger
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        registry = try c.decodeIfPresent(RegistryPolicy.self, forKey: .registry) ?? .seed
        scoring = try c.decodeIfPresent(ScoringPolicy.self, forKey: .scoring) ?? .defaults
        outcomes = try c.decodeIfPresent(OutcomePolicy.self, forKey: .outcomes) ?? .defaults
        dosing = try c.decodeIfPresent(DosingPolicy.self, forKey: .dosing) ?? .seed
        pharmacokinetics = try c.decodeIfPresent(PKPolicy.self, forKey: .pharmacokinetics) ?? .seed
        selfReport = try c.decodeIfPresent(SelfReportPolicy.self, forKey: .selfReport) ?? .seed
        eligibility = try c.decodeIfPresent(EligibilityPolicy.self, forKey: .eligibility) ?? .seed
        planTemplates = try c.decodeIfPresent([PlanTemplate].self, forKey: .planTemplates) ?? PlanTemplate.seeds
        questionnaireSchedule = try c.decodeIfPresent(QuestionnaireSchedule.self, forKey: .questionnaireSchedule) ?? .standard
        schedule = try c.decodeIfPresent(SchedulePolicy.self, forKey: .schedule) ?? .seed
        sessions = try c.decodeIfPresent(SessionPolicy.self, forKey: .sessions) ?? .seed
        ledger = try c.decodeIfPresent(LedgerPolicy.self, forKey: .ledger) ?? .seed
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

extension ClinicPolicy {
    /// Checks the areas that carry their own consistency rules; the first problem names its field.
    public func validate() throws(ValidationError) {
        func check(_ area: String, _ body: () throws -> Void) throws(ValidationError) {
            do {
                try body()
            } catch let error as any FieldNamingError {
                throw ValidationError(field: "\(area).\(error.field)", message: error.message)
            } catch {
                throw ValidationError(field: area, message: "\(error)")
            }
        }
        try check("outcomes") { try outcomes.validate() }
        try check("eligibility.ruleSet") { try eligibility.ruleSet.validate() }
        try check("eligibility.interactions") { try eligibility.interactions.validate() }
        for (index, template) in planTemplates.enumerated() {
            try check("planTemplates[\(index)]") { try template.validate() }
        }
        try check("questionnaireSchedule") { try questionnaireSchedule.validate() }
        try check("schedule") { try schedule.validate() }
    }
}
