import Foundation
import KetaCareDomain
import KetaCareStore
import SQLKit
import Testing

@Suite("Patient registry")
struct PatientRegistryTests {
    static let today = try! LocalDate(year: 2026, month: 11, day: 22)

    static func patient(_ mrn: String, _ given: String, _ family: String, dob: String = "1980-04-12") throws -> Patient {
        let d = try Demographics(
            mrn: mrn, legalGivenName: given, legalFamilyName: family, dateOfBirth: LocalDate.parse(dob), sexAtBirth: .female, phone: "555 123 4567"
        ).validated(policy: .seed, today: today)
        return Patient(id: PatientID(UUID()), demographics: d, version: 1, createdAt: Date(), updatedAt: Date(), updatedBy: "tester")
    }

    static func create(_ p: Patient, in store: Store) async throws {
        let clinicID = store.clinicID
        try await store.audited(TestStores.who, at: Date(), action: "patient.create", resourceType: "patient") { db in
            try await PatientRepository.create(p, clinicID: clinicID, on: db)
            return Audited((), resourceID: p.id.rawValue, patientID: p.id.rawValue)
        }
    }

    @Test func createsFindsAndRefusesDuplicateMRN() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            let p = try Self.patient("KC-1", "Zoë", "O'Brien")
            try await Self.create(p, in: store)
            let found = try await store.database.read { db in try await PatientRepository.find(id: p.id, clinicID: clinicID, on: db) }
            #expect(found == p.with(dates: found))
            let duplicate = try Self.patient("KC-1", "Other", "Person")
            await #expect(throws: StoreError.duplicate(field: "mrn", message: "MRN KC-1 is already assigned to another patient")) {
                try await Self.create(duplicate, in: store)
            }
            #expect(try await store.database.read { db in try await PatientRepository.count(clinicID: clinicID, on: db) } == 1)
        }
    }

    @Test func searchesByNameMRNAndBirthDate() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            for (mrn, given, family, dob) in [
                ("KC-100", "Zoë", "O'Brien", "1980-04-12"), ("KC-101", "Sam", "Smith", "1975-01-01"), ("KC-102", "Smita", "Patel", "1990-02-02"),
                ("KC-200", "Ana", "Smithson", "1980-04-12"), ("X-1", "Lee", "Van der Berg", "2000-01-01"),
            ] {
                try await Self.create(try Self.patient(mrn, given, family, dob: dob), in: store)
            }
            func names(_ text: String) async throws -> [String] {
                try await store.database.read { db in
                    try await PatientRepository.search(PatientSearch.parse(text)!, clinicID: clinicID, on: db).map(\.legalFamilyName)
                }
            }
            #expect(try await names("smi") == ["Patel", "Smith", "Smithson"])  // family or given prefix, sorted by family
            #expect(try await names("smith, s") == ["Smith"])
            #expect(try await names("sam smith") == ["Smith"])
            #expect(try await names("zoe") == ["O'Brien"])  // accents folded
            #expect(try await names("kc-10") == ["O'Brien", "Patel", "Smith"])
            #expect(try await names("1980-04-12") == ["O'Brien", "Smithson"])
            #expect(try await names("van der") == ["Van der Berg"])
            #expect(try await names("nobody") == [])
        }
    }

    @Test("Concurrent edits never silently overwrite: the second is refused naming who changed it")
    func optimisticVersioning() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            let p = try Self.patient("KC-7", "Sam", "Lee")
            try await Self.create(p, in: store)
            var firstEdit = p.demographics
            firstEdit.phone = "555 000 0001"
            var secondEdit = p.demographics
            secondEdit.email = "sam@example.org"
            let first = firstEdit
            let second = secondEdit
            _ = try await store.database.write { db in
                try await PatientRepository.amend(
                    id: p.id, to: first, baseVersion: 1, reason: "new phone", by: "alice", now: Date(), clinicID: clinicID, on: db)
            }
            let error = await #expect(throws: StoreError.self) {
                try await store.database.write { db in
                    try await PatientRepository.amend(
                        id: p.id, to: second, baseVersion: 1, reason: "email", by: "bob", now: Date(), clinicID: clinicID, on: db)
                }
            }
            guard case .versionConflict(let who, _, let version) = error else {
                Issue.record("expected a version conflict, got \(String(describing: error))")
                return
            }
            #expect(who == "alice")
            #expect(version == 2)
            let amendments = try await store.database.read { db in try await PatientRepository.amendments(id: p.id, clinicID: clinicID, on: db) }
            #expect(amendments.map(\.field) == ["phone"])
            #expect(amendments.first?.oldValue == "555 123 4567")
            #expect(amendments.first?.newValue == "555 000 0001")
            #expect(amendments.first?.reason == "new phone")
        }
    }

    @Test func measurementsNewestFirst() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            let p = try Self.patient("KC-8", "Ana", "Diaz")
            try await Self.create(p, in: store)
            for (value, day) in [(70.0, "2026-01-01"), (72.5, "2026-06-01")] {
                let m = try BodyMeasurement(
                    kind: .weight, value: value, measuredOn: LocalDate.parse(day), recordedBy: "t", recordedAt: Date(), policy: .seed,
                    today: Self.today
                )
                try await store.database.write { db in try await PatientRepository.addMeasurement(m, patient: p.id, clinicID: clinicID, on: db) }
            }
            let list = try await store.database.read { db in try await PatientRepository.measurements(patient: p.id, clinicID: clinicID, on: db) }
            #expect(list.map(\.value) == [72.5, 70.0])
        }
    }

    @Test("Demo data is deterministic for a seed")
    func demoIsDeterministic() async throws {
        let today = Self.today
        let a = DemoClinic(seed: 42).patient(index: 7, today: today, now: Date())
        let b = DemoClinic(seed: 42).patient(index: 7, today: today, now: Date())
        let c = DemoClinic(seed: 43).patient(index: 7, today: today, now: Date())
        #expect(a.0.id == b.0.id)
        #expect(a.0.demographics == b.0.demographics)
        #expect(a.0.demographics != c.0.demographics)
        #expect(a.0.demographics.mrn == "KC-000008")
        #expect((try? a.0.demographics.validated(policy: .seed, today: today)) != nil)
    }

    @Test func demoSeedsStaffAndPatients() async throws {
        try await TestStores.each { store in
            let result = try await DemoClinic(seed: 1).seed(into: store, patients: 30, now: Date(), batchSize: 7)
            #expect(result.staffCreated == 5)
            let clinicID = store.clinicID
            #expect(try await store.database.read { db in try await PatientRepository.count(clinicID: clinicID, on: db) } == 30)
            let again = try await DemoClinic(seed: 1).seed(into: store, patients: 5, now: Date())
            #expect(again.staffCreated == 0)
            #expect(try await store.database.read { db in try await PatientRepository.find(mrn: "KC-000035", clinicID: clinicID, on: db) } != nil)
            #expect(try await AuditLog.verify(clinicID: clinicID, database: store.database) > 5)
        }
    }
}

extension Patient {
    /// This patient with timestamps as stored (millisecond precision).
    func with(dates stored: Patient?) -> Patient {
        Patient(
            id: id, demographics: demographics, version: version, createdAt: stored?.createdAt ?? createdAt,
            updatedAt: stored?.updatedAt ?? updatedAt, updatedBy: updatedBy)
    }
}
