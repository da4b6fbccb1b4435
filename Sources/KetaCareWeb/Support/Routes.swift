import Foundation
public import HTTPTypes
import Hummingbird
public import KetaCareDomain
import KetaCareStore
import Logging
import NIOCore

/// One registered route and the permission it needs (nil: public). The role-matrix test walks this list.
public struct RouteSpec: Sendable, Hashable, CustomStringConvertible {
    public let method: HTTPRequest.Method
    public let path: String
    public let permission: Permission?

    /// Whether the route belongs to the JSON API (described by /openapi.json).
    public var isAPI: Bool { path.hasPrefix("/api/") }

    public var description: String { "\(method.rawValue) \(path)" }
}

/// Everything a controller needs, created once per application.
struct AppDependencies: Sendable {
    let store: Store
    let authenticator: Authenticator
    let configuration: WebConfiguration
    let pages: Pages
    let matrix: AccessMatrix
    let now: @Sendable () -> Date

    var timeZone: TimeZone { configuration.timeZone }
}

/// Registers routes behind the guard that authenticates, authorises (audited when refused) and checks CSRF.
final class RouteRegistrar {
    let router: Router<AppRequestContext>
    let dependencies: AppDependencies
    private(set) var specs: [RouteSpec] = []

    init(router: Router<AppRequestContext>, dependencies: AppDependencies) {
        self.router = router
        self.dependencies = dependencies
    }

    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    func get(_ path: String, _ permission: Permission?, _ handler: @escaping Handler) { add(.get, path, permission, handler) }
    func post(_ path: String, _ permission: Permission?, _ handler: @escaping Handler) { add(.post, path, permission, handler) }
    func patch(_ path: String, _ permission: Permission?, _ handler: @escaping Handler) { add(.patch, path, permission, handler) }
    func put(_ path: String, _ permission: Permission?, _ handler: @escaping Handler) { add(.put, path, permission, handler) }

    func add(_ method: HTTPRequest.Method, _ path: String, _ permission: Permission?, _ handler: @escaping Handler) {
        let spec = RouteSpec(method: method, path: path, permission: permission)
        specs.append(spec)
        let dependencies = dependencies
        router.on(RouterPath(path), method: method) { request, context in
            var context = context
            try RequestText.refuseNUL(in: request)
            if method != .get && method != .head {
                context.body = try await request.body.collect(upTo: context.maxUploadSize)
                try RequestText.refuseNUL(inForm: context.body, contentType: request.headers[.contentType])
            }
            if let permission {
                guard let session = context.session else {
                    if spec.isAPI { throw APIError.unauthenticated }
                    let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "/"
                    return Pages.redirect("/login?next=\(next)")
                }
                if session.user.mustChangePassword, !AccountController.allowedBeforePasswordChange.contains(spec.path) {
                    // After an administrator's reset only the password change (and sign-out) is open.
                    if spec.isAPI {
                        throw APIError(
                            .forbidden, code: "password_change_required",
                            message: "an administrator reset this account's password; change it with POST /api/v1/auth/password first")
                    }
                    return Pages.redirect("/account")
                }
                guard dependencies.matrix.allows(session.user.role, permission) else {
                    try? await dependencies.store.recordEvent(
                        context.auditContext, at: dependencies.now(), action: "access.denied", resourceType: "route",
                        resourceID: spec.description, outcome: .denied, detail: "needs \(permission.rawValue)"
                    )
                    throw APIError.forbidden(permission)
                }
                if method != .get, session.kind == .browser {
                    let sent = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? FormBody.parse(context.body)["_csrf"]
                    guard let sent, constantTimeEquals(sent, session.csrfToken) else { throw APIError.csrf }
                }
            }
            do {
                return try await handler(request, context)
            } catch {
                // A write refused before it reached storage (malformed body, unknown field, wrong type) still leaves an audit
                // event of the attempt; refusals inside `Store.audited` record their own.
                let refusal = APIError.from(error, timeZone: dependencies.timeZone)
                if method != .get, refusal.status == .badRequest {
                    let patientID =
                        spec.path.hasPrefix("/api/v1/patients/:id") || spec.path.hasPrefix("/patients/:id") ? context.parameters.get("id") : nil
                    try? await dependencies.store.recordEvent(
                        context.auditContext, at: dependencies.now(), action: "request.malformed", resourceType: "route",
                        resourceID: spec.description, patientID: patientID, outcome: .failed,
                        detail: "field=\(refusal.field ?? "-") code=\(refusal.code)"
                    )
                }
                throw error
            }
        }
    }
}

/// Compares secrets without leaking where they differ through timing.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<x.count { difference |= x[i] ^ y[i] }
    return difference == 0
}

/// Finds the session from the cookie or bearer token, and the client address, before any route runs.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let dependencies: AppDependencies

    /// The session cookie's name over plain HTTP.
    static let cookieName = "kc_session"

    /// The session cookie's name: with `--secure-cookies` the `__Host-` prefix makes browsers insist on Secure, Path=/ and no
    /// Domain, so a sibling subdomain or a plain-HTTP page cannot plant or overwrite it.
    static func sessionCookieName(secure: Bool) -> String { secure ? "__Host-" + cookieName : cookieName }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if dependencies.configuration.trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!] {
            // The right-most address is the one our proxy added; the ones left of it are whatever the client chose to send.
            let added = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            context.clientAddress = added.isEmpty ? context.remoteAddress : String(added.prefix(64))
        }
        var token: String?
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if let cookie = request.cookies[Self.sessionCookieName(secure: dependencies.configuration.secureCookies)]?.value {
            token = cookie
        }
        if let token, !token.isEmpty {
            context.session = try await dependencies.authenticator.session(token: token, now: dependencies.now())
        }
        // DOMAIN.md §6.5: an escalated critical alert shows on every page of the staff who run sessions until acknowledged.
        if let role = context.session?.user.role, dependencies.matrix.allows(role, .runSession), !request.uri.path.hasPrefix("/api/") {
            context.escalations = try await AlertEscalationService.banner(store: dependencies.store, now: dependencies.now())
        }
        return try await next(request, context)
    }
}

/// Turns every error into a JSON answer for the API and a page for browsers; adds security headers to everything.
struct ErrorAndHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let dependencies: AppDependencies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            if apiError.status == .internalServerError {
                // The error text may hold values from the request: log its type only, never patient data.
                context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))", "path": "\(context.endpointPath ?? "?")"])
            }
            if request.uri.path.hasPrefix("/api/") || request.uri.path == "/metrics" || request.uri.path == "/health" {
                response = apiError.response()
            } else if apiError.status == .unauthorized {
                response = Pages.redirect("/login")
            } else {
                response = dependencies.pages.error(apiError, context: context)
            }
        }
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.init("Content-Security-Policy")!] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        if dependencies.configuration.secureCookies {
            // Served over TLS: browsers should never try plain HTTP for this host again.
            response.headers[.strictTransportSecurity] = "max-age=31536000"
        }
        return response
    }
}

/// Text a request may carry: no NUL character anywhere. SQLite cuts stored text at a NUL (the rest silently lost) and
/// PostgreSQL refuses it (a 500), so it is refused at the edge, naming the parameter (issue #11).
enum RequestText {
    static func refuseNUL(in request: Request) throws {
        guard let query = request.uri.query, query.lowercased().contains("%00") || query.contains("\u{0}") else { return }
        let name =
            query.split(separator: "&").first { $0.lowercased().contains("%00") || $0.contains("\u{0}") }
            .map { String($0.split(separator: "=", maxSplits: 1).first ?? "") }.map { $0.removingPercentEncoding ?? $0 } ?? "query"
        throw APIError(
            .badRequest, code: "invalid_character", message: "\(name) contains a NUL character (%00), which no field may hold", field: name)
    }

    static func refuseNUL(inForm body: ByteBuffer, contentType: String?) throws {
        guard contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else { return }
        let text = String(buffer: body)
        guard text.lowercased().contains("%00") else { return }
        let name =
            text.split(separator: "&").first { $0.lowercased().contains("%00") }
            .map { String($0.split(separator: "=", maxSplits: 1).first ?? "") }?.removingPercentEncoding ?? "form"
        throw APIError(.badRequest, code: "invalid_character", message: "\(name) contains a NUL character, which no field may hold", field: name)
    }
}

extension HTTPField.Name {
    /// `Strict-Transport-Security`, declared once and without a force unwrap (the literal is a valid field name).
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security") ?? .cacheControl
}
