import Foundation
import KetaCareDomain
import Testing

/// Issue #10: the pre-dose stops DOMAIN.md makes that used to be text only — suicidality, pregnancy, records on paper.
@Suite("Pre-dose safety gates: suicidality (§1.2, §1.9), pregnancy (§3.3), no record no dose")
struct PreDoseSafetyGateTests {
    typealias F = SessionFixture
    static let complete = PreDoseChecklistTests.complete

    static func alert(_ rule: String, hoursAgo: Double = 1, blocks: Bool = true, reviewed: Bool = false) -> PreDoseSafetyAlert {
        PreDoseSafetyAlert(
            ruleID: rule, message: "alert \(rule)", raisedAt: F.t0.addingTimeInterval(-hoursAgo * 3600), blocksDosing: blocks, isReviewed: reviewed)
    }

    static func override(_ item: PreDoseOverrideItem, role: Role = .prescriber, director: Bool, reason: String = "seen by psychiatry today")
        -> PreDoseOverride
    {
        PreDoseOverride(item: item, by: "dr-1", role: role, isMedicalDirector: director, reason: reason, at: F.at(-5))
    }

    static func items(_ checks: PreDoseChecks) -> [PreDoseItem] { PreDoseChecklistTests.items(checks) }

    /// A safety-alert situation and whether it blocks the dose.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let alerts: [PreDoseSafetyAlert]
        let overrides: [PreDoseOverride]
        let blocks: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // DOMAIN.md §1.2 step 4, Appendix B safety.phq9Item9.blocksDosing.
        Case(name: "§1.2: open PHQ-9 item 9 alert blocks", alerts: [alert("phq9.item9")], overrides: [], blocks: true),
        Case(name: "§1.2: after the risk review it no longer blocks", alerts: [alert("phq9.item9", reviewed: true)], overrides: [], blocks: false),
        Case(name: "§1.2: a week-old open item-9 alert still blocks", alerts: [alert("phq9.item9", hoursAgo: 170)], overrides: [], blocks: true),
        Case(
            name: "§1.2: a clinic that turns blocksDosing off is not blocked", alerts: [alert("phq9.item9", blocks: false)], overrides: [],
            blocks: false),
        Case(
            name: "§1.2: no override can stand in for the risk review",
            alerts: [alert("phq9.item9")], overrides: [override(.suicideRisk, director: true)], blocks: true),
        // DOMAIN.md §1.9: any C-SSRS result in the look-back window needs the review; high risk means no dosing today.
        Case(
            name: "§1.9: open C-SSRS low in the window blocks until reviewed", alerts: [alert("cssrs.low", blocks: false)], overrides: [],
            blocks: true),
        Case(
            name: "§1.9: reviewed C-SSRS low does not block", alerts: [alert("cssrs.low", blocks: false, reviewed: true)], overrides: [],
            blocks: false),
        Case(name: "§1.9: C-SSRS high reviewed still blocks today", alerts: [alert("cssrs.high", reviewed: true)], overrides: [], blocks: true),
        Case(
            name: "§1.9: C-SSRS high, a prescriber without the authority cannot override",
            alerts: [alert("cssrs.high", reviewed: true)], overrides: [override(.suicideRisk, director: false)], blocks: true),
        Case(
            name: "§1.9: C-SSRS high, the medical director's reasoned override allows",
            alerts: [alert("cssrs.high", reviewed: true)], overrides: [override(.suicideRisk, director: true)], blocks: false),
        Case(
            name: "§1.9: the director's override needs a reason",
            alerts: [alert("cssrs.high", reviewed: true)], overrides: [override(.suicideRisk, director: true, reason: " ")], blocks: true),
        Case(
            name: "§1.9: a reviewed C-SSRS high from two days ago is outside the window",
            alerts: [alert("cssrs.high", hoursAgo: 48, reviewed: true)], overrides: [], blocks: false),
    ]

    @Test("Suicide risk gate", arguments: cases)
    func suicideRisk(_ c: Case) {
        var checks = Self.complete
        checks.safetyAlerts = c.alerts
        checks.overrides = c.overrides
        #expect(Self.items(checks).contains(.suicideRisk) == c.blocks)
    }

    @Test("§1.9: the look-back window is the clinic's policy")
    func lookbackIsPolicy() {
        var checks = Self.complete
        checks.safetyAlerts = [Self.alert("cssrs.high", hoursAgo: 30, reviewed: true)]
        var policy = F.policy
        #expect(!checks.unmetItems(route: .intravenous, now: F.t0, policy: policy).contains { $0.item == .suicideRisk })
        policy.preDose.suicideRiskLookbackHours = Sourced(72, .designDefault)
        #expect(checks.unmetItems(route: .intravenous, now: F.t0, policy: policy).contains { $0.item == .suicideRisk })
    }

    @Test("§3.3: pregnancy is a hard stop that only the medical director's reasoned override lifts")
    func pregnancy() {
        var checks = Self.complete
        checks.pregnancy = .pregnant
        #expect(Self.items(checks).contains(.pregnancy))
        checks.overrides = [Self.override(.pregnancy, director: false)]
        #expect(Self.items(checks).contains(.pregnancy))
        checks.overrides = [Self.override(.pregnancy, role: .nurse, director: true)]
        #expect(Self.items(checks).contains(.pregnancy), "a nurse's account cannot override even with the attribute")
        checks.overrides = [Self.override(.pregnancy, director: true)]
        #expect(!Self.items(checks).contains(.pregnancy))
        checks.pregnancy = .unknown
        #expect(Self.items(checks).contains(.pregnancy), "the override covers a known pregnancy, not an unknown status")
    }

    @Test("No record, no dose: without a stored consent and screening only the director's override naming the paper record stands in")
    func noRecordNoDose() {
        var checks = Self.complete
        checks.consentedRoutes = []
        checks.hasConsentRecord = false
        checks.eligibilityScreenedAt = nil
        checks.eligibilityCleared = false
        #expect(Self.items(checks).filter { [.consent, .eligibility].contains($0) } == [.consent, .eligibility])
        checks.overrides = [Self.override(.records, director: false, reason: "paper consent and screen in the blue folder")]
        #expect(Self.items(checks).contains(.consent))
        checks.overrides = [Self.override(.records, director: true, reason: "paper consent and screen in the blue folder")]
        #expect(!Self.items(checks).contains(.consent) && !Self.items(checks).contains(.eligibility))
        // A consent withdrawn in KetaCare, or a screen that did not clear, is never overridden as "on paper".
        var withdrawn = checks
        withdrawn.hasConsentRecord = true
        #expect(Self.items(withdrawn).contains(.consent))
        var blocked = checks
        blocked.eligibilityScreenedAt = F.day(-2)
        blocked.eligibilityCleared = false
        #expect(Self.items(blocked).contains(.eligibility))
    }

    @Test("§3.5: a BP block needs an account with the medical-director authority")
    func bloodPressureBlock() {
        var checks = Self.complete
        checks.vitals = F.vitals(systolic: 182, diastolic: 95)
        checks.vitalsOverride = Self.override(.vitals, director: false).clinicianOverride
        #expect(Self.items(checks).contains(.vitals))
        checks.vitalsOverride = Self.override(.vitals, director: true).clinicianOverride
        #expect(!Self.items(checks).contains(.vitals))
    }

    @Test("Stored policies from before the look-back window decode with the seed")
    func olderPolicyDecodes() throws {
        let encoded = try JSONEncoder().encode(F.policy.preDose)
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object["suicideRiskLookbackHours"] = nil
        let decoded = try JSONDecoder().decode(PreDosePolicy.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.suicideRiskLookbackHours.value == 24)
    }
}
