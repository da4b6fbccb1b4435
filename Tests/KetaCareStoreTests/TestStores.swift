import Foundation
import KetaCareDomain
import KetaCareStore
import Logging

/// Runs a test body on every database engine available: a fresh SQLite file always, and PostgreSQL when DATABASE_URL is set.
///
/// On PostgreSQL each run gets its own clinic id, so tests share one database yet never see each other's rows.
enum TestStores {
    static let logger: Logger = {
        var logger = Logger(label: "ketacare-tests")
        logger.logLevel = .warning
        return logger
    }()

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A fresh SQLite store in a temporary folder.
    static func sqlite() async throws -> Store {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ketacare-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try await prepare(.sqlite(path: folder.appendingPathComponent("test.sqlite").path), clinic: "test")
    }

    static func prepare(_ location: DatabaseLocation, clinic: String) async throws -> Store {
        let database = try await KetaCareDatabase.open(location, logger: logger)
        try await Migrator.migrate(database)
        let store = Store(database: database, clinicID: clinic)
        try await store.ensureClinic(name: "Test clinic", now: Date())
        return store
    }

    /// Runs `body` once per engine, closing each database afterwards.
    static func each(_ body: (Store) async throws -> Void) async throws {
        var stores = [try await sqlite()]
        if let url = postgresURL {
            stores.append(try await prepare(.postgres(url: url), clinic: "test-\(UUID().uuidString.prefix(8))"))
        }
        for store in stores {
            do {
                try await body(store)
            } catch {
                await store.database.close()
                throw error
            }
            await store.database.close()
        }
    }

    static let who = AuditContext(actor: "tester", role: "nurse", clientAddress: "127.0.0.1")
}
