import Foundation
import KetaCareDomain
import Testing

/// A moment relative to a rule's anchor and the status the GAD-7 item must have then.
struct DueCase: Sendable, CustomTestStringConvertible {
    let ruleID: String
    /// Seconds after the anchor.
    let offsetSeconds: Double
    let status: String
    var testDescription: String { "\(ruleID) at anchor \(offsetSeconds >= 0 ? "+" : "")\(offsetSeconds / 3600) h → \(status)" }
}

@Suite("Measurement schedule: due, overdue and missed boundaries (issue #3, DOMAIN.md §2.1)")
struct QuestionnaireScheduleTests {
    typealias F = PlanFixture

    static let s1 = F.at(2026, 3, 2)  // Monday 09:00
    static let s2 = F.at(2026, 3, 4)  // Wednesday 09:00
    static let maintenanceStart = F.at(2026, 3, 23)
    static let schedule = QuestionnaireSchedule.standard
    static let phases = [
        PhasePeriod(phase: .induction, start: s1, end: maintenanceStart),
        PhasePeriod(phase: .maintenance, start: maintenanceStart, end: nil),
    ]

    static func anchor(of ruleID: String) -> Date {
        switch ruleID {
        case "baseline", "post-session-24h": s1
        case "pre-session": s2
        default: maintenanceStart.addingTimeInterval(7 * 86_400)
        }
    }

    static let h = 3600.0
    static let cases: [DueCase] = [
        // Baseline: window opens 14 days (§2.1) before the first session, due 72 h before, overdue at the session, missed after.
        DueCase(ruleID: "baseline", offsetSeconds: -72 * h - 1, status: "upcoming"),
        DueCase(ruleID: "baseline", offsetSeconds: -72 * h, status: "due"),
        DueCase(ruleID: "baseline", offsetSeconds: -1, status: "due"),
        DueCase(ruleID: "baseline", offsetSeconds: 0, status: "overdue"),
        DueCase(ruleID: "baseline", offsetSeconds: 1, status: "missed"),
        // Before each session: due 24 h before, overdue 2 h before, missed once the session starts.
        DueCase(ruleID: "pre-session", offsetSeconds: -24 * h - 1, status: "upcoming"),
        DueCase(ruleID: "pre-session", offsetSeconds: -24 * h, status: "due"),
        DueCase(ruleID: "pre-session", offsetSeconds: -2 * h - 1, status: "due"),
        DueCase(ruleID: "pre-session", offsetSeconds: -2 * h, status: "overdue"),
        DueCase(ruleID: "pre-session", offsetSeconds: 0, status: "overdue"),
        DueCase(ruleID: "pre-session", offsetSeconds: 1, status: "missed"),
        // 24 h after each session: due at +24 h, overdue at +48 h, accepted until +72 h.
        DueCase(ruleID: "post-session-24h", offsetSeconds: 24 * h - 1, status: "upcoming"),
        DueCase(ruleID: "post-session-24h", offsetSeconds: 24 * h, status: "due"),
        DueCase(ruleID: "post-session-24h", offsetSeconds: 48 * h - 1, status: "due"),
        DueCase(ruleID: "post-session-24h", offsetSeconds: 48 * h, status: "overdue"),
        DueCase(ruleID: "post-session-24h", offsetSeconds: 72 * h, status: "overdue"),
        DueCase(ruleID: "post-session-24h", offsetSeconds: 72 * h + 1, status: "missed"),
        // Weekly in maintenance: due on each 7th day, overdue 48 h later, accepted until +120 h.
        DueCase(ruleID: "maintenance-weekly", offsetSeconds: -1, status: "upcoming"),
        DueCase(ruleID: "maintenance-weekly", offsetSeconds: 0, status: "due"),
        DueCase(ruleID: "maintenance-weekly", offsetSeconds: 48 * h - 1, status: "due"),
        DueCase(ruleID: "maintenance-weekly", offsetSeconds: 48 * h, status: "overdue"),
        DueCase(ruleID: "maintenance-weekly", offsetSeconds: 120 * h, status: "overdue"),
        DueCase(ruleID: "maintenance-weekly", offsetSeconds: 120 * h + 1, status: "missed"),
    ]

    @Test("status on both sides of every boundary", arguments: cases)
    func boundaries(_ c: DueCase) throws {
        let anchor = Self.anchor(of: c.ruleID)
        let now = anchor.addingTimeInterval(c.offsetSeconds)
        let items = Self.schedule.dueItems(sessions: [Self.s1, Self.s2], phases: Self.phases, completed: [], now: now)
        let item = try #require(items.first { $0.ruleID == c.ruleID && $0.instrumentID == "gad7" && $0.anchor == anchor })
        #expect(item.status.code == c.status)
    }

    @Test("due and overdue-from times of the seeded rules")
    func times() throws {
        let items = Self.schedule.dueItems(sessions: [Self.s1, Self.s2], phases: [], completed: [], now: Self.s1)
        let baseline = try #require(items.first { $0.ruleID == "baseline" && $0.instrumentID == "phq9" })
        #expect(baseline.opensAt == Self.s1.addingTimeInterval(-14 * 86_400))
        #expect(baseline.dueAt == Self.s1.addingTimeInterval(-72 * Self.h))
        #expect(baseline.overdueFrom == Self.s1)
        #expect(baseline.closesAt == Self.s1)
        // Two instruments × (1 baseline + 2 pre + 2 post); no maintenance period given.
        #expect(items.count == 10)
        #expect(items.map(\.dueAt) == items.map(\.dueAt).sorted())
    }

    @Test("no sessions booked: nothing to measure against")
    func noSessions() {
        #expect(Self.schedule.dueItems(sessions: [], phases: [], completed: [], now: Self.s1).isEmpty)
    }

    @Test("a completion in its window and context satisfies one item; GAD-7 spelled with punctuation matches gad7")
    func completions() throws {
        let now = Self.s2.addingTimeInterval(-1 * Self.h)
        let completed = [
            CompletedMeasurement(instrumentID: "GAD-7", completedAt: Self.s2.addingTimeInterval(-3 * Self.h), context: .preSession),
            // Wrong context: does not satisfy the pre-session PHQ-9.
            CompletedMeasurement(instrumentID: "phq9", completedAt: Self.s2.addingTimeInterval(-3 * Self.h), context: .followUp),
        ]
        let items = Self.schedule.dueItems(sessions: [Self.s1, Self.s2], phases: [], completed: completed, now: now)
        let gad = try #require(items.first { $0.ruleID == "pre-session" && $0.anchor == Self.s2 && $0.instrumentID == "gad7" })
        let phq = try #require(items.first { $0.ruleID == "pre-session" && $0.anchor == Self.s2 && $0.instrumentID == "phq9" })
        #expect(gad.status == .completed(at: Self.s2.addingTimeInterval(-3 * Self.h)))
        #expect(phq.status == .overdue)
    }

    @Test("one completion never satisfies two sessions' pre-session items")
    func oneCompletionOneItem() throws {
        // Exactly s1 lies in s1's window [s1 − 48 h, s1] and in s2's [s2 − 48 h = s1, s2]; the earlier-due item takes it.
        let at = Self.s1
        let completed = [CompletedMeasurement(instrumentID: "gad7", completedAt: at, context: .preSession)]
        let items = Self.schedule.dueItems(sessions: [Self.s1, Self.s2], phases: [], completed: completed, now: Self.s2)
        let pre = items.filter { $0.ruleID == "pre-session" && $0.instrumentID == "gad7" }
        #expect(pre.map(\.status) == [.completed(at: at), .overdue])
    }

    // DOMAIN.md §2.1: baseline within 14 days before the first session.
    @Test("baseline window edge: exactly 14 days before counts, a second earlier does not", arguments: [(0.0, true), (-1.0, false)])
    func baselineWindow(_ extra: Double, _ counts: Bool) throws {
        let at = Self.s1.addingTimeInterval(-14 * 86_400 + extra)
        let completed = [CompletedMeasurement(instrumentID: "gad7", completedAt: at, context: .baseline)]
        let items = Self.schedule.dueItems(sessions: [Self.s1], phases: [], completed: completed, now: Self.s1.addingTimeInterval(-1))
        let baseline = try #require(items.first { $0.ruleID == "baseline" && $0.instrumentID == "gad7" })
        #expect(baseline.status == (counts ? .completed(at: at) : .due))
    }

    @Test("a completion recorded after now is ignored")
    func futureCompletion() throws {
        let completed = [CompletedMeasurement(instrumentID: "gad7", completedAt: Self.s1.addingTimeInterval(-60), context: .baseline)]
        let items = Self.schedule.dueItems(sessions: [Self.s1], phases: [], completed: completed, now: Self.s1.addingTimeInterval(-120))
        #expect(items.first { $0.ruleID == "baseline" && $0.instrumentID == "gad7" }?.status == .due)
    }

    @Test("weekly items: every occurrence so far plus the next one; none after the maintenance period ends")
    func weeklyOccurrences() {
        let m = Self.maintenanceStart
        let open = [PhasePeriod(phase: .maintenance, start: m, end: nil)]
        let now = m.addingTimeInterval(7 * 86_400 + Self.h)
        let anchors = Self.schedule.dueItems(sessions: [], phases: open, completed: [], now: now)
            .filter { $0.instrumentID == "gad7" }.map(\.anchor)
        #expect(anchors == [m.addingTimeInterval(7 * 86_400), m.addingTimeInterval(14 * 86_400)])
        let closed = [PhasePeriod(phase: .maintenance, start: m, end: m.addingTimeInterval(10 * 86_400))]
        let later = Self.schedule.dueItems(sessions: [], phases: closed, completed: [], now: m.addingTimeInterval(30 * 86_400))
            .filter { $0.instrumentID == "gad7" }
        #expect(later.map(\.anchor) == [m.addingTimeInterval(7 * 86_400)])
        #expect(later.map(\.status) == [.missed])
        let induction = [PhasePeriod(phase: .induction, start: m, end: nil)]
        #expect(Self.schedule.dueItems(sessions: [], phases: induction, completed: [], now: now).isEmpty)
    }

    @Test("the seeded schedule is coherent, flagged DESIGN DEFAULT, and round-trips through JSON")
    func seed() throws {
        #expect(throws: Never.self) { try Self.schedule.validate() }
        #expect(Self.schedule.rules.map(\.id) == ["baseline", "pre-session", "post-session-24h", "maintenance-weekly"])
        #expect(Self.schedule.rules.allSatisfy { $0.provenance == .designDefault && $0.instrumentIDs == ["gad7", "phq9"] })
        #expect(Self.schedule.rules[0].opensHours == -14 * 24)
        #expect(Self.schedule.rules[2].context == .postSession(hours: 24))
        let data = try JSONEncoder().encode(Self.schedule)
        #expect(try JSONDecoder().decode(QuestionnaireSchedule.self, from: data) == Self.schedule)
        #expect(String(decoding: data, as: UTF8.self).contains("post-session+24h"))
    }

    @Test("an incoherent schedule is refused naming the rule")
    func invalid() {
        var schedule = Self.schedule
        schedule.rules[1].dueHours = -60
        #expect(throws: PlanError.self) { try schedule.validate() }
        do {
            try schedule.validate()
        } catch {
            #expect(error.field == "measurementSchedule.rules[1]")
        }
        schedule = Self.schedule
        schedule.rules[3].id = "baseline"
        do {
            try schedule.validate()
            Issue.record("duplicate id must be refused")
        } catch {
            #expect(error.field == "measurementSchedule.rules[3].id")
        }
        schedule = Self.schedule
        schedule.rules[0].instrumentIDs = []
        do {
            try schedule.validate()
            Issue.record("empty instrument list must be refused")
        } catch {
            #expect(error.field == "measurementSchedule.rules[0].instrumentIDs")
        }
    }
}
