import Foundation
import KetaCareDomain
import KetaCareStore
import SQLKit
import Testing

/// DOMAIN.md §4.4: a clinic whose stored policy predates the Spravato MDSI template gets it on the next read, with its own
/// template edits intact, on SQLite and PostgreSQL.
@Suite("Seeded templates reach clinics with a stored policy")
struct PolicySeedOfferTests {
    @Test func storedPolicyGainsTheMDSITemplate() async throws {
        var locations: [DatabaseLocation] = []
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ketacare-offer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        locations.append(.sqlite(path: folder.appendingPathComponent("test.sqlite").path))
        if let url = TestStores.postgresURL { locations.append(.postgres(url: url)) }
        for location in locations {
            // A clinic id of its own: the policy cache is per clinic id and the process runs other suites.
            let store = try await TestStores.prepare(location, clinic: "offer-\(UUID().uuidString.prefix(8))")
            do {
                try await check(store)
            } catch {
                await store.database.close()
                throw error
            }
            await store.database.close()
        }
    }

    private func check(_ store: Store) async throws {
        let clinicID = store.clinicID
        // The document as an older release wrote it: seven templates, the clinic's own name for the IV one, no offer record.
        var templates = PlanTemplate.seeds.filter { $0.id != PlanTemplate.spravatoMDSI.id }
        templates[0].name = "IV induction (our protocol)"
        var object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(ClinicPolicy.seed)) as? [String: Any])
        object["planTemplates"] = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(templates))
        object.removeValue(forKey: "offeredTemplateSeeds")
        object.removeValue(forKey: "lossOfResponse")
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        try await store.database.write { db in
            try await db.insert(into: "clinic_policies").columns("clinic_id", "version", "policy_json", "reason", "created_by", "created_at")
                .values(SQLBind(clinicID), SQLBind(Int64(2)), SQLBind(json), SQLBind("older release"), SQLBind("admin"), SQLBind(Int64(1)))
                .run()
        }
        let (policy, version) = try await store.database.read { db in try await PolicyRepository.current(clinicID: clinicID, on: db) }
        #expect(version == 2)
        #expect(policy.planTemplates.map(\.id) == templates.map(\.id) + [PlanTemplate.spravatoMDSI.id])
        #expect(policy.planTemplates[0].name == "IV induction (our protocol)")
        #expect(policy.lossOfResponse == .seed)
        // Saved again (as the admin's next change would), the template stays once and the offer is recorded.
        try await store.database.write { db in
            try await PolicyRepository.save(policy, reason: "review", by: "admin", now: Date(), clinicID: clinicID, on: db)
        }
        let (saved, savedVersion) = try await store.database.read { db in try await PolicyRepository.current(clinicID: clinicID, on: db) }
        #expect(savedVersion == 3 && saved == policy)
        #expect(saved.offeredTemplateSeeds.contains(PlanTemplate.spravatoMDSI.id))
    }
}
