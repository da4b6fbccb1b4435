public import Foundation
public import KetaCareDomain
import Logging
public import SQLKit
import Synchronization

/// Errors of storage that a person can act on; the web layer maps them to 404/409.
public enum StoreError: Error, Sendable, Equatable {
    /// No such record (or not in this clinic).
    case notFound(resource: String)
    /// Someone else saved the record first; the edit was based on an older version.
    case versionConflict(changedBy: String, changedAt: Date, currentVersion: Int)
    /// A value that must be unique is taken (an MRN, a username).
    case duplicate(field: String, message: String)
}

/// What a successful audited operation returns: its value and the facts for its audit event.
public struct Audited<Value: Sendable>: Sendable {
    public let value: Value
    public let resourceID: String
    public let patientID: String?
    public let detail: String

    /// Pairs a value with the record it touched.
    public init(_ value: Value, resourceID: String, patientID: String? = nil, detail: String = "") {
        self.value = value
        self.resourceID = resourceID
        self.patientID = patientID
        self.detail = detail
    }
}

/// The clinic's storage: the database plus the clinic every row belongs to.
public struct Store: Sendable {
    public let database: KetaCareDatabase
    public let clinicID: String

    /// Wraps an open database for one clinic.
    public init(database: KetaCareDatabase, clinicID: String = "main") {
        self.database = database
        self.clinicID = clinicID
    }

    /// Runs `body` in one transaction with its audit event; a failure leaves nothing but an audit event of the attempt.
    ///
    /// This is the single path for writes and for reads of patient data (ARCHITECTURE.md: audit with the write). Pass
    /// `isRead` when `body` only reads: see ``KetaCareDatabase/write(relaxedDurability:_:)``.
    public func audited<T: Sendable>(
        _ who: AuditContext,
        at now: Date,
        action: String,
        resourceType: String,
        resourceID: String = "-",
        patientID: String? = nil,
        isRead: Bool = false,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Audited<T>
    ) async throws -> T {
        let clinicID = clinicID
        do {
            return try await database.write(relaxedDurability: isRead) { db in
                let result = try await body(db)
                let event = AuditEvent(
                    occurredAt: now, actor: who.actor, role: who.role, action: action, resourceType: resourceType,
                    resourceID: result.resourceID, patientID: result.patientID ?? patientID, clientAddress: who.clientAddress,
                    outcome: .success, detail: result.detail
                )
                try await AuditLog.append([event], clinicID: clinicID, on: db)
                return result.value
            }
        } catch {
            let (outcome, detail) = Store.classify(error)
            let event = AuditEvent(
                occurredAt: now, actor: who.actor, role: who.role, action: action, resourceType: resourceType, resourceID: resourceID,
                patientID: patientID, clientAddress: who.clientAddress, outcome: outcome, detail: detail
            )
            try? await database.write { db in try await AuditLog.append([event], clinicID: clinicID, on: db) }
            throw error
        }
    }

    /// Records an event in its own transaction: an attempt that never reached storage (a role refused, a malformed body), or a
    /// command-line operation with nothing else to write (demo seeding, export, backup).
    public func recordEvent(
        _ who: AuditContext, at now: Date, action: String, resourceType: String, resourceID: String = "-", patientID: String? = nil,
        outcome: AuditOutcome, detail: String
    ) async throws {
        let clinicID = clinicID
        let event = AuditEvent(
            occurredAt: now, actor: who.actor, role: who.role, action: action, resourceType: resourceType, resourceID: resourceID,
            patientID: patientID, clientAddress: who.clientAddress, outcome: outcome, detail: detail
        )
        try await database.write { db in try await AuditLog.append([event], clinicID: clinicID, on: db) }
    }

    /// Audit outcome and detail for an error: the field name or the kind of failure, never the clinical value.
    static func classify(_ error: any Error) -> (AuditOutcome, String) {
        switch error {
        case let fieldError as any FieldNamingError: (.failed, "invalid field=\(fieldError.field)")
        case StoreError.notFound: (.failed, "not found")
        case StoreError.versionConflict(_, _, let version): (.failed, "version conflict current=\(version)")
        case StoreError.duplicate(let field, _): (.failed, "duplicate field=\(field)")
        case is SelfReportLinkConflict: (.failed, "link step already submitted")
        default: (.failed, "error")
        }
    }

    /// Creates the clinic, its audit chain head and its seed policy when missing; idempotent.
    public func ensureClinic(name: String, now: Date) async throws {
        let clinicID = clinicID
        try await database.write { db in
            let exists = try await db.select().column("id").from("clinics").where("id", .equal, SQLBind(clinicID)).first() != nil
            guard !exists else { return }
            try await db.insert(into: "clinics").columns("id", "name", "created_at")
                .values(SQLBind(clinicID), SQLBind(name), SQLBind(Timestamps.ms(now))).run()
            try await db.insert(into: "audit_head").columns("clinic_id", "seq", "hash")
                .values(SQLBind(clinicID), SQLBind(Int64(0)), SQLBind(AuditEvent.genesisHash)).run()
            try await PolicyRepository.save(
                ClinicPolicy.seed, reason: "seed values from DOMAIN.md", by: "system", now: now, clinicID: clinicID, on: db
            )
            let event = AuditEvent(
                occurredAt: now, actor: "system", role: "system", action: "clinic.create", resourceType: "clinic", resourceID: clinicID,
                patientID: nil, clientAddress: "local", outcome: .success, detail: ""
            )
            try await AuditLog.append([event], clinicID: clinicID, on: db)
        }
    }

    /// The clinic's display name, if the clinic exists.
    public func clinicName() async throws -> String? {
        let clinicID = clinicID
        return try await database.read { db in
            try await db.select().column("name").from("clinics").where("id", .equal, SQLBind(clinicID))
                .first(decodingColumn: "name", as: String.self)
        }
    }
}

/// The clinic's versioned policy documents.
public enum PolicyRepository {
    /// Stores `policy` as the next version.
    public static func save(_ policy: ClinicPolicy, reason: String, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase)
        async throws
    {
        let latest =
            try await db.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "v").from("clinic_policies")
            .where("clinic_id", .equal, SQLBind(clinicID)).first(decodingColumn: "v", as: Int64?.self) ?? nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(policy), as: UTF8.self)
        try await db.insert(into: "clinic_policies").columns("clinic_id", "version", "policy_json", "reason", "created_by", "created_at")
            .values(SQLBind(clinicID), SQLBind((latest ?? 0) + 1), SQLBind(json), SQLBind(reason), SQLBind(actor), SQLBind(Timestamps.ms(now)))
            .run()
    }

    /// The clinic's current policy (the seed when none is stored) and its version.
    ///
    /// Versions are immutable, so a decoded version is kept in memory: each call reads only the latest version number and
    /// its save time (an index lookup) and decodes the document only when another instance or an admin has saved a new one.
    /// The save time is part of the key so that two databases in one process (the test suite's copies of one clinic) never
    /// answer with each other's version of the same number.
    public static func current(clinicID: String, on db: any SQLDatabase) async throws -> (policy: ClinicPolicy, version: Int) {
        guard
            let row = try await db.select().column("version").column("created_at").from("clinic_policies")
                .where("clinic_id", .equal, SQLBind(clinicID)).orderBy("version", .descending).limit(1).first()
        else { return (ClinicPolicy.seed, 0) }
        let latest = try row.decode(column: "version", as: Int64.self)
        let savedAt = try row.decode(column: "created_at", as: Int64.self)
        let version = Int(latest)
        if let cached = cache.withLock({ $0[clinicID] }), cached.version == version, cached.savedAt == savedAt {
            return (cached.policy, cached.version)
        }
        guard
            let json = try await db.select().column("policy_json").from("clinic_policies").where("clinic_id", .equal, SQLBind(clinicID))
                .where("version", .equal, SQLBind(latest)).first(decodingColumn: "policy_json", as: String.self)
        else { return (ClinicPolicy.seed, 0) }
        let policy = try JSONDecoder().decode(ClinicPolicy.self, from: Data(json.utf8))
        cache.withLock { $0[clinicID] = (policy, version, savedAt) }
        return (policy, version)
    }

    private static let cache = Mutex<[String: (policy: ClinicPolicy, version: Int, savedAt: Int64)]>([:])

    /// One stored version's facts.
    public struct VersionInfo: Sendable {
        public let version: Int
        public let reason: String
        public let createdBy: String
        public let createdAt: Date
    }

    /// The version history, newest first.
    public static func history(clinicID: String, on db: any SQLDatabase) async throws -> [VersionInfo] {
        try await db.select().columns("version", "reason", "created_by", "created_at").from("clinic_policies")
            .where("clinic_id", .equal, SQLBind(clinicID)).orderBy("version", .descending).limit(100).all()
            .map { row in
                VersionInfo(
                    version: Int(try row.decode(column: "version", as: Int64.self)), reason: try row.decode(column: "reason", as: String.self),
                    createdBy: try row.decode(column: "created_by", as: String.self),
                    createdAt: Timestamps.date(try row.decode(column: "created_at", as: Int64.self))
                )
            }
    }
}

extension Error {
    /// Whether the database refused a row for breaking a unique index (SQLite or PostgreSQL wording).
    var isUniqueViolation: Bool {
        let text = String(reflecting: self)
        return text.contains("UNIQUE constraint failed") || text.contains("23505") || text.contains("duplicate key")
    }
}
