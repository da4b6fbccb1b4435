import KetaCareDomain
import Testing

/// One baseline reading and the BP tier it must land in.
struct BPCase: CustomTestStringConvertible, Sendable {
    let systolic: Int
    let diastolic: Int
    let ruleID: String?
    let decision: ScreeningDecision
    let evidence: String?

    var testDescription: String { "\(systolic)/\(diastolic) → \(ruleID ?? "none")" }
}

@Suite("Baseline BP gate: warn >140/90, hold ≥160/100, block ≥180/110 (DOMAIN.md §3.5, Appendix B eligibility.bp.*)")
struct BloodPressureGateTests {
    typealias F = EligibilityFixture

    static let cases: [BPCase] = [
        BPCase(systolic: 140, diastolic: 90, ruleID: nil, decision: .eligible, evidence: nil),
        BPCase(systolic: 141, diastolic: 90, ruleID: "bp.warn", decision: .needsAcknowledgement, evidence: "systolic 141 > 140"),
        BPCase(systolic: 140, diastolic: 91, ruleID: "bp.warn", decision: .needsAcknowledgement, evidence: "diastolic 91 > 90"),
        BPCase(systolic: 159, diastolic: 99, ruleID: "bp.warn", decision: .needsAcknowledgement, evidence: "systolic 159 > 140; diastolic 99 > 90"),
        BPCase(systolic: 160, diastolic: 80, ruleID: "bp.hold", decision: .blocked, evidence: "systolic 160 ≥ 160"),
        BPCase(systolic: 150, diastolic: 100, ruleID: "bp.hold", decision: .blocked, evidence: "diastolic 100 ≥ 100"),
        BPCase(systolic: 179, diastolic: 109, ruleID: "bp.hold", decision: .blocked, evidence: "systolic 179 ≥ 160; diastolic 109 ≥ 100"),
        BPCase(systolic: 180, diastolic: 109, ruleID: "bp.block", decision: .blocked, evidence: "systolic 180 ≥ 180"),
        BPCase(systolic: 179, diastolic: 110, ruleID: "bp.block", decision: .blocked, evidence: "diastolic 110 ≥ 110"),
        BPCase(systolic: 184, diastolic: 112, ruleID: "bp.block", decision: .blocked, evidence: "systolic 184 ≥ 180; diastolic 112 ≥ 110"),
    ]

    @Test("Only the highest tier that fires is shown, with its evidence", arguments: cases)
    func tier(_ c: BPCase) {
        var history = F.clean()
        history.baselineVitals = BaselineVitals(systolic: c.systolic, diastolic: c.diastolic, heartRate: 70, measuredOn: F.asOf)
        let result = Screening.screen(history, asOf: F.asOf)
        let bpRules = result.firedRules.filter { $0.ruleID.hasPrefix("bp.") }
        #expect(bpRules.map(\.ruleID) == (c.ruleID.map { [$0] } ?? []))
        #expect(bpRules.first?.evidence == c.evidence)
        #expect(result.decision == c.decision)
    }

    @Test(
        "Who may override each tier",
        arguments: [
            ("bp.warn", RuleSeverity.relative, OverrideAuthority.prescriber), ("bp.hold", .absolute, .prescriber),
            ("bp.block", .absolute, .medicalDirector),
        ])
    func authority(_ id: String, _ severity: RuleSeverity, _ authority: OverrideAuthority) throws {
        let rule = try #require(EligibilityRuleSet.seed.rule(id))
        #expect(rule.severity == severity)
        #expect(rule.overrideAuthority == authority)
        #expect(rule.overridable)
    }

    @Test("Heart rate 110 is silent, 111 fires the UNCONFIRMED placeholder (Appendix A.1)", arguments: [(110, false), (111, true)])
    func heartRate(_ bpm: Int, _ fires: Bool) {
        var history = F.clean()
        history.baselineVitals = BaselineVitals(systolic: 120, diastolic: 80, heartRate: bpm, measuredOn: F.asOf)
        let result = Screening.screen(history, asOf: F.asOf)
        #expect(result.firedRules.contains { $0.ruleID == "info.heart-rate" } == fires)
        #expect(result.decision == .eligible)
        #expect(EligibilityRuleSet.seed.rule("info.heart-rate")?.provenance == .unconfirmed)
    }

    @Test("A clinic can move the block threshold in data, without code")
    func tunedThreshold() throws {
        var ruleSet = EligibilityRuleSet.seed
        let index = try #require(ruleSet.rules.firstIndex { $0.id == "bp.block" })
        ruleSet.rules[index].condition = .bloodPressure(.atLeast, systolic: 170, diastolic: 105)
        ruleSet.version = 2
        var history = F.clean()
        history.baselineVitals = BaselineVitals(systolic: 172, diastolic: 90, heartRate: 70, measuredOn: F.asOf)
        let result = Screening.screen(history, ruleSet: ruleSet, interactions: .seed, asOf: F.asOf)
        #expect(result.firedRules.map(\.ruleID) == ["bp.block"])
        #expect(result.ruleSetVersion == 2)
    }
}
