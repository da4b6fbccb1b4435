import KetaCareDomain
import Testing

@Suite("Safety alerts: PHQ-9 item 9, C-SSRS triage, MOAA/S, CADSS (DOMAIN.md §1.2, §1.7–1.9, §6.5)")
struct SafetyAlertTests {
    // MARK: - PHQ-9 item 9

    @Test(
        "item 9 at 0 raises nothing; 1 = high; 2–3 = urgent (DOMAIN.md §1.2)",
        arguments: [(0, nil), (1, SafetyAlertPriority.high), (2, .urgent), (3, .urgent)] as [(Int, SafetyAlertPriority?)]
    )
    func phq9Item9(value: Int, priority: SafetyAlertPriority?) throws {
        let score = try AssessmentFixtures.score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, value])
        #expect(score.alerts.first?.priority == priority)
        guard priority != nil else {
            #expect(score.alerts.isEmpty)
            return
        }
        let alert = try #require(score.alerts.first)
        #expect(score.alerts.count == 1)
        #expect(alert.kind == .selfHarm)
        #expect(alert.item == 9)
        #expect(alert.linkId == "9")
        #expect(alert.value == value)
        #expect(alert.section == "DOMAIN.md §1.2")
        #expect(alert.blocksDosing)
        #expect(alert.actions == [.createFlag, .requireCSSRSScreener, .requireRiskReview, .requireNoteToDismiss])
        #expect(alert.provenance.needsClinicReview)
        // A low total does not suppress the alert.
        #expect(score.total == value)
        #expect(score.severity == "none/minimal")
    }

    @Test("item 9 alerts even when another item is missing and no total is computed")
    func phq9AlertWithoutTotal() throws {
        let score = try AssessmentFixtures.score("phq9", [nil, 0, 0, 0, 0, 0, 0, 0, 2])
        #expect(score.total == nil)
        #expect(score.alerts.map(\.kind) == [.selfHarm])
    }

    @Test(
        "the minimum value is policy (Appendix B safety.phq9Item9.minValue = 2)",
        arguments: [(1, nil), (2, SafetyAlertPriority.urgent), (3, .urgent)] as [(Int, SafetyAlertPriority?)]
    )
    func phq9MinValuePolicy(value: Int, priority: SafetyAlertPriority?) throws {
        var policy = ScoringPolicy.defaults
        policy.thresholds[ScoringPolicy.Key.phq9Item9MinValue] = Sourced(2, .designDefault)
        let score = try AssessmentFixtures.score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, value], policy: policy)
        #expect(score.alerts.first?.priority == priority)
    }

    @Test("dosing block is policy (Appendix B safety.phq9Item9.blocksDosing)")
    func phq9BlocksDosingPolicy() throws {
        var policy = ScoringPolicy.defaults
        policy.switches[ScoringPolicy.Key.phq9Item9BlocksDosing] = Sourced(false, .designDefault)
        let alert = try #require(try AssessmentFixtures.score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1], policy: policy).alerts.first)
        #expect(!alert.blocksDosing)
    }

    @Test("an unanswered item 9 raises a warning that the safety check could not run")
    func phq9Unanswered() throws {
        let score = try AssessmentFixtures.score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, nil])
        let alert = try #require(score.alerts.first)
        #expect(alert.kind == .safetyItemUnanswered)
        #expect(alert.priority == .warning)
        #expect(alert.item == 9)
        #expect(!alert.blocksDosing)
    }

    @Test("GAD-7 has no safety item", arguments: [[3, 3, 3, 3, 3, 3, 3], [0, 0, 0, 0, 0, 0, nil]] as [[Int?]])
    func gad7NoAlerts(answers: [Int?]) throws {
        #expect(try AssessmentFixtures.score("gad7", answers).alerts.isEmpty)
    }

    // MARK: - C-SSRS

    @Test(
        "C-SSRS triage paths with skip logic (DOMAIN.md §1.9)",
        arguments: [
            ([0, 0, nil, nil, nil, 0, nil], "none", "No risk identified", nil, nil),
            ([1, 0, nil, nil, nil, 0, nil], "low", "Low risk", SafetyAlertPriority.warning, 1),
            ([0, 1, 0, 0, 0, 0, nil], "low", "Low risk", .warning, 2),
            ([1, 1, 1, 0, 0, 0, nil], "moderate", "Moderate risk", .high, 3),
            ([1, 1, 0, 1, 0, 0, nil], "high", "High risk", .urgent, 4),
            ([1, 1, 0, 0, 1, 0, nil], "high", "High risk", .urgent, 5),
            ([0, 0, nil, nil, nil, 1, 0], "moderate", "Moderate risk", .high, 6),  // behaviour more than 3 months ago
            ([0, 0, nil, nil, nil, 1, 1], "high", "High risk", .urgent, 7),  // behaviour in the past 3 months
            ([1, 1, 1, 1, 1, 1, 1], "high", "High risk", .urgent, 4),
        ] as [([Int?], String, String, SafetyAlertPriority?, Int?)]
    )
    func cssrsTriage(answers: [Int?], level: String, label: String, priority: SafetyAlertPriority?, item: Int?) throws {
        let score = try AssessmentFixtures.score("cssrs", answers)
        #expect(score.riskLevel == level)
        #expect(score.severity == label)
        #expect(score.total == nil)
        #expect(score.isComplete)
        #expect(score.alerts.first?.priority == priority)
        #expect(score.alerts.first?.item == item)
        if let alert = score.alerts.first {
            #expect(alert.kind == .suicideRisk)
            #expect(alert.blocksDosing == (level == "high"))
            #expect(alert.section == "DOMAIN.md §1.9")
            #expect(alert.provenance.needsClinicReview)
        }
    }

    @Test("C-SSRS incomplete: a found level is a lower bound; no yes and gaps → no level")
    func cssrsIncomplete() throws {
        let partial = try AssessmentFixtures.score("cssrs", [1, 1, nil, nil, nil, 0, nil])
        #expect(partial.riskLevel == "low")
        #expect(!partial.isComplete)
        #expect(partial.missingItems == ["3", "4", "5"])
        #expect(partial.alerts.first?.message.contains("Incomplete") == true)

        let empty = try AssessmentFixtures.score("cssrs", [nil, nil, nil, nil, nil, nil, nil])
        #expect(empty.riskLevel == nil)
        #expect(empty.severity == nil)
        #expect(empty.missingItems == ["1", "2", "6"])  // 3–5 and 6b hang on the unanswered items 2 and 6
        #expect(empty.alerts.isEmpty)
    }

    @Test(
        "C-SSRS answers to skipped items are rejected, naming the position",
        arguments: [
            ([0, 0, 1, nil, nil, 0, nil], 3, "item 2 is Yes"),
            ([0, 0, nil, nil, 0, 0, nil], 5, "item 2 is Yes"),
            ([0, 0, nil, nil, nil, 0, 0], 7, "item 6 is Yes"),
        ] as [([Int?], Int, String)]
    )
    func cssrsSkipLogic(answers: [Int?], position: Int, condition: String) throws {
        let error = #expect(throws: AssessmentError.self) { try AssessmentFixtures.score("cssrs", answers) }
        #expect(error?.field == "answers[\(position)]")
        #expect(error?.message.contains(condition) == true)
    }

    @Test("C-SSRS dosing block per level is policy (Appendix B safety.cssrs.actionsByRisk)")
    func cssrsPolicy() throws {
        var policy = ScoringPolicy.defaults
        policy.switches["safety.cssrs.moderate.blocksDosing"] = Sourced(true, .designDefault)
        policy.switches[ScoringPolicy.Key.cssrsHighBlocksDosing] = Sourced(false, .designDefault)
        #expect(try AssessmentFixtures.score("cssrs", [1, 1, 1, 0, 0, 0, nil], policy: policy).alerts.first?.blocksDosing == true)
        #expect(try AssessmentFixtures.score("cssrs", [1, 1, 0, 1, 0, 0, nil], policy: policy).alerts.first?.blocksDosing == false)
    }

    // MARK: - MOAA/S

    @Test(
        "MOAA/S alert mapping ≤4 note · ≤3 nurse · ≤2 urgent · ≤1 emergency · 0 loss of consciousness (DOMAIN.md §1.8, §6.5)",
        arguments: [
            (5, nil, nil), (4, SafetyAlertPriority.info, SafetyAction.document), (3, .warning, .notifyNurse),
            (2, .urgent, .checkPulseOximetry), (1, .emergency, .airwaySupport), (0, .emergency, .airwaySupport),
        ] as [(Int, SafetyAlertPriority?, SafetyAction?)]
    )
    func moaasAlerts(rating: Int, priority: SafetyAlertPriority?, action: SafetyAction?) throws {
        let score = try AssessmentFixtures.score("moaas", [rating])
        #expect(score.alerts.first?.priority == priority)
        #expect(score.alerts.count == (priority == nil ? 0 : 1))
        if let action { #expect(score.alerts.first?.actions.contains(action) == true) }
        if rating == 0 { #expect(score.alerts.first?.message.contains("loss of consciousness") == true) }
        #expect(score.alerts.allSatisfy { $0.kind == .sedation && !$0.blocksDosing })
    }

    @Test("MOAA/S levels are policy: moving the note level to 3 silences a 4")
    func moaasPolicy() throws {
        var policy = ScoringPolicy.defaults
        policy.thresholds["alerts.moaas.note"] = Sourced(3, .designDefault)
        #expect(try AssessmentFixtures.score("moaas", [4], policy: policy).alerts.isEmpty)
        #expect(try AssessmentFixtures.score("moaas", [3], policy: policy).alerts.first?.priority == .warning)
    }

    // MARK: - Pre-dose comparisons

    @Test(
        "CADSS: informational alert when the total is more than 4 above pre-dose (DOMAIN.md §1.7, §6.5)",
        arguments: [(2, 6, false), (2, 7, true), (0, 4, false), (0, 5, true), (10, 3, false)]
    )
    func cadssRise(pre: Int, post: Int, alerts: Bool) throws {
        let instrument = try AssessmentFixtures.instrument("cadss")
        let before = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: pre))
        let after = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: post))
        let alert = try ScoringEngine.compare(after, toPreDose: before, instrument: instrument)
        #expect((alert != nil) == alerts)
        if let alert {
            #expect(alert.kind == .dissociation)
            #expect(alert.priority == .info)
            #expect(!alert.blocksDosing)
            #expect(alert.value == post)
        }
    }

    @Test("CADSS rise threshold is policy (alerts.cadss.riseAbovePreDose)")
    func cadssPolicy() throws {
        let instrument = try AssessmentFixtures.instrument("cadss")
        var policy = ScoringPolicy.defaults
        policy.thresholds[ScoringPolicy.Key.cadssRiseAbovePreDose] = Sourced(6, .designDefault)
        let before = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: 0))
        let after6 = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: 6))
        let after7 = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: 7))
        #expect(try ScoringEngine.compare(after6, toPreDose: before, instrument: instrument, policy: policy) == nil)
        #expect(try ScoringEngine.compare(after7, toPreDose: before, instrument: instrument, policy: policy) != nil)
    }

    @Test(
        "MOAA/S: sedation = any decrease from the pre-dose score (DOMAIN.md §1.8)",
        arguments: [(5, 5, false), (5, 4, true), (4, 4, false), (4, 5, false)])
    func moaasDecrease(pre: Int, now: Int, sedation: Bool) throws {
        let instrument = try AssessmentFixtures.instrument("moaas")
        let before = try ScoringEngine.score(instrument, answers: [pre])
        let after = try ScoringEngine.score(instrument, answers: [now])
        let alert = try ScoringEngine.compare(after, toPreDose: before, instrument: instrument)
        #expect((alert?.kind == .sedation) == sedation)
    }

    @Test("comparing scores of different instruments names the mismatched field")
    func comparisonMismatch() throws {
        let moaas = try AssessmentFixtures.instrument("moaas")
        let cadss = try AssessmentFixtures.score("cadss", [Int?](repeating: 0, count: 23))
        let rating = try ScoringEngine.score(moaas, answers: [5])
        let error = #expect(throws: AssessmentError.self) { try ScoringEngine.compare(rating, toPreDose: cadss, instrument: moaas) }
        #expect(error?.field == "preDose")
    }

    @Test("alerts are ordered most urgent first")
    func priorityOrder() {
        #expect(SafetyAlertPriority.allCases.sorted() == [.info, .warning, .high, .urgent, .emergency])
        #expect(SafetyAlertPriority.emergency > .urgent)
    }
}
