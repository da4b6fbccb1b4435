public import Foundation
import HummingbirdBcrypt
public import KetaCareDomain
import NIOPosix
public import SQLKit

/// A staff account.
public struct StaffUser: Sendable, Equatable {
    public let id: String
    public let username: String
    public let displayName: String
    public let role: Role
    public let isDisabled: Bool
    public let failedAttempts: Int
    public let lockedUntil: Date?
    /// Whether an administrator granted this account the medical-director authority (the "medical director only" overrides).
    public let isMedicalDirector: Bool
    /// Set when an administrator reset the password: the account may only change its password (and sign out) until it does.
    public let mustChangePassword: Bool
    let passwordHash: String
}

/// Password hashing with bcrypt, off the event loops (a cost-12 hash takes a quarter of a second).
public enum Passwords {
    /// bcrypt's work factor: never below 12.
    public static let cost: UInt8 = 12
    /// Shortest password accepted for a staff account.
    public static let minimumLength = 10

    /// Hashes `password` after checking its length (field `password`).
    public static func hash(_ password: String) async throws -> String {
        guard password.count >= minimumLength else {
            throw ValidationError(field: "password", message: "password must be at least \(minimumLength) characters")
        }
        guard password.utf8.count <= 72 else {
            throw ValidationError(field: "password", message: "password must be at most 72 bytes (bcrypt's limit)")
        }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`.
    public static func verify(_ password: String, hash: String) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }

    /// A hash of nothing anyone knows, verified against for unknown usernames so timing does not reveal which exist.
    static let decoyHash = Bcrypt.hash("decoy-password-never-used", cost: cost)
}

/// Staff accounts of one clinic.
public enum UserRepository {
    /// Checks a username: 3–40 of a–z, 0–9, '.', '_', '-'.
    public static func validatedUsername(_ raw: String) throws(ValidationError) -> String {
        let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (3...40).contains(name.count), name.allSatisfy({ allowed.contains($0) }) else {
            throw ValidationError(field: "username", message: "username must be 3 to 40 characters of a-z, 0-9, '.', '_' or '-'")
        }
        return name
    }

    /// Creates an account; the password is hashed by the caller with ``Passwords/hash(_:)``.
    public static func create(
        username: String, displayName: String, role: Role, passwordHash: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> StaffUser {
        let name = try validatedUsername(username)
        let display = displayName.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(display.count) else {
            throw ValidationError(field: "displayName", message: "displayName must be 1 to 100 characters")
        }
        if try await find(username: name, clinicID: clinicID, on: db) != nil {
            throw StoreError.duplicate(field: "username", message: "username '\(name)' is already taken")
        }
        let id = UUID().uuidString.lowercased()
        try await db.insert(into: "users")
            .columns(
                "id", "clinic_id", "username", "display_name", "role", "password_hash", "is_disabled", "failed_attempts", "created_at", "updated_at"
            )
            .values(
                SQLBind(id), SQLBind(clinicID), SQLBind(name), SQLBind(display), SQLBind(role.rawValue), SQLBind(passwordHash),
                SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(Timestamps.ms(now)), SQLBind(Timestamps.ms(now))
            ).run()
        return StaffUser(
            id: id, username: name, displayName: display, role: role, isDisabled: false, failedAttempts: 0, lockedUntil: nil,
            isMedicalDirector: false, mustChangePassword: false, passwordHash: passwordHash)
    }

    /// The account called `username`, if any.
    public static func find(username: String, clinicID: String, on db: any SQLDatabase) async throws -> StaffUser? {
        try await db.select().column("*").from("users").where("clinic_id", .equal, SQLBind(clinicID))
            .where("username", .equal, SQLBind(username.lowercased())).first().map(decode)
    }

    /// The account with `id`, if any.
    public static func find(id: String, on db: any SQLDatabase) async throws -> StaffUser? {
        try await db.select().column("*").from("users").where("id", .equal, SQLBind(id)).first().map(decode)
    }

    /// Every account of the clinic, by username.
    public static func list(clinicID: String, on db: any SQLDatabase) async throws -> [StaffUser] {
        try await db.select().column("*").from("users").where("clinic_id", .equal, SQLBind(clinicID)).orderBy("username").all().map(decode)
    }

    /// Grants or withdraws the medical-director authority. Only a prescriber's account can hold it: the overrides it allows
    /// are prescribing decisions (DOMAIN.md §3.3, §3.5, §1.9).
    public static func setMedicalDirector(_ granted: Bool, username: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws
        -> StaffUser
    {
        guard let user = try await find(username: username, clinicID: clinicID, on: db) else {
            throw StoreError.notFound(resource: "user \(username)")
        }
        if granted, user.role != .prescriber {
            throw ValidationError(
                field: "granted", message: "only a prescriber's account can hold the medical-director authority; \(username) is \(user.role.label)")
        }
        try await db.update("users").set("is_medical_director", to: SQLBind(Int64(granted ? 1 : 0)))
            .set("updated_at", to: SQLBind(Timestamps.ms(now))).where("id", .equal, SQLBind(user.id)).run()
        return try await find(id: user.id, on: db) ?? user
    }

    /// Disables or re-enables an account; a disabled account's sessions end at once.
    public static func setDisabled(_ disabled: Bool, username: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws -> StaffUser
    {
        guard let user = try await find(username: username, clinicID: clinicID, on: db) else {
            throw StoreError.notFound(resource: "user \(username)")
        }
        try await db.update("users").set("is_disabled", to: SQLBind(Int64(disabled ? 1 : 0))).set("updated_at", to: SQLBind(Timestamps.ms(now)))
            .where("id", .equal, SQLBind(user.id)).run()
        if disabled {
            try await db.update("auth_sessions").set("revoked_at", to: SQLBind(Timestamps.ms(now)))
                .where("user_id", .equal, SQLBind(user.id)).where("revoked_at", .is, SQLLiteral.null).run()
        }
        return try await find(id: user.id, on: db) ?? user
    }

    /// An administrator's reset: sets a temporary password (hashed by the caller), clears any lock, ends every session and
    /// token of the account and marks it to change the password at its next sign-in.
    public static func resetPassword(username: String, passwordHash: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws
        -> StaffUser
    {
        guard let user = try await find(username: username, clinicID: clinicID, on: db) else {
            throw StoreError.notFound(resource: "user \(username)")
        }
        try await db.update("users").set("password_hash", to: SQLBind(passwordHash)).set("must_change_password", to: SQLBind(Int64(1)))
            .set("failed_attempts", to: SQLBind(Int64(0))).set("locked_until", to: SQLLiteral.null).set("updated_at", to: SQLBind(Timestamps.ms(now)))
            .where("id", .equal, SQLBind(user.id)).run()
        try await revokeSessions(of: user.id, except: nil, now: now, on: db)
        return try await find(id: user.id, on: db) ?? user
    }

    /// Ends every live session and token of `userID` except the one whose hash is `except`; returns how many ended.
    @discardableResult
    static func revokeSessions(of userID: String, except: String?, now: Date, on db: any SQLDatabase) async throws -> Int {
        let update = db.update("auth_sessions").set("revoked_at", to: SQLBind(Timestamps.ms(now))).where("user_id", .equal, SQLBind(userID))
            .where("revoked_at", .is, SQLLiteral.null)
        if let except { update.where("token_hash", .notEqual, SQLBind(except)) }
        return try await update.returning("token_hash").all().count
    }

    static func decode(_ row: any SQLRow) throws -> StaffUser {
        StaffUser(
            id: try row.decode(column: "id", as: String.self),
            username: try row.decode(column: "username", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .frontdesk,
            isDisabled: try row.decode(column: "is_disabled", as: Int64.self) != 0,
            failedAttempts: Int(try row.decode(column: "failed_attempts", as: Int64.self)),
            lockedUntil: try row.decode(column: "locked_until", as: Int64?.self).map(Timestamps.date),
            isMedicalDirector: try row.decode(column: "is_medical_director", as: Int64.self) != 0,
            mustChangePassword: try row.decode(column: "must_change_password", as: Int64?.self).map { $0 != 0 } ?? false,
            passwordHash: try row.decode(column: "password_hash", as: String.self)
        )
    }
}
