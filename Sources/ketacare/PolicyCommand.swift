import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore
import Logging

/// `ketacare policy show|set`: the clinic's clinical defaults, versioned and audited.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Show or change the clinic's policy (every clinical default).", subcommands: [Show.self, Set.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the current policy as JSON (with each value's provenance).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            KetaCareCommand.bootstrapLogging()
            try await runReportingFailures {
                try await db.withStore(logger: Logger(label: "ketacare")) { store in
                    let clinicID = store.clinicID
                    let (policy, version) = try await store.database.read { sql in try await PolicyRepository.current(clinicID: clinicID, on: sql) }
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    FileHandle.standardError.write(Data("policy version \(version)\n".utf8))
                    FileHandle.standardOutput.write(try encoder.encode(policy) + Data("\n".utf8))
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store FILE (the JSON `policy show` prints, edited) as the next policy version; audited, old versions kept."
        )
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "Policy JSON file") var file: String
        @Option(help: "Why the policy changes (kept with the version).") var reason: String

        func run() async throws {
            KetaCareCommand.bootstrapLogging()
            try await runReportingFailures {
                guard let data = FileManager.default.contents(atPath: file) else { throw Fatal("cannot read \(file)") }
                let policy: ClinicPolicy
                do {
                    policy = try JSONDecoder().decode(ClinicPolicy.self, from: data)
                } catch let error as DecodingError {
                    throw Fatal("\(file) is not a valid policy: \(PolicyCommand.describe(error))")
                }
                do {
                    try policy.validate()
                } catch let error as KetaCareDomain.ValidationError {
                    throw Fatal("\(file) is not a valid policy: \(error.field): \(error.message)")
                }
                let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !why.isEmpty else { throw Fatal("--reason must say why the policy changes") }
                try await db.withStore(logger: Logger(label: "ketacare")) { store in
                    let clinicID = store.clinicID
                    let version = try await store.audited(.commandLine("policy"), at: Date(), action: "policy.change", resourceType: "policy") {
                        sql in
                        try await PolicyRepository.save(policy, reason: why, by: "system:policy", now: Date(), clinicID: clinicID, on: sql)
                        let version = try await PolicyRepository.current(clinicID: clinicID, on: sql).version
                        return Audited(version, resourceID: "v\(version)", detail: "reason recorded with the version")
                    }
                    print("policy version \(version) saved")
                }
            }
        }
    }

    /// Names the JSON path at fault.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String { context.codingPath.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context): return "\((path(context) + "." + key.stringValue).trimmingCharacters(in: ["."])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context).isEmpty ? "the document" : path(context)): \(context.debugDescription)"
        @unknown default: return "unreadable"
        }
    }
}
