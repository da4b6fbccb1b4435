public import Foundation

/// A yes/no fact on the intake that a rule can test.
public enum HistoryFlag: String, StrictlySpelled, Sendable {
    /// Vascular history (DOMAIN.md §3.2).
    case aneurysmalVascularDisease, arteriovenousMalformation, intracerebralHemorrhage
    /// Allergies (DOMAIN.md §3.2).
    case hypersensitivityToKetamine, hypersensitivityToEsketamine, hypersensitivityToExcipient
    /// Blood-pressure and cardiac history (DOMAIN.md §3.2, §3.3); `uncontrolledHypertension` is hypertension not marked controlled.
    case bloodPressureRiseHazard, uncontrolledHypertension, heartFailure, valvularDisease, hypertensiveEncephalopathy
    /// Neurological history (DOMAIN.md §3.3; issue #4 intake list).
    case raisedIntracranialPressure, raisedIntraocularPressure, seizureDisorder, cognitiveImpairment
    /// Psychosis and mania (DOMAIN.md §3.3, §3.6).
    case currentPsychosis, psychosisHistory, maniaOrBipolarHistory
    /// Substance use (DOMAIN.md §3.3).
    case substanceUseDisorder, ketamineMisuse, pcpMisuse
    /// Pregnancy and lactation (DOMAIN.md §3.3).
    case pregnant, breastfeeding, couldBecomePregnant
    /// Bladder (DOMAIN.md §3.3).
    case urinarySymptoms, cystitis
    /// Transport home is not arranged; ketamine was given before (DOMAIN.md §3.3, §3.6).
    case noEscort, priorKetamineTreatment

    /// How the evidence names it.
    public var label: String {
        switch self {
        case .aneurysmalVascularDisease: "aneurysmal vascular disease"
        case .arteriovenousMalformation: "arteriovenous malformation"
        case .intracerebralHemorrhage: "history of intracerebral hemorrhage"
        case .hypersensitivityToKetamine: "hypersensitivity to ketamine"
        case .hypersensitivityToEsketamine: "hypersensitivity to esketamine"
        case .hypersensitivityToExcipient: "hypersensitivity to an excipient"
        case .bloodPressureRiseHazard: "a significant rise in blood pressure would be a serious hazard"
        case .uncontrolledHypertension: "hypertension, not controlled"
        case .heartFailure: "heart failure"
        case .valvularDisease: "valvular heart disease"
        case .hypertensiveEncephalopathy: "history of hypertensive encephalopathy"
        case .raisedIntracranialPressure: "raised intracranial pressure"
        case .raisedIntraocularPressure: "raised intraocular pressure"
        case .seizureDisorder: "seizure disorder"
        case .cognitiveImpairment: "cognitive impairment concerns"
        case .currentPsychosis: "current psychosis"
        case .psychosisHistory: "history of psychosis"
        case .maniaOrBipolarHistory: "history of mania or bipolar disorder"
        case .substanceUseDisorder: "substance use disorder"
        case .ketamineMisuse: "past ketamine misuse"
        case .pcpMisuse: "past PCP misuse"
        case .pregnant: "pregnant"
        case .breastfeeding: "breastfeeding"
        case .couldBecomePregnant: "could become pregnant"
        case .urinarySymptoms: "urinary tract symptoms"
        case .cystitis: "interstitial or ulcerative cystitis"
        case .noEscort: "no escort or safe transport home arranged"
        case .priorKetamineTreatment: "prior ketamine treatment"
        }
    }

    /// The flag's value in `history`.
    public func isSet(in history: IntakeHistory) -> Bool {
        switch self {
        case .aneurysmalVascularDisease: history.cardiovascular.aneurysmalVascularDisease
        case .arteriovenousMalformation: history.cardiovascular.arteriovenousMalformation
        case .intracerebralHemorrhage: history.cardiovascular.intracerebralHemorrhage
        case .hypersensitivityToKetamine: history.allergies.ketamine
        case .hypersensitivityToEsketamine: history.allergies.esketamine
        case .hypersensitivityToExcipient: history.allergies.excipient
        case .bloodPressureRiseHazard: history.cardiovascular.bloodPressureRiseHazard
        case .uncontrolledHypertension: history.cardiovascular.hypertension && history.cardiovascular.hypertensionControlled != true
        case .heartFailure: history.cardiovascular.heartFailure
        case .valvularDisease: history.cardiovascular.valvularDisease
        case .hypertensiveEncephalopathy: history.cardiovascular.hypertensiveEncephalopathy
        case .raisedIntracranialPressure: history.neurological.raisedIntracranialPressure
        case .raisedIntraocularPressure: history.neurological.raisedIntraocularPressure
        case .seizureDisorder: history.neurological.seizureDisorder
        case .cognitiveImpairment: history.neurological.cognitiveImpairment
        case .currentPsychosis: history.psychiatric.currentPsychosis
        case .psychosisHistory: history.psychiatric.psychosisHistory
        case .maniaOrBipolarHistory: history.psychiatric.maniaOrBipolarHistory
        case .substanceUseDisorder: history.substanceUse.substanceUseDisorder
        case .ketamineMisuse: history.substanceUse.ketamineMisuse
        case .pcpMisuse: history.substanceUse.pcpMisuse
        case .pregnant: history.reproductive.pregnant
        case .breastfeeding: history.reproductive.breastfeeding
        case .couldBecomePregnant: history.reproductive.couldBecomePregnant
        case .urinarySymptoms: history.urinary.urinarySymptoms
        case .cystitis: history.urinary.cystitis
        case .noEscort: !history.transport.escortArranged
        case .priorKetamineTreatment: history.priorKetamine.treatedBefore
        }
    }
}

/// A dated event a rule can look back for.
public enum HistoryEvent: String, StrictlySpelled, Sendable {
    /// The most recent myocardial infarction or stroke on the intake.
    case myocardialInfarction, stroke

    /// How the evidence names it.
    public var label: String { self == .myocardialInfarction ? "myocardial infarction" : "stroke" }
}

/// Something whose absence a rule can report.
public enum IntakeItem: String, StrictlySpelled, Sendable {
    /// Vitals, weight and height, or a PHQ-9 item 9 / C-SSRS answer.
    case baselineVitals, bodyMeasures, suicideRiskScreen

    /// How the evidence names it.
    public var label: String {
        switch self {
        case .baselineVitals: "baseline vital signs"
        case .bodyMeasures: "weight and height"
        case .suicideRiskScreen: "suicide-risk screen (PHQ-9 item 9 or C-SSRS)"
        }
    }
}

/// Whether a threshold is crossed by reaching it (`≥`) or by exceeding it (`>`).
public enum ThresholdComparison: String, StrictlySpelled, Sendable {
    /// `≥` or `>`.
    case atLeast, above

    /// The symbol for evidence text.
    public var symbol: String { self == .atLeast ? "≥" : ">" }

    /// Whether `value` crosses `threshold`.
    public func crosses<T: Comparable>(_ value: T, _ threshold: T) -> Bool {
        self == .atLeast ? value >= threshold : value > threshold
    }
}

/// When a rule fires, as data with its parameters, so a clinic can tune numbers without code.
///
/// Encoded as an object with a `kind` and that kind's parameters, e.g.
/// `{"kind": "bloodPressure", "comparison": "atLeast", "systolic": 180, "diastolic": 110}`.
public enum RuleCondition: Codable, Sendable, Equatable {
    /// Any of these yes/no facts is set.
    case anyFlag([HistoryFlag])
    /// The event happened within `days` days before the screening date (day 0 is the screening day).
    case eventWithin(HistoryEvent, days: Int)
    /// Hepatic status is one of these Child-Pugh classes.
    case childPugh([ChildPughClass])
    /// Age on the screening date is below `years`.
    case ageBelow(years: Int)
    /// Age on the screening date is at least `years`.
    case ageAtLeast(years: Int)
    /// Baseline systolic or diastolic crosses its threshold (either one fires it).
    case bloodPressure(ThresholdComparison, systolic: Int, diastolic: Int)
    /// Baseline heart rate crosses the threshold.
    case heartRate(ThresholdComparison, bpm: Int)
    /// Body-mass index crosses the threshold.
    case bmi(ThresholdComparison, kgPerM2: Decimal)
    /// PHQ-9 item 9 is at least `value`.
    case phq9Item9AtLeast(Int)
    /// The C-SSRS risk is at least `risk`.
    case cssrsRiskAtLeast(CSSRSRisk)
    /// The item is absent from the intake.
    case missing(IntakeItem)
    /// Weight and height were measured more than `days` days before the screening date.
    case bodyMeasuresOlderThan(days: Int)
    /// Fewer failed adequate antidepressant trials than the rule set's treatment-resistance threshold.
    case notTreatmentResistant
    /// No diagnosis is a depressive disorder in the catalog (the esketamine indication, DOMAIN.md §3.1).
    case noDepressiveDiagnosis

    private enum Kind: String, StrictlySpelled {
        case anyFlag, eventWithin, childPugh, ageBelow, ageAtLeast, bloodPressure, heartRate, bmi, phq9Item9AtLeast, cssrsRiskAtLeast
        case missing, bodyMeasuresOlderThan, notTreatmentResistant, noDepressiveDiagnosis
    }

    private enum CodingKeys: String, CodingKey {
        case kind, flags, event, days, classes, years, comparison, systolic, diastolic, bpm, kgPerM2, value, risk, item
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .anyFlag: self = .anyFlag(try c.decode([HistoryFlag].self, forKey: .flags))
        case .eventWithin: self = .eventWithin(try c.decode(HistoryEvent.self, forKey: .event), days: try c.decode(Int.self, forKey: .days))
        case .childPugh: self = .childPugh(try c.decode([ChildPughClass].self, forKey: .classes))
        case .ageBelow: self = .ageBelow(years: try c.decode(Int.self, forKey: .years))
        case .ageAtLeast: self = .ageAtLeast(years: try c.decode(Int.self, forKey: .years))
        case .bloodPressure:
            self = .bloodPressure(
                try c.decode(ThresholdComparison.self, forKey: .comparison), systolic: try c.decode(Int.self, forKey: .systolic),
                diastolic: try c.decode(Int.self, forKey: .diastolic))
        case .heartRate: self = .heartRate(try c.decode(ThresholdComparison.self, forKey: .comparison), bpm: try c.decode(Int.self, forKey: .bpm))
        case .bmi: self = .bmi(try c.decode(ThresholdComparison.self, forKey: .comparison), kgPerM2: try c.decode(Decimal.self, forKey: .kgPerM2))
        case .phq9Item9AtLeast: self = .phq9Item9AtLeast(try c.decode(Int.self, forKey: .value))
        case .cssrsRiskAtLeast: self = .cssrsRiskAtLeast(try c.decode(CSSRSRisk.self, forKey: .risk))
        case .missing: self = .missing(try c.decode(IntakeItem.self, forKey: .item))
        case .bodyMeasuresOlderThan: self = .bodyMeasuresOlderThan(days: try c.decode(Int.self, forKey: .days))
        case .notTreatmentResistant: self = .notTreatmentResistant
        case .noDepressiveDiagnosis: self = .noDepressiveDiagnosis
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .anyFlag(let flags):
            try c.encode(Kind.anyFlag, forKey: .kind)
            try c.encode(flags, forKey: .flags)
        case .eventWithin(let event, let days):
            try c.encode(Kind.eventWithin, forKey: .kind)
            try c.encode(event, forKey: .event)
            try c.encode(days, forKey: .days)
        case .childPugh(let classes):
            try c.encode(Kind.childPugh, forKey: .kind)
            try c.encode(classes, forKey: .classes)
        case .ageBelow(let years):
            try c.encode(Kind.ageBelow, forKey: .kind)
            try c.encode(years, forKey: .years)
        case .ageAtLeast(let years):
            try c.encode(Kind.ageAtLeast, forKey: .kind)
            try c.encode(years, forKey: .years)
        case .bloodPressure(let comparison, let systolic, let diastolic):
            try c.encode(Kind.bloodPressure, forKey: .kind)
            try c.encode(comparison, forKey: .comparison)
            try c.encode(systolic, forKey: .systolic)
            try c.encode(diastolic, forKey: .diastolic)
        case .heartRate(let comparison, let bpm):
            try c.encode(Kind.heartRate, forKey: .kind)
            try c.encode(comparison, forKey: .comparison)
            try c.encode(bpm, forKey: .bpm)
        case .bmi(let comparison, let kgPerM2):
            try c.encode(Kind.bmi, forKey: .kind)
            try c.encode(comparison, forKey: .comparison)
            try c.encode(kgPerM2, forKey: .kgPerM2)
        case .phq9Item9AtLeast(let value):
            try c.encode(Kind.phq9Item9AtLeast, forKey: .kind)
            try c.encode(value, forKey: .value)
        case .cssrsRiskAtLeast(let risk):
            try c.encode(Kind.cssrsRiskAtLeast, forKey: .kind)
            try c.encode(risk, forKey: .risk)
        case .missing(let item):
            try c.encode(Kind.missing, forKey: .kind)
            try c.encode(item, forKey: .item)
        case .bodyMeasuresOlderThan(let days):
            try c.encode(Kind.bodyMeasuresOlderThan, forKey: .kind)
            try c.encode(days, forKey: .days)
        case .notTreatmentResistant:
            try c.encode(Kind.notTreatmentResistant, forKey: .kind)
        case .noDepressiveDiagnosis:
            try c.encode(Kind.noDepressiveDiagnosis, forKey: .kind)
        }
    }
}
