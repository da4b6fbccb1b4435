public import Foundation
public import KetaCareDomain
public import SQLKit

/// A questionnaire due (or overdue) for a patient on an active plan.
public struct DueQuestionnaire: Sendable, Equatable {
    public let patientID: PatientID
    public let patientName: String
    public let item: DueMeasurement
}

/// The measurement due list: each open plan's questionnaire schedule (issue #3) against its booked sessions and the
/// responses already stored.
public enum DueListRepository {
    /// Items due or overdue now, most overdue first.
    public static func due(now: Date, clinicID: String, on db: any SQLDatabase) async throws -> [DueQuestionnaire] {
        let rows = try await db.select().column("*").from("treatment_plans").where("clinic_id", .equal, SQLBind(clinicID))
            .where("phase", .notIn, SQLBind.group(["completed", "discontinued"])).all()
        let plans = try rows.map(PlanRepository.decode).map(\.plan)
        guard !plans.isEmpty else { return [] }
        let patients = try await PatientRepository.find(ids: Array(Set(plans.map(\.patientID))), clinicID: clinicID, on: db)
        let names = Dictionary(uniqueKeysWithValues: patients.map { ($0.id, $0.demographics.displayName) })
        // Two queries for every open plan together, not two per plan: the dashboard runs this on every load.
        let patientIDs = Array(Set(plans.map(\.patientID.rawValue)))
        let sessionRows = try await db.select().columns("plan_id", "starts_at").from("bookings").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .in, SQLBind.group(patientIDs)).where("status", .equal, SQLBind(BookingStatus.booked.rawValue)).all()
        var sessionsByPlan: [String: [Date]] = [:]
        for row in sessionRows {
            sessionsByPlan[try row.decode(column: "plan_id", as: String.self), default: []].append(
                Timestamps.date(try row.decode(column: "starts_at", as: Int64.self)))
        }
        let responseRows = try await db.select().columns("patient_id", "instrument_id", "answered_at", "context").from("questionnaire_responses")
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .in, SQLBind.group(patientIDs)).all()
        var completedByPatient: [String: [CompletedMeasurement]] = [:]
        for row in responseRows {
            guard let context = try? MeasurementContext.parse(try row.decode(column: "context", as: String.self)) else { continue }
            completedByPatient[try row.decode(column: "patient_id", as: String.self), default: []].append(
                CompletedMeasurement(
                    instrumentID: try row.decode(column: "instrument_id", as: String.self),
                    completedAt: Timestamps.date(try row.decode(column: "answered_at", as: Int64.self)), context: context))
        }
        var out: [DueQuestionnaire] = []
        for plan in plans {
            let items = plan.template.measurementSchedule.dueItems(
                sessions: sessionsByPlan[plan.id.rawValue] ?? [], phases: plan.phasePeriods,
                completed: completedByPatient[plan.patientID.rawValue] ?? [],
                now: now)
            for item in items where item.status == .due || item.status == .overdue {
                out.append(DueQuestionnaire(patientID: plan.patientID, patientName: names[plan.patientID] ?? "patient", item: item))
            }
        }
        return out.sorted { $0.item.dueAt < $1.item.dueAt }
    }
}
