public import Foundation

/// One session of a proposed course, with any soft warnings the booking will need a note for.
public struct ProposedSlot: Sendable, Equatable {
    /// 1-based position in the course, counting sessions already booked under the plan.
    public var sessionNumber: Int
    /// The slot to book.
    public var slot: SessionSlot
    /// Soft problems (e.g. no escort yet); never a hard one, never a spacing warning.
    public var warnings: [BookingProblem]

    /// Creates a proposed slot.
    public init(sessionNumber: Int, slot: SessionSlot, warnings: [BookingProblem]) {
        self.sessionNumber = sessionNumber
        self.slot = slot
        self.warnings = warnings
    }
}

/// Proposes a whole induction course in one step (issue #4: "one click proposes the whole induction course").
public enum CourseProposal {
    /// The remaining induction sessions of `plan` (or `sessions` more, e.g. one as-needed session), on `preferredWeekdays` at `time` in `calendar`'s time zone, from `startingFrom`.
    ///
    /// Each day is tried in order with every chair × nurse; a slot is taken only when ``BookingCheck`` finds no hard problem
    /// and no soft spacing problem against the existing bookings and the slots already proposed. Conflicting days are skipped.
    /// Returns fewer slots than needed when `policy.proposalSearchDays` runs out, and none when the patient or plan cannot be
    /// booked at all (unsigned, ineligible, no consent, wrong route).
    public static func propose(
        plan: TreatmentPlan,
        startingFrom: Date,
        preferredWeekdays: Set<Weekday>,
        time: TimeOfDay,
        chairs: [ChairID],
        nurses: [NurseID],
        existing: [Booking],
        availability: ResourceAvailability,
        isEligible: Bool,
        hasConsentForRoute: Bool,
        escortRecorded: Bool,
        policy: SchedulePolicy = .seed,
        calendar: Calendar,
        sessions: Int? = nil
    ) -> [ProposedSlot] {
        let alreadyBooked = existing.filter { $0.isActive && $0.planID == plan.id }.count
        let needed = sessions ?? (plan.inductionSessions - alreadyBooked)
        guard needed > 0, !preferredWeekdays.isEmpty, !chairs.isEmpty, !nurses.isEmpty else { return [] }
        let blocking: Set<BookingProblemCode> = [.planNotSigned, .planNotBookable, .routeMismatch, .ineligible, .noConsentForRoute]
        let duration = TimeInterval(plan.template.chairMinutes.value * 60)

        var proposed: [ProposedSlot] = []
        var bookings = existing
        var day = calendar.startOfDay(for: startingFrom)
        for _ in 0..<max(policy.proposalSearchDays.value, 0) {
            defer { day = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400) }
            guard let weekday = Weekday(rawValue: calendar.component(.weekday, from: day)), preferredWeekdays.contains(weekday),
                let start = calendar.date(bySettingHour: time.hour, minute: time.minute, second: 0, of: day), start >= startingFrom
            else { continue }
            candidates: for chair in chairs {
                for nurse in nurses {
                    let slot = SessionSlot(start: start, end: start.addingTimeInterval(duration), chairID: chair, nurseID: nurse, route: plan.route)
                    let problems = BookingCheck.evaluate(
                        proposed: slot, plan: plan, existingBookings: bookings, availability: availability, isEligible: isEligible,
                        hasConsentForRoute: hasConsentForRoute, escortRecorded: escortRecorded, policy: policy, calendar: calendar
                    )
                    if problems.contains(where: { blocking.contains($0.code) }) { return [] }
                    guard !problems.isBlocked, !problems.contains(where: { $0.code == .belowSoftSpacing }) else { continue }
                    let number = alreadyBooked + proposed.count + 1
                    proposed.append(ProposedSlot(sessionNumber: number, slot: slot, warnings: problems))
                    bookings.append(
                        Booking(id: BookingID("proposed-\(number)"), patientID: plan.patientID, planID: plan.id, slot: slot)
                    )
                    break candidates
                }
            }
            if proposed.count == needed { break }
        }
        return proposed
    }
}
