import Foundation
import KetaCareDomain
import Testing

/// One loss-of-response case: the primary-instrument scores by day after the plan's first induction session (day 0), and
/// what the rule must decide. Induction starts 2026-03-02; maintenance starts on day 14.
struct LossOfResponseCase: Sendable, CustomTestStringConvertible {
    let name: String
    let scores: [(day: Int, total: Int)]
    var rule: LossOfResponseRule = .seed
    var phase: PlanPhase = .maintenance
    let expected: String
    /// For a proposal: the trigger total and the best total it was compared with.
    var trigger: Int? = nil
    var best: Int? = nil

    var testDescription: String { name }
}

/// DOMAIN.md §5.2 as-needed sessions on loss of response, judged with the §2.1 baseline and the §2.2 response definition.
@Suite("As-needed sessions on loss of response (DOMAIN.md §5.2, §2.1, §2.2)")
struct AsNeededSessionTests {
    typealias F = PlanFixture

    static let gad7 = OutcomeCriteria(
        instrumentID: "gad7", response: ResponseCriterion(kind: .percentReduction, threshold: 50, provenance: .sourced("DOMAIN.md §2.2")),
        remission: nil, mcid: 4, reliableChange: nil, criticalZ: 1.96)
    static let induction = F.at(2026, 3, 2)

    static func day(_ n: Int) -> Date { induction.addingTimeInterval(Double(n) * 86_400) }

    static func rule(_ basis: LossOfResponseBasis = .responseLost, confirming: Int = 1, enabled: Bool = true) -> LossOfResponseRule {
        LossOfResponseRule(
            isEnabled: Sourced(enabled, .designDefault), basis: Sourced(basis, .designDefault), confirmingScores: Sourced(confirming, .designDefault))
    }

    /// A signed IV plan that entered induction on day 0 and (for `.maintenance`) maintenance on day 14 after a review.
    static func plan(_ phase: PlanPhase = .maintenance) throws -> TreatmentPlan {
        var plan = try F.signedPlan()
        try plan.transition(to: .induction, by: F.prescriber, at: induction, activation: F.ok)
        guard phase == .maintenance else { return plan }
        try plan.recordInductionReview(
            EndOfInductionReview(
                instrumentID: "gad7", baseline: 16, latest: 6, outcome: .response, decision: .continueToMaintenance, reason: nil, by: "dr.lee",
                role: .prescriber, at: day(13)))
        try plan.transition(to: .maintenance, by: F.prescriber, at: day(14))
        return plan
    }

    static func points(_ scores: [(day: Int, total: Int)]) -> [ScorePoint] {
        scores.map { ScorePoint(date: day($0.day).addingTimeInterval(-3600), total: $0.total) }
    }

    // Baseline 16 on day 0 (1 h before the first session): response needs ≤ 8 (≥50% reduction).
    static let cases: [LossOfResponseCase] = [
        LossOfResponseCase(
            name: "§5.2 default: responded (6), latest maintenance 12 no longer meets response → proposed", scores: [(0, 16), (7, 6), (21, 12)],
            expected: "proposed", trigger: 12, best: 6),
        LossOfResponseCase(
            name: "§2.2 boundary: 8 is still a 50% reduction from 16 → response holds", scores: [(0, 16), (7, 5), (21, 8)],
            expected: "response_holds"),
        LossOfResponseCase(
            name: "§2.2 boundary: 9 is a 43.75% reduction → proposed", scores: [(0, 16), (7, 5), (21, 9)], expected: "proposed", trigger: 9,
            best: 5),
        LossOfResponseCase(
            name: "never responded (best 10 > 8): no response to lose", scores: [(0, 16), (7, 10), (21, 14)], expected: "never_responded"),
        LossOfResponseCase(
            name: "§2.1: no score within 14 days before induction → no valid baseline", scores: [(-20, 16), (7, 6), (21, 12)],
            expected: "no_baseline"),
        LossOfResponseCase(
            name: "latest score was taken in induction, none since maintenance", scores: [(0, 16), (7, 6), (13, 12)],
            expected: "no_maintenance_score"),
        LossOfResponseCase(
            name: "§2.2: baseline 0 makes percent change undefined", scores: [(0, 0), (7, 0), (21, 5)], expected: "no_response_definition"),
        LossOfResponseCase(
            name: "the rule applies in maintenance only (induction has its own review, §5.1)", scores: [(0, 16), (7, 6), (10, 12)],
            phase: .induction, expected: "not_in_maintenance"),
        LossOfResponseCase(
            name: "switched off by the clinic", scores: [(0, 16), (7, 6), (21, 12)], rule: rule(enabled: false), expected: "rule_disabled"),
        LossOfResponseCase(
            name: "two confirming scores: one worse score is not enough", scores: [(0, 16), (7, 6), (21, 7), (28, 12)],
            rule: rule(confirming: 2), expected: "response_holds"),
        LossOfResponseCase(
            name: "two confirming scores: both worse → proposed on the latest", scores: [(0, 16), (7, 6), (21, 11), (28, 12)],
            rule: rule(confirming: 2), expected: "proposed", trigger: 12, best: 6),
        LossOfResponseCase(
            name: "two confirming scores must both be in maintenance", scores: [(0, 16), (7, 6), (13, 11), (21, 12)], rule: rule(confirming: 2),
            expected: "no_maintenance_score"),
        LossOfResponseCase(
            name: "rise from best: 4 points above the best 3 while still a response → proposed", scores: [(0, 16), (7, 3), (21, 7)],
            rule: rule(.riseFromBest(points: 4)), expected: "proposed", trigger: 7, best: 3),
        LossOfResponseCase(
            name: "rise from best: 3 points is under the 4-point rule", scores: [(0, 16), (7, 3), (21, 6)], rule: rule(.riseFromBest(points: 4)),
            expected: "response_holds"),
        LossOfResponseCase(
            name: "§2.1: the baseline stays the score before the first induction session (16), not the last before maintenance (20)",
            scores: [(0, 16), (7, 6), (14, 20), (21, 9)], expected: "proposed", trigger: 9, best: 6),
    ]

    @Test("the loss-of-response rule decides from the plan baseline and the latest maintenance scores", arguments: cases)
    func decides(_ c: LossOfResponseCase) throws {
        let plan = try Self.plan(c.phase)
        let result = c.rule.assess(
            plan, instrumentID: "gad7", scores: Self.points(c.scores), criteria: Self.gad7, baselineWindowDays: 14, activeBookingStarts: [:])
        switch result {
        case .notProposed(let why): #expect(why.rawValue == c.expected)
        default: #expect(result.status == c.expected)
        }
        if let finding = result.finding {
            #expect(finding.trigger.total == c.trigger)
            #expect(finding.best.total == c.best)
            #expect(finding.baseline.total == 16)
            #expect(finding.responseCeiling == 8)
            #expect(finding.maintenanceSince == Self.day(14))
            #expect(finding.trigger.date == Self.day(c.scores.last!.day).addingTimeInterval(-3600))
        }
    }

    @Test("a dismissal settles the finding for its score; a later worse score proposes again")
    func dismissal() throws {
        var plan = try Self.plan()
        let scores = Self.points([(0, 16), (7, 6), (21, 12)])
        let assess = { (plan: TreatmentPlan, scores: [ScorePoint]) in
            LossOfResponseRule.seed.assess(
                plan, instrumentID: "gad7", scores: scores, criteria: Self.gad7, baselineWindowDays: 14, activeBookingStarts: [:])
        }
        let first = assess(plan, scores)
        #expect(first.status == "proposed")
        // Prescriber only, with a reason.
        #expect(throws: PlanError(field: "role", message: "only a prescriber may dismiss a proposed session; rn.kim is nurse")) {
            try plan.dismissAsNeeded(first, reason: "stressor", by: F.nurse, at: Self.day(22))
        }
        #expect(throws: PlanError(field: "reason", message: "give the reason no as-needed session is needed")) {
            try plan.dismissAsNeeded(first, reason: "  ", by: F.prescriber, at: Self.day(22))
        }
        #expect(throws: PlanError.self) {
            try plan.dismissAsNeeded(first, reason: String(repeating: "x", count: 1001), by: F.prescriber, at: Self.day(22))
        }
        try plan.dismissAsNeeded(first, reason: "exam week; review next score", by: F.prescriber, at: Self.day(22))
        let settled = assess(plan, scores)
        #expect(settled.status == "dismissed")
        #expect(settled.decision?.reason == "exam week; review next score" && settled.decision?.scoreTotal == 12)
        // Nothing left to dismiss or book for that score.
        #expect(throws: PlanError.self) { try plan.dismissAsNeeded(settled, reason: "again", by: F.prescriber, at: Self.day(22)) }
        #expect(throws: PlanError.self) { try plan.recordAsNeededBooking(settled, bookingID: BookingID("b"), by: F.nurse, at: Self.day(22)) }
        // A newer worse score is a new finding.
        let later = assess(plan, Self.points([(0, 16), (7, 6), (21, 12), (28, 13)]))
        #expect(later.status == "proposed" && later.finding?.trigger.total == 13)
        // A newer score back in response: nothing proposed.
        #expect(assess(plan, Self.points([(0, 16), (7, 6), (21, 12), (28, 7)])) == .notProposed(.responseHolds))
    }

    @Test("a booking settles the finding while it stays booked, up to the booked session; scores after it are judged again")
    func booking() throws {
        var plan = try Self.plan()
        let scores = Self.points([(0, 16), (7, 6), (21, 12)])
        let booking = BookingID("as-needed-1")
        func assess(_ scores: [ScorePoint], active: [BookingID: Date]) -> AsNeededAssessment {
            LossOfResponseRule.seed.assess(
                plan, instrumentID: "gad7", scores: scores, criteria: Self.gad7, baselineWindowDays: 14, activeBookingStarts: active)
        }
        // The front desk books: any role that books may mark it.
        try plan.recordAsNeededBooking(
            assess(scores, active: [:]), bookingID: booking, by: PlanActor(username: "lee", role: .frontdesk), at: Self.day(21))
        #expect(plan.asNeededBookingIDs == [booking])
        let session = Self.day(24)
        #expect(assess(scores, active: [booking: session]).status == "booked")
        // A pre-session score before the booked session is covered by the same booking.
        #expect(assess(Self.points([(0, 16), (7, 6), (21, 12), (23, 13)]), active: [booking: session]).status == "booked")
        // Cancelled (no longer active): proposed again.
        #expect(assess(scores, active: [:]).status == "proposed")
        // After the as-needed session, a still-worse score proposes again (§4.4: consider returning to the previous schedule).
        #expect(assess(Self.points([(0, 16), (7, 6), (21, 12), (25, 12)]), active: [booking: session]).status == "proposed")
    }

    @Test("decisions survive the plan's JSON round trip, and plans stored before them decode with none")
    func roundTrip() throws {
        var plan = try Self.plan()
        let proposed = LossOfResponseRule.seed.assess(
            plan, instrumentID: "gad7", scores: Self.points([(0, 16), (7, 6), (21, 12)]), criteria: Self.gad7, baselineWindowDays: 14,
            activeBookingStarts: [:])
        try plan.dismissAsNeeded(proposed, reason: "reviewed by phone", by: F.prescriber, at: Self.day(22))
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(TreatmentPlan.self, from: data) == plan)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "storedAsNeededDecisions")
        let older = try JSONDecoder().decode(TreatmentPlan.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(older.asNeededDecisions.isEmpty)
    }

    @Test("the seeded rule is a DESIGN DEFAULT the clinic reviews, and edits are bounded naming the field")
    func seedAndValidation() throws {
        let seed = ClinicPolicy.seed.lossOfResponse
        #expect(seed == .seed && seed.basis.value == .responseLost && seed.confirmingScores.value == 1 && seed.isEnabled.value)
        #expect([seed.isEnabled.provenance, seed.basis.provenance, seed.confirmingScores.provenance].allSatisfy { $0 == .designDefault })
        for (rule, field) in [(Self.rule(confirming: 0), "confirmingScores"), (Self.rule(confirming: 5), "confirmingScores")] {
            #expect(throws: PlanError.self) { try rule.validate() }
            do { try rule.validate() } catch { #expect(error.field == field) }
        }
        for points in [0, 145] {
            do {
                try Self.rule(.riseFromBest(points: points)).validate()
                Issue.record("points \(points) accepted")
            } catch {
                #expect(error.field == "basis.riseFromBest.points")
            }
        }
        var policy = ClinicPolicy.seed
        policy.lossOfResponse = Self.rule(confirming: 9)
        do {
            try policy.validate()
            Issue.record("confirmingScores 9 accepted")
        } catch {
            #expect(error.field == "lossOfResponse.confirmingScores")
        }
    }
}
