public import Foundation
public import KetaCareDomain
public import SQLKit

/// A stored questionnaire response with its score.
public struct QuestionnaireResponse: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID
    public let instrumentID: String
    public let instrumentVersion: String
    public let context: String
    public let mode: ResponseMode
    public let score: Score
    public let enteredBy: String
    public let answeredAt: Date
    public let enteredAt: Date
}

/// A safety alert raised by a response, open until a prescriber acknowledges it with an action note.
public struct StoredSafetyAlert: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID
    public let responseID: String
    public let ruleID: String
    public let kind: String
    public let priority: String
    public let message: String
    public let section: String
    public let blocksDosing: Bool
    public let raisedAt: Date
    public let acknowledgedBy: String?
    public let acknowledgedAt: Date?
    public let actionNote: String?

    /// Whether the alert still needs a prescriber.
    public var isOpen: Bool { acknowledgedAt == nil }
}

/// An open alert with whom it is routed to (DOMAIN.md §1.2: the patient's prescriber).
public struct RoutedAlert: Sendable, Equatable {
    public let alert: StoredSafetyAlert
    public let patientName: String
    /// The patient's responsible prescriber; nil when none is assigned (then every prescriber sees it as theirs).
    public let prescriber: String?
}

/// Questionnaire responses and the safety alerts they raise.
public enum MeasurementRepository {
    /// Stores a scored response and every alert it raised, in the caller's transaction.
    public static func record(
        _ score: Score, patient: PatientID, context: MeasurementContext, mode: ResponseMode, enteredBy: String, answeredAt: Date, now: Date,
        linkTokenHash: String? = nil, clinicID: String, on db: any SQLDatabase
    ) async throws -> (QuestionnaireResponse, [StoredSafetyAlert]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let id = UUID().uuidString.lowercased()
        let answers = String(decoding: try encoder.encode(score.answers), as: UTF8.self)
        let scoreJSON = String(decoding: try encoder.encode(score), as: UTF8.self)
        try await db.insert(into: "questionnaire_responses")
            .columns(
                "id", "clinic_id", "patient_id", "instrument_id", "instrument_version", "context", "mode", "answers_json", "total", "severity",
                "is_complete", "score_json", "entered_by", "answered_at", "entered_at", "link_token_hash"
            )
            .values(
                SQLBind(id), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(score.instrumentID), SQLBind(score.instrumentVersion),
                SQLBind(context.description), SQLBind(mode.rawValue), SQLBind(answers), SQLBind(score.total.map(Int64.init)), SQLBind(score.severity),
                SQLBind(Int64(score.isComplete ? 1 : 0)), SQLBind(scoreJSON), SQLBind(enteredBy), SQLBind(Timestamps.ms(answeredAt)),
                SQLBind(Timestamps.ms(now)), SQLBind(linkTokenHash)
            ).run()
        var alerts: [StoredSafetyAlert] = []
        for alert in score.alerts {
            let stored = StoredSafetyAlert(
                id: UUID().uuidString.lowercased(), patientID: patient, responseID: id, ruleID: alert.ruleID, kind: alert.kind.rawValue,
                priority: alert.priority.rawValue, message: alert.message, section: alert.section, blocksDosing: alert.blocksDosing, raisedAt: now,
                acknowledgedBy: nil, acknowledgedAt: nil, actionNote: nil
            )
            try await db.insert(into: "safety_alerts")
                .columns(
                    "id", "clinic_id", "patient_id", "response_id", "rule_id", "kind", "priority", "message", "section", "blocks_dosing", "raised_at"
                )
                .values(
                    SQLBind(stored.id), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(id), SQLBind(stored.ruleID), SQLBind(stored.kind),
                    SQLBind(stored.priority), SQLBind(stored.message), SQLBind(stored.section), SQLBind(Int64(stored.blocksDosing ? 1 : 0)),
                    SQLBind(Timestamps.ms(now))
                ).run()
            alerts.append(stored)
        }
        let response = QuestionnaireResponse(
            id: id, patientID: patient, instrumentID: score.instrumentID, instrumentVersion: score.instrumentVersion, context: context.description,
            mode: mode, score: score, enteredBy: enteredBy, answeredAt: answeredAt, enteredAt: now
        )
        return (response, alerts)
    }

    /// Inserts many scored responses (and their alerts) in two statements: for demo data and bulk loads.
    public static func insertBatch(
        _ rows: [(PatientID, Score, MeasurementContext, Date)], enteredBy: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws {
        guard !rows.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let insert = db.insert(into: "questionnaire_responses")
            .columns(
                "id", "clinic_id", "patient_id", "instrument_id", "instrument_version", "context", "mode", "answers_json", "total", "severity",
                "is_complete", "score_json", "entered_by", "answered_at", "entered_at", "link_token_hash"
            )
        var alerts: [(String, PatientID, SafetyAlert, Date)] = []
        for (patient, score, context, answeredAt) in rows {
            let id = UUID().uuidString.lowercased()
            insert.values(
                SQLBind(id), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(score.instrumentID), SQLBind(score.instrumentVersion),
                SQLBind(context.description), SQLBind(ResponseMode.paper.rawValue),
                SQLBind(String(decoding: try encoder.encode(score.answers), as: UTF8.self)),
                SQLBind(score.total.map(Int64.init)), SQLBind(score.severity), SQLBind(Int64(score.isComplete ? 1 : 0)),
                SQLBind(String(decoding: try encoder.encode(score), as: UTF8.self)), SQLBind(enteredBy), SQLBind(Timestamps.ms(answeredAt)),
                SQLBind(Timestamps.ms(now)), SQLBind(String?.none)
            )
            alerts += score.alerts.map { (id, patient, $0, answeredAt) }
        }
        try await insert.run()
        guard !alerts.isEmpty else { return }
        let alertInsert = db.insert(into: "safety_alerts")
            .columns(
                "id", "clinic_id", "patient_id", "response_id", "rule_id", "kind", "priority", "message", "section", "blocks_dosing", "raised_at")
        for (responseID, patient, alert, at) in alerts {
            alertInsert.values(
                SQLBind(UUID().uuidString.lowercased()), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(responseID), SQLBind(alert.ruleID),
                SQLBind(alert.kind.rawValue), SQLBind(alert.priority.rawValue), SQLBind(alert.message), SQLBind(alert.section),
                SQLBind(Int64(alert.blocksDosing ? 1 : 0)), SQLBind(Timestamps.ms(at))
            )
        }
        try await alertInsert.run()
    }

    /// A patient's responses, oldest first (the order trajectories are drawn in).
    public static func responses(patient: PatientID, instrument: String? = nil, clinicID: String, on db: any SQLDatabase) async throws
        -> [QuestionnaireResponse]
    {
        let select = db.select().column("*").from("questionnaire_responses").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue))
        if let instrument { select.where("instrument_id", .equal, SQLBind(instrument)) }
        return try await select.orderBy("answered_at").all().map(decodeResponse)
    }

    /// Alerts, newest first: open ones only unless `includeAcknowledged`.
    public static func alerts(
        patient: PatientID? = nil, includeAcknowledged: Bool = false, limit: Int = 200, clinicID: String, on db: any SQLDatabase
    ) async throws -> [StoredSafetyAlert] {
        let select = db.select().column("*").from("safety_alerts").where("clinic_id", .equal, SQLBind(clinicID))
        if let patient { select.where("patient_id", .equal, SQLBind(patient.rawValue)) }
        if !includeAcknowledged { select.where("acknowledged_at", .is, SQLLiteral.null) }
        return try await select.orderBy("raised_at", .descending).limit(limit).all().map(decodeAlert)
    }

    /// Open alerts with the patient's name and responsible prescriber, newest first: one query for the dashboard.
    public static func openAlertsRouted(limit: Int = 100, clinicID: String, on db: any SQLDatabase) async throws -> [RoutedAlert] {
        let rows = try await db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("a")))
            .column(SQLColumn("legal_given", table: "p")).column(SQLColumn("legal_family", table: "p"))
            .column(SQLColumn("preferred_name", table: "p")).column(SQLColumn("username", table: "c"), as: "prescriber")
            .from(SQLAlias(SQLIdentifier("safety_alerts"), as: SQLIdentifier("a")))
            .join(
                SQLAlias(SQLIdentifier("patients"), as: SQLIdentifier("p")), on: SQLColumn("id", table: "p"), .equal,
                SQLColumn("patient_id", table: "a")
            )
            .join(
                SQLAlias(SQLIdentifier("care_team"), as: SQLIdentifier("c")), method: SQLJoinMethod.left,
                on: SQLRaw("c.patient_id = a.patient_id AND c.care_role = 'prescriber' AND c.ended_at IS NULL")
            )
            .where(SQLColumn("clinic_id", table: "a"), .equal, SQLBind(clinicID)).where(
                SQLColumn("acknowledged_at", table: "a"), .is, SQLLiteral.null
            )
            .orderBy(SQLOrderBy(expression: SQLColumn("raised_at", table: "a"), direction: SQLDirection.descending)).limit(limit).all()
        return try rows.map { row in
            let given = try row.decode(column: "legal_given", as: String.self)
            let family = try row.decode(column: "legal_family", as: String.self)
            let preferred = try row.decode(column: "preferred_name", as: String?.self)
            var name = "\(family), \(given)"
            if let preferred, !preferred.isEmpty, preferred != given { name += " (\(preferred))" }
            return RoutedAlert(alert: try decodeAlert(row), patientName: name, prescriber: try row.decode(column: "prescriber", as: String?.self))
        }
    }

    /// Acknowledges an open alert with the action taken; an alert is acknowledged once.
    public static func acknowledge(alert id: String, note: String, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws
        -> StoredSafetyAlert
    {
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(trimmed.count) else {
            throw ValidationError(field: "note", message: "note is required (up to 1000 characters): say what was done")
        }
        guard
            let current = try await db.select().column("*").from("safety_alerts").where("clinic_id", .equal, SQLBind(clinicID))
                .where("id", .equal, SQLBind(id)).first().map(decodeAlert)
        else { throw StoreError.notFound(resource: "alert") }
        guard current.isOpen else {
            throw StoreError.duplicate(field: "alert", message: "this alert was already acknowledged by \(current.acknowledgedBy ?? "someone")")
        }
        try await db.update("safety_alerts").set("acknowledged_by", to: SQLBind(actor)).set("acknowledged_at", to: SQLBind(Timestamps.ms(now)))
            .set("action_note", to: SQLBind(trimmed)).where("id", .equal, SQLBind(id)).where("acknowledged_at", .is, SQLLiteral.null).run()
        return StoredSafetyAlert(
            id: current.id, patientID: current.patientID, responseID: current.responseID, ruleID: current.ruleID, kind: current.kind,
            priority: current.priority, message: current.message, section: current.section, blocksDosing: current.blocksDosing,
            raisedAt: current.raisedAt, acknowledgedBy: actor, acknowledgedAt: now, actionNote: trimmed
        )
    }

    static func decodeResponse(_ row: any SQLRow) throws -> QuestionnaireResponse {
        let scoreJSON = try row.decode(column: "score_json", as: String.self)
        return QuestionnaireResponse(
            id: try row.decode(column: "id", as: String.self),
            patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
            instrumentID: try row.decode(column: "instrument_id", as: String.self),
            instrumentVersion: try row.decode(column: "instrument_version", as: String.self),
            context: try row.decode(column: "context", as: String.self),
            mode: ResponseMode(rawValue: try row.decode(column: "mode", as: String.self)) ?? .paper,
            score: try JSONDecoder().decode(Score.self, from: Data(scoreJSON.utf8)),
            enteredBy: try row.decode(column: "entered_by", as: String.self),
            answeredAt: Timestamps.date(try row.decode(column: "answered_at", as: Int64.self)),
            enteredAt: Timestamps.date(try row.decode(column: "entered_at", as: Int64.self))
        )
    }

    static func decodeAlert(_ row: any SQLRow) throws -> StoredSafetyAlert {
        StoredSafetyAlert(
            id: try row.decode(column: "id", as: String.self),
            patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
            responseID: try row.decode(column: "response_id", as: String.self),
            ruleID: try row.decode(column: "rule_id", as: String.self),
            kind: try row.decode(column: "kind", as: String.self),
            priority: try row.decode(column: "priority", as: String.self),
            message: try row.decode(column: "message", as: String.self),
            section: try row.decode(column: "section", as: String.self),
            blocksDosing: try row.decode(column: "blocks_dosing", as: Int64.self) != 0,
            raisedAt: Timestamps.date(try row.decode(column: "raised_at", as: Int64.self)),
            acknowledgedBy: try row.decode(column: "acknowledged_by", as: String?.self),
            acknowledgedAt: try row.decode(column: "acknowledged_at", as: Int64?.self).map(Timestamps.date),
            actionNote: try row.decode(column: "action_note", as: String?.self)
        )
    }
}
