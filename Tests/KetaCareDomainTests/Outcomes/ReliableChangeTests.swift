import KetaCareDomain
import Testing

@Suite("Reliable change index, Jacobson–Truax (DOMAIN.md §2.3)")
struct ReliableChangeTests {
    private func close(_ lhs: Double?, _ rhs: Double, _ tolerance: Double = 0.0005) -> Bool {
        guard let lhs else { return false }
        return abs(lhs - rhs) < tolerance
    }

    @Test("test vector: GAD-7 pre 15, post 10, SD 3.5, r .89 → SE 1.1608, S_diff 1.6416, RC −3.046, reliable improvement")
    func gad7TestVector() throws {
        let parameters = try #require(try AssessmentFixtures.instrument("gad7").outcomes?.reliableChange.first)
        #expect(parameters.standardDeviation == 3.5 && parameters.reliability == 0.89 && parameters.reliabilityKind == .alpha)
        let change = try #require(ReliableChange.evaluate(pre: 15, post: 10, parameters: parameters, criticalZ: 1.96))
        #expect(change.method == .jacobsonTruax)
        #expect(close(change.standardError, 1.1608))
        #expect(close(change.standardErrorOfDifference, 1.6416))
        #expect(close(change.index, -3.046))
        #expect(change.classification == .reliableImprovement)
        #expect(change.minimumReliableChange == 4)  // 3.22 → 4, matches IAPT's 4
    }

    @Test(
        "minimum reliable change in points (DOMAIN.md §2.3 table)",
        arguments: [
            (3.5, 0.89, 3.2176, 4),  // GAD-7 [Löwe 2008]
            (12.40, 0.91, 10.3113, 11),  // PCL-5 clinical sample, α .91
            (12.40, 0.82, 14.5824, 15),  // PCL-5 alt., test–retest .82
        ]
    )
    func minimumChange(sd: Double, r: Double, points: Double, rounded: Int) {
        #expect(close(1.96 * ReliableChange.standardErrorOfDifference(standardDeviation: sd, reliability: r), points))
        #expect(ReliableChange.minimumReliableChange(standardDeviation: sd, reliability: r, criticalZ: 1.96) == rounded)
    }

    @Test("PCL-5 seeds: SE 3.72 and S_diff 5.26 with α .91; S_diff 7.44 with test–retest .82")
    func pcl5Seeds() throws {
        let sets = try #require(try AssessmentFixtures.instrument("pcl5").outcomes?.reliableChange)
        #expect(sets.map(\.reliabilityKind) == [.alpha, .testRetest])
        let alpha = try #require(ReliableChange.evaluate(pre: 50, post: 39, parameters: sets[0], criticalZ: 1.96))
        #expect(close(alpha.standardError, 3.72))
        #expect(close(alpha.standardErrorOfDifference, 5.2609))
        #expect(alpha.classification == .reliableImprovement)  // 11 points
        let retest = try #require(ReliableChange.evaluate(pre: 50, post: 39, parameters: sets[1], criticalZ: 1.96))
        #expect(close(retest.standardErrorOfDifference, 7.44))
        #expect(retest.classification == .noReliableChange)  // 11 < 15
    }

    @Test(
        "GAD-7 classification either side of the 4-point threshold",
        arguments: [
            (15, 12, ReliableChange.Classification.noReliableChange), (15, 11, .reliableImprovement),
            (10, 13, .noReliableChange), (10, 14, .reliableDeterioration), (8, 8, .noReliableChange),
        ]
    )
    func gad7Classification(pre: Int, post: Int, expected: ReliableChange.Classification) throws {
        let parameters = try #require(try AssessmentFixtures.instrument("gad7").outcomes?.reliableChange.first)
        #expect(ReliableChange.evaluate(pre: pre, post: post, parameters: parameters, criticalZ: 1.96)?.classification == expected)
    }

    @Test(
        "PHQ-9 has no SD: IAPT's 6-point preset is used (DOMAIN.md §2.3)",
        arguments: [
            (20, 14, ReliableChange.Classification.reliableImprovement), (20, 15, .noReliableChange),
            (10, 16, .reliableDeterioration), (10, 15, .noReliableChange),
        ]
    )
    func phq9Preset(pre: Int, post: Int, expected: ReliableChange.Classification) throws {
        let parameters = try #require(try AssessmentFixtures.instrument("phq9").outcomes?.reliableChange.first)
        #expect(parameters.provenance.needsClinicReview)
        let change = try #require(ReliableChange.evaluate(pre: pre, post: post, parameters: parameters, criticalZ: 1.96))
        #expect(change.method == .presetMinimumChange)
        #expect(change.index == nil)
        #expect(change.minimumReliableChange == 6)
        #expect(change.classification == expected)
    }

    @Test("HAM-A, LSAS, PDSS: no RCI until the clinic enters SD and reliability", arguments: ["hama", "lsas", "pdss"])
    func notAvailableUntilEntered(id: String) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        let seeded = try #require(instrument.outcomes?.reliableChange.first)
        #expect(ReliableChange.evaluate(pre: 30, post: 10, parameters: seeded, criticalZ: 1.96) == nil)
        var policy = OutcomePolicy.defaults
        policy.reliableChange[id] = ReliableChangeParameters(
            id: "clinic",
            standardDeviation: 6,
            reliability: 0.8,
            source: "clinic entry",
            provenance: .sourced("clinic")
        )
        let criteria = policy.criteria(for: instrument)
        #expect(
            criteria.reliableChange.flatMap { ReliableChange.evaluate(pre: 30, post: 10, parameters: $0, criticalZ: 1.96) }?.classification
                == .reliableImprovement)
    }

    @Test(
        "invalid parameters name the field",
        arguments: [(0.0, 0.9, "standardDeviation"), (-1, 0.9, "standardDeviation"), (3.5, 1.0, "reliability"), (3.5, -0.1, "reliability")]
    )
    func invalidParameters(sd: Double, r: Double, field: String) {
        let parameters = ReliableChangeParameters(id: "x", standardDeviation: sd, reliability: r, source: "", provenance: .designDefault(""))
        let error = #expect(throws: OutcomeError.self) { try parameters.validate() }
        #expect(error?.field == field)
        var policy = OutcomePolicy.defaults
        policy.reliableChange["hama"] = parameters
        let policyError = #expect(throws: OutcomeError.self) { try policy.validate() }
        #expect(policyError?.field == "reliableChange[hama].\(field)")
    }
}
