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
    /// Failed sign-ins from one client address, over every account, before that address is refused for a while.
    public var maxFailuresPerAddress = 20
    /// The window those failures are counted in (and how long the address then waits).
    public var addressWindow: TimeInterval = 15 * 60

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
    /// Too many failed sign-ins from this client address: refused before any password is checked.
    case throttled(retryAfter: TimeInterval)
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
    ///
    /// The password is checked first (bcrypt, outside any transaction); then one write transaction locks the user's row,
    /// re-reads it and decides: a lock or a disabled account is never cleared or bypassed by a late answer, so many
    /// guesses in flight at once are counted like guesses in a row. Failures also count per client address.
    public func signIn(username rawUsername: String, password: String, kind: SessionKind, clientAddress: String, now: Date) async throws
        -> SignInResult
    {
        let clinicID = store.clinicID
        let policy = policy
        let username = rawUsername.trimmingCharacters(in: .whitespaces).lowercased()
        let action = kind == .api ? "auth.token" : "auth.login"
        let bucket = "signin:\(clinicID):\(clientAddress)"
        let throttled = try await store.database.read { db in
            try await RateLimiter.isOver(bucket, limit: policy.maxFailuresPerAddress, window: policy.addressWindow, now: now, on: db)
        }
        if throttled {
            try await store.recordEvent(
                AuditContext(actor: username.isEmpty ? "unknown" : String(username.prefix(64)), role: "-", clientAddress: clientAddress), at: now,
                action: action, resourceType: "user", outcome: .denied, detail: "too many failed sign-ins from this address"
            )
            return .throttled(retryAfter: policy.addressWindow)
        }
        let user = try await store.database.read { db in try await UserRepository.find(username: username, clinicID: clinicID, on: db) }
        guard let user else {
            _ = await Passwords.verify(password, hash: Passwords.decoyHash)
            try await store.database.write { db in
                let event = AuditEvent(
                    occurredAt: now, actor: "unknown", role: "-", action: action, resourceType: "user", resourceID: "-", patientID: nil,
                    clientAddress: clientAddress, outcome: .failed, detail: "unknown username"
                )
                try await AuditLog.append([event], clinicID: clinicID, on: db)
                try await RateLimiter.hit(bucket, window: policy.addressWindow, now: now, on: db)
            }
            return .invalidCredentials
        }
        // Checked whatever the account's state, so a locked or disabled account answers in the same time as any other.
        let passwordMatches = await Passwords.verify(password, hash: user.passwordHash)
        let token = Authenticator.randomToken()
        let csrf = Authenticator.randomToken()
        let expiresAt = now.addingTimeInterval(kind == .api ? policy.tokenLifetime : policy.absoluteTimeout)
        return try await store.database.write { db in
            let check = try await Self.settle(user, passwordMatches: passwordMatches, policy: policy, now: now, on: db)
            func audit(_ outcome: AuditOutcome, _ detail: String) async throws {
                let current = check.user
                let event = AuditEvent(
                    occurredAt: now, actor: current.username, role: current.role.rawValue, action: action, resourceType: "user",
                    resourceID: current.id, patientID: nil, clientAddress: clientAddress, outcome: outcome, detail: detail
                )
                try await AuditLog.append([event], clinicID: clinicID, on: db)
            }
            switch check {
            case .disabled:
                try await audit(.denied, "disabled")
                if !passwordMatches { try await RateLimiter.hit(bucket, window: policy.addressWindow, now: now, on: db) }
                return .disabled
            case .wrong(_, let attempts, let lock):
                try await RateLimiter.hit(bucket, window: policy.addressWindow, now: now, on: db)
                try await audit(.failed, lock == nil ? "wrong password attempt=\(attempts)" : "wrong password; locked")
                if let lock { return .locked(until: lock) }
                return .invalidCredentials
            case .locked(_, let until):
                try await audit(.denied, "locked")
                return .locked(until: until)
            case .accepted(let current):
                try await db.insert(into: "auth_sessions")
                    .columns(
                        "token_hash", "clinic_id", "user_id", "kind", "csrf_token", "created_at", "last_seen_at", "expires_at", "client_address"
                    )
                    .values(
                        SQLBind(Authenticator.tokenHash(token)), SQLBind(clinicID), SQLBind(current.id), SQLBind(kind.rawValue), SQLBind(csrf),
                        SQLBind(Timestamps.ms(now)), SQLBind(Timestamps.ms(now)), SQLBind(Timestamps.ms(expiresAt)), SQLBind(clientAddress)
                    ).run()
                try await audit(.success, kind.rawValue)
                return .success(user: current, token: token, csrfToken: csrf, expiresAt: expiresAt)
            }
        }
    }

    /// What one password check decided for a known account, after the account's row was locked and re-read.
    enum PasswordCheck {
        case accepted(StaffUser)
        case wrong(StaffUser, attempts: Int, lockedUntil: Date?)
        case locked(StaffUser, until: Date)
        case disabled(StaffUser)

        var user: StaffUser {
            switch self {
            case .accepted(let u), .wrong(let u, _, _), .locked(let u, _), .disabled(let u): u
            }
        }
    }

    /// Applies the lockout rule to one password check (bcrypt already done, outside the transaction) in the caller's write
    /// transaction: locks the user's row, re-reads it, counts a failure or clears the count on success.
    ///
    /// A lock or a disabled account is never cleared or bypassed by a late answer, so many guesses in flight at once are
    /// counted like guesses in a row. Sign-in, witness and second-counter signatures and password changes all come through here.
    static func settle(_ user: StaffUser, passwordMatches: Bool, policy: SignInPolicy, now: Date, on db: any SQLDatabase) async throws
        -> PasswordCheck
    {
        // A no-op update takes the row lock on PostgreSQL (SQLite has one writer), so the re-read below is the truth.
        try await db.update("users").set("failed_attempts", to: SQLRaw("failed_attempts")).where("id", .equal, SQLBind(user.id)).run()
        let current = try await UserRepository.find(id: user.id, on: db) ?? user
        let lockedUntil = current.lockedUntil.flatMap { $0 > now ? $0 : nil }
        if current.isDisabled { return .disabled(current) }
        guard passwordMatches else {
            // A failure never clears a lock: while locked it only counts; after the lock ends counting starts again.
            let attempts = (current.lockedUntil != nil && lockedUntil == nil ? 0 : current.failedAttempts) + 1
            let lock = lockedUntil ?? (attempts >= policy.maxFailedAttempts ? now.addingTimeInterval(policy.lockout) : nil)
            try await db.update("users").set("failed_attempts", to: SQLBind(Int64(min(attempts, 1_000_000))))
                .set("locked_until", to: SQLBind(lock.map(Timestamps.ms))).where("id", .equal, SQLBind(current.id)).run()
            return .wrong(current, attempts: attempts, lockedUntil: lock)
        }
        if let lockedUntil { return .locked(current, until: lockedUntil) }
        if current.failedAttempts != 0 || current.lockedUntil != nil {
            try await db.update("users").set("failed_attempts", to: SQLBind(Int64(0))).set("locked_until", to: SQLLiteral.null)
                .where("id", .equal, SQLBind(current.id)).run()
        }
        return .accepted(current)
    }

    // MARK: - Signatures (witnesses and second counters)

    /// Verifies a witness's or second counter's re-entered password before the caller's write transaction, counting a wrong
    /// password toward that account's lockout in a transaction of its own (so the count survives the caller's rollback).
    ///
    /// Unknown, wrong, locked and disabled all get the same refusal naming `field`, before anything is said about the
    /// person's role. The returned signature carries the verified member; ``LedgerRepository`` accepts only such signatures.
    ///
    /// A refusal also leaves a failed event of the operation being signed (`action` on `resourceType`), as a refusal inside
    /// ``Store/audited(_:at:action:resourceType:resourceID:patientID:isRead:_:)`` would.
    public func verified(
        _ signature: StaffSignature, field: String, who: AuditContext, now: Date, action: String = "auth.signature", resourceType: String = "user"
    ) async throws -> StaffSignature {
        let clinicID = store.clinicID
        let policy = policy
        let username = signature.username.trimmingCharacters(in: .whitespaces).lowercased()
        @Sendable func audit(_ user: StaffUser?, _ outcome: AuditOutcome, _ detail: String, on db: any SQLDatabase) async throws {
            let event = AuditEvent(
                occurredAt: now, actor: who.actor, role: who.role, action: "auth.signature", resourceType: "user", resourceID: user?.id ?? "-",
                patientID: nil, clientAddress: who.clientAddress, outcome: outcome,
                detail: "\(field) signer=\(user?.username ?? String(username.prefix(64))) \(detail)"
            )
            try await AuditLog.append([event], clinicID: clinicID, on: db)
            if outcome != .success, action != "auth.signature" {
                let refused = AuditEvent(
                    occurredAt: now, actor: who.actor, role: who.role, action: action, resourceType: resourceType, resourceID: "-", patientID: nil,
                    clientAddress: who.clientAddress, outcome: .failed, detail: "invalid field=\(field)"
                )
                try await AuditLog.append([refused], clinicID: clinicID, on: db)
            }
        }
        let user = try await store.database.read { db in try await UserRepository.find(username: username, clinicID: clinicID, on: db) }
        let passwordMatches = await Passwords.verify(signature.password, hash: user?.passwordHash ?? Passwords.decoyHash)
        guard let user else {
            try await store.database.write { db in try await audit(nil, .failed, "unknown username", on: db) }
            throw LedgerRepository.signatureRefused(field: field)
        }
        let check = try await store.database.write { db in
            let check = try await Self.settle(user, passwordMatches: passwordMatches, policy: policy, now: now, on: db)
            switch check {
            case .accepted: break
            case .disabled: try await audit(user, .denied, "disabled", on: db)
            case .locked: try await audit(user, .denied, "locked", on: db)
            case .wrong(_, let attempts, let lock):
                try await audit(user, .failed, lock == nil ? "wrong password attempt=\(attempts)" : "wrong password; locked", on: db)
            }
            return check
        }
        guard case .accepted(let current) = check else { throw LedgerRepository.signatureRefused(field: field) }
        var verified = signature
        verified.username = current.username
        verified.verifiedMember = StaffMember(username: current.username, role: current.role)
        return verified
    }

    /// The draft with its witness and approver verified (one that is absent, or already verified, is left as it is); the
    /// witness is checked first, so a refusal names `witness_password` before `approver_password`.
    public func verifiedSignatures(of draft: LedgerDraft, who: AuditContext, now: Date) async throws -> LedgerDraft {
        var draft = draft
        let action = "ledger.\(draft.kind.name.rawValue)"
        func needsCheck(_ signature: StaffSignature?) -> StaffSignature? {
            guard let signature, signature.verifiedMember == nil, !signature.username.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return signature
        }
        if let witness = needsCheck(draft.witness) {
            draft.witness = try await verified(witness, field: "witness_password", who: who, now: now, action: action, resourceType: "ledger_entry")
        }
        if let approver = needsCheck(draft.approver) {
            draft.approver = try await verified(
                approver, field: "approver_password", who: who, now: now, action: action, resourceType: "ledger_entry")
        }
        return draft
    }

    // MARK: - Password change and token revocation

    /// Changes the signed-in user's own password: the current one is checked first (a wrong one counts toward the lockout and
    /// gets one generic refusal), the new one must meet ``Passwords/hash(_:)`` and differ from the current one; every other
    /// session and token of the user ends, the one in use (`keeping`) stays. Audited as `auth.password_change`.
    public func changePassword(
        of user: StaffUser, current: String, new: String, keeping tokenHash: String, who: AuditContext, now: Date
    ) async throws {
        let clinicID = store.clinicID
        let policy = policy
        let action = "auth.password_change"
        let refusal = ValidationError(
            field: "currentPassword", message: "the current password was not accepted (or the account is locked or disabled)")
        let matches = await Passwords.verify(current, hash: user.passwordHash)
        @Sendable func event(_ outcome: AuditOutcome, _ detail: String) -> AuditEvent {
            AuditEvent(
                occurredAt: now, actor: who.actor, role: who.role, action: action, resourceType: "user", resourceID: user.id, patientID: nil,
                clientAddress: who.clientAddress, outcome: outcome, detail: detail
            )
        }
        guard matches else {
            try await store.database.write { db in
                let check = try await Self.settle(user, passwordMatches: false, policy: policy, now: now, on: db)
                let detail =
                    if case .wrong(_, let attempts, let lock) = check, lock == nil { "wrong password attempt=\(attempts)" } else { "refused" }
                try await AuditLog.append([event(.failed, detail)], clinicID: clinicID, on: db)
            }
            throw refusal
        }
        let hash: String
        do {
            guard new != current else { throw ValidationError(field: "newPassword", message: "the new password must differ from the current one") }
            do { hash = try await Passwords.hash(new) } catch let error as ValidationError {
                throw ValidationError(
                    field: "newPassword", message: error.message.replacingOccurrences(of: "password must", with: "newPassword must"))
            }
        } catch let error as ValidationError {
            try await store.recordEvent(
                who, at: now, action: action, resourceType: "user", resourceID: user.id, outcome: .failed, detail: "invalid field=\(error.field)")
            throw error
        }
        let accepted = try await store.database.write { db in
            guard case .accepted(let current) = try await Self.settle(user, passwordMatches: true, policy: policy, now: now, on: db) else {
                try await AuditLog.append([event(.denied, "locked or disabled")], clinicID: clinicID, on: db)
                return false
            }
            try await db.update("users").set("password_hash", to: SQLBind(hash)).set("must_change_password", to: SQLBind(Int64(0)))
                .set("updated_at", to: SQLBind(Timestamps.ms(now))).where("id", .equal, SQLBind(current.id)).run()
            let ended = try await UserRepository.revokeSessions(of: current.id, except: tokenHash, now: now, on: db)
            try await AuditLog.append([event(.success, "other sessions ended=\(ended)")], clinicID: clinicID, on: db)
            return true
        }
        guard accepted else { throw refusal }
    }

    /// Revokes the API token (or session) in use; audited as `auth.revoke`.
    public func revoke(tokenHash: String, who: AuditContext, now: Date) async throws {
        try await store.audited(who, at: now, action: "auth.revoke", resourceType: "session") { db in
            try await db.update("auth_sessions").set("revoked_at", to: SQLBind(Timestamps.ms(now))).where("token_hash", .equal, SQLBind(tokenHash))
                .run()
            return Audited((), resourceID: String(tokenHash.prefix(12)))
        }
    }

    /// The live session for `token`, sliding its idle timer; nil when unknown, expired, idle too long or revoked.
    public func session(token: String, now: Date) async throws -> AuthSession? {
        let hash = Authenticator.tokenHash(token)
        let clinicID = store.clinicID
        guard let session = try await store.database.read({ db in try await Self.load(tokenHash: hash, clinicID: clinicID, on: db) })
        else { return nil }
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

    /// A token is only good within the clinic it was issued for, even when several clinics share one database.
    private static func load(tokenHash: String, clinicID: String, on db: any SQLDatabase) async throws -> AuthSession? {
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
                .where(SQLColumn("clinic_id", table: "s"), .equal, SQLBind(clinicID))
                .where(SQLColumn("clinic_id", table: "u"), .equal, SQLBind(clinicID))
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
