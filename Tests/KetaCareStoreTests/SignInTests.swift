import Foundation
import KetaCareDomain
import KetaCareStore
import SQLKit
import Testing

@Suite("Sign-in, lockout and sessions")
struct SignInTests {
    static func addUser(_ store: Store, _ name: String, role: Role = .nurse) async throws {
        let hash = try await Passwords.hash("correct-horse-1")
        let clinicID = store.clinicID
        _ = try await store.database.write { db in
            try await UserRepository.create(
                username: name, displayName: name, role: role, passwordHash: hash, now: Date(), clinicID: clinicID, on: db)
        }
    }

    @Test("Five wrong passwords lock the account for 15 minutes; the right one then fails until the lock ends")
    func lockout() async throws {
        try await TestStores.each { store in
            try await Self.addUser(store, "nurse.a")
            let auth = Authenticator(store: store)
            let t0 = Date(timeIntervalSince1970: 1_900_000_000)
            for attempt in 1...4 {
                let result = try await auth.signIn(
                    username: "nurse.a", password: "wrong-\(attempt)", kind: .browser, clientAddress: "1.2.3.4", now: t0)
                guard case .invalidCredentials = result else { Issue.record("attempt \(attempt): \(result)"); return }
            }
            let fifth = try await auth.signIn(username: "nurse.a", password: "wrong-5", kind: .browser, clientAddress: "1.2.3.4", now: t0)
            guard case .locked(let until) = fifth else { Issue.record("fifth: \(fifth)"); return }
            #expect(until == t0.addingTimeInterval(15 * 60))
            let whileLocked = try await auth.signIn(
                username: "nurse.a", password: "correct-horse-1", kind: .browser, clientAddress: "1.2.3.4", now: t0.addingTimeInterval(14 * 60))
            guard case .locked = whileLocked else { Issue.record("while locked: \(whileLocked)"); return }
            let after = try await auth.signIn(
                username: "nurse.a", password: "correct-horse-1", kind: .browser, clientAddress: "1.2.3.4", now: t0.addingTimeInterval(15 * 60 + 1))
            guard case .success = after else { Issue.record("after lock: \(after)"); return }
            let clinicID = store.clinicID
            let failures = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(actor: "nurse.a", action: "auth.login"), clinicID: clinicID, on: db)
            }
            #expect(failures.filter { $0.outcome == .failed }.count == 5)
            #expect(failures.filter { $0.outcome == .denied }.count == 1)
            #expect(failures.first?.outcome == .success)
        }
    }

    @Test func sessionsTimeOutWhenIdleAndEndOnSignOut() async throws {
        try await TestStores.each { store in
            try await Self.addUser(store, "nurse.b")
            let auth = Authenticator(store: store)
            let t0 = Date(timeIntervalSince1970: 1_900_000_000)
            guard
                case .success(_, let token, _, _) = try await auth.signIn(
                    username: "NURSE.B", password: "correct-horse-1", kind: .browser, clientAddress: "x", now: t0)
            else { Issue.record("sign-in failed"); return }
            #expect(try await auth.session(token: token, now: t0.addingTimeInterval(29 * 60))?.user.username == "nurse.b")
            // Activity at 29 minutes slid the idle timer: 58 minutes is within 30 minutes of it.
            #expect(try await auth.session(token: token, now: t0.addingTimeInterval(58 * 60)) != nil)
            #expect(try await auth.session(token: token, now: t0.addingTimeInterval(89 * 60)) == nil)
            #expect(try await auth.session(token: "not-a-token", now: t0) == nil)

            guard
                case .success(_, let second, _, _) = try await auth.signIn(
                    username: "nurse.b", password: "correct-horse-1", kind: .browser, clientAddress: "x", now: t0)
            else { Issue.record("second sign-in failed"); return }
            try await auth.signOut(token: second, who: TestStores.who, now: t0)
            #expect(try await auth.session(token: second, now: t0) == nil)
        }
    }

    @Test func disabledAccountsCannotSignInAndLoseTheirSessions() async throws {
        try await TestStores.each { store in
            try await Self.addUser(store, "nurse.c")
            let auth = Authenticator(store: store)
            let now = Date()
            guard
                case .success(_, let token, _, _) = try await auth.signIn(
                    username: "nurse.c", password: "correct-horse-1", kind: .api, clientAddress: "x", now: now)
            else { Issue.record("sign-in failed"); return }
            let clinicID = store.clinicID
            _ = try await store.database.write { db in
                try await UserRepository.setDisabled(true, username: "nurse.c", now: now, clinicID: clinicID, on: db)
            }
            #expect(try await auth.session(token: token, now: now) == nil)
            let result = try await auth.signIn(username: "nurse.c", password: "correct-horse-1", kind: .api, clientAddress: "x", now: now)
            guard case .disabled = result else { Issue.record("expected disabled, got \(result)"); return }
        }
    }

    @Test("Issue #11: eight wrong passwords in flight at once lock the account; the right one afterwards is refused")
    func lockoutHoldsUnderParallelGuessing() async throws {
        try await TestStores.each { store in
            try await Self.addUser(store, "nurse.p")
            let auth = Authenticator(store: store)
            let t0 = Date(timeIntervalSince1970: 1_900_000_000)
            let results = try await withThrowingTaskGroup(of: SignInResult.self) { group in
                for attempt in 1...8 {
                    group.addTask {
                        try await auth.signIn(
                            username: "nurse.p", password: "guess-\(attempt)", kind: .api, clientAddress: "10.0.0.\(attempt)", now: t0)
                    }
                }
                var all: [SignInResult] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.allSatisfy { if case .success = $0 { false } else { true } })
            let right = try await auth.signIn(
                username: "nurse.p", password: "correct-horse-1", kind: .api, clientAddress: "10.0.0.9", now: t0.addingTimeInterval(1))
            guard case .locked(let until) = right else { Issue.record("the right password after 8 parallel guesses: \(right)"); return }
            #expect(until == t0.addingTimeInterval(15 * 60))
            let clinicID = store.clinicID
            let user = try await store.database.read { db in try await UserRepository.find(username: "nurse.p", clinicID: clinicID, on: db) }
            #expect(user?.failedAttempts == 8)
        }
    }

    @Test("Issue #11: failed sign-ins are throttled per client address across accounts")
    func failuresAreThrottledPerAddress() async throws {
        try await TestStores.each { store in
            try await Self.addUser(store, "nurse.t")
            var policy = SignInPolicy()
            policy.maxFailuresPerAddress = 3
            let auth = Authenticator(store: store, policy: policy)
            let t0 = Date(timeIntervalSince1970: 1_900_000_000)
            for name in ["a.b", "c.d", "e.f"] {
                let result = try await auth.signIn(username: name, password: "x", kind: .api, clientAddress: "6.6.6.6", now: t0)
                guard case .invalidCredentials = result else { Issue.record("\(name): \(result)"); return }
            }
            let refused = try await auth.signIn(username: "nurse.t", password: "correct-horse-1", kind: .api, clientAddress: "6.6.6.6", now: t0)
            guard case .throttled = refused else { Issue.record("fourth from the same address: \(refused)"); return }
            let elsewhere = try await auth.signIn(username: "nurse.t", password: "correct-horse-1", kind: .api, clientAddress: "7.7.7.7", now: t0)
            guard case .success = elsewhere else { Issue.record("another address: \(elsewhere)"); return }
            let later = try await auth.signIn(
                username: "nurse.t", password: "correct-horse-1", kind: .api, clientAddress: "6.6.6.6", now: t0.addingTimeInterval(15 * 60 + 1))
            guard case .success = later else { Issue.record("after the window: \(later)"); return }
        }
    }

    @Test("Issue #11: a token is good only in the clinic that issued it")
    func tokensAreScopedToTheirClinic() async throws {
        try await TestStores.each { store in
            try await Self.addUser(store, "nurse.s")
            let auth = Authenticator(store: store)
            let now = Date()
            guard
                case .success(_, let token, _, _) = try await auth.signIn(
                    username: "nurse.s", password: "correct-horse-1", kind: .api, clientAddress: "x", now: now)
            else { Issue.record("sign-in failed"); return }
            let otherClinic = Store(database: store.database, clinicID: store.clinicID + "-other")
            try await otherClinic.ensureClinic(name: "Other clinic", now: now)
            #expect(try await Authenticator(store: otherClinic).session(token: token, now: now) == nil)
            #expect(try await auth.session(token: token, now: now)?.user.username == "nurse.s")
        }
    }

    @Test func passwordsAreBcryptCost12AndLengthChecked() async throws {
        let hash = try await Passwords.hash("long-enough-password")
        #expect(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"))
        #expect(await Passwords.verify("long-enough-password", hash: hash))
        #expect(!(await Passwords.verify("wrong", hash: hash)))
        await #expect(throws: ValidationError.self) { try await Passwords.hash("short") }
    }
}
