import Foundation
import KetaCareDomain
import Testing

/// A pre-dose BP reading and the §3.5 gate expected.
struct PreDoseGateCase: CustomTestStringConvertible, Sendable {
    let systolic: Int
    let diastolic: Int
    let gate: PreDoseBloodPressureGate?
    var testDescription: String { "\(systolic)/\(diastolic) → \(gate?.rawValue ?? "proceed")" }
}

@Suite("Pre-dose checklist: every item and the §3.5 blood-pressure gate")
struct PreDoseChecklistTests {
    typealias F = SessionFixture

    /// Everything met for an IV session at t0.
    static let complete = PreDoseChecks(
        identityConfirmed: true, consentedRoutes: [.intravenous], consentExpiresAt: F.day(30), eligibilityScreenedAt: F.day(-10),
        eligibilityCleared: true, doseOrderedBy: "dr-1", doseVerifiedBy: "nurse-2", doseVerifierRole: .nurse, vitals: F.vitals(),
        vitalsTakenAt: F.at(-10), questionnaires: [PreSessionQuestionnaire(instrument: "gad7", isDone: true)], fastingConfirmed: true,
        escortConfirmed: true, pregnancy: .notApplicable, medicationsReviewedAt: F.at(-15), previousSessionAt: F.day(-3))

    static func items(_ checks: PreDoseChecks, route: DosingRoute = .intravenous, now: Date = F.t0) -> [PreDoseItem] {
        checks.unmetItems(route: route, now: now, policy: F.policy).map(\.item)
    }

    @Test("A complete checklist has nothing unmet")
    func complete() {
        #expect(Self.items(Self.complete).isEmpty)
    }

    static let gateCases: [PreDoseGateCase] = [
        PreDoseGateCase(systolic: 140, diastolic: 90, gate: nil),
        PreDoseGateCase(systolic: 141, diastolic: 80, gate: .caution),
        PreDoseGateCase(systolic: 130, diastolic: 91, gate: .caution),
        PreDoseGateCase(systolic: 159, diastolic: 99, gate: .caution),
        PreDoseGateCase(systolic: 160, diastolic: 80, gate: .hold),
        PreDoseGateCase(systolic: 130, diastolic: 100, gate: .hold),
        PreDoseGateCase(systolic: 179, diastolic: 109, gate: .hold),
        PreDoseGateCase(systolic: 180, diastolic: 80, gate: .block),
        PreDoseGateCase(systolic: 150, diastolic: 110, gate: .block),
    ]

    @Test("DOMAIN.md §3.5 gate, both sides of each boundary", arguments: gateCases)
    func gate(_ c: PreDoseGateCase) {
        let finding = PreDoseChecks.evaluateVitals(F.vitals(systolic: c.systolic, diastolic: c.diastolic), policy: F.policy)
        #expect(finding.bloodPressure == c.gate)
        var checks = Self.complete
        checks.vitals = F.vitals(systolic: c.systolic, diastolic: c.diastolic)
        #expect(Self.items(checks).contains(.vitals) == (c.gate != nil))
    }

    static let prescriberOverride = ClinicianOverride(by: "dr-1", role: .prescriber, reason: "white-coat; repeat 150/92 after rest")

    @Test("Caution and hold clear with a prescriber's reasoned override; block needs the medical director")
    func overrides() {
        var checks = Self.complete
        for (systolic, override, cleared) in [
            (150, Self.prescriberOverride, true),
            (165, Self.prescriberOverride, true),
            (165, ClinicianOverride(by: "n-2", role: .nurse, reason: "ok"), false),
            (165, ClinicianOverride(by: "dr-1", role: .prescriber, reason: " "), false),
            (185, Self.prescriberOverride, false),
            (185, ClinicianOverride(by: "md", role: .prescriber, reason: "accepted risk", isMedicalDirector: true), true),
        ] {
            checks.vitals = F.vitals(systolic: systolic)
            checks.vitalsOverride = override
            #expect(Self.items(checks).contains(.vitals) == !cleared, "\(systolic) \(override)")
        }
    }

    @Test("Non-BP §6.5 alerts: a warning clears with an override, a stop-dosing level never does")
    func otherSignals() {
        var checks = Self.complete
        checks.vitals = F.vitals(heartRate: 111)
        #expect(Self.items(checks) == [.vitals])
        checks.vitalsOverride = Self.prescriberOverride
        #expect(Self.items(checks).isEmpty)
        checks.vitals = F.vitals(spo2: 89)
        #expect(Self.items(checks) == [.vitals])
    }

    @Test("Vitals older than the policy allows (60 min) must be retaken")
    func staleVitals() {
        var checks = Self.complete
        checks.vitalsTakenAt = F.at(-60)
        #expect(Self.items(checks).isEmpty)
        checks.vitalsTakenAt = F.at(-60.02)
        #expect(Self.items(checks) == [.vitals])
        checks.vitals = nil
        #expect(Self.items(checks) == [.vitals])
    }

    @Test("Consent must cover the route and be unexpired")
    func consent() {
        var checks = Self.complete
        #expect(Self.items(checks, route: .intramuscular) == [.consent])
        checks.consentExpiresAt = F.at(0.01)
        #expect(Self.items(checks).isEmpty)
        checks.consentExpiresAt = F.t0
        #expect(Self.items(checks) == [.consent])
    }

    @Test("Eligibility must exist, clear, and be at most 90 days old")
    func eligibility() {
        var checks = Self.complete
        checks.eligibilityScreenedAt = F.day(-90)
        #expect(Self.items(checks).isEmpty)
        checks.eligibilityScreenedAt = F.day(-90.001)
        #expect(Self.items(checks) == [.eligibility])
        checks.eligibilityScreenedAt = F.day(-1)
        checks.eligibilityCleared = false
        #expect(Self.items(checks) == [.eligibility])
        checks.eligibilityScreenedAt = nil
        #expect(Self.items(checks) == [.eligibility])
    }

    @Test("The dose order is verified by a second clinician in an allowed role, not the orderer")
    func doubleCheck() {
        var checks = Self.complete
        checks.doseVerifiedBy = "dr-1"
        let same = checks.unmetItems(route: .intravenous, now: F.t0, policy: F.policy)
        #expect(same.map(\.item) == [.doseOrderVerified])
        #expect(same.first?.reason.contains("second clinician") == true)
        checks.doseVerifiedBy = nil
        #expect(Self.items(checks) == [.doseOrderVerified])
        checks.doseVerifiedBy = "fd-1"
        checks.doseVerifierRole = .frontdesk
        #expect(Self.items(checks) == [.doseOrderVerified])
        checks.doseVerifierRole = .prescriber
        #expect(Self.items(checks).isEmpty)
        checks.doseOrderedBy = nil
        #expect(Self.items(checks) == [.doseOrderVerified])
    }

    @Test("Questionnaires: done, or waived with a non-blank reason")
    func questionnaires() {
        var checks = Self.complete
        checks.questionnaires = [PreSessionQuestionnaire(instrument: "phq9", isDone: false, waiverReason: "patient distressed; clinician interview")]
        #expect(Self.items(checks).isEmpty)
        checks.questionnaires.append(PreSessionQuestionnaire(instrument: "gad7", isDone: false, waiverReason: "  "))
        #expect(Self.items(checks) == [.questionnaires])
    }

    @Test("Fasting, escort, pregnancy, identity and medication review")
    func simpleItems() {
        var checks = Self.complete
        checks.fastingConfirmed = false
        checks.escortConfirmed = false
        checks.identityConfirmed = false
        #expect(Self.items(checks) == [.identity, .fasting, .escort])
        for (status, unmet) in [(PregnancyStatus.notPregnant, false), (.notApplicable, false), (.pregnant, true), (.unknown, true)] {
            var pregnancy = Self.complete
            pregnancy.pregnancy = status
            #expect(Self.items(pregnancy).contains(.pregnancy) == unmet, "\(status)")
        }
        var meds = Self.complete
        meds.medicationsReviewedAt = F.day(-3)
        #expect(Self.items(meds).isEmpty, "reviewed at the previous session's time counts")
        meds.medicationsReviewedAt = F.day(-4)
        #expect(Self.items(meds) == [.medications])
        meds.medicationsReviewedAt = nil
        #expect(Self.items(meds) == [.medications])
        meds.medicationsReviewedAt = F.day(-400)
        meds.previousSessionAt = nil
        #expect(Self.items(meds).isEmpty, "first session: any review counts")
    }

    @Test("Unmet items come back in checklist order, each with a reason")
    func order() {
        let nothing = PreDoseChecks(
            identityConfirmed: false, consentedRoutes: [], consentExpiresAt: nil, eligibilityScreenedAt: nil, eligibilityCleared: false,
            doseOrderedBy: nil, doseVerifiedBy: nil, doseVerifierRole: nil, vitals: nil, vitalsTakenAt: nil,
            questionnaires: [PreSessionQuestionnaire(instrument: "gad7", isDone: false)], fastingConfirmed: false, escortConfirmed: false,
            pregnancy: .unknown, medicationsReviewedAt: nil, previousSessionAt: nil, hasConsentRecord: false,
            safetyAlerts: [PreDoseSafetyAlert(ruleID: "phq9.item9", message: "item 9", raisedAt: F.t0, blocksDosing: true, isReviewed: false)])
        let unmet = nothing.unmetItems(route: .intravenous, now: F.t0, policy: F.policy)
        #expect(unmet.map(\.item) == PreDoseItem.allCases)
        #expect(unmet.allSatisfy { !$0.reason.isEmpty })
    }
}
