import Foundation
import KetaCareDomain
import KetaCareStore
import SQLKit
import Testing

@Suite("Outbox delivery: two instances on one database never claim the same message (issue #11)")
struct OutboxClaimTests {
    /// On PostgreSQL the second instance is a second connection pool, as a second `ketacare serve` would be. An SQLite file is
    /// served by one process only (README), so there the claimers are concurrent delivery passes of one server.
    @Test func twoInstancesClaimEachDueMessageOnce() async throws {
        var locations: [DatabaseLocation] = []
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ketacare-outbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        locations.append(.sqlite(path: folder.appendingPathComponent("outbox.sqlite").path))
        if let url = TestStores.postgresURL { locations.append(.postgres(url: url)) }
        for location in locations {
            let first = try await TestStores.prepare(location, clinic: "outbox-\(UUID().uuidString.prefix(8))")
            var second: KetaCareDatabase?
            do {
                if case .postgres = location { second = try await KetaCareDatabase.open(location, logger: TestStores.logger) }
                try await Self.claimOnce(first: first, second: second ?? first.database)
            } catch {
                await second?.close()
                await first.database.close()
                throw error
            }
            await second?.close()
            await first.database.close()
        }
    }

    static func claimOnce(first: Store, second: KetaCareDatabase) async throws {
        do {
            let clinicID = first.clinicID
            let t0 = Date(timeIntervalSince1970: 1_900_000_000)
            try await first.database.write { db in
                for i in 0..<60 {
                    try await OutboxRepository.enqueue(
                        patient: nil, kind: "appointment-reminder", channel: "email", recipient: "p\(i)@example.org", subject: "s", body: "b",
                        dueAt: t0.addingTimeInterval(Double(-i)), now: t0, clinicID: clinicID, on: db)
                }
            }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for database in [first.database, second, first.database, second] {
                    group.addTask {
                        var mine: [String] = []
                        for _ in 0..<8 {
                            let batch = try await database.write { db in try await OutboxRepository.claimDue(now: t0, limit: 4, on: db) }
                            mine += batch.filter { $0.clinicID == clinicID }.map(\.message.id)
                        }
                        return mine
                    }
                }
                var all: [String] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(claimed.count == 60, "every due message claimed (got \(claimed.count))")
            #expect(Set(claimed).count == claimed.count, "no message claimed twice")
            // Nothing is due again until the lease runs out; then an unsent message is taken over.
            let again = try await second.write { db in try await OutboxRepository.claimDue(now: t0.addingTimeInterval(60), on: db) }
            #expect(again.filter { $0.clinicID == clinicID }.isEmpty)
            let sentID = claimed[0]
            try await first.database.write { db in try await OutboxRepository.recordAttempt(id: sentID, error: nil, now: t0, on: db) }
            let afterLease = try await second.write { db in
                try await OutboxRepository.claimDue(now: t0.addingTimeInterval(OutboxRepository.claimLease + 1), limit: 100, on: db)
            }
            let retaken = afterLease.filter { $0.clinicID == clinicID }.map(\.message.id)
            #expect(retaken.count == 59 && !retaken.contains(sentID), "a sent message is never taken again")
        }
    }
}
