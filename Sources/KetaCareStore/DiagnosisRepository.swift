public import Foundation
public import KetaCareDomain
public import SQLKit

/// A diagnosis on the patient's problem list (ICD-10-CM).
public struct PatientDiagnosis: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID
    public let code: String
    public let group: DiagnosisGroup
    public let isPrimary: Bool
    public let recordedAt: Date
    public let recordedBy: String
    public let endedAt: Date?
    public let endReason: String?
}

/// The patient's diagnoses. Rows are never deleted: a resolved or mistaken diagnosis is ended with a reason.
public enum DiagnosisRepository {
    /// The shape of an ICD-10-CM code: a letter, two characters, then up to four after the dot (`F41.1`, `F43.12`, `F32.A`).
    public static let codePattern = #"^[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$"#

    /// Adds a diagnosis; a new primary diagnosis makes the previous primary secondary (ended and re-recorded, so history shows it).
    /// - Throws: `ValidationError` (field `code`) for a code that is not ICD-10-CM shaped.
    @discardableResult
    public static func add(
        patient: PatientID, code rawCode: String, isPrimary: Bool, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> PatientDiagnosis {
        let code = rawCode.uppercased().trimmingCharacters(in: .whitespaces)
        guard code.range(of: codePattern, options: .regularExpression) != nil else {
            throw ValidationError(field: "code", message: "code must be an ICD-10-CM code such as F41.1, F40.10, F43.12, F41.0 or F33.1")
        }
        let current = try await current(of: patient, clinicID: clinicID, on: db)
        if let same = current.first(where: { $0.code == code }), !isPrimary || same.isPrimary {
            throw StoreError.duplicate(field: "code", message: "\(code) is already on the patient's diagnosis list")
        }
        for old in current where (isPrimary && old.isPrimary) || old.code == code {
            try await end(
                old.id, reason: old.code == code ? "re-recorded as primary" : "primary diagnosis changed", by: actor, now: now, clinicID: clinicID,
                on: db)
            if old.code != code {
                try await insert(patient: patient, code: old.code, isPrimary: false, by: actor, now: now, clinicID: clinicID, on: db)
            }
        }
        let added = try await insert(patient: patient, code: code, isPrimary: isPrimary, by: actor, now: now, clinicID: clinicID, on: db)
        try await OutcomeSummaryRepository.refreshDiagnosis(of: patient, now: now, clinicID: clinicID, on: db)
        return added
    }

    /// Ends a current diagnosis with a reason (resolved, entered in error …).
    public static func end(id: String, reason: String, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws
        -> PatientDiagnosis
    {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(why.count) else { throw ValidationError(field: "reason", message: "reason is required (1–500 characters)") }
        guard
            let row = try await db.select().column("*").from("patient_diagnoses").where("clinic_id", .equal, SQLBind(clinicID))
                .where("id", .equal, SQLBind(id)).where("ended_at", .is, SQLLiteral.null).first().map(decode)
        else { throw StoreError.notFound(resource: "diagnosis") }
        try await end(id, reason: why, by: actor, now: now, clinicID: clinicID, on: db)
        try await OutcomeSummaryRepository.refreshDiagnosis(of: row.patientID, now: now, clinicID: clinicID, on: db)
        return row
    }

    /// The patient's current diagnoses, primary first.
    public static func current(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [PatientDiagnosis] {
        try await db.select().column("*").from("patient_diagnoses").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).where("ended_at", .is, SQLLiteral.null)
            .orderBy("is_primary", .descending).orderBy("recorded_at").all().map(decode)
    }

    /// Every diagnosis ever recorded for the patient, newest first.
    public static func history(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [PatientDiagnosis] {
        try await db.select().column("*").from("patient_diagnoses").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("recorded_at", .descending).all().map(decode)
    }

    /// Inserts many diagnoses in one statement (demo data).
    static func insertBatch(_ rows: [(PatientID, String, Bool)], by actor: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        let insert = db.insert(into: "patient_diagnoses")
            .columns("id", "clinic_id", "patient_id", "code", "diagnosis_group", "is_primary", "recorded_at", "recorded_by")
        for (patient, code, primary) in rows {
            insert.values(
                SQLBind("\(patient.rawValue)-dx-\(code)"), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(code),
                SQLBind(DiagnosisGroup.of(icd10: code).rawValue), SQLBind(Int64(primary ? 1 : 0)), SQLBind(Timestamps.ms(now)), SQLBind(actor)
            )
        }
        try await insert.run()
    }

    @discardableResult
    private static func insert(
        patient: PatientID, code: String, isPrimary: Bool, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase
    )
        async throws -> PatientDiagnosis
    {
        let row = PatientDiagnosis(
            id: UUID().uuidString.lowercased(), patientID: patient, code: code, group: DiagnosisGroup.of(icd10: code), isPrimary: isPrimary,
            recordedAt: now, recordedBy: actor, endedAt: nil, endReason: nil
        )
        try await db.insert(into: "patient_diagnoses")
            .columns("id", "clinic_id", "patient_id", "code", "diagnosis_group", "is_primary", "recorded_at", "recorded_by")
            .values(
                SQLBind(row.id), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(code), SQLBind(row.group.rawValue),
                SQLBind(Int64(isPrimary ? 1 : 0)), SQLBind(Timestamps.ms(now)), SQLBind(actor)
            ).run()
        return row
    }

    private static func end(_ id: String, reason: String, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws {
        try await db.update("patient_diagnoses").set("ended_at", to: SQLBind(Timestamps.ms(now))).set("ended_by", to: SQLBind(actor))
            .set("end_reason", to: SQLBind(reason)).where("clinic_id", .equal, SQLBind(clinicID)).where("id", .equal, SQLBind(id))
            .where("ended_at", .is, SQLLiteral.null).run()
    }

    static func decode(_ row: any SQLRow) throws -> PatientDiagnosis {
        PatientDiagnosis(
            id: try row.decode(column: "id", as: String.self),
            patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
            code: try row.decode(column: "code", as: String.self),
            group: DiagnosisGroup(rawValue: try row.decode(column: "diagnosis_group", as: String.self)) ?? .other,
            isPrimary: try row.decode(column: "is_primary", as: Int64.self) != 0,
            recordedAt: Timestamps.date(try row.decode(column: "recorded_at", as: Int64.self)),
            recordedBy: try row.decode(column: "recorded_by", as: String.self),
            endedAt: try row.decode(column: "ended_at", as: Int64?.self).map(Timestamps.date),
            endReason: try row.decode(column: "end_reason", as: String?.self)
        )
    }
}
