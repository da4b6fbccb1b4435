import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore
import Logging
import SQLKit

/// `ketacare restore`: puts a `ketacare backup` SQLite file back in place, only after it passes its integrity check and, for
/// every clinic in it, the audit-chain and ledger checks (issue #11: a backup that cannot be trusted is never restored).
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a SQLite backup made by `ketacare backup`, after checking its integrity, audit chain and ledger.",
        discussion: """
            Stop the server first. The target is --database (default ./ketacare.sqlite); an existing database is replaced only with \
            --force. PostgreSQL backups are pg_dump custom-format files: restore them with pg_restore into an empty database.
            """
    )

    @OptionGroup var db: DatabaseOptions
    @Option(name: .customLong("from"), help: "The backup file written by `ketacare backup`.") var from: String
    @Flag(help: "Replace an existing database at the target path.") var force = false

    func run() async throws {
        KetaCareCommand.bootstrapLogging()
        try await runReportingFailures {
            guard case .sqlite(let target) = db.location else {
                throw Fatal(
                    "restore writes SQLite files only; for PostgreSQL use pg_restore --dbname=URL on the pg_dump file `ketacare backup` wrote")
            }
            let files = FileManager.default
            guard files.fileExists(atPath: from) else { throw Fatal("\(from) does not exist") }
            // A write-ahead log beside the file holds changes the file alone does not: copying the file would drop them.
            if let size = try? files.attributesOfItem(atPath: from + "-wal")[.size] as? Int, size > 0 {
                throw Fatal("\(from)-wal is beside the backup with changes not yet in it; open the backup once with sqlite3 to checkpoint it first")
            }
            if files.fileExists(atPath: target), !force {
                throw Fatal("\(target) already exists; stop the server and add --force to replace it (keep a copy first)")
            }
            let logger = Logger(label: "ketacare")
            let bar = ProgressBar("restore")
            bar.update(0, 4)
            // Check a private copy, so a file that changes while it is read cannot pass the checks and then differ.
            let staging = target + ".restore-\(UUID().uuidString.prefix(8))"
            do {
                try files.copyItem(atPath: from, toPath: staging)
                let summary = try await Self.verify(staging, logger: logger, bar: bar)
                for suffix in ["-wal", "-shm"] { try? files.removeItem(atPath: target + suffix) }
                if files.fileExists(atPath: target) { try files.removeItem(atPath: target) }
                try files.moveItem(atPath: staging, toPath: target)
                bar.update(4, 4)
                // The restore is itself audited, in each restored clinic's own chain.
                let restored = try await KetaCareDatabase.open(.sqlite(path: target), logger: logger, readers: 1)
                do {
                    for clinic in summary.clinics {
                        try await Store(database: restored, clinicID: clinic).recordEvent(
                            .commandLine("restore"), at: Date(), action: "database.restore", resourceType: "database", outcome: .success,
                            detail: "from=\(URL(fileURLWithPath: from).lastPathComponent) \(summary.text)")
                    }
                } catch {
                    await restored.close()
                    throw error
                }
                await restored.close()
                print("restored \(from) to \(target): integrity ok; \(summary.text)")
            } catch {
                for suffix in ["", "-wal", "-shm"] { try? files.removeItem(atPath: staging + suffix) }
                throw error
            }
        }
    }

    /// Integrity, then the audit chain and the ledger of every clinic in the file; throws naming the first failure.
    static func verify(_ path: String, logger: Logger, bar: ProgressBar) async throws -> (text: String, clinics: [String]) {
        let copy: KetaCareDatabase
        do {
            copy = try await KetaCareDatabase.open(.sqlite(path: path), logger: logger, readers: 1)
        } catch {
            throw Fatal("the backup cannot be opened as a KetaCare database: \(error)")
        }
        do {
            let integrity = try? await copy.read { sql in
                try await sql.raw("PRAGMA integrity_check").first(decodingColumn: "integrity_check", as: String.self)
            }
            guard integrity == "ok" else { throw Fatal("refused: the backup fails its integrity check (\(integrity ?? "not a database"))") }
            bar.update(1, 4)
            let clinics = try await copy.read { sql in try await sql.select().column("id").from("clinics").all(decodingColumn: "id", as: String.self)
            }
            guard !clinics.isEmpty else { throw Fatal("refused: the backup holds no clinic") }
            var events: Int64 = 0
            for clinic in clinics {
                do {
                    events += try await AuditLog.verify(clinicID: clinic, database: copy)
                } catch let broken as AuditChainBreak {
                    throw Fatal("refused: clinic \(clinic)'s audit chain is broken in the backup — \(broken)")
                }
            }
            bar.update(2, 4)
            var entries: Int64 = 0
            for clinic in clinics {
                let check = try await copy.read { sql in try await LedgerRepository.verify(clinicID: clinic, on: sql) }
                if let problem = check.firstProblem { throw Fatal("refused: clinic \(clinic)'s ledger is broken in the backup — \(problem)") }
                entries += check.verifiedCount
            }
            bar.update(3, 4)
            await copy.close()
            return ("audit chain ok (\(events) events), ledger ok (\(entries) entries), clinics \(clinics.joined(separator: ", "))", clinics)
        } catch {
            await copy.close()
            throw error
        }
    }
}
