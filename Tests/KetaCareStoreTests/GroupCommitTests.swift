import Foundation
import KetaCareStore
import SQLKit
import Testing

/// Writes that arrive together share one SQLite transaction (group commit); each still stands or falls alone.
@Suite("Group commit: concurrent writes, each atomic on its own, answered only once stored")
struct GroupCommitTests {
    struct Deliberate: Error {}

    @Test("60 concurrent writes: the failing ones leave nothing, the rest are readable the moment they are answered")
    func concurrentWritesStandAlone() async throws {
        try await TestStores.each { store in
            let table = "group_commit_probe_\(UUID().uuidString.prefix(8).lowercased())"
            try await store.database.write { db in
                try await db.raw("CREATE TABLE \(unsafeRaw: table) (id TEXT PRIMARY KEY, n BIGINT NOT NULL)").run()
            }
            let outcomes = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for n in 0..<60 {
                    group.addTask {
                        do {
                            try await store.database.write { db in
                                try await db.raw("INSERT INTO \(unsafeRaw: table) (id, n) VALUES (\(bind: "row-\(n)"), \(bind: Int64(n)))").run()
                                // Two statements per write: the first must vanish with the second's failure.
                                try await db.raw("INSERT INTO \(unsafeRaw: table) (id, n) VALUES (\(bind: "twin-\(n)"), \(bind: Int64(n)))").run()
                                if n % 7 == 3 { throw Deliberate() }
                                if n % 11 == 5 {
                                    // A constraint violation mid-write: the row-… insert above must be undone too.
                                    try await db.raw("INSERT INTO \(unsafeRaw: table) (id, n) VALUES (\(bind: "row-\(n)"), 0)").run()
                                }
                            }
                        } catch is Deliberate {
                            return (n, "thrown")
                        } catch {
                            return (n, "refused")
                        }
                        // Answered means committed: a reader on another connection sees both rows now.
                        let seen = try await store.database.read { db in
                            try await db.raw("SELECT COUNT(*) AS c FROM \(unsafeRaw: table) WHERE n = \(bind: Int64(n))").first(
                                decodingColumn: "c", as: Int64.self)
                        }
                        return (n, seen == 2 ? "stored" : "not visible (\(seen ?? -1))")
                    }
                }
                var all: [Int: String] = [:]
                for try await (n, outcome) in group { all[n] = outcome }
                return all
            }
            for n in 0..<60 {
                let expected = n % 7 == 3 ? "thrown" : n % 11 == 5 ? "refused" : "stored"
                #expect(outcomes[n] == expected, "write \(n) on \(store.database.kind)")
            }
            let rows = try await store.database.read { db in
                try await db.raw("SELECT n FROM \(unsafeRaw: table)").all(decodingColumn: "n", as: Int64.self)
            }
            var expectedRows: [Int64] = []
            for n in 0..<60 where n % 7 != 3 && n % 11 != 5 { expectedRows += [Int64(n), Int64(n)] }
            #expect(rows.sorted() == expectedRows)
            try await store.database.write { db in try await db.raw("DROP TABLE \(unsafeRaw: table)").run() }
        }
    }

    @Test("A read or write started inside a transaction is refused at once instead of waiting for a second connection")
    func nestedAccessIsRefused() async throws {
        try await TestStores.each { store in
            let database = store.database
            await #expect(throws: NestedDatabaseAccess.self) {
                try await database.write { _ in try await database.read { db in try await db.raw("SELECT 1 AS one").run() } }
            }
            await #expect(throws: NestedDatabaseAccess.self) {
                try await database.write { _ in try await database.write { db in try await db.raw("SELECT 1 AS one").run() } }
            }
            // Outside a transaction both still work.
            try await database.read { db in try await db.raw("SELECT 1 AS one").run() }
        }
    }
}
