import Foundation
import KetaCareDomain
import KetaCareStore
import SQLKit
import Testing

@Suite("Audit trail: same transaction, hash chain, tamper evidence")
struct AuditTrailTests {
    @Test func appendsAndVerifies() async throws {
        try await TestStores.each { store in
            for i in 0..<5 {
                try await store.recordEvent(
                    TestStores.who, at: Date(), action: "test.event", resourceType: "thing", resourceID: "\(i)", outcome: .success, detail: "")
            }
            let count = try await AuditLog.verify(clinicID: store.clinicID, database: store.database)
            #expect(count == 6)  // clinic.create + 5
        }
    }

    @Test("Altering one audit row by hand breaks verification at that row")
    func detectsAlteredRow() async throws {
        try await TestStores.each { store in
            for i in 0..<4 {
                try await store.recordEvent(
                    TestStores.who, at: Date(), action: "test.event", resourceType: "thing", resourceID: "\(i)", outcome: .success, detail: "")
            }
            let clinicID = store.clinicID
            try await store.database.write { db in
                try await db.update("audit_events").set("actor", to: SQLBind("intruder")).where("clinic_id", .equal, SQLBind(clinicID))
                    .where("seq", .equal, SQLBind(Int64(3))).run()
            }
            let reason = "contents do not match its hash (altered after it was written, or moved from another clinic's chain)"
            await #expect(throws: AuditChainBreak(sequence: 3, reason: reason)) {
                try await AuditLog.verify(clinicID: clinicID, database: store.database)
            }
        }
    }

    @Test("Deleting the newest events is detected through the chain head")
    func detectsTruncation() async throws {
        try await TestStores.each { store in
            for _ in 0..<3 {
                try await store.recordEvent(TestStores.who, at: Date(), action: "test.event", resourceType: "thing", outcome: .success, detail: "")
            }
            let clinicID = store.clinicID
            try await store.database.write { db in
                try await db.delete(from: "audit_events").where("clinic_id", .equal, SQLBind(clinicID)).where("seq", .equal, SQLBind(Int64(4))).run()
            }
            await #expect(throws: AuditChainBreak.self) { try await AuditLog.verify(clinicID: clinicID, database: store.database) }
        }
    }

    @Test("Issue #11: a tail rewritten as a consistent chain of its own is caught by the head's hash")
    func detectsRewrittenTail() async throws {
        try await TestStores.each { store in
            for _ in 0..<3 {
                try await store.recordEvent(TestStores.who, at: Date(), action: "test.event", resourceType: "thing", outcome: .success, detail: "")
            }
            let clinicID = store.clinicID
            // Recompute the last event with another actor and a valid hash: only the head still remembers the real one.
            try await store.database.write { db in
                let row = try await db.select().column("*").from("audit_events").where("clinic_id", .equal, SQLBind(clinicID))
                    .where("seq", .equal, SQLBind(Int64(4))).first()
                let occurred = try row?.decode(column: "occurred_at", as: Int64.self) ?? 0
                var forged = AuditEvent(
                    occurredAt: Date(timeIntervalSince1970: Double(occurred) / 1000), actor: "intruder", role: "nurse", action: "test.event",
                    resourceType: "thing", resourceID: "-", patientID: nil, clientAddress: "127.0.0.1", outcome: .success, detail: "")
                forged.sequence = 4
                forged.previousHash = try row?.decode(column: "prev_hash", as: String.self) ?? ""
                let hash = AuditLog.sha256Hex(forged.chainInput(clinicID: clinicID))
                try await db.update("audit_events").set("actor", to: SQLBind("intruder")).set("hash", to: SQLBind(hash))
                    .where("clinic_id", .equal, SQLBind(clinicID)).where("seq", .equal, SQLBind(Int64(4))).run()
            }
            await #expect(throws: AuditChainBreak.self) { try await AuditLog.verify(clinicID: clinicID, database: store.database) }
        }
    }

    @Test("A failed operation writes nothing but still leaves an audit event of the attempt")
    func failedWriteLeavesOnlyTheAttempt() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            await #expect(throws: ValidationError.self) {
                try await store.audited(TestStores.who, at: Date(), action: "patient.create", resourceType: "patient") { db -> Audited<Void> in
                    try await db.insert(into: "clinics").columns("id", "name", "created_at").values(SQLBind("other"), SQLBind("x"), SQLBind(Int64(0)))
                        .run()
                    throw ValidationError(field: "mrn", message: "bad")
                }
            }
            let clinics = try await store.database.read { db in
                try await db.select().column("id").from("clinics").where("id", .equal, SQLBind("other")).all()
            }
            #expect(clinics.isEmpty)
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "patient.create"), clinicID: clinicID, on: db)
            }
            #expect(events.count == 1)
            #expect(events.first?.outcome == .failed)
            #expect(events.first?.detail == "invalid field=mrn")
            #expect(try await AuditLog.verify(clinicID: clinicID, database: store.database) == 2)
        }
    }

    @Test("Concurrent writers never fork the chain")
    func concurrentAppends() async throws {
        try await TestStores.each { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await store.recordEvent(
                            TestStores.who, at: Date(), action: "test.concurrent", resourceType: "thing", resourceID: "\(i)", outcome: .success,
                            detail: "")
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await AuditLog.verify(clinicID: store.clinicID, database: store.database) == 41)
        }
    }

    @Test func filtersByPatientActorActionAndDate() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.recordEvent(
                TestStores.who, at: t0, action: "patient.view", resourceType: "patient", patientID: "p1", outcome: .success, detail: "")
            try await store.recordEvent(
                AuditContext(actor: "other", role: "prescriber", clientAddress: "10.0.0.1"), at: t0.addingTimeInterval(86_400),
                action: "patient.amend",
                resourceType: "patient", patientID: "p1", outcome: .success, detail: ""
            )
            try await store.recordEvent(
                TestStores.who, at: t0, action: "patient.view", resourceType: "patient", patientID: "p2", outcome: .success, detail: "")
            let read = { (q: AuditQuery) in try await store.database.read { db in try await AuditLog.events(q, clinicID: clinicID, on: db) } }
            #expect(try await read(AuditQuery(patientID: "p1")).count == 2)
            #expect(try await read(AuditQuery(actor: "other")).map(\.action) == ["patient.amend"])
            #expect(try await read(AuditQuery(action: "patient.")).count == 3)
            #expect(try await read(AuditQuery(patientID: "p1", from: t0.addingTimeInterval(3600))).count == 1)
            #expect(try await read(AuditQuery(action: "patient.view")).first?.patientID == "p2")  // newest first
        }
    }
}

@Suite("Migrations")
struct MigrationTests {
    @Test func areRecordedAndRunOnce() async throws {
        try await TestStores.each { store in
            let applied = try await Migrator.migrate(store.database)
            let versions = try await Migrator.appliedVersions(store.database)
            #expect(applied.isEmpty)
            #expect(versions.last == Migrator.latestVersion)
        }
    }

    @Test("An edited released migration is refused")
    func refusesEditedMigration() async throws {
        let store = try await TestStores.sqlite()
        try await store.database.write { db in
            try await db.update("schema_migrations").set("checksum", to: SQLBind("tampered")).where("version", .equal, SQLBind(Int64(1))).run()
        }
        await #expect(throws: MigrationError.self) { try await Migrator.migrate(store.database) }
        await store.database.close()
    }

    @Test func unreachableDatabaseFailsWithOneLine() async throws {
        await #expect(throws: DatabaseOpenError.self) {
            _ = try await KetaCareDatabase.open(.sqlite(path: "/nonexistent-folder/k.sqlite"), logger: TestStores.logger)
        }
        let error = await #expect(throws: DatabaseOpenError.self) {
            _ = try await KetaCareDatabase.open(.postgres(url: "postgres://nobody@127.0.0.1:1/none"), logger: TestStores.logger)
        }
        #expect(error?.description.contains("cannot reach PostgreSQL") == true)
    }
}
