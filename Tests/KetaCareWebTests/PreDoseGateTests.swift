import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import Testing

/// Issue #10: the stops DOMAIN.md makes before a dose, enforced by the server whatever is ticked.
@Suite("Pre-dose gates over HTTP: suicidality, medical-director authority, pregnancy, no record no dose (issue #10)")
struct PreDoseGateTests {
    static let checks =
        #""identity":true,"consent":true,"eligibility":true,"fasting":true,"escort":true,"pregnancy":"not_applicable","medications_reviewed":true,"questionnaires_done":true"#

    /// Orders, verifies, ticks every check, records a normal pre-dose set and the ratings: only the gates under test remain.
    static func readyForDosing(
        _ client: any TestClientProtocol, nurse: String, doctor: String, path s: String, pregnancy: String = "not_applicable",
        order: String = #"{"dose_mg_per_kg":0.5,"concentration_mg_per_ml":1,"infusion_min":40}"#
    ) async throws {
        var (status, body) = try await client.json(.post, "\(s)/order", token: doctor, body: order)
        #expect(status == .created, "\(body)")
        (status, _) = try await client.json(.post, "\(s)/order/verify", token: nurse)
        (status, body) = try await client.json(.get, s, token: nurse)
        let ticks = checks.replacingOccurrences(of: #""pregnancy":"not_applicable""#, with: #""pregnancy":"\#(pregnancy)""#)
        (status, body) = try await client.json(.put, "\(s)/checks", token: nurse, body: "{\"version\":\(SessionTests.version(body)),\(ticks)}")
        #expect(status == .ok, "\(body)")
        (status, _) = try await client.json(
            .post, "\(s)/vitals", token: nurse, body: #"{"systolic":120,"diastolic":78,"heart_rate":72,"spo2":98,"respiratory_rate":14}"#)
        for (instrument, score) in [("moaas", 5), ("cadss", 0)] {
            (status, _) = try await client.json(.post, "\(s)/assessments", token: nurse, body: #"{"instrument":"\#(instrument)","score":\#(score)}"#)
        }
    }

    static func unmet(_ client: any TestClientProtocol, _ s: String, token: String) async throws -> [String] {
        let (_, body) = try await client.json(.get, s, token: token)
        return (body["pre_dose_unmet"] as? [[String: Any]])?.compactMap { $0["item"] as? String } ?? []
    }

    static func startDosing(_ client: any TestClientProtocol, _ s: String, token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (_, body) = try await client.json(.get, s, token: token)
        return try await client.json(
            .post, "\(s)/transitions", token: token, body: #"{"to":"dosing","version":\#(SessionTests.version(body))}"#)
    }

    @Test("DOMAIN.md §4.4: a patient on the Spravato MDSI plan may start at 84 mg; without that plan the first dose is 56 mg")
    func mdsiPlanOrdersFromItsEntry() async throws {
        // The real clock: the demo's consents are signed at start-up, and a plan starts only on a current consent.
        let clock = TestClock()
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            clock.advance(by: 60)
            let nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            for (mrn, template) in [("KC-000005", nil), ("KC-000006", "spravato-mdsi")] as [(String, String?)] {
                let patient = try await SessionTests.patient(store, mrn)
                if let template {
                    let today = LocalDate(utcDayOf: clock.now).description
                    let (_, plan) = try await client.json(
                        .post, "/api/v1/patients/\(patient)/plans", token: doctor, body: #"{"template":"\#(template)","startDate":"\#(today)"}"#)
                    let planID = try #require(plan["id"] as? String, "\(plan)")
                    _ = try await client.json(.post, "/api/v1/plans/\(planID)/sign", token: doctor)
                    let (moved, body) = try await client.json(.post, "/api/v1/plans/\(planID)/phase", token: doctor, body: #"{"phase":"induction"}"#)
                    #expect(moved == .ok, "\(body)")
                }
                let (_, created) = try await client.json(
                    .post, "/api/v1/patients/\(patient)/sessions", token: nurse, body: #"{"route":"intranasal-esketamine"}"#)
                let s = "/api/v1/sessions/\(try #require(created["id"] as? String))"
                let (status, order) = try await client.json(.post, "\(s)/order", token: doctor, body: #"{"dose_mg":84}"#)
                if template == nil {
                    #expect(status == .unprocessableContent, "the TRD entry's first dose is 56 mg: \(order)")
                    #expect(((order["error"] as? [String: Any])?["message"] as? String ?? "").contains("56"), "\(order)")
                } else {
                    #expect(status == .created, "the MDSI entry starts at 84 mg: \(order)")
                }
            }
        }
    }

    @Test("DOMAIN.md §1.2 step 4: an open PHQ-9 item 9 alert refuses the dose until a prescriber documents the risk review")
    func itemNineBlocksUntilReviewed() async throws {
        try await SessionTests.withIVSession("KC-000004") { client, store, nurse, doctor, _, s in
            let patient = try await SessionTests.patient(store, "KC-000004")
            let (recorded, response) = try await client.json(
                .post, "/api/v1/patients/\(patient)/responses", token: nurse, body: #"{"instrument":"phq9","answers":[1,1,1,1,1,1,1,1,1]}"#)
            #expect(recorded == .created)
            let alert = try #require((response["alerts"] as? [[String: Any]])?.first { $0["rule"] as? String == "phq9.item9" })
            try await Self.readyForDosing(client, nurse: nurse, doctor: doctor, path: s)
            #expect(try await Self.unmet(client, s, token: nurse) == ["suicide_risk"])
            let (refused, why) = try await Self.startDosing(client, s, token: nurse)
            #expect(refused == .unprocessableContent, "\(why)")
            // No override stands in for the review, not even the medical director's.
            let (_, _) = try await client.json(
                .post, "\(s)/pre-dose-overrides", token: doctor, body: #"{"item":"suicide_risk","reason":"feels fine today"}"#)
            #expect(try await Self.unmet(client, s, token: nurse) == ["suicide_risk"])
            let alertID = try #require(alert["id"] as? String)
            let (acknowledged, ackBody) = try await client.json(
                .post, "/api/v1/alerts/\(alertID)/acknowledge", token: doctor,
                body: #"{"note":"Risk review: passive ideation, no plan or intent; safety plan updated; proceed"}"#)
            #expect(acknowledged == .ok, "\(ackBody)")
            #expect(try await Self.unmet(client, s, token: nurse).isEmpty)
            let (started, body) = try await Self.startDosing(client, s, token: nurse)
            #expect(started == .ok, "\(body)")
        }
    }

    @Test("DOMAIN.md §3.3: pregnancy needs the medical director, whose authority is the account's and granted by an administrator (audited)")
    func pregnancyNeedsTheMedicalDirector() async throws {
        try await SessionTests.withIVSession("KC-000006") { client, store, nurse, doctor, _, s in
            try await Self.readyForDosing(client, nurse: nurse, doctor: doctor, path: s, pregnancy: "pregnant")
            #expect(try await Self.unmet(client, s, token: nurse) == ["pregnancy"])
            let override = #"{"item":"pregnancy","reason":"Obstetric and psychiatric review: benefit outweighs risk, documented in letter 12"}"#
            var (status, body) = try await client.json(.post, "\(s)/pre-dose-overrides", token: doctor, body: override)
            #expect(status == .forbidden && errorCode(body) == "authority" && errorField(body) == "item", "\(body)")
            (status, body) = try await client.json(.post, "\(s)/pre-dose-overrides", token: nurse, body: override)
            #expect(status == .forbidden, "a nurse's role cannot override at all")
            // A field in the request is not authority: only an administrator's grant is.
            (status, body) = try await client.json(
                .post, "\(s)/pre-dose-overrides", token: doctor, body: #"{"item":"pregnancy","reason":"x y z","asMedicalDirector":true}"#)
            #expect(status == .badRequest && errorField(body) == "asMedicalDirector")
            let admin = try await client.token("admin")
            (status, body) = try await client.json(
                .post, "/api/v1/users/nurse.kim/medical-director", token: admin, body: #"{"granted":true,"reason":"board minute 2026-11"}"#)
            #expect(status == .unprocessableContent && errorField(body) == "granted", "only a prescriber can hold it")
            (status, body) = try await client.json(
                .post, "/api/v1/users/dr.patel/medical-director", token: admin, body: #"{"granted":true,"reason":"board minute 2026-11"}"#)
            #expect(status == .ok && body["isMedicalDirector"] as? Bool == true, "\(body)")
            (status, body) = try await client.json(.post, "\(s)/pre-dose-overrides", token: doctor, body: override)
            #expect(status == .created, "\(body)")
            #expect(try await Self.unmet(client, s, token: nurse).isEmpty)
            let clinicID = store.clinicID
            let grants = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "user.medical_director.grant"), clinicID: clinicID, on: db)
            }
            #expect(grants.first?.detail == "reason=board minute 2026-11")
            let refusals = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "session.pre_dose_override"), clinicID: clinicID, on: db)
            }
            #expect(refusals.contains { $0.outcome == .denied } && refusals.contains { $0.outcome == .success })
        }
    }

    @Test("No record, no dose: ticking consent and eligibility does not dose a patient with neither on record")
    func noRecordNoDose() async throws {
        try await SessionTests.withIVSession("KC-000010") { client, _, nurse, doctor, _, s in
            try await Self.readyForDosing(client, nurse: nurse, doctor: doctor, path: s)
            #expect(try await Self.unmet(client, s, token: nurse) == ["consent", "eligibility"])
            let (refused, _) = try await Self.startDosing(client, s, token: nurse)
            #expect(refused == .unprocessableContent)
        }
    }

    @Test("Screening overrides 'as medical director' need the account's authority")
    func screeningOverrideAuthority() async throws {
        try await WebHarness.withApp { client, store, _ in
            let doctor = try await client.token("dr.patel")
            let patient = try await MeasurementTests.patientID(store, "KC-000011")
            let (status, body) = try await client.json(
                .post, "/api/v1/patients/\(patient)/screening/overrides", token: doctor,
                body: #"{"ruleID":"abs.pregnancy","reason":"reviewed","asMedicalDirector":true}"#)
            #expect(status == .forbidden && errorField(body) == "asMedicalDirector", "\(body)")
        }
    }
}
