public import Foundation
public import KetaCareDomain
import SQLKit

/// Synthetic clinical history for demo patients: diagnoses, a responsible prescriber, and GAD-7 / PHQ-9 series that
/// improve in about half the patients (so trajectories, outcomes and the cohort report have something to show).
extension DemoClinic {
    /// Responses per instrument per patient (baseline + weekly follow-ups).
    public static let scoresPerInstrument = 5

    /// Primary diagnosis codes by share (DOMAIN.md §10.5): GAD, social anxiety, PTSD, panic, depression.
    static let primaryCodes: [(String, Int)] = [("F41.1", 40), ("F40.10", 15), ("F43.10", 20), ("F41.0", 15), ("F33.1", 10)]

    struct DemoHistory {
        let diagnoses: [(String, Bool)]
        let scores: [(instrument: String, answers: [Int?], at: Date, context: MeasurementContext)]
    }

    /// Patient `index`'s history: deterministic for the seed.
    func history(index: Int, now: Date) -> DemoHistory {
        var rng = SeededGenerator(seed: seed &* 7_919 &+ UInt64(index) &+ 17)
        var roll = Int.random(in: 0..<100, using: &rng)
        var primary = "F41.1"
        for (code, share) in Self.primaryCodes {
            if roll < share {
                primary = code
                break
            }
            roll -= share
        }
        var diagnoses = [(primary, true)]
        if primary != "F33.1", Int.random(in: 0..<100, using: &rng) < 40 { diagnoses.append(("F33.1", false)) }
        let start = now.addingTimeInterval(-Double(Int.random(in: 40...400, using: &rng)) * 86_400)
        let responder = Int.random(in: 0..<100, using: &rng) < 55
        var scores: [(String, [Int?], Date, MeasurementContext)] = []
        for (instrument, items, maxItem) in [("gad7", 7, 3), ("phq9", 9, 3)] {
            let baseline = Int.random(in: 9...19, using: &rng)
            for visit in 0..<Self.scoresPerInstrument {
                let fraction = responder ? Double(visit) * 0.16 : Double(visit) * 0.04
                let target = max(0, Int((Double(baseline) * (1 - fraction)).rounded()) + Int.random(in: -1...1, using: &rng))
                var left = target
                var answers: [Int?] = (0..<items).map { _ in
                    let value = min(maxItem, left, Int.random(in: 0...maxItem, using: &rng))
                    left -= value
                    return value
                }
                // Spread what is left over the items that still have room, so the total is the target.
                var i = 0
                while left > 0 && i < items * 4 {
                    if let current = answers[i % items], current < maxItem, !(instrument == "phq9" && i % items == 8) {
                        answers[i % items] = current + 1
                        left -= 1
                    }
                    i += 1
                }
                if instrument == "phq9" { answers[8] = (index % 25 == 24 && visit == Self.scoresPerInstrument - 1) ? 1 : 0 }
                let at = start.addingTimeInterval(Double(visit) * 7 * 86_400 + 9 * 3600)
                scores.append((instrument, answers, at, visit == 0 ? .baseline : .followUp))
            }
        }
        return DemoHistory(diagnoses: diagnoses, scores: scores)
    }

    /// Inserts histories for `patients` (already stored) in multi-row statements, with their outcome summaries.
    func seedMeasurements(
        for patients: [(index: Int, id: PatientID)], prescriber: String?, library: InstrumentLibrary, policy: ClinicPolicy, now: Date,
        clinicID: String, on db: any SQLDatabase
    ) async throws {
        var diagnosisRows: [(PatientID, String, Bool)] = []
        var responseRows: [(PatientID, Score, MeasurementContext, Date)] = []
        var summaries: [OutcomeSummaryRepository.Row] = []
        for (index, id) in patients {
            let history = history(index: index, now: now)
            diagnosisRows += history.diagnoses.map { (id, $0.0, $0.1) }
            var byInstrument: [String: [ScoredAdministration]] = [:]
            for entry in history.scores {
                let instrument = try library.instrument(named: entry.instrument)
                let score = try ScoringEngine.score(instrument, answers: entry.answers, policy: policy.scoring)
                responseRows.append((id, score, entry.context, entry.at))
                if let total = score.total {
                    byInstrument[entry.instrument, default: []].append(
                        ScoredAdministration(date: entry.at, total: total, isBaseline: entry.context == .baseline))
                }
            }
            let group = DiagnosisGroup.of(icd10: history.diagnoses.first { $0.1 }?.0 ?? "")
            let depression = history.diagnoses.contains { DiagnosisGroup.of(icd10: $0.0) == .depression && !$0.1 }
            for (instrumentID, scores) in byInstrument.sorted(by: { $0.key < $1.key }) {
                let criteria = policy.outcomes.criteria(for: try library.instrument(named: instrumentID))
                let report = PatientOutcome.evaluate(
                    scores, firstTreatment: nil, criteria: criteria, windowDays: policy.outcomes.baselineWindowDays.value)
                summaries.append(
                    OutcomeSummaryRepository.Row(
                        patient: id, instrumentID: instrumentID, group: group, hasDepression: depression, scoreCount: scores.count, report: report))
            }
        }
        try await DiagnosisRepository.insertBatch(diagnosisRows, by: "demo", now: now, clinicID: clinicID, on: db)
        for chunk in stride(from: 0, to: responseRows.count, by: 500) {
            try await MeasurementRepository.insertBatch(
                Array(responseRows[chunk..<min(chunk + 500, responseRows.count)]), enteredBy: "demo", now: now, clinicID: clinicID, on: db)
        }
        for chunk in stride(from: 0, to: summaries.count, by: 500) {
            try await OutcomeSummaryRepository.upsert(
                Array(summaries[chunk..<min(chunk + 500, summaries.count)]), now: now, clinicID: clinicID, on: db)
        }
        if let prescriber {
            let insert = db.insert(into: "care_team")
                .columns("id", "clinic_id", "patient_id", "care_role", "username", "assigned_at", "assigned_by", "reason")
            for (_, id) in patients {
                insert.values(
                    SQLBind("\(id.rawValue)-prescriber"), SQLBind(clinicID), SQLBind(id.rawValue), SQLBind(CareTeamRepository.prescriberRole),
                    SQLBind(prescriber), SQLBind(Timestamps.ms(now)), SQLBind("demo"), SQLBind("demo clinic"))
            }
            if !patients.isEmpty { try await insert.run() }
        }
    }
}
