public import Foundation
public import KetaCareDomain
public import SQLKit

/// A booking as stored, with front-desk state.
public struct StoredBooking: Sendable, Equatable {
    public let booking: Booking
    public let note: String?
    public let checkedInAt: Date?
    public let isEscortConfirmed: Bool
    public let createdBy: String
}

/// A booking the rules refuse: the hard problems (or the soft ones with no note), each naming its field.
public struct BookingRefused: FieldNamingError, Equatable {
    public let problems: [BookingProblem]

    /// Creates the refusal.
    public init(problems: [BookingProblem]) {
        self.problems = problems
    }

    public var field: String { problems.first?.field ?? "slot" }
    public var message: String { problems.map(\.message).joined(separator: "; ") }
}

/// The facts a booking check needs about the patient, read in the booking's transaction.
public struct BookingFacts: Sendable, Equatable {
    public var isEligible: Bool
    public var hasConsentForRoute: Bool
    public var escortRecorded: Bool
}

/// Treatment chairs, bookings, reschedules and cancellations (with history), check-in.
public enum BookingRepository {
    /// The clinic's chairs; four are created on first use (`chair-1` … `chair-4`).
    public static func chairs(clinicID: String, on db: any SQLDatabase) async throws -> [(id: ChairID, name: String)] {
        var rows = try await db.select().columns("id", "name").from("chairs").where("clinic_id", .equal, SQLBind(clinicID))
            .where("is_active", .equal, SQLBind(Int64(1))).orderBy("id").all()
        if rows.isEmpty {
            let insert = db.insert(into: "chairs").columns("clinic_id", "id", "name", "is_active")
            for n in 1...4 { insert.values(SQLBind(clinicID), SQLBind("chair-\(n)"), SQLBind("Chair \(n)"), SQLBind(Int64(1))) }
            try await insert.ignoringConflicts(with: ["clinic_id", "id"]).run()
            rows = try await db.select().columns("id", "name").from("chairs").where("clinic_id", .equal, SQLBind(clinicID)).orderBy("id").all()
        }
        return try rows.map { (ChairID(try $0.decode(column: "id", as: String.self)), try $0.decode(column: "name", as: String.self)) }
    }

    /// Who may monitor sessions: active nurse accounts.
    public static func nurses(clinicID: String, on db: any SQLDatabase) async throws -> [NurseID] {
        try await UserRepository.list(clinicID: clinicID, on: db).filter { $0.role == .nurse && !$0.isDisabled }.map { NurseID($0.username) }
    }

    /// Chair and nurse availability around `slot`: the clinic's opening hours (`ClinicPolicy.schedule.openingHours`) until a roster exists.
    public static func availability(
        around start: Date, days: Int = 70, hours: OpeningHours, calendar: Calendar, clinicID: String, on db: any SQLDatabase
    ) async throws -> ResourceAvailability {
        let from = start.addingTimeInterval(-86_400)
        let open = hours.intervals(from: from, to: start.addingTimeInterval(Double(days) * 86_400), calendar: calendar)
        let chairs = try await chairs(clinicID: clinicID, on: db)
        let nurses = try await nurses(clinicID: clinicID, on: db)
        return ResourceAvailability(
            chairs: Dictionary(uniqueKeysWithValues: chairs.map { ($0.id, open) }),
            nurses: Dictionary(uniqueKeysWithValues: nurses.map { ($0, open) }))
    }

    /// Whether the patient is eligible, consented for the route and has an escort, read now.
    public static func facts(for plan: TreatmentPlan, now: Date, clinicID: String, on db: any SQLDatabase) async throws -> BookingFacts {
        let screening = try await IntakeRepository.currentScreening(of: plan.patientID, clinicID: clinicID, on: db)
        let effective = screening?.effective
        let eligible = screening != nil && (effective?.decision(for: plan.route.product) ?? effective?.decision) == .eligible
        let consent = try await ConsentRepository.status(of: plan.patientID, route: plan.route, now: now, clinicID: clinicID, on: db)
        let patient = try await PatientRepository.require(id: plan.patientID, clinicID: clinicID, on: db)
        let intake = try await IntakeRepository.currentHistory(of: plan.patientID, clinicID: clinicID, on: db)
        let escort = patient.demographics.emergencyContact?.canEscort == true || intake?.history.transport.escortArranged == true
        return BookingFacts(isEligible: eligible, hasConsentForRoute: consent.hasValidConsent, escortRecorded: escort)
    }

    /// Active bookings between two instants (any patient), for checks and the calendar.
    public static func bookings(from start: Date, to end: Date, clinicID: String, on db: any SQLDatabase) async throws -> [StoredBooking] {
        try await db.select().column("*").from("bookings").where("clinic_id", .equal, SQLBind(clinicID))
            .where("starts_at", .lessThan, SQLBind(Timestamps.ms(end))).where("ends_at", .greaterThan, SQLBind(Timestamps.ms(start)))
            .orderBy("starts_at").all().map(decode)
    }

    /// The patient's bookings (cancelled ones included), in time order.
    public static func bookings(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [StoredBooking] {
        try await db.select().column("*").from("bookings").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("starts_at").all().map(decode)
    }

    /// Books one dosing session after the rules (DOMAIN.md §4.8, §5.1): hard problems refuse; soft ones need `note`.
    public static func book(
        _ slot: SessionSlot, plan: TreatmentPlan, note: String?, by actor: String, now: Date, calendar: Calendar, policy: SchedulePolicy,
        clinicID: String, on db: any SQLDatabase
    ) async throws -> (StoredBooking, [BookingProblem]) {
        let problems = try await check(slot, plan: plan, replacing: nil, now: now, calendar: calendar, policy: policy, clinicID: clinicID, on: db)
        let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard problems.allowsBooking(note: trimmed) else {
            throw BookingRefused(problems: problems.isBlocked ? problems.filter { $0.severity == .hard } : problems)
        }
        let booking = Booking(id: BookingID(UUID().uuidString.lowercased()), patientID: plan.patientID, planID: plan.id, slot: slot)
        try await db.insert(into: "bookings")
            .columns(
                "id", "clinic_id", "patient_id", "plan_id", "chair_id", "nurse", "route", "starts_at", "ends_at", "status", "note", "version",
                "created_by", "created_at"
            )
            .values(
                SQLBind(booking.id.rawValue), SQLBind(clinicID), SQLBind(plan.patientID.rawValue), SQLBind(plan.id.rawValue),
                SQLBind(slot.chairID.rawValue), SQLBind(slot.nurseID.rawValue), SQLBind(slot.route.rawValue), SQLBind(Timestamps.ms(slot.start)),
                SQLBind(Timestamps.ms(slot.end)), SQLBind(booking.status.rawValue), SQLBind(trimmed?.isEmpty == false ? trimmed : nil),
                SQLBind(Int64(1)), SQLBind(actor), SQLBind(Timestamps.ms(now))
            ).run()
        return (StoredBooking(booking: booking, note: trimmed, checkedInAt: nil, isEscortConfirmed: false, createdBy: actor), problems)
    }

    /// Every problem with `slot` for `plan` now (empty: book without a note).
    public static func check(
        _ slot: SessionSlot, plan: TreatmentPlan, replacing: BookingID?, now: Date, calendar: Calendar, policy: SchedulePolicy, clinicID: String,
        on db: any SQLDatabase
    ) async throws -> [BookingProblem] {
        let facts = try await facts(for: plan, now: now, clinicID: clinicID, on: db)
        let window = Double(max(policy.weeklyWindowDays.value, 14)) * 86_400
        let existing = try await bookings(
            from: slot.start.addingTimeInterval(-window), to: slot.end.addingTimeInterval(window), clinicID: clinicID, on: db
        )
        .map(\.booking).filter(\.isActive)
        let availability = try await availability(
            around: slot.start, days: 2, hours: policy.openingHours, calendar: calendar, clinicID: clinicID, on: db)
        return BookingCheck.evaluate(
            proposed: slot, plan: plan, existingBookings: existing, availability: availability, isEligible: facts.isEligible,
            hasConsentForRoute: facts.hasConsentForRoute, escortRecorded: facts.escortRecorded, policy: policy, calendar: calendar,
            replacing: replacing)
    }

    /// Cancels or reschedules a booking with its reason; the change is kept as history and a reschedule is re-checked.
    public static func change(
        _ id: BookingID, to newSlot: SessionSlot?, reason: String, note: String?, by actor: String, role: Role, now: Date, calendar: Calendar,
        policy: SchedulePolicy, clinicID: String, on db: any SQLDatabase
    ) async throws -> StoredBooking {
        guard let stored = try await find(id: id, clinicID: clinicID, on: db) else { throw StoreError.notFound(resource: "booking") }
        let change: BookingChange
        if let newSlot {
            guard let plan = try await PlanRepository.find(id: stored.booking.planID, clinicID: clinicID, on: db)?.plan else {
                throw StoreError.notFound(resource: "plan")
            }
            change = try BookingChange.reschedule(stored.booking, to: newSlot, reason: reason, by: actor, role: role, at: now)
            let problems = try await check(
                newSlot, plan: plan, replacing: id, now: now, calendar: calendar, policy: policy, clinicID: clinicID, on: db)
            guard problems.allowsBooking(note: note) else {
                throw BookingRefused(problems: problems.isBlocked ? problems.filter { $0.severity == .hard } : problems)
            }
        } else {
            change = try BookingChange.cancel(stored.booking, reason: reason, by: actor, role: role, at: now)
        }
        let updated = try stored.booking.applying(change)
        try await db.update("bookings").set("status", to: SQLBind(updated.status.rawValue))
            .set("starts_at", to: SQLBind(Timestamps.ms(updated.slot.start))).set("ends_at", to: SQLBind(Timestamps.ms(updated.slot.end)))
            .set("chair_id", to: SQLBind(updated.slot.chairID.rawValue)).set("nurse", to: SQLBind(updated.slot.nurseID.rawValue))
            .set("version", to: SQLRaw("version + 1")).where("clinic_id", .equal, SQLBind(clinicID)).where("id", .equal, SQLBind(id.rawValue)).run()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await db.insert(into: "booking_changes").columns("id", "clinic_id", "booking_id", "change_json", "changed_at")
            .values(
                SQLBind(UUID().uuidString.lowercased()), SQLBind(clinicID), SQLBind(id.rawValue),
                SQLBind(String(decoding: try encoder.encode(change), as: UTF8.self)), SQLBind(Timestamps.ms(now))
            ).run()
        return StoredBooking(
            booking: updated, note: stored.note, checkedInAt: stored.checkedInAt, isEscortConfirmed: stored.isEscortConfirmed,
            createdBy: stored.createdBy)
    }

    /// The history of changes to a booking, oldest first.
    public static func changes(of id: BookingID, clinicID: String, on db: any SQLDatabase) async throws -> [BookingChange] {
        try await db.select().column("change_json").from("booking_changes").where("clinic_id", .equal, SQLBind(clinicID))
            .where("booking_id", .equal, SQLBind(id.rawValue)).orderBy("changed_at").all()
            .map { try JSONDecoder().decode(BookingChange.self, from: Data(try $0.decode(column: "change_json", as: String.self).utf8)) }
    }

    /// Marks the patient arrived (and the escort confirmed, when so).
    public static func checkIn(_ id: BookingID, escortConfirmed: Bool, now: Date, clinicID: String, on db: any SQLDatabase) async throws {
        guard let stored = try await find(id: id, clinicID: clinicID, on: db), stored.booking.isActive else {
            throw StoreError.notFound(resource: "booking")
        }
        try await db.update("bookings").set("checked_in_at", to: SQLBind(Timestamps.ms(now)))
            .set("escort_confirmed", to: SQLBind(Int64(escortConfirmed ? 1 : 0))).where("clinic_id", .equal, SQLBind(clinicID))
            .where("id", .equal, SQLBind(id.rawValue)).run()
    }

    /// The booking with `id`.
    public static func find(id: BookingID, clinicID: String, on db: any SQLDatabase) async throws -> StoredBooking? {
        try await db.select().column("*").from("bookings").where("clinic_id", .equal, SQLBind(clinicID)).where("id", .equal, SQLBind(id.rawValue))
            .first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> StoredBooking {
        let slot = SessionSlot(
            start: Timestamps.date(try row.decode(column: "starts_at", as: Int64.self)),
            end: Timestamps.date(try row.decode(column: "ends_at", as: Int64.self)),
            chairID: ChairID(try row.decode(column: "chair_id", as: String.self)), nurseID: NurseID(try row.decode(column: "nurse", as: String.self)),
            route: DosingRoute(rawValue: try row.decode(column: "route", as: String.self)) ?? .intravenous
        )
        return StoredBooking(
            booking: Booking(
                id: BookingID(try row.decode(column: "id", as: String.self)),
                patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
                planID: TreatmentPlanID(try row.decode(column: "plan_id", as: String.self)), slot: slot,
                status: BookingStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .booked
            ),
            note: try row.decode(column: "note", as: String?.self),
            checkedInAt: try row.decode(column: "checked_in_at", as: Int64?.self).map(Timestamps.date),
            isEscortConfirmed: try row.decode(column: "escort_confirmed", as: Int64.self) != 0,
            createdBy: try row.decode(column: "created_by", as: String.self)
        )
    }
}
