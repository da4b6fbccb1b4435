public import Foundation

/// One set of vital signs as entered at the chair-side (DOMAIN.md §6.1); LOINC codes in §10.2.
///
/// Construct freely, then call ``validated(_:)`` before storing: implausible entries are typing errors, not alerts.
public struct VitalSigns: Codable, Sendable, Equatable {
    /// Systolic blood pressure, mmHg (LOINC 8480-6).
    public var systolic: Int
    /// Diastolic blood pressure, mmHg (LOINC 8462-4).
    public var diastolic: Int
    /// Heart rate, beats per minute (LOINC 8867-4).
    public var heartRate: Int
    /// Oxygen saturation by pulse oximetry, % (LOINC 59408-5).
    public var spo2: Int
    /// Respiratory rate, breaths per minute (LOINC 9279-1).
    public var respiratoryRate: Int
    /// Body temperature, °C (LOINC 8310-5); optional (DOMAIN.md §6.1).
    public var temperatureCelsius: Decimal?

    /// Creates a vitals set.
    public init(systolic: Int, diastolic: Int, heartRate: Int, spo2: Int, respiratoryRate: Int, temperatureCelsius: Decimal? = nil) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.heartRate = heartRate
        self.spo2 = spo2
        self.respiratoryRate = respiratoryRate
        self.temperatureCelsius = temperatureCelsius
    }

    /// The set unchanged, or the first implausible field with its allowed range.
    ///
    /// Checks each field against `limits`, then that diastolic is below systolic.
    public func validated(_ limits: VitalPlausibility) throws(SessionError) -> VitalSigns {
        try Self.check("systolic", systolic, limits.systolic.value, unit: "mmHg")
        try Self.check("diastolic", diastolic, limits.diastolic.value, unit: "mmHg")
        try Self.check("heart_rate", heartRate, limits.heartRate.value, unit: "/min")
        try Self.check("spo2", spo2, limits.spo2.value, unit: "%")
        try Self.check("respiratory_rate", respiratoryRate, limits.respiratoryRate.value, unit: "/min")
        if let temperatureCelsius {
            try Self.check("temperature", temperatureCelsius, limits.temperatureCelsius.value, unit: "°C")
        }
        guard diastolic < systolic else {
            throw SessionError(
                .inconsistent, field: "diastolic",
                message: "diastolic must be below systolic; got \(diastolic) mmHg diastolic with \(systolic) mmHg systolic")
        }
        return self
    }

    /// The value of one signal in this set, or `nil` when it was not measured or needs a baseline that is missing.
    public func value(of signal: VitalSignal, baseline: VitalSigns?) -> Decimal? {
        switch signal {
        case .systolic: Decimal(systolic)
        case .diastolic: Decimal(diastolic)
        case .heartRate: Decimal(heartRate)
        case .spo2: Decimal(spo2)
        case .respiratoryRate: Decimal(respiratoryRate)
        case .temperature: temperatureCelsius
        case .systolicRise: baseline.map { Decimal(systolic - $0.systolic) }
        case .diastolicRise: baseline.map { Decimal(diastolic - $0.diastolic) }
        }
    }

    private static func check<T: Comparable>(_ field: String, _ value: T, _ range: ClosedRange<T>, unit: String) throws(SessionError) {
        guard range.contains(value) else { throw SessionError.outOfRange(field: field, value: value, range: range, unit: unit) }
    }
}

/// A measured quantity an alert or gate rule can look at.
public enum VitalSignal: String, Codable, Sendable, CaseIterable {
    /// Systolic blood pressure, mmHg.
    case systolic
    /// Diastolic blood pressure, mmHg.
    case diastolic
    /// Heart rate, /min.
    case heartRate = "heart_rate"
    /// SpO2, %.
    case spo2
    /// Respiratory rate, /min.
    case respiratoryRate = "respiratory_rate"
    /// Temperature, °C.
    case temperature
    /// Systolic minus the pre-dose systolic, mmHg.
    case systolicRise = "systolic_rise"
    /// Diastolic minus the pre-dose diastolic, mmHg.
    case diastolicRise = "diastolic_rise"

    /// Whether the signal is a blood-pressure reading (the pre-dose gate handles these by DOMAIN.md §3.5).
    public var isBloodPressure: Bool {
        switch self {
        case .systolic, .diastolic, .systolicRise, .diastolicRise: true
        default: false
        }
    }

    /// The display unit.
    public var unit: String {
        switch self {
        case .systolic, .diastolic, .systolicRise, .diastolicRise: "mmHg"
        case .heartRate, .respiratoryRate: "/min"
        case .spo2: "%"
        case .temperature: "°C"
        }
    }
}

/// Physiologically plausible ranges: outside them an entry is rejected as a typing error (DESIGN DEFAULT).
public struct VitalPlausibility: Codable, Sendable, Equatable {
    /// Systolic, mmHg.
    public var systolic: Sourced<ClosedRange<Int>>
    /// Diastolic, mmHg.
    public var diastolic: Sourced<ClosedRange<Int>>
    /// Heart rate, /min.
    public var heartRate: Sourced<ClosedRange<Int>>
    /// SpO2, %: never above 100.
    public var spo2: Sourced<ClosedRange<Int>>
    /// Respiratory rate, /min: 0 is allowed (apnoea is real and must alert, not be rejected).
    public var respiratoryRate: Sourced<ClosedRange<Int>>
    /// Temperature, °C.
    public var temperatureCelsius: Sourced<ClosedRange<Decimal>>

    /// Creates plausibility ranges.
    public init(
        systolic: Sourced<ClosedRange<Int>>, diastolic: Sourced<ClosedRange<Int>>, heartRate: Sourced<ClosedRange<Int>>,
        spo2: Sourced<ClosedRange<Int>>, respiratoryRate: Sourced<ClosedRange<Int>>, temperatureCelsius: Sourced<ClosedRange<Decimal>>
    ) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.heartRate = heartRate
        self.spo2 = spo2
        self.respiratoryRate = respiratoryRate
        self.temperatureCelsius = temperatureCelsius
    }

    /// Wide ranges that catch typing errors without rejecting a real emergency (no clinical source; DESIGN DEFAULT).
    public static let seed = VitalPlausibility(
        systolic: Sourced(40...300, .designDefault),
        diastolic: Sourced(20...200, .designDefault),
        heartRate: Sourced(20...250, .designDefault),
        spo2: Sourced(50...100, .designDefault),
        respiratoryRate: Sourced(0...80, .designDefault),
        temperatureCelsius: Sourced(Decimal(30)...Decimal(44), .designDefault)
    )
}
