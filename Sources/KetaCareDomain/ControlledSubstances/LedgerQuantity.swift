public import Foundation

// DOMAIN.md §9.3: "Volumes in mL and mg"; devices (Spravato) are counted whole.

/// The unit a product is counted in on the ledger.
public enum CountUnit: String, Codable, Sendable, CaseIterable {
    /// Solution by volume (ketamine vials).
    case millilitre = "mL"
    /// Whole devices (esketamine nasal devices).
    case device

    /// The symbol shown next to amounts.
    public var symbol: String { rawValue }
}

/// Unit tag for whole devices.
public enum DeviceUnit: QuantityUnit { public static let symbol = "device" }
/// A number of devices.
public typealias Devices = DecimalQuantity<DeviceUnit>

/// An amount on the ledger in the product's unit of count: mL or devices, never a bare number.
///
/// Adjustments and corrections may carry a negative amount; every other entry is refused unless positive.
public enum LedgerQuantity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A volume of solution.
    case millilitres(Millilitres)
    /// A number of devices.
    case devices(Devices)

    /// Builds a quantity of `amount` in `unit`.
    public init(_ amount: Decimal, _ unit: CountUnit) {
        switch unit {
        case .millilitre: self = .millilitres(Millilitres(amount))
        case .device: self = .devices(Devices(amount))
        }
    }

    /// The unit of count.
    public var unit: CountUnit {
        switch self {
        case .millilitres: .millilitre
        case .devices: .device
        }
    }

    /// The amount in ``unit``.
    public var amount: Decimal {
        switch self {
        case .millilitres(let ml): ml.value
        case .devices(let devices): devices.value
        }
    }

    /// The volume, when counted in mL.
    public var millilitres: Millilitres? {
        if case .millilitres(let ml) = self { return ml }
        return nil
    }

    /// Whether the amount is above zero.
    public var isPositive: Bool { amount > 0 }

    /// "2.5 mL", "3 device".
    public var description: String { "\(amount) \(unit.symbol)" }

    private enum CodingKeys: String, CodingKey { case amount, unit }

    /// Decodes `{"amount": 2.5, "unit": "mL"}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(Decimal.self, forKey: .amount), try c.decode(CountUnit.self, forKey: .unit))
    }

    /// Encodes `{"amount": 2.5, "unit": "mL"}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(amount, forKey: .amount)
        try c.encode(unit, forKey: .unit)
    }
}
