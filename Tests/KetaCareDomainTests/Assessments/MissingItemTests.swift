import KetaCareDomain
import Testing

@Suite("Missing items: no total by default, prorating when the clinic enables it (DOMAIN.md §1.0)")
struct MissingItemTests {
    static let prorating = ScoringPolicy(
        prorateMissingItems: Sourced(true, .designDefault),
        prorateMaxMissingFraction: ScoringPolicy.defaults.prorateMaxMissingFraction
    )

    @Test(
        "default: any missing scored item → no total, no band, no screen, incomplete",
        arguments: [
            ("gad7", [1, 2, 0, nil, 3, 1, 1], ["4"]),
            ("phq9", [nil, 0, 0, 0, 0, 0, 0, 0, 0], ["1"]),
            ("pcl5", [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, nil], ["20"]),
            ("hama", [nil, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, nil], ["1", "14"]),
            ("pdss", [1, 1, 1, nil, 1, 1, 1], ["4"]),
            ("moaas", [nil], ["rating"]),
        ] as [(String, [Int?], [String])]
    )
    func noTotalByDefault(id: String, answers: [Int?], missing: [String]) throws {
        let score = try AssessmentFixtures.score(id, answers)
        #expect(score.total == nil)
        #expect(score.severity == nil)
        #expect(score.positiveScreen == nil)
        #expect(!score.isComplete)
        #expect(score.missingItems == missing)
        #expect(!score.isProrated)
    }

    @Test(
        "prorating: sum × n ÷ answered, rounded half up, when missing ≤ 20% of items",
        arguments: [
            ("gad7", [3, 3, 3, nil, 3, 3, 3], 21 as Int?),  // 18 × 7/6 = 21
            ("gad7", [1, 1, 1, nil, 1, 1, 1], 7),  // 6 × 7/6 = 7
            ("gad7", [1, 1, 1, nil, 0, 0, 0], 4),  // 3 × 7/6 = 3.5 → 4
            ("gad7", [1, 1, 0, nil, 0, 0, 0], 2),  // 2 × 7/6 = 2.33 → 2
            ("gad7", [1, 1, nil, nil, 1, 1, 1], nil),  // 2 of 7 missing > ⌊1.4⌋
            ("phq9", [2, 2, 2, 2, 2, 2, 2, 2, nil], 18),  // 16 × 9/8 = 18
            ("phq9", [2, 2, 2, 2, 2, 2, 2, nil, nil], nil),
            ("pcl5", [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, nil, nil, nil, nil], 40),  // 4 of 20 allowed
            ("pcl5", [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, nil, nil, nil, nil, nil], nil),  // 5 of 20 not
            ("hama", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, nil, nil], 14),  // 2 of 14 allowed
            ("moaas", [nil], nil),  // a single rating is never prorated
        ] as [(String, [Int?], Int?)]
    )
    func prorating(id: String, answers: [Int?], total: Int?) throws {
        let score = try AssessmentFixtures.score(id, answers, policy: Self.prorating)
        #expect(score.total == total)
        #expect(score.isProrated == (total != nil))
        #expect(!score.isComplete)
    }

    @Test("a prorated total gets its band and screen from the prorated value")
    func proratedBandAndScreen() throws {
        let score = try AssessmentFixtures.score("gad7", [2, 2, 2, nil, 1, 1, 1], policy: Self.prorating)  // 9 × 7/6 = 10.5 → 11
        #expect(score.total == 11)
        #expect(score.severity == "moderate")
        #expect(score.positiveScreen == true)
    }

    @Test("subscales follow the same rule: PCL-5 B (5 items) may lose 1, C (2 items) may lose none")
    func subscaleMissing() throws {
        let answers: [Int?] = [2, 2, 2, 2, nil, 2, nil, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
        let strict = try AssessmentFixtures.score("pcl5", answers)
        #expect(strict.subscales.map(\.value) == [nil, nil, 7, 0])
        let prorated = try AssessmentFixtures.score("pcl5", answers, policy: Self.prorating)
        #expect(prorated.subscale("B")?.value == 10)  // 8 × 5/4
        #expect(prorated.subscale("B")?.isProrated == true)
        #expect(prorated.subscale("C")?.value == nil)
        #expect(prorated.subscale("D")?.isProrated == false)
        #expect(prorated.total == 19)  // 17 × 20/18 = 18.9 → 19
    }

    @Test("the unscored difficulty item may be omitted or left blank without making the response incomplete")
    func difficultyItemOptional() throws {
        let omitted = try AssessmentFixtures.score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
        let blank = try AssessmentFixtures.score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0, nil])
        #expect(omitted.isComplete && blank.isComplete)
        #expect(omitted.total == 8 && blank.total == 8)
        #expect(omitted.answers == blank.answers)
    }

    @Test("the prorating limit is policy: 0 forbids any prorating, 0.5 allows half")
    func prorateFraction() throws {
        var policy = Self.prorating
        policy.prorateMaxMissingFraction = Sourced(0, .designDefault)
        #expect(try AssessmentFixtures.score("gad7", [1, 1, 1, nil, 1, 1, 1], policy: policy).total == nil)
        policy.prorateMaxMissingFraction = Sourced(0.5, .designDefault)
        #expect(try AssessmentFixtures.score("gad7", [1, 1, nil, nil, nil, 1, 1], policy: policy).total == 7)
    }

    @Test("sum rule function directly: edge cases")
    func sumRule() {
        #expect(ScoringEngine.sum([], prorate: true, maxMissingFraction: 0.2) == (0, false))
        #expect(ScoringEngine.sum([nil, nil], prorate: true, maxMissingFraction: 1) == (nil, false))
        #expect(ScoringEngine.sum([1, 2, 3], prorate: false, maxMissingFraction: 1) == (6, false))
        #expect(ScoringEngine.sum([3, nil, 3, 3, 3], prorate: true, maxMissingFraction: 0.2) == (15, true))
    }
}
