public import Foundation

/// A body measurement kind with its unit (UCUM) and LOINC code (DOMAIN.md §10.2).
public enum BodyMeasurementKind: String, Codable, Sendable, CaseIterable {
    case height
    case weight

    /// UCUM unit (DOMAIN.md §10.2).
    public var unit: String { self == .height ? "cm" : "kg" }
    /// LOINC code (DOMAIN.md §10.2).
    public var loinc: String { self == .height ? "8302-2" : "29463-7" }
}

/// One height or weight, dated: dosing uses the latest weight within the clinic's allowed age.
public struct BodyMeasurement: Codable, Sendable, Equatable {
    public let kind: BodyMeasurementKind
    public let value: Double
    public let measuredOn: LocalDate
    public let recordedBy: String
    public let recordedAt: Date

    /// Creates a measurement after checking it against the registry's plausible range.
    public init(
        kind: BodyMeasurementKind,
        value: Double,
        measuredOn: LocalDate,
        recordedBy: String,
        recordedAt: Date,
        policy: RegistryPolicy,
        today: LocalDate
    ) throws(ValidationError) {
        let range = kind == .height ? policy.heightCm.value : policy.weightKg.value
        guard value.isFinite, range.contains(value) else {
            throw ValidationError(
                field: kind.rawValue,
                message: "\(kind.rawValue) must be between \(range.lowerBound.formatted1) and \(range.upperBound.formatted1) \(kind.unit)"
            )
        }
        guard measuredOn <= today else {
            throw ValidationError(field: "measuredOn", message: "measuredOn cannot be in the future (today is \(today))")
        }
        self.init(stored: kind, value: (value * 10).rounded() / 10, measuredOn: measuredOn, recordedBy: recordedBy, recordedAt: recordedAt)
    }

    /// Recreates a measurement read back from storage (already validated when written).
    public init(stored kind: BodyMeasurementKind, value: Double, measuredOn: LocalDate, recordedBy: String, recordedAt: Date) {
        self.kind = kind
        self.value = value
        self.measuredOn = measuredOn
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    /// Body-mass index from a weight and height in kg and cm, to one decimal (DOMAIN.md §10.2 code 39156-5).
    public static func bmi(weightKg: Double, heightCm: Double) -> Double {
        let metres = heightCm / 100
        return (weightKg / (metres * metres) * 10).rounded() / 10
    }
}

extension Double {
    /// The value with at most one decimal, without a trailing ".0".
    public var formatted1: String {
        let rounded = (self * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}
