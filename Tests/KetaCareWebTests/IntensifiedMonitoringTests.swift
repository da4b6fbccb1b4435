import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

/// Issue #10: intensified monitoring from screening (DOMAIN.md §3.3, §3.4, §7.1) and the clinic's choice of discharge score
/// (§7.2–7.4), through the real application on SQLite and, with DATABASE_URL, PostgreSQL.
@Suite("Intensified monitoring and the clinic's discharge score over HTTP (DOMAIN.md §3.3, §3.4, §7.1–7.4)")
struct IntensifiedMonitoringTests {
    typealias Call = @Sendable (HTTPRequest.Method, String, String?) async throws -> (HTTPResponse.Status, [String: Any])

    static func message(_ body: [String: Any]) -> String { ((body["error"] as? [String: Any])?["message"] as? String) ?? "" }

    /// Records a normal set, or a rating, at the current clock.
    static func vitals(_ client: any TestClientProtocol, _ s: String, _ token: String) async throws {
        let (status, body) = try await client.json(
            .post, "\(s)/vitals", token: token, body: #"{"systolic":122,"diastolic":78,"heart_rate":72,"spo2":98,"respiratory_rate":14}"#)
        #expect(status == .created, "\(body)")
    }

    static func rate(_ client: any TestClientProtocol, _ s: String, _ token: String, _ instrument: String, _ score: Int) async throws {
        let (status, body) = try await client.json(
            .post, "\(s)/assessments", token: token, body: #"{"instrument":"\#(instrument)","score":\#(score)}"#)
        #expect(status == .created, "\(body)")
    }

    static func move(_ client: any TestClientProtocol, _ s: String, _ token: String, to: String) async throws {
        let (_, current) = try await client.json(.get, s, token: token)
        let (status, body) = try await client.json(
            .post, "\(s)/transitions", token: token, body: #"{"to":"\#(to)","version":\#(SessionTests.version(current))}"#)
        #expect(status == .ok, "\(to): \(body)")
    }

    static func discharge(_ client: any TestClientProtocol, _ s: String, _ token: String, _ items: String) async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        let (_, current) = try await client.json(.get, s, token: token)
        return try await client.json(
            .post, "\(s)/discharge", token: token,
            body: "{\"version\":\(SessionTests.version(current)),\(items),\"escort_present\":true,\"driving_advice\":true}")
    }

    @Test(
        "§3.4 MAOI and §3.3/§7.1 Child-Pugh B: the Spravato session runs BP every 10 min, shows why, and refuses discharge at 120 min until 180"
    )
    func maoiAndChildPughB() async throws {
        let clock = TestClock()
        clock.advance(by: SessionTests.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            var nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            let patient = try await SessionTests.patient(store, "KC-000003")
            let intake = try IntakeAndSchedulingTests.intake {
                $0["plannedRoutes"] = ["intranasal-esketamine"]
                $0["hepatic"] = "B"
                $0["medications"] = [["name": "Nardil 15 mg", "dose": "15 mg three times daily", "startDate": "2025-01-01", "stopDate": NSNull()]]
            }
            var (status, body) = try await client.json(.post, "/api/v1/patients/\(patient)/intake", token: nurse, body: intake)
            #expect(status == .created, "\(body)")
            // §3.4: an MAOI needs the prescriber's acknowledgement before treatment; it still calls for close BP monitoring after.
            (status, body) = try await client.json(
                .post, "/api/v1/patients/\(patient)/screening/overrides", token: doctor,
                body: #"{"ruleID":"interaction.maoi","reason":"MAOI continued after review; BP monitored closely per protocol"}"#)
            #expect(status == .created, "\(body)")

            (status, body) = try await client.json(
                .post, "/api/v1/patients/\(patient)/sessions", token: nurse, body: #"{"route":"intranasal-esketamine"}"#)
            let id = try #require(body["id"] as? String, "\(body)")
            let s = "/api/v1/sessions/\(id)"
            let intensified = try #require(body["intensified_monitoring"] as? [String: Any], "\(body)")
            let reasons = try #require(intensified["reasons"] as? [[String: Any]])
            #expect(reasons.compactMap { $0["key"] as? String } == ["intensify.maoi", "intensify.hepatic-moderate"])
            #expect(reasons.first?["label"] as? String == "MAOI: Nardil 15 mg")
            #expect((reasons.first?["source"] as? String)?.hasPrefix("DOMAIN.md §3.4") == true)
            #expect(intensified["minimum_observation_min"] as? Int == 180)
            let changes = (intensified["changes"] as? [[String: Any]]) ?? []
            #expect(changes.compactMap { $0["kind"] as? String } == ["closer_blood_pressure", "extended_observation"])
            #expect(changes.allSatisfy { $0["needs_review"] as? Bool == true }, "the numbers are DESIGN DEFAULTS")
            #expect((changes.first?["text"] as? String)?.hasPrefix("BP every 10 min from the start of dosing, at 40 min (usually at 40 min)") == true)

            (status, body) = try await client.json(
                .post, "\(s)/order", token: doctor, body: #"{"dose_mg":56,"weight_change_confirmed":true}"#)
            #expect(status == .created, "\(body)")
            (status, _) = try await client.json(.post, "\(s)/order/verify", token: nurse)
            (status, body) = try await client.json(.get, s, token: nurse)
            (status, body) = try await client.json(
                .put, "\(s)/checks", token: nurse, body: "{\"version\":\(SessionTests.version(body)),\(PreDoseGateTests.checks)}")
            #expect(status == .ok, "\(body)")
            try await Self.vitals(client, s, nurse)
            try await Self.rate(client, s, nurse, "moaas", 5)
            try await Self.rate(client, s, nurse, "cadss", 0)
            #expect(try await PreDoseGateTests.unmet(client, s, token: nurse).isEmpty)
            try await Self.move(client, s, nurse, to: "dosing")
            (status, body) = try await client.json(.get, s, token: nurse)
            // §3.4 closer BP: the next set is due in 10 min (the usual Spravato chart asks for the oximeter at 15).
            #expect((body["next_vitals_due"] as? [String: Any])?["seconds_remaining"] as? Int == 600, "\(body["next_vitals_due"] ?? "")")
            clock.advance(by: 5 * 60)
            try await Self.move(client, s, nurse, to: "monitoring")

            // Every 10 min to 120: BP (the 40-min set included), CADSS at 40, MOAA/S back to 5 twice.
            for minute in stride(from: 10, through: 120, by: 10) {
                clock.advance(by: Double(minute == 10 ? 5 : 10) * 60)
                if minute % 50 == 0 { nurse = try await client.token("nurse.kim") }  // an API token lasts an hour
                try await Self.vitals(client, s, nurse)
                if minute == 40 { try await Self.rate(client, s, nurse, "cadss", 0) }
                if minute == 50 || minute == 60 { try await Self.rate(client, s, nurse, "moaas", 5) }
                if minute == 60 { try await Self.move(client, s, nurse, to: "recovery") }
                (status, body) = try await client.json(.get, s, token: nurse)
                #expect((body["next_vitals_due"] as? [String: Any])?["seconds_remaining"] as? Int == 600, "at \(minute) min")
            }
            try await Self.rate(client, s, nurse, "cadss", 0)
            try await Self.rate(client, s, nurse, "moaas", 5)
            // §7.1: 120 min is the label's minimum; this patient's is 180.
            (status, body) = try await Self.discharge(client, s, nurse, #""activity":2,"respiration":2,"consciousness":2"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "discharge")
            let refusal = Self.message(body)
            #expect(refusal.contains("minimum observation of 180 min") && refusal.contains("Child-Pugh B"), "\(refusal)")
            #expect(!refusal.contains("monitoring missing"), "only the extended minimum is unmet: \(refusal)")

            for minute in stride(from: 130, through: 180, by: 10) {
                clock.advance(by: 10 * 60)
                if minute == 150 { nurse = try await client.token("nurse.kim") }
                try await Self.vitals(client, s, nurse)
            }
            try await Self.rate(client, s, nurse, "cadss", 0)
            try await Self.rate(client, s, nurse, "moaas", 5)
            (status, body) = try await Self.discharge(client, s, nurse, #""activity":2,"respiration":2,"consciousness":2"#)
            #expect(status == .ok, "\(body)")
            #expect(body["state"] as? String == "ready_for_discharge")

            // The run-sheet names the reasons and the effective schedule.
            let page = try await client.execute(uri: "/sessions/\(id)", method: .get, headers: [.authorization: "Bearer \(nurse)"])
            let html = String(buffer: page.body)
            #expect(html.contains(#"id="intensified-monitoring""#) && html.contains("MAOI: Nardil 15 mg"))
            #expect(html.contains("Minimum observation 180 min from the start of dosing (usually 120)"))
        }
    }

    @Test("§3.4 a benzodiazepine on the list: MOAA/S and the oximeter every 10 min on an IV session; a clean patient runs the usual schedule")
    func closerSedation() async throws {
        try await SessionTests.withIVSession("KC-000002") { client, store, nurse, doctor, _, s in
            var (_, body) = try await client.json(.get, s, token: nurse)
            #expect(body["intensified_monitoring"] == nil, "no finding, no notice")
            let patient = try await SessionTests.patient(store, "KC-000002")
            let intake = try IntakeAndSchedulingTests.intake {
                $0["medications"] = [
                    ["name": "Lorazepam 1 mg", "dose": "1 mg at night", "startDate": "2025-01-10", "diazepamEquivalentMgPerDay": 10]
                ]
            }
            var status: HTTPResponse.Status
            (status, body) = try await client.json(.post, "/api/v1/patients/\(patient)/intake", token: nurse, body: intake)
            #expect(status == .created, "\(body)")
            (_, body) = try await client.json(.get, s, token: nurse)
            let intensified = try #require(body["intensified_monitoring"] as? [String: Any], "\(body)")
            let changes = (intensified["changes"] as? [[String: Any]]) ?? []
            #expect(changes.compactMap { $0["kind"] as? String } == ["closer_sedation"])
            let text = changes.first?["text"] as? String ?? ""
            #expect(text.hasPrefix("MOAA/S every 10 min (usually 15); SpO2 charted every 5 min during dosing, every 10 min after dosing"), "\(text)")
            #expect(intensified["minimum_observation_min"] as? Int == 60)
            _ = doctor
        }
    }

    // MARK: - The clinic's discharge score (DOMAIN.md §7.2–7.4)

    /// Stores the clinic's policy with the PADSS variant chosen; `savedAt` differs per test so the process-wide policy cache
    /// tells the SQLite copies of the one demo clinic apart.
    static func choosePADSS(_ store: Store, intakeOutput: Bool, bleedingNA: Bool, savedAt: Date) async throws {
        let clinicID = store.clinicID
        try await store.database.write { db in
            var policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
            policy.sessions.discharge.instrument = Sourced(.padss, .designDefault)
            policy.sessions.discharge.padss.includesIntakeOutput = Sourced(intakeOutput, .designDefault)
            policy.sessions.discharge.padss.bleedingNotApplicableScoresTwo = Sourced(bleedingNA, .designDefault)
            try policy.validate()
            try await PolicyRepository.save(policy, reason: "PADSS chosen", by: "test", now: savedAt, clinicID: clinicID, on: db)
        }
    }

    /// An IV session for `mrn` dosed at noon, its infusion ended at 40 min with CADSS and MOAA/S, in recovery at 50 min.
    static func ivInRecovery(_ mrn: String, clock: TestClock, _ client: any TestClientProtocol, _ store: Store) async throws -> (
        id: String, path: String
    ) {
        let nurse = try await client.token("nurse.kim")
        let doctor = try await client.token("dr.patel")
        let patient = try await SessionTests.patient(store, mrn)
        try await SessionTests.reweigh(client, store, patient: patient, token: nurse)
        let (_, body) = try await client.json(.post, "/api/v1/patients/\(patient)/sessions", token: nurse, body: #"{"route":"iv"}"#)
        let id = try #require(body["id"] as? String)
        let s = "/api/v1/sessions/\(id)"
        try await PreDoseGateTests.readyForDosing(client, nurse: nurse, doctor: doctor, path: s)
        try await Self.move(client, s, nurse, to: "dosing")
        clock.advance(by: 40 * 60)
        try await Self.vitals(client, s, nurse)
        try await Self.rate(client, s, nurse, "cadss", 0)
        try await Self.rate(client, s, nurse, "moaas", 5)
        try await Self.move(client, s, nurse, to: "monitoring")
        try await Self.move(client, s, nurse, to: "recovery")
        clock.advance(by: 10 * 60)
        try await Self.rate(client, s, nurse, "moaas", 5)
        return (id, s)
    }

    @Test("§7.3 a clinic on the modified PADSS: the form and the API take its items, refuse others naming the field, and its ≥7 of 8 can be met")
    func modifiedPADSS() async throws {
        let clock = TestClock()
        clock.advance(by: SessionTests.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            try await Self.choosePADSS(store, intakeOutput: false, bleedingNA: false, savedAt: clock.now.addingTimeInterval(-1))
            let (id, s) = try await Self.ivInRecovery("KC-000007", clock: clock, client, store)
            var nurse = try await client.token("nurse.kim")

            // The run-sheet's form asks the modified PADSS items, not Aldrete's.
            let page = try await client.execute(uri: "/sessions/\(id)", method: .get, headers: [.authorization: "Bearer \(nurse)"])
            let html = String(buffer: page.body)
            #expect(html.contains("<strong>modified PADSS</strong>, ready at ≥7 of 8"))
            for name in ["activity_mental_status", "pain_nausea_vomiting", "surgical_bleeding"] {
                #expect(html.contains(#"name="\#(name)""#), "\(name)")
            }
            for name in ["activity", "respiration", "consciousness", "intake_output"] { #expect(!html.contains(#"name="\#(name)""#), "\(name)") }

            // Refusals name the field as sent.
            var (status, body): (HTTPResponse.Status, [String: Any])
            for (items, field) in [
                (#""activity":2,"respiration":2,"consciousness":2"#, "activity"),
                (#""activity_mental_status":2,"surgical_bleeding":2"#, "pain_nausea_vomiting"),
                (#""activity_mental_status":2,"pain_nausea_vomiting":3,"surgical_bleeding":2"#, "pain_nausea_vomiting"),
                (#""activity_mental_status":-1,"pain_nausea_vomiting":2,"surgical_bleeding":2"#, "activity_mental_status"),
                (#""activity_mental_status":2,"pain_nausea_vomiting":2,"surgical_bleeding":2,"intake_output":2"#, "intake_output"),
            ] {
                (status, body) = try await Self.discharge(client, s, nurse, items)
                #expect(status == .unprocessableContent, "\(items)")
                #expect(errorField(body) == field, "\(items): \(body)")
            }
            (status, body) = try await Self.discharge(
                client, s, nurse, #""activity_mental_status":"2","pain_nausea_vomiting":2,"surgical_bleeding":2"#)
            #expect(status == .badRequest && errorField(body) == "activity_mental_status", "\(body)")

            clock.advance(by: 55 * 60)
            nurse = try await client.token("nurse.kim")
            try await Self.vitals(client, s, nurse)
            try await Self.rate(client, s, nurse, "cadss", 0)
            try await Self.rate(client, s, nurse, "moaas", 5)
            // 6 of 8 is below the cutoff; the vital-signs item (2: the same set as before the dose) comes from the readings.
            (status, body) = try await Self.discharge(
                client, s, nurse, #""activity_mental_status":1,"pain_nausea_vomiting":1,"surgical_bleeding":2"#)
            #expect(status == .unprocessableContent)
            #expect(Self.message(body).contains("modified PADSS total 6 of 8 is below the cutoff 7"), "\(Self.message(body))")
            (status, body) = try await Self.discharge(
                client, s, nurse, #""activity_mental_status":2,"pain_nausea_vomiting":1,"surgical_bleeding":2"#)
            #expect(status == .ok, "\(body)")
            #expect(body["state"] as? String == "ready_for_discharge")
            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "session.discharge_assessment"), clinicID: clinicID, on: db)
            }
            #expect(events.contains { $0.outcome == .success && $0.detail.contains("padss=7") }, "\(events.map(\.detail))")
        }
    }

    @Test("§7.3 original PADSS with the N/A = 2 bleeding adaptation: intake/output is asked and required, bleeding is scored 2 for the clinic")
    func originalPADSSWithAdaptation() async throws {
        let clock = TestClock()
        clock.advance(by: SessionTests.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            try await Self.choosePADSS(store, intakeOutput: true, bleedingNA: true, savedAt: clock.now.addingTimeInterval(-2))
            let (id, s) = try await Self.ivInRecovery("KC-000009", clock: clock, client, store)
            let nurse = try await client.token("nurse.kim")
            let page = try await client.execute(uri: "/sessions/\(id)", method: .get, headers: [.authorization: "Bearer \(nurse)"])
            let html = String(buffer: page.body)
            #expect(html.contains("<strong>PADSS</strong>, ready at ≥9 of 10"))
            #expect(html.contains("Surgical bleeding is scored N/A = 2"))
            #expect(html.contains(#"name="intake_output""#) && !html.contains(#"name="surgical_bleeding""#))
            var (status, body) = try await Self.discharge(client, s, nurse, #""activity_mental_status":2,"pain_nausea_vomiting":2"#)
            #expect(status == .unprocessableContent && errorField(body) == "intake_output", "\(body)")
            // 2 + 2 + 2 + bleeding N/A 2 + vital signs 2 = 10: only the 60-min minimum after the infusion is unmet at 50 min.
            (status, body) = try await Self.discharge(client, s, nurse, #""activity_mental_status":2,"pain_nausea_vomiting":2,"intake_output":2"#)
            #expect(status == .unprocessableContent && errorField(body) == "discharge")
            #expect(Self.message(body).contains("minimum observation") && !Self.message(body).contains("PADSS"), "\(Self.message(body))")
        }
    }
}
