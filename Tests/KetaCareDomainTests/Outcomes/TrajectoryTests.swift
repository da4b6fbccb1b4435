import Foundation
import KetaCareDomain
import Testing

/// Day offsets from a fixed first-treatment instant; no clock is read.
private let firstTreatment = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
private func day(_ offset: Double) -> Date { firstTreatment.addingTimeInterval(offset * 86_400) }
private func points(_ pairs: [(Double, Int)]) -> [ScorePoint] { pairs.map { ScorePoint(date: day($0.0), total: $0.1) } }

@Suite("Outcomes: baseline, change, response, remission, MCID, time to response, durability (DOMAIN.md §2)")
struct TrajectoryTests {
    @Test(
        "baseline = closest score at or before the first treatment, within the window (DOMAIN.md §2.1)",
        arguments: [
            ([(-14.0, 12)], 12 as Int?),  // exactly 14 days before: inside
            ([(-14.00001, 12)], nil),  // just outside
            ([(-10, 12), (-2, 15), (3, 9)], 15),  // the closest before
            ([(0, 11)], 11),  // pre-dose score on the treatment day
            ([(1, 11)], nil),  // after the first treatment is not a baseline
            ([(-2, 15), (-10, 12)], 15),  // input order does not matter
        ] as [([(Double, Int)], Int?)]
    )
    func baseline(pairs: [(Double, Int)], expected: Int?) {
        #expect(Trajectory(points(pairs)).baseline(firstTreatment: firstTreatment, windowDays: 14)?.total == expected)
    }

    @Test("the baseline window is policy (Appendix B outcomes.baselineWindowDays)")
    func baselineWindowPolicy() {
        let trajectory = Trajectory(points([(-20, 14)]))
        #expect(trajectory.baseline(firstTreatment: firstTreatment, windowDays: 14) == nil)
        #expect(trajectory.baseline(firstTreatment: firstTreatment, windowDays: 21)?.total == 14)
    }

    @Test(
        "absolute and percent change: pct = (baseline − current) / baseline × 100 (DOMAIN.md §2.2)",
        arguments: [(20, 10, -10, 50.0 as Double?), (15, 18, 3, -20.0), (12, 12, 0, 0.0), (0, 3, 3, nil)]
    )
    func change(baseline: Int, current: Int, absolute: Int, percent: Double?) {
        let change = ScoreChange(baseline: baseline, current: current)
        #expect(change.absoluteChange == absolute)
        #expect(change.reduction == -absolute)
        #expect(change.percentReduction == percent)
    }

    @Test(
        "response, both sides of each instrument's definition (DOMAIN.md §2.2)",
        arguments: [
            ("gad7", 20, 10, true as Bool?), ("gad7", 20, 11, false), ("gad7", 15, 7, true), ("gad7", 15, 8, false), ("gad7", 0, 0, nil),
            ("phq9", 12, 6, true), ("phq9", 12, 7, false),
            ("pcl5", 40, 30, true), ("pcl5", 40, 31, false),  // ≥10-point reduction
            ("hama", 24, 12, true), ("hama", 24, 13, false),
            ("lsas", 80, 40, true), ("lsas", 80, 41, false),
            ("pdss", 10, 6, true), ("pdss", 10, 7, false),  // ≥40% placeholder
        ]
    )
    func response(id: String, baseline: Int, current: Int, met: Bool?) throws {
        let criteria = OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument(id))
        #expect(criteria.response?.isMet(baseline: baseline, current: current) == met)
    }

    @Test("LSAS Taylor 2018 preset: strictly more than 35%", arguments: [(100, 65, false), (100, 64, true)])
    func lsasTaylorPreset(baseline: Int, current: Int, met: Bool) throws {
        let preset = try #require(try AssessmentFixtures.instrument("lsas").outcomes?.responsePresets.first)
        #expect(preset.isStrict && preset.threshold == 35)
        #expect(preset.isMet(baseline: baseline, current: current) == met)
    }

    @Test("the response percentage is policy (Appendix B outcomes.responsePct)", arguments: [(20, 14, true), (20, 15, false)])
    func responsePolicy(baseline: Int, current: Int, met: Bool) throws {
        var policy = OutcomePolicy.defaults
        policy.response["gad7"] = ResponseCriterion(kind: .percentReduction, threshold: 30, provenance: .sourced("clinic"))
        #expect(policy.criteria(for: try AssessmentFixtures.instrument("gad7")).response?.isMet(baseline: baseline, current: current) == met)
    }

    @Test(
        "remission, both sides (DOMAIN.md §2.2)",
        arguments: [
            ("gad7", nil, 4, true as Bool?), ("gad7", nil, 5, false), ("phq9", nil, 4, true), ("phq9", nil, 5, false),
            ("pcl5", nil, 32, true), ("pcl5", nil, 33, false), ("hama", nil, 7, true), ("hama", nil, 8, false),
            ("lsas", nil, 30, true), ("lsas", nil, 31, false),
            ("pdss", nil, 5, true), ("pdss", nil, 6, false),  // Normal/Borderline ill without agoraphobia
            ("pdss", "withAgoraphobia", 7, true), ("pdss", "withAgoraphobia", 8, false),
        ] as [(String, String?, Int, Bool?)]
    )
    func remission(id: String, bandSet: String?, total: Int, met: Bool?) throws {
        let criteria = OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument(id), bandSetID: bandSet)
        #expect(criteria.remission?.isMet(total: total, bandSet: criteria.bandSet) == met)
    }

    @Test(
        "MCID: GAD-7 4, PHQ-9 5, PCL-5 10; none seeded for HAM-A (DOMAIN.md §2.2)",
        arguments: [("gad7", 4 as Int?), ("phq9", 5), ("pcl5", 10), ("hama", nil)])
    func mcid(id: String, points: Int?) throws {
        #expect(OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument(id)).mcid == points)
    }

    @Test("time to first response and durability until the score crosses back")
    func timeToResponseAndDurability() throws {
        let criteria = OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument("gad7"))
        // Baseline 16; response needs ≤ 8.
        let trajectory = Trajectory(points([(-3, 16), (7, 10), (14, 8), (28, 6), (42, 9), (56, 7)]))
        let report = trajectory.evaluate(firstTreatment: firstTreatment, criteria: criteria, windowDays: 14)
        #expect(report.baseline?.total == 16)
        #expect(report.latest?.total == 7)
        #expect(report.change == ScoreChange(baseline: 16, current: 7))
        #expect(report.isResponse == true)
        #expect(report.isRemission == false)
        #expect(report.meetsMCID == true)
        #expect(report.reliableChange?.classification == .reliableImprovement)
        #expect(report.firstResponse?.total == 8)
        #expect(report.daysToFirstResponse == 14)
        let durability = try #require(report.durability)
        #expect(durability.days == 28)  // day 14 → day 42
        #expect(!durability.isOngoing)
        #expect(durability.endDate == day(42))
    }

    @Test("a response that still holds is ongoing, measured to the last score")
    func ongoingDurability() throws {
        let criterion = ResponseCriterion(kind: .percentReduction, threshold: 50, provenance: .sourced("test"))
        let trajectory = Trajectory(points([(-1, 20), (10, 9), (20, 8), (35, 10)]))
        let baseline = try #require(trajectory.baseline(firstTreatment: firstTreatment, windowDays: 14))
        let durability = try #require(trajectory.durability(after: baseline, criterion: criterion))
        #expect(durability.isOngoing)
        #expect(durability.days == 25)
        #expect(trajectory.daysToFirstResponse(after: baseline, firstTreatment: firstTreatment, criterion: criterion) == 10)
    }

    @Test("no response → no time to response and no durability")
    func noResponse() throws {
        let criteria = OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument("gad7"))
        let report = Trajectory(points([(-1, 16), (7, 12), (14, 10)])).evaluate(firstTreatment: firstTreatment, criteria: criteria, windowDays: 14)
        #expect(report.isResponse == false)
        #expect(report.daysToFirstResponse == nil)
        #expect(report.durability == nil)
        #expect(report.reliableChange?.classification == .reliableImprovement)  // 6 points ≥ 4
    }

    @Test("no valid baseline → every outcome is absent (DOMAIN.md §2.1)")
    func noBaseline() throws {
        let criteria = OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument("gad7"))
        let report = Trajectory(points([(-30, 16), (7, 5)])).evaluate(firstTreatment: firstTreatment, criteria: criteria, windowDays: 14)
        #expect(!report.hasValidBaseline)
        #expect(report.latest == nil && report.change == nil && report.isResponse == nil && report.isRemission == nil)
    }

    @Test("baseline without follow-up → no change yet")
    func baselineOnly() throws {
        let criteria = OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument("gad7"))
        let report = Trajectory(points([(-1, 16)])).evaluate(firstTreatment: firstTreatment, criteria: criteria, windowDays: 14)
        #expect(report.hasValidBaseline)
        #expect(report.latest == nil && report.change == nil && report.isResponse == nil && report.meetsMCID == nil)
    }

    @Test("a 0 baseline makes percent response undefined, not a response (DOMAIN.md §2.2)")
    func zeroBaseline() throws {
        let criteria = OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument("gad7"))
        let report = Trajectory(points([(-1, 0), (7, 0)])).evaluate(firstTreatment: firstTreatment, criteria: criteria, windowDays: 14)
        #expect(report.isResponse == nil)
        #expect(report.change?.percentReduction == nil)
        #expect(report.isRemission == true)
    }

    @Test("outcome policy validation names the field")
    func policyValidation() {
        var policy = OutcomePolicy.defaults
        #expect(throws: Never.self) { try policy.validate() }
        policy.baselineWindowDays = Sourced(-1, .designDefault)
        #expect((#expect(throws: OutcomeError.self) { try policy.validate() })?.field == "baselineWindowDays")
        policy = .defaults
        policy.response["gad7"] = ResponseCriterion(kind: .percentReduction, threshold: 150, provenance: .designDefault("x"))
        #expect((#expect(throws: OutcomeError.self) { try policy.validate() })?.field == "response[gad7].threshold")
    }
}
