public import Foundation
public import KetaCareDomain
public import SQLKit

/// One period during which a clinician held a role in a patient's care.
public struct CareTeamAssignment: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID
    /// `prescriber`: the clinician safety alerts are routed to.
    public let careRole: String
    public let username: String
    public let assignedAt: Date
    public let assignedBy: String
    public let reason: String
    public let endedAt: Date?
    public let endedBy: String?
}

/// Who is responsible for each patient. Assignments are never edited: a new one ends the old one, so the history stays.
public enum CareTeamRepository {
    /// The role safety alerts are routed to.
    public static let prescriberRole = "prescriber"

    /// Makes `username` the patient's responsible prescriber, ending the previous assignment.
    /// - Throws: `ValidationError` (field `prescriber`) when the account is unknown, disabled or not a prescriber.
    @discardableResult
    public static func assignPrescriber(
        patient: PatientID, username: String, reason: String, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> CareTeamAssignment {
        let name = username.lowercased().trimmingCharacters(in: .whitespaces)
        guard let user = try await UserRepository.find(username: name, clinicID: clinicID, on: db), user.role == .prescriber, !user.isDisabled else {
            throw ValidationError(
                field: "prescriber", message: "choose an active prescriber account (\(name.isEmpty ? "none given" : name) is not one)")
        }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard why.count <= 500 else { throw ValidationError(field: "reason", message: "reason is at most 500 characters") }
        if let current = try await prescriber(of: patient, clinicID: clinicID, on: db), current.username == user.username { return current }
        try await db.update("care_team").set("ended_at", to: SQLBind(Timestamps.ms(now))).set("ended_by", to: SQLBind(actor))
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .equal, SQLBind(patient.rawValue))
            .where("care_role", .equal, SQLBind(prescriberRole)).where("ended_at", .is, SQLLiteral.null).run()
        let assignment = CareTeamAssignment(
            id: UUID().uuidString.lowercased(), patientID: patient, careRole: prescriberRole, username: user.username, assignedAt: now,
            assignedBy: actor, reason: why.isEmpty ? "assigned" : why, endedAt: nil, endedBy: nil
        )
        try await db.insert(into: "care_team")
            .columns("id", "clinic_id", "patient_id", "care_role", "username", "assigned_at", "assigned_by", "reason")
            .values(
                SQLBind(assignment.id), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(prescriberRole), SQLBind(user.username),
                SQLBind(Timestamps.ms(now)), SQLBind(actor), SQLBind(assignment.reason)
            ).run()
        return assignment
    }

    /// The patient's current responsible prescriber, if one is assigned.
    public static func prescriber(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> CareTeamAssignment? {
        try await db.select().column("*").from("care_team").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).where("care_role", .equal, SQLBind(prescriberRole))
            .where("ended_at", .is, SQLLiteral.null).first().map(decode)
    }

    /// Every assignment of the patient, newest first.
    public static func history(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [CareTeamAssignment] {
        try await db.select().column("*").from("care_team").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("assigned_at", .descending).all().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> CareTeamAssignment {
        CareTeamAssignment(
            id: try row.decode(column: "id", as: String.self),
            patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
            careRole: try row.decode(column: "care_role", as: String.self),
            username: try row.decode(column: "username", as: String.self),
            assignedAt: Timestamps.date(try row.decode(column: "assigned_at", as: Int64.self)),
            assignedBy: try row.decode(column: "assigned_by", as: String.self),
            reason: try row.decode(column: "reason", as: String.self),
            endedAt: try row.decode(column: "ended_at", as: Int64?.self).map(Timestamps.date),
            endedBy: try row.decode(column: "ended_by", as: String?.self)
        )
    }
}
