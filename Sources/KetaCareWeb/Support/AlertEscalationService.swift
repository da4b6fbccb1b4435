public import Foundation
import KetaCareDomain
public import KetaCareStore
import Logging
import ServiceLifecycle

/// A critical alert that has gone unacknowledged past the policy's time, as the banner on every staff page shows it.
struct EscalatedAlert: Sendable, Equatable {
    let alertID: String
    let sessionID: String
    let patientName: String
    let threshold: String
    let minutesOpen: Int
}

/// Escalates unacknowledged critical session alerts (DOMAIN.md §6.5 alert mechanics: after 2 min by default): each one once,
/// with an in-app notification to the prescribers on site (outbox channel `staff`) and an audit event, in one transaction.
/// The banner on every staff page is computed per request from the same rule, so it shows even between passes.
struct AlertEscalationService: Service {
    let store: Store
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let time = now()
                _ = try await Self.raiseOverdueReadings(store: store, now: time)
                _ = try await Self.escalateDue(store: store, now: time)
            } catch {
                logger.warning("escalation pass failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// The open critical alerts past their escalation time at `now`.
    static func due(store: Store, now: Date) async throws -> [(OpenCriticalAlert, SessionPolicy)] {
        let clinicID = store.clinicID
        let open = try await store.database.read { db in try await SessionRepository.openCriticalAlerts(clinicID: clinicID, on: db) }
        guard !open.isEmpty else { return [] }
        let policy = try await store.database.read { db in try await PolicyRepository.current(clinicID: clinicID, on: db).policy.sessions }
        return open.filter {
            AlertEscalation.isEscalated(level: $0.alert.level, raisedAt: $0.alert.raisedAt, isOpen: $0.alert.isOpen, now: now, policy: policy)
        }.map { ($0, policy) }
    }

    /// Escalates every due alert not escalated yet; returns how many this pass escalated.
    static func escalateDue(store: Store, now: Date) async throws -> Int {
        let clinicID = store.clinicID
        var count = 0
        for (candidate, _) in try await due(store: store, now: now) where !candidate.isEscalated {
            let escalated = try await store.database.write { db -> Bool in
                guard try await SessionRepository.markEscalated(alertID: candidate.alert.id, now: now, on: db) else { return false }
                let minutes = Int(now.timeIntervalSince(candidate.alert.raisedAt) / 60)
                try await OutboxRepository.enqueue(
                    patient: candidate.patientID, kind: "alert-escalation", channel: "staff", recipient: "prescribers on site",
                    subject: "Unacknowledged critical alert: \(candidate.alert.threshold)",
                    body: "\(candidate.patientName): \(candidate.alert.threshold) raised \(minutes) min ago and not acknowledged. "
                        + "Go to the chair: /sessions/\(candidate.sessionID)#alerts",
                    dueAt: now, now: now, clinicID: clinicID, on: db)
                let event = AuditEvent(
                    occurredAt: now, actor: "system", role: "-", action: "session.alert.escalate", resourceType: "session_alert",
                    resourceID: candidate.alert.id, patientID: candidate.patientID.rawValue, clientAddress: "-", outcome: .success,
                    detail: "session=\(candidate.sessionID) level=\(candidate.alert.level.rawValue) open_minutes=\(minutes)")
                try await AuditLog.append([event], clinicID: clinicID, on: db)
                return true
            }
            if escalated { count += 1 }
        }
        return count
    }

    /// Gives every monitored session the passing of time (``SessionCommand/tick``): a reading overdue on the clinic's schedule
    /// raises a warning alert once per due time (DOMAIN.md §6.2 Spravato oximetry, §6.3, §6.5), on the timeline and audited.
    /// Returns the alerts raised.
    static func raiseOverdueReadings(store: Store, now: Date) async throws -> [StoredSessionAlert] {
        let clinicID = store.clinicID
        let ids = try await store.database.read { db in try await SessionRepository.monitoredSessionIDs(clinicID: clinicID, on: db) }
        var raised: [StoredSessionAlert] = []
        for id in ids {
            // Most passes find nothing due: decide on a read first, and write (deciding again on the current record) only then.
            let isDue = try await store.database.read { db -> Bool in
                var file = try await SessionRepository.load(id: id, clinicID: clinicID, includePreDoseFacts: false, on: db)
                try await SessionRepository.loadScreening(into: &file, clinicID: clinicID, on: db)  // DOMAIN.md §3.3, §3.4
                let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy.sessions
                var machine = SessionMachine(record: file.record(now: now), policy: file.effectivePolicy(policy))
                return try !machine.handle(.tick, by: .system, at: now).isEmpty
            }
            guard isDue else { continue }
            do {
                raised += try await store.database.write { db -> [StoredSessionAlert] in
                    var file = try await SessionRepository.load(id: id, clinicID: clinicID, includePreDoseFacts: false, on: db)
                    try await SessionRepository.loadScreening(into: &file, clinicID: clinicID, on: db)  // DOMAIN.md §3.3, §3.4
                    let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy.sessions
                    var machine = SessionMachine(record: file.record(now: now), policy: file.effectivePolicy(policy))
                    let effects = try machine.handle(.tick, by: .system, at: now)
                    guard !effects.isEmpty else { return [] }
                    let commit = try await SessionRepository.commit(
                        effects, record: machine.record, session: file.session, actor: .system, now: now, clinicID: clinicID, on: db)
                    let event = AuditEvent(
                        occurredAt: now, actor: "system", role: "-", action: "session.monitoring.overdue", resourceType: "session",
                        resourceID: id, patientID: file.session.patientID.rawValue, clientAddress: "-", outcome: .success,
                        detail: commit.alerts.map(\.signal).joined(separator: ","))
                    try await AuditLog.append([event], clinicID: clinicID, on: db)
                    return commit.alerts
                }
            } catch StoreError.versionConflict {
                // Someone recorded on the session meanwhile (perhaps the reading itself); the next pass decides again.
                continue
            }
        }
        return raised
    }

    /// The banner's entries for a request at `now`.
    static func banner(store: Store, now: Date) async throws -> [EscalatedAlert] {
        try await due(store: store, now: now).map { candidate, _ in
            EscalatedAlert(
                alertID: candidate.alert.id, sessionID: candidate.sessionID, patientName: candidate.patientName,
                threshold: candidate.alert.threshold, minutesOpen: Int(now.timeIntervalSince(candidate.alert.raisedAt) / 60))
        }
    }
}

/// Escalates every unacknowledged critical alert past the policy's time at `now` (what the background pass does every 15 s);
/// returns how many were escalated by this call. For the CLI and tests with an injected clock.
public func escalateUnacknowledgedAlerts(store: Store, now: Date) async throws -> Int {
    try await AlertEscalationService.escalateDue(store: store, now: now)
}

/// Raises an alert for every reading overdue at `now` in the clinic's monitored sessions (what the background pass does every
/// 15 s); returns the alerts raised by this call. For the CLI and tests with an injected clock.
public func raiseOverdueReadingAlerts(store: Store, now: Date) async throws -> [StoredSessionAlert] {
    try await AlertEscalationService.raiseOverdueReadings(store: store, now: now)
}
