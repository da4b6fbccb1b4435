import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore
import Logging

/// `ketacare ledger verify` and `ketacare ledger report`: the controlled-substance ledger from the command line (issue #6).
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Controlled-substance ledger tools.", subcommands: [Verify.self, Report.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the ledger's hash chain and replay every balance; exit 1 naming the first broken entry.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            KetaCareCommand.bootstrapLogging()
            try await runReportingFailures {
                try await db.withStore(logger: Logger(label: "ketacare"), migrate: false) { store in
                    let clinicID = store.clinicID
                    let check = try await store.database.read { db in try await LedgerRepository.verify(clinicID: clinicID, on: db) }
                    if let problem = check.firstProblem {
                        throw Fatal("ledger broken at \(problem) (\(check.verifiedCount) entries before it verified)")
                    }
                    print("ledger intact: \(check.verifiedCount) entries verified (chain and balances)")
                }
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a ledger report: an inventory (initial, biennial) as of a date, or a log (dispensing, receipts, waste).")
        @OptionGroup var db: DatabaseOptions

        @Option(help: "initial, biennial, dispensing, receipts or waste.")
        var kind: String = "biennial"

        @Option(name: .customLong("as-of"), help: "Inventory date (YYYY-MM-DD), taken at close of business; default today (UTC).")
        var asOf: String?

        @Option(help: "Logs: first day (YYYY-MM-DD).")
        var from: String?

        @Option(help: "Logs: last day (YYYY-MM-DD).")
        var to: String?

        @Option(help: "Clinic time zone for dates (default UTC).")
        var timeZone: String = "UTC"

        @Flag(help: "CSV instead of a text table.")
        var csv = false

        func run() async throws {
            KetaCareCommand.bootstrapLogging()
            try await runReportingFailures {
                guard let zone = TimeZone(identifier: timeZone) else { throw Fatal("unknown time zone '\(timeZone)'") }
                func day(_ text: String?, _ name: String) throws -> LocalDate? {
                    guard let text else { return nil }
                    do { return try LocalDate.parse(text, field: name) } catch {
                        throw Fatal("--\(name): \(error.message)")
                    }
                }
                let date = try day(asOf, "as-of") ?? LedgerCalendar.localDate(of: Date(), in: zone)
                let first = try day(from, "from")
                let last = try day(to, "to")
                try await db.withStore(logger: Logger(label: "ketacare"), migrate: false) { store in
                    let clinicID = store.clinicID
                    let entries = try await store.database.read { db in try await LedgerRepository.entries(clinicID: clinicID, on: db) }
                    try await store.recordEvent(
                        .commandLine("ledger-report"), at: Date(), action: "ledger.report", resourceType: "ledger", outcome: .success,
                        detail: "kind=\(kind)")
                    let catalog = LedgerRepository.catalog
                    switch kind {
                    case "initial", "biennial":
                        let end = date.startOfDay(in: zone).addingTimeInterval(86_400 - 0.001)
                        let report = InventoryReport.take(
                            kind == "initial" ? .initial : .biennial, date: date, moment: .closeOfBusiness, asOf: end, entries: entries,
                            catalog: catalog)
                        if csv {
                            print(report.csv, terminator: "")
                        } else {
                            print("\(kind) inventory, \(date), close of business")
                            for row in report.rows {
                                let lot = row.lotNumber.isEmpty ? "-" : row.lotNumber
                                print(
                                    "  \(row.substance) \(row.finishedForm) · lot \(lot) · full \(row.fullContainers) · total \(row.total) \(row.unit.symbol) (\(row.totalMilligrams) mg)\(row.isExpired ? " EXPIRED" : "")"
                                )
                            }
                        }
                    case "dispensing", "receipts", "waste":
                        let logKind: LedgerReportKind = kind == "dispensing" ? .dispensing : (kind == "receipts" ? .receipts : .wasteAndDestruction)
                        let start = first?.startOfDay(in: zone) ?? .distantPast
                        let end = last.map { $0.startOfDay(in: zone).addingTimeInterval(86_400) } ?? .distantFuture
                        let report = LedgerReports.log(logKind, product: nil, entries: entries, catalog: catalog, period: start..<end)
                        if csv {
                            print(report.csv, terminator: "")
                        } else {
                            for row in report.rows {
                                print(
                                    "  #\(row.sequence) \(CSV.timestamp(row.occurredAt)) \(row.kind.rawValue) \(row.product) lot \(row.lotNumber) \(row.change) \(row.unit.symbol) → \(row.balance) · \(row.recordedBy.username) · \(row.detail)"
                                )
                            }
                        }
                    default:
                        throw Fatal("--kind must be initial, biennial, dispensing, receipts or waste; got '\(kind)'")
                    }
                }
            }
        }
    }
}
