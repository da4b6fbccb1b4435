import Foundation
import KetaCareDomain
import Testing

/// One template's seeded values as DOMAIN.md states them.
struct TemplateExpectation: Sendable, CustomTestStringConvertible {
    let id: String
    let route: DosingRoute
    let isEnabled: Bool
    /// Starting dose, range and steps as text in the template's unit (`nil` for clinic-defined dosing).
    let starting: String?
    let range: String?
    let steps: String?
    let unit: DoseUnit?
    let sessionsPerWeekMax: Int
    let inductionSessions: Int
    let inductionWeeks: ClosedRange<Int>
    let maintenance: [MaintenanceCadence]
    let startingProvenanceSourced: Bool

    var testDescription: String { id }
}

@Suite("Seeded plan templates match DOMAIN.md §4, §5")
struct PlanTemplateSeedTests {
    static let expectations: [TemplateExpectation] = [
        // §4.1 0.5 mg/kg; §5.1 6 sessions over 2–3 weeks, 2–3 per week; §5.2 IV maintenance UNCONFIRMED (every 2 weeks default).
        TemplateExpectation(
            id: "iv-racemic-induction", route: .intravenous, isEnabled: true, starting: "0.5", range: "0.1...1", steps: "+0.1",
            unit: .milligramsPerKilogram, sessionsPerWeekMax: 3, inductionSessions: 6, inductionWeeks: 2...3,
            maintenance: [.everyWeeks(2)], startingProvenanceSourced: true
        ),
        // §4.2 / §5.1 Glue 2017: 0.25 → 0.5 → 1.0 mg/kg weekly; §5.2 Glue 2018 weekly (or twice weekly) for 3 months.
        TemplateExpectation(
            id: "sc-racemic-escalation", route: .subcutaneous, isEnabled: true, starting: "0.25", range: "0.25...1",
            steps: "0.25,0.5,1", unit: .milligramsPerKilogram, sessionsPerWeekMax: 1, inductionSessions: 3, inductionWeeks: 3...3,
            maintenance: [.everyWeeks(1)], startingProvenanceSourced: true
        ),
        // §4.2 / §5.1 KADS: twice weekly × 4 weeks, 0.5 fixed or 0.5–0.9 flexible.
        TemplateExpectation(
            id: "sc-racemic-kads", route: .subcutaneous, isEnabled: true, starting: "0.5", range: "0.5...0.9", steps: "+0.1",
            unit: .milligramsPerKilogram, sessionsPerWeekMax: 2, inductionSessions: 8, inductionWeeks: 4...4,
            maintenance: [.everyWeeks(1)], startingProvenanceSourced: true
        ),
        // §4.3 Loo 2016 IM arm 0.1–0.5 mg/kg in 0.1 steps ≥1 week apart.
        TemplateExpectation(
            id: "im-racemic-titration", route: .intramuscular, isEnabled: true, starting: "0.1", range: "0.1...0.5", steps: "+0.1",
            unit: .milligramsPerKilogram, sessionsPerWeekMax: 1, inductionSessions: 5, inductionWeeks: 5...5,
            maintenance: [.everyWeeks(2)], startingProvenanceSourced: true
        ),
        // §4.4 / §5.3: 56 mg day 1, {56, 84}; twice weekly weeks 1–4; weekly weeks 5–8; weekly or every 2 weeks from week 9.
        TemplateExpectation(
            id: "spravato-trd", route: .intranasalEsketamine, isEnabled: true, starting: "56", range: "56...84", steps: "56,84",
            unit: .milligrams, sessionsPerWeekMax: 2, inductionSessions: 8, inductionWeeks: 4...4,
            maintenance: [.everyWeeks(1), .everyWeeks(1)], startingProvenanceSourced: true
        ),
        // §4.4 MDSI: 84 mg twice weekly for 4 weeks (56 mg for tolerability); evaluate after 4 weeks; no maintenance by default.
        TemplateExpectation(
            id: "spravato-mdsi", route: .intranasalEsketamine, isEnabled: true, starting: "84", range: "56...84", steps: "56,84",
            unit: .milligrams, sessionsPerWeekMax: 2, inductionSessions: 8, inductionWeeks: 4...4, maintenance: [],
            startingProvenanceSourced: true
        ),
        // §4.5: oral/SL ships disabled with no default limits.
        TemplateExpectation(
            id: "oral-racemic", route: .oral, isEnabled: false, starting: nil, range: nil, steps: nil, unit: nil,
            sessionsPerWeekMax: 1, inductionSessions: 1, inductionWeeks: 1...1, maintenance: [], startingProvenanceSourced: false
        ),
        TemplateExpectation(
            id: "sublingual-racemic", route: .sublingual, isEnabled: false, starting: nil, range: nil, steps: nil, unit: nil,
            sessionsPerWeekMax: 1, inductionSessions: 1, inductionWeeks: 1...1, maintenance: [], startingProvenanceSourced: false
        ),
    ]

    @Test("every seeded template is listed once and checked here")
    func everyTemplateHasAnExpectation() {
        #expect(PlanTemplate.seeds.map(\.id.rawValue) == Self.expectations.map(\.id))
    }

    @Test("seeded values", arguments: expectations)
    func seededValues(_ expected: TemplateExpectation) throws {
        let template = try #require(PlanTemplate.seed(PlanTemplateID(expected.id)))
        #expect(template.route == expected.route)
        #expect(template.isEnabled.value == expected.isEnabled)
        #expect(template.dosing.unit == expected.unit)
        #expect(template.sessionsPerWeekMax.value == expected.sessionsPerWeekMax)
        #expect(template.inductionSessions.value == expected.inductionSessions)
        #expect(template.inductionWeeks.value == expected.inductionWeeks)
        #expect(template.maintenance.map(\.cadence) == expected.maintenance)
        #expect(template.spacing == .seed)
        #expect(template.measurementSchedule == .standard)
        #expect(template.integrationSessionsBetweenDoses.provenance == .designDefault)
        switch template.dosing {
        case .perKilogram(let rule):
            #expect(rule.starting.value.value.description == expected.starting)
            #expect("\(rule.range.value.lowerBound.value)...\(rule.range.value.upperBound.value)" == expected.range)
            #expect(Self.describe(rule.steps.value) == expected.steps)
            #expect(rule.starting.provenance.needsReview == !expected.startingProvenanceSourced)
        case .fixed(let rule):
            #expect(rule.starting.value.value.description == expected.starting)
            #expect("\(rule.range.value.lowerBound.value)...\(rule.range.value.upperBound.value)" == expected.range)
            #expect(Self.describe(rule.steps.value) == expected.steps)
            #expect(rule.starting.provenance.needsReview == !expected.startingProvenanceSourced)
        case .clinicDefined:
            #expect(expected.starting == nil)
        }
    }

    @Test("every seeded template is coherent", arguments: PlanTemplate.seeds.map(\.id.rawValue))
    func seedsValidate(_ id: String) throws {
        let template = try #require(PlanTemplate.seed(PlanTemplateID(id)))
        #expect(throws: Never.self) { try template.validate() }
    }

    // Appendix A.18: minimum spacing and IV maintenance are UNCONFIRMED; Appendix B `schedule.minSpacingHours` 48 / 20.
    @Test("spacing seed is 48 h soft / 20 h hard and flagged UNCONFIRMED")
    func spacingSeed() {
        #expect(SpacingRule.seed.softMinHours == Sourced(48, .unconfirmed))
        #expect(SpacingRule.seed.hardMinHours == Sourced(20, .unconfirmed))
        #expect(PlanTemplate.ivRacemicInduction.maintenance[0].provenance == .unconfirmed)
        #expect(PlanTemplate.ivRacemicInduction.maintenance[0].allowedCadences == [.everyWeeks(1), .everyWeeks(2), .everyWeeks(4)])
        #expect(PlanTemplate.ivRacemicInduction.inductionSessions.provenance == .unconfirmed)
    }

    // §5.3: weeks 5–8 weekly only; week 9 onward weekly or every 2 weeks.
    @Test("Spravato maintenance blocks follow the label's weeks")
    func spravatoBlocks() {
        let blocks = PlanTemplate.spravatoTRD.maintenance
        #expect(blocks.map(\.fromWeek) == [1, 5])
        #expect(blocks.map(\.throughWeek) == [4, nil])
        #expect(blocks[0].allowedCadences == [.everyWeeks(1)])
        #expect(blocks[1].allowedCadences == [.everyWeeks(1), .everyWeeks(2)])
        #expect(PlanTemplate.spravatoTRD.inductionSessions.allowed == 8...8)
    }

    // §4.4 MDSI: "Evaluate after 4 weeks; use beyond 4 weeks was not studied"; §4.8 row "Spravato, US MDSI".
    @Test("Spravato MDSI: no maintenance phase, the label's note, the MDSI drug-library entry, and continuing needs a reason")
    func spravatoMDSI() throws {
        let template = PlanTemplate.spravatoMDSI
        #expect(template.name == "Spravato — MDD with acute suicidal ideation")
        #expect(!template.hasMaintenance && PlanTemplate.spravatoTRD.hasMaintenance)
        let note = try #require(template.note)
        #expect(note.value.contains("beyond 4 weeks was not studied") && !note.provenance.needsReview)
        let entryID = try #require(template.drugLibraryEntryID)
        let entry = try #require(DosingPolicy.seed.library.entry(id: entryID))
        #expect(entry.route == template.route && entry.limits.value.allowedDoses == [56, 84] && entry.limits.value.firstDose == nil)
        #expect(template.inductionSessions.allowed == 8...8)
        #expect(template.chairMinutes.provenance == .designDefault)
        #expect(throws: Never.self) { try ClinicPolicy.seed.validate() }

        typealias F = PlanFixture
        var plan = try F.plan(template)
        #expect(plan.startingDose == .fixed(Milligrams(84)))
        try plan.adjust(.startingDose(.fixed(Milligrams(56))))
        #expect(throws: PlanError.self) { try plan.adjust(.startingDose(.fixed(Milligrams(28)))) }
        var signed = try F.signedPlan(template)
        try signed.transition(to: .induction, by: F.prescriber, at: F.at(2026, 3, 2), activation: F.ok)
        let review = { (reason: String?) in
            EndOfInductionReview(
                instrumentID: "phq9", baseline: 20, latest: 6, outcome: .response, decision: .continueToMaintenance, reason: reason,
                by: F.prescriber.username, role: .prescriber, at: F.at(2026, 3, 30))
        }
        do {
            try signed.recordInductionReview(review(nil))
            Issue.record("continuing past an MDSI induction without a reason was accepted")
        } catch {
            #expect(error.field == "reason" && error.message.contains("no maintenance phase"))
        }
        try signed.recordInductionReview(review("suicidal ideation resolved; psychiatrist asks to continue, off-label use documented"))
        #expect(signed.reviewAllowingMaintenance != nil)
        // A template that has maintenance still continues without a reason after a response.
        var trd = try F.signedPlan(.spravatoTRD)
        try trd.transition(to: .induction, by: F.prescriber, at: F.at(2026, 3, 2), activation: F.ok)
        try trd.recordInductionReview(review(nil))
    }

    @Test("a template naming a drug-library entry of another route is refused naming the field")
    func drugLibraryEntryMustMatchRoute() {
        var policy = ClinicPolicy.seed
        let index = policy.planTemplates.firstIndex { $0.id == PlanTemplate.spravatoMDSI.id }!
        policy.planTemplates[index].drugLibraryEntryID = "iv-racemic"
        do {
            try policy.validate()
            Issue.record("a mismatched drug-library entry was accepted")
        } catch {
            #expect(error.field == "planTemplates[\(index)].drugLibraryEntryID")
        }
    }

    @Test("templates survive a JSON round trip", arguments: PlanTemplate.seeds.map(\.id.rawValue))
    func roundTrip(_ id: String) throws {
        let template = try #require(PlanTemplate.seed(PlanTemplateID(id)))
        let data = try JSONEncoder().encode(template)
        #expect(try JSONDecoder().decode(PlanTemplate.self, from: data) == template)
    }

    @Test("an incoherent edit is refused naming the field")
    func invalidEdits() {
        var template = PlanTemplate.ivRacemicInduction
        template.sessionsPerWeekMax = Adjustable(4, allowed: 2...3, .designDefault)
        #expect(throws: PlanError.self) { try template.validate() }
        template = .ivRacemicInduction
        template.spacing = SpacingRule(softMinHours: Sourced(12, .designDefault), hardMinHours: Sourced(20, .designDefault))
        do {
            try template.validate()
            Issue.record("expected a spacing error")
        } catch {
            #expect(error.field == "spacing")
        }
        template = .oralRacemic
        template.isEnabled = Sourced(true, .designDefault)
        do {
            try template.validate()
            Issue.record("expected an isEnabled error")
        } catch {
            #expect(error.field == "isEnabled")
        }
    }

    private static func describe<Unit>(_ steps: TitrationSteps<Unit>) -> String {
        switch steps {
        case .increment(let step): "+\(step.value)"
        case .levels(let levels): levels.map { "\($0.value)" }.joined(separator: ",")
        }
    }
}
