import ArgumentParser
import Foundation
import KetaCareStore
import Logging

/// Where the data is: `--database PATH` for SQLite, or DATABASE_URL for PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite file (default ./ketacare.sqlite), or a postgres:// URL. DATABASE_URL, when set, wins.")
    var database: String?

    @Option(name: .long, help: "Clinic identifier: every row belongs to one clinic.")
    var clinic: String = "main"

    var location: DatabaseLocation {
        DatabaseLocation.resolve(databaseOption: database, environment: ProcessInfo.processInfo.environment)
    }

    /// Opens the database and brings its schema up to date; a failure prints one line and exits non-zero.
    func openStore(logger: Logger, migrate: Bool = true, clinicName: String = "KetaCare Demo Clinic") async throws -> Store {
        do {
            let database = try await KetaCareDatabase.open(location, logger: logger)
            if migrate {
                let applied = try await Migrator.migrate(database)
                if !applied.isEmpty { logger.info("applied migrations \(applied.map(String.init).joined(separator: ", "))") }
            }
            let store = Store(database: database, clinicID: clinic)
            if migrate { try await store.ensureClinic(name: clinicName, now: Date()) }
            return store
        } catch let error as DatabaseOpenError {
            throw Fatal(error.description)
        } catch let error as MigrationError {
            throw Fatal(error.description)
        }
    }
}

extension DatabaseOptions {
    /// Opens the store, runs `body`, and closes the database whether `body` succeeds or throws.
    func withStore<T>(
        logger: Logger, migrate: Bool = true, clinicName: String = "KetaCare Demo Clinic", _ body: (Store) async throws -> T
    ) async throws -> T {
        let store = try await openStore(logger: logger, migrate: migrate, clinicName: clinicName)
        do {
            let result = try await body(store)
            await store.database.close()
            return result
        } catch {
            await store.database.close()
            throw error
        }
    }
}

/// A one-line failure for the operator: printed without a stack trace, exit code 1.
struct Fatal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning a ``Fatal`` into one line on standard error and exit code 1.
    func runReportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let fatal as Fatal {
            FileHandle.standardError.write(Data("ketacare: \(fatal.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// A progress bar on standard error (a line per tenth when it is not a terminal).
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let isTerminal = isatty(2) != 0
    private let start = Date()
    private let lock = NSLock()
    private var lastTenth = -1

    init(_ label: String) {
        self.label = label
    }

    func update(_ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let elapsed = Date().timeIntervalSince(start)
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = String(format: "\r%@ %@ %3d%% %d/%d %.1fs", label, bar, Int(fraction * 100), done, total, elapsed)
            FileHandle.standardError.write(Data(line.utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let tenth = Int(fraction * 10)
            if tenth != lastTenth {
                lastTenth = tenth
                FileHandle.standardError.write(Data(String(format: "%@ %3d%% %d/%d %.1fs\n", label, tenth * 10, done, total, elapsed).utf8))
            }
        }
    }
}
