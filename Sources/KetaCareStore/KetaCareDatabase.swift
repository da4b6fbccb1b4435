import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
public import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// Which engine a database runs on; the few places SQL differs ask this.
public enum DatabaseKind: String, Sendable {
    case sqlite
    case postgres
}

/// The one door to storage: every read runs on a reader, every write in a transaction, on SQLite or PostgreSQL alike.
///
/// SQLite (one clinic, one process): one writer connection serialised by a lock plus reader connections in WAL mode.
/// PostgreSQL (a clinic group, many stateless instances): a pooled `PostgresClient`.
public final class KetaCareDatabase: Sendable {
    public let kind: DatabaseKind
    public let location: DatabaseLocation
    private let backend: any DatabaseBackend

    private init(kind: DatabaseKind, location: DatabaseLocation, backend: any DatabaseBackend) {
        self.kind = kind
        self.location = location
        self.backend = backend
    }

    /// Opens and checks the database; throws ``DatabaseOpenError`` with one clear line when it cannot.
    public static func open(_ location: DatabaseLocation, logger: Logger, readers: Int = 2) async throws -> KetaCareDatabase {
        switch location {
        case .sqlite(let path):
            let backend = try await SQLiteBackend.open(path: path, readers: readers, logger: logger)
            return KetaCareDatabase(kind: .sqlite, location: location, backend: backend)
        case .postgres(let url):
            let backend = try await PostgresBackend.open(url: url, logger: logger)
            return KetaCareDatabase(kind: .postgres, location: location, backend: backend)
        }
    }

    /// Runs read-only queries on a snapshot of committed data.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try Self.refuseNesting("read")
        return try await backend.read(body)
    }

    /// Runs `body` in one transaction: everything it writes commits together or not at all.
    ///
    /// `relaxedDurability` is for transactions that only record that data was read (the audit event of a chart view): on
    /// PostgreSQL their commit does not wait for the disk flush (`synchronous_commit = off`, flushed within a fraction of a
    /// second), so reading stays fast; an operating-system crash in that instant can lose the view's audit event but never
    /// clinical data. Every change to clinical data commits durably.
    public func write<T: Sendable>(
        relaxedDurability: Bool = false, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try Self.refuseNesting("write")
        let postgresRelaxed = relaxedDurability && kind == .postgres
        return try await backend.write { db in
            if postgresRelaxed { try await db.raw("SET LOCAL synchronous_commit TO OFF").run() }
            return try await Self.$insideTransaction.withValue(true) { try await body(db) }
        }
    }

    /// True while a transaction's body runs (in that task and the tasks it starts).
    @TaskLocal static var insideTransaction = false

    /// A read or write started from inside a transaction's body waits for a second connection while holding the first: on
    /// PostgreSQL a pool full of such transactions never moves again, and on SQLite a nested write waits for itself. Every
    /// query of a transaction must use the `db` it was given, so this is refused at once, naming what was attempted.
    static func refuseNesting(_ what: String) throws {
        guard insideTransaction else { return }
        throw NestedDatabaseAccess(description: "a database \(what) was started inside a transaction; use the transaction's own connection")
    }

    /// Whether the database answers a trivial query.
    public func ping() async -> Bool {
        (try? await read { db in try await db.raw("SELECT 1 AS ok").first() != nil }) ?? false
    }

    /// Closes every connection; call once, after the last request has finished.
    public func close() async {
        await backend.close()
    }
}

private protocol DatabaseBackend: Sendable {
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
}

extension SQLDatabase {
    /// Runs `body` between BEGIN and COMMIT, rolling back when it throws.
    fileprivate func transaction<T: Sendable>(
        begin: String,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await raw("\(unsafeRaw: begin)").run()
        do {
            let result = try await body(self)
            try await raw("COMMIT").run()
            return result
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}

/// A read or write started from inside another transaction's body (see ``KetaCareDatabase/refuseNesting(_:)``).
public struct NestedDatabaseAccess: Error, CustomStringConvertible {
    public let description: String
}

// MARK: - SQLite

private struct SQLiteHandle: Sendable {
    let connection: SQLiteConnection
    let lock = AsyncLock()
    let database: any SQLDatabase
}

private final class SQLiteBackend: DatabaseBackend {
    private let writer: SQLiteHandle
    private let readers: [SQLiteHandle]
    private let nextReader = Atomic<Int>(0)
    private let queue = Mutex(WriteQueue())

    private init(writer: SQLiteHandle, readers: [SQLiteHandle]) {
        self.writer = writer
        self.readers = readers
    }

    static func open(path: String, readers: Int, logger: Logger) async throws -> SQLiteBackend {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatabaseOpenError("cannot open SQLite database \(path): folder \(directory) does not exist")
        }
        func connect() async throws -> SQLiteHandle {
            let connection: SQLiteConnection
            do {
                connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            } catch {
                throw DatabaseOpenError("cannot open SQLite database \(path): \(error)")
            }
            let db = connection.sql(queryLogLevel: nil)
            // WAL lets readers see committed data while the writer works. FULL sync flushes the WAL at every commit, so an
            // acknowledged write survives a power cut, not only a process crash (NORMAL can lose the last commits on power
            // loss); group commit shares that flush among the writes that wait together (BENCHMARKS.md measures the cost).
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON"] {
                do {
                    try await db.raw("\(unsafeRaw: pragma)").run()
                } catch {
                    throw DatabaseOpenError("cannot use SQLite database \(path): \(error)")
                }
            }
            return SQLiteHandle(connection: connection, database: db)
        }
        let writer = try await connect()
        var readerHandles: [SQLiteHandle] = []
        for _ in 0..<max(1, readers) { readerHandles.append(try await connect()) }
        return SQLiteBackend(writer: writer, readers: readerHandles)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        let handle = readers[Int(UInt(bitPattern: index) % UInt(readers.count))]
        return try await handle.lock.withLock { try await body(handle.database) }
    }

    /// Queues `body` for the writer and returns once the transaction that carried it has committed.
    ///
    /// Group commit: SQLite has one writer, so writes that arrive while a transaction is running wait; when it ends, all
    /// that are waiting run in one transaction, each inside its own savepoint. A body that throws rolls back to its
    /// savepoint and gets its error at once (the others are unaffected); the rest are answered only after the shared COMMIT,
    /// so "acknowledged" still means "stored". Under load this turns many small commits into a few larger ones.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = WriteJob(
                run: { db in
                    let value = try await body(db)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            let startDrain = queue.withLock { state -> Bool in
                state.pending.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    /// Writes waiting for the writer, and whether a drain task is running.
    private struct WriteQueue {
        var pending: [WriteJob] = []
        var draining = false
    }

    /// One queued write: `run` performs it and returns what answers the caller after COMMIT; `fail` answers with an error.
    private struct WriteJob: Sendable {
        let run: @Sendable (any SQLDatabase) async throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    /// Runs queued writes in groups until none are left.
    private func drain() async {
        while true {
            let group = queue.withLock { state -> [WriteJob] in
                let group = Array(state.pending.prefix(Self.maximumGroup))
                state.pending.removeFirst(group.count)
                if group.isEmpty { state.draining = false }
                return group
            }
            if group.isEmpty { return }
            await commit(group)
        }
    }

    private func commit(_ group: [WriteJob]) async {
        await writer.lock.lock()
        await run(group, on: writer.database)
        await writer.lock.unlock()
    }

    private func run(_ group: [WriteJob], on db: any SQLDatabase) async {
        do {
            // IMMEDIATE takes the write lock up front so two processes never deadlock upgrading a read lock.
            try await db.raw("BEGIN IMMEDIATE").run()
        } catch {
            for job in group { job.fail(error) }
            return
        }
        // Each job that ran, with what answers its caller once COMMIT has succeeded.
        var done: [(job: WriteJob, answer: @Sendable () -> Void)] = []
        for job in group {
            // A lone write needs no savepoint: its failure rolls back the whole transaction.
            let alone = group.count == 1
            do {
                if !alone { try await db.raw("SAVEPOINT grouped_write").run() }
                let answer = try await job.run(db)
                if !alone { try await db.raw("RELEASE grouped_write").run() }
                done.append((job, answer))
            } catch {
                if alone {
                    try? await db.raw("ROLLBACK").run()
                } else {
                    try? await db.raw("ROLLBACK TO grouped_write").run()
                    try? await db.raw("RELEASE grouped_write").run()
                }
                job.fail(error)
                if alone { return }
            }
        }
        do {
            try await db.raw("COMMIT").run()
        } catch {
            try? await db.raw("ROLLBACK").run()
            for (job, _) in done { job.fail(error) }
            return
        }
        for (_, answer) in done { answer() }
    }

    /// The most writes one transaction carries.
    private static let maximumGroup = 64

    func close() async {
        for handle in readers + [writer] {
            _ = try? await handle.lock.withLock { try await handle.connection.close() }
        }
    }
}

// MARK: - PostgreSQL

private final class PostgresBackend: DatabaseBackend {
    private let client: PostgresClient
    private let runTask: Task<Void, Never>

    private init(client: PostgresClient, runTask: Task<Void, Never>) {
        self.client = client
        self.runTask = runTask
    }

    static func open(url: String, logger: Logger) async throws -> PostgresBackend {
        let configuration = try clientConfiguration(url: url)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runTask = Task { await client.run() }
        let backend = PostgresBackend(client: client, runTask: runTask)
        // The pool retries forever; a start-up that cannot reach the server must fail fast with one line instead.
        let reachable = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await client.withConnection { conn in try await conn.query("SELECT 1", logger: logger) }) != nil }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard reachable else {
            runTask.cancel()
            throw DatabaseOpenError(
                "cannot reach PostgreSQL at \(DatabaseLocation.postgres(url: url)): check DATABASE_URL and that the server is running")
        }
        return backend
    }

    static func clientConfiguration(url: String) throws -> PostgresClient.Configuration {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""), let host = parts.host,
            !host.isEmpty
        else {
            throw DatabaseOpenError("DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        let sslMode = parts.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case "require", "verify-full", "verify-ca": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: parts.port ?? 5432,
            username: parts.user?.removingPercentEncoding ?? "postgres",
            password: parts.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database,
            tls: tls
        )
        configuration.options.maximumConnections = 16
        return configuration
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { conn in try await body(conn.sql(queryLogLevel: nil)) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { conn in
            try await conn.sql(queryLogLevel: nil).transaction(begin: "BEGIN", body)
        }
    }

    func close() async {
        runTask.cancel()
        _ = await runTask.value
    }
}
