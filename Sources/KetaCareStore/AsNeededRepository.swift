public import Foundation
public import KetaCareDomain
public import SQLKit

/// A maintenance plan whose primary-instrument scores propose an as-needed session, for the dashboard.
public struct OpenAsNeededProposal: Sendable, Equatable {
    public let plan: TreatmentPlan
    public let patientName: String
    public let finding: AsNeededFinding
}

/// The loss-of-response check (DOMAIN.md §5.2) over stored plans, scores, diagnoses and bookings, read in the caller's
/// transaction; the rule itself is ``LossOfResponseRule/assess(_:instrumentID:scores:criteria:baselineWindowDays:activeBookingStarts:)``.
public enum AsNeededRepository {
    /// The check for each of `plans`: four queries for all of them together (the dashboard runs this on every load).
    public static func assess(
        _ plans: [TreatmentPlan], policy: ClinicPolicy, library: InstrumentLibrary, clinicID: String, on db: any SQLDatabase
    ) async throws -> [TreatmentPlanID: AsNeededAssessment] {
        var out: [TreatmentPlanID: AsNeededAssessment] = [:]
        let maintenance = plans.filter { $0.phase == .maintenance }
        for plan in plans where plan.phase != .maintenance { out[plan.id] = .notProposed(.notInMaintenance) }
        guard !maintenance.isEmpty else { return out }
        if !policy.lossOfResponse.isEnabled.value {
            for plan in maintenance { out[plan.id] = .notProposed(.ruleDisabled) }
            return out
        }
        let patientIDs = Array(Set(maintenance.map(\.patientID.rawValue))).sorted()

        // The primary diagnosis picks the instrument (DOMAIN.md §1; GAD-7 when none is recorded).
        let diagnosisRows = try await db.select().columns("patient_id", "code").from("patient_diagnoses")
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .in, SQLBind.group(patientIDs))
            .where("ended_at", .is, SQLLiteral.null).where("is_primary", .equal, SQLBind(Int64(1))).orderBy("recorded_at").all()
        var groups: [String: DiagnosisGroup] = [:]
        // The first current primary by recording time, as `OutcomeSummaryRepository.diagnosisGroup` (the end-of-induction review) picks it.
        for row in diagnosisRows where groups[try row.decode(column: "patient_id", as: String.self)] == nil {
            groups[try row.decode(column: "patient_id", as: String.self)] = DiagnosisGroup.of(icd10: try row.decode(column: "code", as: String.self))
        }

        let scoreRows = try await db.select().columns("patient_id", "instrument_id", "total", "answered_at").from("questionnaire_responses")
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .in, SQLBind.group(patientIDs))
            .where("total", .isNot, SQLLiteral.null).all()
        var scores: [String: [ScorePoint]] = [:]
        for row in scoreRows {
            let key = "\(try row.decode(column: "patient_id", as: String.self))|\(try row.decode(column: "instrument_id", as: String.self))"
            scores[key, default: []].append(
                ScorePoint(
                    date: Timestamps.date(try row.decode(column: "answered_at", as: Int64.self)),
                    total: Int(clamping: try row.decode(column: "total", as: Int64.self))))
        }

        let bookingRows = try await db.select().columns("id", "plan_id", "starts_at").from("bookings").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .in, SQLBind.group(patientIDs)).where("status", .equal, SQLBind(BookingStatus.booked.rawValue)).all()
        var bookings: [String: [BookingID: Date]] = [:]
        for row in bookingRows {
            bookings[try row.decode(column: "plan_id", as: String.self), default: [:]][BookingID(try row.decode(column: "id", as: String.self))] =
                Timestamps.date(try row.decode(column: "starts_at", as: Int64.self))
        }

        for plan in maintenance {
            let instrumentID = (groups[plan.patientID.rawValue] ?? .other).primaryInstrumentID
            guard let instrument = try? library.instrument(named: instrumentID) else {
                out[plan.id] = .notProposed(.noResponseDefinition)
                continue
            }
            out[plan.id] = policy.lossOfResponse.assess(
                plan, instrumentID: instrument.id, scores: scores["\(plan.patientID.rawValue)|\(instrument.id)"] ?? [],
                criteria: policy.outcomes.criteria(for: instrument), baselineWindowDays: policy.outcomes.baselineWindowDays.value,
                activeBookingStarts: bookings[plan.id.rawValue] ?? [:])
        }
        return out
    }

    /// The check for one plan.
    public static func assess(
        _ plan: TreatmentPlan, policy: ClinicPolicy, library: InstrumentLibrary, clinicID: String, on db: any SQLDatabase
    ) async throws -> AsNeededAssessment {
        try await assess([plan], policy: policy, library: library, clinicID: clinicID, on: db)[plan.id] ?? .notProposed(.notInMaintenance)
    }

    /// Every maintenance plan with a proposed as-needed session, the most recent trigger first.
    public static func openProposals(
        policy: ClinicPolicy, library: InstrumentLibrary, clinicID: String, on db: any SQLDatabase
    ) async throws -> [OpenAsNeededProposal] {
        let plans = try await db.select().column("*").from("treatment_plans").where("clinic_id", .equal, SQLBind(clinicID))
            .where("phase", .equal, SQLBind(PlanPhase.maintenance.rawValue)).all().map(PlanRepository.decode).map(\.plan)
        guard !plans.isEmpty else { return [] }
        let assessments = try await assess(plans, policy: policy, library: library, clinicID: clinicID, on: db)
        let proposed = plans.compactMap { plan -> (TreatmentPlan, AsNeededFinding)? in
            guard case .proposed(let finding)? = assessments[plan.id] else { return nil }
            return (plan, finding)
        }
        guard !proposed.isEmpty else { return [] }
        let patients = try await PatientRepository.find(ids: Array(Set(proposed.map(\.0.patientID))), clinicID: clinicID, on: db)
        let names = Dictionary(patients.map { ($0.id, $0.demographics.displayName) }, uniquingKeysWith: { first, _ in first })
        return proposed.map { OpenAsNeededProposal(plan: $0.0, patientName: names[$0.0.patientID] ?? "patient", finding: $0.1) }
            .sorted { $0.finding.trigger.date > $1.finding.trigger.date }
    }
}
