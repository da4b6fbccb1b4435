import Foundation
import KetaCareDomain
import Testing

/// One booking situation and exactly the problems it must raise.
struct BookingCase: Sendable, CustomTestStringConvertible {
    let name: String
    let slot: SessionSlot
    var plan: TreatmentPlan
    var existing: [Booking] = []
    var availability: ResourceAvailability = SchedulingFixture.openAll
    var isEligible = true
    var hasConsentForRoute = true
    var escortRecorded = true
    let expected: [BookingProblemCode: BookingSeverity]
    var testDescription: String { name }
}

@Suite("Booking checks: every hard and soft problem alone (issue #4 scheduling, DOMAIN.md §4.8, §5.1)")
struct BookingCheckTests {
    typealias F = PlanFixture
    typealias S = SchedulingFixture

    static let wed = F.at(2026, 3, 4)

    static func cases() throws -> [BookingCase] {
        let plan = try F.signedPlan()
        var unsigned = try F.plan()
        try unsigned.adjust(.startDate(F.at(2026, 3, 1, 0)))
        var discontinued = try F.signedPlan()
        try discontinued.transition(to: .discontinued, by: F.prescriber, at: F.at(2026, 3, 1), reason: "moved away")
        let other = S.otherPatient
        return [
            BookingCase(name: "clean booking", slot: S.slot(wed), plan: plan, expected: [:]),
            BookingCase(name: "end before start", slot: S.slot(wed, hours: -1), plan: plan, expected: [.invalidSlot: .hard]),
            BookingCase(name: "unsigned plan", slot: S.slot(wed), plan: unsigned, expected: [.planNotSigned: .hard]),
            BookingCase(name: "discontinued plan", slot: S.slot(wed), plan: discontinued, expected: [.planNotBookable: .hard]),
            BookingCase(name: "wrong route", slot: S.slot(wed, route: .intramuscular), plan: plan, expected: [.routeMismatch: .hard]),
            BookingCase(name: "before plan start", slot: S.slot(F.at(2026, 2, 28)), plan: plan, expected: [.beforePlanStart: .hard]),
            BookingCase(name: "ineligible", slot: S.slot(wed), plan: plan, isEligible: false, expected: [.ineligible: .hard]),
            BookingCase(
                name: "no consent for the route", slot: S.slot(wed), plan: plan, hasConsentForRoute: false, expected: [.noConsentForRoute: .hard]
            ),
            BookingCase(name: "no escort recorded warns", slot: S.slot(wed), plan: plan, escortRecorded: false, expected: [.noEscort: .soft]),
            BookingCase(
                name: "chair double-booked by another patient", slot: S.slot(wed.addingTimeInterval(3600)), plan: plan,
                existing: [S.booking("x", S.slot(wed), patient: other, plan: "plan-2")], expected: [.chairDoubleBooked: .hard]
            ),
            BookingCase(
                name: "chair free from the minute the previous session ends", slot: S.slot(wed.addingTimeInterval(7200)), plan: plan,
                existing: [S.booking("x", S.slot(wed), patient: other, plan: "plan-2")], expected: [:]
            ),
            BookingCase(
                name: "a cancelled booking frees the chair", slot: S.slot(wed), plan: plan,
                existing: [S.booking("x", S.slot(wed), patient: other, plan: "plan-2", status: .cancelled)], expected: [:]
            ),
            BookingCase(name: "unknown chair", slot: S.slot(wed, chair: ChairID("chair-9")), plan: plan, expected: [.chairUnavailable: .hard]),
            BookingCase(
                name: "nurse's shift ends mid-session", slot: S.slot(wed), plan: plan,
                availability: ResourceAvailability(
                    chairs: S.openAll.chairs, nurses: [S.n1: [DateInterval(start: F.at(2026, 3, 4, 7), end: F.at(2026, 3, 4, 10))]]
                ),
                expected: [.nurseUnavailable: .hard]
            ),
            BookingCase(
                name: "nurse already monitors two sessions", slot: S.slot(wed, chair: S.c1), plan: plan,
                existing: [
                    S.booking("x", S.slot(wed, chair: S.c2), patient: other, plan: "plan-2"),
                    S.booking("y", S.slot(wed, chair: ChairID("chair-3")), patient: PatientID("patient-3"), plan: "plan-3"),
                ],
                expected: [.nurseAtCapacity: .hard]
            ),
            BookingCase(
                name: "nurse monitoring one other session is fine", slot: S.slot(wed, chair: S.c1), plan: plan,
                existing: [S.booking("x", S.slot(wed, chair: S.c2), patient: other, plan: "plan-2")], expected: [:]
            ),
            // DOMAIN.md §4.8: one dosing session per calendar day (01:00 and 23:00 are 22 h apart, above the hard minimum).
            BookingCase(
                name: "second session the same calendar day", slot: S.slot(F.at(2026, 3, 4, 23), hours: 0.5), plan: plan,
                existing: [S.booking("b1", S.slot(F.at(2026, 3, 4, 1), hours: 0.5))],
                expected: [.sameCalendarDay: .hard, .belowSoftSpacing: .soft]
            ),
        ]
    }

    @Test("each situation raises exactly its problems with the right severity", arguments: try cases())
    func problems(_ c: BookingCase) {
        let problems = S.check(
            c.slot, plan: c.plan, existing: c.existing, availability: c.availability, isEligible: c.isEligible,
            hasConsentForRoute: c.hasConsentForRoute, escortRecorded: c.escortRecorded
        )
        #expect(Dictionary(uniqueKeysWithValues: problems.map { ($0.code, $0.severity) }) == c.expected)
        #expect(problems.allSatisfy { !$0.field.isEmpty && !$0.message.isEmpty })
    }

    @Test("the same-day rule uses the clinic's calendar: in UTC these two sessions fall on different days")
    func calendarMatters() throws {
        let existing = [S.booking("b1", S.slot(F.at(2026, 3, 4, 1), hours: 0.5))]
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let problems = S.check(S.slot(F.at(2026, 3, 4, 23), hours: 0.5), plan: try F.signedPlan(), existing: existing, calendar: utc)
        #expect(problems.map(\.code) == [.belowSoftSpacing])
    }

    /// Sessions already booked, a proposed one, and whether the weekly maximum refuses it.
    struct WeeklyCase: Sendable, CustomTestStringConvertible {
        let name: String
        let template: PlanTemplate
        let sessionsPerWeekMax: Int?
        let existing: [Date]
        let proposed: Date
        let refused: Bool
        var testDescription: String { name }
    }

    static let weekly: [WeeklyCase] = [
        // §5.1 Murrough: Mon/Wed/Fri; the next Monday at the same wall-clock time is outside the 7-day window even across DST.
        WeeklyCase(
            name: "IV 4th session the next Monday 09:00 (across DST)", template: .ivRacemicInduction, sessionsPerWeekMax: nil,
            existing: [F.at(2026, 3, 2), F.at(2026, 3, 4), F.at(2026, 3, 6)], proposed: F.at(2026, 3, 9), refused: false
        ),
        WeeklyCase(
            name: "IV 4th session the next Monday 08:59 is a 4th in 7 days", template: .ivRacemicInduction, sessionsPerWeekMax: nil,
            existing: [F.at(2026, 3, 2), F.at(2026, 3, 4), F.at(2026, 3, 6)], proposed: F.at(2026, 3, 9, 8, 59), refused: true
        ),
        WeeklyCase(
            name: "IV plan lowered to 2 a week refuses Friday", template: .ivRacemicInduction, sessionsPerWeekMax: 2,
            existing: [F.at(2026, 3, 2), F.at(2026, 3, 4)], proposed: F.at(2026, 3, 6), refused: true
        ),
        WeeklyCase(
            name: "IV 3rd session inside a week is allowed", template: .ivRacemicInduction, sessionsPerWeekMax: nil,
            existing: [F.at(2026, 3, 2), F.at(2026, 3, 4)], proposed: F.at(2026, 3, 6), refused: false
        ),
        // §4.8 Spravato: ≤2 per 7 days.
        WeeklyCase(
            name: "Spravato 3rd in 7 days", template: .spravatoTRD, sessionsPerWeekMax: nil,
            existing: [F.at(2026, 3, 2), F.at(2026, 3, 5)], proposed: F.at(2026, 3, 8), refused: true
        ),
        WeeklyCase(
            name: "Spravato next Monday", template: .spravatoTRD, sessionsPerWeekMax: nil,
            existing: [F.at(2026, 3, 2), F.at(2026, 3, 5)], proposed: F.at(2026, 3, 9), refused: false
        ),
        WeeklyCase(
            name: "Spravato: a window that starts before the proposal counts", template: .spravatoTRD, sessionsPerWeekMax: nil,
            existing: [F.at(2026, 3, 5), F.at(2026, 3, 10)], proposed: F.at(2026, 3, 12), refused: false
        ),
        WeeklyCase(
            name: "Spravato: a later session in the window counts too", template: .spravatoTRD, sessionsPerWeekMax: nil,
            existing: [F.at(2026, 3, 9), F.at(2026, 3, 12)], proposed: F.at(2026, 3, 6), refused: true
        ),
    ]

    @Test("weekly maximum over a rolling 7 calendar days", arguments: weekly)
    func weeklyMaximum(_ c: WeeklyCase) throws {
        var plan = try F.plan(c.template)
        if let max = c.sessionsPerWeekMax { try plan.adjust(.sessionsPerWeekMax(max)) }
        try plan.sign(by: F.prescriber, at: F.created)
        let route = c.template.route
        let existing = c.existing.enumerated().map { S.booking("b\($0.offset)", S.slot($0.element, route: route)) }
        let problems = S.check(S.slot(c.proposed, route: route), plan: plan, existing: existing)
        #expect(problems.contains { $0.code == .weeklyMaximum && $0.severity == .hard } == c.refused)
        #expect(problems.filter { $0.code != .weeklyMaximum }.isEmpty)
    }

    @Test("rescheduling a booking ignores its own old slot")
    func replacing() throws {
        let old = S.booking("b1", S.slot(Self.wed))
        let moved = S.slot(Self.wed.addingTimeInterval(3600))
        let plan = try F.signedPlan()
        #expect(!S.check(moved, plan: plan, existing: [old]).isEmpty)
        #expect(S.check(moved, plan: plan, existing: [old], replacing: old.id).isEmpty)
    }

    @Test("hard blocks; soft needs a note")
    func decision() {
        let soft = [BookingProblem(code: .noEscort, severity: .soft, field: "escortRecorded", message: "no escort")]
        let hard = [BookingProblem(code: .ineligible, severity: .hard, field: "isEligible", message: "ineligible")]
        #expect([BookingProblem]().allowsBooking(note: nil))
        #expect(!soft.allowsBooking(note: nil))
        #expect(!soft.allowsBooking(note: "  "))
        #expect(soft.allowsBooking(note: "escort confirmed by phone"))
        #expect(!hard.allowsBooking(note: "override"))
        #expect(hard.isBlocked && !soft.isBlocked)
    }

    @Test("a clinic may make a missing escort block")
    func escortPolicy() throws {
        var policy = SchedulePolicy.seed
        policy.escortSeverity = Sourced(.hard, .designDefault)
        let problems = BookingCheck.evaluate(
            proposed: S.slot(Self.wed), plan: try F.signedPlan(), existingBookings: [], availability: S.openAll, isEligible: true,
            hasConsentForRoute: true, escortRecorded: false, policy: policy, calendar: F.calendar
        )
        #expect(problems.map(\.severity) == [.hard])
    }
}
