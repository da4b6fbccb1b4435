public import Foundation
public import KetaCareDomain
public import SQLKit

/// A stored treatment plan with its row version (for optimistic concurrency).
public struct StoredPlan: Sendable, Equatable {
    public let plan: TreatmentPlan
    public let version: Int
    public let updatedBy: String
    public let updatedAt: Date
}

/// Treatment plans: the whole plan (template copy, adjustments, signature, phase transitions) stored as one versioned document.
public enum PlanRepository {
    /// Stores a new plan.
    public static func create(_ plan: TreatmentPlan, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws -> StoredPlan
    {
        try await db.insert(into: "treatment_plans")
            .columns("id", "clinic_id", "patient_id", "route", "phase", "plan_json", "version", "updated_by", "updated_at")
            .values(
                SQLBind(plan.id.rawValue), SQLBind(clinicID), SQLBind(plan.patientID.rawValue), SQLBind(plan.route.rawValue),
                SQLBind(plan.phase.rawValue), SQLBind(try encode(plan)), SQLBind(Int64(1)), SQLBind(actor), SQLBind(Timestamps.ms(now))
            ).run()
        try await OutcomeSummaryRepository.refreshRoute(of: plan.patientID, clinicID: clinicID, on: db)
        return StoredPlan(plan: plan, version: 1, updatedBy: actor, updatedAt: now)
    }

    /// Applies `change` to the stored plan and saves it, refusing when someone saved since `baseVersion`.
    public static func update(
        id: TreatmentPlanID, baseVersion: Int?, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase,
        _ change: (inout TreatmentPlan) throws -> Void
    ) async throws -> StoredPlan {
        guard let current = try await find(id: id, clinicID: clinicID, on: db) else { throw StoreError.notFound(resource: "plan") }
        if let baseVersion, baseVersion != current.version {
            throw StoreError.versionConflict(changedBy: current.updatedBy, changedAt: current.updatedAt, currentVersion: current.version)
        }
        var plan = current.plan
        try change(&plan)
        let updated = try await db.update("treatment_plans").set("plan_json", to: SQLBind(try encode(plan)))
            .set("phase", to: SQLBind(plan.phase.rawValue)).set("version", to: SQLBind(Int64(current.version + 1)))
            .set("updated_by", to: SQLBind(actor)).set("updated_at", to: SQLBind(Timestamps.ms(now)))
            .where("clinic_id", .equal, SQLBind(clinicID)).where("id", .equal, SQLBind(id.rawValue))
            .where("version", .equal, SQLBind(Int64(current.version))).returning("version").all()
        guard !updated.isEmpty else {
            throw StoreError.versionConflict(changedBy: "someone", changedAt: now, currentVersion: current.version + 1)
        }
        return StoredPlan(plan: plan, version: current.version + 1, updatedBy: actor, updatedAt: now)
    }

    /// The plan with `id` in this clinic.
    public static func find(id: TreatmentPlanID, clinicID: String, on db: any SQLDatabase) async throws -> StoredPlan? {
        try await db.select().column("*").from("treatment_plans").where("clinic_id", .equal, SQLBind(clinicID))
            .where("id", .equal, SQLBind(id.rawValue)).first().map(decode)
    }

    /// The patient's plans, newest first.
    public static func plans(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [StoredPlan] {
        try await db.select().column("*").from("treatment_plans").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("updated_at", .descending).all().map(decode)
    }

    /// The plans with `ids` in this clinic (unknown ids are left out).
    public static func plans(ids: [TreatmentPlanID], clinicID: String, on db: any SQLDatabase) async throws -> [StoredPlan] {
        guard !ids.isEmpty else { return [] }
        return try await db.select().column("*").from("treatment_plans").where("clinic_id", .equal, SQLBind(clinicID))
            .where("id", .in, SQLBind.group(Array(Set(ids.map(\.rawValue))).sorted())).all().map(decode)
    }

    static func encode(_ plan: TreatmentPlan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(plan), as: UTF8.self)
    }

    static func decode(_ row: any SQLRow) throws -> StoredPlan {
        StoredPlan(
            plan: try JSONDecoder().decode(TreatmentPlan.self, from: Data(try row.decode(column: "plan_json", as: String.self).utf8)),
            version: Int(try row.decode(column: "version", as: Int64.self)), updatedBy: try row.decode(column: "updated_by", as: String.self),
            updatedAt: Timestamps.date(try row.decode(column: "updated_at", as: Int64.self))
        )
    }
}
