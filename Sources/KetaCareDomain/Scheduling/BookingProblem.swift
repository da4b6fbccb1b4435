import Foundation

/// Whether a booking problem blocks or warns.
public enum BookingSeverity: String, Codable, Sendable, CaseIterable {
    /// Blocks the booking; the reason is shown.
    case hard
    /// Warns; the booking needs a note from the person booking.
    case soft
}

/// Which booking rule a problem comes from.
public enum BookingProblemCode: String, Codable, Sendable, CaseIterable {
    /// The slot ends before it starts.
    case invalidSlot = "invalid_slot"
    /// The plan has no prescriber signature.
    case planNotSigned = "plan_not_signed"
    /// The plan is paused, completed or discontinued.
    case planNotBookable = "plan_not_bookable"
    /// The slot's route is not the plan's.
    case routeMismatch = "route_mismatch"
    /// The session is before the plan's start date.
    case beforePlanStart = "before_plan_start"
    /// The patient is not currently eligible.
    case ineligible
    /// No current consent for the route.
    case noConsentForRoute = "no_consent_for_route"
    /// The patient already has a session overlapping this one.
    case patientDoubleBooked = "patient_double_booked"
    /// Closer to another session than the hard minimum (DOMAIN.md §5.1).
    case belowHardSpacing = "below_hard_spacing"
    /// Closer to another session than the soft minimum (DOMAIN.md §5.1).
    case belowSoftSpacing = "below_soft_spacing"
    /// A second dosing session the same calendar day (DOMAIN.md §4.8).
    case sameCalendarDay = "same_calendar_day"
    /// More sessions in a rolling week than the plan allows.
    case weeklyMaximum = "weekly_maximum"
    /// No escort home recorded.
    case noEscort = "no_escort"
    /// The chair is not open for the whole session.
    case chairUnavailable = "chair_unavailable"
    /// The chair is booked by another session at that time.
    case chairDoubleBooked = "chair_double_booked"
    /// The nurse is not on shift for the whole session.
    case nurseUnavailable = "nurse_unavailable"
    /// The nurse already monitors as many sessions as allowed at that time.
    case nurseAtCapacity = "nurse_at_capacity"
}

/// One reason a proposed booking is refused (hard) or needs a note (soft), naming the field at fault.
public struct BookingProblem: Codable, Sendable, Equatable {
    /// Which rule.
    public var code: BookingProblemCode
    /// Blocks or warns.
    public var severity: BookingSeverity
    /// The input at fault (`slot.start`, `slot.chairID`, `hasConsentForRoute`).
    public var field: String
    /// What is wrong and what would be allowed.
    public var message: String

    /// Creates a problem.
    public init(code: BookingProblemCode, severity: BookingSeverity, field: String, message: String) {
        self.code = code
        self.severity = severity
        self.field = field
        self.message = message
    }
}

extension Array where Element == BookingProblem {
    /// Whether any problem blocks the booking.
    public var isBlocked: Bool { contains { $0.severity == .hard } }

    /// Whether the booking may be saved with `note`: no hard problem, and a non-empty note when there is a soft one.
    public func allowsBooking(note: String?) -> Bool {
        if isBlocked { return false }
        let hasNote = !(note?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true)
        return allSatisfy { $0.severity != .soft } || hasNote
    }
}
