public import Foundation
public import KetaCareDomain
public import SQLKit

extension SessionFile {
    /// The session as its rules read it (``SessionMachine``), made from the stored run-sheet and timeline at `now`.
    public func record(now: Date) -> SessionRecord {
        let session = self.session
        func ratings(_ instrument: SessionInstrument) -> [TimedRating] {
            assessments(instrument.rawValue).map { TimedRating(at: $0.at, score: $0.score, isPreDose: $0.phase == SessionPhase.preDose.rawValue) }
        }
        return SessionRecord(
            route: session.route, createdAt: session.createdAt, state: session.state, checks: session.checks, baselineVitals: session.baselineVitals,
            baselineVitalsAt: session.baselineVitalsAt, preDoseMOAAS: session.preDoseMOAAS, preDoseCADSS: session.preDoseCADSS,
            dosingStart: session.dosingStart, dosingEnd: session.dosingEnd, readyAt: session.readyAt, signedBy: session.signedBy,
            signedAt: session.signedAt, order: order.map { SessionOrderFacts(orderedBy: $0.orderedBy, verifiedBy: $0.verifiedBy, doseMg: $0.doseMg) },
            preDose: preDoseChecks(now: now),
            vitals: vitals.map {
                TimedVitals(
                    at: $0.at, vitals: $0.payload.vitals, phase: SessionPhase(rawValue: $0.payload.phase) ?? .inSession,
                    onSupplementalOxygen: $0.payload.onSupplementalOxygen ?? false)
            }, moaas: ratings(.moaas), cadss: ratings(.cadss), hasOpenCriticalAlert: hasOpenCriticalAlert, raisedAlertKeys: Set(alerts.map(\.key)))
    }

    /// The pre-dose checklist for the domain from the stored confirmations, consent, screening, order, pre-dose vitals, the
    /// patient's questionnaire safety alerts and the documented overrides (issue #10: only stored facts count).
    public func preDoseChecks(now: Date) -> PreDoseChecks {
        let checks = session.checks
        let facts = SessionRepository.consentAndEligibility(checks, route: session.route, stored: stored)
        return PreDoseChecks(
            identityConfirmed: checks?.identity ?? false, consentedRoutes: facts.consentedRoutes, consentExpiresAt: facts.consentExpiresAt,
            eligibilityScreenedAt: facts.eligibilityScreenedAt, eligibilityCleared: facts.eligibilityCleared, doseOrderedBy: order?.orderedBy,
            doseVerifiedBy: order?.verifiedBy, doseVerifierRole: order?.verifiedRole, vitals: session.baselineVitals,
            vitalsTakenAt: session.baselineVitalsAt, vitalsOverride: preDoseOverrides.last { $0.item == .vitals }?.clinicianOverride,
            questionnaires: [
                PreSessionQuestionnaire(
                    instrument: "pre-session questionnaires", isDone: checks?.questionnairesDone ?? false, waiverReason: checks?.questionnaireWaiver)
            ],
            fastingConfirmed: checks?.fasting ?? false, escortConfirmed: checks?.escort ?? false, pregnancy: checks?.pregnancy ?? .unknown,
            medicationsReviewedAt: checks?.medicationsReviewed == true ? checks?.confirmedAt : nil, previousSessionAt: nil,
            hasConsentRecord: stored?.hasConsentRecord ?? false,
            safetyAlerts: patientAlerts.map {
                PreDoseSafetyAlert(
                    ruleID: $0.ruleID, message: $0.message, raisedAt: $0.raisedAt, blocksDosing: $0.blocksDosing,
                    // A risk review is an acknowledgement with the action taken (the note is required to acknowledge).
                    isReviewed: !$0.isOpen && !($0.actionNote ?? "").isEmpty)
            },
            overrides: preDoseOverrides)
    }
}

/// A dose order the calculator produced, stored when the machine accepts ``SessionCommand/order(check:doseField:overrideReason:)``.
public struct DoseOrderDraft: Sendable {
    public var calculation: DoseCalculation
    public var report: DoseReport
    public var preparation: MilligramsPerMillilitre?
    public var infusion: Minutes?

    /// Creates a draft.
    public init(calculation: DoseCalculation, report: DoseReport, preparation: MilligramsPerMillilitre?, infusion: Minutes?) {
        self.calculation = calculation
        self.report = report
        self.preparation = preparation
        self.infusion = infusion
    }
}

/// What storing a command's effects produced, for the response.
public struct SessionCommit: Sendable {
    /// The session as saved (new version).
    public var session: TreatmentSession
    /// The timeline entries appended, in order.
    public var eventIDs: [String]
    /// The alerts raised.
    public var alerts: [StoredSessionAlert]
    /// The order placed, verified or withdrawn.
    public var order: StoredDoseOrder?
    /// The adverse event stored.
    public var adverseEvent: StoredAdverseEvent?
    /// The alert acknowledged.
    public var acknowledged: StoredSessionAlert?
}

extension SessionRepository {
    /// Stores `effects` that ``SessionMachine`` returned for `session` (the timeline entries, alerts, order changes) and saves
    /// the record's new run-sheet state with a compare-and-swap on the session's version, all on the caller's transaction.
    ///
    /// `orderDraft` is needed for ``SessionEffect/orderPlaced(overrideReason:)`` and `alertID` for
    /// ``SessionEffect/alertAcknowledged(actionTaken:)``.
    public static func commit(
        _ effects: [SessionEffect], record: SessionRecord, session: TreatmentSession, actor: SessionActor, now: Date,
        orderDraft: DoseOrderDraft? = nil, alertID: String? = nil, clinicID: String, on db: any SQLDatabase
    ) async throws -> SessionCommit {
        var updated = session
        updated.state = record.state
        updated.checks = record.checks
        updated.baselineVitals = record.baselineVitals
        updated.baselineVitalsAt = record.baselineVitalsAt
        updated.preDoseMOAAS = record.preDoseMOAAS
        updated.preDoseCADSS = record.preDoseCADSS
        updated.dosingStart = record.dosingStart
        updated.dosingEnd = record.dosingEnd
        updated.readyAt = record.readyAt
        updated.signedBy = record.signedBy
        updated.signedAt = record.signedAt
        var result = SessionCommit(session: session, eventIDs: [], alerts: [], order: nil, adverseEvent: nil, acknowledged: nil)
        func append<P: Encodable>(_ kind: String, _ payload: P, at time: Date? = nil) async throws -> String {
            let id = try await appendEvent(
                session, kind: kind, payload: payload, at: time ?? now, by: actor.username, roleName: actor.isSystem ? "-" : actor.role.rawValue,
                recordedAt: time == nil ? nil : now, clinicID: clinicID, on: db)
            result.eventIDs.append(id)
            return id
        }
        func raise(_ alerts: [SessionAlert], eventID: String) async throws {
            result.alerts += try await insertAlerts(alerts, session: session, eventID: eventID, now: now, clinicID: clinicID, on: db)
        }
        func current() async throws -> StoredDoseOrder {
            guard let order = try await currentOrder(session: session.id, on: db) else { throw StoreError.notFound(resource: "dose order") }
            return order
        }
        for effect in effects {
            switch effect {
            case .transition(let step):
                _ = try await append(SessionEventKind.transition, step)
            case .orderPlaced(let reason):
                guard let draft = orderDraft else { throw StoreError.notFound(resource: "dose order draft") }
                let order = try await insertOrder(
                    draft.calculation, report: draft.report, session: session, preparation: draft.preparation, infusion: draft.infusion,
                    overrideReason: reason, by: actor.username, now: now, clinicID: clinicID, on: db)
                updated.weightKg = order.weightKg
                result.order = order
                _ = try await append(
                    SessionEventKind.order, NotePayload(note: draft.report.summary, doseMg: order.doseMg, reason: order.overrideReason))
            case .orderVerified:
                result.order = try await verifyOrder(try await current(), by: actor.username, role: actor.role, now: now, on: db)
                _ = try await append(SessionEventKind.verification, NotePayload(note: "dose order verified (independent double check)"))
            case .orderWithdrawn(let reason):
                let order = try await current()
                try await withdrawOrder(order, reason: reason, by: actor.username, now: now, on: db)
                result.order = order
                _ = try await append(SessionEventKind.order, NotePayload(note: "dose order withdrawn (\(order.doseMg) mg)", reason: reason))
            case .preDoseOverride(let override):
                _ = try await append(SessionEventKind.preDoseOverride, override)
            case .checksConfirmed(let confirmations):
                _ = try await append(SessionEventKind.checks, confirmations)
            case .vitals(let vitals, let phase, let onOxygen, let alerts):
                let id = try await append(
                    SessionEventKind.vitals, VitalsPayload(vitals: vitals, phase: phase.rawValue, onSupplementalOxygen: onOxygen))
                try await raise(alerts, eventID: id)
            case .rating(let instrument, let score, let phase, let alerts):
                let id = try await append(
                    SessionEventKind.assessment, AssessmentPayload(instrument: instrument.rawValue, score: score, phase: phase.rawValue))
                try await raise(alerts, eventID: id)
            case .sideEffects(let check, let alerts):
                try await raise(alerts, eventID: try await append(SessionEventKind.sideEffects, check))
            case .rescueMedication(let medication):
                _ = try await append(SessionEventKind.rescueMedication, medication, at: medication.givenAt)
            case .adverseEvent(let event, let obligations):
                result.adverseEvent = try await insertAdverseEvent(
                    event, obligations: obligations, session: session, now: now, clinicID: clinicID, on: db)
                let note = "adverse event: \(event.term), CTCAE grade \(event.grade.value)\(event.isSerious ? ", serious" : "")"
                _ = try await append(SessionEventKind.adverseEvent, NotePayload(note: note))
            case .infusion(let action):
                _ = try await append(SessionEventKind.infusion, NotePayload(note: action.rawValue))
            case .administration(let doseMg):
                updated.administeredMg = doseMg
                _ = try await append(SessionEventKind.administration, NotePayload(note: "dose administered", doseMg: doseMg))
            case .alertAcknowledged(let actionTaken):
                guard let alertID else { throw StoreError.notFound(resource: "alert") }
                let alert = try await acknowledgeAlert(
                    id: alertID, session: session, actionTaken: actionTaken, by: actor.username, now: now, clinicID: clinicID, on: db)
                result.acknowledged = alert
                _ = try await append(
                    SessionEventKind.alertAcknowledged, NotePayload(note: "\(alert.threshold) acknowledged", reason: alert.actionTaken))
            case .discharge(let decision, _):
                _ = try await append(SessionEventKind.discharge, decision)
            case .signed:
                _ = try await append(SessionEventKind.signature, NotePayload(note: "signed and locked"))
            case .amendment(let text, let reason):
                _ = try await append(SessionEventKind.amendment, NotePayload(note: text, reason: reason))
            case .alerts(let alerts):
                let note = alerts.map(\.threshold).joined(separator: "; ")
                try await raise(alerts, eventID: try await append(SessionEventKind.monitoringOverdue, NotePayload(note: note)))
            }
        }
        result.session = try await save(updated, baseVersion: session.version, by: actor.username, now: now, clinicID: clinicID, on: db)
        return result
    }
}

extension SessionRepository {
    /// The clinic's sessions in which monitoring runs (dosing started, not yet ready for discharge or ended), oldest first.
    public static func monitoredSessionIDs(clinicID: String, on db: any SQLDatabase) async throws -> [String] {
        let states = [SessionState.dosing, .monitoring, .recovery].map(\.name)
        return try await db.select().column("id").from("treatment_sessions").where("clinic_id", .equal, SQLBind(clinicID))
            .where("state", .in, SQLBind.group(states)).where("signed_at", .is, SQLLiteral.null).orderBy("created_at").limit(500).all()
            .map { try $0.decode(column: "id", as: String.self) }
    }
}
