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
        var out: [DueQuestionnaire] = []
        for plan in plans {
            let sessions = try await BookingRepository.bookings(of: plan.patientID, clinicID: clinicID, on: db)
                .filter { $0.booking.planID == plan.id && $0.booking.isActive }.map(\.booking.slot.start)
            let completed = try await db.select().columns("instrument_id", "answered_at", "context").from("questionnaire_responses")
                .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .equal, SQLBind(plan.patientID.rawValue)).all()
                .compactMap { row -> CompletedMeasurement? in
                    guard let context = try? MeasurementContext.parse(try row.decode(column: "context", as: String.self)) else { return nil }
                    return CompletedMeasurement(
                        instrumentID: try row.decode(column: "instrument_id", as: String.self),
                        completedAt: Timestamps.date(try row.decode(column: "answered_at", as: Int64.self)), context: context)
                }
            let items = plan.template.measurementSchedule.dueItems(sessions: sessions, phases: plan.phasePeriods, completed: completed, now: now)
            for item in items where item.status == .due || item.status == .overdue {
                out.append(DueQuestionnaire(patientID: plan.patientID, patientName: names[plan.patientID] ?? "patient", item: item))
            }
        }
        return out.sorted { $0.item.dueAt < $1.item.dueAt }
    }
}
