public import Foundation
public import KetaCareDomain
public import SQLKit

/// A patient's single-use questionnaire link: which instruments, the answers saved so far, and whether it is still usable.
public struct SelfReportLink: Sendable, Equatable {
    public let tokenHash: String
    public let patientID: PatientID
    public let instruments: [String]
    public let context: String
    /// Answers saved so far per instrument (nil: not yet answered), saved as each is given.
    public var answers: [String: [Int?]]
    /// Instruments already submitted and scored.
    public var submitted: [String]
    public let createdBy: String
    public let createdAt: Date
    public let expiresAt: Date
    public let completedAt: Date?
    public let revokedAt: Date?

    /// The first instrument not yet submitted.
    public var nextInstrument: String? { instruments.first { !submitted.contains($0) } }
}

/// Why a link cannot be used; each has a plain sentence for the patient.
public enum SelfReportLinkProblem: Error, Sendable, Equatable {
    case unknown
    case expired
    case used
    case revoked
    case tooManyAttempts

    /// What the patient reads.
    public var message: String {
        switch self {
        case .unknown: "This link is not valid. Please check you used the whole link from your message, or ask the clinic for a new one."
        case .expired: "This link has expired. Please ask the clinic for a new one."
        case .used: "These questionnaires have already been completed. Thank you."
        case .revoked: "This link has been withdrawn by the clinic. Please ask the clinic for a new one."
        case .tooManyAttempts: "Too many attempts from this device. Please wait a few minutes and try again."
        }
    }
}

/// A step of a link was already submitted by another request (a double tap): nothing more is stored.
public struct SelfReportLinkConflict: Error, Sendable {
    /// Creates the refusal.
    public init() {}
}

/// Links for patients to answer questionnaires on their phone; stored as token hashes only.
public enum SelfReportLinkRepository {
    private struct Progress: Codable {
        var answers: [String: [Int?]]
        var submitted: [String]
    }

    /// Creates a link; returns the raw token (shown once, never stored) and the link.
    public static func create(
        patient: PatientID, instruments: [String], context: MeasurementContext, expiresAt: Date, by actor: String, now: Date, clinicID: String,
        on db: any SQLDatabase
    ) async throws -> (token: String, link: SelfReportLink) {
        let token = Authenticator.randomToken()
        let hash = Authenticator.tokenHash(token)
        let progress = String(decoding: try JSONEncoder().encode(Progress(answers: [:], submitted: [])), as: UTF8.self)
        try await db.insert(into: "self_report_links")
            .columns("token_hash", "clinic_id", "patient_id", "instruments", "context", "progress_json", "created_by", "created_at", "expires_at")
            .values(
                SQLBind(hash), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(instruments.joined(separator: ",")),
                SQLBind(context.description), SQLBind(progress), SQLBind(actor), SQLBind(Timestamps.ms(now)), SQLBind(Timestamps.ms(expiresAt))
            ).run()
        let link = SelfReportLink(
            tokenHash: hash, patientID: patient, instruments: instruments, context: context.description, answers: [:], submitted: [],
            createdBy: actor, createdAt: now, expiresAt: expiresAt, completedAt: nil, revokedAt: nil
        )
        return (token, link)
    }

    /// The usable link for `token`, or the reason it cannot be used.
    public static func usable(token: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws -> SelfReportLink {
        guard let link = try await find(tokenHash: Authenticator.tokenHash(token), clinicID: clinicID, on: db) else {
            throw SelfReportLinkProblem.unknown
        }
        if link.revokedAt != nil { throw SelfReportLinkProblem.revoked }
        if link.completedAt != nil { throw SelfReportLinkProblem.used }
        if link.expiresAt <= now { throw SelfReportLinkProblem.expired }
        return link
    }

    /// The link stored under `tokenHash`.
    public static func find(tokenHash: String, clinicID: String, on db: any SQLDatabase) async throws -> SelfReportLink? {
        try await db.select().column("*").from("self_report_links").where("clinic_id", .equal, SQLBind(clinicID))
            .where("token_hash", .equal, SQLBind(tokenHash)).first().map(decode)
    }

    /// A patient's links, newest first.
    public static func links(patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [SelfReportLink] {
        try await db.select().column("*").from("self_report_links").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("created_at", .descending).limit(20).all().map(decode)
    }

    /// Saves progress (answers given so far, instruments submitted) and closes the link when everything is submitted.
    public static func save(_ link: SelfReportLink, now: Date, clinicID: String, on db: any SQLDatabase) async throws {
        let progress = String(decoding: try JSONEncoder().encode(Progress(answers: link.answers, submitted: link.submitted)), as: UTF8.self)
        let update = db.update("self_report_links").set("progress_json", to: SQLBind(progress))
        if link.nextInstrument == nil { update.set("completed_at", to: SQLBind(Timestamps.ms(now))) }
        try await update.where("clinic_id", .equal, SQLBind(clinicID)).where("token_hash", .equal, SQLBind(link.tokenHash)).run()
    }

    /// Locks an open link's row in the caller's write transaction and returns it as stored now, or the reason it is closed.
    ///
    /// The conditional UPDATE (`… WHERE completed_at IS NULL AND revoked_at IS NULL AND expires_at > now RETURNING token_hash`)
    /// takes the row lock on PostgreSQL (SQLite has one writer), so a second request for the same link waits here and then
    /// sees what the first one stored.
    public static func lockOpen(tokenHash: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws -> SelfReportLink {
        let locked = try await db.update("self_report_links").set("progress_json", to: SQLColumn("progress_json"))
            .where("clinic_id", .equal, SQLBind(clinicID)).where("token_hash", .equal, SQLBind(tokenHash))
            .where("completed_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, SQLBind(Timestamps.ms(now)))
            .returning("token_hash").all()
        guard let link = try await find(tokenHash: tokenHash, clinicID: clinicID, on: db) else { throw SelfReportLinkProblem.unknown }
        guard !locked.isEmpty else {
            if link.revokedAt != nil { throw SelfReportLinkProblem.revoked }
            if link.completedAt != nil { throw SelfReportLinkProblem.used }
            throw SelfReportLinkProblem.expired
        }
        return link
    }

    /// Marks `step` (an instrument, or the intake) submitted with its answers, in the caller's transaction, only while it is
    /// still the link's next step; a second submission of the same step throws ``SelfReportLinkConflict`` so its transaction
    /// (the response, its alerts, the intake version) rolls back.
    @discardableResult
    public static func submit(step: String, answers: [Int?]?, tokenHash: String, now: Date, clinicID: String, on db: any SQLDatabase)
        async throws -> SelfReportLink
    {
        var current = try await lockOpen(tokenHash: tokenHash, now: now, clinicID: clinicID, on: db)
        guard current.nextInstrument == step else { throw SelfReportLinkConflict() }
        if let answers { current.answers[step] = answers }
        current.submitted.append(step)
        try await save(current, now: now, clinicID: clinicID, on: db)
        return current
    }

    /// Withdraws a link that is not yet completed (staff); returns false when there was no open link to withdraw.
    public static func revoke(tokenHash: String, patient: PatientID, now: Date, clinicID: String, on db: any SQLDatabase) async throws -> Bool {
        let rows = try await db.update("self_report_links").set("revoked_at", to: SQLBind(Timestamps.ms(now)))
            .where("clinic_id", .equal, SQLBind(clinicID)).where("token_hash", .equal, SQLBind(tokenHash))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).where("completed_at", .is, SQLLiteral.null)
            .where("revoked_at", .is, SQLLiteral.null).returning("token_hash").all()
        return !rows.isEmpty
    }

    static func decode(_ row: any SQLRow) throws -> SelfReportLink {
        let progress = try JSONDecoder().decode(Progress.self, from: Data(try row.decode(column: "progress_json", as: String.self).utf8))
        return SelfReportLink(
            tokenHash: try row.decode(column: "token_hash", as: String.self),
            patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
            instruments: try row.decode(column: "instruments", as: String.self).split(separator: ",").map(String.init),
            context: try row.decode(column: "context", as: String.self),
            answers: progress.answers,
            submitted: progress.submitted,
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: Timestamps.date(try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: Timestamps.date(try row.decode(column: "expires_at", as: Int64.self)),
            completedAt: try row.decode(column: "completed_at", as: Int64?.self).map(Timestamps.date),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Timestamps.date)
        )
    }
}

/// Fixed-window counters in the database, so every instance enforces the same limit.
public enum RateLimiter {
    /// Whether `bucket` is already over `limit` hits in the current window (does not count a hit).
    public static func isOver(_ bucket: String, limit: Int, window: TimeInterval, now: Date, on db: any SQLDatabase) async throws -> Bool {
        guard let row = try await db.select().columns("window_start", "hits").from("rate_limits").where("bucket", .equal, SQLBind(bucket)).first()
        else { return false }
        let start = Timestamps.date(try row.decode(column: "window_start", as: Int64.self))
        guard now.timeIntervalSince(start) < window else { return false }
        return try row.decode(column: "hits", as: Int64.self) >= Int64(limit)
    }

    /// Counts one hit against `bucket`, starting a new window when the old one has passed.
    public static func hit(_ bucket: String, window: TimeInterval, now: Date, on db: any SQLDatabase) async throws {
        let row = try await db.select().columns("window_start", "hits").from("rate_limits").where("bucket", .equal, SQLBind(bucket)).first()
        if let row {
            let start = Timestamps.date(try row.decode(column: "window_start", as: Int64.self))
            if now.timeIntervalSince(start) < window {
                try await db.update("rate_limits").set("hits", to: SQLRaw("hits + 1")).where("bucket", .equal, SQLBind(bucket)).run()
            } else {
                try await db.update("rate_limits").set("hits", to: SQLBind(Int64(1))).set("window_start", to: SQLBind(Timestamps.ms(now)))
                    .where("bucket", .equal, SQLBind(bucket)).run()
            }
        } else {
            // Two instances may count the first hit at once: the upsert (same syntax on SQLite and PostgreSQL) keeps both.
            try await db.raw(
                """
                INSERT INTO rate_limits (bucket, window_start, hits) VALUES (\(bind: bucket), \(bind: Timestamps.ms(now)), 1)
                ON CONFLICT (bucket) DO UPDATE SET hits = rate_limits.hits + 1
                """
            ).run()
        }
    }
}
