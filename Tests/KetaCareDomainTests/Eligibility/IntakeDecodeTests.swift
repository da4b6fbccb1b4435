import Foundation
import KetaCareDomain
import Testing

/// A change to the sample document and the field the error must name.
struct DecodeCase: CustomTestStringConvertible, Sendable {
    let name: String
    let find: String
    let replace: String
    let field: String

    var testDescription: String { "\(name) → \(field)" }
}

@Suite("Intake documents: valid ones decode, bad ones name the JSON path (issue #4 'Bad input')")
struct IntakeDecodeTests {
    typealias F = EligibilityFixture

    @Test("The sample document decodes and screens")
    func sample() throws {
        let history = try IntakeHistory.decode(Data(F.sampleJSON.utf8), asOf: F.asOf)
        #expect(history.diagnoses.count == 3)
        #expect(history.primaryDiagnosis?.code == "F41.1")
        #expect(history.medications[2].stopDate == F.day("2024-10-20"))
        #expect(history.cardiovascular.lastStroke == nil)
        #expect(history.bodyMeasures?.bmi == KilogramsPerSquareMetre(Decimal(string: "26")!))
        let result = Screening.screen(history, asOf: F.asOf)
        #expect(result.treatmentResistance.failedAdequateTrials == 2)
        #expect(result.decision == .needsAcknowledgement)
        #expect(result.firedRules.map(\.ruleID) == ["interaction.benzodiazepine"])
        #expect(result.interactionFlags.first { $0.entryID == "benzodiazepine-efficacy" }?.detail?.contains("10 mg/day > 8") == true)
    }

    @Test("Encoding a decoded history gives a document that decodes to the same history")
    func roundTrip() throws {
        let history = try IntakeHistory.decode(Data(F.sampleJSON.utf8))
        let again = try IntakeHistory.decode(JSONEncoder().encode(history))
        #expect(again == history)
    }

    static let cases: [DecodeCase] = [
        DecodeCase(name: "unknown top-level key", find: #""hepatic": "none","#, replace: #""hepatic": "none", "smoker": true,"#, field: "smoker"),
        DecodeCase(
            name: "unknown nested key", find: #"{"name": "Venlafaxine XR 150 mg","#, replace: #"{"name": "Venlafaxine XR 150 mg", "colour": "red","#,
            field: "medications[0].colour"),
        DecodeCase(name: "wrong type", find: #""heartFailure": false"#, replace: #""heartFailure": "no""#, field: "cardiovascular.heartFailure"),
        DecodeCase(name: "missing section", find: #""transport": {"escortArranged": true},"#, replace: "", field: "transport"),
        DecodeCase(name: "missing nested field", find: #""cystitis": false"#, replace: #""other": 1"#, field: "urinary.cystitis"),
        DecodeCase(
            name: "impossible date", find: #""startDate": "2025-01-10""#, replace: #""startDate": "2025-02-30""#, field: "medications[1].startDate"),
        DecodeCase(name: "date not a date", find: #""dateOfBirth": "1985-03-14""#, replace: #""dateOfBirth": "14th March""#, field: "dateOfBirth"),
        DecodeCase(
            name: "stop before start", find: #""stopDate": "2024-10-20""#, replace: #""stopDate": "2023-10-20""#, field: "medications[2].stopDate"),
        DecodeCase(name: "unknown diagnosis code", find: #""F43.12""#, replace: #""F99.9""#, field: "diagnoses[2].code"),
        DecodeCase(name: "F40.1 header code is not billable", find: #""F43.12""#, replace: #""F40.1""#, field: "diagnoses[2].code"),
        DecodeCase(
            name: "two primaries", find: #"{"code": "F33.1", "isPrimary": false}"#, replace: #"{"code": "F33.1", "isPrimary": true}"#,
            field: "diagnoses[1].isPrimary"),
        DecodeCase(
            name: "no primary", find: #"{"code": "F41.1", "isPrimary": true}"#, replace: #"{"code": "F41.1", "isPrimary": false}"#, field: "diagnoses"
        ),
        DecodeCase(name: "duplicate diagnosis", find: #""F43.12""#, replace: #""f41.1""#, field: "diagnoses[2].code"),
        DecodeCase(name: "bad Child-Pugh", find: #""hepatic": "none""#, replace: #""hepatic": "D""#, field: "hepatic"),
        DecodeCase(name: "bad route", find: #"["iv"]"#, replace: #"["iv", "rectal"]"#, field: "plannedRoutes[1]"),
        DecodeCase(
            name: "bad trial outcome", find: #""outcome": "inadequateResponse"}"#, replace: #""outcome": "meh"}"#, field: "treatmentTrials[0].outcome"
        ),
        DecodeCase(name: "PHQ-9 item 9 out of range", find: #""phq9Item9": 0"#, replace: #""phq9Item9": 4"#, field: "suicideRisk.phq9Item9"),
        DecodeCase(
            name: "hypertension control unanswered", find: #""hypertensionControlled": true,"#, replace: "",
            field: "cardiovascular.hypertensionControlled"),
        DecodeCase(name: "diastolic above systolic", find: #""diastolic": 84"#, replace: #""diastolic": 140"#, field: "baselineVitals.diastolic"),
        DecodeCase(name: "systolic implausible", find: #""systolic": 132"#, replace: #""systolic": 1320"#, field: "baselineVitals.systolic"),
        DecodeCase(name: "weight implausible", find: #""weightKg": 82.5"#, replace: #""weightKg": 8250"#, field: "bodyMeasures.weightKg"),
        DecodeCase(
            name: "future measurement", find: #""heightCm": 178, "measuredOn": "2025-06-10""#,
            replace: #""heightCm": 178, "measuredOn": "2025-07-10""#,
            field: "bodyMeasures.measuredOn"),
        DecodeCase(
            name: "MI before birth", find: #""lastMyocardialInfarction": null"#, replace: #""lastMyocardialInfarction": "1980-01-01""#,
            field: "cardiovascular.lastMyocardialInfarction"),
        DecodeCase(name: "blank medication name", find: #""Sertraline 100 mg""#, replace: #"" ""#, field: "medications[2].name"),
        DecodeCase(name: "not JSON", find: #""dateOfBirth""#, replace: #"dateOfBirth"#, field: "document"),
    ]

    @Test("Bad documents name the field", arguments: cases)
    func rejects(_ c: DecodeCase) throws {
        #expect(F.sampleJSON.contains(c.find), "the case must change the sample")
        let text = F.sampleJSON.replacingOccurrences(of: c.find, with: c.replace)
        let error = try #require(throws: EligibilityError.self) { try IntakeHistory.decode(Data(text.utf8), asOf: F.asOf) }
        #expect(error.field == c.field, "\(error.message)")
        #expect(!error.message.isEmpty)
    }

    @Test("Messages name the allowed values")
    func messages() throws {
        let text = F.sampleJSON.replacingOccurrences(of: #""F43.12""#, with: #""F99.9""#)
        let error = try #require(throws: EligibilityError.self) { try IntakeHistory.decode(Data(text.utf8)) }
        #expect(error.message.contains("F41.1") && error.message.contains("F32.x"))
        let hepatic = F.sampleJSON.replacingOccurrences(of: #""hepatic": "none""#, with: #""hepatic": "D""#)
        let second = try #require(throws: EligibilityError.self) { try IntakeHistory.decode(Data(hepatic.utf8)) }
        #expect(second.message == "hepatic must be one of none, A, B, C; got 'D'")
    }

    @Test(
        "ICD-10-CM catalog (DOMAIN.md §10.5): exact codes and the F32/F33 families",
        arguments: [
            ("F41.1", true), ("F40.10", true), ("F40.11", true), ("F43.10", true), ("F43.11", true), ("F43.12", true), ("F41.0", true),
            ("F40.01", true), ("F32.1", true), ("F32.A", true), ("F33.41", true), (" f33.2 ", true),
            ("F32", false), ("F32.", false), ("F32.123", false), ("F41.9", false), ("F40.1", false), ("F31.0", false),
        ])
    func catalog(_ code: String, _ allowed: Bool) {
        #expect((DiagnosisCatalog.seed.entry(for: code) != nil) == allowed)
    }
}
