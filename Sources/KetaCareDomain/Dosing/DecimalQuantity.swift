public import Foundation

// DOMAIN.md §4.7: "Units are typed: mg/kg vs mg vs mg/mL vs mL/h. The library rejects mismatched units."

/// A unit tag: a phantom type that gives each quantity its own Swift type, so mg and mg/kg cannot mix.
public protocol QuantityUnit: Sendable {
    /// The UCUM-style symbol shown next to values (`mg`, `mg/kg`, `mL/h`).
    static var symbol: String { get }
}

/// A decimal amount in one unit; exact base-10 arithmetic so 0.5 mg/kg × 82 kg is 41 mg exactly.
///
/// Only same-unit arithmetic is defined generically; cross-unit products and quotients are spelled out below,
/// one per physical relation, so a mismatch is a compile error rather than a wrong dose.
public struct DecimalQuantity<Unit: QuantityUnit>: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// The amount in `Unit`.
    public var value: Decimal

    /// Wraps an exact decimal amount.
    public init(_ value: Decimal) {
        self.value = value
    }

    /// Parses a decimal literal such as `"0.5"`; `nil` when the text is not a number.
    public init?(_ text: String) {
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN else { return nil }
        self.value = value
    }

    /// Wraps an integer amount.
    public init(_ value: Int) {
        self.value = Decimal(value)
    }

    /// Whole amounts may be written as literals (`let dose: Milligrams = 56`); fractions go through `init?(_: String)`.
    public init(integerLiteral value: Int) {
        self.value = Decimal(value)
    }

    /// The zero amount.
    public static var zero: Self { Self(Decimal(0)) }

    /// The unit symbol.
    public static var symbol: String { Unit.symbol }

    /// The amount as a binary floating-point number, for simulation and charts (never for dose arithmetic).
    public var doubleValue: Double { value.approximateDouble }

    /// The amount rounded to a multiple of `rule.step` with the rule's mode.
    public func rounded(_ rule: RoundingRule) -> Self {
        Self(rule.apply(to: value))
    }

    /// "41.0 mg": the amount with `places` decimals and the unit symbol.
    public func formatted(places: Int) -> String {
        "\(value.fixedString(places: places)) \(Unit.symbol)"
    }

    public var description: String { "\(value) \(Unit.symbol)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.value + rhs.value) }
    public static func - (lhs: Self, rhs: Self) -> Self { Self(lhs.value - rhs.value) }
    public static func * (lhs: Self, rhs: Decimal) -> Self { Self(lhs.value * rhs) }
    public static func * (lhs: Decimal, rhs: Self) -> Self { Self(lhs * rhs.value) }

    /// Decodes from a bare JSON number (`41.0`), not an object, so seeds and reports stay readable.
    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Decimal.self)
    }

    /// Encodes as a bare JSON number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

// MARK: - Unit tags

/// Milligrams of drug (base).
public enum MilligramUnit: QuantityUnit { public static let symbol = "mg" }
/// Milligrams of drug per kilogram of dosing weight.
public enum MilligramPerKilogramUnit: QuantityUnit { public static let symbol = "mg/kg" }
/// Kilograms of body weight.
public enum KilogramUnit: QuantityUnit { public static let symbol = "kg" }
/// Centimetres of body height.
public enum CentimetreUnit: QuantityUnit { public static let symbol = "cm" }
/// Concentration of a solution.
public enum MilligramPerMillilitreUnit: QuantityUnit { public static let symbol = "mg/mL" }
/// Volume of a solution.
public enum MillilitreUnit: QuantityUnit { public static let symbol = "mL" }
/// Pump rate.
public enum MillilitrePerHourUnit: QuantityUnit { public static let symbol = "mL/h" }
/// Drug delivery rate.
public enum MilligramPerHourUnit: QuantityUnit { public static let symbol = "mg/h" }
/// Weight-normalised delivery rate.
public enum MilligramPerKilogramPerHourUnit: QuantityUnit { public static let symbol = "mg/kg/h" }
/// Duration in minutes.
public enum MinuteUnit: QuantityUnit { public static let symbol = "min" }
/// Body-mass index.
public enum KilogramPerSquareMetreUnit: QuantityUnit { public static let symbol = "kg/m2" }

/// A dose in mg.
public typealias Milligrams = DecimalQuantity<MilligramUnit>
/// A weight-based dose in mg/kg.
public typealias MilligramsPerKilogram = DecimalQuantity<MilligramPerKilogramUnit>
/// A body weight in kg.
public typealias Kilograms = DecimalQuantity<KilogramUnit>
/// A body height in cm.
public typealias Centimetres = DecimalQuantity<CentimetreUnit>
/// A concentration in mg/mL.
public typealias MilligramsPerMillilitre = DecimalQuantity<MilligramPerMillilitreUnit>
/// A volume in mL.
public typealias Millilitres = DecimalQuantity<MillilitreUnit>
/// A pump rate in mL/h.
public typealias MillilitresPerHour = DecimalQuantity<MillilitrePerHourUnit>
/// A drug delivery rate in mg/h.
public typealias MilligramsPerHour = DecimalQuantity<MilligramPerHourUnit>
/// A weight-normalised rate in mg/kg/h.
public typealias MilligramsPerKilogramPerHour = DecimalQuantity<MilligramPerKilogramPerHourUnit>
/// A duration in minutes.
public typealias Minutes = DecimalQuantity<MinuteUnit>
/// A body-mass index in kg/m².
public typealias KilogramsPerSquareMetre = DecimalQuantity<KilogramPerSquareMetreUnit>

// MARK: - Cross-unit relations (DOMAIN.md §4.7 formulas)

/// dose_mg = dose_mg_per_kg × weight_kg.
public func * (lhs: MilligramsPerKilogram, rhs: Kilograms) -> Milligrams { Milligrams(lhs.value * rhs.value) }
/// dose_mg = weight_kg × dose_mg_per_kg.
public func * (lhs: Kilograms, rhs: MilligramsPerKilogram) -> Milligrams { Milligrams(lhs.value * rhs.value) }
/// volume_mL = dose_mg ÷ concentration_mg_per_mL (may be a repeating decimal: round it with the policy).
public func / (lhs: Milligrams, rhs: MilligramsPerMillilitre) -> Millilitres { Millilitres(lhs.value / rhs.value) }
/// dose_mg = volume_mL × concentration_mg_per_mL.
public func * (lhs: Millilitres, rhs: MilligramsPerMillilitre) -> Milligrams { Milligrams(lhs.value * rhs.value) }
/// concentration_mg_per_mL = dose_mg ÷ volume_mL.
public func / (lhs: Milligrams, rhs: Millilitres) -> MilligramsPerMillilitre { MilligramsPerMillilitre(lhs.value / rhs.value) }
/// dose_mg_per_kg = dose_mg ÷ weight_kg.
public func / (lhs: Milligrams, rhs: Kilograms) -> MilligramsPerKilogram { MilligramsPerKilogram(lhs.value / rhs.value) }
/// rate_mL_per_h = volume_mL ÷ (duration_min ÷ 60), computed as volume × 60 ÷ duration so 35 mL / 40 min is exactly 52.5.
public func / (lhs: Millilitres, rhs: Minutes) -> MillilitresPerHour { MillilitresPerHour(lhs.value * 60 / rhs.value) }
/// rate_mg_per_kg_per_h = dose_mg_per_kg ÷ (duration_min ÷ 60).
public func / (lhs: MilligramsPerKilogram, rhs: Minutes) -> MilligramsPerKilogramPerHour {
    MilligramsPerKilogramPerHour(lhs.value * 60 / rhs.value)
}
/// mg/h delivered by a pump: mL/h × mg/mL.
public func * (lhs: MillilitresPerHour, rhs: MilligramsPerMillilitre) -> MilligramsPerHour { MilligramsPerHour(lhs.value * rhs.value) }
/// Minutes a pump needs to deliver a volume: volume ÷ rate × 60.
public func / (lhs: Millilitres, rhs: MillilitresPerHour) -> Minutes { Minutes(lhs.value * 60 / rhs.value) }

extension Centimetres {
    /// Centimetres per inch (exact by definition of the inch).
    public static let perInch = Decimal(string: "2.54")!

    /// The height in inches (exact up to Decimal's 38 digits).
    public var inches: Decimal { value / Self.perInch }
}
