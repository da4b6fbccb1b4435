import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging

/// Sign-in and sign-out for browsers, and API tokens.
struct AuthController {
    let dependencies: AppDependencies

    /// A pre-session double-submit cookie protects the sign-in form itself from cross-site posting.
    static let loginCookie = "kc_login"

    /// The session cookie's name for this server (`__Host-` prefixed when cookies are secure).
    var sessionCookie: String { SessionMiddleware.sessionCookieName(secure: dependencies.configuration.secureCookies) }
    /// The sign-in form's cookie name, prefixed like the session cookie.
    var formCookie: String { dependencies.configuration.secureCookies ? "__Host-" + Self.loginCookie : Self.loginCookie }
    /// The one answer to every refused sign-in (unknown user, wrong password, locked or disabled account).
    var refusal: String {
        let policy = dependencies.authenticator.policy
        return "Wrong username or password, or the account is locked or disabled. \(policy.maxFailedAttempts) wrong passwords lock an account "
            + "for \(Int(policy.lockout / 60)) minutes; an administrator can unlock it sooner."
    }

    func register(_ routes: RouteRegistrar) {
        routes.get("/login", nil, loginPage)
        routes.post("/login", nil, login)
        routes.post("/logout", nil, logout)
        routes.post("/api/v1/auth/token", nil, token)
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: dependencies.configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    private func renderLogin(
        _ context: AppRequestContext, next: String, username: String = "", error: String? = nil, status: HTTPResponse.Status = .ok
    )
        -> Response
    {
        let formToken = Authenticator.randomToken()
        var response = dependencies.pages.render(
            "login", title: "Sign in", ["next": next, "username": username, "error": error as Any, "formToken": formToken], context: context,
            status: status
        )
        response.setCookie(cookie(formCookie, formToken, maxAge: 3600))
        return response
    }

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.session != nil { return Pages.redirect("/dashboard") }
        return renderLogin(context, next: request.query("next") ?? "/dashboard")
    }

    /// Only same-site paths may be redirected to after sign-in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/dashboard" }
        return next
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let next = Self.safeNext(form["next"])
        let username = form["username"] ?? ""
        guard let sent = form["formToken"], let expected = request.cookies[formCookie]?.value, constantTimeEquals(sent, expected) else {
            return renderLogin(context, next: next, username: username, error: "The sign-in form expired. Please try again.", status: .forbidden)
        }
        let result = try await dependencies.authenticator.signIn(
            username: username, password: form["password"] ?? "", kind: .browser, clientAddress: context.clientAddress, now: dependencies.now()
        )
        switch result {
        case .success(_, let token, _, _):
            var response = Pages.redirect(next)
            response.setCookie(cookie(sessionCookie, token, maxAge: Int(dependencies.authenticator.policy.absoluteTimeout)))
            response.setCookie(cookie(formCookie, "", maxAge: 0))
            return response
        case .invalidCredentials, .locked, .disabled:
            // One answer for an unknown user, a wrong password, a locked and a disabled account: the page must not tell
            // a guesser which usernames exist or that a guess hit a locked account.
            return renderLogin(context, next: next, username: username, error: refusal, status: .unauthorized)
        case .throttled(let retryAfter):
            var response = renderLogin(
                context, next: next, username: username,
                error: "Too many failed sign-ins from this device. Wait \(Int(retryAfter / 60)) minutes, or ask an administrator.",
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(retryAfter))
            return response
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        var response = Pages.redirect("/login")
        if let session = context.session, let token = request.cookies[sessionCookie]?.value {
            let sent = FormBody.parse(context.body)["_csrf"] ?? ""
            guard constantTimeEquals(sent, session.csrfToken) else { throw APIError.csrf }
            try await dependencies.authenticator.signOut(token: token, who: context.auditContext, now: dependencies.now())
        }
        response.setCookie(cookie(sessionCookie, "", maxAge: 0))
        return response
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Credentials: Decodable {
            let username: String
            let password: String
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["username", "password"])
        let credentials = try StrictJSON.decode(Credentials.self, from: object)
        let result = try await dependencies.authenticator.signIn(
            username: credentials.username, password: credentials.password, kind: .api, clientAddress: context.clientAddress, now: dependencies.now()
        )
        switch result {
        case .success(_, let token, _, let expiresAt):
            struct TokenResponse: Encodable {
                let token: String
                let expiresAt: String
            }
            return try jsonResponse(TokenResponse(token: token, expiresAt: Format.iso(expiresAt)))
        case .invalidCredentials, .locked, .disabled:
            throw APIError(.unauthorized, code: "invalid_credentials", message: refusal)
        case .throttled(let retryAfter):
            throw APIError(
                .tooManyRequests, code: "throttled",
                message: "too many failed sign-ins from this address; retry after \(Int(retryAfter)) seconds")
        }
    }
}
