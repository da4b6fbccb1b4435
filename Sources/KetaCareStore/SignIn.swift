import Crypto
public import Foundation
import KetaCareDomain
import SQLKit

/// How sign-in and sessions behave; product security settings, not clinical values.
public struct SignInPolicy: Sendable {
    /// Failed attempts in a row that lock an account.
    public var maxFailedAttempts = 5
    /// How long a lock lasts.
    public var lockout: TimeInterval = 15 * 60
    /// A browser session ends after this long without a request.
    public var idleTimeout: TimeInterval = 30 * 60
    /// A browser session ends this long after sign-in, however busy.
    public var absoluteTimeout: TimeInterval = 12 * 3600
    /// An API token's lifetime.
    public var tokenLifetime: TimeInterval = 3600
    /// Last-seen times are written at most this often (saves a write per request).
    public var touchInterval: TimeInterval = 60

    /// The shipped settings.
    public init() {}
}

/// A browser cookie session or an API bearer token.
public enum SessionKind: String, Sendable {
    case browser
    case api
}

/// A signed-in session as the server sees it on each request.
public struct AuthSession: Sendable {
    public let tokenHash: String
    public let kind: SessionKind
    public let csrfToken: String
    public let lastSeenAt: Date
    public let expiresAt: Date
    public let user: StaffUser
}

/// The outcome of a sign-in attempt.
public enum SignInResult: Sendable {
    case success(user: StaffUser, token: String, csrfToken: String, expiresAt: Date)
    case invalidCredentials
    case locked(until: Date)
    case disabled
}

/// Sign-in, lockout, sessions and sign-out; every attempt is audited.
public struct Authenticator: Sendable {
    public let store: Store
    public let policy: SignInPolicy

    /// Creates an authenticator over a clinic's store.
    public init(store: Store, policy: SignInPolicy = SignInPolicy()) {
        self.store = store
        self.policy = policy
    }

    /// A new unguessable token: 32 random bytes, base64url.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Tokens are stored only as their SHA-256, so a copy of the database cannot be used to sign in.
    public static func tokenHash(_ token: String) -> String {
        AuditLog.sha256Hex(token)
    }

    /// Checks a username and password, applying the lockout rule, and opens a session on success.
    public func signIn(username rawUsername: String, password: String, kind: SessionKind, clientAddress: String, now: Date) async throws
        -> SignInResult
    {
        let clinicID = store.clinicID
        let username = rawUsername.trimmingCharacters(in: .whitespaces).lowercased()
        let user = try await store.database.read { db in try await UserRepository.find(username: username, clinicID: clinicID, on: db) }
        let action = kind == .api ? "auth.token" : "auth.login"
        guard let user else {
            _ = await Passwords.verify(password, hash: Passwords.decoyHash)
            try await store.recordEvent(
                AuditContext(actor: "unknown", role: "-", clientAddress: clientAddress), at: now, action: action, resourceType: "user",
                outcome: .failed, detail: "unknown username"
            )
            return .invalidCredentials
        }
        let who = AuditContext(actor: user.username, role: user.role.rawValue, clientAddress: clientAddress)
        if user.isDisabled {
            try await store.recordEvent(
                who, at: now, action: action, resourceType: "user", resourceID: user.id, outcome: .denied, detail: "disabled")
            return .disabled
        }
        if let until = user.lockedUntil, until > now {
            try await store.recordEvent(who, at: now, action: action, resourceType: "user", resourceID: user.id, outcome: .denied, detail: "locked")
            return .locked(until: until)
        }
        guard await Passwords.verify(password, hash: user.passwordHash) else {
            return try await recordFailure(user: user, who: who, action: action, now: now)
        }
        let token = Authenticator.randomToken()
        let csrf = Authenticator.randomToken()
        let expiresAt = now.addingTimeInterval(kind == .api ? policy.tokenLifetime : policy.absoluteTimeout)
        try await store.audited(who, at: now, action: action, resourceType: "user", resourceID: user.id) { db in
            try await db.update("users").set("failed_attempts", to: SQLBind(Int64(0))).set("locked_until", to: SQLLiteral.null)
                .where("id", .equal, SQLBind(user.id)).run()
            try await db.insert(into: "auth_sessions")
                .columns("token_hash", "clinic_id", "user_id", "kind", "csrf_token", "created_at", "last_seen_at", "expires_at", "client_address")
                .values(
                    SQLBind(Authenticator.tokenHash(token)), SQLBind(clinicID), SQLBind(user.id), SQLBind(kind.rawValue), SQLBind(csrf),
                    SQLBind(Timestamps.ms(now)), SQLBind(Timestamps.ms(now)), SQLBind(Timestamps.ms(expiresAt)), SQLBind(clientAddress)
                ).run()
            return Audited((), resourceID: user.id, detail: kind.rawValue)
        }
        return .success(user: user, token: token, csrfToken: csrf, expiresAt: expiresAt)
    }

    private func recordFailure(user: StaffUser, who: AuditContext, action: String, now: Date) async throws -> SignInResult {
        let policy = policy
        let clinicID = store.clinicID
        return try await store.database.write { db in
            // Re-read inside the transaction: concurrent attempts from several instances must all count.
            let current = try await UserRepository.find(id: user.id, on: db) ?? user
            let lockExpired = current.lockedUntil.map { $0 <= now } ?? false
            let attempts = (lockExpired ? 0 : current.failedAttempts) + 1
            let lockUntil = attempts >= policy.maxFailedAttempts ? now.addingTimeInterval(policy.lockout) : nil
            try await db.update("users").set("failed_attempts", to: SQLBind(Int64(lockUntil == nil ? attempts : 0)))
                .set("locked_until", to: SQLBind(lockUntil.map(Timestamps.ms))).where("id", .equal, SQLBind(user.id)).run()
            let event = AuditEvent(
                occurredAt: now, actor: who.actor, role: who.role, action: action, resourceType: "user", resourceID: user.id, patientID: nil,
                clientAddress: who.clientAddress, outcome: .failed,
                detail: lockUntil == nil ? "wrong password attempt=\(attempts)" : "wrong password; locked"
            )
            try await AuditLog.append([event], clinicID: clinicID, on: db)
            if let lockUntil { return .locked(until: lockUntil) }
            return .invalidCredentials
        }
    }

    /// The live session for `token`, sliding its idle timer; nil when unknown, expired, idle too long or revoked.
    public func session(token: String, now: Date) async throws -> AuthSession? {
        let hash = Authenticator.tokenHash(token)
        guard let session = try await store.database.read({ db in try await Self.load(tokenHash: hash, on: db) }) else { return nil }
        guard !session.user.isDisabled, session.expiresAt > now else { return nil }
        if session.kind == .browser {
            guard now.timeIntervalSince(session.lastSeenAt) < policy.idleTimeout else { return nil }
            if now.timeIntervalSince(session.lastSeenAt) >= policy.touchInterval {
                try await store.database.write { db in
                    try await db.update("auth_sessions").set("last_seen_at", to: SQLBind(Timestamps.ms(now)))
                        .where("token_hash", .equal, SQLBind(hash)).run()
                }
            }
        }
        return session
    }

    /// Ends a session (sign-out); audited.
    public func signOut(token: String, who: AuditContext, now: Date) async throws {
        let hash = Authenticator.tokenHash(token)
        try await store.audited(who, at: now, action: "auth.logout", resourceType: "session") { db in
            try await db.update("auth_sessions").set("revoked_at", to: SQLBind(Timestamps.ms(now))).where("token_hash", .equal, SQLBind(hash)).run()
            return Audited((), resourceID: String(hash.prefix(12)))
        }
    }

    private static func load(tokenHash: String, on db: any SQLDatabase) async throws -> AuthSession? {
        // One query per request: the session joined to its user.
        guard
            let row = try await db.select()
                .columns(
                    SQLColumn("kind", table: "s"), SQLColumn("csrf_token", table: "s"), SQLColumn("last_seen_at", table: "s"),
                    SQLColumn("expires_at", table: "s"), SQLColumn(SQLLiteral.all, table: SQLIdentifier("u"))
                )
                .from(SQLAlias(SQLIdentifier("auth_sessions"), as: SQLIdentifier("s")))
                .join(
                    SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), method: SQLJoinMethod.inner, on: SQLColumn("user_id", table: "s"),
                    .equal, SQLColumn("id", table: "u")
                )
                .where(SQLColumn("token_hash", table: "s"), .equal, SQLBind(tokenHash))
                .where(SQLColumn("revoked_at", table: "s"), .is, SQLLiteral.null)
                .first()
        else { return nil }
        return AuthSession(
            tokenHash: tokenHash,
            kind: SessionKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .browser,
            csrfToken: try row.decode(column: "csrf_token", as: String.self),
            lastSeenAt: Timestamps.date(try row.decode(column: "last_seen_at", as: Int64.self)),
            expiresAt: Timestamps.date(try row.decode(column: "expires_at", as: Int64.self)),
            user: try UserRepository.decode(row)
        )
    }
}
