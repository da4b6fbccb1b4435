import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

/// Issue #11: a patient link's step is used once, however many taps arrive at once; staff can withdraw a link.
@Suite("Patient links")
struct PatientLinkTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test("Eight simultaneous submissions of one PHQ-9 link store one response and one set of alerts")
    func concurrentSubmissionsStoreOnce() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let id = try await MeasurementTests.patientID(store, "KC-000010")
            let (_, link) = try await client.json(.post, "/api/v1/patients/\(id)/self-report-links", token: nurse, body: #"{"instruments":["phq9"]}"#)
            let token = try #require(link["token"] as? String)
            // Item 9 above 0 raises a safety alert (DOMAIN.md): a double tap must not raise it twice.
            let answers = (1...9).map { "item-\($0)=\($0 == 9 ? 2 : 1)" }.joined(separator: "&")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await client.execute(
                            uri: "/r/\(token)/submit", method: .post, headers: Self.form, body: ByteBuffer(string: "instrument=phq9&\(answers)")
                        ).status
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.allSatisfy { $0 != .internalServerError }, "\(statuses)")
            let clinicID = store.clinicID
            let (responses, alerts) = try await store.database.read { db in
                (
                    try await MeasurementRepository.responses(patient: PatientID(id), clinicID: clinicID, on: db),
                    try await MeasurementRepository.alerts(patient: PatientID(id), includeAcknowledged: true, limit: 50, clinicID: clinicID, on: db)
                )
            }
            #expect(responses.count == 1)
            let perResponse = Set(alerts.map(\.responseID))
            #expect(perResponse.count == 1)
        }
    }

    @Test("Staff withdraw an open link from the chart (audited); the patient then reads that it was withdrawn")
    func staffRevokeALink() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let id = try await MeasurementTests.patientID(store, "KC-000011")
            let (_, link) = try await client.json(.post, "/api/v1/patients/\(id)/self-report-links", token: nurse, body: #"{"instruments":["gad7"]}"#)
            let token = try #require(link["token"] as? String)
            let (session, _) = try await AccountSecurityTests.browserSignIn(client, "nurse.kim")
            let chart = try await client.execute(uri: "/patients/\(id)", method: .get, headers: [.cookie: "kc_session=\(session)"])
            let html = String(buffer: chart.body)
            #expect(html.contains("patient-links"))
            let csrf = try #require(AccountSecurityTests.csrf(in: html))
            let hash = Authenticator.tokenHash(token)
            #expect(html.contains(hash))
            let revoked = try await client.execute(
                uri: "/patients/\(id)/self-report-links/revoke", method: .post,
                headers: [.cookie: "kc_session=\(session)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)&link=\(hash)"))
            #expect(revoked.status == .seeOther)
            let page = try await client.execute(uri: "/r/\(token)", method: .get)
            #expect(page.status == .gone)
            #expect(String(buffer: page.body).contains("withdrawn"))
            let rest = (1...7).map { "item-\($0)=1" }.joined(separator: "&")
            let late = try await client.execute(
                uri: "/r/\(token)/submit", method: .post, headers: Self.form, body: ByteBuffer(string: "instrument=gad7&\(rest)"))
            #expect(late.status == .gone)
            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "selfreport.revoke", limit: 10), clinicID: clinicID, on: db)
            }
            #expect(events.count == 1)
            #expect(events.first?.patientID == id)
            #expect(try await MeasurementRepository.responsesCount(id, store) == 0)
        }
    }
}

extension MeasurementRepository {
    /// How many responses a patient has (test helper).
    static func responsesCount(_ id: String, _ store: Store) async throws -> Int {
        let clinicID = store.clinicID
        return try await store.database.read { db in try await responses(patient: PatientID(id), clinicID: clinicID, on: db) }.count
    }
}
