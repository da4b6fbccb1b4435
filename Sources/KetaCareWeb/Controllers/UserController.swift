import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging

/// Staff accounts, for administrators.
struct UserController {
    let dependencies: AppDependencies

    func register(_ routes: RouteRegistrar) {
        routes.get("/admin/users", .manageUsers, page)
        routes.post("/admin/users", .manageUsers, createFromForm)
        routes.post("/admin/users/:username/disable", .manageUsers, disableFromForm)
        routes.post("/admin/users/:username/enable", .manageUsers, enableFromForm)
        routes.post("/admin/users/:username/medical-director", .manageUsers, medicalDirectorFromForm)
        routes.get("/api/v1/users", .manageUsers, list)
        routes.post("/api/v1/users", .manageUsers, create)
        routes.post("/api/v1/users/:username/medical-director", .manageUsers, medicalDirector)
        routes.post("/admin/users/:username/password", .manageUsers, resetFromForm)
        routes.post("/api/v1/users/:username/password", .manageUsers, reset)
    }

    struct UserDTO: Encodable {
        let username: String
        let displayName: String
        let role: String
        let isDisabled: Bool
        let lockedUntil: String?
        let isMedicalDirector: Bool
        let mustChangePassword: Bool

        init(_ u: StaffUser) {
            username = u.username
            displayName = u.displayName
            role = u.role.rawValue
            isDisabled = u.isDisabled
            lockedUntil = u.lockedUntil.map(Format.iso)
            isMedicalDirector = u.isMedicalDirector
            mustChangePassword = u.mustChangePassword
        }
    }

    private func users() async throws -> [StaffUser] {
        let clinicID = dependencies.store.clinicID
        return try await dependencies.store.database.read { db in try await UserRepository.list(clinicID: clinicID, on: db) }
    }

    func createUser(username: String?, displayName: String?, role: String?, password: String?, context: AppRequestContext) async throws -> StaffUser {
        let store = dependencies.store
        let clinicID = store.clinicID
        let now = dependencies.now()
        do {
            let name = try UserRepository.validatedUsername(username ?? "")
            let parsedRole = try Role.parse(role ?? "")
            let hash = try await Passwords.hash(password ?? "")
            return try await store.audited(context.auditContext, at: now, action: "user.create", resourceType: "user") { db in
                let user = try await UserRepository.create(
                    username: name, displayName: displayName ?? name, role: parsedRole, passwordHash: hash, now: now, clinicID: clinicID, on: db
                )
                return Audited(user, resourceID: user.id, detail: "role=\(parsedRole.rawValue)")
            }
        } catch let error as ValidationError {
            try? await store.recordEvent(
                context.auditContext, at: now, action: "user.create", resourceType: "user", outcome: .failed, detail: "invalid field=\(error.field)")
            throw error
        }
    }

    func setDisabled(_ disabled: Bool, username: String, context: AppRequestContext) async throws -> StaffUser {
        let clinicID = dependencies.store.clinicID
        let now = dependencies.now()
        if disabled, username == context.session?.user.username {
            throw ValidationError(field: "username", message: "you cannot disable your own account")
        }
        return try await dependencies.store.audited(
            context.auditContext, at: now, action: disabled ? "user.disable" : "user.enable", resourceType: "user", resourceID: username
        ) { db in
            let user = try await UserRepository.setDisabled(disabled, username: username, now: now, clinicID: clinicID, on: db)
            return Audited(user, resourceID: user.id)
        }
    }

    /// Grants or withdraws the medical-director authority, with the reason; audited (issue #10: authority is the account's,
    /// checked on the server, never a box ticked in a request).
    func setMedicalDirector(_ granted: Bool, username: String, reason: String?, context: AppRequestContext) async throws -> StaffUser {
        let clinicID = dependencies.store.clinicID
        let now = dependencies.now()
        let why = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard (3...500).contains(why.count) else {
            throw ValidationError(field: "reason", message: "reason is required (3–500 characters): who decided and on what authority")
        }
        return try await dependencies.store.audited(
            context.auditContext, at: now, action: granted ? "user.medical_director.grant" : "user.medical_director.withdraw", resourceType: "user",
            resourceID: username
        ) { db in
            let user = try await UserRepository.setMedicalDirector(granted, username: username, now: now, clinicID: clinicID, on: db)
            return Audited(user, resourceID: user.id, detail: "reason=\(why)")
        }
    }

    /// An administrator sets a temporary password: every session and token of the account ends and it must choose a new
    /// password at its next sign-in. Audited as `user.password_reset`.
    func resetPassword(username: String, password: String?, context: AppRequestContext) async throws -> StaffUser {
        let store = dependencies.store
        let clinicID = store.clinicID
        let now = dependencies.now()
        let hash: String
        do {
            hash = try await Passwords.hash(password ?? "")
        } catch let error as ValidationError {
            try? await store.recordEvent(
                context.auditContext, at: now, action: "user.password_reset", resourceType: "user", resourceID: username, outcome: .failed,
                detail: "invalid field=\(error.field)")
            throw error
        }
        return try await store.audited(context.auditContext, at: now, action: "user.password_reset", resourceType: "user", resourceID: username) {
            db in
            let user = try await UserRepository.resetPassword(username: username, passwordHash: hash, now: now, clinicID: clinicID, on: db)
            return Audited(user, resourceID: user.id, detail: "sessions ended; must change password")
        }
    }

    private func render(_ context: AppRequestContext, error: APIError? = nil, form: [String: String] = [:]) async throws -> Response {
        let list = try await users()
        return dependencies.pages.render(
            "users", title: "Staff accounts",
            [
                "users": list.map {
                    [
                        "username": $0.username, "displayName": $0.displayName, "role": $0.role.label, "isDisabled": $0.isDisabled,
                        "isLocked": ($0.lockedUntil ?? .distantPast) > dependencies.now(), "mustChange": $0.mustChangePassword,
                        "isMedicalDirector": $0.isMedicalDirector, "isPrescriber": $0.role == .prescriber,
                    ] as [String: Any]
                },
                "roles": Role.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == form["role"]] },
                "form": ["username": form["username"] ?? "", "displayName": form["displayName"] ?? ""],
                "error": error?.message as Any, "errors": error.map(Pages.errorMap) ?? [:],
            ],
            context: context, status: error?.status ?? .ok
        )
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(context)
    }

    @Sendable func createFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        do {
            _ = try await createUser(
                username: form["username"], displayName: form["displayName"], role: form["role"], password: form["password"], context: context)
            return Pages.redirect("/admin/users")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError else { throw error }
            return try await render(context, error: apiError, form: form)
        }
    }

    @Sendable func disableFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await setDisabled(true, username: try context.parameters.require("username"), context: context)
        return Pages.redirect("/admin/users")
    }

    @Sendable func enableFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await setDisabled(false, username: try context.parameters.require("username"), context: context)
        return Pages.redirect("/admin/users")
    }

    @Sendable func medicalDirectorFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        do {
            _ = try await setMedicalDirector(
                form["granted"] == "true", username: try context.parameters.require("username"), reason: form["reason"], context: context)
            return Pages.redirect("/admin/users")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError else { throw error }
            return try await render(context, error: apiError)
        }
    }

    @Sendable func resetFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        do {
            _ = try await resetPassword(username: try context.parameters.require("username"), password: form["password"], context: context)
            return Pages.redirect("/admin/users")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError, apiError.status != .notFound else { throw error }
            return try await render(context, error: apiError)
        }
    }

    @Sendable func medicalDirector(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let granted: Bool
            let reason: String
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["granted", "reason"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let user = try await setMedicalDirector(
            input.granted, username: try context.parameters.require("username"), reason: input.reason, context: context)
        return try jsonResponse(UserDTO(user))
    }

    @Sendable func reset(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { let password: String }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["password"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let user = try await resetPassword(username: try context.parameters.require("username"), password: input.password, context: context)
        return try jsonResponse(UserDTO(user))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Page: Encodable { let users: [UserDTO] }
        return try jsonResponse(Page(users: try await users().map(UserDTO.init)))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let username: String
            let displayName: String?
            let role: String
            let password: String
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["username", "displayName", "role", "password"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let user = try await createUser(
            username: input.username, displayName: input.displayName, role: input.role, password: input.password, context: context)
        return try jsonResponse(UserDTO(user), status: .created)
    }
}
