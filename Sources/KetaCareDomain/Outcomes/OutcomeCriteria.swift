/// Outcome seeds carried in each instrument file (DOMAIN.md §2.2, §2.3); `OutcomePolicy` may override each.
public struct OutcomeSeeds: Sendable, Equatable, Codable {
    /// Default response definition.
    public let response: ResponseCriterion?
    /// Alternative response definitions a clinic may pick (LSAS >35%, Taylor 2018).
    public let responsePresets: [ResponseCriterion]
    /// Default remission definition.
    public let remission: RemissionCriterion?
    /// Minimal clinically important difference in points, when known.
    public let mcid: MCID?
    /// Reliable-change parameter sets; the first is the default.
    public let reliableChange: [ReliableChangeParameters]
}

/// A minimal clinically important difference seed (DOMAIN.md §2.2).
public struct MCID: Sendable, Equatable, Codable {
    /// Points of reduction.
    public let value: Int
    /// Source of the value.
    public let provenance: AssessmentProvenance
}

/// How response is defined (DOMAIN.md §2.2).
public struct ResponseCriterion: Sendable, Equatable, Codable {
    /// What is measured.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// Percent reduction from baseline, `(baseline − current) / baseline × 100`.
        case percentReduction
        /// Points of reduction from baseline (PCL-5 ≥10).
        case pointReduction
    }

    /// What is measured.
    public var kind: Kind
    /// The threshold (percent or points).
    public var threshold: Double
    /// True for "more than" (Taylor 2018: >35%), false for "at least".
    public var isStrict: Bool
    /// Source of the definition.
    public var provenance: AssessmentProvenance

    /// Creates a response definition.
    public init(kind: Kind, threshold: Double, isStrict: Bool = false, provenance: AssessmentProvenance) {
        self.kind = kind
        self.threshold = threshold
        self.isStrict = isStrict
        self.provenance = provenance
    }

    /// Whether `current` is a response against `baseline`; nil for a percent rule when baseline is 0 (DOMAIN.md §2.2: "n/a").
    public func isMet(baseline: Int, current: Int) -> Bool? {
        // DOMAIN.md §2.2
        let change = ScoreChange(baseline: baseline, current: current)
        let measured: Double
        switch kind {
        case .percentReduction:
            guard let percent = change.percentReduction else { return nil }
            measured = percent
        case .pointReduction:
            measured = Double(change.reduction)
        }
        // Percent arithmetic in binary floating point: 50% of 12 must not miss by 1e-15.
        let tolerance = 1e-9
        return isStrict ? measured > threshold + tolerance : measured >= threshold - tolerance
    }
}

/// How remission is defined (DOMAIN.md §2.2).
public struct RemissionCriterion: Sendable, Equatable, Codable {
    /// The comparison used.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// Total < value (GAD-7 <5).
        case below
        /// Total ≤ value (HAM-A ≤7).
        case atMost
        /// Total falls in one of the named bands (PDSS Normal/Borderline ill).
        case bands
    }

    /// The comparison used.
    public var kind: Kind
    /// The cutoff for `below` and `atMost`.
    public var value: Int?
    /// Band labels for `bands`.
    public var bandLabels: [String]
    /// Source of the definition.
    public var provenance: AssessmentProvenance

    /// Creates a remission definition.
    public init(kind: Kind, value: Int? = nil, bandLabels: [String] = [], provenance: AssessmentProvenance) {
        self.kind = kind
        self.value = value
        self.bandLabels = bandLabels
        self.provenance = provenance
    }

    /// Whether `total` is a remission; nil when the definition cannot be applied (no cutoff, or no band set for `bands`).
    public func isMet(total: Int, bandSet: BandSet?) -> Bool? {
        // DOMAIN.md §2.2
        switch kind {
        case .below: value.map { total < $0 }
        case .atMost: value.map { total <= $0 }
        case .bands: bandSet.map { set in set.band(for: total).map { bandLabels.contains($0.label) } ?? false }
        }
    }
}

/// Jacobson–Truax parameters for one instrument (DOMAIN.md §2.3), or a preset minimum change when no SD is known.
public struct ReliableChangeParameters: Sendable, Equatable, Codable {
    /// Which reliability coefficient `reliability` is.
    public enum ReliabilityKind: String, Sendable, Equatable, Codable {
        /// Internal consistency (Cronbach's α); the default, as in the Jacobson–Truax worked examples.
        case alpha
        /// Test–retest correlation.
        case testRetest
    }

    /// Parameter-set id (`lowe2008`).
    public var id: String
    /// SD of a clinical or normative reference sample (never the patient's own data); nil when not yet known.
    public var standardDeviation: Double?
    /// Reliability r_xx; nil when not yet known.
    public var reliability: Double?
    /// Which coefficient `reliability` is.
    public var reliabilityKind: ReliabilityKind
    /// A preset minimum reliable change in points, used only when SD or reliability is missing (PHQ-9: IAPT's 6).
    public var minimumChangePreset: Int?
    /// Citation for the SD and reliability.
    public var source: String
    /// Flag when the values are UNCONFIRMED or absent.
    public var provenance: AssessmentProvenance

    /// Creates a parameter set.
    public init(
        id: String,
        standardDeviation: Double?,
        reliability: Double?,
        reliabilityKind: ReliabilityKind = .alpha,
        minimumChangePreset: Int? = nil,
        source: String,
        provenance: AssessmentProvenance
    ) {
        self.id = id
        self.standardDeviation = standardDeviation
        self.reliability = reliability
        self.reliabilityKind = reliabilityKind
        self.minimumChangePreset = minimumChangePreset
        self.source = source
        self.provenance = provenance
    }

    /// True when Jacobson–Truax can be computed (SD and reliability entered).
    public var hasJacobsonTruaxValues: Bool { standardDeviation != nil && reliability != nil }

    /// Checks the values a clinic entered.
    /// - Throws: `OutcomeError.invalidParameter` naming `standardDeviation`, `reliability` or `minimumChangePreset`.
    public func validate() throws(OutcomeError) {
        if let sd = standardDeviation, !(sd.isFinite && sd > 0) {
            throw .invalidParameter(field: "standardDeviation", value: "\(sd)", allowed: "a number greater than 0")
        }
        if let r = reliability, !(r >= 0 && r < 1) {
            throw .invalidParameter(field: "reliability", value: "\(r)", allowed: "at least 0 and less than 1")
        }
        if let preset = minimumChangePreset, preset < 1 {
            throw .invalidParameter(field: "minimumChangePreset", value: "\(preset)", allowed: "a whole number of points, at least 1")
        }
    }
}

/// The outcome definitions in force for one instrument, after applying the clinic's policy.
public struct OutcomeCriteria: Sendable, Equatable, Codable {
    /// Instrument id.
    public var instrumentID: String
    /// Response definition, nil when the instrument has none.
    public var response: ResponseCriterion?
    /// Remission definition, nil when the instrument has none.
    public var remission: RemissionCriterion?
    /// Band set for band-based remission.
    public var bandSet: BandSet?
    /// MCID in points.
    public var mcid: Int?
    /// Reliable-change parameters.
    public var reliableChange: ReliableChangeParameters?
    /// Critical |RC| (1.96 for p < .05 two-tailed).
    public var criticalZ: Double

    /// Creates criteria directly (tests, or a caller with its own policy store).
    public init(
        instrumentID: String,
        response: ResponseCriterion?,
        remission: RemissionCriterion?,
        bandSet: BandSet? = nil,
        mcid: Int?,
        reliableChange: ReliableChangeParameters?,
        criticalZ: Double
    ) {
        self.instrumentID = instrumentID
        self.response = response
        self.remission = remission
        self.bandSet = bandSet
        self.mcid = mcid
        self.reliableChange = reliableChange
        self.criticalZ = criticalZ
    }
}
