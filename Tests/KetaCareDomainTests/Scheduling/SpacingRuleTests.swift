import Foundation
import KetaCareDomain
import Testing

/// A gap between two session starts and what the seeded spacing rule says.
struct SpacingCase: Sendable, CustomTestStringConvertible {
    let gapHours: Double
    let verdict: SpacingVerdict
    let codes: [BookingProblemCode]
    var testDescription: String { "\(gapHours) h → \(verdict.rawValue)" }
}

@Suite("Spacing between sessions: 20 h hard, 48 h soft, both sides (DOMAIN.md §5.1, Appendix B schedule.minSpacingHours)")
struct SpacingRuleTests {
    typealias F = PlanFixture
    typealias S = SchedulingFixture

    static let cases: [SpacingCase] = [
        SpacingCase(gapHours: 0.5, verdict: .belowHard, codes: [.patientDoubleBooked, .belowHardSpacing, .chairDoubleBooked]),
        SpacingCase(gapHours: 19.9, verdict: .belowHard, codes: [.belowHardSpacing]),
        SpacingCase(gapHours: 20, verdict: .belowSoft, codes: [.belowSoftSpacing]),
        SpacingCase(gapHours: 47.9, verdict: .belowSoft, codes: [.belowSoftSpacing]),
        SpacingCase(gapHours: 48, verdict: .sufficient, codes: []),
        SpacingCase(gapHours: 72, verdict: .sufficient, codes: []),
    ]

    @Test("the rule's verdict", arguments: cases)
    func verdict(_ c: SpacingCase) {
        #expect(SpacingRule.seed.verdict(forGapHours: c.gapHours) == c.verdict)
        #expect(SpacingRule.seed.verdict(forGapHours: -c.gapHours) == c.verdict)
    }

    // 2026-03-02 09:00 New York; +19.9 h and −20 h land on other calendar days, so only spacing speaks.
    @Test("a booking after the existing session", arguments: cases)
    func after(_ c: SpacingCase) throws {
        let existing = F.at(2026, 3, 4)
        let plan = try F.signedPlan()
        let problems = S.check(S.slot(existing.addingTimeInterval(c.gapHours * 3600)), plan: plan, existing: [S.booking("b1", S.slot(existing))])
        #expect(Set(problems.map(\.code)) == Set(c.codes + (c.gapHours < 15 ? [.sameCalendarDay] : [])))
        #expect(problems.filter { $0.code == .belowHardSpacing }.allSatisfy { $0.severity == .hard && $0.field == "slot.start" })
        #expect(problems.filter { $0.code == .belowSoftSpacing }.allSatisfy { $0.severity == .soft })
    }

    @Test("a booking before the existing session", arguments: cases)
    func before(_ c: SpacingCase) throws {
        let existing = F.at(2026, 3, 6)
        let plan = try F.signedPlan()
        let problems = S.check(S.slot(existing.addingTimeInterval(-c.gapHours * 3600)), plan: plan, existing: [S.booking("b1", S.slot(existing))])
        #expect(Set(problems.map(\.code)) == Set(c.codes + (c.gapHours < 9 ? [.sameCalendarDay] : [])))
    }

    @Test("the message names the gap and the minimum")
    func message() throws {
        let existing = F.at(2026, 3, 4)
        let problems = S.check(
            S.slot(existing.addingTimeInterval(19.9 * 3600)), plan: try F.signedPlan(), existing: [S.booking("b1", S.slot(existing))])
        #expect(problems.first?.message == "only 19.9 h from session b1; the minimum is 20 h")
    }

    @Test("a clinic may tighten the rule; an incoherent one is refused")
    func custom() throws {
        let strict = SpacingRule(softMinHours: Sourced(72, .designDefault), hardMinHours: Sourced(48, .designDefault))
        #expect(strict.verdict(forGapHours: 47.9) == .belowHard)
        #expect(strict.verdict(forGapHours: 48) == .belowSoft)
        #expect(strict.verdict(forGapHours: 72) == .sufficient)
        let inverted = SpacingRule(softMinHours: Sourced(10, .designDefault), hardMinHours: Sourced(20, .designDefault))
        #expect(throws: PlanError.self) { try inverted.validate() }
    }
}
