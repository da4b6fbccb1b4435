import Crypto
public import Foundation
public import KetaCareDomain
public import SQLKit

/// Who is acting and from where: stamped on every audit event a request writes.
public struct AuditContext: Sendable {
    public let actor: String
    public let role: String
    public let clientAddress: String

    /// Creates a context for one request or command.
    public init(actor: String, role: String, clientAddress: String) {
        self.actor = actor
        self.role = role
        self.clientAddress = clientAddress
    }

    /// The context of the command-line tool run on the server itself.
    public static func commandLine(_ action: String = "cli") -> AuditContext {
        AuditContext(actor: "system:\(action)", role: "system", clientAddress: "local")
    }
}

/// Filters for reading the audit trail.
public struct AuditQuery: Sendable {
    public var patientID: String?
    public var actor: String?
    /// An action name or a dotted prefix (`patient.` matches every patient action).
    public var action: String?
    public var from: Date?
    public var to: Date?
    /// Only events before this sequence number (paging backwards, newest first).
    public var beforeSequence: Int64?
    public var limit: Int

    /// Creates a query; every filter is optional.
    public init(
        patientID: String? = nil, actor: String? = nil, action: String? = nil, from: Date? = nil, to: Date? = nil,
        beforeSequence: Int64? = nil, limit: Int = 100
    ) {
        self.patientID = patientID
        self.actor = actor
        self.action = action
        self.from = from
        self.to = to
        self.beforeSequence = beforeSequence
        self.limit = limit
    }
}

/// The append-only, hash-chained audit trail. There is deliberately no update or delete here.
public enum AuditLog {
    /// SHA-256 of `text` as lower-case hex: the chain's hash function.
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Appends `events` to the clinic's chain inside the caller's transaction.
    ///
    /// The chain head row is locked first (an UPDATE takes the row lock on PostgreSQL; SQLite's write transaction
    /// is already exclusive), so concurrent instances append one after another and the chain never forks.
    public static func append(_ events: [AuditEvent], clinicID: String, on db: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        // One round trip locks the head row and reads it (UPDATE … RETURNING, on SQLite ≥ 3.35 and PostgreSQL alike).
        guard
            let head = try await db.update("audit_head").set(SQLColumn("seq"), to: SQLColumn("seq"))
                .where("clinic_id", .equal, SQLBind(clinicID)).returning("seq", "hash").first()
        else {
            throw MigrationError(description: "clinic \(clinicID) has no audit chain head; run `ketacare migrate`")
        }
        var sequence = try head.decode(column: "seq", as: Int64.self)
        var previous = try head.decode(column: "hash", as: String.self)
        // One INSERT per 1,000 events (SQLite allows 32,766 parameters; 14 per row).
        for start in stride(from: 0, to: events.count, by: 1_000) {
            let insert = db.insert(into: "audit_events")
                .columns(
                    "clinic_id", "seq", "occurred_at", "actor", "role", "action", "resource_type", "resource_id", "patient_id",
                    "client_address", "outcome", "detail", "prev_hash", "hash"
                )
            for var event in events[start..<min(start + 1_000, events.count)] {
                sequence += 1
                event.sequence = sequence
                event.previousHash = previous
                event.hash = sha256Hex(event.chainInput(clinicID: clinicID))
                insert.values(
                    SQLBind(clinicID), SQLBind(sequence), SQLBind(AuditEvent.milliseconds(event.occurredAt)), SQLBind(event.actor),
                    SQLBind(event.role), SQLBind(event.action), SQLBind(event.resourceType), SQLBind(event.resourceID),
                    SQLBind(event.patientID), SQLBind(event.clientAddress), SQLBind(event.outcome.rawValue), SQLBind(event.detail),
                    SQLBind(event.previousHash), SQLBind(event.hash)
                )
                previous = event.hash
            }
            try await insert.run()
        }
        try await db.update("audit_head").set("seq", to: SQLBind(sequence)).set("hash", to: SQLBind(previous))
            .where("clinic_id", .equal, SQLBind(clinicID)).run()
    }

    /// Events matching `query`, newest first.
    public static func events(_ query: AuditQuery, clinicID: String, on db: any SQLDatabase) async throws -> [AuditEvent] {
        let select = db.select().column("*").from("audit_events").where("clinic_id", .equal, SQLBind(clinicID))
        if let patientID = query.patientID { select.where("patient_id", .equal, SQLBind(patientID)) }
        if let actor = query.actor { select.where("actor", .equal, SQLBind(actor)) }
        if let action = query.action, !action.isEmpty {
            if action.hasSuffix(".") {
                select.where("action", .greaterThanOrEqual, SQLBind(action))
                    .where("action", .lessThan, SQLBind(SearchKey.upperBound(ofPrefix: action)))
            } else {
                select.where("action", .equal, SQLBind(action))
            }
        }
        if let from = query.from { select.where("occurred_at", .greaterThanOrEqual, SQLBind(Timestamps.ms(from))) }
        if let to = query.to { select.where("occurred_at", .lessThan, SQLBind(Timestamps.ms(to))) }
        if let before = query.beforeSequence { select.where("seq", .lessThan, SQLBind(before)) }
        return try await select.orderBy("seq", .descending).limit(max(1, min(query.limit, 1000))).all().map(decode)
    }

    /// Recomputes the whole chain of one clinic in order; returns how many events verified, or throws the first break.
    public static func verify(
        clinicID: String,
        database: KetaCareDatabase,
        progress: @Sendable (Int64, Int64) -> Void = { _, _ in }
    ) async throws -> Int64 {
        let total = try await database.read { db in
            try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("audit_events")
                .where("clinic_id", .equal, SQLBind(clinicID)).first(decodingColumn: "n", as: Int64.self) ?? 0
        }
        var verifier = AuditChainVerifier(clinicID: clinicID, hash: sha256Hex)
        var after: Int64 = 0
        while true {
            let page = try await database.read { [after] db in
                try await db.select().column("*").from("audit_events").where("clinic_id", .equal, SQLBind(clinicID))
                    .where("seq", .greaterThan, SQLBind(after)).orderBy("seq").limit(5000).all().map(decode)
            }
            guard let last = page.last else { break }
            for event in page { try verifier.check(event) }
            after = last.sequence
            progress(verifier.verifiedCount, total)
        }
        // A deleted tail is invisible to the walk above; the head remembers where the chain ended.
        let head = try await database.read { db in
            try await db.select().columns("seq", "hash").from("audit_head").where("clinic_id", .equal, SQLBind(clinicID)).first()
        }
        if let head {
            let headSequence = try head.decode(column: "seq", as: Int64.self)
            guard headSequence == verifier.verifiedCount else {
                throw AuditChainBreak(
                    sequence: verifier.verifiedCount + 1, reason: "chain head says \(headSequence) events but \(verifier.verifiedCount) are stored")
            }
            // A tail rewritten with a consistent chain of its own still ends on another hash than the head remembers.
            guard try head.decode(column: "hash", as: String.self) == verifier.lastHash else {
                throw AuditChainBreak(
                    sequence: verifier.verifiedCount, reason: "the last event's hash is not the one the chain head recorded (the tail was rewritten)")
            }
        }
        return verifier.verifiedCount
    }

    static func decode(_ row: any SQLRow) throws -> AuditEvent {
        AuditEvent(
            sequence: try row.decode(column: "seq", as: Int64.self),
            occurredAt: Timestamps.date(try row.decode(column: "occurred_at", as: Int64.self)),
            actor: try row.decode(column: "actor", as: String.self),
            role: try row.decode(column: "role", as: String.self),
            action: try row.decode(column: "action", as: String.self),
            resourceType: try row.decode(column: "resource_type", as: String.self),
            resourceID: try row.decode(column: "resource_id", as: String.self),
            patientID: try row.decode(column: "patient_id", as: String?.self),
            clientAddress: try row.decode(column: "client_address", as: String.self),
            outcome: AuditOutcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .failed,
            detail: try row.decode(column: "detail", as: String.self),
            previousHash: try row.decode(column: "prev_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self)
        )
    }
}
