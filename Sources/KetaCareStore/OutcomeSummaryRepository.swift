public import Foundation
public import KetaCareDomain
public import SQLKit

/// One cohort line: patients of a diagnosis group (optionally only those with comorbid depression) on one instrument.
public struct CohortLine: Sendable, Equatable {
    public let group: DiagnosisGroup
    /// True for the "with comorbid depression" subset of the group.
    public let withDepression: Bool
    public let patients: Int
    /// Patients with a baseline and a later score.
    public let evaluable: Int
    public let response: ProportionEstimate?
    public let remission: ProportionEstimate?
    public let medianDaysToResponse: Double?
}

/// Filters of the cohort report.
public struct CohortFilter: Sendable, Equatable {
    public var instrumentID: String
    /// Baselines on or after this instant.
    public var from: Date?
    /// Baselines before this instant.
    public var until: Date?
    /// The treatment route of the patient's plan (`iv`, `im`, `sc`, `intranasal`, `oral`); nil for every route.
    public var route: String?

    /// Creates a filter.
    public init(instrumentID: String, from: Date? = nil, until: Date? = nil, route: String? = nil) {
        self.instrumentID = instrumentID
        self.from = from
        self.until = until
        self.route = route
    }
}

/// One row per patient and instrument with the outcome as of the latest score, kept current in the transaction that
/// stores each response, so the cohort report aggregates 100,000 patients without re-reading a million responses.
public enum OutcomeSummaryRepository {
    /// Recomputes the patient's outcome on `instrument` from every stored score (DOMAIN.md §2), in the caller's transaction.
    public static func refresh(
        patient: PatientID, instrumentID: String, criteria: OutcomeCriteria, windowDays: Int, firstTreatment: Date?, now: Date, clinicID: String,
        on db: any SQLDatabase
    ) async throws {
        let scores = try await scores(patient: patient, instrumentID: instrumentID, clinicID: clinicID, on: db)
        let report = PatientOutcome.evaluate(scores, firstTreatment: firstTreatment, criteria: criteria, windowDays: windowDays)
        let (group, depression) = try await diagnosisGroup(of: patient, clinicID: clinicID, on: db)
        try await upsert(
            [Row(patient: patient, instrumentID: instrumentID, group: group, hasDepression: depression, scoreCount: scores.count, report: report)],
            now: now, clinicID: clinicID, on: db
        )
        try await refreshRoute(of: patient, clinicID: clinicID, on: db)
    }

    /// The patient's outcome on one instrument counted from `firstTreatment` (DOMAIN.md §2), read in the caller's transaction.
    public static func report(
        patient: PatientID, instrumentID: String, criteria: OutcomeCriteria, windowDays: Int, firstTreatment: Date?, clinicID: String,
        on db: any SQLDatabase
    ) async throws -> OutcomeReport {
        let scores = try await scores(patient: patient, instrumentID: instrumentID, clinicID: clinicID, on: db)
        return PatientOutcome.evaluate(scores, firstTreatment: firstTreatment, criteria: criteria, windowDays: windowDays)
    }

    static func scores(patient: PatientID, instrumentID: String, clinicID: String, on db: any SQLDatabase) async throws -> [ScoredAdministration] {
        let rows = try await db.select().columns("total", "answered_at", "context").from("questionnaire_responses")
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .equal, SQLBind(patient.rawValue))
            .where("instrument_id", .equal, SQLBind(instrumentID)).where("total", .isNot, SQLLiteral.null).all()
        let scores = try rows.map { row in
            ScoredAdministration(
                date: Timestamps.date(try row.decode(column: "answered_at", as: Int64.self)),
                total: Int(try row.decode(column: "total", as: Int64.self)),
                isBaseline: try row.decode(column: "context", as: String.self) == MeasurementContext.baseline.description
            )
        }
        return scores
    }

    /// Labels the patient's summaries with the route of their latest plan (the cohort report's route filter).
    public static func refreshRoute(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws {
        let latest = try await db.select().column("route").from("treatment_plans").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("updated_at", .descending).limit(1).first()
        // Cohort routes group the label's spellings: intranasal esketamine and IV esketamine under their own names.
        let raw: String? = try latest?.decode(column: "route", as: String.self)
        let route: String? = raw.map { $0 == DosingRoute.intranasalEsketamine.rawValue ? "intranasal" : $0 }
        try await db.update("outcome_summaries").set("route", to: SQLBind(route)).where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).run()
    }

    /// Re-labels the patient's summaries after their diagnoses changed.
    public static func refreshDiagnosis(of patient: PatientID, now: Date, clinicID: String, on db: any SQLDatabase) async throws {
        let (group, depression) = try await diagnosisGroup(of: patient, clinicID: clinicID, on: db)
        try await db.update("outcome_summaries").set("diagnosis_group", to: SQLBind(group.rawValue))
            .set("has_depression", to: SQLBind(Int64(depression ? 1 : 0))).set("updated_at", to: SQLBind(Timestamps.ms(now)))
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .equal, SQLBind(patient.rawValue)).run()
    }

    /// The group of the patient's primary diagnosis and whether a depressive disorder is also current.
    public static func diagnosisGroup(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> (DiagnosisGroup, Bool) {
        let current = try await DiagnosisRepository.current(of: patient, clinicID: clinicID, on: db)
        let primary = current.first(where: \.isPrimary)?.group ?? .other
        let depression = current.contains { $0.group == .depression && !($0.isPrimary && primary == .depression) }
        return (primary, depression)
    }

    /// A summary row to write.
    struct Row {
        let patient: PatientID
        let instrumentID: String
        let group: DiagnosisGroup
        let hasDepression: Bool
        let scoreCount: Int
        let report: OutcomeReport
    }

    /// Writes summary rows, replacing existing ones (multi-row upsert; used by refresh and the demo loader).
    static func upsert(_ rows: [Row], now: Date, clinicID: String, on db: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        let insert = db.insert(into: "outcome_summaries")
            .columns(
                "clinic_id", "patient_id", "instrument_id", "diagnosis_group", "has_depression", "score_count", "baseline_score", "baseline_at",
                "latest_score", "latest_at", "is_response", "is_remission", "days_to_response", "updated_at"
            )
        for row in rows {
            let r = row.report
            insert.values(
                SQLBind(clinicID), SQLBind(row.patient.rawValue), SQLBind(row.instrumentID), SQLBind(row.group.rawValue),
                SQLBind(Int64(row.hasDepression ? 1 : 0)), SQLBind(Int64(row.scoreCount)), SQLBind(r.baseline.map { Int64($0.total) }),
                SQLBind(r.baseline.map { Timestamps.ms($0.date) }), SQLBind(r.latest.map { Int64($0.total) }),
                SQLBind(r.latest.map { Timestamps.ms($0.date) }), SQLBind(r.isResponse.map { Int64($0 ? 1 : 0) }),
                SQLBind(r.isRemission.map { Int64($0 ? 1 : 0) }), SQLBind(r.daysToFirstResponse), SQLBind(Timestamps.ms(now))
            )
        }
        try await insert.onConflict(with: ["clinic_id", "patient_id", "instrument_id"]) { conflict in
            conflict.set(excludedValueOf: "diagnosis_group").set(excludedValueOf: "has_depression").set(excludedValueOf: "score_count")
                .set(excludedValueOf: "baseline_score").set(excludedValueOf: "baseline_at").set(excludedValueOf: "latest_score")
                .set(excludedValueOf: "latest_at").set(excludedValueOf: "is_response").set(excludedValueOf: "is_remission")
                .set(excludedValueOf: "days_to_response").set(excludedValueOf: "updated_at")
        }.run()
    }

    /// The cohort report: one line per diagnosis group plus its comorbid-depression subset, with Wilson intervals at `z`.
    ///
    /// Three aggregate queries, whatever the number of patients: counts by group, then medians by window functions.
    public static func cohort(_ filter: CohortFilter, z: Double, clinicID: String, on db: any SQLDatabase) async throws -> [CohortLine] {
        func filtered(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
            select.where("clinic_id", .equal, SQLBind(clinicID)).where("instrument_id", .equal, SQLBind(filter.instrumentID))
            if let from = filter.from { select.where("baseline_at", .greaterThanOrEqual, SQLBind(Timestamps.ms(from))) }
            if let until = filter.until { select.where("baseline_at", .lessThan, SQLBind(Timestamps.ms(until))) }
            if let route = filter.route { select.where("route", .equal, SQLBind(route)) }
            return select
        }
        let counts = try await filtered(
            db.select().column("diagnosis_group").column("has_depression")
                .column(SQLRaw("COUNT(*)"), as: "patients")
                .column(SQLRaw("SUM(CASE WHEN baseline_score IS NOT NULL AND latest_score IS NOT NULL THEN 1 ELSE 0 END)"), as: "evaluable")
                .column(SQLRaw("SUM(CASE WHEN is_response = 1 THEN 1 ELSE 0 END)"), as: "responders")
                .column(SQLRaw("SUM(CASE WHEN is_response IS NOT NULL THEN 1 ELSE 0 END)"), as: "response_known")
                .column(SQLRaw("SUM(CASE WHEN is_remission = 1 THEN 1 ELSE 0 END)"), as: "remitters")
                .column(SQLRaw("SUM(CASE WHEN is_remission IS NOT NULL THEN 1 ELSE 0 END)"), as: "remission_known")
                .column(SQLRaw("SUM(CASE WHEN days_to_response IS NOT NULL THEN 1 ELSE 0 END)"), as: "timed")
                .from("outcome_summaries")
        ).groupBy("diagnosis_group").groupBy("has_depression").all()
        struct Tally { var patients = 0, evaluable = 0, responders = 0, responseKnown = 0, remitters = 0, remissionKnown = 0, timed = 0 }
        var all: [DiagnosisGroup: Tally] = [:]
        var depressed: [DiagnosisGroup: Tally] = [:]
        for row in counts {
            let group = DiagnosisGroup(rawValue: try row.decode(column: "diagnosis_group", as: String.self)) ?? .other
            let t = Tally(
                patients: Int(try row.decode(column: "patients", as: Int64.self)),
                evaluable: Int(try row.decode(column: "evaluable", as: Int64.self)),
                responders: Int(try row.decode(column: "responders", as: Int64.self)),
                responseKnown: Int(try row.decode(column: "response_known", as: Int64.self)),
                remitters: Int(try row.decode(column: "remitters", as: Int64.self)),
                remissionKnown: Int(try row.decode(column: "remission_known", as: Int64.self)),
                timed: Int(try row.decode(column: "timed", as: Int64.self))
            )
            var sum = all[group] ?? Tally()
            sum.patients += t.patients
            sum.evaluable += t.evaluable
            sum.responders += t.responders
            sum.responseKnown += t.responseKnown
            sum.remitters += t.remitters
            sum.remissionKnown += t.remissionKnown
            sum.timed += t.timed
            all[group] = sum
            if try row.decode(column: "has_depression", as: Int64.self) != 0 { depressed[group] = t }
        }
        // Medians by walking the covering index to the middle of each group (LIMIT/OFFSET), not by sorting every row.
        var medianAll: [DiagnosisGroup: Double] = [:]
        var medianDepressed: [DiagnosisGroup: Double] = [:]
        for (group, tally) in all where tally.timed > 0 {
            medianAll[group] = try await median(group: group, count: tally.timed, depressionOnly: false, filtered: filtered, on: db)
        }
        for (group, tally) in depressed where tally.timed > 0 {
            medianDepressed[group] = try await median(group: group, count: tally.timed, depressionOnly: true, filtered: filtered, on: db)
        }
        var lines: [CohortLine] = []
        for group in DiagnosisGroup.allCases {
            for (withDepression, tally, median) in [(false, all[group], medianAll[group]), (true, depressed[group], medianDepressed[group])] {
                guard let tally, tally.patients > 0 else { continue }
                lines.append(
                    CohortLine(
                        group: group, withDepression: withDepression, patients: tally.patients, evaluable: tally.evaluable,
                        response: try ProportionEstimate.wilson(successes: tally.responders, trials: tally.responseKnown, z: z),
                        remission: try ProportionEstimate.wilson(successes: tally.remitters, trials: tally.remissionKnown, z: z),
                        medianDaysToResponse: median
                    ))
            }
        }
        return lines
    }

    /// The median days to response of one group: the middle one or two values, read in index order.
    private static func median(
        group: DiagnosisGroup, count: Int, depressionOnly: Bool, filtered: (SQLSelectBuilder) -> SQLSelectBuilder, on db: any SQLDatabase
    ) async throws -> Double? {
        let select = filtered(db.select().column("days_to_response").from("outcome_summaries"))
            .where("diagnosis_group", .equal, SQLBind(group.rawValue)).where("days_to_response", .isNot, SQLLiteral.null)
        if depressionOnly { select.where("has_depression", .equal, SQLBind(Int64(1))) }
        let values = try await select.orderBy("days_to_response").limit(count % 2 == 1 ? 1 : 2).offset((count - 1) / 2).all()
            .map { try $0.decode(column: "days_to_response", as: Double.self) }
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }
}
