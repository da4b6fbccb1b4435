public import Foundation
public import KetaCareDomain
public import SQLKit
import Synchronization

/// A person's username and the password they have just re-entered: a witness, or the second counter of a blind count.
public struct StaffSignature: Sendable {
    /// Who signs.
    public var username: String
    /// The password they typed at the moment of signing (never stored).
    public var password: String
    /// Set by ``Authenticator/verified(_:field:who:now:)`` once the password was checked (and counted toward the lockout);
    /// the ledger accepts no other signature.
    public internal(set) var verifiedMember: StaffMember?

    /// Creates a signature to verify.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// A ledger entry as submitted, before the ledger gives it a sequence, a witness check and a place in the chain.
public struct LedgerDraft: Sendable {
    /// When it happened (whole milliseconds are kept).
    public var occurredAt: Date
    /// The submission's key: a second submission with the same key is refused.
    public var idempotencyKey: String
    /// The product.
    public var product: ProductID
    /// What happened.
    public var kind: LedgerEntryKind
    /// Free-text remark.
    public var note: String
    /// The witness, when the kind needs one; verified by ``Authenticator/verified(_:field:who:now:)`` before the transaction.
    public var witness: StaffSignature?
    /// The approver of an adjustment (issue #11), verified like the witness; the store puts that account into the adjustment's
    /// `approvedBy`, whatever the draft carried there.
    public var approver: StaffSignature?

    /// Creates a draft.
    public init(
        occurredAt: Date, idempotencyKey: String, product: ProductID, kind: LedgerEntryKind, note: String = "", witness: StaffSignature? = nil,
        approver: StaffSignature? = nil
    ) {
        self.occurredAt = occurredAt
        self.idempotencyKey = idempotencyKey
        self.product = product
        self.kind = kind
        self.note = note
        self.witness = witness
        self.approver = approver
    }
}

/// What `ketacare ledger verify` found: how many entries verified and the first problem, if any.
public struct LedgerCheck: Sendable, Equatable {
    /// Entries that passed every check.
    public let verifiedCount: Int64
    /// The first broken entry, or `nil` when the whole ledger verified.
    public let firstProblem: LedgerChainBreak?

    /// Whether the ledger verified.
    public var isValid: Bool { firstProblem == nil }
}

/// A stored blind count and what comparing it with the ledger found.
public struct StoredCount: Sendable, Equatable {
    /// The count as entered.
    public let count: Count
    /// Every line beside the ledger's balance, and the discrepancy opened (if any).
    public let result: CountResult
}

/// The controlled-substance ledger of one clinic: append-only, hash-chained entries, blind counts and discrepancies.
///
/// Every function takes the caller's `db` so it runs inside the caller's transaction (``Store/audited(_:at:action:resourceType:resourceID:patientID:isRead:_:)``
/// in practice). Products and locations are ``catalog`` (the seed); they are not stored.
public enum LedgerRepository {
    /// Products and locations entries may name.
    public static let catalog = LedgerCatalog.seed

    // MARK: - Appending

    /// Appends one entry inside the caller's transaction and returns it as stored (sequence and hashes filled).
    ///
    /// Steps: take the witness (and, for an adjustment, the approver) verified before the transaction, lock the clinic's
    /// `ledger_head` row (an UPDATE takes the row lock on PostgreSQL; SQLite's write transaction is already exclusive), load
    /// the state at the head, decide with ``LedgerRules/validate(_:state:policy:now:timeZone:counters:)`` (an adjustment for a
    /// discrepancy with that count's two counters), then insert with the next sequence and the SHA-256 chain.
    ///
    /// Sessions: a future sessions module records a dose by calling this from inside its own transaction, after writing the
    /// session record, so both commit together or neither does (issue #6) — a session never shows a dose the ledger lacks.
    /// Any throw (a refusal included) must roll the whole transaction back; `Store.audited` does that and audits the refusal.
    ///
    /// Cost: the state is folded from every entry once per process and then kept in memory keyed by the head's sequence and
    /// hash; each append reads only the entries recorded since (by any instance), so it stays O(new entries).
    public static func append(
        _ draft: LedgerDraft, recordedBy: StaffMember, now: Date, timeZone: TimeZone, clinicID: String, on db: any SQLDatabase
    ) async throws -> LedgerEntry {
        let witness = try await verifiedWitness(draft.witness, clinicID: clinicID, on: db)
        var kind = draft.kind
        var counters: [StaffMember] = []
        if case .adjustment(var adjustment) = draft.kind {
            // Issue #11: the approver is the account that re-entered its password, never a name the recorder typed.
            guard let approver = draft.approver, !approver.username.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw LedgerError(
                    .missing, field: "approver",
                    message: "an adjustment needs an approver (compliance lead or prescriber) who re-enters their own password")
            }
            adjustment.approvedBy = try await verifiedMember(approver, field: "approver_password", clinicID: clinicID, on: db)
            if let id = adjustment.discrepancyID {
                counters = try await Self.counters(ofDiscrepancy: id, clinicID: clinicID, on: db)
            }
            kind = .adjustment(adjustment)
        }
        if case .administration(let a) = kind {
            guard try await PatientRepository.find(id: PatientID(a.patientID), clinicID: clinicID, on: db) != nil else {
                throw LedgerError(.outOfRange, field: "patient_id", message: "no patient '\(a.patientID)' in this clinic")
            }
        }
        let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy.ledger
        let head = try await lockHead(clinicID: clinicID, on: db)
        let state = try await state(atHead: head, clinicID: clinicID, on: db)
        let candidate = LedgerEntry(
            sequence: head.sequence + 1, occurredAt: wholeMilliseconds(draft.occurredAt),
            idempotencyKey: draft.idempotencyKey.trimmingCharacters(in: .whitespaces), product: draft.product, recordedBy: recordedBy,
            witness: witness, kind: kind, note: draft.note.trimmingCharacters(in: .whitespacesAndNewlines), previousHash: head.hash
        )
        let next = try LedgerRules.validate(candidate, state: state, policy: policy, now: now, timeZone: timeZone, counters: counters)
        // What is stored must be exactly what was validated: the JSON round trip is checked, then hashed as it will be read back.
        var entry = try decodeEntry(try encode(candidate))
        guard entry == candidate else {
            throw LedgerError(.outOfRange, field: "quantity", message: "a value cannot be stored exactly; use at most 3 decimal places")
        }
        entry.hash = AuditLog.sha256Hex(entry.chainInput)
        let json = try encode(entry)
        let administration: Administration? = if case .administration(let a) = entry.kind { a } else { nil }
        do {
            try await db.insert(into: "ledger_entries")
                .columns(
                    "clinic_id", "seq", "occurred_at", "recorded_at", "idempotency_key", "product_id", "kind", "lot_id", "patient_id", "session_id",
                    "dose_order_id", "recorded_by", "recorded_by_role", "witness", "witness_role", "entry_json", "prev_hash", "hash"
                )
                .values(
                    SQLBind(clinicID), SQLBind(entry.sequence), SQLBind(Timestamps.ms(entry.occurredAt)), SQLBind(Timestamps.ms(now)),
                    SQLBind(entry.idempotencyKey), SQLBind(entry.product.rawValue), SQLBind(entry.kind.name.rawValue),
                    SQLBind(entry.kind.lot.rawValue), SQLBind(administration?.patientID), SQLBind(administration?.sessionID),
                    SQLBind(administration?.doseOrderID), SQLBind(entry.recordedBy.username), SQLBind(entry.recordedBy.role.rawValue),
                    SQLBind(entry.witness?.username), SQLBind(entry.witness?.role.rawValue), SQLBind(json), SQLBind(entry.previousHash),
                    SQLBind(entry.hash)
                ).run()
        } catch let error where error.isUniqueViolation {
            throw LedgerError(.duplicateSubmission, field: "idempotency_key", message: "this submission was already recorded")
        }
        if case .receipt(let r) = entry.kind {
            try await db.insert(into: "ledger_lots").columns("clinic_id", "id", "lot_number", "product_id", "expires_on", "received_seq")
                .values(
                    SQLBind(clinicID), SQLBind(r.lot.id.rawValue), SQLBind(r.lot.lotNumber), SQLBind(r.lot.product.rawValue),
                    SQLBind(r.lot.expiresOn.description), SQLBind(entry.sequence)
                )
                .ignoringConflicts(with: ["clinic_id", "id"]).run()
        }
        try await db.update("ledger_head").set("seq", to: SQLBind(entry.sequence)).set("hash", to: SQLBind(entry.hash))
            .where("clinic_id", .equal, SQLBind(clinicID)).run()
        remember(next, hash: entry.hash, clinicID: clinicID)
        return entry
    }

    /// The witness of a draft, as verified before the transaction; `nil` when the draft names none.
    ///
    /// The password was checked (bcrypt, counted toward the lockout) by ``Authenticator/verified(_:field:who:now:)`` before the
    /// caller's transaction; here the account is only re-read, in case it was disabled since.
    public static func verifiedWitness(_ signature: StaffSignature?, field: String = "witness_password", clinicID: String, on db: any SQLDatabase)
        async throws -> VerifiedWitness?
    {
        guard let signature, !signature.username.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        let member = try await verifiedMember(signature, field: field, clinicID: clinicID, on: db)
        return try VerifiedWitness(username: member.username, role: member.role, passwordVerified: true)
    }

    /// The staff member of a signature verified before the transaction, or the one generic refusal naming `field`.
    static func verifiedMember(_ signature: StaffSignature, field: String, clinicID: String, on db: any SQLDatabase) async throws -> StaffMember {
        guard let member = signature.verifiedMember,
            let user = try await UserRepository.find(username: member.username, clinicID: clinicID, on: db),
            !user.isDisabled
        else { throw signatureRefused(field: field) }
        return StaffMember(username: user.username, role: user.role)
    }

    /// The one answer to a signature that was not accepted, whether the account is unknown, the password wrong, or the account
    /// locked or disabled: the signer must not learn which, nor anything about the account's role.
    public static func signatureRefused(field: String) -> LedgerError {
        LedgerError(
            .witnessNotVerified, field: field,
            message: "the second person's username or password was not accepted (or the account is locked or disabled); "
                + "they must re-enter their own password at the moment of signing"
        )
    }

    // MARK: - Reading

    /// Every entry in ledger order (optionally only those that occurred in `period`).
    public static func entries(in period: Range<Date>? = nil, clinicID: String, on db: any SQLDatabase) async throws -> [LedgerEntry] {
        let select = db.select().columns("entry_json").from("ledger_entries").where("clinic_id", .equal, SQLBind(clinicID))
        if let period {
            select.where("occurred_at", .greaterThanOrEqual, SQLBind(Timestamps.ms(period.lowerBound)))
                .where("occurred_at", .lessThan, SQLBind(Timestamps.ms(period.upperBound)))
        }
        return try await select.orderBy("seq").all().map { try decodeEntry(try $0.decode(column: "entry_json", as: String.self)) }
    }

    /// The ledger's current state (balances, lots, containers), folded from every entry.
    public static func state(clinicID: String, on db: any SQLDatabase) async throws -> LedgerState {
        let head = try await db.select().columns("seq", "hash").from("ledger_head").where("clinic_id", .equal, SQLBind(clinicID)).first()
        guard let head else { return LedgerState(catalog: catalog) }
        return try await state(
            atHead: (try head.decode(column: "seq", as: Int64.self), try head.decode(column: "hash", as: String.self)), clinicID: clinicID, on: db)
    }

    /// Administrations (the ledger side of reconciliation), in ledger order.
    public static func administrations(clinicID: String, on db: any SQLDatabase) async throws -> [LedgerEntry] {
        try await db.select().columns("entry_json").from("ledger_entries").where("clinic_id", .equal, SQLBind(clinicID))
            .where("kind", .equal, SQLBind(LedgerEntryKindName.administration.rawValue)).orderBy("seq").all()
            .map { try decodeEntry(try $0.decode(column: "entry_json", as: String.self)) }
    }

    /// Checks the chain and the balances of every entry in order, and that the head and indexed columns agree with them.
    public static func verify(clinicID: String, on db: any SQLDatabase) async throws -> LedgerCheck {
        let rows = try await db.select().columns("seq", "kind", "lot_id", "product_id", "entry_json", "prev_hash", "hash").from("ledger_entries")
            .where("clinic_id", .equal, SQLBind(clinicID)).orderBy("seq").all()
        var entries: [LedgerEntry] = []
        var rowProblem: LedgerChainBreak?
        for row in rows {
            let sequence = try row.decode(column: "seq", as: Int64.self)
            guard let entry = try? decodeEntry(try row.decode(column: "entry_json", as: String.self)) else {
                rowProblem = LedgerChainBreak(
                    sequence: sequence, kind: .chain, reason: "the stored entry cannot be read (altered after it was written)")
                break
            }
            let columns = [
                try row.decode(column: "kind", as: String.self), try row.decode(column: "lot_id", as: String.self),
                try row.decode(column: "product_id", as: String.self), try row.decode(column: "prev_hash", as: String.self),
                try row.decode(column: "hash", as: String.self),
            ]
            let columnsAgree =
                entry.sequence == sequence
                && columns == [entry.kind.name.rawValue, entry.kind.lot.rawValue, entry.product.rawValue, entry.previousHash, entry.hash]
            guard columnsAgree else {
                rowProblem = LedgerChainBreak(
                    sequence: sequence, kind: .chain, reason: "its columns disagree with the entry (altered after it was written)")
                break
            }
            entries.append(entry)
        }
        let result = LedgerVerification.verify(entries, catalog: catalog, hash: AuditLog.sha256Hex)
        if let problem = result.firstProblem ?? rowProblem {
            return LedgerCheck(verifiedCount: result.verifiedCount, firstProblem: problem)
        }
        // A deleted tail is invisible to the walk; the head remembers where the chain ended.
        if let headSequence = try await db.select().columns("seq").from("ledger_head").where("clinic_id", .equal, SQLBind(clinicID))
            .first(decodingColumn: "seq", as: Int64.self), headSequence != result.verifiedCount
        {
            return LedgerCheck(
                verifiedCount: result.verifiedCount,
                firstProblem: LedgerChainBreak(
                    sequence: result.verifiedCount + 1, kind: .chain,
                    reason: "the ledger head says \(headSequence) entries but \(result.verifiedCount) are stored")
            )
        }
        return LedgerCheck(verifiedCount: result.verifiedCount, firstProblem: nil)
    }

    // MARK: - Counts and discrepancies

    /// Records a blind count by the signed-in `firstCounter` and a second counter who re-enters their password, compares it
    /// with the ledger at the head (locked, so no entry slips in between) and opens a discrepancy when anything differs.
    public static func recordCount(
        lines: [CountLine], locations: [LocationID], moment: BusinessMoment, firstCounter: StaffMember, secondCounter: StaffSignature,
        now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> StoredCount {
        let second = try await verifiedMember(secondCounter, field: "second_counter_password", clinicID: clinicID, on: db)
        let head = try await lockHead(clinicID: clinicID, on: db)
        let state = try await state(atHead: head, clinicID: clinicID, on: db)
        let count = Count(
            id: UUID().uuidString.lowercased(), takenAt: wholeMilliseconds(now), moment: moment, firstCounter: firstCounter,
            secondCounter: second, locations: locations, lines: lines
        )
        let result = try count.compare(with: state, discrepancyID: UUID().uuidString.lowercased())
        try await db.insert(into: "ledger_counts")
            .columns("id", "clinic_id", "taken_at", "moment", "first_counter", "second_counter", "count_json", "result_json", "discrepancy_id")
            .values(
                SQLBind(count.id), SQLBind(clinicID), SQLBind(Timestamps.ms(count.takenAt)), SQLBind(moment.rawValue),
                SQLBind(firstCounter.username), SQLBind(second.username), SQLBind(try encode(count)), SQLBind(try encode(result)),
                SQLBind(result.discrepancy?.id)
            ).run()
        if let discrepancy = result.discrepancy {
            try await db.insert(into: "ledger_discrepancies").columns("id", "clinic_id", "count_id", "opened_at", "lines_json", "is_open")
                .values(
                    SQLBind(discrepancy.id), SQLBind(clinicID), SQLBind(count.id), SQLBind(Timestamps.ms(discrepancy.openedAt)),
                    SQLBind(try encode(discrepancy.lines)), SQLBind(Int64(1))
                ).run()
        }
        return StoredCount(count: count, result: result)
    }

    /// Recent counts, newest first.
    public static func counts(limit: Int = 50, clinicID: String, on db: any SQLDatabase) async throws -> [StoredCount] {
        try await db.select().columns("count_json", "result_json").from("ledger_counts").where("clinic_id", .equal, SQLBind(clinicID))
            .orderBy("taken_at", .descending).limit(limit).all()
            .map { row in
                StoredCount(
                    count: try decoder.decode(Count.self, from: Data(try row.decode(column: "count_json", as: String.self).utf8)),
                    result: try decoder.decode(CountResult.self, from: Data(try row.decode(column: "result_json", as: String.self).utf8))
                )
            }
    }

    /// Discrepancies, open ones first, then newest first.
    public static func discrepancies(includeResolved: Bool = true, clinicID: String, on db: any SQLDatabase) async throws -> [Discrepancy] {
        let select = db.select().column("*").from("ledger_discrepancies").where("clinic_id", .equal, SQLBind(clinicID))
        if !includeResolved { select.where("is_open", .equal, SQLBind(Int64(1))) }
        return try await select.orderBy("is_open", .descending).orderBy("opened_at", .descending).limit(200).all().map(decodeDiscrepancy)
    }

    /// The first and second counter of the blind count that opened discrepancy `id`; a discrepancy this clinic does not have is
    /// refused naming `discrepancy_id` (an adjustment cannot cite a case that does not exist).
    static func counters(ofDiscrepancy id: String, clinicID: String, on db: any SQLDatabase) async throws -> [StaffMember] {
        guard
            let countID = try await db.select().columns("count_id").from("ledger_discrepancies").where("clinic_id", .equal, SQLBind(clinicID))
                .where("id", .equal, SQLBind(id)).first(decodingColumn: "count_id", as: String.self)
        else {
            throw LedgerError(.unknownDiscrepancy, field: "discrepancy_id", message: "no discrepancy '\(id)' in this clinic's ledger")
        }
        guard
            let json = try await db.select().columns("count_json").from("ledger_counts").where("clinic_id", .equal, SQLBind(clinicID))
                .where("id", .equal, SQLBind(countID)).first(decodingColumn: "count_json", as: String.self)
        else { return [] }
        let count = try decoder.decode(Count.self, from: Data(json.utf8))
        return [count.firstCounter, count.secondCounter]
    }

    /// One discrepancy, or ``StoreError/notFound(resource:)``.
    public static func discrepancy(id: String, clinicID: String, on db: any SQLDatabase) async throws -> Discrepancy {
        guard
            let row = try await db.select().column("*").from("ledger_discrepancies").where("clinic_id", .equal, SQLBind(clinicID))
                .where("id", .equal, SQLBind(id)).first()
        else { throw StoreError.notFound(resource: "discrepancy") }
        return try decodeDiscrepancy(row)
    }

    /// Resolves an open discrepancy with the investigation's note and, when the balance must change, an adjustment entry the
    /// resolver records (a witness and an independent approver re-enter their passwords) — all in the caller's transaction.
    public static func resolve(
        discrepancyID: String, note: String, adjustment: LedgerDraft?, resolver: StaffMember, now: Date, timeZone: TimeZone, clinicID: String,
        on db: any SQLDatabase
    ) async throws -> (Discrepancy, LedgerEntry?) {
        let current = try await discrepancy(id: discrepancyID, clinicID: clinicID, on: db)
        let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy.ledger
        // Refuse a resolved case or a resolver without the role before anything is appended.
        _ = try current.resolved(note: note, adjustment: nil, by: resolver, at: now, policy: policy)
        var entry: LedgerEntry?
        if var adjustment {
            // The adjustment names the case it resolves, so its approver is checked against this count's counters.
            if case .adjustment(var details) = adjustment.kind, details.discrepancyID == nil {
                details.discrepancyID = discrepancyID
                adjustment.kind = .adjustment(details)
            }
            entry = try await append(adjustment, recordedBy: resolver, now: now, timeZone: timeZone, clinicID: clinicID, on: db)
        }
        let resolved = try current.resolved(note: note, adjustment: entry, by: resolver, at: now, policy: policy)
        guard case .resolved(let resolution) = resolved.status else { return (resolved, entry) }
        try await db.update("ledger_discrepancies").set("is_open", to: SQLBind(Int64(0))).set("resolution_note", to: SQLBind(resolution.note))
            .set("resolved_by", to: SQLBind(resolver.username)).set("resolved_by_role", to: SQLBind(resolver.role.rawValue))
            .set("resolved_at", to: SQLBind(Timestamps.ms(now))).set("adjustment_seq", to: SQLBind(resolution.adjustmentSequence))
            .where("clinic_id", .equal, SQLBind(clinicID)).where("id", .equal, SQLBind(discrepancyID)).where("is_open", .equal, SQLBind(Int64(1)))
            .run()
        return (resolved, entry)
    }

    // MARK: - Private

    /// The instant truncated to whole milliseconds (what is stored); truncated, not rounded, so "now" never becomes the future.
    private static func wholeMilliseconds(_ date: Date) -> Date {
        Timestamps.date(AuditEvent.milliseconds(date, rounding: .down))
    }

    private static func lockHead(clinicID: String, on db: any SQLDatabase) async throws -> (sequence: Int64, hash: String) {
        try await db.insert(into: "ledger_head").columns("clinic_id", "seq", "hash")
            .values(SQLBind(clinicID), SQLBind(Int64(0)), SQLBind(LedgerEntry.genesisHash))
            .ignoringConflicts(with: ["clinic_id"]).run()
        try await db.update("ledger_head").set(SQLColumn("seq"), to: SQLColumn("seq")).where("clinic_id", .equal, SQLBind(clinicID)).run()
        guard let row = try await db.select().columns("seq", "hash").from("ledger_head").where("clinic_id", .equal, SQLBind(clinicID)).first()
        else { throw MigrationError(description: "clinic \(clinicID) has no ledger head; run `ketacare migrate`") }
        return (try row.decode(column: "seq", as: Int64.self), try row.decode(column: "hash", as: String.self))
    }

    /// States already folded, per clinic, with the hash of their last entry: a state is reused only when that entry is still
    /// stored with that hash (a rolled-back append leaves a state the database never saw, which this check discards).
    private static let cache = Mutex<[String: (state: LedgerState, hash: String)]>([:])

    private static func remember(_ state: LedgerState, hash: String, clinicID: String) {
        cache.withLock { $0[clinicID] = (state, hash) }
    }

    private static func state(atHead head: (sequence: Int64, hash: String), clinicID: String, on db: any SQLDatabase) async throws -> LedgerState {
        var state = LedgerState(catalog: catalog)
        if let cached = cache.withLock({ $0[clinicID] }), cached.state.lastSequence <= head.sequence {
            if cached.state.lastSequence == head.sequence, cached.hash == head.hash { return cached.state }
            let stored = try await db.select().columns("hash").from("ledger_entries").where("clinic_id", .equal, SQLBind(clinicID))
                .where("seq", .equal, SQLBind(cached.state.lastSequence)).first(decodingColumn: "hash", as: String.self)
            if stored == cached.hash { state = cached.state }
        }
        let rows = try await db.select().columns("entry_json").from("ledger_entries").where("clinic_id", .equal, SQLBind(clinicID))
            .where("seq", .greaterThan, SQLBind(state.lastSequence)).orderBy("seq").all()
        for row in rows {
            // Stored entries passed the rules when written; replay checks the invariants again (a tampered row is refused here).
            try state.record(try decodeEntry(try row.decode(column: "entry_json", as: String.self)))
        }
        if state.lastSequence == head.sequence { remember(state, hash: head.hash, clinicID: clinicID) }
        return state
    }

    // Instants are stored as whole milliseconds (integers), so a round trip gives back the identical `Date`.
    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in Timestamps.date(try decoder.singleValueContainer().decode(Int64.self)) }
        return decoder
    }

    private static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamps.ms(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeEntry(_ json: String) throws -> LedgerEntry {
        try decoder.decode(LedgerEntry.self, from: Data(json.utf8))
    }

    private static func decodeDiscrepancy(_ row: any SQLRow) throws -> Discrepancy {
        let lines = try decoder.decode([CountComparison].self, from: Data(try row.decode(column: "lines_json", as: String.self).utf8))
        var status = Discrepancy.Status.open
        if try row.decode(column: "is_open", as: Int64.self) == 0 {
            status = .resolved(
                DiscrepancyResolution(
                    note: try row.decode(column: "resolution_note", as: String?.self) ?? "",
                    adjustmentSequence: try row.decode(column: "adjustment_seq", as: Int64?.self),
                    resolvedBy: StaffMember(
                        username: try row.decode(column: "resolved_by", as: String?.self) ?? "",
                        role: Role(rawValue: try row.decode(column: "resolved_by_role", as: String?.self) ?? "") ?? .compliance),
                    resolvedAt: Timestamps.date(try row.decode(column: "resolved_at", as: Int64?.self) ?? 0)
                ))
        }
        return Discrepancy(
            id: try row.decode(column: "id", as: String.self), countID: try row.decode(column: "count_id", as: String.self),
            openedAt: Timestamps.date(try row.decode(column: "opened_at", as: Int64.self)), lines: lines, status: status
        )
    }
}

extension Store {
    /// Appends a ledger entry in its own transaction with its audit event; a refusal is audited with the field at fault.
    ///
    /// The audit action is `ledger.<kind>`; administrations carry the patient on the event.
    public func recordLedgerEntry(
        _ draft: LedgerDraft, recordedBy: StaffMember, who: AuditContext, now: Date, timeZone: TimeZone
    ) async throws -> LedgerEntry {
        let clinicID = clinicID
        let patient: String? = if case .administration(let a) = draft.kind { a.patientID } else { nil }
        let signed = try await Authenticator(store: self).verifiedSignatures(of: draft, who: who, now: now)
        return try await audited(
            who, at: now, action: "ledger.\(draft.kind.name.rawValue)", resourceType: "ledger_entry", resourceID: draft.idempotencyKey,
            patientID: patient
        ) { db in
            let entry = try await LedgerRepository.append(signed, recordedBy: recordedBy, now: now, timeZone: timeZone, clinicID: clinicID, on: db)
            return Audited(
                entry, resourceID: String(entry.sequence), patientID: patient,
                detail: "product=\(entry.product) lot=\(entry.kind.lot) change=\(entry.kind.netChange) witness=\(entry.witness?.username ?? "-")"
            )
        }
    }
}
