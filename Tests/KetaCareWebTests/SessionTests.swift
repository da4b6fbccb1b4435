import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import SQLKit
import Testing

@Suite("Treatment sessions over HTTP: order, double check, pre-dose checks, vitals, alerts, discharge, signature (issue #5)")
struct SessionTests {
    /// Noon UTC today: demo weights (at least 30 days old at midnight) are stale, a weight recorded today is fresh.
    static func noonToday() -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.startOfDay(for: Date()).addingTimeInterval(12 * 3600)
    }

    static func patient(_ store: Store, _ mrn: String) async throws -> String {
        let clinicID = store.clinicID
        return try #require(
            try await store.database.read { db in try await PatientRepository.find(mrn: mrn, clinicID: clinicID, on: db) }?.id.rawValue)
    }

    /// Re-records the patient's latest weight today (no >10 % change to confirm), so orders see a fresh weight.
    static func reweigh(_ client: some TestClientProtocol, _ store: Store, patient: String, token: String) async throws {
        let clinicID = store.clinicID
        let latest = try #require(
            try await store.database.read { db in
                try await PatientRepository.measurements(patient: PatientID(patient), clinicID: clinicID, on: db)
            }.first { $0.kind == .weight })
        let (status, _) = try await client.json(
            .post, "/api/v1/patients/\(patient)/measurements", token: token, body: #"{"kind":"weight","value":\#(latest.value)}"#)
        #expect(status == .created)
    }

    static func version(_ body: [String: Any]) -> Int { body["version"] as? Int ?? -1 }

    /// A fresh weight and an IV session checked in for the demo patient `mrn`, at noon today: the nurse's and the prescriber's
    /// tokens, the session id and its API path.
    static func withIVSession(
        _ mrn: String,
        _ body:
            @Sendable (_ client: any TestClientProtocol, _ store: Store, _ nurse: String, _ doctor: String, _ id: String, _ path: String)
            async throws -> Void
    ) async throws {
        let clock = TestClock()
        clock.advance(by: noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            let patient = try await Self.patient(store, mrn)
            try await Self.reweigh(client, store, patient: patient, token: nurse)
            let (_, created) = try await client.json(.post, "/api/v1/patients/\(patient)/sessions", token: nurse, body: #"{"route":"iv"}"#)
            let id = try #require(created["id"] as? String)
            try await body(client, store, nurse, doctor, id, "/api/v1/sessions/\(id)")
        }
    }

    @Test(
        "A whole IV session: stale weight refused, double check by a second clinician, checks gate dosing, a stop-dosing alert, refused early discharge, discharge, signed and locked"
    )
    func wholeIVSession() async throws {
        let clock = TestClock()
        clock.advance(by: Self.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            var nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            let patient = try await Self.patient(store, "KC-000005")

            var (status, body) = try await client.json(.post, "/api/v1/patients/\(patient)/sessions", token: nurse, body: #"{"route":"iv"}"#)
            #expect(status == .created)
            #expect(body["state"] as? String == "checked_in")
            let id = try #require(body["id"] as? String)
            let s = "/api/v1/sessions/\(id)"

            // DOMAIN.md §4.6: a weight older than 30 days asks for a new one.
            let order = #"{"dose_mg_per_kg":0.5,"concentration_mg_per_ml":1,"infusion_min":40}"#
            (status, body) = try await client.json(.post, "\(s)/order", token: doctor, body: order)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "weight_measured_at")
            (status, _) = try await client.json(.post, "\(s)/order", token: nurse, body: order)
            #expect(status == .forbidden)
            try await Self.reweigh(client, store, patient: patient, token: nurse)
            (status, body) = try await client.json(.post, "\(s)/order", token: doctor, body: order)
            #expect(status == .created, "\(body)")
            #expect(body["limit_status"] as? String == "within")
            let doseMg = try #require(body["dose_mg"] as? Double)
            let rate = try #require(body["rate_ml_per_h"] as? Double)
            #expect(abs(rate - doseMg * 1.5) < 0.051, "\(rate)")  // DOMAIN.md §4.7: volume at 1 mg/mL over 40 min, rate to 0.1 mL/h
            (status, body) = try await client.json(.post, "\(s)/order", token: doctor, body: order)
            #expect(status == .conflict)

            // The independent double check: never the orderer.
            (status, body) = try await client.json(.post, "\(s)/order/verify", token: doctor)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "verified_by")
            (status, body) = try await client.json(.post, "\(s)/order/verify", token: nurse)
            #expect(status == .ok)
            #expect(body["verified_by"] as? String == "nurse.kim")

            // Illegal step: checked in straight to dosing.
            (status, body) = try await client.json(.get, s, token: nurse)
            var version = Self.version(body)
            (status, body) = try await client.json(.post, "\(s)/transitions", token: nurse, body: #"{"to":"dosing","version":\#(version)}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "state")

            // Two people editing: a stale version is refused, nothing is overwritten.
            let checks =
                #""identity":true,"consent":true,"eligibility":true,"fasting":true,"escort":true,"pregnancy":"not_applicable","medications_reviewed":true,"questionnaires_done":true"#
            (status, body) = try await client.json(.put, "\(s)/checks", token: nurse, body: "{\"version\":\(version - 1),\(checks)}")
            #expect(status == .conflict)
            #expect(errorCode(body) == "version_conflict")
            (status, body) = try await client.json(.put, "\(s)/checks", token: nurse, body: "{\"version\":\(version),\(checks)}")
            #expect(status == .ok)
            #expect(body["state"] as? String == "pre_dose_checks")
            let unmet = (body["pre_dose_unmet"] as? [[String: Any]])?.compactMap { $0["item"] as? String }
            #expect(unmet == ["vitals"])

            // Plausibility: rejected naming the field.
            for (json, field) in [
                (#"{"systolic":120,"diastolic":80,"heart_rate":70,"spo2":101,"respiratory_rate":14}"#, "spo2"),
                (#"{"systolic":90,"diastolic":95,"heart_rate":70,"spo2":98,"respiratory_rate":14}"#, "diastolic"),
                (#"{"systolic":120,"diastolic":80,"heart_rate":7,"spo2":98,"respiratory_rate":14}"#, "heart_rate"),
            ] {
                (status, body) = try await client.json(.post, "\(s)/vitals", token: nurse, body: json)
                #expect(status == .unprocessableContent, "\(json)")
                #expect(errorField(body) == field, "\(json): \(body)")
            }
            (status, body) = try await client.json(
                .post, "\(s)/vitals", token: nurse, body: #"{"systolic":120,"diastolic":78,"heart_rate":72,"spo2":98,"respiratory_rate":14}"#)
            #expect(status == .created)
            #expect(body["phase"] as? String == "pre_dose")
            for (instrument, score) in [("moaas", 5), ("cadss", 0)] {
                (status, _) = try await client.json(
                    .post, "\(s)/assessments", token: nurse, body: #"{"instrument":"\#(instrument)","score":\#(score)}"#)
                #expect(status == .created)
            }

            (status, body) = try await client.json(.get, s, token: nurse)
            version = Self.version(body)
            (status, body) = try await client.json(.post, "\(s)/transitions", token: nurse, body: #"{"to":"dosing","version":\#(version)}"#)
            #expect(status == .ok, "\(body)")
            #expect(body["administered_mg"] as? Double == doseMg)
            #expect((body["next_vitals_due"] as? [String: Any])?["seconds_remaining"] as? Int == 300)

            // DOMAIN.md §6.5: SBP 185 is a stop-dosing alert that needs acknowledging.
            clock.advance(by: 10 * 60)
            (status, body) = try await client.json(
                .post, "\(s)/vitals", token: nurse, body: #"{"systolic":185,"diastolic":100,"heart_rate":88,"spo2":97,"respiratory_rate":14}"#)
            #expect(status == .created)
            let alerts = try #require(body["alerts"] as? [[String: Any]])
            #expect(alerts.first?["key"] as? String == "alerts.sbp.critical")
            #expect(alerts.first?["level"] as? String == "stop_dosing")
            let alertID = try #require(alerts.first?["id"] as? String)

            clock.advance(by: 30 * 60)
            for to in ["monitoring", "recovery"] {
                (status, body) = try await client.json(.get, s, token: nurse)
                (status, body) = try await client.json(
                    .post, "\(s)/transitions", token: nurse, body: #"{"to":"\#(to)","version":\#(Self.version(body))}"#)
                #expect(status == .ok, "\(to): \(body)")
            }
            (status, body) = try await client.json(
                .post, "\(s)/vitals", token: nurse, body: #"{"systolic":126,"diastolic":80,"heart_rate":76,"spo2":98,"respiratory_rate":14}"#)
            // DOMAIN.md §6.4: CADSS at about 40 min (the end of the infusion); MOAA/S until two ratings equal the pre-dose 5.
            for (instrument, score) in [("moaas", 5), ("cadss", 0), ("moaas", 5)] {
                (status, _) = try await client.json(
                    .post, "\(s)/assessments", token: nurse, body: #"{"instrument":"\#(instrument)","score":\#(score)}"#)
                #expect(status == .created)
            }
            (status, body) = try await client.json(
                .post, "\(s)/adverse-events", token: nurse, body: #"{"term":"Nausea","grade":1,"action":"none","outcome":"resolved"}"#)
            #expect(status == .created)

            // Early: minimum observation not reached and the critical alert still open.
            (status, body) = try await client.json(.get, s, token: nurse)
            let discharge = #""activity":2,"respiration":2,"consciousness":2,"escort_present":true,"driving_advice":true"#
            (status, body) = try await client.json(.post, "\(s)/discharge", token: nurse, body: "{\"version\":\(Self.version(body)),\(discharge)}")
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "discharge")
            let message = ((body["error"] as? [String: Any])?["message"] as? String) ?? ""
            #expect(message.contains("minimum observation") && message.contains("critical alert"), "\(message)")
            // Only a prescriber may override.
            (status, body) = try await client.json(.get, s, token: nurse)
            (status, _) = try await client.json(
                .post, "\(s)/discharge", token: nurse, body: "{\"version\":\(Self.version(body)),\(discharge),\"override_reason\":\"fine\"}")
            #expect(status == .forbidden)

            (status, body) = try await client.json(
                .post, "\(s)/alerts/\(alertID)/acknowledge", token: nurse, body: #"{"action_taken":"infusion paused, prescriber at bedside"}"#)
            #expect(status == .ok)
            clock.advance(by: 61 * 60)
            nurse = try await client.token("nurse.kim")  // an hour idle: sign in again (30-minute idle timeout)
            // DOMAIN.md §6.4, §7.1: vitals, CADSS and MOAA/S again just before discharge.
            (status, _) = try await client.json(
                .post, "\(s)/vitals", token: nurse, body: #"{"systolic":124,"diastolic":80,"heart_rate":74,"spo2":98,"respiratory_rate":14}"#)
            for (instrument, score) in [("cadss", 0), ("moaas", 5)] {
                (status, _) = try await client.json(
                    .post, "\(s)/assessments", token: nurse, body: #"{"instrument":"\#(instrument)","score":\#(score)}"#)
            }
            (status, body) = try await client.json(.get, s, token: nurse)
            (status, body) = try await client.json(.post, "\(s)/discharge", token: nurse, body: "{\"version\":\(Self.version(body)),\(discharge)}")
            #expect(status == .ok, "\(body)")
            #expect(body["state"] as? String == "ready_for_discharge")
            #expect(body["ready_at"] as? String != nil)

            (status, body) = try await client.json(.post, "\(s)/sign", token: nurse, body: #"{"version":\#(Self.version(body))}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "state")
            (status, body) = try await client.json(.get, s, token: nurse)
            (status, body) = try await client.json(
                .post, "\(s)/transitions", token: nurse, body: #"{"to":"discharged","version":\#(Self.version(body))}"#)
            #expect(status == .ok)
            (status, body) = try await client.json(
                .post, "\(s)/transitions", token: nurse, body: #"{"to":"monitoring","version":\#(Self.version(body))}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "state")
            (status, body) = try await client.json(.get, s, token: nurse)
            (status, body) = try await client.json(.post, "\(s)/sign", token: nurse, body: #"{"version":\#(Self.version(body))}"#)
            #expect(status == .ok)
            #expect(body["is_signed"] as? Bool == true)

            // Locked: entries are refused; amendments are appended.
            (status, body) = try await client.json(
                .post, "\(s)/vitals", token: nurse, body: #"{"systolic":120,"diastolic":80,"heart_rate":70,"spo2":98,"respiratory_rate":14}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "session")
            (status, body) = try await client.json(
                .post, "\(s)/amendments", token: nurse, body: #"{"text":"Nausea resolved by discharge","reason":"late entry"}"#)
            #expect(status == .created)
            (status, body) = try await client.json(.get, "\(s)/pk", token: nurse)
            #expect(status == .ok)
            #expect((body["times_min"] as? [Any])?.count == 480)
            #expect((body["peak_ng_per_ml"] as? Double ?? 0) > 0)

            // The chart lists the session; the run-sheet and the print view render.
            for path in ["/sessions/\(id)", "/sessions/\(id)/print"] {
                let page = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(nurse)"])
                #expect(page.status == .ok)
                let html = String(buffer: page.body)
                #expect(html.contains("<svg") && html.contains("vitals-chart") && html.contains("pk-chart"), "\(path)")
            }
        }
    }

    @Test("Dose limits: beyond a soft limit needs a reason, beyond a hard limit is blocked naming the limit (DOMAIN.md §4.8)")
    func doseLimits() async throws {
        try await Self.withIVSession("KC-000006") { client, _, _, doctor, _, s in
            var (status, body) = try await client.json(
                .post, "\(s)/order", token: doctor, body: #"{"dose_mg_per_kg":1.2,"concentration_mg_per_ml":1,"infusion_min":40}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "dose_mg_per_kg")
            (status, body) = try await client.json(
                .post, "\(s)/order", token: doctor, body: #"{"dose_mg_per_kg":0.8,"concentration_mg_per_ml":1,"infusion_min":40}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "override_reason")
            (status, body) = try await client.json(
                .post, "\(s)/order", token: doctor,
                body: #"{"dose_mg_per_kg":0.8,"concentration_mg_per_ml":1,"infusion_min":40,"override_reason":"partial response at 0.75"}"#)
            #expect(status == .created, "\(body)")
            #expect(body["limit_status"] as? String == "soft")
            #expect(body["override_reason"] as? String == "partial response at 0.75")
            (status, body) = try await client.json(.get, "/api/v1/reports/dose-limit-overrides", token: doctor)
            #expect(status == .ok)
            #expect(body["orders"] as? Int == 1)
            let limits = try #require(body["limits"] as? [[String: Any]])
            #expect(limits.count == 1 && limits.first?["overrides"] as? Int == 1 && limits.first?["rate"] as? Double == 1)
            (status, body) = try await client.json(.post, "\(s)/order", token: doctor, body: #"{"dose_mg_per_kg":0.5,"bogus":1}"#)
            #expect(status == .badRequest)
            #expect(errorField(body) == "bogus")
        }
    }

    @Test("A prescriber withdraws an order before dosing with a reason and orders again; the withdrawn order stays on record")
    func withdrawAndReorder() async throws {
        try await Self.withIVSession("KC-000007") { client, store, nurse, doctor, id, s in
            var (status, body) = try await client.json(
                .post, "\(s)/order", token: doctor, body: #"{"dose_mg_per_kg":0.5,"concentration_mg_per_ml":1,"infusion_min":40}"#)
            #expect(status == .created)
            let first = try #require(body["id"] as? String)

            (status, body) = try await client.json(.post, "\(s)/order/withdraw", token: doctor, body: #"{"reason":"  "}"#)
            #expect(status == .unprocessableContent || status == .badRequest)
            #expect(errorField(body) == "reason")
            (status, _) = try await client.json(.post, "\(s)/order/withdraw", token: nurse, body: #"{"reason":"typo"}"#)
            #expect(status == .forbidden)
            (status, body) = try await client.json(.post, "\(s)/order/withdraw", token: doctor, body: #"{"reason":"wrong concentration"}"#)
            #expect(status == .ok, "\(body)")
            #expect(body["withdrawn"] as? Bool == true && body["id"] as? String == first)
            (status, body) = try await client.json(.post, "\(s)/order/withdraw", token: doctor, body: #"{"reason":"again"}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "order")

            (status, body) = try await client.json(
                .post, "\(s)/order", token: doctor, body: #"{"dose_mg_per_kg":0.5,"concentration_mg_per_ml":10,"infusion_min":40}"#)
            #expect(status == .created, "\(body)")
            let second = try #require(body["id"] as? String)
            #expect(second != first)
            (status, body) = try await client.json(.post, "\(s)/order/verify", token: nurse)
            #expect(status == .ok)

            // Both orders are kept; only the second is current, and the timeline says who withdrew which and why.
            let clinicID = store.clinicID
            let rows = try await store.database.read { db in
                try await db.select().columns("id", "withdrawn_by", "withdraw_reason").from("dose_orders").where("session_id", .equal, SQLBind(id))
                    .all()
            }
            #expect(rows.count == 2)
            let withdrawn = try rows.filter { try $0.decode(column: "withdrawn_by", as: String?.self) != nil }
            #expect(try withdrawn.map { try $0.decode(column: "id", as: String.self) } == [first])
            #expect(try withdrawn.first?.decode(column: "withdraw_reason", as: String.self) == "wrong concentration")
            let file = try await store.database.read { db in try await SessionRepository.load(id: id, clinicID: clinicID, on: db) }
            #expect(file.order?.id == second && file.order?.isVerified == true)
            #expect(file.events.contains { $0.kind == SessionEventKind.order && $0.payloadJSON.contains("wrong concentration") })
        }
    }
}
