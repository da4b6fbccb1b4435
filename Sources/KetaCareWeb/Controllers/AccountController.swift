import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging

/// The signed-in person's own account: changing their password (also the forced change after an administrator's reset) and
/// revoking the API token in use.
struct AccountController {
    let dependencies: AppDependencies

    /// The only routes a person whose password was reset may use until they choose a new one (sign-out needs no permission).
    static let allowedBeforePasswordChange: Set<String> = ["/account", "/account/password", "/api/v1/auth/password", "/api/v1/auth/revoke"]

    func register(_ routes: RouteRegistrar) {
        routes.get("/account", .manageOwnAccount, page)
        routes.post("/account/password", .manageOwnAccount, changeFromForm)
        routes.post("/api/v1/auth/password", .manageOwnAccount, change)
        routes.post("/api/v1/auth/revoke", .manageOwnAccount, revoke)
    }

    func changePassword(current: String, new: String, context: AppRequestContext) async throws {
        guard let session = context.session else { throw APIError.unauthenticated }
        try await dependencies.authenticator.changePassword(
            of: session.user, current: current, new: new, keeping: session.tokenHash, who: context.auditContext, now: dependencies.now())
    }

    private func render(_ context: AppRequestContext, error: APIError? = nil, changed: Bool = false) -> Response {
        let user = context.session?.user
        return dependencies.pages.render(
            "account", title: "Your account",
            [
                "username": user?.username ?? "", "mustChange": user?.mustChangePassword ?? false, "changed": changed,
                "minimumLength": Passwords.minimumLength, "error": error?.message as Any, "errors": error.map(Pages.errorMap) ?? [:],
            ],
            context: context, status: error?.status ?? .ok
        )
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        render(context, changed: request.query("changed") == "1")
    }

    @Sendable func changeFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        do {
            try await changePassword(current: form["currentPassword"] ?? "", new: form["newPassword"] ?? "", context: context)
            return Pages.redirect("/account?changed=1")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError else { throw error }
            return render(context, error: apiError)
        }
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let currentPassword: String
            let newPassword: String
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["currentPassword", "newPassword"])
        let input = try StrictJSON.decode(Input.self, from: object)
        try await changePassword(current: input.currentPassword, new: input.newPassword, context: context)
        return Response(status: .noContent)
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session else { throw APIError.unauthenticated }
        try await dependencies.authenticator.revoke(tokenHash: session.tokenHash, who: context.auditContext, now: dependencies.now())
        return Response(status: .noContent)
    }
}
