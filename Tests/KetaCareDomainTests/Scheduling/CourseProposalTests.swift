import Foundation
import KetaCareDomain
import Testing

/// A proposal request and the local start dates (month, day) it must yield.
struct ProposalCase: Sendable, CustomTestStringConvertible {
    let name: String
    let template: PlanTemplate
    let weekdays: Set<Weekday>
    let chairs: [ChairID]
    let existing: [Booking]
    let expected: [(month: Int, day: Int)]
    var testDescription: String { name }
}

@Suite("Course proposal: the whole induction course honouring spacing and the weekly maximum (issue #4, DOMAIN.md §5.1)")
struct CourseProposalTests {
    typealias F = PlanFixture
    typealias S = SchedulingFixture

    static let nine = try! TimeOfDay(hour: 9)
    static let sunday = F.at(2026, 3, 1, 0)
    static let otherPatientWednesday = S.booking("x", S.slot(F.at(2026, 3, 4), chair: S.c1, nurse: S.n2), patient: S.otherPatient, plan: "plan-2")

    static let cases: [ProposalCase] = [
        // §5.1 Murrough 2013 / Feder 2021: 6 infusions, Mon/Wed/Fri, over 12 days (DST starts 8 March; wall-clock 09:00 kept).
        ProposalCase(
            name: "IV Mon/Wed/Fri: 6 sessions in 12 days", template: .ivRacemicInduction, weekdays: [.monday, .wednesday, .friday],
            chairs: [S.c1], existing: [], expected: [(3, 2), (3, 4), (3, 6), (3, 9), (3, 11), (3, 13)]
        ),
        ProposalCase(
            name: "IV Tue/Thu: 6 sessions over 3 weeks", template: .ivRacemicInduction, weekdays: [.tuesday, .thursday], chairs: [S.c1],
            existing: [], expected: [(3, 3), (3, 5), (3, 10), (3, 12), (3, 17), (3, 19)]
        ),
        ProposalCase(
            name: "IV every weekday: 24 h gaps are skipped as below the 48 h soft minimum", template: .ivRacemicInduction,
            weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], chairs: [S.c1], existing: [],
            expected: [(3, 2), (3, 4), (3, 6), (3, 9), (3, 11), (3, 13)]
        ),
        ProposalCase(
            name: "IV: the only chair is taken on Wednesday, so Wednesday is skipped", template: .ivRacemicInduction,
            weekdays: [.monday, .wednesday, .friday], chairs: [S.c1], existing: [otherPatientWednesday],
            expected: [(3, 2), (3, 6), (3, 9), (3, 11), (3, 13), (3, 16)]
        ),
        ProposalCase(
            name: "IV: a second chair takes Wednesday", template: .ivRacemicInduction, weekdays: [.monday, .wednesday, .friday],
            chairs: [S.c1, S.c2], existing: [otherPatientWednesday], expected: [(3, 2), (3, 4), (3, 6), (3, 9), (3, 11), (3, 13)]
        ),
        ProposalCase(
            name: "IV: two sessions already booked, four more proposed after them", template: .ivRacemicInduction,
            weekdays: [.monday, .wednesday, .friday], chairs: [S.c1],
            existing: [S.booking("b1", S.slot(F.at(2026, 3, 2))), S.booking("b2", S.slot(F.at(2026, 3, 4)))],
            expected: [(3, 6), (3, 9), (3, 11), (3, 13)]
        ),
        // §5.3 Spravato: twice weekly for 4 weeks.
        ProposalCase(
            name: "Spravato Mon/Thu: 8 sessions over 4 weeks", template: .spravatoTRD, weekdays: [.monday, .thursday], chairs: [S.c1],
            existing: [], expected: [(3, 2), (3, 5), (3, 9), (3, 12), (3, 16), (3, 19), (3, 23), (3, 26)]
        ),
        // ≤2 per 7 days: with Mon/Wed/Fri offered, only two of each rolling week can be taken.
        ProposalCase(
            name: "Spravato offered Mon/Wed/Fri keeps to 2 per 7 days", template: .spravatoTRD, weekdays: [.monday, .wednesday, .friday],
            chairs: [S.c1], existing: [], expected: [(3, 2), (3, 4), (3, 9), (3, 11), (3, 16), (3, 18), (3, 23), (3, 25)]
        ),
        // Glue 2017: weekly escalation, 3 sessions.
        ProposalCase(
            name: "SC escalation: 3 weekly sessions", template: .scRacemicEscalation, weekdays: [.monday, .thursday], chairs: [S.c1],
            existing: [], expected: [(3, 2), (3, 9), (3, 16)]
        ),
    ]

    @Test("proposed dates", arguments: cases)
    func proposal(_ c: ProposalCase) throws {
        let plan = try F.signedPlan(c.template)
        let slots = CourseProposal.propose(
            plan: plan, startingFrom: Self.sunday, preferredWeekdays: c.weekdays, time: Self.nine, chairs: c.chairs, nurses: [S.n1],
            existing: c.existing, availability: S.openAll, isEligible: true, hasConsentForRoute: true, escortRecorded: true,
            calendar: F.calendar
        )
        #expect(
            slots.map { [F.calendar.component(.month, from: $0.slot.start), F.calendar.component(.day, from: $0.slot.start)] }
                == c.expected.map { [$0.month, $0.day] })
        #expect(slots.allSatisfy { F.calendar.component(.hour, from: $0.slot.start) == 9 && $0.slot.route == c.template.route })
        #expect(slots.map(\.sessionNumber) == Array((plan.inductionSessions - slots.count + 1)...plan.inductionSessions))
        #expect(slots.allSatisfy { $0.slot.end.timeIntervalSince($0.slot.start) == Double(c.template.chairMinutes.value * 60) })

        // Booking the proposal one slot at a time raises no problem at all.
        var booked = c.existing
        for (index, proposed) in slots.enumerated() {
            let problems = S.check(proposed.slot, plan: plan, existing: booked)
            #expect(problems.isEmpty, "slot \(index + 1): \(problems.map(\.message))")
            booked.append(S.booking("p\(index)", proposed.slot))
        }
    }

    @Test("six IV sessions: every gap at least 48 h and never more than 3 in 7 days")
    func ivRules() throws {
        let plan = try F.signedPlan()
        let starts = CourseProposal.propose(
            plan: plan, startingFrom: Self.sunday, preferredWeekdays: [.monday, .wednesday, .friday], time: Self.nine, chairs: [S.c1],
            nurses: [S.n1], existing: [], availability: S.openAll, isEligible: true, hasConsentForRoute: true, escortRecorded: true,
            calendar: F.calendar
        ).map(\.slot.start)
        #expect(starts.count == 6)
        for (a, b) in zip(starts, starts.dropFirst()) { #expect(b.timeIntervalSince(a) >= 48 * 3600) }
        for start in starts {
            let others = starts.filter { $0 != start }
            #expect(BookingCheck.maxSessionsInRollingWindow(containing: start, others: others, windowDays: 7, calendar: F.calendar) <= 3)
        }
    }

    /// A reason no course can be proposed.
    struct BlockedCase: Sendable, CustomTestStringConvertible {
        let name: String
        let signed: Bool
        let isEligible: Bool
        let hasConsent: Bool
        var testDescription: String { name }
    }

    @Test(
        "nothing is proposed for an unsigned plan, an ineligible or unconsented patient",
        arguments: [
            BlockedCase(name: "unsigned", signed: false, isEligible: true, hasConsent: true),
            BlockedCase(name: "ineligible", signed: true, isEligible: false, hasConsent: true),
            BlockedCase(name: "no consent", signed: true, isEligible: true, hasConsent: false),
        ]
    )
    func blocked(_ c: BlockedCase) throws {
        let plan = c.signed ? try F.signedPlan() : try F.plan()
        let slots = CourseProposal.propose(
            plan: plan, startingFrom: Self.sunday, preferredWeekdays: [.monday], time: Self.nine, chairs: [S.c1], nurses: [S.n1],
            existing: [], availability: S.openAll, isEligible: c.isEligible, hasConsentForRoute: c.hasConsent, escortRecorded: true,
            calendar: F.calendar
        )
        #expect(slots.isEmpty)
    }

    @Test("a short search horizon yields a partial course; a missing escort rides along as a warning")
    func horizonAndWarnings() throws {
        var policy = SchedulePolicy.seed
        policy.proposalSearchDays = Sourced(7, .designDefault)
        let slots = CourseProposal.propose(
            plan: try F.signedPlan(), startingFrom: Self.sunday, preferredWeekdays: [.monday, .wednesday, .friday], time: Self.nine,
            chairs: [S.c1], nurses: [S.n1], existing: [], availability: S.openAll, isEligible: true, hasConsentForRoute: true,
            escortRecorded: false, policy: policy, calendar: F.calendar
        )
        #expect(slots.count == 3)
        #expect(slots.allSatisfy { $0.warnings.map(\.code) == [.noEscort] })
    }

    @Test("a start later in the day skips that day's slot")
    func startingMidDay() throws {
        let slots = CourseProposal.propose(
            plan: try F.signedPlan(), startingFrom: F.at(2026, 3, 2, 10), preferredWeekdays: [.monday, .wednesday, .friday], time: Self.nine,
            chairs: [S.c1], nurses: [S.n1], existing: [], availability: S.openAll, isEligible: true, hasConsentForRoute: true,
            escortRecorded: true, calendar: F.calendar
        )
        #expect(slots.first?.slot.start == F.at(2026, 3, 4))
    }
}
