import Crypto
public import Foundation
import KetaCareDomain
import SQLKit

/// One released schema step. Never edit a released step: add a new one (the runner refuses a changed checksum).
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: @Sendable (DatabaseKind) -> [String]
}

/// A migration whose stored checksum no longer matches the code: someone edited a released step.
public struct MigrationError: Error, CustomStringConvertible {
    public let description: String
}

/// Applies the ordered migrations not yet recorded in `schema_migrations`, each in its own transaction.
public enum Migrator {
    /// The newest schema version this build knows.
    public static var latestVersion: Int { Schema.migrations.last?.version ?? 0 }

    /// Brings the schema up to date; returns the versions it applied (empty when already current).
    @discardableResult
    public static func migrate(_ database: KetaCareDatabase, now: Date = Date()) async throws -> [Int] {
        let kind = database.kind
        try await database.write { db in
            if kind == .postgres {
                // Several instances may start together: CREATE TABLE IF NOT EXISTS is not race-free on PostgreSQL.
                try await db.raw("SELECT pg_advisory_xact_lock(7285001)").run()
            }
            try await db.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """
            ).run()
        }
        var applied: [Int] = []
        for migration in Schema.migrations {
            let checksum = checksum(of: migration.statements(kind))
            let didApply = try await database.write { db -> Bool in
                if kind == .postgres {
                    // Several instances may start together: one migrates, the others wait and then see it done.
                    try await db.raw("SELECT pg_advisory_xact_lock(7285001)").run()
                }
                let stored = try await db.select().column("checksum").from("schema_migrations")
                    .where("version", .equal, SQLBind(Int64(migration.version)))
                    .first(decodingColumn: "checksum", as: String.self)
                if let stored {
                    guard stored == checksum else {
                        throw MigrationError(
                            description:
                                "migration \(migration.version) (\(migration.name)) was edited after release; restore it and add a new migration"
                        )
                    }
                    return false
                }
                for statement in migration.statements(kind) {
                    try await db.raw("\(unsafeRaw: statement)").run()
                }
                try await db.insert(into: "schema_migrations")
                    .columns("version", "name", "checksum", "applied_at")
                    .values(SQLBind(Int64(migration.version)), SQLBind(migration.name), SQLBind(checksum), SQLBind(Timestamps.ms(now)))
                    .run()
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }

    /// The versions recorded as applied, oldest first.
    public static func appliedVersions(_ database: KetaCareDatabase) async throws -> [Int] {
        try await database.read { db in
            try await db.select().column("version").from("schema_migrations").orderBy("version")
                .all(decodingColumn: "version", as: Int64.self).map { Int($0) }
        }
    }

    private static func checksum(of statements: [String]) -> String {
        let digest = SHA256.hash(data: Data(statements.joined(separator: ";\n").utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// Millisecond timestamps: the stored form of every instant, identical on SQLite and PostgreSQL.
public enum Timestamps {
    /// Milliseconds since 1970 for `date`.
    public static func ms(_ date: Date) -> Int64 {
        AuditEvent.milliseconds(date)
    }

    /// The instant `ms` milliseconds after 1970.
    public static func date(_ ms: Int64) -> Date {
        Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}
