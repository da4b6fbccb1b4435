/// Every clinical and registry default a clinic runs with: data, versioned in the database, seeded from DOMAIN.md.
///
/// Areas add their own sub-policies here as they arrive; the seed is ``ClinicPolicy/seed``.
public struct ClinicPolicy: Codable, Sendable, Equatable {
    /// Rules for the patient registry.
    public var registry: RegistryPolicy

    /// Creates a policy from its parts.
    public init(registry: RegistryPolicy) {
        self.registry = registry
    }

    /// The values KetaCare ships with; each names its provenance.
    public static let seed = ClinicPolicy(registry: .seed)
}

/// Limits for demographics and body measurements: plausibility, not clinical thresholds.
public struct RegistryPolicy: Codable, Sendable, Equatable {
    /// The oldest age a date of birth may give.
    public var maxAgeYears: Sourced<Int>
    /// Shape every MRN must match (the clinic assigns MRNs): a regular expression over the whole value.
    public var mrnPattern: Sourced<String>
    /// Plausible body height in centimetres.
    public var heightCm: Sourced<ClosedRange<Double>>
    /// Plausible body weight in kilograms.
    public var weightKg: Sourced<ClosedRange<Double>>

    /// Creates registry limits.
    public init(
        maxAgeYears: Sourced<Int>,
        mrnPattern: Sourced<String>,
        heightCm: Sourced<ClosedRange<Double>>,
        weightKg: Sourced<ClosedRange<Double>>
    ) {
        self.maxAgeYears = maxAgeYears
        self.mrnPattern = mrnPattern
        self.heightCm = heightCm
        self.weightKg = weightKg
    }

    /// Design defaults: plausibility ranges only, for the clinic to review.
    public static let seed = RegistryPolicy(
        maxAgeYears: Sourced(130, .designDefault),
        mrnPattern: Sourced("[A-Z0-9][A-Z0-9-]{0,19}", .designDefault),
        heightCm: Sourced(50...250, .designDefault),
        weightKg: Sourced(20...350, .designDefault)
    )
}
