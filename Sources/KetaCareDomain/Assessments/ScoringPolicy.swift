/// The clinic's scoring settings (DOMAIN.md Appendix B `instruments.*`, `safety.*`, `alerts.moaas/cadss`).
///
/// Every value here overrides a seed carried in the instrument data; an absent key means "use the instrument's seed".
/// `seeded(from:)` writes every seed out explicitly so an admin screen can list and edit them.
public struct ScoringPolicy: Sendable, Equatable, Codable {
    /// Keys for the settings DOMAIN.md Appendix B names.
    public enum Key {
        /// PHQ-9 item 9 value at or above which a safety alert is raised (Appendix B `safety.phq9Item9.minValue`).
        public static let phq9Item9MinValue = "safety.phq9Item9.minValue"
        /// Whether the PHQ-9 item 9 alert blocks dosing (Appendix B `safety.phq9Item9.blocksDosing`).
        public static let phq9Item9BlocksDosing = "safety.phq9Item9.blocksDosing"
        /// Whether a C-SSRS high-risk result blocks dosing today (Appendix B `safety.cssrs.actionsByRisk`).
        public static let cssrsHighBlocksDosing = "safety.cssrs.high.blocksDosing"
        /// CADSS rise above pre-dose that raises an informational alert (DOMAIN.md §6.5).
        public static let cadssRiseAbovePreDose = "alerts.cadss.riseAbovePreDose"
    }

    /// Whether a total is prorated when scored items are missing (Appendix B `instruments.missingItems.prorate`).
    public var prorateMissingItems: Sourced<Bool>
    /// When prorating, the largest fraction of an instrument's (or subscale's) scored items that may be missing.
    public var prorateMaxMissingFraction: Sourced<Double>
    /// Positive-screen cutoff per instrument id (`gad7` → 10); overrides the instrument's seed.
    public var positiveScreenCutoffs: [String: Sourced<Int>]
    /// Band-set id per instrument id (`hama` → `matza2010`); overrides the instrument's default band set.
    public var bandSets: [String: String]
    /// Alert thresholds by policy key (`safety.phq9Item9.minValue` → 1); overrides seeds in the safety rules.
    public var thresholds: [String: Sourced<Int>]
    /// On/off settings by policy key (`safety.phq9Item9.blocksDosing` → true).
    public var switches: [String: Sourced<Bool>]

    /// Creates a policy; omitted dictionaries mean "use the instrument seeds".
    public init(
        prorateMissingItems: Sourced<Bool>,
        prorateMaxMissingFraction: Sourced<Double>,
        positiveScreenCutoffs: [String: Sourced<Int>] = [:],
        bandSets: [String: String] = [:],
        thresholds: [String: Sourced<Int>] = [:],
        switches: [String: Sourced<Bool>] = [:]
    ) {
        self.prorateMissingItems = prorateMissingItems
        self.prorateMaxMissingFraction = prorateMaxMissingFraction
        self.positiveScreenCutoffs = positiveScreenCutoffs
        self.bandSets = bandSets
        self.thresholds = thresholds
        self.switches = switches
    }

    /// The shipped behaviour: no prorating, every other value from the instrument data.
    public static let defaults = ScoringPolicy(
        // DOMAIN.md §1.0, Appendix B: no total when any scored item is missing; prorating off.
        prorateMissingItems: Sourced(false, .designDefault),
        // Not in DOMAIN.md: at most 20% of scored items missing when prorating (GAD-7/PHQ-9: 1, PCL-5: 4, HAM-A: 2),
        // so a prorated total never rests mostly on guessed items.
        prorateMaxMissingFraction: Sourced(0.2, .designDefault)
    )

    /// `defaults` with every instrument seed written out (cutoffs, band sets, thresholds, switches).
    public static func seeded(from library: InstrumentLibrary) -> ScoringPolicy {
        var policy = ScoringPolicy.defaults
        for instrument in library.instruments {
            let scoring = instrument.scoring
            if let screen = scoring.positiveScreen {
                policy.positiveScreenCutoffs[instrument.id] = Sourced(screen.cutoff, screen.provenance.policyProvenance)
            }
            if let bandSet = scoring.defaultBandSet {
                policy.bandSets[instrument.id] = bandSet
            }
            for rule in scoring.safetyRules {
                policy.seed(rule.trigger, rule.provenance)
                rule.tiers.forEach { policy.seed($0.threshold, rule.provenance) }
                if let blocks = rule.blocksDosing { policy.seed(blocks, rule.provenance) }
            }
            for level in scoring.triage?.levels ?? [] {
                policy.seed(level.blocksDosing, level.provenance)
            }
            if let comparison = scoring.preDoseComparison, let threshold = comparison.threshold {
                policy.seed(threshold, comparison.provenance)
            }
        }
        return policy
    }

    /// The threshold in force for `setting`: the policy's value for its key, else the seed.
    public func value(of setting: ThresholdSetting) -> Int {
        setting.policyKey.flatMap { thresholds[$0]?.value } ?? setting.defaultValue
    }

    /// The switch in force for `setting`: the policy's value for its key, else the seed.
    public func value(of setting: SwitchSetting) -> Bool {
        setting.policyKey.flatMap { switches[$0]?.value } ?? setting.defaultValue
    }

    /// The positive-screen cutoff in force for `instrument`, nil when it has no screen.
    public func positiveScreenCutoff(for instrument: Instrument) -> Int? {
        positiveScreenCutoffs[instrument.id]?.value ?? instrument.scoring.positiveScreen?.cutoff
    }

    /// The band-set id in force for `instrument` (policy, else the instrument default).
    public func bandSetID(for instrument: Instrument) -> String? {
        bandSets[instrument.id] ?? instrument.scoring.defaultBandSet
    }

    private mutating func seed(_ setting: ThresholdSetting, _ provenance: AssessmentProvenance) {
        guard let key = setting.policyKey, thresholds[key] == nil else { return }
        thresholds[key] = Sourced(setting.defaultValue, provenance.policyProvenance)
    }

    private mutating func seed(_ setting: SwitchSetting, _ provenance: AssessmentProvenance) {
        guard let key = setting.policyKey, switches[key] == nil else { return }
        switches[key] = Sourced(setting.defaultValue, provenance.policyProvenance)
    }
}
