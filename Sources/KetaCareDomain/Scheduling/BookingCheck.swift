public import Foundation

/// The booking rules for one proposed dosing session (issue #4 scheduling; DOMAIN.md §4.8, §5.1).
public enum BookingCheck {
    /// Every problem with booking `slot` under `plan`; empty means it may be booked without a note.
    ///
    /// Hard: impossible slot, unsigned or inactive plan, wrong route, before the plan's start, ineligible, no consent for
    /// the route, the patient already booked then, below hard spacing, a second session the same calendar day, above the
    /// weekly maximum, chair closed or double-booked, nurse off shift or at capacity. Soft: below soft spacing, no escort
    /// recorded (severity from `policy.escortSeverity`). `replacing` leaves one booking out, for rescheduling it.
    public static func evaluate(
        proposed slot: SessionSlot,
        plan: TreatmentPlan,
        existingBookings: [Booking],
        availability: ResourceAvailability,
        isEligible: Bool,
        hasConsentForRoute: Bool,
        escortRecorded: Bool,
        policy: SchedulePolicy = .seed,
        calendar: Calendar,
        replacing: BookingID? = nil
    ) -> [BookingProblem] {
        guard slot.end > slot.start else {
            return [BookingProblem(code: .invalidSlot, severity: .hard, field: "slot.end", message: "slot.end must be after slot.start")]
        }
        var problems: [BookingProblem] = []
        func hard(_ code: BookingProblemCode, _ field: String, _ message: String) {
            problems.append(BookingProblem(code: code, severity: .hard, field: field, message: message))
        }
        func soft(_ code: BookingProblemCode, _ field: String, _ message: String) {
            problems.append(BookingProblem(code: code, severity: .soft, field: field, message: message))
        }

        // MARK: Plan, patient and consent
        if !plan.isSigned { hard(.planNotSigned, "plan.signature", "the plan is not signed; a prescriber must sign it before sessions are booked") }
        if !(plan.phase == .evaluation || plan.phase.isActive) {
            hard(.planNotBookable, "plan.phase", "the plan is \(plan.phase.rawValue); sessions can be booked in evaluation, induction or maintenance")
        }
        if slot.route != plan.route {
            hard(.routeMismatch, "slot.route", "the plan's route is \(plan.route.rawValue); got \(slot.route.rawValue)")
        }
        if slot.start < plan.startDate {
            hard(.beforePlanStart, "slot.start", "the session is before the plan's start (\(plan.startDate.formatted(.iso8601)))")
        }
        if !isEligible { hard(.ineligible, "isEligible", "the patient is not currently eligible for treatment") }
        if !hasConsentForRoute { hard(.noConsentForRoute, "hasConsentForRoute", "no current consent for route \(slot.route.rawValue)") }

        // MARK: The patient's other sessions
        let patientSessions = existingBookings.filter { $0.isActive && $0.patientID == plan.patientID && $0.id != replacing }
        if let clash = patientSessions.first(where: { $0.slot.overlaps(slot) }) {
            hard(.patientDoubleBooked, "slot.start", "the patient already has session \(clash.id) at that time")
        }
        // DOMAIN.md §5.1: spacing ≥20 h hard, ≥48 h soft, start to start.
        if let nearest = patientSessions.min(by: {
            abs($0.slot.start.timeIntervalSince(slot.start)) < abs($1.slot.start.timeIntervalSince(slot.start))
        }) {
            let gapHours = abs(nearest.slot.start.timeIntervalSince(slot.start)) / 3600
            // Truncated, so a gap just under a minimum never prints as the minimum itself.
            let gapText = hoursText((gapHours * 10 + 1e-9).rounded(.down) / 10)
            switch plan.spacing.verdict(forGapHours: gapHours) {
            case .belowHard:
                hard(
                    .belowHardSpacing, "slot.start",
                    "only \(gapText) h from session \(nearest.id); the minimum is \(hoursText(plan.spacing.hardMinHours.value)) h"
                )
            case .belowSoft:
                soft(
                    .belowSoftSpacing, "slot.start",
                    "only \(gapText) h from session \(nearest.id); sessions are normally at least "
                        + "\(hoursText(plan.spacing.softMinHours.value)) h apart"
                )
            case .sufficient:
                break
            }
        }
        // DOMAIN.md §4.8: one ketamine/esketamine administration session per calendar day.
        if let sameDay = patientSessions.first(where: { calendar.isDate($0.slot.start, inSameDayAs: slot.start) }) {
            hard(.sameCalendarDay, "slot.start", "the patient already has session \(sameDay.id) that day; one dosing session per calendar day")
        }
        let inWindow = maxSessionsInRollingWindow(
            containing: slot.start, others: patientSessions.map(\.slot.start), windowDays: policy.weeklyWindowDays.value,
            calendar: calendar
        )
        if inWindow > plan.sessionsPerWeekMax {
            hard(
                .weeklyMaximum, "slot.start",
                "this would be \(inWindow) sessions within \(policy.weeklyWindowDays.value) days; the plan allows at most \(plan.sessionsPerWeekMax)"
            )
        }
        if !escortRecorded {
            let message = "no escort home is recorded for this session"
            problems.append(BookingProblem(code: .noEscort, severity: policy.escortSeverity.value, field: "escortRecorded", message: message))
        }

        // MARK: Chair and nurse
        let others = existingBookings.filter { $0.isActive && $0.id != replacing }
        if !availability.isChairOpen(slot.chairID, from: slot.start, to: slot.end) {
            hard(.chairUnavailable, "slot.chairID", "chair \(slot.chairID) is not open for the whole session")
        }
        if let clash = others.first(where: { $0.slot.chairID == slot.chairID && $0.slot.overlaps(slot) }) {
            hard(.chairDoubleBooked, "slot.chairID", "chair \(slot.chairID) is already booked by session \(clash.id) at that time")
        }
        if !availability.isNurseOnShift(slot.nurseID, from: slot.start, to: slot.end) {
            hard(.nurseUnavailable, "slot.nurseID", "nurse \(slot.nurseID) is not on shift for the whole session")
        }
        let nurseLoad = others.filter { $0.slot.nurseID == slot.nurseID && $0.slot.overlaps(slot) }.count
        if nurseLoad >= policy.maxConcurrentSessionsPerNurse.value {
            hard(
                .nurseAtCapacity, "slot.nurseID",
                "nurse \(slot.nurseID) already monitors \(nurseLoad) session(s) then; the limit is \(policy.maxConcurrentSessionsPerNurse.value)"
            )
        }
        return problems
    }

    /// The most sessions, `proposed` included, in any rolling window of `windowDays` calendar days that contains `proposed`.
    ///
    /// Calendar days, not 24-hour blocks, so Monday 09:00 to the next Monday 09:00 across a daylight-saving change is one week.
    public static func maxSessionsInRollingWindow(containing proposed: Date, others: [Date], windowDays: Int, calendar: Calendar) -> Int {
        let all = (others + [proposed]).sorted()
        func windowEnd(_ start: Date) -> Date {
            calendar.date(byAdding: .day, value: windowDays, to: start) ?? start.addingTimeInterval(Double(windowDays) * 86_400)
        }
        // The busiest half-open window [w, w + days) containing `proposed` starts at one of the sessions.
        return all.filter { $0 <= proposed && proposed < windowEnd($0) }
            .map { start in all.filter { $0 >= start && $0 < windowEnd(start) }.count }
            .max() ?? 1
    }

    /// Hours written the same on every server: "20", "47.9" (locale-independent).
    private static func hoursText(_ hours: Double) -> String {
        hours == hours.rounded() ? String(Int(hours)) : String(format: "%.1f", hours)
    }
}
