public import Foundation
public import KetaCareDomain
public import SQLKit

/// An outgoing message: reminder, instructions or a questionnaire link, with its delivery state.
public struct OutboxMessage: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID?
    /// `appointment-reminder`, `fasting-and-escort`, `questionnaire-link`.
    public let kind: String
    /// `email` or `sms`.
    public let channel: String
    public let recipient: String
    public let subject: String
    public let body: String
    public let dueAt: Date
    /// `pending`, `sending` (claimed by a delivery loop), `sent`, `failed` (gave up after the maximum attempts) or `cancelled`.
    public let status: String
    public let attempts: Int
    public let lastError: String?
    public let sentAt: Date?
}

/// The message outbox: rows are written in the transaction that creates the reason to send (a booking), and a delivery
/// loop sends them later, retrying with back-off; failures stay visible on the admin page.
public enum OutboxRepository {
    /// Attempts before a message is marked failed.
    public static let maxAttempts = 5

    /// Queues the clinic's reminders for a new booking (`ClinicPolicy.schedule.reminders`: by default the fasting and ride-home
    /// instructions 48 h before and a reminder 24 h before, DESIGN DEFAULTS).
    public static func enqueueReminders(
        for booking: Booking, reminders: [ReminderTemplate], now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws {
        guard let patient = try await PatientRepository.find(id: booking.patientID, clinicID: clinicID, on: db) else { return }
        let d = patient.demographics
        let (channel, recipient): (String, String?) = d.email.map { ("email", $0) } ?? ("sms", d.phone)
        guard let recipient, !recipient.isEmpty else { return }
        let when = ISO8601DateFormatter().string(from: booking.slot.start)
        for reminder in reminders {
            try await enqueue(
                patient: booking.patientID, kind: reminder.kind, channel: channel, recipient: recipient, subject: reminder.subject,
                body: reminder.text(when: when), dueAt: max(now, booking.slot.start.addingTimeInterval(-Double(reminder.hoursBefore) * 3600)),
                now: now, clinicID: clinicID, on: db)
        }
    }

    /// Queues one message.
    public static func enqueue(
        patient: PatientID?, kind: String, channel: String, recipient: String, subject: String, body: String, dueAt: Date, now: Date,
        clinicID: String,
        on db: any SQLDatabase
    ) async throws {
        try await db.insert(into: "outbox")
            .columns(
                "id", "clinic_id", "patient_id", "kind", "channel", "recipient", "subject", "body", "due_at", "status", "attempts", "next_attempt_at",
                "created_at"
            )
            .values(
                SQLBind(UUID().uuidString.lowercased()), SQLBind(clinicID), SQLBind(patient?.rawValue), SQLBind(kind), SQLBind(channel),
                SQLBind(recipient), SQLBind(subject), SQLBind(body), SQLBind(Timestamps.ms(dueAt)), SQLBind("pending"), SQLBind(Int64(0)),
                SQLBind(Timestamps.ms(dueAt)), SQLBind(Timestamps.ms(now))
            ).run()
    }

    /// How long a claimed message is reserved for the instance that claimed it; if that instance dies mid-send, another
    /// takes the message over once the claim runs out.
    public static let claimLease: TimeInterval = 5 * 60

    /// Claims the messages whose next attempt is due (any clinic: one delivery loop serves the database) and returns them.
    ///
    /// One `UPDATE … RETURNING` marks them `sending` until the lease ends, so two instances on one PostgreSQL never claim the
    /// same message: the candidates are locked with `FOR UPDATE SKIP LOCKED`, and the outer update re-checks the state of
    /// every row it waited for. SQLite has one writer, so the statement alone is enough there.
    public static func claimDue(now: Date, limit: Int = 50, on db: any SQLDatabase) async throws -> [(clinicID: String, message: OutboxMessage)] {
        let skipLocked = db.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let nowMS = Timestamps.ms(now)
        let rows = try await db.raw(
            """
            UPDATE outbox SET status = 'sending', next_attempt_at = \(bind: Timestamps.ms(now.addingTimeInterval(claimLease)))
            WHERE status IN ('pending', 'sending') AND next_attempt_at <= \(bind: nowMS) AND id IN (
                SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= \(bind: nowMS)
                ORDER BY next_attempt_at LIMIT \(bind: Int64(max(1, min(limit, 1000))))\(unsafeRaw: skipLocked))
            RETURNING *
            """
        ).all()
        return try rows.map { (try $0.decode(column: "clinic_id", as: String.self), try decode($0)) }
            .sorted { $0.message.dueAt < $1.message.dueAt }
    }

    /// Records a delivery: sent, or failed with the error and the next attempt (back-off 1, 4, 9, 16 minutes, then failed).
    public static func recordAttempt(id: String, error: String?, now: Date, on db: any SQLDatabase) async throws {
        guard let row = try await db.select().column("attempts").from("outbox").where("id", .equal, SQLBind(id)).first() else { return }
        let attempts = Int(try row.decode(column: "attempts", as: Int64.self)) + 1
        let update = db.update("outbox").set("attempts", to: SQLBind(Int64(attempts)))
        if let error {
            update.set("last_error", to: SQLBind(String(error.prefix(500))))
                .set("status", to: SQLBind(attempts >= maxAttempts ? "failed" : "pending"))
                .set("next_attempt_at", to: SQLBind(Timestamps.ms(now.addingTimeInterval(Double(attempts * attempts) * 60))))
        } else {
            update.set("status", to: SQLBind("sent")).set("sent_at", to: SQLBind(Timestamps.ms(now)))
        }
        try await update.where("id", .equal, SQLBind(id)).run()
    }

    /// The clinic's messages, newest due first.
    public static func messages(status: String? = nil, limit: Int = 200, clinicID: String, on db: any SQLDatabase) async throws -> [OutboxMessage] {
        let select = db.select().column("*").from("outbox").where("clinic_id", .equal, SQLBind(clinicID))
        if let status { select.where("status", .equal, SQLBind(status)) }
        return try await select.orderBy("due_at", .descending).limit(limit).all().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> OutboxMessage {
        OutboxMessage(
            id: try row.decode(column: "id", as: String.self), patientID: try row.decode(column: "patient_id", as: String?.self).map(PatientID.init),
            kind: try row.decode(column: "kind", as: String.self), channel: try row.decode(column: "channel", as: String.self),
            recipient: try row.decode(column: "recipient", as: String.self), subject: try row.decode(column: "subject", as: String.self),
            body: try row.decode(column: "body", as: String.self), dueAt: Timestamps.date(try row.decode(column: "due_at", as: Int64.self)),
            status: try row.decode(column: "status", as: String.self), attempts: Int(try row.decode(column: "attempts", as: Int64.self)),
            lastError: try row.decode(column: "last_error", as: String?.self),
            sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Timestamps.date)
        )
    }
}
