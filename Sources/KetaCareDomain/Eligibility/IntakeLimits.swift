/// Plausibility limits for intake values: they catch typing errors, they are not clinical thresholds.
public struct IntakeLimits: Codable, Sendable, Equatable {
    /// Systolic blood pressure, mmHg.
    public var systolic: Sourced<ClosedRange<Int>>
    /// Diastolic blood pressure, mmHg.
    public var diastolic: Sourced<ClosedRange<Int>>
    /// Heart rate, beats per minute.
    public var heartRate: Sourced<ClosedRange<Int>>
    /// Body weight, kg.
    public var weightKg: Sourced<ClosedRange<Int>>
    /// Body height, cm.
    public var heightCm: Sourced<ClosedRange<Int>>
    /// The oldest age a date of birth may give.
    public var maxAgeYears: Sourced<Int>

    /// Creates limits.
    public init(
        systolic: Sourced<ClosedRange<Int>>, diastolic: Sourced<ClosedRange<Int>>, heartRate: Sourced<ClosedRange<Int>>,
        weightKg: Sourced<ClosedRange<Int>>, heightCm: Sourced<ClosedRange<Int>>, maxAgeYears: Sourced<Int>
    ) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.heartRate = heartRate
        self.weightKg = weightKg
        self.heightCm = heightCm
        self.maxAgeYears = maxAgeYears
    }

    /// Design defaults: wide plausibility ranges for the clinic to review.
    public static let seed = IntakeLimits(
        systolic: Sourced(50...300, .designDefault),
        diastolic: Sourced(20...200, .designDefault),
        heartRate: Sourced(20...250, .designDefault),
        weightKg: Sourced(20...350, .designDefault),
        heightCm: Sourced(50...250, .designDefault),
        maxAgeYears: Sourced(130, .designDefault)
    )
}
