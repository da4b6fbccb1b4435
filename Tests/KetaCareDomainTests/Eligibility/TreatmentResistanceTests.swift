import KetaCareDomain
import Testing

@Suite("Treatment-resistance count: distinct failed adequate antidepressant trials in the current episode")
struct TreatmentResistanceTests {
    static func trial(
        _ drug: String, _ category: TrialCategory = .antidepressant, adequate: Bool = true, current: Bool = true,
        _ outcome: TrialOutcome = .inadequateResponse
    ) -> MedicationTrial {
        MedicationTrial(drug: drug, category: category, adequateDoseAndDuration: adequate, inCurrentEpisode: current, outcome: outcome)
    }

    static let cases: [([MedicationTrial], Int, Bool)] = [
        ([], 0, false),
        ([trial("sertraline")], 1, false),
        ([trial("sertraline"), trial("venlafaxine")], 2, true),
        ([trial("sertraline"), trial("Sertraline ")], 1, false),
        ([trial("sertraline"), trial("venlafaxine", adequate: false)], 1, false),
        ([trial("sertraline"), trial("venlafaxine", current: false)], 1, false),
        ([trial("sertraline"), trial("venlafaxine", .antidepressant, .response)], 1, false),
        ([trial("sertraline"), trial("venlafaxine", .antidepressant, .intolerance)], 1, false),
        ([trial("sertraline"), trial("aripiprazole", .augmentation)], 1, false),
        ([trial("sertraline"), trial("venlafaxine"), trial("mirtazapine")], 3, true),
    ]

    @Test("Count and threshold (seed 2, UNCONFIRMED: DOMAIN.md does not define TRD)", arguments: cases)
    func count(_ trials: [MedicationTrial], _ expected: Int, _ resistant: Bool) {
        let threshold = EligibilityRuleSet.seed.treatmentResistanceMinimumFailedTrials
        let resistance = TreatmentResistance(trials: trials, threshold: threshold.value)
        #expect(resistance.failedAdequateTrials == expected)
        #expect(resistance.isTreatmentResistant == resistant)
        #expect(threshold.provenance.needsReview)
    }
}
