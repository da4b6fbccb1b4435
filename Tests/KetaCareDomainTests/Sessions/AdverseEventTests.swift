import Foundation
import KetaCareDomain
import Testing

@Suite("Adverse events: CTCAE grade (§8.3), seriousness (§8.4), reporting deadlines (§8.5)")
struct AdverseEventTests {
    typealias F = SessionFixture

    static func event(
        grade: Int = 2, seriousness: Set<SeriousnessCriterion> = [], isExpected: Bool = true, outcome: AdverseEventOutcome = .resolved
    ) throws -> AdverseEvent {
        try AdverseEvent(
            term: "Hypertension", onset: F.at(35), grade: CTCAEGrade(grade), seriousness: seriousness, relatedness: .probable,
            isExpected: isExpected, action: .interrupted, outcome: outcome, reporter: "nurse-2")
    }

    static let severities = [(1, "mild"), (2, "moderate"), (3, "severe"), (4, "severe"), (5, "severe")]

    @Test("CTCAE grades 1–5 are valid and map to FHIR severity", arguments: severities)
    func grades(grade: Int, severity: String) throws {
        let value = try CTCAEGrade(grade)
        #expect(value.value == grade)
        #expect(value.fhirSeverity == severity)
        #expect(!value.definition.isEmpty)
    }

    @Test("Grades outside 1–5 are rejected", arguments: [0, 6, -1])
    func invalidGrade(grade: Int) {
        let error = #expect(throws: SessionError.self) { try CTCAEGrade(grade) }
        #expect(error?.field == "ctcae_grade")
        #expect(error?.message == "ctcae_grade must be between 1 and 5; got \(grade)")
    }

    @Test("A stored invalid grade does not decode")
    func decodeInvalid() throws {
        #expect(try JSONDecoder().decode(CTCAEGrade.self, from: Data("3".utf8)).value == 3)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CTCAEGrade.self, from: Data("7".utf8)) }
    }

    @Test("Serious when any §8.4 criterion is met; independent of grade", arguments: SeriousnessCriterion.allCases)
    func serious(criterion: SeriousnessCriterion) throws {
        #expect(try Self.event(grade: 1, seriousness: [criterion], outcome: .ongoing).isSerious)
    }

    @Test("Not serious without a criterion, even at grade 4")
    func notSerious() throws {
        #expect(try !Self.event(grade: 4).isSerious)
    }

    @Test("Record validation: term, reporter, resolution order, fatal consistency")
    func validation() throws {
        #expect(throws: SessionError.self) {
            try AdverseEvent(
                term: " ", onset: F.t0, grade: CTCAEGrade(1), seriousness: [], relatedness: .possible, isExpected: true, action: .none,
                outcome: .resolved, reporter: "n")
        }
        let early = #expect(throws: SessionError.self) {
            try AdverseEvent(
                term: "Nausea", onset: F.at(30), resolvedAt: F.at(29), grade: CTCAEGrade(1), seriousness: [], relatedness: .possible,
                isExpected: true, action: .none, outcome: .resolved, reporter: "n")
        }
        #expect(early?.field == "resolved_at")
        let fatal = #expect(throws: SessionError.self) { try Self.event(grade: 4, seriousness: [.death], outcome: .fatal) }
        #expect(fatal?.field == "outcome")
        #expect(try Self.event(grade: 5, seriousness: [.death], outcome: .fatal).isSerious)
    }

    /// product, setting, IND, serious, expected → obligations (id, due minutes after onset or nil).
    struct ObligationCase: CustomTestStringConvertible, Sendable {
        let product: ProductFamily
        let setting: CareSetting
        let underIND: Bool
        let serious: Bool
        let expected: Bool
        let obligations: [String: Double?]
        var testDescription: String { "\(product) \(setting) IND=\(underIND) serious=\(serious) expected=\(expected)" }
    }

    static let sevenDays = 7.0 * 24 * 60
    static let obligationCases: [ObligationCase] = [
        ObligationCase(product: .racemicKetamine, setting: .outpatient, underIND: false, serious: false, expected: true, obligations: [:]),
        ObligationCase(
            product: .racemicKetamine, setting: .outpatient, underIND: false, serious: false, expected: false, obligations: ["medwatch": nil]),
        ObligationCase(
            product: .racemicKetamine, setting: .outpatient, underIND: false, serious: true, expected: true, obligations: ["medwatch": nil]),
        ObligationCase(
            product: .racemicKetamine, setting: .outpatient, underIND: true, serious: true, expected: true,
            obligations: ["medwatch": nil, "ind_sponsor": 60]),
        ObligationCase(product: .racemicKetamine, setting: .outpatient, underIND: true, serious: false, expected: true, obligations: [:]),
        ObligationCase(
            product: .esketamine, setting: .outpatient, underIND: false, serious: false, expected: true,
            obligations: ["rems_patient_monitoring_form": sevenDays]),
        ObligationCase(
            product: .esketamine, setting: .outpatient, underIND: false, serious: true, expected: true,
            obligations: ["rems_patient_monitoring_form": sevenDays, "medwatch": nil]),
        ObligationCase(
            product: .esketamine, setting: .inpatient, underIND: false, serious: false, expected: true, obligations: ["rems_inpatient_ae": nil]),
    ]

    @Test("Reporting duties and deadlines by product, setting, IND, seriousness, expectedness", arguments: obligationCases)
    func obligations(_ c: ObligationCase) throws {
        let event = try Self.event(grade: 3, seriousness: c.serious ? [.hospitalization] : [], isExpected: c.expected)
        // Session at t0; clinic aware 60 min later.
        let result = event.reportingObligations(
            product: c.product, setting: c.setting, underIND: c.underIND, sessionDate: F.t0, awareAt: F.at(60), rules: F.policy.reporting)
        #expect(Set(result.map(\.id)) == Set(c.obligations.keys))
        for obligation in result {
            let expected = c.obligations[obligation.id] ?? nil
            #expect(obligation.dueBy == expected.map(F.at), "\(obligation.id)")
            #expect(!obligation.name.isEmpty)
        }
    }

    @Test("The REMS form is due 7 calendar days after the session: the boundary instant")
    func remsBoundary() throws {
        let result = try Self.event().reportingObligations(
            product: .esketamine, setting: .outpatient, underIND: false, sessionDate: F.t0, awareAt: F.at(60), rules: F.policy.reporting)
        let rems = try #require(result.first { $0.id == "rems_patient_monitoring_form" })
        #expect(rems.dueBy == F.day(7))
        #expect(rems.isMandatory)
        #expect(rems.deadline == .withinDays(7))
    }

    @Test("The state-board rule ships off; switching it on adds it (no deadline, unconfirmed)")
    func stateRule() throws {
        var rules = F.policy.reporting
        let event = try Self.event(seriousness: [.lifeThreatening])
        #expect(
            !event.reportingObligations(
                product: .racemicKetamine, setting: .outpatient, underIND: false, sessionDate: F.t0, awareAt: F.t0, rules: rules
            )
            .contains { $0.id == "state_board" })
        rules = rules.map { rule in
            var rule = rule
            if rule.id == "state_board" { rule.isEnabled = true }
            return rule
        }
        let state = event.reportingObligations(
            product: .racemicKetamine, setting: .outpatient, underIND: false, sessionDate: F.t0, awareAt: F.t0, rules: rules
        )
        .first { $0.id == "state_board" }
        #expect(state?.provenance == .unconfirmed)
        #expect(state?.dueBy == nil)
    }
}
