import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import Logging
import NIOCore
import SQLKit

/// The real application, in-process, over a real SQLite file seeded with the demo clinic.
///
/// Seeding (bcrypt at cost 12 for five accounts) happens once; each test works on its own copy of that file.
enum WebHarness {
    static let logger: Logger = {
        var logger = Logger(label: "ketacare-web-tests")
        logger.logLevel = .warning
        return logger
    }()

    private actor Template {
        var seeding: Task<String, any Error>?

        /// Seeds once; concurrent callers share the same task.
        func seeded() async throws -> String {
            if let seeding { return try await seeding.value }
            let task = Task { try await Template.seed() }
            seeding = task
            return try await task.value
        }

        static func seed() async throws -> String {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ketacare-web-template-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let work = folder.appendingPathComponent("work.sqlite").path
            let file = folder.appendingPathComponent("template.sqlite").path
            let database = try await KetaCareDatabase.open(.sqlite(path: work), logger: WebHarness.logger)
            do {
                try await Migrator.migrate(database)
                let store = Store(database: database)
                try await store.ensureClinic(name: "Web Test Clinic", now: Date())
                _ = try await DemoClinic(seed: 7).seed(into: store, patients: 12, now: Date())
                // One self-contained file (no WAL beside it) that each test copies.
                try await database.read { db in try await db.raw("VACUUM INTO \(bind: file)").run() }
            } catch {
                await database.close()
                throw error
            }
            await database.close()
            return file
        }
    }

    private static let template = Template()

    /// A store seeded with the demo clinic: on PostgreSQL (DATABASE_URL) a fresh clinic of its own, else a copy of the SQLite template.
    static func store() async throws -> Store {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            let database = try await KetaCareDatabase.open(.postgres(url: url), logger: logger)
            do {
                try await Migrator.migrate(database)
                let store = Store(database: database, clinicID: "web-\(UUID().uuidString.prefix(8))")
                try await store.ensureClinic(name: "Web Test Clinic", now: Date())
                _ = try await DemoClinic(seed: 7).seed(into: store, patients: 12, now: Date())
                return store
            } catch {
                await database.close()
                throw error
            }
        }
        let source = try await template.seeded()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ketacare-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("test.sqlite").path
        try FileManager.default.copyItem(atPath: source, toPath: file)
        return Store(database: try await KetaCareDatabase.open(.sqlite(path: file), logger: logger))
    }

    /// Runs `body` against the application built exactly as `ketacare serve` builds it.
    static func withApp(
        now: @escaping @Sendable () -> Date = { Date() },
        configuration: WebConfiguration = WebConfiguration(timeZone: TimeZone(identifier: "UTC")!),
        _ body: @Sendable (any TestClientProtocol, Store, [RouteSpec]) async throws -> Void
    ) async throws {
        let store = try await store()
        let (router, routes) = try await buildRouter(store: store, configuration: configuration, now: now)
        let app = Application(router: router, logger: logger)
        do {
            try await app.test(.router) { client in try await body(client, store, routes) }
        } catch {
            await store.database.close()
            throw error
        }
        await store.database.close()
    }
}

extension TestClientProtocol {
    /// An API token for a demo account.
    func token(_ username: String, password: String = DemoClinic.password) async throws -> String {
        let response = try await execute(
            uri: "/api/v1/auth/token", method: .post, body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#))
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        guard let token = object?["token"] as? String else { throw HarnessError("no token for \(username): \(String(buffer: response.body))") }
        return token
    }

    /// A JSON request with a bearer token.
    func json(_ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, object)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Data {
    init(buffer: ByteBuffer?) {
        self = buffer.map { Data($0.readableBytesView) } ?? Data()
    }
}

/// The `{"error":{…}}` part of an error answer.
func errorField(_ object: [String: Any]) -> String? {
    (object["error"] as? [String: Any])?["field"] as? String
}

func errorCode(_ object: [String: Any]) -> String? {
    (object["error"] as? [String: Any])?["code"] as? String
}
