import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import Testing

/// Issue #10, DOMAIN.md §6.5 alert mechanics: an unacknowledged critical alert escalates after 2 minutes (injected clock).
@Suite("Escalation of unacknowledged critical alerts (DOMAIN.md §6.5)")
struct EscalationTests {
    static func banner(_ client: any TestClientProtocol, _ path: String, token: String) async throws -> String {
        try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"]) { String(buffer: $0.body) }
    }

    /// A session of `route` for KC-000003 taken to dosing through the API; returns the nurse's and prescriber's tokens and the path.
    static func dosing(
        _ client: any TestClientProtocol, _ store: Store, route: String, order: String? = nil
    ) async throws -> (nurse: String, doctor: String, id: String, path: String) {
        let nurse = try await client.token("nurse.kim")
        let doctor = try await client.token("dr.patel")
        let patient = try await SessionTests.patient(store, "KC-000003")
        try await SessionTests.reweigh(client, store, patient: patient, token: nurse)
        let (_, created) = try await client.json(.post, "/api/v1/patients/\(patient)/sessions", token: nurse, body: #"{"route":"\#(route)"}"#)
        let id = try #require(created["id"] as? String)
        let s = "/api/v1/sessions/\(id)"
        if let order {
            try await PreDoseGateTests.readyForDosing(client, nurse: nurse, doctor: doctor, path: s, order: order)
        } else {
            try await PreDoseGateTests.readyForDosing(client, nurse: nurse, doctor: doctor, path: s)
        }
        let (started, body) = try await PreDoseGateTests.startDosing(client, s, token: nurse)
        #expect(started == .ok, "\(body)")
        return (nurse, doctor, id, s)
    }

    @Test("After 2 min a critical BP alert shows on every staff page, is notified once through the outbox and audited; acknowledging ends it")
    func criticalAlertEscalates() async throws {
        let clock = TestClock()
        clock.advance(by: SessionTests.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let (nurse, doctor, _, s) = try await Self.dosing(client, store, route: "iv")
            clock.advance(by: 5 * 60)
            let (_, vitals) = try await client.json(
                .post, "\(s)/vitals", token: nurse, body: #"{"systolic":186,"diastolic":100,"heart_rate":90,"spo2":97,"respiratory_rate":14}"#)
            let alertID = try #require((vitals["alerts"] as? [[String: Any]])?.first { $0["level"] as? String == "stop_dosing" }?["id"] as? String)

            clock.advance(by: 119)
            #expect(try await escalateUnacknowledgedAlerts(store: store, now: clock.now) == 0)
            #expect(!(try await Self.banner(client, "/dashboard", token: nurse)).contains("escalation-banner"))

            clock.advance(by: 2)
            for path in ["/dashboard", "/patients", "/schedule"] {
                let page = try await Self.banner(client, path, token: doctor)
                #expect(page.contains("id=\"escalation-banner\"") && page.contains("Critical alert not acknowledged for 2 min"), "\(path)")
            }
            #expect(try await escalateUnacknowledgedAlerts(store: store, now: clock.now) == 1)
            #expect(try await escalateUnacknowledgedAlerts(store: store, now: clock.now) == 0, "escalated once")
            let clinicID = store.clinicID
            let messages = try await store.database.read { db in try await OutboxRepository.messages(clinicID: clinicID, on: db) }
            #expect(messages.filter { $0.kind == "alert-escalation" && $0.channel == "staff" }.count == 1)
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "session.alert.escalate"), clinicID: clinicID, on: db)
            }
            #expect(events.count == 1 && events.first?.resourceID == alertID)

            let (acknowledged, _) = try await client.json(
                .post, "\(s)/alerts/\(alertID)/acknowledge", token: nurse, body: #"{"action_taken":"infusion stopped; prescriber at bedside"}"#)
            #expect(acknowledged == .ok)
            #expect(!(try await Self.banner(client, "/dashboard", token: doctor)).contains("escalation-banner"))
        }
    }

    @Test(
        "§6.2: a Spravato oximetry reading overdue raises a warning on the session once, on the timeline and audited; once the reading is taken it is not asked again before its next interval"
    )
    func overdueOximetryAlerts() async throws {
        let clock = TestClock()
        clock.advance(by: SessionTests.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let (nurse, _, id, s) = try await Self.dosing(client, store, route: "intranasal-esketamine", order: #"{"dose_mg":56}"#)
            clock.advance(by: 10 * 60)
            #expect(try await raiseOverdueReadingAlerts(store: store, now: clock.now).isEmpty, "nothing overdue at 10 min")
            clock.advance(by: 30 * 60)
            let raised = try await raiseOverdueReadingAlerts(store: store, now: clock.now)
            #expect(raised.contains { $0.signal == "monitoring.oximetry" && $0.level == .warning }, "\(raised.map(\.signal))")
            #expect(try await raiseOverdueReadingAlerts(store: store, now: clock.now).isEmpty, "raised once")
            let (_, session) = try await client.json(.get, s, token: nurse)
            let alerts = session["alerts"] as? [[String: Any]] ?? []
            #expect(alerts.contains { ($0["threshold"] as? String ?? "").contains("pulse oximetry (SpO2) reading overdue") }, "\(alerts)")
            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "session.monitoring.overdue"), clinicID: clinicID, on: db)
            }
            #expect(events.count == 1 && events.first?.resourceID == id)
            let (recorded, _) = try await client.json(
                .post, "\(s)/vitals", token: nurse, body: #"{"systolic":122,"diastolic":78,"heart_rate":72,"spo2":97,"respiratory_rate":14}"#)
            #expect(recorded == .created)
            clock.advance(by: 60)
            #expect(!(try await raiseOverdueReadingAlerts(store: store, now: clock.now)).contains { $0.signal == "monitoring.oximetry" })
        }
    }
}
