import Foundation
import KetaCareDomain
import KetaCareStore
import SQLKit
import Testing

@Suite("Care team, diagnoses and cohort outcomes (stored summaries)")
struct OutcomeCohortTests {
    static let library = try! InstrumentLibrary.bundled()
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// GAD-7 answers (0–3 each) adding up to `total`.
    static func answers(total: Int) -> [Int?] {
        var left = total
        return (0..<7).map { _ in
            let value = min(3, left)
            left -= value
            return value
        }
    }

    static func record(_ total: Int, day: Int, context: MeasurementContext, patient: PatientID, store: Store) async throws {
        let instrument = try library.instrument(named: "gad7")
        let score = try ScoringEngine.score(instrument, answers: answers(total: total), policy: .defaults)
        let clinicID = store.clinicID
        let at = start.addingTimeInterval(Double(day) * 86_400)
        try await store.database.write { db in
            _ = try await MeasurementRepository.record(
                score, patient: patient, context: context, mode: .paper, enteredBy: "nurse", answeredAt: at, now: at, clinicID: clinicID, on: db)
            try await OutcomeSummaryRepository.refresh(
                patient: patient, instrumentID: "gad7", criteria: OutcomePolicy.defaults.criteria(for: instrument), windowDays: 14,
                firstTreatment: nil, now: at, clinicID: clinicID, on: db
            )
        }
    }

    static func addDiagnosis(_ code: String, primary: Bool, patient: PatientID, store: Store) async throws {
        let clinicID = store.clinicID
        try await store.database.write { db in
            _ = try await DiagnosisRepository.add(patient: patient, code: code, isPrimary: primary, by: "dr", now: Date(), clinicID: clinicID, on: db)
        }
    }

    static func cohort(_ store: Store, _ filter: CohortFilter = CohortFilter(instrumentID: "gad7")) async throws -> [CohortLine] {
        let clinicID = store.clinicID
        return try await store.database.read { db in try await OutcomeSummaryRepository.cohort(filter, z: 1.96, clinicID: clinicID, on: db) }
    }

    @Test("Cohort lines by primary diagnosis, with the comorbid-depression subset, Wilson intervals and medians (DOMAIN.md §2.2)")
    func cohortByDiagnosis() async throws {
        try await TestStores.each { store in
            var ids: [PatientID] = []
            for n in 1...4 {
                let p = try PatientRegistryTests.patient("KC-\(n)", "Pat\(n)", "Cohort")
                try await PatientRegistryTests.create(p, in: store)
                ids.append(p.id)
            }
            try await Self.addDiagnosis("F41.1", primary: true, patient: ids[0], store: store)
            try await Self.addDiagnosis("F33.1", primary: false, patient: ids[0], store: store)
            try await Self.addDiagnosis("f41.1", primary: true, patient: ids[1], store: store)
            try await Self.addDiagnosis("F43.12", primary: true, patient: ids[2], store: store)
            // P1 16 → 6 (response, no remission: 6 ≥ 5), P2 12 → 4 (response and remission), P3 10 → 9, P4 baseline only.
            for (index, (baseline, later)) in [(16, 6), (12, 4), (10, 9)].enumerated() {
                try await Self.record(baseline, day: 0, context: .baseline, patient: ids[index], store: store)
                try await Self.record(later, day: 7 + index, context: .followUp, patient: ids[index], store: store)
            }
            try await Self.record(14, day: 0, context: .baseline, patient: ids[3], store: store)

            let lines = try await Self.cohort(store)
            let gad = try #require(lines.first { $0.group == .generalizedAnxiety && !$0.withDepression })
            #expect(gad.patients == 2 && gad.evaluable == 2)
            #expect(gad.response?.successes == 2 && gad.response?.trials == 2)
            #expect(gad.remission?.successes == 1 && gad.remission?.trials == 2)
            // Wilson 95% interval for 2/2: 0.342–1.0.
            #expect(abs((gad.response?.lower ?? 0) - 0.3424) < 0.001)
            let depressed = try #require(lines.first { $0.group == .generalizedAnxiety && $0.withDepression })
            #expect(depressed.patients == 1 && depressed.response?.successes == 1)
            let ptsd = try #require(lines.first { $0.group == .ptsd })
            #expect(ptsd.response?.successes == 0 && ptsd.response?.trials == 1 && ptsd.medianDaysToResponse == nil)
            let other = try #require(lines.first { $0.group == .other })
            #expect(other.patients == 1 && other.evaluable == 0 && other.response == nil)
            // Responders at follow-up days 7 and 8 after a first treatment just after the baseline: median 7.5 days, less the gap.
            let median = try #require(gad.medianDaysToResponse)
            #expect(median > 6.9 && median < 7.5)

            // A changed primary diagnosis moves the patient at once; the old one stays in history.
            try await Self.addDiagnosis("F41.0", primary: true, patient: ids[2], store: store)
            let moved = try await Self.cohort(store)
            #expect(moved.contains { $0.group == .panic && $0.patients == 1 })
            #expect(!moved.contains { $0.group == .ptsd && !$0.withDepression })
            let clinicID = store.clinicID
            let third = ids[2]
            let history = try await store.database.read { db in try await DiagnosisRepository.history(of: third, clinicID: clinicID, on: db) }
            #expect(history.count == 3)  // F43.12 primary (ended), F43.12 secondary, F41.0 primary
            let current = try await store.database.read { db in try await DiagnosisRepository.current(of: third, clinicID: clinicID, on: db) }
            #expect(current.map(\.code) == ["F41.0", "F43.12"])

            // Date filter: baselines from day 1 on leave nobody.
            #expect(try await Self.cohort(store, CohortFilter(instrumentID: "gad7", from: Self.start.addingTimeInterval(86_400))).isEmpty)
            #expect(try await Self.cohort(store, CohortFilter(instrumentID: "gad7", route: "iv")).isEmpty)
        }
    }

    @Test("Bad diagnosis codes and duplicates are refused naming the field")
    func diagnosisRefusals() async throws {
        try await TestStores.each { store in
            let p = try PatientRegistryTests.patient("KC-9", "Dee", "Codes")
            try await PatientRegistryTests.create(p, in: store)
            for bad in ["", "41.1", "F4", "U07.1", "F41.12345"] {
                await #expect(throws: ValidationError.self, "\(bad)") { try await Self.addDiagnosis(bad, primary: true, patient: p.id, store: store) }
            }
            try await Self.addDiagnosis("F41.1", primary: false, patient: p.id, store: store)
            await #expect(throws: StoreError.self) { try await Self.addDiagnosis("F41.1", primary: false, patient: p.id, store: store) }
            // Promoting an existing secondary diagnosis to primary is allowed.
            try await Self.addDiagnosis("F41.1", primary: true, patient: p.id, store: store)
            let clinicID = store.clinicID
            let current = try await store.database.read { db in try await DiagnosisRepository.current(of: p.id, clinicID: clinicID, on: db) }
            #expect(current.count == 1 && current.first?.isPrimary == true)
        }
    }

    @Test("Only an active prescriber can be responsible; reassignment keeps the history")
    func careTeam() async throws {
        try await TestStores.each { store in
            let clinicID = store.clinicID
            let p = try PatientRegistryTests.patient("KC-7", "Cara", "Team")
            try await PatientRegistryTests.create(p, in: store)
            try await store.database.write { db in
                for (name, role) in [("dr.a", Role.prescriber), ("dr.b", .prescriber), ("nurse.c", .nurse)] {
                    _ = try await UserRepository.create(
                        username: name, displayName: name, role: role, passwordHash: "x", now: Date(), clinicID: clinicID, on: db)
                }
            }
            await #expect(throws: ValidationError(field: "prescriber", message: "choose an active prescriber account (nurse.c is not one)")) {
                try await store.database.write { db in
                    try await CareTeamRepository.assignPrescriber(
                        patient: p.id, username: "nurse.c", reason: "", by: "desk", now: Date(), clinicID: clinicID, on: db)
                }
            }
            for name in ["dr.a", "DR.B"] {
                _ = try await store.database.write { db in
                    try await CareTeamRepository.assignPrescriber(
                        patient: p.id, username: name, reason: "intake", by: "desk", now: Date(), clinicID: clinicID, on: db)
                }
            }
            let (current, history) = try await store.database.read { db in
                (
                    try await CareTeamRepository.prescriber(of: p.id, clinicID: clinicID, on: db),
                    try await CareTeamRepository.history(of: p.id, clinicID: clinicID, on: db)
                )
            }
            #expect(current?.username == "dr.b")
            #expect(history.count == 2 && history.filter { $0.endedAt != nil }.map(\.username) == ["dr.a"])
        }
    }
}
