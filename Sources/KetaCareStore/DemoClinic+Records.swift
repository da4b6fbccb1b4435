import Foundation
import KetaCareDomain
import SQLKit

/// The demo clinic's intake histories, screenings and consents: a demo patient can be dosed only with them on record
/// (issue #10 "no record, no dose"), so most demo patients arrive with a clearing screen and a signed consent.
extension DemoClinic {
    /// Patients KC-000010 to KC-000019 stay new referrals with nothing on record (the intake flow, and the gate that refuses
    /// to dose them), and only the first 50 get records, so a large benchmark clinic seeds as fast as before.
    public static func hasRecords(mrnNumber: Int) -> Bool { mrnNumber <= 50 && !(10...19).contains(mrnNumber) }

    /// The routes each demo patient with records has consented to.
    static let consentedRoutes: [DosingRoute] = [.intravenous, .intranasalEsketamine, .intramuscular, .subcutaneous]

    /// A plain intake history for `patient`: no contraindications, vitals taken today, weight left to the chart's own record.
    static func intakeDocument(for patient: Patient, today: LocalDate) -> Data {
        let document: [String: Any] = [
            "dateOfBirth": patient.demographics.dateOfBirth.description, "plannedRoutes": ["iv", "intranasal-esketamine"],
            "diagnoses": [["code": "F41.1", "isPrimary": true], ["code": "F33.1", "isPrimary": false]],
            "cardiovascular": [
                "hypertension": false, "hypertensionControlled": NSNull(), "aneurysmalVascularDisease": false, "arteriovenousMalformation": false,
                "intracerebralHemorrhage": false, "lastMyocardialInfarction": NSNull(), "heartFailure": false, "valvularDisease": false,
                "hypertensiveEncephalopathy": false, "bloodPressureRiseHazard": false,
            ],
            "psychiatric": ["currentPsychosis": false, "psychosisHistory": false, "maniaOrBipolarHistory": false],
            "substanceUse": ["substanceUseDisorder": false, "ketamineMisuse": false, "pcpMisuse": false],
            "reproductive": ["pregnant": false, "breastfeeding": false, "couldBecomePregnant": false],
            "neurological": [
                "seizureDisorder": false, "raisedIntracranialPressure": false, "raisedIntraocularPressure": false, "cognitiveImpairment": false,
            ],
            "hepatic": "none", "urinary": ["urinarySymptoms": false, "cystitis": false],
            "allergies": ["ketamine": false, "esketamine": false, "excipient": false, "other": [String]()],
            "suicideRisk": ["phq9Item9": 0, "cssrsRisk": "none"], "transport": ["escortArranged": true],
            "priorKetamine": ["treatedBefore": false],
            "treatmentTrials": [
                [
                    "drug": "sertraline", "category": "antidepressant", "adequateDoseAndDuration": true, "inCurrentEpisode": true,
                    "outcome": "inadequateResponse",
                ],
                [
                    "drug": "venlafaxine", "category": "antidepressant", "adequateDoseAndDuration": true, "inCurrentEpisode": true,
                    "outcome": "inadequateResponse",
                ],
            ],
            "psychotherapy": [["modality": "CBT", "sessions": 16, "completed": true]],
            "medications": [["name": "Venlafaxine XR 150 mg", "dose": "150 mg daily", "startDate": "2024-11-01", "stopDate": NSNull()]],
            "baselineVitals": ["systolic": 124, "diastolic": 78, "heartRate": 72, "measuredOn": today.description],
            "bodyMeasures": NSNull(),
        ]
        return (try? JSONSerialization.data(withJSONObject: document)) ?? Data()
    }

    /// Records an intake (screened with the clinic's rules) and typed consents for each patient that ``hasRecords(mrnNumber:)``.
    func seedRecords(for patients: [Patient], policy: ClinicPolicy, now: Date, clinicID: String, on db: any SQLDatabase) async throws {
        let today = LocalDate(utcDayOf: now)
        for patient in patients {
            guard let number = Int(patient.demographics.mrn.suffix(6)), Self.hasRecords(mrnNumber: number) else { continue }
            let history = try IntakeHistory.decode(Self.intakeDocument(for: patient, today: today), asOf: today, policy: policy.eligibility)
            _ = try await IntakeRepository.save(
                history, patient: patient.id, source: "demo", policy: policy.eligibility, by: "dr.patel", now: now, today: today, clinicID: clinicID,
                on: db)
            let name = "\(patient.demographics.legalGivenName) \(patient.demographics.legalFamilyName)"
            for route in Self.consentedRoutes {
                _ = try await ConsentRepository.sign(
                    patient: patient.id, route: route, signature: .typedName(name: name, channel: .clinicTablet), by: "nurse.kim", now: now,
                    clinicID: clinicID, on: db)
            }
        }
    }
}
