import KetaCareDomain
import Testing

/// One override against one fired rule, and what it must do.
struct OverrideCase: CustomTestStringConvertible, Sendable {
    let name: String
    let change: @Sendable (inout IntakeHistory) -> Void
    let override: Override
    let rejection: OverrideRejection?
    let decision: ScreeningDecision

    var testDescription: String { name }
}

@Suite("Overrides and acknowledgements (DOMAIN.md §3.2 heading, §3.3 heading, §3.5)")
struct OverrideTests {
    typealias F = EligibilityFixture

    static func prescriber(_ id: String, reason: String = "Discussed with cardiology; benefit outweighs risk", director: Bool = false) -> Override {
        Override(ruleID: id, by: "dr.lee", role: .prescriber, asMedicalDirector: director, reason: reason)
    }

    static let cases: [OverrideCase] = [
        OverrideCase(
            name: "absolute, not overridable: stays blocked", change: { $0.cardiovascular.aneurysmalVascularDisease = true },
            override: prescriber("abs.aneurysm-avm.racemic", director: true), rejection: .notOverridable, decision: .blocked),
        OverrideCase(
            name: "BP hold: prescriber with reason lifts it", change: { $0.baselineVitals?.systolic = 165 },
            override: prescriber("bp.hold"), rejection: nil, decision: .eligible),
        OverrideCase(
            name: "BP hold: blank reason is refused", change: { $0.baselineVitals?.systolic = 165 },
            override: prescriber("bp.hold", reason: "   "), rejection: .missingReason, decision: .blocked),
        OverrideCase(
            name: "BP hold: a nurse cannot override", change: { $0.baselineVitals?.systolic = 165 },
            override: Override(ruleID: "bp.hold", by: "rn.kim", role: .nurse, reason: "rechecked"), rejection: .notPrescriber, decision: .blocked),
        OverrideCase(
            name: "BP block: an ordinary prescriber cannot override", change: { $0.baselineVitals?.systolic = 185 },
            override: prescriber("bp.block"), rejection: .needsMedicalDirector, decision: .blocked),
        OverrideCase(
            name: "BP block: the medical director can", change: { $0.baselineVitals?.systolic = 185 },
            override: prescriber("bp.block", director: true), rejection: nil, decision: .eligible),
        OverrideCase(
            name: "pregnancy: medical director only", change: { $0.reproductive.pregnant = true },
            override: prescriber("abs.pregnancy"), rejection: .needsMedicalDirector, decision: .blocked),
        OverrideCase(
            name: "relative: acknowledged note resolves it", change: { $0.psychiatric.psychosisHistory = true },
            override: prescriber("rel.psychosis", reason: "Single episode 2010, stable since"), rejection: nil, decision: .eligible),
        OverrideCase(
            name: "relative: empty note does not", change: { $0.psychiatric.psychosisHistory = true },
            override: prescriber("rel.psychosis", reason: ""), rejection: .missingReason, decision: .needsAcknowledgement),
        OverrideCase(
            name: "interaction acknowledgement", change: { $0.medications = [Medication(name: "Oxycodone")] },
            override: prescriber("interaction.opioid", reason: "Closer sedation monitoring ordered"), rejection: nil, decision: .eligible),
        OverrideCase(
            name: "info needs nothing", change: { $0.urinary.cystitis = true },
            override: prescriber("info.urinary"), rejection: .nothingToOverride, decision: .eligible),
        OverrideCase(
            name: "a rule that did not fire", change: { _ in }, override: prescriber("bp.block", director: true), rejection: .ruleNotFired,
            decision: .eligible),
    ]

    @Test("Override semantics", arguments: cases)
    func apply(_ c: OverrideCase) {
        var history = F.clean()
        c.change(&history)
        let effective = Screening.screen(history, asOf: F.asOf).applying([c.override])
        #expect(effective.rejected.map(\.rejection) == (c.rejection.map { [$0] } ?? []))
        #expect(effective.accepted == (c.rejection == nil ? [c.override] : []))
        #expect(effective.decision == c.decision)
    }

    @Test("Every unresolved item must be resolved: one acknowledgement does not clear a block")
    func partial() {
        var history = F.clean()
        history.psychiatric.psychosisHistory = true
        history.baselineVitals?.diastolic = 102
        let result = Screening.screen(history, asOf: F.asOf)
        #expect(result.decision == .blocked)
        let first = result.applying([Self.prescriber("rel.psychosis")])
        #expect(first.decision == .blocked)
        #expect(first.unresolved.map(\.ruleID) == ["bp.hold"])
        let both = result.applying([Self.prescriber("rel.psychosis"), Self.prescriber("bp.hold")])
        #expect(both.decision == .eligible)
        #expect(both.unresolved.isEmpty)
    }

    @Test("Overrides apply per product")
    func perProduct() {
        var history = F.clean(routes: [])
        history.hepatic = .c
        let effective = Screening.screen(history, asOf: F.asOf).applying([Self.prescriber("abs.hepatic-severe.esketamine")])
        #expect(effective.decision(for: .esketamine) == .eligible)
        #expect(effective.decision(for: .racemicKetamine) == .eligible)
    }
}
