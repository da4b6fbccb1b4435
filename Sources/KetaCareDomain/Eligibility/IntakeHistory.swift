public import Foundation

/// The structured intake history: the JSON document the API accepts and `ketacare screen FILE.json` reads (DOMAIN.md §3.6).
///
/// Every field is required except those marked optional, so an intake form cannot silently skip a question;
/// lists say "none" by being empty.
public struct IntakeHistory: Codable, Sendable, Equatable {
    /// Date of birth, for the age rules (DOMAIN.md §3.3).
    @PathNamedDate public var dateOfBirth: LocalDate
    /// The routes the clinic is considering; empty means screen for every product.
    public var plannedRoutes: [DosingRoute]
    /// Psychiatric diagnoses in ICD-10-CM; exactly one is primary.
    public var diagnoses: [Diagnosis]
    /// Cardiovascular and cerebrovascular history.
    public var cardiovascular: CardiovascularHistory
    /// Psychosis and mania history.
    public var psychiatric: PsychiatricRiskHistory
    /// Substance use.
    public var substanceUse: SubstanceUseHistory
    /// Pregnancy and lactation.
    public var reproductive: ReproductiveStatus
    /// Seizures, intracranial and intraocular pressure, cognition.
    public var neurological: NeurologicalHistory
    /// Hepatic impairment by Child-Pugh class.
    public var hepatic: ChildPughClass
    /// Bladder and urinary symptoms.
    public var urinary: UrinaryHistory
    /// Allergies.
    public var allergies: AllergyHistory
    /// The latest suicide-risk screen.
    public var suicideRisk: SuicideRiskScreen
    /// Escort and transport home.
    public var transport: TransportPlan
    /// Prior ketamine or esketamine treatment.
    public var priorKetamine: PriorKetamineExposure
    /// Past medication trials, for the treatment-resistance count.
    public var treatmentTrials: [MedicationTrial]
    /// Past psychotherapy.
    public var psychotherapy: [PsychotherapyCourse]
    /// The current and recent medication list.
    public var medications: [Medication]
    /// Baseline vital signs, if taken.
    public var baselineVitals: BaselineVitals?
    /// Weight and height, if measured.
    public var bodyMeasures: BodyMeasures?

    /// Creates a history; defaults describe a patient with nothing to report.
    public init(
        dateOfBirth: LocalDate, plannedRoutes: [DosingRoute] = [], diagnoses: [Diagnosis],
        cardiovascular: CardiovascularHistory = .init(), psychiatric: PsychiatricRiskHistory = .init(),
        substanceUse: SubstanceUseHistory = .init(), reproductive: ReproductiveStatus = .init(),
        neurological: NeurologicalHistory = .init(), hepatic: ChildPughClass = .none, urinary: UrinaryHistory = .init(),
        allergies: AllergyHistory = .init(), suicideRisk: SuicideRiskScreen = .init(), transport: TransportPlan = .init(escortArranged: true),
        priorKetamine: PriorKetamineExposure = .init(), treatmentTrials: [MedicationTrial] = [], psychotherapy: [PsychotherapyCourse] = [],
        medications: [Medication] = [], baselineVitals: BaselineVitals? = nil, bodyMeasures: BodyMeasures? = nil
    ) {
        self.dateOfBirth = dateOfBirth
        self.plannedRoutes = plannedRoutes
        self.diagnoses = diagnoses
        self.cardiovascular = cardiovascular
        self.psychiatric = psychiatric
        self.substanceUse = substanceUse
        self.reproductive = reproductive
        self.neurological = neurological
        self.hepatic = hepatic
        self.urinary = urinary
        self.allergies = allergies
        self.suicideRisk = suicideRisk
        self.transport = transport
        self.priorKetamine = priorKetamine
        self.treatmentTrials = treatmentTrials
        self.psychotherapy = psychotherapy
        self.medications = medications
        self.baselineVitals = baselineVitals
        self.bodyMeasures = bodyMeasures
    }

    /// Reads and validates an intake document: unknown keys, wrong types, unknown diagnosis codes and impossible dates
    /// are errors naming the JSON path (`diagnoses[2].code`, `medications[1].stopDate`).
    ///
    /// - Parameters:
    ///   - asOf: when given, no date in the document may lie after it.
    ///   - policy: supplies the diagnosis catalog and the plausibility limits.
    public static func decode(_ data: Data, asOf: LocalDate? = nil, policy: EligibilityPolicy = .seed) throws(EligibilityError) -> IntakeHistory {
        let history = try StrictJSON.decode(IntakeHistory.self, from: data)
        try history.validate(asOf: asOf, catalog: policy.diagnoses, limits: policy.intakeLimits)
        return history
    }

    /// The products the planned routes use, or every product when none is planned.
    public var plannedProducts: [ProductFamily] {
        let products = Set(plannedRoutes.map(\.product))
        return ProductFamily.allCases.filter { products.isEmpty || products.contains($0) }
    }

    /// The primary diagnosis.
    public var primaryDiagnosis: Diagnosis? { diagnoses.first(where: \.isPrimary) }
}
