import Foundation
import KetaCareDomain
import Testing

@Suite("Cohort summary: Wilson 95% intervals and median time to response")
struct CohortSummaryTests {
    @Test(
        "Wilson score interval known values",
        arguments: [
            (8, 10, 0.4902, 0.9433), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (5, 10, 0.2366, 0.7634), (1, 20, 0.0089, 0.2361),
            (45, 100, 0.3561, 0.5476),
        ]
    )
    func wilson(successes: Int, trials: Int, lower: Double, upper: Double) throws {
        let estimate = try #require(try ProportionEstimate.wilson(successes: successes, trials: trials, z: 1.96))
        #expect(abs(estimate.lower - lower) < 0.0001)
        #expect(abs(estimate.upper - upper) < 0.0001)
        #expect(estimate.proportion == Double(successes) / Double(trials))
    }

    @Test("8/10 → 0.490–0.943 to three places")
    func eightOfTen() throws {
        let estimate = try #require(try ProportionEstimate.wilson(successes: 8, trials: 10, z: 1.96))
        #expect((estimate.lower * 1000).rounded() == 490)
        #expect((estimate.upper * 1000).rounded() == 943)
    }

    @Test("no trials → no estimate; impossible counts name the field", arguments: [(3, 2, "successes"), (-1, 2, "successes"), (0, -1, "trials")])
    func wilsonErrors(successes: Int, trials: Int, field: String) throws {
        #expect(try ProportionEstimate.wilson(successes: 0, trials: 0, z: 1.96) == nil)
        let error = #expect(throws: OutcomeError.self) { try ProportionEstimate.wilson(successes: successes, trials: trials, z: 1.96) }
        #expect(error?.field == field)
    }

    @Test("median: odd, even, empty", arguments: [([3.0, 1, 2], 2.0 as Double?), ([4.0, 1, 3, 2], 2.5), ([], nil)] as [([Double], Double?)])
    func median(values: [Double], expected: Double?) {
        #expect(CohortSummary.median(values) == expected)
    }

    @Test("cohort: N, evaluable, response and remission rates with Wilson CIs, median days to response")
    func cohort() throws {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        func day(_ offset: Double) -> Date { start.addingTimeInterval(offset * 86_400) }
        let criteria = OutcomePolicy.defaults.criteria(for: try AssessmentFixtures.instrument("gad7"))
        let trajectories: [[(Double, Int)]] = [
            [(-1, 16), (7, 8), (28, 4)],  // responds day 7, remits
            [(-1, 18), (14, 12), (28, 9)],  // responds day 28 (50%)
            [(-1, 12), (14, 10), (28, 11)],  // no response
            [(-2, 20), (21, 9), (42, 14)],  // responded day 21, lost it by the latest score
            [(-40, 15), (7, 3)],  // no valid baseline
        ]
        let reports = trajectories.map { pairs in
            Trajectory(pairs.map { ScorePoint(date: day($0.0), total: $0.1) }).evaluate(firstTreatment: start, criteria: criteria, windowDays: 14)
        }
        let summary = try CohortSummary.summarize(reports)
        #expect(summary.patientCount == 5)
        #expect(summary.evaluableCount == 4)
        #expect(summary.response?.successes == 2)
        #expect(summary.response?.trials == 4)
        #expect(summary.remission?.successes == 1)
        #expect(summary.remission?.trials == 4)
        #expect(summary.everRespondedCount == 3)
        #expect(summary.medianDaysToResponse == 21)
        let expected = try #require(try ProportionEstimate.wilson(successes: 2, trials: 4, z: 1.96))
        #expect(summary.response == expected)
    }

    @Test("an empty cohort has no rates")
    func emptyCohort() throws {
        let summary = try CohortSummary.summarize([])
        #expect(summary.patientCount == 0 && summary.response == nil && summary.remission == nil && summary.medianDaysToResponse == nil)
    }
}
