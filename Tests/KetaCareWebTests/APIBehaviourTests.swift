import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

@Suite("Patient API: bad input gets a 4xx naming the field and changes nothing")
struct APIBehaviourTests {
    static let validPatient =
        #"{"mrn":"NEW-1","legalGivenName":"Ana","legalFamilyName":"Diaz","dateOfBirth":"1985-03-04","sexAtBirth":"female","phone":"555 201 3344","emergencyContact":{"name":"Luis Diaz","phone":"555 201 9999","canEscort":true}}"#

    /// Body, expected status, expected field (nil: none named).
    static let badBodies: [(String, HTTPResponse.Status, String?)] = [
        ("{not json", .badRequest, nil),
        ("[1,2]", .badRequest, nil),
        (#"{"mrn":"A-1","shoeSize":44}"#, .badRequest, "shoeSize"),
        (#"{"mrn":"A-1","emergencyContact":{"name":"x","pigeon":true}}"#, .badRequest, "emergencyContact.pigeon"),
        (#"{"mrn":12,"legalGivenName":"A","legalFamilyName":"B","dateOfBirth":"1990-01-01","sexAtBirth":"male"}"#, .badRequest, "mrn"),
        (
            #"{"mrn":"A-1","legalGivenName":"A","legalFamilyName":"B","dateOfBirth":"2999-01-01","sexAtBirth":"male"}"#, .unprocessableContent,
            "dateOfBirth"
        ),
        (
            #"{"mrn":"A-1","legalGivenName":"A","legalFamilyName":"B","dateOfBirth":"1890-01-01","sexAtBirth":"male"}"#, .unprocessableContent,
            "dateOfBirth"
        ),
        (
            #"{"mrn":"A-1","legalGivenName":"A","legalFamilyName":"B","dateOfBirth":"1990-02-30","sexAtBirth":"male"}"#, .unprocessableContent,
            "dateOfBirth"
        ),
        (
            #"{"mrn":"A-1","legalGivenName":"A","legalFamilyName":"B","dateOfBirth":"1990-01-01","sexAtBirth":"robot"}"#, .unprocessableContent,
            "sexAtBirth"
        ),
        (#"{"mrn":"A-1","legalFamilyName":"B","dateOfBirth":"1990-01-01","sexAtBirth":"male"}"#, .unprocessableContent, "legalGivenName"),
        (
            #"{"mrn":"A-1","legalGivenName":"\#(String(repeating: "n", count: 101))","legalFamilyName":"B","dateOfBirth":"1990-01-01","sexAtBirth":"male"}"#,
            .unprocessableContent, "legalGivenName"
        ),
        (#"{"mrn":"KC-000001","legalGivenName":"A","legalFamilyName":"B","dateOfBirth":"1990-01-01","sexAtBirth":"male"}"#, .conflict, "mrn"),
    ]

    @Test func rejectsBadBodiesNamingTheField() async throws {
        try await WebHarness.withApp { client, store, _ in
            let token = try await client.token("frontdesk.lee")
            let clinicID = store.clinicID
            let before = try await store.database.read { db in try await PatientRepository.count(clinicID: clinicID, on: db) }
            for (body, status, field) in Self.badBodies {
                let (got, object) = try await client.json(.post, "/api/v1/patients", token: token, body: body)
                #expect(got == status, "\(body)")
                #expect(errorField(object) == field, "\(body): \(object)")
                #expect((object["error"] as? [String: Any])?["message"] is String)
            }
            let after = try await store.database.read { db in try await PatientRepository.count(clinicID: clinicID, on: db) }
            #expect(after == before)
            // Bodies refused before storage are audited by the route guard, the rest by the create operation: one event each.
            let refused = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(actor: "frontdesk.lee", action: "request.malformed"), clinicID: clinicID, on: db)
            }
            let rejected = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(actor: "frontdesk.lee", action: "patient.create"), clinicID: clinicID, on: db)
            }
            let attempts = refused + rejected
            #expect(attempts.count == Self.badBodies.count)
            #expect(refused.count == Self.badBodies.filter { $0.1 == .badRequest }.count)
            #expect(refused.allSatisfy { $0.resourceID == "POST /api/v1/patients" })
            #expect(attempts.allSatisfy { $0.outcome == .failed })
        }
    }

    @Test func createsReadsAndAmendsWithHistoryAndConflicts() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            let (created, patient) = try await client.json(.post, "/api/v1/patients", token: nurse, body: Self.validPatient)
            #expect(created == .created)
            let id = try #require(patient["id"] as? String)
            #expect(patient["version"] as? Int == 1)

            let (amendNoReason, noReason) = try await client.json(
                .patch, "/api/v1/patients/\(id)", token: nurse, body: #"{"version":1,"phone":"555 111 2222"}"#)
            #expect(amendNoReason == .unprocessableContent)
            #expect(errorField(noReason) == "reason")

            let (amended, result) = try await client.json(
                .patch, "/api/v1/patients/\(id)", token: nurse,
                body: #"{"version":1,"phone":"555 111 2222","reason":"patient called with new number"}"#
            )
            #expect(amended == .ok)
            #expect(result["amendedFields"] as? [String] == ["phone"])

            // The prescriber edits from the version they loaded before the nurse saved.
            let (conflict, body) = try await client.json(
                .patch, "/api/v1/patients/\(id)", token: doctor, body: #"{"version":1,"email":"ana@example.org","reason":"email"}"#)
            #expect(conflict == .conflict)
            #expect(errorCode(body) == "version_conflict")
            let message = (body["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("changed by nurse.kim"))
            #expect(message.contains("review"))

            let (cleared, _) = try await client.json(
                .patch, "/api/v1/patients/\(id)", token: doctor, body: #"{"version":2,"emergencyContact":null,"reason":"contact withdrew"}"#)
            #expect(cleared == .ok)

            let (_, history) = try await client.json(.get, "/api/v1/patients/\(id)/amendments", token: doctor)
            let rows = try #require(history["amendments"] as? [[String: Any]])
            #expect(
                rows.contains {
                    $0["field"] as? String == "phone" && $0["oldValue"] as? String == "555 201 3344" && $0["amendedBy"] as? String == "nurse.kim"
                })
            #expect(
                rows.contains {
                    $0["field"] as? String == "emergencyContact.name" && $0["oldValue"] as? String == "Luis Diaz" && $0["newValue"] == nil
                })

            let (_, shown) = try await client.json(.get, "/api/v1/patients/\(id)", token: doctor)
            #expect(shown["version"] as? Int == 3)
            #expect(shown["phone"] as? String == "555 111 2222")

            let (_, access) = try await client.json(.get, "/api/v1/patients/\(id)/access-log", token: doctor)
            let events = try #require(access["events"] as? [[String: Any]])
            #expect(events.contains { $0["actor"] as? String == "dr.patel" && $0["action"] as? String == "patient.view" })
            #expect(try await AuditLog.verify(clinicID: store.clinicID, database: store.database) > 0)
        }
    }

    @Test func searchValidatesItsParameters() async throws {
        try await WebHarness.withApp { client, _, _ in
            let token = try await client.token("nurse.kim")
            let (missing, body) = try await client.json(.get, "/api/v1/patients", token: token)
            #expect(missing == .unprocessableContent)
            #expect(errorField(body) == "q")
            let (badLimit, limitBody) = try await client.json(.get, "/api/v1/patients?q=a&limit=5000", token: token)
            #expect(badLimit == .unprocessableContent)
            #expect(errorField(limitBody) == "limit")
            let (ok, found) = try await client.json(.get, "/api/v1/patients?q=KC-0000&limit=5", token: token)
            #expect(ok == .ok)
            #expect((found["patients"] as? [Any])?.count == 5)
        }
    }

    @Test func measurementsAreValidated() async throws {
        try await WebHarness.withApp { client, store, _ in
            let token = try await client.token("nurse.kim")
            let clinicID = store.clinicID
            let id = try #require(
                try await store.database.read { db in try await PatientRepository.find(mrn: "KC-000002", clinicID: clinicID, on: db) }?.id.rawValue)
            let (tooHeavy, body) = try await client.json(
                .post, "/api/v1/patients/\(id)/measurements", token: token, body: #"{"kind":"weight","value":900}"#)
            #expect(tooHeavy == .unprocessableContent)
            #expect(errorField(body) == "weight")
            let (created, m) = try await client.json(
                .post, "/api/v1/patients/\(id)/measurements", token: token, body: #"{"kind":"weight","value":81.25}"#)
            #expect(created == .created)
            #expect(m["value"] as? Double == 81.3)
            #expect(m["loinc"] as? String == "29463-7")
            let (unknown, _) = try await client.json(.get, "/api/v1/patients/nope", token: token)
            #expect(unknown == .notFound)
        }
    }

    @Test func healthPingAndMetrics() async throws {
        try await WebHarness.withApp { client, _, _ in
            let (health, body) = try await client.json(.get, "/health", token: nil)
            #expect(health == .ok)
            #expect(body["status"] as? String == "ok")
            #expect(body["database"] as? String == "ok")
            let (pong, _) = try await client.json(.get, "/api/v1/ping", token: nil)
            #expect(pong == .ok)
            let admin = try await client.token("admin")
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(admin)"])
            #expect(metrics.status == .ok)
            let nurse = try await client.token("nurse.kim")
            let (refused, _) = try await client.json(.get, "/metrics", token: nurse)
            #expect(refused == .forbidden)
        }
    }

    @Test("Issue #11: behind --trust-proxy the client is the right-most X-Forwarded-For address, the one the proxy added")
    func trustedProxyAddressIsTheRightMostOne() async throws {
        let configuration = WebConfiguration(timeZone: TimeZone(identifier: "UTC")!, trustForwardedFor: true)
        try await WebHarness.withApp(configuration: configuration) { client, store, _ in
            let status = try await client.execute(
                uri: "/api/v1/auth/token", method: .post,
                headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "6.6.6.6, 10.1.2.3"],
                body: ByteBuffer(string: #"{"username":"nurse.kim","password":"not-it"}"#)
            ) { $0.status }
            #expect(status == .unauthorized)
            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(actor: "nurse.kim", action: "auth.token"), clinicID: clinicID, on: db)
            }
            #expect(events.first?.clientAddress == "10.1.2.3")
        }
    }

    static func message(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["message"] as? String }

    @Test func tokenEndpointRefusesWrongPasswordsAndLocks() async throws {
        try await WebHarness.withApp { client, _, _ in
            for _ in 1...4 {
                let (status, body) = try await client.json(
                    .post, "/api/v1/auth/token", token: nil, body: #"{"username":"nurse.kim","password":"nope-nope-nope"}"#)
                #expect(status == .unauthorized)
                #expect(errorCode(body) == "invalid_credentials")
            }
            let (fifth, body) = try await client.json(
                .post, "/api/v1/auth/token", token: nil, body: #"{"username":"nurse.kim","password":"nope-nope-nope"}"#)
            // Issue #11: a locked account answers exactly like an unknown user, so a guesser learns nothing from the lock.
            let (unknown, unknownBody) = try await client.json(
                .post, "/api/v1/auth/token", token: nil, body: #"{"username":"no.such.user","password":"nope-nope-nope"}"#)
            #expect(fifth == .unauthorized && unknown == .unauthorized)
            #expect(errorCode(body) == "invalid_credentials")
            #expect(Self.message(body) == Self.message(unknownBody) && Self.message(body) != nil)
            let (rightButLocked, lockedBody) = try await client.json(
                .post, "/api/v1/auth/token", token: nil, body: #"{"username":"nurse.kim","password":"ketacare-demo"}"#)
            #expect(rightButLocked == .unauthorized)
            #expect(Self.message(lockedBody) == Self.message(unknownBody))
            let (unknownField, ufBody) = try await client.json(
                .post, "/api/v1/auth/token", token: nil, body: #"{"username":"a","password":"b","otp":1}"#)
            #expect(unknownField == .badRequest)
            #expect(errorField(ufBody) == "otp")
        }
    }
}

@Suite("Browser sessions: cookies, CSRF, sign-in form")
struct BrowserSessionTests {
    static func cookie(_ response: TestResponse, _ name: String) -> String? {
        for field in response.headers where field.name == .setCookie {
            let value = field.value
            if value.hasPrefix("\(name)=") { return String(value.dropFirst(name.count + 1).prefix { $0 != ";" }) }
        }
        return nil
    }

    @Test func signInSetsAStrictHttpOnlyCookieAndFormsNeedTheCSRFToken() async throws {
        try await WebHarness.withApp { client, store, _ in
            let page = try await client.execute(uri: "/login", method: .get)
            let formToken = try #require(Self.cookie(page, "kc_login"))
            let html = String(buffer: page.body)
            #expect(html.contains(formToken))

            let forged = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "kc_login=\(formToken)"],
                body: ByteBuffer(string: "username=nurse.kim&password=ketacare-demo&formToken=other")
            )
            #expect(forged.status == .forbidden)

            let login = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "kc_login=\(formToken)"],
                body: ByteBuffer(string: "username=nurse.kim&password=ketacare-demo&formToken=\(formToken)&next=%2Fpatients")
            )
            #expect(login.status == .seeOther)
            #expect(login.headers[.location] == "/patients")
            let setCookie = login.headers[values: .setCookie].first { $0.hasPrefix("kc_session=") } ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            let session = try #require(Self.cookie(login, "kc_session"))

            let clinicID = store.clinicID
            let id = try #require(
                try await store.database.read { db in try await PatientRepository.find(mrn: "KC-000003", clinicID: clinicID, on: db) }?.id.rawValue)
            let chart = try await client.execute(uri: "/patients/\(id)", method: .get, headers: [.cookie: "kc_session=\(session)"])
            #expect(chart.status == .ok)
            let chartHTML = String(buffer: chart.body)
            #expect(chartHTML.contains("KC-000003"))
            let csrf = try #require(chartHTML.range(of: #"name="_csrf" value=""#).map { chartHTML[$0.upperBound...].prefix { $0 != "\"" } })

            let form = "kind=weight&value=70.5"
            let withoutToken = try await client.execute(
                uri: "/patients/\(id)/measurements", method: .post,
                headers: [.cookie: "kc_session=\(session)", .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)
            )
            #expect(withoutToken.status == .forbidden)
            let withToken = try await client.execute(
                uri: "/patients/\(id)/measurements", method: .post,
                headers: [.cookie: "kc_session=\(session)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: form + "&_csrf=\(csrf)")
            )
            #expect(withToken.status == .seeOther)

            let logout = try await client.execute(
                uri: "/logout", method: .post, headers: [.cookie: "kc_session=\(session)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)")
            )
            #expect(logout.status == .seeOther)
            let afterLogout = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: "kc_session=\(session)"])
            #expect(afterLogout.status == .seeOther)
            #expect(afterLogout.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    @Test func unsafeRedirectTargetsAreIgnored() async throws {
        try await WebHarness.withApp { client, _, _ in
            let page = try await client.execute(uri: "/login", method: .get)
            let formToken = try #require(Self.cookie(page, "kc_login"))
            let login = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "kc_login=\(formToken)"],
                body: ByteBuffer(string: "username=nurse.kim&password=ketacare-demo&formToken=\(formToken)&next=%2F%2Fevil.example")
            )
            #expect(login.headers[.location] == "/dashboard")
        }
    }

    @Test func amendFormKeepsTypedValuesAndShowsTheFieldError() async throws {
        try await WebHarness.withApp { client, store, _ in
            let token = try await client.token("nurse.kim")
            let clinicID = store.clinicID
            let patient = try #require(
                try await store.database.read { db in try await PatientRepository.find(mrn: "KC-000004", clinicID: clinicID, on: db) })
            let response = try await client.execute(
                uri: "/patients/\(patient.id.rawValue)/edit", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(
                    string:
                        "version=1&mrn=KC-000004&legalGivenName=Typed+Given&legalFamilyName=\(patient.demographics.legalFamilyName.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&dateOfBirth=\(patient.demographics.dateOfBirth)&sexAtBirth=female&phone=abc&reason=fix"
                )
            )
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            #expect(html.contains("value=\"Typed Given\""))
            #expect(html.contains("phone must be 5 to 15 digits"))
        }
    }
}

@Suite("Chart page rendering")
struct ChartPageTests {
    @Test("Absent optional fields show a dash, never the text nil")
    func absentFieldsAreDashes() async throws {
        try await WebHarness.withApp { client, _, _ in
            let token = try await client.token("nurse.kim")
            let (_, created) = try await client.json(
                .post, "/api/v1/patients", token: token,
                body: #"{"mrn":"BARE-1","legalGivenName":"Bo","legalFamilyName":"Bare","dateOfBirth":"1990-05-05","sexAtBirth":"male"}"#
            )
            let id = try #require(created["id"] as? String)
            let page = try await client.execute(uri: "/patients/\(id)", method: .get, headers: [.authorization: "Bearer \(token)"])
            let html = String(buffer: page.body)
            #expect(!html.contains(">nil<"))
            #expect(!html.contains("· nil"))
            #expect(html.contains(#"<dd id="phone">—</dd>"#))
            #expect(html.contains("No emergency contact recorded"))
        }
    }
}

@Suite("Policy review page")
struct PolicyPageTests {
    @Test func listsValuesNeedingReviewAndVersions() async throws {
        try await WebHarness.withApp { client, _, _ in
            let admin = try await client.token("admin")
            let page = try await client.execute(uri: "/admin/policy", method: .get, headers: [.authorization: "Bearer \(admin)"])
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("need the clinic&#39;s review") || html.contains("need the clinic's review"))
            #expect(html.contains("registry.maxAgeYears"))
            #expect(html.contains("seed values from DOMAIN.md"))
        }
    }
}

@Suite("Registration form")
struct RegistrationFormTests {
    @Test("An implausible first weight is shown beside the field with what was typed, and nothing is registered")
    func implausibleWeightIsNotDropped() async throws {
        try await WebHarness.withApp { client, store, _ in
            let token = try await client.token("frontdesk.lee")
            let clinicID = store.clinicID
            let before = try await store.database.read { db in try await PatientRepository.count(clinicID: clinicID, on: db) }
            let response = try await client.execute(
                uri: "/patients", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(
                    string: "mrn=W-1&legalGivenName=Wen&legalFamilyName=Weight&dateOfBirth=1990-01-01&sexAtBirth=female&weight=900&height=170")
            )
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            #expect(html.contains("weight must be between 20 and 350 kg"))
            #expect(html.contains(#"value="900""#))
            #expect(html.contains(#"value="Wen""#))
            #expect(try await store.database.read { db in try await PatientRepository.count(clinicID: clinicID, on: db) } == before)
        }
    }
}
