import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

/// Issue #11: requests that each crashed the whole server on the previous main, now refused with a 4xx naming the field.
///
/// After every refusal the same application still answers, so a passing test also shows the process is alive.
@Suite("Edge values: no request can trap the server (issue #11)")
struct EdgeValueTests {
    static func isRefused(_ status: HTTPResponse.Status) -> Bool { (400..<500).contains(status.code) }

    @Test("A questionnaire response's answeredAt is an ISO 8601 string within 1900–2200, never a number of seconds")
    func answeredAtIsAnISOString() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let id = try await MeasurementTests.patientID(store, "KC-000005")
            let path = "/api/v1/patients/\(id)/responses"
            for value in ["-1e16", "1e300", "0", #""0001-01-01T00:00:00Z""#, #""9999-12-31T23:59:59Z""#, #""yesterday""#] {
                let (status, body) = try await client.json(
                    .post, path, token: nurse, body: #"{"instrument":"gad7","answers":[0,0,0,0,0,0,0],"answeredAt":\#(value)}"#)
                #expect(Self.isRefused(status) && errorField(body) == "answeredAt", "answeredAt \(value): \(status) \(body)")
            }
            let yesterday = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86_400))
            let (created, body) = try await client.json(
                .post, path, token: nurse, body: #"{"instrument":"gad7","answers":[0,0,0,0,0,0,0],"answeredAt":"\#(yesterday)"}"#)
            #expect(created == .created, "\(body)")
        }
    }

    @Test("A booking's minutes are bounded (15–720) before any time is computed")
    func bookingMinutesAreBounded() async throws {
        try await WebHarness.withApp { client, store, _ in
            let doctor = try await client.token("dr.patel")
            let desk = try await client.token("frontdesk.lee")
            let id = try await MeasurementTests.patientID(store, "KC-000011")
            let (_, plan) = try await client.json(
                .post, "/api/v1/patients/\(id)/plans", token: doctor,
                body: #"{"template":"iv-racemic-induction","startDate":"\#(IntakeAndSchedulingTests.day(1))"}"#)
            let planID = try #require(plan["id"] as? String)
            for minutes in ["9223372036854775807", "-9223372036854775808", "153722867280912", "0", "721"] {
                let (status, body) = try await client.json(
                    .post, "/api/v1/plans/\(planID)/bookings", token: desk,
                    body:
                        #"{"date":"\#(IntakeAndSchedulingTests.day(2))","time":"09:00","minutes":\#(minutes),"chair":"chair-1","nurse":"nurse.kim"}"#)
                #expect(Self.isRefused(status) && errorField(body) == "minutes", "minutes \(minutes): \(status) \(body)")
            }
            #expect(try await client.json(.get, "/health", token: nil).0 == .ok)
        }
    }

    @Test("Ledger report dates are bounded and a range is built only in order")
    func ledgerReportDates() async throws {
        try await WebHarness.withApp { client, _, _ in
            let compliance = try await client.token("compliance.ortiz")
            for query in ["from=9999-12-31", "from=4001-01-02", "to=0001-01-01", "from=2026-01-10&to=2026-01-01", "from=1899-12-31"] {
                let (status, body) = try await client.json(.get, "/api/v1/ledger/reports/dispensing?\(query)", token: compliance)
                #expect(Self.isRefused(status), "\(query): \(status) \(body)")
                #expect(["from", "to"].contains(errorField(body) ?? ""), "\(query): \(body)")
            }
            let (ok, _) = try await client.json(.get, "/api/v1/ledger/reports/dispensing?from=2025-01-01", token: compliance)
            #expect(ok == .ok)
        }
    }

    @Test("A ledger receipt of 2^63 containers is refused naming the field; later receipts of that lot still work")
    func ledgerContainersAreBounded() async throws {
        try await WebHarness.withApp { client, _, _ in
            let nurse = try await client.token("nurse.kim")
            func receipt(_ key: String, containers: String) -> String {
                """
                {"kind":"receipt","idempotencyKey":"\(key)","productId":"ketamine-50mg-ml-10ml","lotNumber":"K-EDGE","expiresOn":"2030-12-31",
                 "containers":\(containers),"locationId":"safe","supplierName":"Acme Pharma","supplierAddress":"1 Main St","supplierDea":"AB1234563",
                 "invoiceReference":"INV-9","witness":{"username":"dr.patel","password":"\(DemoClinic.password)"}}
                """
            }
            for (key, containers) in [("huge", "9223372036854775807"), ("over", "1001"), ("float", "9.2e18"), ("wrap", "18446744073709551616")] {
                let (status, body) = try await client.json(.post, "/api/v1/ledger/entries", token: nurse, body: receipt(key, containers: containers))
                #expect(Self.isRefused(status), "\(containers): \(status) \(body)")
                #expect(["containers", "quantity"].contains(errorField(body) ?? ""), "\(containers): \(body)")
            }
            let (first, body) = try await client.json(.post, "/api/v1/ledger/entries", token: nurse, body: receipt("ok-1", containers: "2"))
            #expect(first == .created, "\(body)")
            let (second, body2) = try await client.json(.post, "/api/v1/ledger/entries", token: nurse, body: receipt("ok-2", containers: "1"))
            #expect(second == .created, "\(body2)")
        }
    }

    @Test("A dose order's numbers are bounded before the calculation (a 2.8e16 mg esketamine order allocated petabytes)")
    func orderNumbersAreBounded() async throws {
        try await SessionTests.withIVSession("KC-000003") { client, _, _, doctor, _, path in
            for (field, value) in [
                ("dose_mg_per_kg", "1e300"), ("dose_mg_per_kg", "-0.5"), ("dose_mg_per_kg", "0"), ("concentration_mg_per_ml", "1e-300"),
                ("infusion_min", "1e18"),
            ] {
                let extra = field == "dose_mg_per_kg" ? "" : #","dose_mg_per_kg":0.5"#
                let (status, body) = try await client.json(.post, "\(path)/order", token: doctor, body: #"{"\#(field)":\#(value)\#(extra)}"#)
                #expect(Self.isRefused(status) && errorField(body) == field, "\(field) \(value): \(status) \(body)")
            }
        }
    }

    @Test("A number beyond ±1e15 or beyond a double is refused with a 400, not answered with a 500")
    func nonFiniteNumbersAreRefused() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let id = try await MeasurementTests.patientID(store, "KC-000005")
            let (status, body) = try await client.json(
                .post, "/api/v1/patients/\(id)/responses", token: nurse, body: #"{"instrument":"gad7","answers":[0,0,0,0,0,0,1e999]}"#)
            #expect(status == .badRequest, "\(body)")
            // Linux's parser refuses 1e999 as JSON; a large finite number is refused naming its place.
            let (huge, hugeBody) = try await client.json(
                .post, "/api/v1/patients/\(id)/responses", token: nurse, body: #"{"instrument":"gad7","answers":[0,0,0,0,0,0,9.3e18]}"#)
            #expect(huge == .badRequest && errorField(hugeBody) == "answers[6]", "\(hugeBody)")
        }
    }

    @Test("A NUL character is refused naming the field (SQLite cut text at it; PostgreSQL answered 500)")
    func nulCharactersAreRefused() async throws {
        try await WebHarness.withApp { client, store, _ in
            let (status, body) = try await client.json(
                .post, "/api/v1/patients", token: try await client.token("frontdesk.lee"),
                body: #"{"mrn":"NUL1","legalGivenName":"Ann\u0000tail","legalFamilyName":"Lee","dateOfBirth":"1980-02-29","sexAtBirth":"female"}"#)
            #expect(status == .badRequest && errorField(body) == "legalGivenName", "\(body)")
            let (token, tokenBody) = try await client.json(.post, "/api/v1/auth/token", token: nil, body: #"{"username":"\u0000","password":"x"}"#)
            #expect(token == .badRequest && errorField(tokenBody) == "username", "\(tokenBody)")
            let (query, queryBody) = try await client.json(.get, "/api/v1/audit?patient=%00", token: try await client.token("compliance.ortiz"))
            #expect(query == .badRequest && errorField(queryBody) == "patient", "\(queryBody)")
            let clinicID = store.clinicID
            #expect(try await store.database.read { db in try await PatientRepository.find(mrn: "NUL1", clinicID: clinicID, on: db) } == nil)
        }
    }
}
