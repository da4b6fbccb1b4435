import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore
import Logging

/// `ketacare audit verify`: recompute the hash chain.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Audit trail tools.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit hash chain; exit 1 naming the first broken event.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            KetaCareCommand.bootstrapLogging()
            try await runReportingFailures {
                try await db.withStore(logger: Logger(label: "ketacare"), migrate: false) { store in
                    let bar = ProgressBar("verifying")
                    do {
                        let count = try await AuditLog.verify(clinicID: store.clinicID, database: store.database) { done, total in
                            bar.update(Int(done), Int(total))
                        }
                        print("audit chain intact: \(count) events verified")
                    } catch let broken as AuditChainBreak {
                        throw Fatal("audit chain broken at \(broken)")
                    }
                }
            }
        }
    }
}
