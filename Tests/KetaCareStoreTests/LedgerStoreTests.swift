import Foundation
import KetaCareDomain
import KetaCareStore
import SQLKit
import Testing

/// The controlled-substance ledger on both engines (issue #6): every entry kind, every refusal audited, concurrency.
@Suite("Controlled-substance ledger store")
struct LedgerStoreTests {
    /// 2025-03-10 15:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_741_618_800)
    static let utc = TimeZone(secondsFromGMT: 0)!
    static let password = "correct-horse-battery"
    static let p50: ProductID = "ketamine-50mg-ml-10ml"
    static let device: ProductID = "esketamine-28mg-device"
    static let supplier = Supplier(name: "Acme Pharma, Inc.", address: "1 Main St, Springfield", deaNumber: "AB1234563")

    static let amy = StaffMember(username: "amy.nurse", role: .nurse)
    static let ben = StaffMember(username: "ben.nurse", role: .nurse)
    static let cat = StaffMember(username: "cat.compliance", role: .compliance)
    static let dan = StaffMember(username: "dan.prescriber", role: .prescriber)

    struct Fixture {
        let store: Store
        let patientID: String
    }

    /// Four staff with known passwords and one patient.
    static func fixture(_ store: Store) async throws -> Fixture {
        let clinicID = store.clinicID
        let hash = try await Passwords.hash(password)
        let patient = try PatientRegistryTests.patient("KC-L1", "Lee", "Ledger")
        try await PatientRegistryTests.create(patient, in: store)
        try await store.database.write { db in
            for member in [amy, ben, cat, dan] {
                _ = try await UserRepository.create(
                    username: member.username, displayName: member.username, role: member.role, passwordHash: hash, now: now, clinicID: clinicID,
                    on: db)
            }
        }
        return Fixture(store: store, patientID: patient.id.rawValue)
    }

    static func ml(_ text: String) -> LedgerQuantity { LedgerQuantity(Decimal(string: text)!, .millilitre) }
    static func lot(_ id: String, expires: String = "2026-12-31", product: ProductID = p50) -> Lot {
        Lot(id: LotID(id), lotNumber: id.uppercased(), product: product, expiresOn: try! LocalDate.parse(expires))
    }
    static func sign(_ member: StaffMember, _ password: String = password) -> StaffSignature {
        StaffSignature(username: member.username, password: password)
    }

    static func receipt(_ lot: Lot, vials: Int = 2, key: String = UUID().uuidString, at: Date = now) -> LedgerDraft {
        LedgerDraft(
            occurredAt: at, idempotencyKey: key, product: lot.product,
            kind: .receipt(
                Receipt(
                    supplier: supplier, invoiceReference: "INV-1", lot: lot, location: "safe", containers: vials, quantity: ml("\(vials * 10)"))),
            witness: sign(ben)
        )
    }

    static func draft(
        _ kind: LedgerEntryKind, key: String = UUID().uuidString, witness: StaffSignature? = sign(ben), approver: StaffSignature? = nil
    ) -> LedgerDraft {
        LedgerDraft(occurredAt: now, idempotencyKey: key, product: p50, kind: kind, witness: witness, approver: approver)
    }

    static func record(_ store: Store, _ draft: LedgerDraft, by member: StaffMember = amy) async throws -> LedgerEntry {
        try await store.recordLedgerEntry(
            draft, recordedBy: member, who: AuditContext(actor: member.username, role: member.role.rawValue, clientAddress: "test"), now: now,
            timeZone: utc)
    }

    /// A signature checked the way the web layer checks it, before the transaction.
    static func verified(_ store: Store, _ signature: StaffSignature, field: String) async throws -> StaffSignature {
        try await Authenticator(store: store).verified(
            signature, field: field, who: AuditContext(actor: amy.username, role: amy.role.rawValue, clientAddress: "test"), now: now)
    }

    static func lastLedgerEvent(_ store: Store) async throws -> AuditEvent? {
        let clinicID = store.clinicID
        return try await store.database.read { db in
            try await AuditLog.events(AuditQuery(action: "ledger.", limit: 1), clinicID: clinicID, on: db).first
        }
    }

    // MARK: - Every kind

    @Test("Each entry kind is stored, read back identical, and the chain and balances verify")
    func everyKindRoundTrips() async throws {
        try await TestStores.each { store in
            let f = try await Self.fixture(store)
            let clinicID = store.clinicID
            let lotA = Self.lot("lot-a")
            let kinds: [(StaffMember, LedgerDraft)] = [
                (Self.amy, Self.receipt(lotA, vials: 3)),
                (
                    Self.amy,
                    Self.draft(
                        .administration(
                            Administration(
                                lot: "lot-a", location: "safe", container: 1, patientID: f.patientID, sessionID: "session-1", doseOrderID: "order-1",
                                drawn: Self.ml("1.5"), given: Self.ml("1.2"), wasted: Self.ml("0.3"), wasteMethod: "sharps container"
                            )))
                ),
                (Self.amy, Self.draft(.waste(Waste(lot: "lot-a", location: "safe", container: 1, quantity: Self.ml("0.1"), method: "dropped")))),
                (Self.amy, Self.draft(.transfer(Transfer(lot: "lot-a", from: "safe", to: "cabinet", quantity: Self.ml("10"))), witness: nil)),
                (
                    Self.amy,
                    Self.draft(
                        .returnToSupplier(
                            SupplierReturn(
                                lot: "lot-a", location: "cabinet", container: 3, quantity: Self.ml("10"), supplier: Self.supplier, reference: "RA-9")
                        ))
                ),
                (
                    Self.amy,
                    Self.draft(
                        .destruction(
                            Destruction(
                                lot: "lot-a", location: "safe", container: 1, quantity: Self.ml("1"), method: "denatured", form41Reference: "F41-7")))
                ),
                (
                    Self.cat,
                    Self.draft(
                        .adjustment(
                            Adjustment(
                                lot: "lot-a", location: "safe", quantity: Self.ml("-0.4"), investigationNote: "spill found on review",
                                approvedBy: Self.dan)), approver: Self.sign(Self.dan))
                ),
                (
                    Self.amy,
                    Self.draft(
                        .correction(
                            Correction(corrects: 3, reason: "waste was 0.2 mL", lot: "lot-a", location: "safe", quantityChange: Self.ml("-0.1"))))
                ),
            ]
            var recorded: [LedgerEntry] = []
            for (member, draft) in kinds {
                let entry = try await Self.record(store, draft, by: member)
                #expect(entry.kind == draft.kind)
                #expect(entry.sequence == Int64(recorded.count + 1))
                let event = try #require(try await Self.lastLedgerEvent(store))
                #expect(event.action == "ledger.\(draft.kind.name.rawValue)")
                #expect(event.outcome == .success)
                recorded.append(entry)
            }
            #expect(Set(recorded.map(\.kind.name)) == Set(LedgerEntryKindName.allCases))
            let (stored, check, state) = try await store.database.read { db in
                (
                    try await LedgerRepository.entries(clinicID: clinicID, on: db), try await LedgerRepository.verify(clinicID: clinicID, on: db),
                    try await LedgerRepository.state(clinicID: clinicID, on: db)
                )
            }
            #expect(stored == recorded)
            #expect(check.isValid)
            #expect(check.verifiedCount == 8)
            // 30 in; −1.5 −0.1 −10 (returned) −1 −0.4 −0.1 = 16.9 left; the transfer nets to zero.
            #expect(state.total(of: Self.p50) == Decimal(string: "16.9")!)
            #expect(recorded[1].witness == Self.ben)
            guard case .adjustment(let adjustment) = recorded[6].kind else {
                Issue.record("entry 7 is not the adjustment")
                return
            }
            #expect(adjustment.approvedBy == Self.dan)
        }
    }

    // MARK: - Refusals

    @Test("Bad input is refused with the reason and the refusal is audited (issue #6 'Bad input')")
    func refusalsAreAudited() async throws {
        try await TestStores.each { store in
            let f = try await Self.fixture(store)
            _ = try await Self.record(store, Self.receipt(Self.lot("lot-a"), vials: 1))
            // Received while still in date; it has expired by the time anyone draws from it.
            _ = try await Self.record(
                store, Self.receipt(Self.lot("lot-old", expires: "2025-03-09"), vials: 1, at: Self.now.addingTimeInterval(-30 * 86_400)))
            _ = try await Self.record(
                store, Self.draft(.waste(Waste(lot: "lot-a", location: "safe", container: 1, quantity: Self.ml("0.1"), method: "x")), key: "once"))
            func give(_ drawn: String, lot: LotID = "lot-a") -> LedgerEntryKind {
                .administration(
                    Administration(
                        lot: lot, location: "safe", container: 1, patientID: f.patientID, sessionID: nil, doseOrderID: nil, drawn: Self.ml(drawn),
                        given: Self.ml(drawn), wasted: Self.ml("0")))
            }
            let cases: [(String, LedgerDraft, LedgerError.Kind, String)] = [
                (
                    "zero", Self.draft(.waste(Waste(lot: "lot-a", location: "safe", container: 1, quantity: Self.ml("0"), method: "x"))),
                    .nonPositiveQuantity, "quantity"
                ),
                (
                    "negative", Self.draft(.transfer(Transfer(lot: "lot-a", from: "safe", to: "cabinet", quantity: Self.ml("-1")))),
                    .nonPositiveQuantity, "quantity"
                ),
                ("beyond the vial", Self.draft(give("10.5")), .beyondContainerVolume, "drawn"),
                ("unknown lot", Self.draft(give("1", lot: "lot-nope")), .unknownLot, "lot_id"),
                ("expired lot", Self.draft(give("1", lot: "lot-old")), .expiredLot, "lot_id"),
                // Issue #11: an expired lot is refused at receipt, and an absurd count is refused before any arithmetic.
                ("receipt of an expired lot", Self.receipt(Self.lot("lot-stale", expires: "2025-03-01"), vials: 1), .expiredLot, "expiresOn"),
                ("receipt of 1,001 vials", Self.receipt(Self.lot("lot-huge"), vials: 1_001), .outOfRange, "quantity"),
                (
                    "self-witness",
                    Self.draft(
                        .waste(Waste(lot: "lot-a", location: "safe", container: 1, quantity: Self.ml("1"), method: "x")), witness: Self.sign(Self.amy)
                    ), .selfWitness, "witness"
                ),
                (
                    "wrong witness password",
                    Self.draft(
                        .waste(Waste(lot: "lot-a", location: "safe", container: 1, quantity: Self.ml("1"), method: "x")),
                        witness: Self.sign(Self.ben, "guess-guess-guess")), .witnessNotVerified, "witness_password"
                ),
                (
                    "no witness",
                    Self.draft(.waste(Waste(lot: "lot-a", location: "safe", container: 1, quantity: Self.ml("1"), method: "x")), witness: nil),
                    .witnessRequired, "witness"
                ),
                (
                    "double submission",
                    Self.draft(.waste(Waste(lot: "lot-a", location: "safe", container: 1, quantity: Self.ml("0.1"), method: "x")), key: "once"),
                    .duplicateSubmission, "idempotency_key"
                ),
                ("more than the balance", Self.draft(give("10")), .containerOverdrawn, "drawn"),
            ]
            for (name, draft, kind, field) in cases {
                let error = await #expect(throws: LedgerError.self, "\(name)") { try await Self.record(store, draft) }
                #expect(error?.kind == kind, "\(name): \(String(describing: error))")
                #expect(error?.field == field, "\(name)")
                let event = try #require(try await Self.lastLedgerEvent(store))
                #expect(event.outcome == .failed, "\(name)")
                #expect(event.action == "ledger.\(draft.kind.name.rawValue)", "\(name)")
                #expect(event.detail == "invalid field=\(field)", "\(name)")
            }
            let clinicID = store.clinicID
            let check = try await store.database.read { db in try await LedgerRepository.verify(clinicID: clinicID, on: db) }
            #expect(check.isValid)
            #expect(check.verifiedCount == 3)
        }
    }

    // MARK: - Concurrency

    @Test("40 simultaneous 0.5 mL administrations from one 10 mL vial: exactly 20 succeed, the balance ends at 0, never below")
    func concurrentAdministrations() async throws {
        try await TestStores.each { store in
            let f = try await Self.fixture(store)
            let clinicID = store.clinicID
            _ = try await Self.record(store, Self.receipt(Self.lot("lot-c"), vials: 1))
            let results = await withTaskGroup(of: Result<LedgerEntry, any Error>.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let draft = Self.draft(
                            .administration(
                                Administration(
                                    lot: "lot-c", location: "safe", container: 1, patientID: f.patientID, sessionID: "s-\(index)",
                                    doseOrderID: "o-\(index)", drawn: Self.ml("0.5"), given: Self.ml("0.5"), wasted: Self.ml("0"))),
                            witness: nil)
                        do { return .success(try await Self.record(store, draft)) } catch { return .failure(error) }
                    }
                }
                var all: [Result<LedgerEntry, any Error>] = []
                for await result in group { all.append(result) }
                return all
            }
            let successes = results.compactMap { try? $0.get() }
            let refusals = results.compactMap { result -> LedgerError? in
                if case .failure(let error) = result { return error as? LedgerError }
                return nil
            }
            #expect(successes.count == 20)
            #expect(refusals.count == 20)
            #expect(refusals.allSatisfy { $0.kind == .containerOverdrawn || $0.kind == .negativeBalance })
            let (entries, check, state) = try await store.database.read { db in
                (
                    try await LedgerRepository.entries(clinicID: clinicID, on: db), try await LedgerRepository.verify(clinicID: clinicID, on: db),
                    try await LedgerRepository.state(clinicID: clinicID, on: db)
                )
            }
            #expect(check.isValid, "\(String(describing: check.firstProblem))")
            #expect(check.verifiedCount == 21)
            #expect(state.total(of: Self.p50) == 0)
            let log = LedgerReports.log(
                .all, product: Self.p50, entries: entries, catalog: LedgerRepository.catalog, period: Date.distantPast..<Date.distantFuture)
            #expect(log.rows.allSatisfy { $0.balance >= 0 })
            #expect(log.rows.map(\.balance).last == 0)
        }
    }

    // MARK: - Counts and discrepancies

    @Test("A blind count with a variance opens a discrepancy that compliance resolves with a witnessed adjustment")
    func countOpensDiscrepancyResolvedByAdjustment() async throws {
        try await TestStores.each { store in
            _ = try await Self.fixture(store)
            let clinicID = store.clinicID
            _ = try await Self.record(store, Self.receipt(Self.lot("lot-d"), vials: 1))
            let key = StockKey(product: Self.p50, lot: "lot-d", location: "safe")
            let wrongPassword = await #expect(throws: LedgerError.self) {
                try await Self.verified(store, Self.sign(Self.ben, "nope-nope-nope"), field: "second_counter_password")
            }
            #expect(wrongPassword?.field == "second_counter_password")
            // A signature nobody verified is refused inside the transaction too.
            let unverified = await #expect(throws: LedgerError.self) {
                try await store.database.write { db in
                    try await LedgerRepository.recordCount(
                        lines: [CountLine(key: key, firstCount: Self.ml("9.5"), secondCount: Self.ml("9.5"))], locations: ["safe"],
                        moment: .closeOfBusiness, firstCounter: Self.amy, secondCounter: Self.sign(Self.ben), now: Self.now, clinicID: clinicID,
                        on: db)
                }
            }
            #expect(unverified?.field == "second_counter_password")
            let second = try await Self.verified(store, Self.sign(Self.ben), field: "second_counter_password")
            let stored = try await store.database.write { db in
                try await LedgerRepository.recordCount(
                    lines: [CountLine(key: key, firstCount: Self.ml("9.5"), secondCount: Self.ml("9.5"))], locations: ["safe"],
                    moment: .closeOfBusiness, firstCounter: Self.amy, secondCounter: second, now: Self.now, clinicID: clinicID, on: db)
            }
            let opened = try #require(stored.result.discrepancy)
            #expect(opened.lines.first?.variance == Decimal(string: "-0.5")!)
            let witness = try await Self.verified(store, Self.sign(Self.ben), field: "witness_password")
            func adjustment(approvedBy approver: StaffSignature?) -> LedgerDraft {
                LedgerDraft(
                    occurredAt: Self.now, idempotencyKey: "adj-1", product: Self.p50,
                    kind: .adjustment(
                        Adjustment(
                            lot: "lot-d", location: "safe", quantity: Self.ml("-0.5"), investigationNote: "vial overfill miscount",
                            approvedBy: StaffMember(username: approver?.username ?? "", role: .compliance))),
                    witness: witness, approver: approver
                )
            }
            func resolve(approvedBy approver: StaffSignature?) async throws -> (Discrepancy, LedgerEntry?) {
                let draft = adjustment(approvedBy: approver)
                return try await store.database.write { db in
                    try await LedgerRepository.resolve(
                        discrepancyID: opened.id, note: "miscount at receipt", adjustment: draft, resolver: Self.cat,
                        now: Self.now, timeZone: Self.utc, clinicID: clinicID, on: db)
                }
            }
            // Issue #11: the approver re-enters their password, and is neither the resolver recording the adjustment nor a counter.
            let refusals: [(String, StaffSignature?, LedgerError.Kind, String)] = [
                ("no approver", nil, .missing, "approver"),
                ("an approver nobody verified", Self.sign(Self.dan), .witnessNotVerified, "approver_password"),
                (
                    "the resolver approving", try await Self.verified(store, Self.sign(Self.cat), field: "approver_password"),
                    .approverNotIndependent, "approver"
                ),
                (
                    "the first counter approving", try await Self.verified(store, Self.sign(Self.amy), field: "approver_password"),
                    .approverNotIndependent, "approver"
                ),
                (
                    "the second counter approving", try await Self.verified(store, Self.sign(Self.ben), field: "approver_password"),
                    .approverNotIndependent, "approver"
                ),
            ]
            for (label, approver, kind, field) in refusals {
                let error = await #expect(throws: LedgerError.self, "\(label)") { try await resolve(approvedBy: approver) }
                #expect(error?.kind == kind, "\(label): \(error?.message ?? "")")
                #expect(error?.field == field, "\(label)")
            }
            let stillOpen = try await store.database.read { db in try await LedgerRepository.discrepancy(id: opened.id, clinicID: clinicID, on: db) }
            #expect(stillOpen.isOpen)
            // A nurse may not resolve (DOMAIN policy: compliance approves).
            await #expect(throws: LedgerError.self) {
                try await store.database.write { db in
                    try await LedgerRepository.resolve(
                        discrepancyID: opened.id, note: "found", adjustment: nil, resolver: Self.amy, now: Self.now, timeZone: Self.utc,
                        clinicID: clinicID,
                        on: db)
                }
            }
            let (resolved, entry) = try await resolve(approvedBy: try await Self.verified(store, Self.sign(Self.dan), field: "approver_password"))
            #expect(!resolved.isOpen)
            #expect(entry?.sequence == 2)
            guard case .adjustment(let approved) = entry?.kind else {
                Issue.record("no adjustment entry")
                return
            }
            #expect(approved.approvedBy == Self.dan)
            #expect(approved.discrepancyID == opened.id)
            let (list, state, counts) = try await store.database.read { db in
                (
                    try await LedgerRepository.discrepancies(clinicID: clinicID, on: db),
                    try await LedgerRepository.state(clinicID: clinicID, on: db),
                    try await LedgerRepository.counts(clinicID: clinicID, on: db)
                )
            }
            #expect(list.count == 1)
            #expect(list.first == resolved)
            #expect(state.total(of: Self.p50) == Decimal(string: "9.5")!)
            #expect(counts.count == 1)
            #expect(counts.first?.result == stored.result)
        }
    }

    @Test("An adjustment recorded on its own: the discrepancy it cites must exist and its counters may not approve it (issue #11)")
    func standaloneAdjustmentApprover() async throws {
        try await TestStores.each { store in
            _ = try await Self.fixture(store)
            let clinicID = store.clinicID
            _ = try await Self.record(store, Self.receipt(Self.lot("lot-s"), vials: 1))
            let key = StockKey(product: Self.p50, lot: "lot-s", location: "safe")
            let second = try await Self.verified(store, Self.sign(Self.ben), field: "second_counter_password")
            let stored = try await store.database.write { db in
                try await LedgerRepository.recordCount(
                    lines: [CountLine(key: key, firstCount: Self.ml("9"), secondCount: Self.ml("9"))], locations: ["safe"],
                    moment: .closeOfBusiness, firstCounter: Self.amy, secondCounter: second, now: Self.now, clinicID: clinicID, on: db)
            }
            let opened = try #require(stored.result.discrepancy)
            func adjustment(_ discrepancy: String?, approver: StaffMember, password: String = Self.password) -> LedgerDraft {
                Self.draft(
                    .adjustment(
                        Adjustment(
                            lot: "lot-s", location: "safe", quantity: Self.ml("-1"), investigationNote: "cracked vial", approvedBy: approver,
                            discrepancyID: discrepancy)),
                    witness: Self.sign(Self.ben), approver: Self.sign(approver, password))
            }
            // Recorded by compliance, approved by the nurse who counted first: refused, nothing appended, the refusal audited.
            let counted = await #expect(throws: LedgerError.self) {
                try await Self.record(store, adjustment(opened.id, approver: Self.amy), by: Self.cat)
            }
            #expect(counted?.kind == .approverNotIndependent)
            #expect(counted?.field == "approver")
            let refusal = try #require(try await Self.lastLedgerEvent(store))
            #expect(refusal.action == "ledger.adjustment" && refusal.outcome == .failed)
            let unknown = await #expect(throws: LedgerError.self) {
                try await Self.record(store, adjustment("no-such-case", approver: Self.dan), by: Self.cat)
            }
            #expect(unknown?.kind == .unknownDiscrepancy)
            #expect(unknown?.field == "discrepancy_id")
            // A wrong approver password is refused naming the approver's password and counts toward that account's lockout.
            let wrong = await #expect(throws: LedgerError.self) {
                try await Self.record(store, adjustment(opened.id, approver: Self.dan, password: "guess-guess-guess"), by: Self.cat)
            }
            #expect(wrong?.field == "approver_password")
            let dan = try await store.database.read { db in try await UserRepository.find(username: Self.dan.username, clinicID: clinicID, on: db) }
            #expect(dan?.failedAttempts == 1)
            let balance = try await store.database.read { db in try await LedgerRepository.state(clinicID: clinicID, on: db) }
            #expect(balance.amount(at: key) == 10)
            // A prescriber who did not count approves.
            let entry = try await Self.record(store, adjustment(opened.id, approver: Self.dan), by: Self.cat)
            guard case .adjustment(let approved) = entry.kind else {
                Issue.record("not an adjustment")
                return
            }
            #expect(approved.approvedBy == Self.dan)
            #expect(entry.recordedBy == Self.cat)
            let after = try await store.database.read { db in try await LedgerRepository.state(clinicID: clinicID, on: db) }
            #expect(after.amount(at: key) == 9)
        }
    }

    @Test("verify names the first hand-altered entry")
    func verifyFindsAlteredRow() async throws {
        try await TestStores.each { store in
            _ = try await Self.fixture(store)
            let clinicID = store.clinicID
            _ = try await Self.record(store, Self.receipt(Self.lot("lot-v"), vials: 1))
            _ = try await Self.record(
                store, Self.draft(.waste(Waste(lot: "lot-v", location: "safe", container: 1, quantity: Self.ml("0.5"), method: "x"))))
            _ = try await Self.record(
                store, Self.draft(.waste(Waste(lot: "lot-v", location: "safe", container: 1, quantity: Self.ml("0.5"), method: "x"))))
            try await store.database.write { db in
                try await db.raw(
                    "UPDATE ledger_entries SET entry_json = REPLACE(entry_json, '\"method\":\"x\"', '\"method\":\"y\"') WHERE clinic_id = \(bind: clinicID) AND seq = 2"
                ).run()
            }
            let check = try await store.database.read { db in try await LedgerRepository.verify(clinicID: clinicID, on: db) }
            #expect(check.firstProblem?.sequence == 2)
            #expect(check.verifiedCount == 1)
        }
    }

    // MARK: - Signatures count toward the lockout (issue #11)

    @Test("Wrong witness passwords count toward the witness's lockout although the entry rolls back; a locked witness is refused")
    func witnessFailuresLockTheAccount() async throws {
        try await TestStores.each { store in
            _ = try await Self.fixture(store)
            let clinicID = store.clinicID
            _ = try await Self.record(store, Self.receipt(Self.lot("lot-w"), vials: 1))
            let waste = { (password: String) in
                Self.draft(
                    .waste(Waste(lot: "lot-w", location: "safe", container: 1, quantity: Self.ml("0.1"), method: "x")),
                    witness: Self.sign(Self.ben, password))
            }
            var messages = Set<String>()
            for _ in 0..<SignInPolicy().maxFailedAttempts {
                let error = await #expect(throws: LedgerError.self) { try await Self.record(store, waste("guess-guess-guess")) }
                #expect(error?.kind == .witnessNotVerified)
                #expect(error?.field == "witness_password")
                messages.insert(error?.message ?? "")
            }
            let ben = try await store.database.read { db in try await UserRepository.find(username: Self.ben.username, clinicID: clinicID, on: db) }
            #expect(ben?.failedAttempts == SignInPolicy().maxFailedAttempts)
            #expect((ben?.lockedUntil ?? .distantPast) > Self.now)
            // The right password no longer witnesses while the lock lasts, with the same answer as a wrong one.
            let locked = await #expect(throws: LedgerError.self) { try await Self.record(store, waste(Self.password)) }
            messages.insert(locked?.message ?? "")
            #expect(messages.count == 1)
            let signIn = try await Authenticator(store: store).signIn(
                username: Self.ben.username, password: Self.password, kind: .api, clientAddress: "test", now: Self.now)
            guard case .locked = signIn else {
                Issue.record("ben should be locked out of sign-in too: \(signIn)")
                return
            }
            let failures = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "auth.signature", limit: 100), clinicID: clinicID, on: db)
            }
            #expect(failures.count == SignInPolicy().maxFailedAttempts + 1)
            #expect(failures.allSatisfy { $0.outcome != .success })
        }
    }

    @Test("Unknown, wrong, locked and disabled signers get one identical refusal, before anything about their role")
    func oneRefusalForEverySigner() async throws {
        try await TestStores.each { store in
            _ = try await Self.fixture(store)
            let clinicID = store.clinicID
            let hash = try await Passwords.hash(Self.password)
            try await store.database.write { db in
                for (name, role) in [("dee.desk", Role.frontdesk), ("eve.gone", .nurse), ("fay.locked", .nurse)] {
                    _ = try await UserRepository.create(
                        username: name, displayName: name, role: role, passwordHash: hash, now: Self.now, clinicID: clinicID, on: db)
                }
                _ = try await UserRepository.setDisabled(true, username: "eve.gone", now: Self.now, clinicID: clinicID, on: db)
                try await db.update("users").set("locked_until", to: SQLBind(Timestamps.ms(Self.now.addingTimeInterval(600))))
                    .where("username", .equal, SQLBind("fay.locked")).run()
            }
            let cases: [(String, StaffSignature)] = [
                ("unknown", StaffSignature(username: "nobody.here", password: Self.password)),
                ("wrong password", Self.sign(Self.ben, "guess-guess-guess")),
                ("wrong password, wrong role", StaffSignature(username: "dee.desk", password: "guess-guess-guess")),
                ("disabled, right password", StaffSignature(username: "eve.gone", password: Self.password)),
                ("locked, right password", StaffSignature(username: "fay.locked", password: Self.password)),
            ]
            var answers: Set<String> = []
            for (name, signature) in cases {
                let error = await #expect(throws: LedgerError.self, "\(name)") {
                    try await Self.verified(store, signature, field: "second_counter_password")
                }
                #expect(error?.kind == .witnessNotVerified, "\(name)")
                #expect(error?.field == "second_counter_password", "\(name)")
                answers.insert(error?.message ?? "")
            }
            #expect(answers.count == 1)
            // A verified signature still witnesses exactly as before.
            _ = try await Self.record(store, Self.receipt(Self.lot("lot-ok"), vials: 1))
            let ben = try await store.database.read { db in try await UserRepository.find(username: Self.ben.username, clinicID: clinicID, on: db) }
            #expect(ben?.failedAttempts == 0)
        }
    }
}
