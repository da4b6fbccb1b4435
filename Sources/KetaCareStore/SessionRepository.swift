public import Foundation
public import KetaCareDomain
public import SQLKit

/// A treatment session as stored: where it is on the run-sheet, its version (for compare-and-swap edits) and the facts the
/// run-sheet needs at every request without replaying the timeline (baseline vitals, dosing times).
public struct TreatmentSession: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID
    public let route: DosingRoute
    public var state: SessionState
    public var version: Int
    /// The nurse-confirmed pre-dose checklist, once entered.
    public var checks: PreDoseConfirmations?
    /// The pre-dose vitals set (the baseline for rise thresholds and the Aldrete circulation item).
    public var baselineVitals: VitalSigns?
    /// When the pre-dose vitals were taken.
    public var baselineVitalsAt: Date?
    public var preDoseMOAAS: Int?
    public var preDoseCADSS: Int?
    public var dosingStart: Date?
    public var dosingEnd: Date?
    /// The first time the discharge criteria were met (or overridden).
    public var readyAt: Date?
    /// The dose given, once administered (the ledger will hook in at the same moment: ``SessionRepository/recordAdministration``).
    public var administeredMg: Decimal?
    /// The weight the order used.
    public var weightKg: Decimal?
    public var signedBy: String?
    public var signedAt: Date?
    public let createdAt: Date
    public let createdBy: String
    public var updatedAt: Date
    public var updatedBy: String

    /// Signed records are locked: only amendments may follow.
    public var isSigned: Bool { signedAt != nil }
}

/// A stored dose order with its independent double check.
public struct StoredDoseOrder: Sendable, Equatable {
    public let id: String
    public let sessionID: String
    public let route: DosingRoute
    public let entryID: String
    public let doseAmount: Decimal
    public let doseUnit: String
    public let concentration: Decimal?
    public let infusionMinutes: Decimal?
    public let weightKg: Decimal?
    public let weightMeasuredAt: Date?
    public let doseMg: Decimal
    public let volumeMl: Decimal?
    public let rateMlPerH: Decimal?
    public let devices: Int?
    /// `within`, `soft` or `hard` (hard orders are never stored).
    public let limitStatus: String
    public let limitName: String?
    public let limitMessage: String?
    public let overrideReason: String?
    /// The `DoseReport` as JSON, for the order screen and the API.
    public let reportJSON: String
    public let orderedBy: String
    public let orderedAt: Date
    public var verifiedBy: String?
    public var verifiedRole: Role?
    public var verifiedAt: Date?

    /// Whether a second clinician has verified it.
    public var isVerified: Bool { verifiedAt != nil }

    /// The dose as the prescriber wrote it.
    public var orderedDose: OrderedDose {
        doseUnit == DoseUnit.milligramsPerKilogram.rawValue ? .perKilogram(MilligramsPerKilogram(doseAmount)) : .fixed(Milligrams(doseAmount))
    }
}

/// One entry on the session timeline: a transition, a vitals set, an assessment, an infusion change, an administration …
public struct SessionEvent: Sendable, Equatable {
    public let id: String
    public let kind: String
    public let occurredAt: Date
    public let recordedBy: String
    public let role: String
    public let payloadJSON: String

    /// The payload decoded as `T`.
    public func payload<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(payloadJSON.utf8))
    }
}

/// Timeline event kinds.
public enum SessionEventKind {
    public static let transition = "transition"
    public static let vitals = "vitals"
    public static let assessment = "assessment"
    public static let sideEffects = "side_effects"
    public static let rescueMedication = "rescue_medication"
    public static let infusion = "infusion"
    public static let administration = "administration"
    public static let checks = "checks"
    public static let order = "order"
    public static let verification = "verification"
    public static let discharge = "discharge"
    public static let adverseEvent = "adverse_event"
    public static let alertAcknowledged = "alert_acknowledged"
    public static let signature = "signature"
    public static let amendment = "amendment"
    /// A documented pre-dose override (payload ``PreDoseOverride``).
    public static let preDoseOverride = "pre_dose_override"
    /// A reading overdue on the monitoring schedule (payload ``NotePayload``; the alerts hang off it).
    public static let monitoringOverdue = "monitoring_overdue"
}

/// A vitals event's payload.
public struct VitalsPayload: Codable, Sendable, Equatable {
    public var vitals: VitalSigns
    /// `pre_dose` or `in_session`.
    public var phase: String
    /// Whether the SpO2 was read on supplemental oxygen (nil in sets recorded before this was asked: room air).
    public var onSupplementalOxygen: Bool?

    /// Creates a payload.
    public init(vitals: VitalSigns, phase: String, onSupplementalOxygen: Bool? = nil) {
        self.vitals = vitals
        self.phase = phase
        self.onSupplementalOxygen = onSupplementalOxygen
    }
}

/// An assessment event's payload (MOAA/S or CADSS total).
public struct AssessmentPayload: Codable, Sendable, Equatable {
    public var instrument: String
    public var score: Int
    public var phase: String

    /// Creates a payload.
    public init(instrument: String, score: Int, phase: String) {
        self.instrument = instrument
        self.score = score
        self.phase = phase
    }
}

/// A free-form payload: a short note with optional numbers (infusion changes, administrations, amendments, signatures).
public struct NotePayload: Codable, Sendable, Equatable {
    public var note: String
    public var doseMg: Decimal?
    public var rateMlPerH: Decimal?
    public var reason: String?

    /// Creates a payload.
    public init(note: String, doseMg: Decimal? = nil, rateMlPerH: Decimal? = nil, reason: String? = nil) {
        self.note = note
        self.doseMg = doseMg
        self.rateMlPerH = rateMlPerH
        self.reason = reason
    }
}

/// An in-session alert, open until someone acknowledges it with the action taken (DOMAIN.md §6.5 alert mechanics).
public struct StoredSessionAlert: Sendable, Equatable {
    public let id: String
    public let eventID: String
    public let key: String
    public let signal: String
    public let level: AlertLevel
    public let threshold: String
    public let observed: String?
    public let action: String
    public let raisedAt: Date
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var actionTaken: String?

    /// Whether it still needs acknowledging.
    public var isOpen: Bool { acknowledgedAt == nil }
}

/// An open critical session alert with where it is, for escalation (DOMAIN.md §6.5).
public struct OpenCriticalAlert: Sendable, Equatable {
    public let alert: StoredSessionAlert
    public let sessionID: String
    public let patientID: PatientID
    public let patientName: String
    public let isEscalated: Bool
}

/// A stored adverse event with the reports it calls for.
public struct StoredAdverseEvent: Sendable, Equatable {
    public let id: String
    public let event: AdverseEvent
    public let obligations: [ReportingObligation]
    public let recordedAt: Date
}

/// Everything about one session, loaded together for the run-sheet, the print view and the API.
public struct SessionFile: Sendable {
    public let session: TreatmentSession
    public let order: StoredDoseOrder?
    public var events: [SessionEvent]
    public var alerts: [StoredSessionAlert]
    public var adverseEvents: [StoredAdverseEvent]
    /// The patient's stored consent for the session's route and current screening (issue #4), read with the session.
    public var stored: StoredTreatmentFacts? = nil
    /// The patient's questionnaire safety alerts (open, and recent acknowledged ones), newest first, for the pre-dose gate.
    public var patientAlerts: [StoredSafetyAlert] = []
    /// The patient's current screening (fired rules, interaction classes on the medication list), from which intensified
    /// monitoring follows (DOMAIN.md §3.3, §3.4); read with the pre-dose facts or by ``SessionRepository/loadScreening(into:clinicID:on:)``.
    public var screening: ScreeningResult? = nil

    /// The documented pre-dose overrides, oldest first.
    public var preDoseOverrides: [PreDoseOverride] {
        events.filter { $0.kind == SessionEventKind.preDoseOverride }.compactMap { try? $0.payload(PreDoseOverride.self) }
    }

    /// The vitals sets in time order.
    public var vitals: [(at: Date, payload: VitalsPayload)] {
        events.filter { $0.kind == SessionEventKind.vitals }.compactMap { e in (try? e.payload(VitalsPayload.self)).map { (e.occurredAt, $0) } }
    }

    /// The assessments of one instrument in time order.
    public func assessments(_ instrument: String) -> [(at: Date, score: Int, phase: String)] {
        events.filter { $0.kind == SessionEventKind.assessment }.compactMap { e in
            guard let p = try? e.payload(AssessmentPayload.self), p.instrument == instrument else { return nil }
            return (e.occurredAt, p.score, p.phase)
        }
    }

    /// Whether a stop-dosing (or worse) alert is still unacknowledged.
    public var hasOpenCriticalAlert: Bool { alerts.contains { $0.isOpen && $0.level >= .stopDosing } }
}

/// Treatment sessions: the run-sheet record, its dose order, timeline, alerts and adverse events.
///
/// Every change bumps the session's version with a compare-and-swap, so two people editing the same session never overwrite
/// each other; timeline entries are appended, never updated.
public enum SessionRepository {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    static func newID() -> String { UUID().uuidString.lowercased() }

    // MARK: - Sessions

    /// Checks a patient in for a session by `route`.
    public static func create(
        patient: PatientID, route: DosingRoute, by actor: String, role: Role, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> TreatmentSession {
        let session = TreatmentSession(
            id: newID(), patientID: patient, route: route, state: .initial, version: 1, checks: nil, baselineVitals: nil, baselineVitalsAt: nil,
            preDoseMOAAS: nil, preDoseCADSS: nil, dosingStart: nil, dosingEnd: nil, readyAt: nil, administeredMg: nil, weightKg: nil,
            signedBy: nil, signedAt: nil, createdAt: now, createdBy: actor, updatedAt: now, updatedBy: actor)
        try await db.insert(into: "treatment_sessions")
            .columns("id", "clinic_id", "patient_id", "route", "state", "version", "created_at", "created_by", "updated_at", "updated_by")
            .values(
                SQLBind(session.id), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(route.rawValue), SQLBind(session.state.name),
                SQLBind(Int64(1)), SQLBind(Timestamps.ms(now)), SQLBind(actor), SQLBind(Timestamps.ms(now)), SQLBind(actor)
            ).run()
        let transition = SessionTransition(from: .initial, to: .initial, by: actor, role: role, at: now, reason: "checked in")
        try await appendEvent(
            session, kind: SessionEventKind.transition, payload: transition, at: now, by: actor, role: role, clinicID: clinicID, on: db)
        return session
    }

    /// The session with `id`, or ``StoreError/notFound(resource:)``.
    public static func require(id: String, clinicID: String, on db: any SQLDatabase) async throws -> TreatmentSession {
        guard
            let row = try await db.select().column("*").from("treatment_sessions").where("clinic_id", .equal, SQLBind(clinicID))
                .where("id", .equal, SQLBind(id)).first()
        else { throw StoreError.notFound(resource: "session") }
        return try decodeSession(row)
    }

    /// A patient's sessions, newest first.
    public static func list(patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [TreatmentSession] {
        try await db.select().column("*").from("treatment_sessions").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("created_at", .descending).limit(500).all().map(decodeSession)
    }

    /// The session's current dose order; withdrawn ones stay in the table and on the timeline.
    /// The session a dose order belongs to, if the order exists.
    public static func session(ofOrder orderID: String, on db: any SQLDatabase) async throws -> String? {
        try await db.select().columns("session_id").from("dose_orders").where("id", .equal, SQLBind(orderID)).first()?
            .decode(column: "session_id", as: String.self)
    }

    public static func currentOrder(session id: String, on db: any SQLDatabase) async throws -> StoredDoseOrder? {
        try await db.select().column("*").from("dose_orders").where("session_id", .equal, SQLBind(id))
            .where("withdrawn_at", .is, SQLLiteral.null).first().map(decodeOrder)
    }

    /// The session with its order, timeline, alerts and adverse events.
    ///
    /// `includePreDoseFacts: false` skips the patient's stored consent, screening and questionnaire safety alerts (three
    /// reads), which only the pre-dose gate reads; ``loadPreDoseFacts(into:clinicID:now:on:)`` adds them later.
    public static func load(
        id: String, clinicID: String, now: Date = Date(), includePreDoseFacts: Bool = true, includeTimeline: Bool = true,
        on db: any SQLDatabase
    ) async throws -> SessionFile {
        let session = try await require(id: id, clinicID: clinicID, on: db)
        let order = try await currentOrder(session: id, on: db)
        var file = SessionFile(session: session, order: order, events: [], alerts: [], adverseEvents: [])
        if includeTimeline { try await loadTimeline(into: &file, on: db) }
        if includePreDoseFacts { try await loadPreDoseFacts(into: &file, clinicID: clinicID, now: now, on: db) }
        return file
    }

    /// Adds the session's timeline, alerts and adverse events (`load(…, includeTimeline: false)` leaves them empty: a command
    /// that only appends, such as a vitals set, does not read them).
    public static func loadTimeline(into file: inout SessionFile, on db: any SQLDatabase) async throws {
        let id = file.session.id
        file.events = try await db.select().column("*").from("session_events").where("session_id", .equal, SQLBind(id))
            .orderBy("seq").all().map { row in
                SessionEvent(
                    id: try row.decode(column: "id", as: String.self), kind: try row.decode(column: "kind", as: String.self),
                    occurredAt: Timestamps.date(try row.decode(column: "occurred_at", as: Int64.self)),
                    recordedBy: try row.decode(column: "recorded_by", as: String.self), role: try row.decode(column: "role", as: String.self),
                    payloadJSON: try row.decode(column: "payload_json", as: String.self))
            }
        file.alerts = try await db.select().column("*").from("session_alerts").where("session_id", .equal, SQLBind(id)).orderBy("raised_at").all()
            .map(decodeAlert)
        file.adverseEvents = try await db.select().column("*").from("adverse_events").where("session_id", .equal, SQLBind(id)).orderBy("onset")
            .all().map(decodeAdverseEvent)
    }

    /// Adds the patient's stored consent and screening and questionnaire safety alerts, which the pre-dose gate reads.
    public static func loadPreDoseFacts(into file: inout SessionFile, clinicID: String, now: Date = Date(), on db: any SQLDatabase) async throws {
        let session = file.session
        file.stored = try await storedFacts(patient: session.patientID, route: session.route, now: now, clinicID: clinicID, on: db)
        file.screening = file.stored?.screening
        file.patientAlerts = try await MeasurementRepository.alerts(
            patient: session.patientID, includeAcknowledged: true, limit: 100, clinicID: clinicID, on: db)
    }

    /// Adds the patient's current screening only, for the commands that read the monitoring schedule or the discharge rules
    /// (``SessionCommand/readsMonitoringSchedule``): what the session's intensified policy follows from (DOMAIN.md §3.3, §3.4).
    public static func loadScreening(into file: inout SessionFile, clinicID: String, on db: any SQLDatabase) async throws {
        file.screening = try await IntakeRepository.currentScreening(of: file.session.patientID, clinicID: clinicID, on: db)?.result
    }

    /// Unacknowledged stop-dosing and emergency alerts of the clinic, oldest first, with the patient's name.
    public static func openCriticalAlerts(clinicID: String, on db: any SQLDatabase) async throws -> [OpenCriticalAlert] {
        let rows = try await db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("a")))
            .column(SQLColumn("legal_given", table: "p")).column(SQLColumn("legal_family", table: "p"))
            .from(SQLAlias(SQLIdentifier("session_alerts"), as: SQLIdentifier("a")))
            .join(
                SQLAlias(SQLIdentifier("patients"), as: SQLIdentifier("p")), on: SQLColumn("id", table: "p"), .equal,
                SQLColumn("patient_id", table: "a")
            )
            .where(SQLColumn("clinic_id", table: "a"), .equal, SQLBind(clinicID))
            .where(SQLColumn("acknowledged_at", table: "a"), .is, SQLLiteral.null)
            .where(SQLColumn("level", table: "a"), .in, SQLBind.group([AlertLevel.stopDosing.rawValue, AlertLevel.emergency.rawValue]))
            .orderBy(SQLColumn("raised_at", table: "a")).limit(100).all()
        return try rows.map { row in
            OpenCriticalAlert(
                alert: try decodeAlert(row), sessionID: try row.decode(column: "session_id", as: String.self),
                patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
                patientName: "\(try row.decode(column: "legal_family", as: String.self)), \(try row.decode(column: "legal_given", as: String.self))",
                isEscalated: try row.decode(column: "escalated_at", as: Int64?.self) != nil)
        }
    }

    /// Marks an alert escalated, once: false when it was already escalated or acknowledged (another instance got there first).
    public static func markEscalated(alertID: String, now: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.update("session_alerts").set("escalated_at", to: SQLBind(Timestamps.ms(now))).where("id", .equal, SQLBind(alertID))
            .where("escalated_at", .is, SQLLiteral.null).where("acknowledged_at", .is, SQLLiteral.null).returning("id").first() != nil
    }

    /// Every administered session dose (for reconciliation against the ledger, DOMAIN.md §9.6): session, order, mg, when.
    public static func administeredDoses(clinicID: String, on db: any SQLDatabase) async throws -> [SessionDose] {
        let rows = try await db.select().column(SQLColumn("id", table: "s")).column(SQLColumn("administered_mg", table: "s"))
            .column(SQLColumn("dosing_start", table: "s")).column(SQLColumn("patient_id", table: "s")).column(
                SQLColumn("id", table: "o"), as: "order_id"
            )
            .from(SQLAlias(SQLIdentifier("treatment_sessions"), as: SQLIdentifier("s")))
            .join(
                SQLAlias(SQLIdentifier("dose_orders"), as: SQLIdentifier("o")), on: SQLColumn("session_id", table: "o"), .equal,
                SQLColumn("id", table: "s")
            )
            .where(SQLColumn("clinic_id", table: "s"), .equal, SQLBind(clinicID)).where(
                SQLColumn("administered_mg", table: "s"), .isNot, SQLLiteral.null
            ).where(SQLColumn("withdrawn_at", table: "o"), .is, SQLLiteral.null)
            .all()
        return try rows.compactMap { row in
            guard let mg = Decimal(string: try row.decode(column: "administered_mg", as: String.self)),
                let at = try row.decode(column: "dosing_start", as: Int64?.self)
            else { return nil }
            return SessionDose(
                sessionID: try row.decode(column: "id", as: String.self), doseOrderID: try row.decode(column: "order_id", as: String.self),
                given: Milligrams(mg), administeredAt: Timestamps.date(at), patientID: try row.decode(column: "patient_id", as: String.self))
        }
    }

    /// Consent and eligibility as the chart records them: current consent for `route`, and the current screening's decision
    /// for the route's product after overrides (nil parts when the patient has no intake or consent record yet).
    public static func storedFacts(patient: PatientID, route: DosingRoute, now: Date, clinicID: String, on db: any SQLDatabase) async throws
        -> StoredTreatmentFacts
    {
        let consent = try await ConsentRepository.status(of: patient, route: route, now: now, clinicID: clinicID, on: db)
        let screening = try await IntakeRepository.currentScreening(of: patient, clinicID: clinicID, on: db)
        let hasConsentRecord = !(try await ConsentRepository.records(of: patient, clinicID: clinicID, on: db)).isEmpty
        return StoredTreatmentFacts(
            hasConsentRecord: hasConsentRecord, consentCurrent: consent.hasValidConsent, screenedAt: screening?.screenedAt,
            eligible: screening.map { ($0.effective.decision(for: route.product) ?? $0.effective.decision) == .eligible },
            screening: screening?.result)
    }

    /// Saves `updated` over the stored row if nobody saved since `baseVersion` (compare-and-swap), returning it at its new version.
    ///
    /// Throws ``StoreError/versionConflict(changedBy:changedAt:currentVersion:)`` when the edit was based on an older version.
    @discardableResult
    public static func save(
        _ updated: TreatmentSession, baseVersion: Int, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> TreatmentSession {
        var next = updated
        next.version = baseVersion + 1
        next.updatedAt = now
        next.updatedBy = actor
        let checks = try next.checks.map(json)
        let baseline = try next.baselineVitals.map { try json(BaselineVitals(vitals: $0, takenAt: next.baselineVitalsAt ?? now)) }
        let touched = try await db.update("treatment_sessions")
            .set("state", to: SQLBind(next.state.name)).set("stop_reason", to: SQLBind(next.state.stopReasonText))
            .set("version", to: SQLBind(Int64(next.version))).set("checks_json", to: SQLBind(checks))
            .set("baseline_vitals_json", to: SQLBind(baseline)).set("pre_dose_moaas", to: SQLBind(next.preDoseMOAAS.map(Int64.init)))
            .set("pre_dose_cadss", to: SQLBind(next.preDoseCADSS.map(Int64.init)))
            .set("dosing_start", to: SQLBind(next.dosingStart.map(Timestamps.ms))).set("dosing_end", to: SQLBind(next.dosingEnd.map(Timestamps.ms)))
            .set("ready_at", to: SQLBind(next.readyAt.map(Timestamps.ms))).set("administered_mg", to: SQLBind(next.administeredMg.map { "\($0)" }))
            .set("weight_kg", to: SQLBind(next.weightKg.map { "\($0)" })).set("signed_by", to: SQLBind(next.signedBy))
            .set("signed_at", to: SQLBind(next.signedAt.map(Timestamps.ms))).set("updated_at", to: SQLBind(Timestamps.ms(now)))
            .set("updated_by", to: SQLBind(actor))
            .where("clinic_id", .equal, SQLBind(clinicID)).where("id", .equal, SQLBind(updated.id))
            .where("version", .equal, SQLBind(Int64(baseVersion))).returning("id").all()
        if touched.isEmpty {
            let winner = try await require(id: updated.id, clinicID: clinicID, on: db)
            throw StoreError.versionConflict(changedBy: winner.updatedBy, changedAt: winner.updatedAt, currentVersion: winner.version)
        }
        return next
    }

    // MARK: - Timeline

    /// Appends one timeline entry.
    @discardableResult
    public static func appendEvent<P: Encodable>(
        _ session: TreatmentSession, kind: String, payload: P, at occurredAt: Date, by actor: String, role: Role, recordedAt: Date? = nil,
        clinicID: String, on db: any SQLDatabase
    ) async throws -> String {
        try await appendEvent(
            session, kind: kind, payload: payload, at: occurredAt, by: actor, roleName: role.rawValue, recordedAt: recordedAt, clinicID: clinicID,
            on: db)
    }

    /// Appends one timeline entry under a role name (`-` for the system's own entries, such as an overdue reading).
    @discardableResult
    static func appendEvent<P: Encodable>(
        _ session: TreatmentSession, kind: String, payload: P, at occurredAt: Date, by actor: String, roleName: String, recordedAt: Date? = nil,
        clinicID: String, on db: any SQLDatabase
    ) async throws -> String {
        let id = newID()
        // Entries are numbered per session, so the timeline keeps the order they were written in even within one millisecond;
        // the number is taken in the INSERT itself (one round trip; the session row's compare-and-swap serialises writers).
        try await db.raw(
            """
            INSERT INTO session_events (id, clinic_id, session_id, patient_id, seq, kind, occurred_at, recorded_at, recorded_by, role, payload_json)
            SELECT \(bind: id), \(bind: clinicID), \(bind: session.id), \(bind: session.patientID.rawValue), COALESCE(MAX(seq), 0) + 1, \(bind: kind),
                \(bind: Timestamps.ms(occurredAt)), \(bind: Timestamps.ms(recordedAt ?? occurredAt)), \(bind: actor), \(bind: roleName),
                \(bind: try json(payload))
            FROM session_events WHERE session_id = \(bind: session.id)
            """
        ).run()
        return id
    }

    /// Records that the dose was given: the session's administered mg and an `administration` timeline event.
    ///
    /// The seam for the controlled-substance ledger: it is always called inside the session's audited transaction (`db`), so the
    /// ledger's administration entry can be written here, on the same `db`, and commit or roll back with the session.
    public static func recordAdministration(
        _ session: inout TreatmentSession, doseMg: Decimal, at time: Date, by actor: String, role: Role, clinicID: String, on db: any SQLDatabase
    ) async throws {
        session.administeredMg = doseMg
        try await appendEvent(
            session, kind: SessionEventKind.administration, payload: NotePayload(note: "dose administered", doseMg: doseMg), at: time, by: actor,
            role: role, clinicID: clinicID, on: db)
    }

    /// Stores the alerts a timeline entry raised.
    public static func insertAlerts(
        _ alerts: [SessionAlert], session: TreatmentSession, eventID: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> [StoredSessionAlert] {
        var stored: [StoredSessionAlert] = []
        for alert in alerts {
            let row = StoredSessionAlert(
                id: newID(), eventID: eventID, key: alert.key, signal: alert.signal, level: alert.level, threshold: alert.threshold,
                observed: alert.observed.map { "\($0)" }, action: alert.action, raisedAt: now, acknowledgedBy: nil, acknowledgedAt: nil,
                actionTaken: nil)
            try await db.insert(into: "session_alerts")
                .columns(
                    "id", "clinic_id", "session_id", "patient_id", "event_id", "alert_key", "signal", "level", "threshold", "observed", "action",
                    "raised_at"
                )
                .values(
                    SQLBind(row.id), SQLBind(clinicID), SQLBind(session.id), SQLBind(session.patientID.rawValue), SQLBind(eventID), SQLBind(row.key),
                    SQLBind(row.signal), SQLBind(row.level.rawValue), SQLBind(row.threshold), SQLBind(row.observed), SQLBind(row.action),
                    SQLBind(Timestamps.ms(now))
                ).run()
            stored.append(row)
        }
        return stored
    }

    /// Acknowledges an open alert with the action taken; an alert is acknowledged once.
    public static func acknowledgeAlert(
        id: String, session: TreatmentSession, actionTaken: String, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> StoredSessionAlert {
        let text = actionTaken.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw SessionError(.missing, field: "action_taken", message: "action_taken is required: what was done about the alert")
        }
        guard
            let row = try await db.select().column("*").from("session_alerts").where("clinic_id", .equal, SQLBind(clinicID))
                .where("session_id", .equal, SQLBind(session.id)).where("id", .equal, SQLBind(id)).first()
        else { throw StoreError.notFound(resource: "alert") }
        var alert = try decodeAlert(row)
        guard alert.isOpen else {
            throw SessionError(
                .inconsistent, field: "alert", message: "this alert was already acknowledged by \(alert.acknowledgedBy ?? "someone")")
        }
        alert.acknowledgedBy = actor
        alert.acknowledgedAt = now
        alert.actionTaken = text
        try await db.update("session_alerts").set("acknowledged_by", to: SQLBind(actor)).set("acknowledged_at", to: SQLBind(Timestamps.ms(now)))
            .set("action_taken", to: SQLBind(text)).where("id", .equal, SQLBind(id)).where("acknowledged_at", .is, SQLLiteral.null).run()
        return alert
    }

    // MARK: - Dose orders

    /// Stores an order computed by ``DoseCalculator`` (never a hard-limit one: the caller refuses those).
    public static func insertOrder(
        _ calculation: DoseCalculation, report: DoseReport, session: TreatmentSession, preparation: MilligramsPerMillilitre?,
        infusion: Minutes?, overrideReason: String?, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> StoredDoseOrder {
        let amount: Decimal
        switch calculation.ordered {
        case .perKilogram(let dose): amount = dose.value
        case .fixed(let dose): amount = dose.value
        }
        let order = StoredDoseOrder(
            id: newID(), sessionID: session.id, route: session.route, entryID: calculation.entry.id, doseAmount: amount,
            doseUnit: calculation.entry.doseUnit.rawValue, concentration: preparation?.value, infusionMinutes: infusion?.value,
            weightKg: calculation.weight?.used.value, weightMeasuredAt: calculation.weight?.measuredAt, doseMg: calculation.dose.value,
            volumeMl: calculation.volume?.value, rateMlPerH: calculation.infusion?.rate.value, devices: calculation.devices?.count,
            limitStatus: calculation.check.status, limitName: calculation.check.limit?.name, limitMessage: calculation.check.limit?.message,
            overrideReason: overrideReason, reportJSON: try json(report), orderedBy: actor, orderedAt: now, verifiedBy: nil, verifiedRole: nil,
            verifiedAt: nil)
        do {
            try await db.insert(into: "dose_orders")
                .columns(
                    "id", "clinic_id", "session_id", "patient_id", "route", "entry_id", "dose_amount", "dose_unit", "concentration", "infusion_min",
                    "weight_kg", "weight_measured_at", "dose_mg", "volume_ml", "rate_ml_per_h", "devices", "limit_status", "limit_name",
                    "limit_message", "override_reason", "report_json", "ordered_by", "ordered_at"
                )
                .values(
                    SQLBind(order.id), SQLBind(clinicID), SQLBind(session.id), SQLBind(session.patientID.rawValue), SQLBind(order.route.rawValue),
                    SQLBind(order.entryID), SQLBind("\(amount)"), SQLBind(order.doseUnit), SQLBind(order.concentration.map { "\($0)" }),
                    SQLBind(order.infusionMinutes.map { "\($0)" }), SQLBind(order.weightKg.map { "\($0)" }),
                    SQLBind(order.weightMeasuredAt.map(Timestamps.ms)), SQLBind("\(order.doseMg)"), SQLBind(order.volumeMl.map { "\($0)" }),
                    SQLBind(order.rateMlPerH.map { "\($0)" }), SQLBind(order.devices.map(Int64.init)), SQLBind(order.limitStatus),
                    SQLBind(order.limitName), SQLBind(order.limitMessage), SQLBind(overrideReason), SQLBind(order.reportJSON), SQLBind(actor),
                    SQLBind(Timestamps.ms(now))
                ).run()
        } catch  where error.isUniqueViolation {
            throw StoreError.duplicate(field: "order", message: "this session already has a dose order")
        }
        return order
    }

    /// Records the independent double check on the session's order.
    public static func verifyOrder(
        _ order: StoredDoseOrder, by actor: String, role: Role, now: Date, on db: any SQLDatabase
    ) async throws -> StoredDoseOrder {
        var verified = order
        verified.verifiedBy = actor
        verified.verifiedRole = role
        verified.verifiedAt = now
        try await db.update("dose_orders").set("verified_by", to: SQLBind(actor)).set("verified_role", to: SQLBind(role.rawValue))
            .set("verified_at", to: SQLBind(Timestamps.ms(now))).where("id", .equal, SQLBind(order.id)).run()
        return verified
    }

    /// Withdraws the current order before dosing (a prescriber corrects it); the row is kept with who, when and why.
    public static func withdrawOrder(
        _ order: StoredDoseOrder, reason: String, by actor: String, now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.update("dose_orders").set("withdrawn_at", to: SQLBind(Timestamps.ms(now))).set("withdrawn_by", to: SQLBind(actor))
            .set("withdraw_reason", to: SQLBind(reason)).where("id", .equal, SQLBind(order.id)).where("withdrawn_at", .is, SQLLiteral.null).run()
    }

    // MARK: - Adverse events

    /// Stores an adverse event with its reporting obligations.
    public static func insertAdverseEvent(
        _ event: AdverseEvent, obligations: [ReportingObligation], session: TreatmentSession, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> StoredAdverseEvent {
        let id = newID()
        try await db.insert(into: "adverse_events")
            .columns(
                "id", "clinic_id", "session_id", "patient_id", "term", "onset", "resolved_at", "grade", "seriousness", "relatedness", "is_expected",
                "action", "treatment", "outcome", "reporter", "recorded_at", "obligations_json"
            )
            .values(
                SQLBind(id), SQLBind(clinicID), SQLBind(session.id), SQLBind(session.patientID.rawValue), SQLBind(event.term),
                SQLBind(Timestamps.ms(event.onset)), SQLBind(event.resolvedAt.map(Timestamps.ms)), SQLBind(Int64(event.grade.value)),
                SQLBind(event.seriousness.map(\.rawValue).sorted().joined(separator: ",")), SQLBind(event.relatedness.rawValue),
                SQLBind(Int64(event.isExpected ? 1 : 0)), SQLBind(event.action.rawValue), SQLBind(event.treatment), SQLBind(event.outcome.rawValue),
                SQLBind(event.reporter), SQLBind(Timestamps.ms(now)), SQLBind(try json(obligations))
            ).run()
        return StoredAdverseEvent(id: id, event: event, obligations: obligations, recordedAt: now)
    }

    // MARK: - History across sessions

    /// The patient's administered doses, for per-7-day limits and the safety watch.
    public static func priorDoses(patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [(
        dose: PriorDose, weightKg: Decimal?
    )] {
        try await db.select().columns("id", "route", "dosing_start", "administered_mg", "weight_kg").from("treatment_sessions")
            .where("clinic_id", .equal, SQLBind(clinicID)).where("patient_id", .equal, SQLBind(patient.rawValue))
            .where("administered_mg", .isNot, SQLLiteral.null).orderBy("dosing_start", .descending).limit(1000).all()
            .compactMap { row in
                guard let start = try row.decode(column: "dosing_start", as: Int64?.self),
                    let mg = Decimal(string: try row.decode(column: "administered_mg", as: String.self)),
                    let route = DosingRoute(rawValue: try row.decode(column: "route", as: String.self))
                else { return nil }
                let dose = PriorDose(
                    administeredAt: Timestamps.date(start), sessionID: try row.decode(column: "id", as: String.self), product: route.product,
                    dose: Milligrams(mg))
                return (dose, try row.decode(column: "weight_kg", as: String?.self).flatMap { Decimal(string: $0) })
            }
    }

    /// Soft-limit overrides per limit, with the number of orders they are a share of (issue #5: override rates are reportable).
    ///
    /// Hard-limit refusals are never stored as orders; they are in the audit trail (`session.order`, outcome failed).
    public static func limitOverrides(clinicID: String, on db: any SQLDatabase) async throws -> (
        orders: Int, overrides: [(limit: String, count: Int)]
    ) {
        let total =
            try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("dose_orders")
            .where("clinic_id", .equal, SQLBind(clinicID)).first(decodingColumn: "n", as: Int64.self) ?? 0
        let rows = try await db.select().column("limit_name").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("dose_orders")
            .where("clinic_id", .equal, SQLBind(clinicID)).where("limit_status", .equal, SQLBind("soft")).groupBy("limit_name")
            .orderBy("limit_name").all()
        let overrides = try rows.map { row in
            (limit: try row.decode(column: "limit_name", as: String?.self) ?? "unnamed", count: Int(try row.decode(column: "n", as: Int64.self)))
        }
        return (Int(total), overrides)
    }

    /// The consent and eligibility facts the pre-dose checklist needs: the stored records only (issue #10 "no record, no
    /// dose"). A nurse's ticks are kept as her confirmation on the timeline but never stand in for a record; where the
    /// record is on paper, the medical director's override naming it does (``PreDoseOverrideItem/records``).
    public static func consentAndEligibility(
        _ confirmations: PreDoseConfirmations?, route: DosingRoute, stored: StoredTreatmentFacts? = nil
    ) -> (consentedRoutes: Set<DosingRoute>, consentExpiresAt: Date?, eligibilityScreenedAt: Date?, eligibilityCleared: Bool) {
        guard let stored else { return ([], nil, nil, false) }
        return (stored.consentCurrent ? [route] : [], nil, stored.screenedAt, stored.eligible ?? false)
    }

    // MARK: - Decoding

    struct BaselineVitals: Codable {
        let vitals: VitalSigns
        let takenAt: Date
    }

    static func decodeSession(_ row: any SQLRow) throws -> TreatmentSession {
        let stateName = try row.decode(column: "state", as: String.self)
        let reason = try row.decode(column: "stop_reason", as: String?.self)
        let state =
            SessionState.path.first { $0.name == stateName } ?? (stateName == "stopped_early" ? .stoppedEarly(reason: reason ?? "") : .checkedIn)
        let baseline = try row.decode(column: "baseline_vitals_json", as: String?.self).map {
            try JSONDecoder().decode(BaselineVitals.self, from: Data($0.utf8))
        }
        func date(_ column: String) throws -> Date? { try row.decode(column: column, as: Int64?.self).map(Timestamps.date) }
        func decimal(_ column: String) throws -> Decimal? { try row.decode(column: column, as: String?.self).flatMap { Decimal(string: $0) } }
        return TreatmentSession(
            id: try row.decode(column: "id", as: String.self),
            patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
            route: DosingRoute(rawValue: try row.decode(column: "route", as: String.self)) ?? .intravenous,
            state: state,
            version: Int(try row.decode(column: "version", as: Int64.self)),
            checks: try row.decode(column: "checks_json", as: String?.self).map {
                try JSONDecoder().decode(PreDoseConfirmations.self, from: Data($0.utf8))
            },
            baselineVitals: baseline?.vitals, baselineVitalsAt: baseline?.takenAt,
            preDoseMOAAS: try row.decode(column: "pre_dose_moaas", as: Int64?.self).map(Int.init),
            preDoseCADSS: try row.decode(column: "pre_dose_cadss", as: Int64?.self).map(Int.init),
            dosingStart: try date("dosing_start"), dosingEnd: try date("dosing_end"), readyAt: try date("ready_at"),
            administeredMg: try decimal("administered_mg"), weightKg: try decimal("weight_kg"),
            signedBy: try row.decode(column: "signed_by", as: String?.self), signedAt: try date("signed_at"),
            createdAt: Timestamps.date(try row.decode(column: "created_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: String.self),
            updatedAt: Timestamps.date(try row.decode(column: "updated_at", as: Int64.self)),
            updatedBy: try row.decode(column: "updated_by", as: String.self))
    }

    static func decodeOrder(_ row: any SQLRow) throws -> StoredDoseOrder {
        func decimal(_ column: String) throws -> Decimal? { try row.decode(column: column, as: String?.self).flatMap { Decimal(string: $0) } }
        return StoredDoseOrder(
            id: try row.decode(column: "id", as: String.self), sessionID: try row.decode(column: "session_id", as: String.self),
            route: DosingRoute(rawValue: try row.decode(column: "route", as: String.self)) ?? .intravenous,
            entryID: try row.decode(column: "entry_id", as: String.self), doseAmount: try decimal("dose_amount") ?? 0,
            doseUnit: try row.decode(column: "dose_unit", as: String.self), concentration: try decimal("concentration"),
            infusionMinutes: try decimal("infusion_min"), weightKg: try decimal("weight_kg"),
            weightMeasuredAt: try row.decode(column: "weight_measured_at", as: Int64?.self).map(Timestamps.date), doseMg: try decimal("dose_mg") ?? 0,
            volumeMl: try decimal("volume_ml"), rateMlPerH: try decimal("rate_ml_per_h"),
            devices: try row.decode(column: "devices", as: Int64?.self).map(Int.init),
            limitStatus: try row.decode(column: "limit_status", as: String.self), limitName: try row.decode(column: "limit_name", as: String?.self),
            limitMessage: try row.decode(column: "limit_message", as: String?.self),
            overrideReason: try row.decode(column: "override_reason", as: String?.self),
            reportJSON: try row.decode(column: "report_json", as: String.self), orderedBy: try row.decode(column: "ordered_by", as: String.self),
            orderedAt: Timestamps.date(try row.decode(column: "ordered_at", as: Int64.self)),
            verifiedBy: try row.decode(column: "verified_by", as: String?.self),
            verifiedRole: try row.decode(column: "verified_role", as: String?.self).flatMap(Role.init(rawValue:)),
            verifiedAt: try row.decode(column: "verified_at", as: Int64?.self).map(Timestamps.date))
    }

    static func decodeAlert(_ row: any SQLRow) throws -> StoredSessionAlert {
        StoredSessionAlert(
            id: try row.decode(column: "id", as: String.self), eventID: try row.decode(column: "event_id", as: String.self),
            key: try row.decode(column: "alert_key", as: String.self), signal: try row.decode(column: "signal", as: String.self),
            level: AlertLevel(rawValue: try row.decode(column: "level", as: String.self)) ?? .warning,
            threshold: try row.decode(column: "threshold", as: String.self), observed: try row.decode(column: "observed", as: String?.self),
            action: try row.decode(column: "action", as: String.self),
            raisedAt: Timestamps.date(try row.decode(column: "raised_at", as: Int64.self)),
            acknowledgedBy: try row.decode(column: "acknowledged_by", as: String?.self),
            acknowledgedAt: try row.decode(column: "acknowledged_at", as: Int64?.self).map(Timestamps.date),
            actionTaken: try row.decode(column: "action_taken", as: String?.self))
    }

    static func decodeAdverseEvent(_ row: any SQLRow) throws -> StoredAdverseEvent {
        let seriousness = Set(
            try row.decode(column: "seriousness", as: String.self).split(separator: ",").compactMap { SeriousnessCriterion(rawValue: String($0)) })
        let event = try AdverseEvent(
            term: try row.decode(column: "term", as: String.self), onset: Timestamps.date(try row.decode(column: "onset", as: Int64.self)),
            resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Timestamps.date),
            grade: try CTCAEGrade(Int(try row.decode(column: "grade", as: Int64.self))), seriousness: seriousness,
            relatedness: Relatedness(rawValue: try row.decode(column: "relatedness", as: String.self)) ?? .unassessable,
            isExpected: try row.decode(column: "is_expected", as: Int64.self) == 1,
            action: AdverseEventAction(rawValue: try row.decode(column: "action", as: String.self)) ?? .none,
            treatment: try row.decode(column: "treatment", as: String?.self),
            outcome: AdverseEventOutcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .unknown,
            reporter: try row.decode(column: "reporter", as: String.self))
        let obligations = try JSONDecoder().decode(
            [ReportingObligation].self, from: Data(try row.decode(column: "obligations_json", as: String.self).utf8))
        return StoredAdverseEvent(
            id: try row.decode(column: "id", as: String.self), event: event, obligations: obligations,
            recordedAt: Timestamps.date(try row.decode(column: "recorded_at", as: Int64.self)))
    }
}

extension SessionState {
    /// The stop reason, for storage.
    var stopReasonText: String? {
        if case .stoppedEarly(let reason) = self { return reason }
        return nil
    }
}

/// What the chart records about consent and eligibility, for the pre-dose checks.
public struct StoredTreatmentFacts: Sendable, Equatable {
    /// Whether the patient has any consent record (signed or withdrawn).
    public let hasConsentRecord: Bool
    /// Whether consent for the session's route is current.
    public let consentCurrent: Bool
    /// When the current screening was made, if there is one.
    public let screenedAt: Date?
    /// Whether the current screening clears the route's product (nil without a screening).
    public let eligible: Bool?
    /// The current screening's findings (fired rules, interaction classes on the medication list): what intensified
    /// monitoring is computed from (DOMAIN.md §3.3, §3.4); nil without a screening.
    public var screening: ScreeningResult? = nil
}

extension SessionFile {
    /// The closer monitoring the patient's current screening calls for in this session (DOMAIN.md §3.3, §3.4, §7.1).
    public func intensification(_ policy: SessionPolicy) -> MonitoringIntensification {
        MonitoringIntensification(
            screening: screening, profile: MonitoringProfile(route: session.route), policy: policy.intensification)
    }

    /// The session policy this session runs under: the clinic's, intensified for this patient (DOMAIN.md §3.3, §3.4, §7.1).
    /// Without the screening loaded (``screening`` nil) it is the clinic's policy unchanged.
    public func effectivePolicy(_ policy: SessionPolicy) -> SessionPolicy { policy.intensified(by: intensification(policy)) }
}
