import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

@Suite("Medication classes on the chart and the API (issue #10)")
struct MedicationClassTests {
    /// The chart's row for the medication at `index`, as HTML.
    static func medicationRow(_ client: some TestClientProtocol, patient: String, index: Int, token: String) async throws -> String {
        let response = try await client.execute(uri: "/patients/\(patient)", method: .get, headers: [.authorization: "Bearer \(token)"])
        #expect(response.status == .ok)
        let html = String(buffer: response.body)
        let start = try #require(html.range(of: #"<tr id="medication-\#(index)">"#), "no row for medication \(index)")
        let end = try #require(html[start.upperBound...].range(of: "</tr>"))
        return String(html[start.lowerBound..<end.upperBound])
    }

    static func ruleIDs(_ screening: [String: Any]) -> [String] {
        (screening["firedRules"] as? [[String: Any]] ?? []).compactMap { $0["ruleID"] as? String }
    }

    @Test(
        "An unknown medication shows \"class unknown — review\" until staff set its class on the chart; each change is a new, audited intake version")
    func setClassFromChart() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let id = try await MeasurementTests.patientID(store, "KC-000012")
            let intake = try IntakeAndSchedulingTests.intake {
                $0["medications"] = [
                    ["name": "Venlafaxine XR 150 mg", "startDate": "2024-11-01"], ["name": "Quetiapine 50 mg at night", "startDate": "2025-01-01"],
                    ["name": "lorazepam (Ativan) 0.5mg", "diazepamEquivalentMgPerDay": 5, "startDate": "2025-01-10"],
                ]
            }
            let (created, first) = try await client.json(.post, "/api/v1/patients/\(id)/intake", token: nurse, body: intake)
            #expect(created == .created, "\(first)")
            #expect(Self.ruleIDs(first).contains("medication.class-unknown.1"))
            let finding = try #require((first["firedRules"] as? [[String: Any]])?.first { $0["ruleID"] as? String == "medication.class-unknown.1" })
            #expect(finding["severity"] as? String == "info")
            #expect(!Self.ruleIDs(first).contains("medication.class-unknown.0") && !Self.ruleIDs(first).contains("medication.class-unknown.2"))

            #expect(try await Self.medicationRow(client, patient: id, index: 0, token: nurse).contains("no interaction class"))
            let before = try await Self.medicationRow(client, patient: id, index: 1, token: nurse)
            #expect(before.contains("class unknown — review"), "\(before)")
            #expect(before.contains(#"action="/patients/\#(id)/medications/1/class""#))
            #expect(try await Self.medicationRow(client, patient: id, index: 2, token: nurse).contains("Benzodiazepines"))

            // The chart's form: choose a class for the unknown medication.
            let posted = try await client.execute(
                uri: "/patients/\(id)/medications/1/class", method: .post,
                headers: [.authorization: "Bearer \(nurse)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "classId=cns-depressant&historyVersion=1"))
            #expect(posted.status == .seeOther)
            let after = try await Self.medicationRow(client, patient: id, index: 1, token: nurse)
            #expect(!after.contains("class unknown"), "\(after)")
            #expect(after.contains("Other CNS depressants"), "\(after)")
            let (_, second) = try await client.json(.get, "/api/v1/patients/\(id)/screening", token: nurse)
            #expect(second["historyVersion"] as? Int == 2)
            #expect(!Self.ruleIDs(second).contains { $0.hasPrefix("medication.class-unknown.") })
            #expect(Self.ruleIDs(second).contains("interaction.cns-depressant"))

            // The API twin: a stale version, an unknown class and a missing medication are refused naming the field.
            let uri = "/api/v1/patients/\(id)/medications/1/class"
            let (stale, _) = try await client.json(.post, uri, token: nurse, body: #"{"classId":"no-interaction-class","historyVersion":1}"#)
            #expect(stale == .conflict)
            let (badClass, classError) = try await client.json(.post, uri, token: nurse, body: #"{"classId":"benzos"}"#)
            #expect(badClass == .unprocessableContent && errorField(classError) == "classId", "\(classError)")
            let (badIndex, indexError) = try await client.json(
                .post, "/api/v1/patients/\(id)/medications/9/class", token: nurse, body: #"{"classId":"opioid"}"#)
            #expect(badIndex == .unprocessableContent && errorField(indexError) == "index", "\(indexError)")
            let (unknownField, _) = try await client.json(.post, uri, token: nurse, body: #"{"classId":"opioid","why":"x"}"#)
            #expect(unknownField == .badRequest)
            let (set, third) = try await client.json(.post, uri, token: nurse, body: #"{"classId":"no-interaction-class","historyVersion":2}"#)
            #expect(set == .created, "\(third)")
            #expect(third["historyVersion"] as? Int == 3)
            #expect(!Self.ruleIDs(third).contains("interaction.cns-depressant"))
            #expect(try await Self.medicationRow(client, patient: id, index: 1, token: nurse).contains("no interaction class"))

            // A class tag never hides what the name shows.
            let (_, fourth) = try await client.json(
                .post, "/api/v1/patients/\(id)/medications/2/class", token: nurse, body: #"{"classId":"no-interaction-class"}"#)
            #expect(Self.ruleIDs(fourth).contains("interaction.benzodiazepine"))

            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "intake.medication.class", limit: 20), clinicID: clinicID, on: db)
            }
            #expect(events.filter { $0.outcome == .success }.count == 3)
            #expect(events.contains { $0.outcome != .success })
            #expect(events.allSatisfy { $0.patientID == id })
        }
    }

    @Test("A patient without an intake, or an index that is not a number, has nothing to set")
    func refusals() async throws {
        try await WebHarness.withApp { client, store, _ in
            let doctor = try await client.token("dr.patel")
            let id = try await MeasurementTests.patientID(store, "KC-000011")
            let (status, error) = try await client.json(
                .post, "/api/v1/patients/\(id)/medications/0/class", token: doctor, body: #"{"classId":"opioid"}"#)
            #expect(status == .notFound, "\(error)")
            let (notNumber, _) = try await client.json(
                .post, "/api/v1/patients/\(id)/medications/first/class", token: doctor, body: #"{"classId":"opioid"}"#)
            #expect(notNumber == .notFound)
        }
    }
}
