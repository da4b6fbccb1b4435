import KetaCareDomain
import Testing

@Suite("Scoring engine: totals, subscales, screens (DOMAIN.md §1)")
struct ScoringEngineTests {
    @Test(
        "sum totals and bands for worked answer sets",
        arguments: [
            ("gad7", [0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
            ("gad7", [1, 2, 0, 1, 2, 3, 0], 9, "mild"),
            ("gad7", [3, 3, 3, 3, 3, 3, 3], 21, "severe"),
            ("gad7", [2, 2, 2, 2, 2, 2, 2, 3], 14, "moderate"),  // the unscored difficulty item does not count
            ("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1], 9, "mild"),
            ("phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
            ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 3, 0], 27, "severe"),
            ("pdss", [2, 2, 2, 2, 2, 2, 2], 14, "Markedly ill"),
            ("hama", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 14, "mild"),
        ] as [(String, [Int?], Int, String)]
    )
    func sumTotals(id: String, answers: [Int?], total: Int, severity: String) throws {
        let score = try AssessmentFixtures.score(id, answers)
        #expect(score.total == total)
        #expect(score.severity == severity)
        #expect(score.isComplete)
        #expect(!score.isProrated)
        #expect(score.instrumentID == id)
    }

    @Test("PCL-5 cluster subscores B/C/D/E (DOMAIN.md §1.3)")
    func pcl5Clusters() throws {
        // B items 1–5, C 6–7, D 8–14, E 15–20.
        let answers: [Int?] = [4, 3, 2, 1, 0, 4, 4, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]
        let score = try AssessmentFixtures.score("pcl5", answers)
        #expect(score.subscales.map(\.id) == ["B", "C", "D", "E"])
        #expect(score.subscales.map(\.value) == [10, 8, 7, 12])
        #expect(
            score.subscales.map(\.range) == [
                ScoreRange(min: 0, max: 20), ScoreRange(min: 0, max: 8), ScoreRange(min: 0, max: 28), ScoreRange(min: 0, max: 24),
            ])
        #expect(score.total == 37)
        #expect(score.severity == nil)
        #expect(score.positiveScreen == true)
    }

    @Test(
        "PCL-5 provisional DSM-5 rule: ≥1 B, ≥1 C, ≥2 D, ≥2 E items rated ≥2 (DOMAIN.md §1.3)",
        arguments: [
            // B           C      D                     E
            ([2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0], true as Bool?),
            ([1, 1, 1, 1, 1, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0], false),  // no B item at 2
            ([2, 0, 0, 0, 0, 1, 1, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0], false),  // no C item at 2
            ([2, 0, 0, 0, 0, 2, 0, 2, 1, 1, 1, 1, 1, 1, 2, 2, 0, 0, 0, 0], false),  // one D item at 2
            ([2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 1, 1, 1, 1, 1], false),  // one E item at 2
            ([2, 0, 0, 0, 0, nil, 1, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0], nil),  // C undecidable
            ([2, 0, 0, 0, 0, 2, nil, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0], true),  // met despite a missing item
            ([1, 0, 0, 0, 0, nil, 1, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0], false),  // B fails whatever C is
        ] as [([Int?], Bool?)]
    )
    func pcl5Endorsement(answers: [Int?], met: Bool?) throws {
        #expect(try AssessmentFixtures.score("pcl5", answers).endorsementMet == met)
    }

    @Test("HAM-A psychic (1–6, 14) and somatic (7–13) subscales (DOMAIN.md §1.4)")
    func hamaSubscales() throws {
        let answers: [Int?] = [4, 4, 4, 4, 4, 4, 0, 1, 1, 1, 1, 1, 1, 2]
        let score = try AssessmentFixtures.score("hama", answers)
        #expect(score.subscale("psychic")?.value == 26)
        #expect(score.subscale("somatic")?.value == 6)
        #expect(score.total == 32)
        #expect(score.severity == "severe")
        #expect(score.positiveScreen == nil)
    }

    @Test("LSAS fear and avoidance totals and performance/social subscales (DOMAIN.md §1.5)")
    func lsasSubscales() throws {
        // Interleaved: situation n fear, situation n avoidance. Fear 3 on every situation, avoidance 1.
        let answers: [Int?] = (1...24).flatMap { _ in [3, 1] as [Int?] }
        let score = try AssessmentFixtures.score("lsas", answers)
        #expect(score.total == 96)
        #expect(score.severity == "very severe")
        #expect(score.subscale("fear_total")?.value == 72)
        #expect(score.subscale("avoidance_total")?.value == 24)
        #expect(score.subscale("fear_performance")?.value == 39)
        #expect(score.subscale("fear_social")?.value == 33)
        #expect(score.subscale("avoidance_performance")?.value == 13)
        #expect(score.subscale("avoidance_social")?.value == 11)
        #expect(score.positiveScreen == true)
    }

    @Test("PDSS mean item score is derived from the total (DOMAIN.md §1.6)")
    func pdssMeanItem() throws {
        let score = try AssessmentFixtures.score("pdss", [1, 2, 1, 2, 1, 2, 1])
        #expect(score.total == 10)
        #expect(score.meanItem == 10.0 / 7.0)
        #expect(try AssessmentFixtures.score("gad7", [1, 1, 1, 1, 1, 1, 1]).meanItem == nil)
    }

    @Test("CADSS total and CADSS-6 short form (items 1, 2, 6, 7, 15, 22; DOMAIN.md §1.7)")
    func cadss() throws {
        var answers = [Int?](repeating: 0, count: 23)
        for item in [1, 2, 6, 7, 15, 22] { answers[item - 1] = 2 }
        answers[2] = 4
        let score = try AssessmentFixtures.score("cadss", answers)
        #expect(score.total == 16)
        #expect(score.subscale("cadss6")?.value == 12)
        #expect(score.severity == nil)
        #expect(score.alerts.isEmpty)
    }

    @Test(
        "MOAA/S is a single ordinal rating whose descriptor is the severity (DOMAIN.md §1.8)",
        arguments: [
            (5, "Responds readily to name spoken in normal tone"), (4, "Lethargic response to name spoken in normal tone"),
            (3, "Responds only after name is called loudly and/or repeatedly"), (2, "Responds only after mild prodding or shaking"),
            (1, "Responds only after painful trapezius squeeze"), (0, "No response after painful trapezius squeeze"),
        ]
    )
    func moaasOrdinal(rating: Int, descriptor: String) throws {
        let score = try AssessmentFixtures.score("moaas", [rating])
        #expect(score.total == rating)
        #expect(score.severity == descriptor)
        #expect(score.subscales.isEmpty)
    }

    @Test(
        "positive screen: total ≥ cutoff, both sides (DOMAIN.md §1.1–1.3, §1.5)",
        arguments: [
            ("gad7", 9, false), ("gad7", 10, true), ("phq9", 9, false), ("phq9", 10, true),
            ("pcl5", 32, false), ("pcl5", 33, true), ("lsas", 29, false), ("lsas", 30, true),
        ]
    )
    func positiveScreen(id: String, total: Int, positive: Bool) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        let score = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: total))
        #expect(score.total == total)
        #expect(score.positiveScreen == positive)
        #expect(score.positiveScreenCutoff == instrument.scoring.positiveScreen?.cutoff)
    }

    @Test(
        "positive-screen cutoffs are overridable: PCL-5 presets 31/38, GAD-7 IAPT caseness 8 (Appendix B)",
        arguments: [
            ("pcl5", 31, 30, false), ("pcl5", 31, 31, true), ("pcl5", 38, 37, false), ("pcl5", 38, 38, true), ("gad7", 8, 7, false),
            ("gad7", 8, 8, true),
        ]
    )
    func cutoffOverride(id: String, cutoff: Int, total: Int, positive: Bool) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        #expect(instrument.scoring.positiveScreen?.presets.contains { $0.cutoff == cutoff } == true)
        var policy = ScoringPolicy.defaults
        policy.positiveScreenCutoffs[id] = Sourced(cutoff, .sourced("clinic preset"))
        let score = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: total), policy: policy)
        #expect(score.positiveScreen == positive)
        #expect(score.positiveScreenCutoff == cutoff)
    }

    @Test("instruments without a cutoff report no positive screen", arguments: ["hama", "pdss", "cadss", "moaas"])
    func noCutoff(id: String) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        let score = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: 1))
        #expect(score.positiveScreen == nil)
        #expect(score.positiveScreenCutoff == nil)
    }

    @Test("scoring by name accepts GAD-7 as well as gad7")
    func scoringByName() throws {
        let library = try AssessmentFixtures.library()
        let byName = try ScoringEngine.score(instrumentNamed: "GAD-7", in: library, answers: [1, 1, 1, 1, 1, 1, 1])
        let byID = try ScoringEngine.score(instrumentNamed: "gad7", in: library, answers: [1, 1, 1, 1, 1, 1, 1])
        #expect(byName == byID)
        #expect(byName.total == 7)
    }
}
