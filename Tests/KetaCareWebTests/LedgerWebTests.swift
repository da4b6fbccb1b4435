import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

@Suite("Controlled-substance ledger over HTTP (issue #6)")
struct LedgerWebTests {
    static let password = DemoClinic.password

    @Test("Receive, administer, witnessed waste, blind count, discrepancy resolved by compliance, inventory, verify")
    func endToEnd() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let compliance = try await client.token("compliance.ortiz")
            let frontdesk = try await client.token("frontdesk.lee")
            let (received, receipt) = try await client.json(
                .post, "/api/v1/ledger/entries", token: nurse,
                body: """
                    {"kind":"receipt","idempotencyKey":"r-1","productId":"ketamine-50mg-ml-10ml","lotNumber":"K123","expiresOn":"2030-12-31",
                     "containers":1,"locationId":"safe","supplierName":"Acme Pharma","supplierAddress":"1 Main St","supplierDea":"AB1234563",
                     "invoiceReference":"INV-9","witness":{"username":"dr.patel","password":"\(Self.password)"}}
                    """)
            #expect(received == .created, "\(receipt)")
            let lot = try #require(receipt["lotId"] as? String)
            let (given, _) = try await client.json(
                .post, "/api/v1/ledger/entries", token: nurse,
                body:
                    #"{"kind":"administration","idempotencyKey":"a-1","lotId":"\#(lot)","locationId":"safe","container":1,"patientId":"KC-000001","given":2,"wasted":0}"#
            )
            #expect(given == .created)
            let waste =
                #"{"kind":"waste","idempotencyKey":"w-1","lotId":"\#(lot)","locationId":"safe","container":1,"quantity":8,"method":"sharps","witness":{"username":"dr.patel","password":"%@"}}"#
            let (wrong, refusal) = try await client.json(
                .post, "/api/v1/ledger/entries", token: nurse, body: waste.replacingOccurrences(of: "%@", with: "not-the-password"))
            #expect(wrong == .unprocessableContent)
            #expect(errorField(refusal) == "witness_password")
            let (wasted, _) = try await client.json(
                .post, "/api/v1/ledger/entries", token: nurse, body: waste.replacingOccurrences(of: "%@", with: Self.password))
            #expect(wasted == .created)
            let (again, duplicate) = try await client.json(
                .post, "/api/v1/ledger/entries", token: nurse, body: waste.replacingOccurrences(of: "%@", with: Self.password))
            #expect(again == .unprocessableContent)
            #expect(errorField(duplicate) == "idempotency_key")
            let (_, balances) = try await client.json(.get, "/api/v1/ledger/balances", token: nurse)
            #expect((balances["balances"] as? [Any])?.isEmpty == true)

            // A second vial, then a count that finds 9.5 mL where the ledger says 10.
            let (second, _) = try await client.json(
                .post, "/api/v1/ledger/entries", token: nurse,
                body: """
                    {"kind":"receipt","idempotencyKey":"r-2","productId":"ketamine-50mg-ml-10ml","lotNumber":"K123","expiresOn":"2030-12-31",
                     "containers":1,"locationId":"safe","supplierName":"Acme Pharma","supplierAddress":"1 Main St","supplierDea":"AB1234563",
                     "invoiceReference":"INV-10","witness":{"username":"dr.patel","password":"\(Self.password)"}}
                    """)
            #expect(second == .created)
            let (counted, count) = try await client.json(
                .post, "/api/v1/ledger/counts", token: nurse,
                body: """
                    {"locations":["safe"],"lines":[{"productId":"ketamine-50mg-ml-10ml","lotId":"\(lot)","locationId":"safe","firstCount":9.5,"secondCount":9.5}],
                     "secondCounter":"dr.patel","secondCounterPassword":"\(Self.password)"}
                    """)
            #expect(counted == .created, "\(count)")
            let discrepancy = try #require((count["discrepancy"] as? [String: Any])?["id"] as? String)
            func resolve(approver: String?) -> String {
                """
                {"note":"spill during receipt","adjustment":{"idempotencyKey":"adj-1","lotId":"\(lot)","locationId":"safe","quantity":-0.5,
                 "witness":{"username":"nurse.kim","password":"\(Self.password)"}\(approver.map { #","approver":\#($0)"# } ?? "")}}
                """
            }
            let byApprover = resolve(approver: #"{"username":"dr.okafor","password":"\#(Self.password)"}"#)
            let (nurseResolve, _) = try await client.json(
                .post, "/api/v1/ledger/discrepancies/\(discrepancy)/resolve", token: nurse, body: byApprover)
            #expect(nurseResolve == .forbidden)
            // Issue #11: the adjustment needs an approver who re-enters their password and is neither the compliance lead
            // recording it nor one of the counters (nurse.kim and dr.patel counted).
            let admin = try await client.token("admin")
            let (created, account) = try await client.json(
                .post, "/api/v1/users", token: admin, body: #"{"username":"dr.okafor","role":"prescriber","password":"\#(Self.password)"}"#)
            #expect(created == .created, "\(account)")
            let approverRefusals: [(String, HTTPResponse.Status, String)] = [
                (resolve(approver: nil), .unprocessableContent, "approver"),
                (resolve(approver: #"{"username":"dr.patel","password":"\#(Self.password)"}"#), .unprocessableContent, "approver"),
                (resolve(approver: #"{"username":"compliance.ortiz","password":"\#(Self.password)"}"#), .unprocessableContent, "approver"),
                (resolve(approver: #"{"username":"dr.okafor","password":"not-the-password"}"#), .unprocessableContent, "approver_password"),
                (resolve(approver: #"{"username":"dr.okafor"}"#), .badRequest, "adjustment.approver.password"),
                (resolve(approver: #"{"username":"dr.okafor","password":"x","role":"compliance"}"#), .badRequest, "adjustment.approver.role"),
            ]
            for (body, status, field) in approverRefusals {
                let (answer, refusal) = try await client.json(
                    .post, "/api/v1/ledger/discrepancies/\(discrepancy)/resolve", token: compliance, body: body)
                #expect(answer == status && errorField(refusal) == field, "\(body): \(answer) \(refusal)")
            }
            let (resolved, resolution) = try await client.json(
                .post, "/api/v1/ledger/discrepancies/\(discrepancy)/resolve", token: compliance, body: byApprover)
            #expect(resolved == .ok, "\(resolution)")
            #expect((resolution["discrepancy"] as? [String: Any])?["isOpen"] as? Bool == false)
            let adjustment = try #require(resolution["adjustment"] as? [String: Any])
            #expect(adjustment["recordedBy"] as? String == "compliance.ortiz")
            #expect(adjustment["approvedBy"] as? String == "dr.okafor")
            let clinic = store.clinicID
            let stored = try await store.database.read { db in try await LedgerRepository.entries(clinicID: clinic, on: db) }
            guard case .adjustment(let approved) = stored.last?.kind else {
                Issue.record("the last entry is not the adjustment")
                return
            }
            #expect(approved.approvedBy == StaffMember(username: "dr.okafor", role: .prescriber))
            #expect(approved.discrepancyID == discrepancy)

            let (nurseInventory, _) = try await client.json(.get, "/api/v1/ledger/reports/biennial", token: nurse)
            #expect(nurseInventory == .forbidden)
            let (inventoryStatus, inventory) = try await client.json(.get, "/api/v1/ledger/reports/biennial", token: compliance)
            #expect(inventoryStatus == .ok)
            let rows = try #require(inventory["rows"] as? [[String: Any]])
            #expect(rows.contains { $0["lot"] as? String == "K123" && ($0["total"] as? Double) == 9.5 })
            let (frontdeskLedger, _) = try await client.json(.get, "/api/v1/ledger/balances", token: frontdesk)
            #expect(frontdeskLedger == .forbidden)
            let (_, verify) = try await client.json(.get, "/api/v1/ledger/verify", token: compliance)
            #expect(verify["isValid"] as? Bool == true)
            #expect(verify["verifiedCount"] as? Int == 5)

            let clinicID = store.clinicID
            let refusals = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "ledger.waste", limit: 10), clinicID: clinicID, on: db)
            }
            #expect(refusals.contains { $0.outcome == .failed && $0.detail == "invalid field=witness_password" })
            #expect(refusals.contains { $0.outcome == .failed && $0.detail == "invalid field=idempotency_key" })
        }
    }

    @Test("Issue #11: a hand-entered administration cannot name another patient's session or dose order, or an unknown patient")
    func administrationsPointOnlyAtTheirOwnPatientsRecords() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let (received, receipt) = try await client.json(
                .post, "/api/v1/ledger/entries", token: nurse,
                body: """
                    {"kind":"receipt","idempotencyKey":"r-x","productId":"ketamine-50mg-ml-10ml","lotNumber":"KX","expiresOn":"2030-12-31",
                     "containers":1,"locationId":"safe","supplierName":"Acme Pharma","supplierAddress":"1 Main St","supplierDea":"AB1234563",
                     "invoiceReference":"INV-9","witness":{"username":"dr.patel","password":"\(Self.password)"}}
                    """)
            #expect(received == .created, "\(receipt)")
            let lot = try #require(receipt["lotId"] as? String)
            let other = try await MeasurementTests.patientID(store, "KC-000003")
            let (_, session) = try await client.json(.post, "/api/v1/patients/\(other)/sessions", token: nurse, body: #"{"route":"iv"}"#)
            let sessionID = try #require(session["id"] as? String)
            for (extra, field) in [
                (#""patientId":"KC-000001","sessionId":"\#(sessionID)""#, "sessionId"), (#""patientId":"KC-000001","sessionId":"nope""#, "sessionId"),
                (#""patientId":"KC-000001","doseOrderId":"nope""#, "doseOrderId"), (#""patientId":"not-a-patient""#, "patientId"),
            ] {
                let (status, body) = try await client.json(
                    .post, "/api/v1/ledger/entries", token: nurse,
                    body:
                        #"{"kind":"administration","idempotencyKey":"a-\#(field)-\#(extra.count)","lotId":"\#(lot)","locationId":"safe","container":1,\#(extra),"given":1,"wasted":0}"#
                )
                #expect(status == .unprocessableContent && errorField(body) == field, "\(extra): \(status) \(body)")
            }
        }
    }
}
