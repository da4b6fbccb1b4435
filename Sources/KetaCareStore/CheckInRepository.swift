public import Foundation
public import KetaCareDomain
public import SQLKit

/// A stored bladder or cognition check-in, with who entered it.
public struct StoredCheckIn: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID
    public let checkIn: SafetyCheckIn
    public let recordedAt: Date
    public let recordedBy: String
    public let role: String
}

/// Periodic safety check-ins (issue #5 long-term safety watch): appended, never changed; the latest per kind sets the next due date.
public enum CheckInRepository {
    /// Appends a check-in.
    public static func insert(
        _ checkIn: SafetyCheckIn, patient: PatientID, by actor: String, role: Role, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> StoredCheckIn {
        let stored = StoredCheckIn(
            id: SessionRepository.newID(), patientID: patient, checkIn: checkIn, recordedAt: now, recordedBy: actor, role: role.rawValue)
        try await db.insert(into: "safety_check_ins")
            .columns(
                "id", "clinic_id", "patient_id", "kind", "completed_at", "completed_by", "recorded_at", "recorded_by", "role", "has_flag",
                "check_in_json"
            )
            .values(
                SQLBind(stored.id), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(checkIn.kind.rawValue),
                SQLBind(Timestamps.ms(checkIn.completedAt)), SQLBind(checkIn.completedBy), SQLBind(Timestamps.ms(now)), SQLBind(actor),
                SQLBind(role.rawValue), SQLBind(Int64(checkIn.flags.isEmpty ? 0 : 1)), SQLBind(try SessionRepository.json(checkIn))
            ).run()
        return stored
    }

    /// A patient's check-ins, newest first.
    public static func list(patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [StoredCheckIn] {
        try await db.select().column("*").from("safety_check_ins").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("completed_at", .descending).orderBy("recorded_at", .descending)
            .limit(500).all().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> StoredCheckIn {
        StoredCheckIn(
            id: try row.decode(column: "id", as: String.self),
            patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
            checkIn: try JSONDecoder().decode(SafetyCheckIn.self, from: Data(try row.decode(column: "check_in_json", as: String.self).utf8)),
            recordedAt: Timestamps.date(try row.decode(column: "recorded_at", as: Int64.self)),
            recordedBy: try row.decode(column: "recorded_by", as: String.self), role: try row.decode(column: "role", as: String.self))
    }
}
