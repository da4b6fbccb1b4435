import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore
import Logging
import SQLKit

/// `ketacare export`: the patient registry as NDJSON or CSV, audited as one export event.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export the patient registry (NDJSON or CSV).")

    enum Format: String, ExpressibleByArgument { case ndjson, csv }

    @OptionGroup var db: DatabaseOptions
    @Option(help: "File to write (it must not exist).") var out: String
    @Option(help: "ndjson or csv") var format: Format = .ndjson

    func run() async throws {
        KetaCareCommand.bootstrapLogging()
        try await runReportingFailures {
            guard !FileManager.default.fileExists(atPath: out) else { throw Fatal("\(out) already exists; choose a new file") }
            guard FileManager.default.createFile(atPath: out, contents: nil), let handle = FileHandle(forWritingAtPath: out) else {
                throw Fatal("cannot write \(out)")
            }
            try await db.withStore(logger: Logger(label: "ketacare")) { store in
                let clinicID = store.clinicID
                let total = try await store.database.read { sql in try await PatientRepository.count(clinicID: clinicID, on: sql) }
                let bar = ProgressBar("exporting")
                if format == .csv {
                    handle.write(Data((ExportCommand.csvColumns.joined(separator: ",") + "\n").utf8))
                }
                var written = 0
                var after = ""
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                while true {
                    let page = try await store.database.read { [after] sql in
                        try await PatientRepository.page(after: after, limit: 2000, clinicID: clinicID, on: sql)
                    }
                    guard let last = page.last else { break }
                    var chunk = ""
                    for patient in page {
                        if format == .csv {
                            chunk += ExportCommand.csvRow(patient) + "\n"
                        } else {
                            chunk += String(decoding: try encoder.encode(patient), as: UTF8.self) + "\n"
                        }
                    }
                    handle.write(Data(chunk.utf8))
                    written += page.count
                    after = last.id.rawValue
                    bar.update(written, total)
                }
                try handle.close()
                try await store.recordEvent(
                    .commandLine("export"), at: Date(), action: "patient.export", resourceType: "patient", outcome: .success,
                    detail: "patients=\(written) format=\(format.rawValue)"
                )
                print("exported \(written) patients to \(out)")
            }
        }
    }

    static let csvColumns = [
        "id", "mrn", "legalGivenName", "legalFamilyName", "preferredName", "dateOfBirth", "sexAtBirth", "genderIdentity", "phone", "email",
        "address", "emergencyContactName", "emergencyContactRelationship", "emergencyContactPhone", "emergencyContactCanEscort", "version",
    ]

    static func csvRow(_ p: Patient) -> String {
        let d = p.demographics
        let fields: [String?] = [
            p.id.rawValue, d.mrn, d.legalGivenName, d.legalFamilyName, d.preferredName, d.dateOfBirth.description, d.sexAtBirth.rawValue,
            d.genderIdentity, d.phone, d.email, d.address, d.emergencyContact?.name, d.emergencyContact?.relationship, d.emergencyContact?.phone,
            d.emergencyContact.map { $0.canEscort ? "yes" : "no" }, String(p.version),
        ]
        // RFC 4180 with formula protection: the domain's `CSV.field`, shared with the web reports.
        return fields.map { CSV.field($0 ?? "") }.joined(separator: ",")
    }
}

/// `ketacare backup`: a consistent copy of the database, checked after writing.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent backup: SQLite via VACUUM INTO (verified), PostgreSQL via pg_dump."
    )

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Backup file to create (it must not exist).") var out: String

    func run() async throws {
        KetaCareCommand.bootstrapLogging()
        try await runReportingFailures {
            guard !FileManager.default.fileExists(atPath: out) else { throw Fatal("\(out) already exists; choose a new file") }
            let logger = Logger(label: "ketacare")
            try await db.withStore(logger: logger, migrate: false) { store in
                let bar = ProgressBar("backup")
                bar.update(0, 3)
                switch store.database.location {
                case .sqlite:
                    // VACUUM INTO writes a transactionally consistent copy while the server keeps running.
                    let target = out
                    try await store.database.read { sql in try await sql.raw("VACUUM INTO \(bind: target)").run() }
                    bar.update(1, 3)
                    let copy = try await KetaCareDatabase.open(.sqlite(path: out), logger: logger, readers: 1)
                    let integrity = try await copy.read { sql in
                        try await sql.raw("PRAGMA integrity_check").first(decodingColumn: "integrity_check", as: String.self)
                    }
                    guard integrity == "ok" else { throw Fatal("backup written but its integrity check failed: \(integrity ?? "no answer")") }
                    bar.update(2, 3)
                    let events = try await AuditLog.verify(clinicID: store.clinicID, database: copy)
                    bar.update(3, 3)
                    await copy.close()
                    let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
                    print("backup written to \(out) (\(size / 1024) KiB); integrity ok; audit chain ok (\(events) events)")
                case .postgres(let url):
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["pg_dump", "--format=custom", "--file=\(out)", "--dbname=\(url)"]
                    do { try process.run() } catch { throw Fatal("pg_dump could not be started: install the PostgreSQL client tools") }
                    process.waitUntilExit()
                    guard process.terminationStatus == 0 else { throw Fatal("pg_dump failed with exit code \(process.terminationStatus)") }
                    bar.update(3, 3)
                    print("backup written to \(out) (pg_dump custom format; restore with pg_restore)")
                }
                try await store.recordEvent(
                    .commandLine("backup"), at: Date(), action: "database.backup", resourceType: "database", outcome: .success, detail: "")
            }
        }
    }
}
