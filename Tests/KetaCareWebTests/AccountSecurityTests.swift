import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

/// Issue #11: password change, token revocation, an administrator's reset with a forced change, and `__Host-` cookies.
@Suite("Account security")
struct AccountSecurityTests {
    static let demo = DemoClinic.password

    /// Signs in through the form; returns the session cookie's value and the whole Set-Cookie line.
    static func browserSignIn(
        _ client: any TestClientProtocol, _ username: String, password: String = demo, secure: Bool = false
    ) async throws -> (session: String, setCookie: String) {
        let prefix = secure ? "__Host-" : ""
        let page = try await client.execute(uri: "/login", method: .get)
        let formToken = try #require(BrowserSessionTests.cookie(page, "\(prefix)kc_login"))
        let login = try await client.execute(
            uri: "/login", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(prefix)kc_login=\(formToken)"],
            body: ByteBuffer(string: "username=\(username)&password=\(password)&formToken=\(formToken)&next=%2Fdashboard")
        )
        #expect(login.status == .seeOther)
        let line = login.headers[values: .setCookie].first { $0.hasPrefix("\(prefix)kc_session=") } ?? ""
        return (try #require(BrowserSessionTests.cookie(login, "\(prefix)kc_session")), line)
    }

    static func csrf(in html: String) -> String? {
        html.range(of: #"name="_csrf" value=""#).map { String(html[$0.upperBound...].prefix { $0 != "\"" }) }
    }

    // MARK: - Cookies

    @Test("With --secure-cookies the session cookie is __Host- prefixed (Secure, Path=/, no Domain) and responses carry HSTS")
    func secureCookiesUseHostPrefixAndHSTS() async throws {
        var configuration = WebConfiguration(timeZone: TimeZone(identifier: "UTC")!)
        configuration.secureCookies = true
        try await WebHarness.withApp(configuration: configuration) { client, _, _ in
            let (session, line) = try await Self.browserSignIn(client, "nurse.kim", secure: true)
            #expect(line.hasPrefix("__Host-kc_session="))
            #expect(line.contains("Secure"))
            #expect(line.contains("Path=/"))
            #expect(!line.lowercased().contains("domain="))
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: "__Host-kc_session=\(session)"])
            #expect(page.status == .ok)
            #expect(page.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
            // The unprefixed name is not accepted on a secure server: a cookie planted over plain HTTP cannot sign anyone in.
            let planted = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: "kc_session=\(session)"])
            #expect(planted.status == .seeOther)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
        }
    }

    @Test("Over plain HTTP the cookie keeps its name, is not Secure, and no HSTS header is sent")
    func plainHTTPKeepsTodaysCookies() async throws {
        try await WebHarness.withApp { client, _, _ in
            let (session, line) = try await Self.browserSignIn(client, "nurse.kim")
            #expect(line.hasPrefix("kc_session="))
            #expect(!line.contains("Secure"))
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: "kc_session=\(session)"])
            #expect(page.status == .ok)
            #expect(page.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }

    // MARK: - Password change and revocation

    @Test("Changing the password checks the current one, keeps the session in use and revokes every other session and token")
    func passwordChangeRevokesOtherSessions() async throws {
        try await WebHarness.withApp { client, store, _ in
            let kept = try await client.token("nurse.kim")
            let other = try await client.token("nurse.kim")
            let (browser, _) = try await Self.browserSignIn(client, "nurse.kim")

            let (short, shortBody) = try await client.json(
                .post, "/api/v1/auth/password", token: kept, body: #"{"currentPassword":"\#(Self.demo)","newPassword":"short"}"#)
            #expect(short == .unprocessableContent)
            #expect(errorField(shortBody) == "newPassword")
            let (wrong, wrongBody) = try await client.json(
                .post, "/api/v1/auth/password", token: kept, body: #"{"currentPassword":"not-my-password","newPassword":"a-brand-new-secret"}"#)
            #expect(wrong == .unprocessableContent)
            #expect(errorField(wrongBody) == "currentPassword")
            let clinicID = store.clinicID
            let counted = try await store.database.read { db in try await UserRepository.find(username: "nurse.kim", clinicID: clinicID, on: db) }
            #expect(counted?.failedAttempts == 1)

            let (changed, _) = try await client.json(
                .post, "/api/v1/auth/password", token: kept, body: #"{"currentPassword":"\#(Self.demo)","newPassword":"a-brand-new-secret"}"#)
            #expect(changed == .noContent)
            #expect(try await client.json(.get, "/api/v1/patients?q=a", token: kept).0 == .ok)
            #expect(try await client.json(.get, "/api/v1/patients?q=a", token: other).0 == .unauthorized)
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: "kc_session=\(browser)"])
            #expect(page.status == .seeOther)
            #expect(
                try await client.json(.post, "/api/v1/auth/token", token: nil, body: #"{"username":"nurse.kim","password":"\#(Self.demo)"}"#).0
                    == .unauthorized)
            _ = try await client.token("nurse.kim", password: "a-brand-new-secret")
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "auth.password_change", limit: 10), clinicID: clinicID, on: db)
            }
            #expect(events.contains { $0.outcome == .success && $0.detail == "other sessions ended=2" })
            #expect(events.contains { $0.outcome == .failed })
        }
    }

    @Test("The account page is linked from the header and changes the password through its form")
    func accountPageChangesPassword() async throws {
        try await WebHarness.withApp { client, _, _ in
            let (session, _) = try await Self.browserSignIn(client, "frontdesk.lee")
            let dashboard = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: "kc_session=\(session)"])
            #expect(String(buffer: dashboard.body).contains(#"href="/account""#))
            let page = try await client.execute(uri: "/account", method: .get, headers: [.cookie: "kc_session=\(session)"])
            #expect(page.status == .ok)
            let csrf = try #require(Self.csrf(in: String(buffer: page.body)))
            let posted = try await client.execute(
                uri: "/account/password", method: .post,
                headers: [.cookie: "kc_session=\(session)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)&currentPassword=\(Self.demo)&newPassword=another-long-secret")
            )
            #expect(posted.status == .seeOther)
            #expect(posted.headers[.location] == "/account?changed=1")
            _ = try await client.token("frontdesk.lee", password: "another-long-secret")
        }
    }

    @Test("POST /api/v1/auth/revoke ends the token that sent it, audited; other tokens live on")
    func revokeEndsTheTokenInUse() async throws {
        try await WebHarness.withApp { client, store, _ in
            let token = try await client.token("dr.patel")
            let other = try await client.token("dr.patel")
            let (status, _) = try await client.json(.post, "/api/v1/auth/revoke", token: token, body: "{}")
            #expect(status == .noContent)
            #expect(try await client.json(.get, "/api/v1/patients?q=a", token: token).0 == .unauthorized)
            #expect(try await client.json(.get, "/api/v1/patients?q=a", token: other).0 == .ok)
            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "auth.revoke", limit: 10), clinicID: clinicID, on: db)
            }
            #expect(events.count == 1)
            #expect(events.first?.actor == "dr.patel")
        }
    }

    // MARK: - Administrator's reset

    @Test("An admin reset ends every session, and until the user changes the password only the change and sign-out are open")
    func adminResetForcesAChange() async throws {
        try await WebHarness.withApp { client, store, _ in
            let admin = try await client.token("admin")
            let before = try await client.token("nurse.kim")
            let (short, shortBody) = try await client.json(.post, "/api/v1/users/nurse.kim/password", token: admin, body: #"{"password":"short"}"#)
            #expect(short == .unprocessableContent)
            #expect(errorField(shortBody) == "password")
            let (status, body) = try await client.json(
                .post, "/api/v1/users/nurse.kim/password", token: admin, body: #"{"password":"temporary-secret-1"}"#)
            #expect(status == .ok)
            #expect(body["mustChangePassword"] as? Bool == true)
            #expect(try await client.json(.get, "/api/v1/patients?q=a", token: before).0 == .unauthorized)

            let temporary = try await client.token("nurse.kim", password: "temporary-secret-1")
            let (blocked, blockedBody) = try await client.json(.get, "/api/v1/patients?q=a", token: temporary)
            #expect(blocked == .forbidden)
            #expect(errorCode(blockedBody) == "password_change_required")
            let (browser, _) = try await Self.browserSignIn(client, "nurse.kim", password: "temporary-secret-1")
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: "kc_session=\(browser)"])
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/account")
            let account = try await client.execute(uri: "/account", method: .get, headers: [.cookie: "kc_session=\(browser)"])
            #expect(account.status == .ok)
            #expect(String(buffer: account.body).contains("must-change"))

            let (changed, _) = try await client.json(
                .post, "/api/v1/auth/password", token: temporary, body: #"{"currentPassword":"temporary-secret-1","newPassword":"chosen-by-kim-1"}"#)
            #expect(changed == .noContent)
            #expect(try await client.json(.get, "/api/v1/patients?q=a", token: temporary).0 == .ok)
            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "user.password_reset", limit: 10), clinicID: clinicID, on: db)
            }
            #expect(events.contains { $0.outcome == .success && $0.actor == "admin" })
            #expect(events.contains { $0.outcome == .failed })
        }
    }
}
