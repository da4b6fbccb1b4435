import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import Testing

@Suite("A session's dose and its ledger entry are one transaction (issues #5 and #6)")
struct SessionLedgerTests {
    @Test("Dosing writes the administration (drawn, given, witnessed waste) with the session; a refused ledger entry leaves the session unchanged")
    func doseAndLedgerTogether() async throws {
        let clock = TestClock()
        clock.advance(by: SessionTests.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            let patient = try await SessionTests.patient(store, "KC-000006")
            let (received, receipt) = try await client.json(
                .post, "/api/v1/ledger/entries", token: nurse,
                body: """
                    {"kind":"receipt","idempotencyKey":"r-s1","productId":"ketamine-10mg-ml-20ml","lotNumber":"S10","expiresOn":"2030-12-31",
                     "containers":1,"locationId":"safe","supplierName":"Acme Pharma","supplierAddress":"1 Main St","supplierDea":"AB1234563",
                     "invoiceReference":"INV-10","witness":{"username":"dr.patel","password":"\(DemoClinic.password)"}}
                    """)
            #expect(received == .created, "\(receipt)")
            let lot = try #require(receipt["lotId"] as? String)

            var (status, body) = try await client.json(.post, "/api/v1/patients/\(patient)/sessions", token: nurse, body: #"{"route":"iv"}"#)
            let id = try #require(body["id"] as? String)
            let s = "/api/v1/sessions/\(id)"
            try await SessionTests.reweigh(client, store, patient: patient, token: nurse)
            (status, body) = try await client.json(
                .post, "\(s)/order", token: doctor, body: #"{"dose_mg_per_kg":0.5,"concentration_mg_per_ml":10,"infusion_min":40}"#)
            #expect(status == .created, "\(body)")
            let volume = try #require(body["volume_ml"] as? Double)
            (status, _) = try await client.json(.post, "\(s)/order/verify", token: nurse)
            (status, body) = try await client.json(.get, s, token: nurse)
            let checks =
                #""identity":true,"consent":true,"eligibility":true,"fasting":true,"escort":true,"pregnancy":"not_applicable","medications_reviewed":true,"questionnaires_done":true"#
            (status, body) = try await client.json(.put, "\(s)/checks", token: nurse, body: "{\"version\":\(SessionTests.version(body)),\(checks)}")
            #expect(status == .ok, "\(body)")
            (status, body) = try await client.json(
                .post, "\(s)/vitals", token: nurse, body: #"{"systolic":120,"diastolic":78,"heart_rate":72,"spo2":98,"respiratory_rate":14}"#)
            #expect(status == .created, "\(body)")
            (status, body) = try await client.json(.get, s, token: nurse)
            let drawn = volume + 1
            func move(password: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                let (_, current) = try await client.json(.get, s, token: nurse)
                return try await client.json(
                    .post, "\(s)/transitions", token: nurse,
                    body: """
                        {"to":"dosing","version":\(SessionTests.version(current)),"ledger_stock":"\(lot)|safe","ledger_container":1,
                         "ledger_drawn":\(drawn),"ledger_wasted":1,"ledger_waste_method":"sharps","witness":"dr.patel","witness_password":"\(password)"}
                        """)
            }
            // A wrong witness password refuses the ledger entry, and with it the move to dosing: nothing half-saved.
            (status, body) = try await move(password: "wrong-password")
            #expect(status == .unprocessableContent || status == .forbidden, "\(body)")
            #expect(errorField(body) == "witness_password", "\(body)")
            (status, body) = try await client.json(.get, s, token: nurse)
            #expect(body["state"] as? String == "pre_dose_checks")
            let clinicID = store.clinicID
            #expect(try await store.database.read { db in try await LedgerRepository.administrations(clinicID: clinicID, on: db) }.isEmpty)

            (status, body) = try await move(password: DemoClinic.password)
            #expect(status == .ok, "\(body)")
            #expect(body["state"] as? String == "dosing")
            let entries = try await store.database.read { db in try await LedgerRepository.administrations(clinicID: clinicID, on: db) }
            #expect(entries.count == 1)
            guard case .administration(let a)? = entries.first?.kind else {
                Issue.record("no administration entry")
                return
            }
            #expect(a.sessionID == id && a.given.amount == Decimal(volume) && a.wasted.amount == 1)
            #expect(entries.first?.witness?.username == "dr.patel")
            let (_, reconciliation) = try await client.json(.get, "/api/v1/ledger/reconciliation", token: nurse)
            #expect(reconciliation["matched"] as? Int == 1 && reconciliation["isReconciled"] as? Bool == true, "\(reconciliation)")
        }
    }
}
