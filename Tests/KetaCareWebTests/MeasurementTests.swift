import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

@Suite("Measurement-based care over HTTP: responses, alerts, patient links")
struct MeasurementTests {
    static func patientID(_ store: Store, _ mrn: String) async throws -> String {
        let clinicID = store.clinicID
        return try #require(
            try await store.database.read { db in try await PatientRepository.find(mrn: mrn, clinicID: clinicID, on: db) }?.id.rawValue)
    }

    @Test func recordsScoresAndRejectsBadAnswersNamingTheItem() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let id = try await Self.patientID(store, "KC-000005")
            let (created, body) = try await client.json(
                .post, "/api/v1/patients/\(id)/responses", token: nurse,
                body: #"{"instrument":"GAD-7","answers":[1,2,0,3,1,2,1],"context":"baseline"}"#
            )
            #expect(created == .created)
            let response = try #require(body["response"] as? [String: Any])
            #expect(response["total"] as? Int == 10)
            #expect(response["severity"] as? String == "moderate")
            #expect((body["alerts"] as? [Any])?.isEmpty == true)

            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"instrument":"gad7","answers":[1,2,0]}"#, .unprocessableContent, "answers"),
                (#"{"instrument":"gad7","answers":[1,2,9,3,1,2,1]}"#, .unprocessableContent, "answers[3]"),
                (#"{"instrument":"madrs","answers":[1]}"#, .unprocessableContent, "instrument"),
                (#"{"instrument":"gad7","answers":[1,2,0,3,1,2,1],"context":"lunchtime"}"#, .unprocessableContent, "context"),
                (#"{"instrument":"gad7","answers":"1,2"}"#, .badRequest, "answers"),
                (#"{"instrument":"gad7","answers":[1,2,0,3,1,2,1],"mood":"ok"}"#, .badRequest, "mood"),
            ]
            for (json, status, field) in cases {
                let (got, error) = try await client.json(.post, "/api/v1/patients/\(id)/responses", token: nurse, body: json)
                #expect(got == status, "\(json)")
                #expect(errorField(error) == field, "\(json): \(error)")
            }
            let (unknownPatient, _) = try await client.json(
                .post, "/api/v1/patients/nobody/responses", token: nurse, body: #"{"instrument":"gad7","answers":[0,0,0,0,0,0,0]}"#)
            #expect(unknownPatient == .notFound)
            let (_, list) = try await client.json(.get, "/api/v1/patients/\(id)/responses", token: nurse)
            #expect((list["responses"] as? [Any])?.count == 1)
        }
    }

    @Test("PHQ-9 item 9 above 0 raises an alert only a prescriber can acknowledge, once, with a note")
    func item9AlertLifecycle() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            let id = try await Self.patientID(store, "KC-000006")
            let (_, body) = try await client.json(
                .post, "/api/v1/patients/\(id)/responses", token: nurse, body: #"{"instrument":"phq9","answers":[0,0,0,0,0,0,0,0,1]}"#
            )
            let alerts = try #require(body["alerts"] as? [[String: Any]])
            #expect(alerts.count == 1)
            #expect(alerts.first?["blocksDosing"] as? Bool == true)
            let alertID = try #require(alerts.first?["id"] as? String)

            let (open, openBody) = try await client.json(.get, "/api/v1/alerts", token: doctor)
            #expect(open == .ok)
            #expect((openBody["alerts"] as? [[String: Any]])?.contains { $0["id"] as? String == alertID } == true)

            let (nurseAck, _) = try await client.json(.post, "/api/v1/alerts/\(alertID)/acknowledge", token: nurse, body: #"{"note":"seen"}"#)
            #expect(nurseAck == .forbidden)
            let (emptyNote, emptyBody) = try await client.json(.post, "/api/v1/alerts/\(alertID)/acknowledge", token: doctor, body: #"{"note":"  "}"#)
            #expect(emptyNote == .unprocessableContent)
            #expect(errorField(emptyBody) == "note")
            let (acked, ackBody) = try await client.json(
                .post, "/api/v1/alerts/\(alertID)/acknowledge", token: doctor, body: #"{"note":"Phoned patient, safety plan reviewed"}"#
            )
            #expect(acked == .ok)
            #expect(ackBody["acknowledgedBy"] as? String == "dr.patel")
            let (again, _) = try await client.json(.post, "/api/v1/alerts/\(alertID)/acknowledge", token: doctor, body: #"{"note":"again"}"#)
            #expect(again == .conflict)
            let (_, stillOpen) = try await client.json(.get, "/api/v1/alerts", token: doctor)
            #expect((stillOpen["alerts"] as? [[String: Any]])?.contains { $0["id"] as? String == alertID } == false)

            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "alert.acknowledge"), clinicID: clinicID, on: db)
            }
            #expect(events.contains { $0.outcome == .success && $0.detail.hasPrefix("minutesToAcknowledge=") })
        }
    }

    @Test func patientLinkSavesEachAnswerScoresOnSubmitAndIsSingleUse() async throws {
        try await WebHarness.withApp { client, store, _ in
            let desk = try await client.token("frontdesk.lee")
            let id = try await Self.patientID(store, "KC-000008")
            let (created, link) = try await client.json(
                .post, "/api/v1/patients/\(id)/self-report-links", token: desk, body: #"{"instruments":["gad7"]}"#)
            #expect(created == .created)
            let token = try #require(link["token"] as? String)
            #expect((link["url"] as? String)?.hasSuffix("/r/\(token)") == true)

            let page = try await client.execute(uri: "/r/\(token)", method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("Feeling nervous, anxious, or on edge"))

            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let saved = try await client.execute(
                uri: "/r/\(token)/answer", method: .post, headers: form, body: ByteBuffer(string: "instrument=gad7&item=1&value=2"))
            #expect(saved.status == .ok)
            let badValue = try await client.execute(
                uri: "/r/\(token)/answer", method: .post, headers: form, body: ByteBuffer(string: "instrument=gad7&item=1&value=7"))
            #expect(badValue.status == .unprocessableContent)

            let resumed = try await client.execute(uri: "/r/\(token)", method: .get)
            #expect(String(buffer: resumed.body).contains(#"value="2" data-item="1" checked"#))

            let rest = (2...7).map { "item-\($0)=1" }.joined(separator: "&")
            let submitted = try await client.execute(
                uri: "/r/\(token)/submit", method: .post, headers: form, body: ByteBuffer(string: "instrument=gad7&\(rest)"))
            #expect(submitted.status == .ok)
            #expect(String(buffer: submitted.body).contains("Thank you"))

            let clinicID = store.clinicID
            let responses = try await store.database.read { db in
                try await MeasurementRepository.responses(patient: PatientID(id), clinicID: clinicID, on: db)
            }
            #expect(responses.count == 1)
            #expect(responses.first?.score.total == 8)
            #expect(responses.first?.mode == .selfReport)

            let reused = try await client.execute(uri: "/r/\(token)", method: .get)
            #expect(reused.status == .gone)
            let twice = try await client.execute(
                uri: "/r/\(token)/submit", method: .post, headers: form, body: ByteBuffer(string: "instrument=gad7&\(rest)"))
            #expect(twice.status == .gone)
            #expect(
                try await store.database.read { db in try await MeasurementRepository.responses(patient: PatientID(id), clinicID: clinicID, on: db) }
                    .count == 1)
        }
    }

    @Test("Guessing tokens is rate-limited per client address")
    func tokenGuessingIsLimited() async throws {
        try await WebHarness.withApp { client, _, _ in
            var statuses: [HTTPResponse.Status] = []
            for attempt in 0..<22 {
                statuses.append(try await client.execute(uri: "/r/guess-\(attempt)", method: .get).status)
            }
            #expect(statuses.prefix(20).allSatisfy { $0 == .notFound })
            #expect(statuses.last == .tooManyRequests)
        }
    }

    @Test func expiredLinksAreRefused() async throws {
        let clock = TestClock()
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let id = try await Self.patientID(store, "KC-000009")
            let (_, link) = try await client.json(.post, "/api/v1/patients/\(id)/self-report-links", token: nurse, body: #"{"instruments":["phq9"]}"#)
            let token = try #require(link["token"] as? String)
            clock.advance(by: 72 * 3600 + 1)
            let page = try await client.execute(uri: "/r/\(token)", method: .get)
            #expect(page.status == .gone)
            #expect(String(buffer: page.body).contains("expired"))
        }
    }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()
    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}
