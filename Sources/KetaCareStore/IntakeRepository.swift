public import Foundation
public import KetaCareDomain
public import SQLKit

/// A stored intake history version.
public struct StoredIntake: Sendable, Equatable {
    public let patientID: PatientID
    public let version: Int
    public let history: IntakeHistory
    /// `staff` or `patient-link`.
    public let source: String
    public let recordedBy: String
    public let recordedAt: Date
}

/// A stored screening result with the overrides and acknowledgements recorded against it.
public struct StoredScreening: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID
    public let historyVersion: Int
    public let result: ScreeningResult
    /// What caused this screening (`intake`, `intake v3`, `policy`).
    public let trigger: String
    public let screenedAt: Date
    public let screenedBy: String
    public let supersededAt: Date?
    public let overrides: [Override]

    /// The decision once overrides and acknowledgements are applied (DOMAIN.md §3.2–3.3).
    public var effective: EffectiveDecision { result.applying(overrides) }
    /// Whether the patient may be planned and booked: eligible after overrides, not superseded.
    public var isEligible: Bool { supersededAt == nil && effective.decision == .eligible }
}

/// Intake histories (versioned, never overwritten) and the eligibility screenings they produce.
public enum IntakeRepository {
    /// Stores a new version of the patient's history and screens it at once; the previous screening is marked superseded.
    ///
    /// The history's diagnoses become the patient's diagnosis list and its body measures are added to the measurement
    /// history when they differ, so dosing and outcomes read one source.
    public static func save(
        _ history: IntakeHistory, patient: PatientID, source: String, policy: EligibilityPolicy, by actor: String, now: Date, today: LocalDate,
        clinicID: String, on db: any SQLDatabase
    ) async throws -> (StoredIntake, StoredScreening) {
        let latest = try await db.select().column(SQLRaw("MAX(version)"), as: "v").from("intake_histories")
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .equal, SQLBind(patient.rawValue)).first()
        let version = Int(try latest?.decode(column: "v", as: Int64?.self) ?? 0) + 1
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await db.insert(into: "intake_histories")
            .columns("id", "clinic_id", "patient_id", "version", "history_json", "source", "recorded_by", "recorded_at")
            .values(
                SQLBind(UUID().uuidString.lowercased()), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(Int64(version)),
                SQLBind(String(decoding: try encoder.encode(history), as: UTF8.self)), SQLBind(source), SQLBind(actor), SQLBind(Timestamps.ms(now))
            ).run()
        try await syncDiagnoses(history.diagnoses, patient: patient, by: actor, now: now, clinicID: clinicID, on: db)
        if let measures = history.bodyMeasures {
            let existing = try await PatientRepository.measurements(patient: patient, clinicID: clinicID, on: db)
            for (kind, value) in [(BodyMeasurementKind.weight, measures.weightKg.value), (.height, measures.heightCm.value)] {
                let number = NSDecimalNumber(decimal: value).doubleValue
                let same = existing.contains { $0.kind == kind && $0.measuredOn == measures.measuredOn && abs($0.value - number) < 0.05 }
                if !same {
                    let measurement = BodyMeasurement(
                        stored: kind, value: number, measuredOn: measures.measuredOn, recordedBy: actor, recordedAt: now)
                    try await PatientRepository.addMeasurement(measurement, patient: patient, clinicID: clinicID, on: db)
                }
            }
        }
        let stored = StoredIntake(patientID: patient, version: version, history: history, source: source, recordedBy: actor, recordedAt: now)
        let screening = try await screen(
            stored, policy: policy, trigger: version == 1 ? "intake" : "intake v\(version)", by: actor, now: now, today: today, clinicID: clinicID,
            on: db)
        return (stored, screening)
    }

    /// Screens `intake` with the clinic's current rules, superseding the patient's previous result (DOMAIN.md §3).
    public static func screen(
        _ intake: StoredIntake, policy: EligibilityPolicy, trigger: String, by actor: String, now: Date, today: LocalDate, clinicID: String,
        on db: any SQLDatabase
    ) async throws -> StoredScreening {
        let result = Screening.screen(intake.history, policy: policy, asOf: today)
        try await db.update("screening_results").set("superseded_at", to: SQLBind(Timestamps.ms(now)))
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .equal, SQLBind(intake.patientID.rawValue))
            .where("superseded_at", .is, SQLLiteral.null).run()
        let id = UUID().uuidString.lowercased()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await db.insert(into: "screening_results")
            .columns(
                "id", "clinic_id", "patient_id", "history_version", "decision", "rule_set_version", "result_json", "trigger", "screened_at",
                "screened_by"
            )
            .values(
                SQLBind(id), SQLBind(clinicID), SQLBind(intake.patientID.rawValue), SQLBind(Int64(intake.version)), SQLBind(result.decision.rawValue),
                SQLBind(Int64(result.ruleSetVersion)), SQLBind(String(decoding: try encoder.encode(result), as: UTF8.self)), SQLBind(trigger),
                SQLBind(Timestamps.ms(now)), SQLBind(actor)
            ).run()
        return StoredScreening(
            id: id, patientID: intake.patientID, historyVersion: intake.version, result: result, trigger: trigger, screenedAt: now, screenedBy: actor,
            supersededAt: nil, overrides: [])
    }

    /// Records a prescriber's override of an absolute rule or acknowledgement of a relative one on the current screening.
    /// - Throws: `ValidationError` naming `ruleID` (not fired) or `reason` (blank); `StoreError.notFound` without a current screening.
    public static func addOverride(
        _ override: Override, patient: PatientID, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> StoredScreening {
        guard let current = try await currentScreening(of: patient, clinicID: clinicID, on: db) else {
            throw StoreError.notFound(resource: "screening")
        }
        guard current.result.firedRules.contains(where: { $0.ruleID == override.ruleID }) else {
            throw ValidationError(
                field: "ruleID",
                message: "rule \(override.ruleID) did not fire; fired: \(current.result.firedRules.map(\.ruleID).joined(separator: ", "))")
        }
        guard (3...1000).contains(override.reason.trimmingCharacters(in: .whitespacesAndNewlines).count) else {
            throw ValidationError(field: "reason", message: "reason is required (3–1000 characters): document why")
        }
        let effective = current.result.applying(current.overrides + [override])
        if let rejected = effective.rejected.first(where: { $0.override == override }) {
            throw ValidationError(field: "ruleID", message: "override refused: \(rejected.rejection.rawValue)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await db.insert(into: "screening_overrides").columns("id", "clinic_id", "screening_id", "rule_id", "override_json", "recorded_at")
            .values(
                SQLBind(UUID().uuidString.lowercased()), SQLBind(clinicID), SQLBind(current.id), SQLBind(override.ruleID),
                SQLBind(String(decoding: try encoder.encode(override), as: UTF8.self)), SQLBind(Timestamps.ms(now))
            ).run()
        return try await currentScreening(of: patient, clinicID: clinicID, on: db) ?? current
    }

    /// The newest history, if any.
    public static func currentHistory(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> StoredIntake? {
        guard
            let row = try await db.select().column("*").from("intake_histories").where("clinic_id", .equal, SQLBind(clinicID))
                .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("version", .descending).limit(1).first()
        else { return nil }
        return StoredIntake(
            patientID: patient, version: Int(try row.decode(column: "version", as: Int64.self)),
            history: try JSONDecoder().decode(IntakeHistory.self, from: Data(try row.decode(column: "history_json", as: String.self).utf8)),
            source: try row.decode(column: "source", as: String.self), recordedBy: try row.decode(column: "recorded_by", as: String.self),
            recordedAt: Timestamps.date(try row.decode(column: "recorded_at", as: Int64.self))
        )
    }

    /// The current (not superseded) screening with its overrides.
    ///
    /// Chosen by `superseded_at IS NULL`, not by the newest `screened_at`: a screening stamped earlier than the one it
    /// superseded (another instance's clock, a test clock) is still the current one.
    public static func currentScreening(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> StoredScreening? {
        try await screenings(of: patient, limit: 1, currentOnly: true, clinicID: clinicID, on: db).first
    }

    /// Screenings, newest first (superseded ones included, marked, unless `currentOnly`).
    public static func screenings(
        of patient: PatientID, limit: Int = 20, currentOnly: Bool = false, clinicID: String, on db: any SQLDatabase
    ) async throws -> [StoredScreening] {
        var query = db.select().column("*").from("screening_results").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue))
        if currentOnly { query = query.where("superseded_at", .is, SQLLiteral.null) }
        let rows = try await query.orderBy("screened_at", .descending).limit(limit).all()
        var out: [StoredScreening] = []
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            let overrides = try await db.select().column("override_json").from("screening_overrides").where("clinic_id", .equal, SQLBind(clinicID))
                .where("screening_id", .equal, SQLBind(id)).orderBy("recorded_at").all()
                .map { try JSONDecoder().decode(Override.self, from: Data(try $0.decode(column: "override_json", as: String.self).utf8)) }
            out.append(
                StoredScreening(
                    id: id, patientID: patient, historyVersion: Int(try row.decode(column: "history_version", as: Int64.self)),
                    result: try JSONDecoder().decode(ScreeningResult.self, from: Data(try row.decode(column: "result_json", as: String.self).utf8)),
                    trigger: try row.decode(column: "trigger", as: String.self),
                    screenedAt: Timestamps.date(try row.decode(column: "screened_at", as: Int64.self)),
                    screenedBy: try row.decode(column: "screened_by", as: String.self),
                    supersededAt: try row.decode(column: "superseded_at", as: Int64?.self).map(Timestamps.date), overrides: overrides
                ))
        }
        return out
    }

    /// Makes the patient's current diagnosis list match the history's (ending the rest with a reason; history kept).
    static func syncDiagnoses(_ diagnoses: [Diagnosis], patient: PatientID, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase)
        async throws
    {
        let current = try await DiagnosisRepository.current(of: patient, clinicID: clinicID, on: db)
        let wanted = Dictionary(diagnoses.map { ($0.code.uppercased(), $0.isPrimary) }) { a, _ in a }
        for existing in current where wanted[existing.code] != existing.isPrimary {
            _ = try await DiagnosisRepository.end(
                id: existing.id, reason: "updated by intake history", by: actor, now: now, clinicID: clinicID, on: db)
        }
        let kept = Set(current.filter { wanted[$0.code] == $0.isPrimary }.map(\.code))
        for diagnosis in diagnoses.sorted(by: { $0.isPrimary && !$1.isPrimary }) where !kept.contains(diagnosis.code.uppercased()) {
            try await DiagnosisRepository.add(
                patient: patient, code: diagnosis.code, isPrimary: diagnosis.isPrimary, by: actor, now: now, clinicID: clinicID, on: db)
        }
    }
}
