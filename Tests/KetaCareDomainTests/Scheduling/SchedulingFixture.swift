import Foundation
import KetaCareDomain

/// Chairs, nurses and bookings for scheduling tests; times come from ``PlanFixture`` (America/New_York).
enum SchedulingFixture {
    typealias F = PlanFixture

    static let c1 = ChairID("chair-1")
    static let c2 = ChairID("chair-2")
    static let n1 = NurseID("rn.kim")
    static let n2 = NurseID("rn.ortiz")
    static let otherPatient = PatientID("patient-2")

    /// Everything open from February to June 2026.
    static let season = DateInterval(start: F.at(2026, 2, 1, 0), end: F.at(2026, 6, 1, 0))
    static let openAll = ResourceAvailability(chairs: [c1: [season], c2: [season]], nurses: [n1: [season], n2: [season]])

    /// A slot of `hours` from `start` on `chair` with `nurse`.
    static func slot(
        _ start: Date, hours: Double = 2, chair: ChairID = c1, nurse: NurseID = n1, route: DosingRoute = .intravenous
    ) -> SessionSlot {
        SessionSlot(start: start, end: start.addingTimeInterval(hours * 3600), chairID: chair, nurseID: nurse, route: route)
    }

    /// A booking for `patient` (the fixture patient by default) under plan-1.
    static func booking(
        _ id: String, _ slot: SessionSlot, patient: PatientID = F.patient, plan: String = "plan-1", status: BookingStatus = .booked
    ) -> Booking {
        Booking(id: BookingID(id), patientID: patient, planID: TreatmentPlanID(plan), slot: slot, status: status)
    }

    /// Runs the booking check with everything in order unless a case says otherwise.
    static func check(
        _ slot: SessionSlot,
        plan: TreatmentPlan,
        existing: [Booking] = [],
        availability: ResourceAvailability = openAll,
        isEligible: Bool = true,
        hasConsentForRoute: Bool = true,
        escortRecorded: Bool = true,
        calendar: Calendar = F.calendar,
        replacing: BookingID? = nil
    ) -> [BookingProblem] {
        BookingCheck.evaluate(
            proposed: slot, plan: plan, existingBookings: existing, availability: availability, isEligible: isEligible,
            hasConsentForRoute: hasConsentForRoute, escortRecorded: escortRecorded, calendar: calendar, replacing: replacing
        )
    }
}
