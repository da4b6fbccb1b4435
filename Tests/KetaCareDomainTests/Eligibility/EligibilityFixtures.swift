import Foundation
import KetaCareDomain
import Testing

/// Shared values for the eligibility tests: a screening date and a history on which no rule fires.
enum EligibilityFixture {
    static let asOf = day("2025-06-15")

    static func day(_ text: String) -> LocalDate {
        // Fixture dates are literals known to be valid.
        try! LocalDate.parse(text)
    }

    /// An adult with GAD, normal vitals, a current weight, a negative suicide screen and an escort, planned for IV racemic ketamine.
    static func clean(routes: [DosingRoute] = [.intravenous]) -> IntakeHistory {
        IntakeHistory(
            dateOfBirth: day("1985-01-01"),
            plannedRoutes: routes,
            diagnoses: [Diagnosis(code: "F41.1", isPrimary: true)],
            suicideRisk: SuicideRiskScreen(phq9Item9: 0, cssrsRisk: CSSRSRisk.none),
            transport: TransportPlan(escortArranged: true),
            baselineVitals: BaselineVitals(systolic: 120, diastolic: 80, heartRate: 70, measuredOn: asOf),
            bodyMeasures: BodyMeasures(weightKg: 70, heightCm: 175, measuredOn: asOf)
        )
    }

    /// A valid intake document, the same JSON the API accepts and `ketacare screen` reads.
    static let sampleJSON = """
        {
          "dateOfBirth": "1985-03-14",
          "plannedRoutes": ["iv"],
          "diagnoses": [
            {"code": "F41.1", "isPrimary": true},
            {"code": "F33.1", "isPrimary": false},
            {"code": "F43.12", "isPrimary": false}
          ],
          "cardiovascular": {
            "hypertension": true, "hypertensionControlled": true, "aneurysmalVascularDisease": false,
            "arteriovenousMalformation": false, "intracerebralHemorrhage": false, "lastMyocardialInfarction": null,
            "heartFailure": false, "valvularDisease": false, "hypertensiveEncephalopathy": false, "bloodPressureRiseHazard": false
          },
          "psychiatric": {"currentPsychosis": false, "psychosisHistory": false, "maniaOrBipolarHistory": false},
          "substanceUse": {"substanceUseDisorder": false, "ketamineMisuse": false, "pcpMisuse": false},
          "reproductive": {"pregnant": false, "breastfeeding": false, "couldBecomePregnant": false},
          "neurological": {
            "seizureDisorder": false, "raisedIntracranialPressure": false, "raisedIntraocularPressure": false, "cognitiveImpairment": false
          },
          "hepatic": "none",
          "urinary": {"urinarySymptoms": false, "cystitis": false},
          "allergies": {"ketamine": false, "esketamine": false, "excipient": false, "other": ["penicillin"]},
          "suicideRisk": {"phq9Item9": 0, "cssrsRisk": "none"},
          "transport": {"escortArranged": true},
          "priorKetamine": {"treatedBefore": false},
          "treatmentTrials": [
            {"drug": "sertraline", "category": "antidepressant", "adequateDoseAndDuration": true, "inCurrentEpisode": true,
             "outcome": "inadequateResponse"},
            {"drug": "venlafaxine", "category": "antidepressant", "adequateDoseAndDuration": true, "inCurrentEpisode": true,
             "outcome": "inadequateResponse"}
          ],
          "psychotherapy": [{"modality": "CBT", "sessions": 16, "completed": true}],
          "medications": [
            {"name": "Venlafaxine XR 150 mg", "dose": "150 mg daily", "startDate": "2024-11-01"},
            {"name": "Lorazepam 1 mg", "dose": "1 mg at night", "diazepamEquivalentMgPerDay": 10, "startDate": "2025-01-10"},
            {"name": "Sertraline 100 mg", "startDate": "2024-01-05", "stopDate": "2024-10-20"}
          ],
          "baselineVitals": {"systolic": 132, "diastolic": 84, "heartRate": 76, "measuredOn": "2025-06-10"},
          "bodyMeasures": {"weightKg": 82.5, "heightCm": 178, "measuredOn": "2025-06-10"}
        }
        """
}
