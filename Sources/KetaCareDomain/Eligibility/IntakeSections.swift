import Foundation

// DOMAIN.md §3.6: the intake data the screening rules need, grouped the way the intake form asks for it.

/// Cardiovascular and cerebrovascular history (DOMAIN.md §3.2, §3.3, §3.6).
public struct CardiovascularHistory: Codable, Sendable, Equatable {
    /// Diagnosed hypertension.
    public var hypertension: Bool
    /// Whether the hypertension is currently controlled; required when `hypertension` is true.
    public var hypertensionControlled: Bool?
    /// Aneurysmal vascular disease: thoracic or abdominal aorta, intracranial, or peripheral arterial vessels.
    public var aneurysmalVascularDisease: Bool
    /// Arteriovenous malformation.
    public var arteriovenousMalformation: Bool
    /// Any history of intracerebral hemorrhage.
    public var intracerebralHemorrhage: Bool
    /// Date of the most recent myocardial infarction, if any.
    @OptionalPathNamedDate public var lastMyocardialInfarction: LocalDate?
    /// Date of the most recent stroke, if any.
    @OptionalPathNamedDate public var lastStroke: LocalDate?
    /// Heart failure.
    public var heartFailure: Bool
    /// Valvular heart disease.
    public var valvularDisease: Bool
    /// History of hypertensive encephalopathy.
    public var hypertensiveEncephalopathy: Bool
    /// The clinician judges that a significant rise in blood pressure would be a serious hazard (Ketalar §4).
    public var bloodPressureRiseHazard: Bool

    /// Creates a cardiovascular history.
    public init(
        hypertension: Bool = false, hypertensionControlled: Bool? = nil, aneurysmalVascularDisease: Bool = false,
        arteriovenousMalformation: Bool = false, intracerebralHemorrhage: Bool = false, lastMyocardialInfarction: LocalDate? = nil,
        lastStroke: LocalDate? = nil, heartFailure: Bool = false, valvularDisease: Bool = false, hypertensiveEncephalopathy: Bool = false,
        bloodPressureRiseHazard: Bool = false
    ) {
        self.hypertension = hypertension
        self.hypertensionControlled = hypertensionControlled
        self.aneurysmalVascularDisease = aneurysmalVascularDisease
        self.arteriovenousMalformation = arteriovenousMalformation
        self.intracerebralHemorrhage = intracerebralHemorrhage
        self.lastMyocardialInfarction = lastMyocardialInfarction
        self.lastStroke = lastStroke
        self.heartFailure = heartFailure
        self.valvularDisease = valvularDisease
        self.hypertensiveEncephalopathy = hypertensiveEncephalopathy
        self.bloodPressureRiseHazard = bloodPressureRiseHazard
    }
}

/// Psychosis and mania history (DOMAIN.md §3.3, §3.6).
public struct PsychiatricRiskHistory: Codable, Sendable, Equatable {
    /// Psychotic symptoms now.
    public var currentPsychosis: Bool
    /// Any past psychotic episode.
    public var psychosisHistory: Bool
    /// Any past mania or hypomania, or a bipolar diagnosis.
    public var maniaOrBipolarHistory: Bool

    /// Creates a psychosis/mania history.
    public init(currentPsychosis: Bool = false, psychosisHistory: Bool = false, maniaOrBipolarHistory: Bool = false) {
        self.currentPsychosis = currentPsychosis
        self.psychosisHistory = psychosisHistory
        self.maniaOrBipolarHistory = maniaOrBipolarHistory
    }
}

/// Substance use, including past ketamine or PCP misuse (DOMAIN.md §3.3).
public struct SubstanceUseHistory: Codable, Sendable, Equatable {
    /// A current or past substance use disorder.
    public var substanceUseDisorder: Bool
    /// Any past misuse of ketamine.
    public var ketamineMisuse: Bool
    /// Any past misuse of phencyclidine (PCP).
    public var pcpMisuse: Bool

    /// Creates a substance-use history.
    public init(substanceUseDisorder: Bool = false, ketamineMisuse: Bool = false, pcpMisuse: Bool = false) {
        self.substanceUseDisorder = substanceUseDisorder
        self.ketamineMisuse = ketamineMisuse
        self.pcpMisuse = pcpMisuse
    }
}

/// Pregnancy, pregnancy potential and lactation (DOMAIN.md §3.3).
public struct ReproductiveStatus: Codable, Sendable, Equatable {
    /// Currently pregnant.
    public var pregnant: Bool
    /// Currently breastfeeding.
    public var breastfeeding: Bool
    /// Could become pregnant (counsel on contraception; pregnancy test per clinic policy).
    public var couldBecomePregnant: Bool

    /// Creates a reproductive status.
    public init(pregnant: Bool = false, breastfeeding: Bool = false, couldBecomePregnant: Bool = false) {
        self.pregnant = pregnant
        self.breastfeeding = breastfeeding
        self.couldBecomePregnant = couldBecomePregnant
    }
}

/// Seizures, raised intracranial or intraocular pressure, cognition (DOMAIN.md §3.3; issue #4 intake list).
public struct NeurologicalHistory: Codable, Sendable, Equatable {
    /// A seizure disorder.
    public var seizureDisorder: Bool
    /// Raised intracranial pressure.
    public var raisedIntracranialPressure: Bool
    /// Raised intraocular pressure (glaucoma).
    public var raisedIntraocularPressure: Bool
    /// Cognitive impairment concerns at baseline.
    public var cognitiveImpairment: Bool

    /// Creates a neurological history.
    public init(
        seizureDisorder: Bool = false, raisedIntracranialPressure: Bool = false, raisedIntraocularPressure: Bool = false,
        cognitiveImpairment: Bool = false
    ) {
        self.seizureDisorder = seizureDisorder
        self.raisedIntracranialPressure = raisedIntracranialPressure
        self.raisedIntraocularPressure = raisedIntraocularPressure
        self.cognitiveImpairment = cognitiveImpairment
    }
}

/// Hepatic status as a Child-Pugh class (DOMAIN.md §3.3); `none` means no known impairment.
public enum ChildPughClass: String, StrictlySpelled, Sendable, Comparable {
    /// No known hepatic impairment.
    case none
    /// Child-Pugh A (mild).
    case a = "A"
    /// Child-Pugh B (moderate).
    case b = "B"
    /// Child-Pugh C (severe).
    case c = "C"

    public static func < (lhs: ChildPughClass, rhs: ChildPughClass) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Bladder and urinary symptoms (DOMAIN.md §3.3: ask at baseline and periodically).
public struct UrinaryHistory: Codable, Sendable, Equatable {
    /// Urinary tract symptoms (frequency, urgency, dysuria, haematuria).
    public var urinarySymptoms: Bool
    /// Interstitial or ulcerative cystitis.
    public var cystitis: Bool

    /// Creates a urinary history.
    public init(urinarySymptoms: Bool = false, cystitis: Bool = false) {
        self.urinarySymptoms = urinarySymptoms
        self.cystitis = cystitis
    }
}

/// Allergies that matter for ketamine (DOMAIN.md §3.2: hypersensitivity to esketamine, ketamine or an excipient).
public struct AllergyHistory: Codable, Sendable, Equatable {
    /// Hypersensitivity to ketamine.
    public var ketamine: Bool
    /// Hypersensitivity to esketamine.
    public var esketamine: Bool
    /// Hypersensitivity to an excipient of the product to be used.
    public var excipient: Bool
    /// Other allergies, free text, for the chart.
    public var other: [String]

    /// Creates an allergy history.
    public init(ketamine: Bool = false, esketamine: Bool = false, excipient: Bool = false, other: [String] = []) {
        self.ketamine = ketamine
        self.esketamine = esketamine
        self.excipient = excipient
        self.other = other
    }
}

/// C-SSRS screener risk level as triaged (DOMAIN.md §1.9; triage mapping UNCONFIRMED).
public enum CSSRSRisk: String, StrictlySpelled, Sendable, Comparable {
    /// No risk answers.
    case none
    /// Yes to Q1 and/or Q2 only.
    case low
    /// Yes to Q3, or behaviour more than 3 months ago.
    case moderate
    /// Yes to Q4 or Q5, or behaviour in the past 3 months.
    case high

    public static func < (lhs: CSSRSRisk, rhs: CSSRSRisk) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The latest suicide-risk screen (DOMAIN.md §1.2 item 9, §1.9, §3.3 "active suicidal ideation").
public struct SuicideRiskScreen: Codable, Sendable, Equatable {
    /// PHQ-9 item 9 answer, 0–3, if a PHQ-9 was done.
    public var phq9Item9: Int?
    /// C-SSRS screener risk, if one was done.
    public var cssrsRisk: CSSRSRisk?

    /// Creates a suicide-risk screen.
    public init(phq9Item9: Int? = nil, cssrsRisk: CSSRSRisk? = nil) {
        self.phq9Item9 = phq9Item9
        self.cssrsRisk = cssrsRisk
    }
}

/// How the patient gets home (DOMAIN.md §3.3: no driving until the next day).
public struct TransportPlan: Codable, Sendable, Equatable {
    /// An escort or safe transport home is arranged.
    public var escortArranged: Bool

    /// Creates a transport plan.
    public init(escortArranged: Bool) {
        self.escortArranged = escortArranged
    }
}

/// How a past ketamine course went (DOMAIN.md §3.3, Sanacora 2017: "prior response to ketamine").
public enum PriorKetamineResponse: String, StrictlySpelled, Sendable {
    /// Clear benefit.
    case responded
    /// Some benefit.
    case partial
    /// No benefit.
    case noResponse
    /// Not known.
    case unknown
}

/// Prior ketamine or esketamine treatment (DOMAIN.md §3.6).
public struct PriorKetamineExposure: Codable, Sendable, Equatable {
    /// Had ketamine or esketamine treatment before.
    public var treatedBefore: Bool
    /// How it went, when `treatedBefore`.
    public var response: PriorKetamineResponse?

    /// Creates a prior-exposure record.
    public init(treatedBefore: Bool = false, response: PriorKetamineResponse? = nil) {
        self.treatedBefore = treatedBefore
        self.response = response
    }
}

/// Baseline vital signs (DOMAIN.md §3.5, §10.2).
public struct BaselineVitals: Codable, Sendable, Equatable {
    /// Systolic blood pressure, mmHg.
    public var systolic: Int
    /// Diastolic blood pressure, mmHg.
    public var diastolic: Int
    /// Heart rate, beats per minute.
    public var heartRate: Int
    /// Day of the reading.
    @PathNamedDate public var measuredOn: LocalDate

    /// Creates a baseline reading.
    public init(systolic: Int, diastolic: Int, heartRate: Int, measuredOn: LocalDate) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.heartRate = heartRate
        self.measuredOn = measuredOn
    }
}

/// Weight and height with their measurement date; they feed the dosing weight (DOMAIN.md §4.6).
public struct BodyMeasures: Codable, Sendable, Equatable {
    /// Body weight.
    public var weightKg: Kilograms
    /// Body height.
    public var heightCm: Centimetres
    /// Day weight and height were measured.
    @PathNamedDate public var measuredOn: LocalDate

    /// Creates body measures.
    public init(weightKg: Kilograms, heightCm: Centimetres, measuredOn: LocalDate) {
        self.weightKg = weightKg
        self.heightCm = heightCm
        self.measuredOn = measuredOn
    }

    /// Body-mass index, kg/m², to one decimal (DOMAIN.md §10.2 code 39156-5).
    public var bmi: KilogramsPerSquareMetre {
        let metres = heightCm.value / 100
        var raw = weightKg.value / (metres * metres)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &raw, 1, .plain)
        return KilogramsPerSquareMetre(rounded)
    }
}
