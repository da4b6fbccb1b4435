import Foundation
import KetaCareDomain
import KetaCareStore
import Testing

@Suite("Session repository on every engine: compare-and-swap versions, append-only timeline, locked records")
struct SessionRepositoryTests {
    static func patient(in store: Store) async throws -> PatientID {
        let clinicID = store.clinicID
        let (demo, _) = DemoClinic(seed: 3).patient(index: 0, today: LocalDate(utcDayOf: Date()), now: Date(), clinicID: clinicID)
        // A fresh id: PostgreSQL runs share one database, and demo ids are the same for the same seed.
        let patient = Patient(
            id: PatientID(UUID()), demographics: demo.demographics, version: 1, createdAt: demo.createdAt, updatedAt: demo.updatedAt,
            updatedBy: "test")
        try await store.database.write { db in try await PatientRepository.create(patient, clinicID: clinicID, on: db) }
        return patient.id
    }

    @Test("Two people editing the same session: the second save, based on the old version, is refused and changes nothing")
    func versionConflict() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            let patient = try await Self.patient(in: store)
            let now = Date()
            let session = try await store.database.write { db in
                try await SessionRepository.create(
                    patient: patient, route: .intravenous, by: "nurse.kim", role: .nurse, now: now, clinicID: clinicID, on: db)
            }
            #expect(session.version == 1)
            var edited = session
            edited.state = .preDoseChecks
            let first = edited
            let saved = try await store.database.write { db in
                try await SessionRepository.save(first, baseVersion: 1, by: "nurse.kim", now: now, clinicID: clinicID, on: db)
            }
            #expect(saved.version == 2)
            var other = session
            other.state = .stoppedEarly(reason: "patient left")
            let second = other
            await #expect(
                throws: StoreError.versionConflict(changedBy: "nurse.kim", changedAt: Timestamps.date(Timestamps.ms(now)), currentVersion: 2)
            ) {
                try await store.database.write { db in
                    try await SessionRepository.save(second, baseVersion: 1, by: "dr.patel", now: now, clinicID: clinicID, on: db)
                }
            }
            let stored = try await store.database.read { db in try await SessionRepository.load(id: session.id, clinicID: clinicID, on: db) }
            #expect(stored.session.state == .preDoseChecks)
            #expect(stored.session.version == 2)
            #expect(stored.events.count == 1)  // the check-in
        }
    }

    @Test("DOMAIN.md §3.3, §3.4, §7.1: the session file carries the current screening, so a Child-Pugh B patient on an MAOI runs intensified")
    func intensificationFromStoredScreening() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            let patient = try await Self.patient(in: store)
            let now = Date()
            let today = LocalDate(utcDayOf: now)
            let session = try await store.database.write { db in
                try await SessionRepository.create(
                    patient: patient, route: .intranasalEsketamine, by: "nurse.kim", role: .nurse, now: now, clinicID: clinicID, on: db)
            }
            let unscreened = try await store.database.read { db in try await SessionRepository.load(id: session.id, clinicID: clinicID, on: db) }
            #expect(unscreened.stored?.screening == nil)
            #expect(unscreened.intensification(.seed).isEmpty)
            #expect(unscreened.effectivePolicy(.seed) == .seed)
            var history = IntakeHistory(
                dateOfBirth: try LocalDate.parse("1980-02-02"), plannedRoutes: [.intranasalEsketamine],
                diagnoses: [Diagnosis(code: "F41.1", isPrimary: true)], hepatic: .b,
                suicideRisk: SuicideRiskScreen(phq9Item9: 0, cssrsRisk: CSSRSRisk.none),
                medications: [Medication(name: "Nardil 15 mg", startDate: try LocalDate.parse("2025-01-01"))])
            history.transport = TransportPlan(escortArranged: true)
            let intake = history
            _ = try await store.database.write { db in
                try await IntakeRepository.save(
                    intake, patient: patient, source: "staff", policy: .seed, by: "nurse.kim", now: now, today: today, clinicID: clinicID, on: db)
            }
            let file = try await store.database.read { db in try await SessionRepository.load(id: session.id, clinicID: clinicID, on: db) }
            let intensification = file.intensification(.seed)
            #expect(intensification.reasons.map(\.key) == ["intensify.maoi", "intensify.hepatic-moderate"])
            #expect(intensification.kinds == [.closerBloodPressure, .extendedObservation])
            let effective = file.effectivePolicy(.seed)
            #expect(effective.discharge.rule(for: .spravato)?.effectiveMinutes == 180)
            #expect(effective.monitoring.schedule(.spravato, .bloodPressure)?.intervals.map(\.everyMinutes) == [10])

            // A new intake stamped an hour earlier (another instance's clock) supersedes the first and is the current one.
            history.hepatic = .none
            history.medications = []
            let cleared = history
            _ = try await store.database.write { db in
                try await IntakeRepository.save(
                    cleared, patient: patient, source: "staff", policy: .seed, by: "nurse.kim", now: now.addingTimeInterval(-3_600), today: today,
                    clinicID: clinicID, on: db)
            }
            let current = try await store.database.read { db in try await IntakeRepository.currentScreening(of: patient, clinicID: clinicID, on: db) }
            #expect(current?.historyVersion == 2)
            let after = try await store.database.read { db in try await SessionRepository.load(id: session.id, clinicID: clinicID, on: db) }
            #expect(after.stored?.screening != nil)
            #expect(after.intensification(.seed).isEmpty)
        }
    }

    @Test("Round trip: stopped early keeps its reason; baseline vitals, times and administered dose survive storage")
    func roundTrip() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            let patient = try await Self.patient(in: store)
            let now = Timestamps.date(Timestamps.ms(Date()))
            let loaded = try await store.database.write { db in
                var session = try await SessionRepository.create(
                    patient: patient, route: .intravenous, by: "nurse.kim", role: .nurse, now: now, clinicID: clinicID, on: db)
                session.baselineVitals = VitalSigns(systolic: 120, diastolic: 80, heartRate: 70, spo2: 98, respiratoryRate: 14)
                session.baselineVitalsAt = now
                session.dosingStart = now
                try await SessionRepository.recordAdministration(
                    &session, doseMg: Decimal(string: "41.5")!, at: now, by: "nurse.kim", role: .nurse, clinicID: clinicID, on: db)
                session.state = .stoppedEarly(reason: "vasovagal episode")
                try await SessionRepository.save(session, baseVersion: 1, by: "nurse.kim", now: now, clinicID: clinicID, on: db)
                return try await SessionRepository.load(id: session.id, clinicID: clinicID, on: db)
            }
            #expect(loaded.session.state == .stoppedEarly(reason: "vasovagal episode"))
            #expect(loaded.session.baselineVitals?.systolic == 120)
            #expect(loaded.session.administeredMg == Decimal(string: "41.5")!)
            #expect(loaded.session.dosingStart == now)
            #expect(loaded.events.map(\.kind) == ["transition", "administration"])
            let prior = try await store.database.read { db in try await SessionRepository.priorDoses(patient: patient, clinicID: clinicID, on: db) }
            #expect(prior.map(\.dose.dose.value) == [Decimal(string: "41.5")!])
        }
    }
}
