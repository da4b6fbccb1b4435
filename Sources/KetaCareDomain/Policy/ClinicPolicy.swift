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
    /// Every seeded template this clinic has been offered, kept or removed: a seed added in a later release joins
    /// `planTemplates` once, and one the clinic removed stays removed.
    public var offeredTemplateSeeds: [PlanTemplateID]
    /// When a maintenance patient who had responded is proposed an as-needed session (DOMAIN.md §5.2; DESIGN DEFAULT).
    public var lossOfResponse: LossOfResponseRule
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
        sessions: SessionPolicy = .seed, ledger: LedgerPolicy = .seed, lossOfResponse: LossOfResponseRule = .seed,
        offeredTemplateSeeds: [PlanTemplateID] = PlanTemplate.seeds.map(\.id)
    ) {
        self.registry = registry
        self.scoring = scoring
        self.outcomes = outcomes
        self.dosing = dosing
        self.pharmacokinetics = pharmacokinetics
        self.selfReport = selfReport
        self.eligibility = eligibility
        self.planTemplates = planTemplates
        self.offeredTemplateSeeds = offeredTemplateSeeds
        self.lossOfResponse = lossOfResponse
        self.questionnaireSchedule = questionnaireSchedule
        self.schedule = schedule
        self.sessions = sessions
        self.ledger = ledger
    }

    /// The values KetaCare ships with; each names its provenance.
    public static let seed = ClinicPolicy(registry: .seed)

    private enum CodingKeys: String, CodingKey {
        case registry, scoring, outcomes, dosing, pharmacokinetics, selfReport, eligibility, planTemplates, questionnaireSchedule, schedule, sessions
        case ledger, offeredTemplateSeeds, lossOfResponse
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
        let stored = try c.decodeIfPresent([PlanTemplate].self, forKey: .planTemplates)
        let offered = try c.decodeIfPresent([PlanTemplateID].self, forKey: .offeredTemplateSeeds)
        (planTemplates, offeredTemplateSeeds) = Self.offeringNewSeeds(stored: stored, offered: offered)
        lossOfResponse = try c.decodeIfPresent(LossOfResponseRule.self, forKey: .lossOfResponse) ?? .seed
        questionnaireSchedule = try c.decodeIfPresent(QuestionnaireSchedule.self, forKey: .questionnaireSchedule) ?? .standard
        schedule = try c.decodeIfPresent(SchedulePolicy.self, forKey: .schedule) ?? .seed
        sessions = try c.decodeIfPresent(SessionPolicy.self, forKey: .sessions) ?? .seed
        ledger = try c.decodeIfPresent(LedgerPolicy.self, forKey: .ledger) ?? .seed
    }
}

extension ClinicPolicy {
    /// A stored template list plus every seed it has not been offered yet (DOMAIN.md §4.4 MDSI arrived this way), and the
    /// offered list afterwards. A list stored before offers were recorded counts as offered ``PlanTemplate/seedsBeforeOfferTracking``;
    /// the clinic's own edits, order and removals stay as they are.
    static func offeringNewSeeds(stored: [PlanTemplate]?, offered: [PlanTemplateID]?) -> ([PlanTemplate], [PlanTemplateID]) {
        guard let stored else { return (PlanTemplate.seeds, PlanTemplate.seeds.map(\.id)) }
        let known = offered ?? PlanTemplate.seedsBeforeOfferTracking
        let present = Set(stored.map(\.id))
        let new = PlanTemplate.seeds.filter { !known.contains($0.id) && !present.contains($0.id) }
        let nowOffered = known + PlanTemplate.seeds.map(\.id).filter { !known.contains($0) }
        return (stored + new, nowOffered)
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
        for (index, template) in planTemplates.enumerated() {
            guard let entryID = template.drugLibraryEntryID else { continue }
            // DOMAIN.md §4.8: the entry must exist for the template's route.
            guard dosing.library.entry(id: entryID)?.route == template.route else {
                throw ValidationError(
                    field: "planTemplates[\(index)].drugLibraryEntryID",
                    message: "drugLibraryEntryID must name a drug-library entry for route \(template.route.rawValue); got \(entryID)")
            }
        }
        try check("lossOfResponse") { try lossOfResponse.validate() }
        try check("questionnaireSchedule") { try questionnaireSchedule.validate() }
        try check("schedule") { try schedule.validate() }
        try check("sessions") { try sessions.validate() }
        // DOMAIN.md §3.3, §3.4: a trigger for closer monitoring that names no rule or interaction class would never fire.
        for (index, trigger) in sessions.intensification.triggers.enumerated() {
            let known: Bool
            switch trigger.finding {
            case .screeningRule: known = eligibility.ruleSet.rules.contains { $0.id == trigger.findingID }
            case .interactionClass: known = eligibility.interactions.entries.contains { $0.id == trigger.findingID }
            }
            guard known else {
                let table = trigger.finding == .screeningRule ? "eligibility.ruleSet.rules" : "eligibility.interactions.entries"
                throw ValidationError(
                    field: "sessions.intensification.triggers[\(index)].findingID",
                    message: "findingID '\(trigger.findingID)' names nothing in \(table); closer monitoring would never be triggered")
            }
        }
    }
}
