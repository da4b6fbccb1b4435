public import Foundation

/// A booking's identifier.
public struct BookingID: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The stored identifier.
    public let rawValue: String

    /// Wraps a stored identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Whether a booking still holds its chair.
public enum BookingStatus: String, Codable, Sendable, CaseIterable {
    /// Holds the chair and nurse.
    case booked
    /// Cancelled; kept for history, frees the chair.
    case cancelled
}

/// A dosing session booked for a patient under a plan.
public struct Booking: Codable, Sendable, Equatable, Identifiable {
    /// Stable identifier.
    public var id: BookingID
    /// The patient.
    public var patientID: PatientID
    /// The plan the session belongs to.
    public var planID: TreatmentPlanID
    /// When, where, who and by which route.
    public var slot: SessionSlot
    /// Booked or cancelled.
    public var status: BookingStatus

    /// Creates a booking.
    public init(id: BookingID, patientID: PatientID, planID: TreatmentPlanID, slot: SessionSlot, status: BookingStatus = .booked) {
        self.id = id
        self.patientID = patientID
        self.planID = planID
        self.slot = slot
        self.status = status
    }

    /// Whether it still holds its chair and counts for spacing.
    public var isActive: Bool { status == .booked }

    /// The booking after `change`; the change must be for this booking and the booking still booked.
    public func applying(_ change: BookingChange) throws(SchedulingError) -> Booking {
        guard change.bookingID == id else {
            throw SchedulingError(field: "bookingID", message: "change is for booking \(change.bookingID), not \(id)")
        }
        guard isActive else { throw SchedulingError(field: "status", message: "booking \(id) is cancelled and cannot change") }
        var next = self
        switch change.kind {
        case .rescheduled(_, let to): next.slot = to
        case .cancelled: next.status = .cancelled
        }
        return next
    }
}

/// A reschedule or cancellation with its reason; the store keeps every change as history.
public struct BookingChange: Codable, Sendable, Equatable {
    /// What changed.
    public enum Kind: Codable, Sendable, Equatable {
        /// Moved from one slot to another (check the new slot with ``BookingCheck`` first, replacing this booking).
        case rescheduled(from: SessionSlot, to: SessionSlot)
        /// Cancelled.
        case cancelled(slot: SessionSlot)
    }

    /// The booking changed.
    public var bookingID: BookingID
    /// What changed.
    public var kind: Kind
    /// Why (required).
    public var reason: String
    /// Who changed it (staff username).
    public var changedBy: String
    /// Their role.
    public var role: Role
    /// When.
    public var changedAt: Date

    /// A reschedule of `booking` to `slot`; refuses an empty reason, a cancelled booking or a session already started.
    public static func reschedule(
        _ booking: Booking, to slot: SessionSlot, reason: String, by username: String, role: Role, at now: Date
    ) throws(SchedulingError) -> BookingChange {
        let reason = try validated(booking, reason: reason, now: now, verb: "reschedule")
        guard slot.end > slot.start else { throw SchedulingError(field: "slot.end", message: "slot.end must be after slot.start") }
        return BookingChange(
            bookingID: booking.id, kind: .rescheduled(from: booking.slot, to: slot), reason: reason, changedBy: username, role: role, changedAt: now
        )
    }

    /// A cancellation of `booking`; refuses an empty reason, a cancelled booking or a session already started.
    public static func cancel(_ booking: Booking, reason: String, by username: String, role: Role, at now: Date) throws(SchedulingError)
        -> BookingChange
    {
        let reason = try validated(booking, reason: reason, now: now, verb: "cancel")
        return BookingChange(
            bookingID: booking.id, kind: .cancelled(slot: booking.slot), reason: reason, changedBy: username, role: role, changedAt: now)
    }

    private static func validated(_ booking: Booking, reason: String, now: Date, verb: String) throws(SchedulingError) -> String {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SchedulingError(field: "reason", message: "a reason is required to \(verb) a booking") }
        guard booking.isActive else { throw SchedulingError(field: "status", message: "booking \(booking.id) is already cancelled") }
        guard now < booking.slot.start else {
            throw SchedulingError(field: "slot.start", message: "the session has started; record it on the session instead of trying to \(verb) it")
        }
        return trimmed
    }
}
