public import Foundation

/// A DEA controlled-substance schedule (21 CFR 1308).
public enum DEASchedule: String, Codable, Sendable, CaseIterable {
    case ii = "CII"
    case iii = "CIII"
    case iv = "CIV"
    case v = "CV"
}

/// How much drug one unit of count holds: mg per mL for solutions, mg per device for devices.
public enum ProductStrength: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A solution of this concentration (unit of count: mL).
    case perMillilitre(MilligramsPerMillilitre)
    /// A device delivering this much drug (unit of count: device).
    case perDevice(Milligrams)

    /// The unit of count this strength implies.
    public var unit: CountUnit {
        switch self {
        case .perMillilitre: .millilitre
        case .perDevice: .device
        }
    }

    /// mg per unit of count.
    public var milligramsPerUnit: Decimal {
        switch self {
        case .perMillilitre(let c): c.value
        case .perDevice(let mg): mg.value
        }
    }

    /// "50 mg/mL", "28 mg/device".
    public var description: String {
        switch self {
        case .perMillilitre(let c): "\(c.value) mg/mL"
        case .perDevice(let mg): "\(mg.value) mg/device"
        }
    }

    private enum CodingKeys: String, CodingKey { case milligrams, per }

    /// Decodes `{"milligrams": 50, "per": "mL"}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let mg = try c.decode(Decimal.self, forKey: .milligrams)
        switch try c.decode(CountUnit.self, forKey: .per) {
        case .millilitre: self = .perMillilitre(MilligramsPerMillilitre(mg))
        case .device: self = .perDevice(Milligrams(mg))
        }
    }

    /// Encodes `{"milligrams": 50, "per": "mL"}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(milligramsPerUnit, forKey: .milligrams)
        try c.encode(unit, forKey: .per)
    }
}

/// One controlled product/strength the clinic stocks: its own ledger, per DOMAIN.md §9.3.
public struct ControlledProduct: Codable, Sendable, Equatable, Identifiable {
    /// Stable identifier.
    public var id: ProductID
    /// Substance name as the inventory shows it ("Ketamine HCl").
    public var name: String
    /// Finished form for inventories (§9.4): "injection, multi-dose vial", "nasal spray device".
    public var finishedForm: String
    /// National Drug Code; `nil` until the clinic enters the one on its stock.
    public var ndc: String?
    /// Where the NDC came from (most are UNCONFIRMED: DOMAIN.md §10.4 gives only Spravato's product code).
    public var ndcProvenance: Provenance
    /// Drug per unit of count; also fixes the unit of count.
    public var strength: ProductStrength
    /// Units of count per container: mL per vial, devices per device container.
    public var unitsPerContainer: Decimal
    /// DEA schedule. DOMAIN.md §9.1.
    public var schedule: DEASchedule
    /// DEA controlled substance code (7285 for ketamine and its isomers). DOMAIN.md §9.1.
    public var controlledSubstanceCode: String

    /// Creates a product.
    public init(
        id: ProductID, name: String, finishedForm: String, ndc: String?, ndcProvenance: Provenance, strength: ProductStrength,
        unitsPerContainer: Decimal, schedule: DEASchedule, controlledSubstanceCode: String
    ) {
        self.id = id
        self.name = name
        self.finishedForm = finishedForm
        self.ndc = ndc
        self.ndcProvenance = ndcProvenance
        self.strength = strength
        self.unitsPerContainer = unitsPerContainer
        self.schedule = schedule
        self.controlledSubstanceCode = controlledSubstanceCode
    }

    /// The unit the ledger counts this product in.
    public var unit: CountUnit { strength.unit }

    /// One container's contents as a quantity (10 mL, 1 device).
    public var containerQuantity: LedgerQuantity { LedgerQuantity(unitsPerContainer, unit) }

    /// Drug in `amount` units of count (mL × mg/mL, or devices × mg/device).
    public func milligrams(in amount: Decimal) -> Milligrams {
        Milligrams(amount * strength.milligramsPerUnit)
    }

    /// Drug in a ledger quantity of this product.
    public func milligrams(in quantity: LedgerQuantity) -> Milligrams {
        milligrams(in: quantity.amount)
    }

    /// "10 mL per container (500 mg)": units or volume per container as an inventory records it (§9.4).
    public var containerDescription: String {
        "\(unitsPerContainer) \(unit.symbol) per container (\(milligrams(in: unitsPerContainer).value) mg)"
    }

    /// Products KetaCare seeds (DOMAIN.md §4, §9.3, §10.4); the clinic edits NDCs to match its stock.
    public static let seed: [ControlledProduct] = [
        ControlledProduct(
            id: "ketamine-50mg-ml-10ml", name: "Ketamine HCl", finishedForm: "injection solution, 10 mL multi-dose vial",
            ndc: nil, ndcProvenance: .unconfirmed, strength: .perMillilitre(50), unitsPerContainer: 10, schedule: .iii,
            controlledSubstanceCode: "7285"
        ),
        ControlledProduct(
            id: "ketamine-100mg-ml-5ml", name: "Ketamine HCl", finishedForm: "injection solution, 5 mL multi-dose vial",
            ndc: nil, ndcProvenance: .unconfirmed, strength: .perMillilitre(100), unitsPerContainer: 5, schedule: .iii,
            controlledSubstanceCode: "7285"
        ),
        ControlledProduct(
            id: "ketamine-10mg-ml-20ml", name: "Ketamine HCl", finishedForm: "injection solution, 20 mL multi-dose vial",
            ndc: nil, ndcProvenance: .unconfirmed, strength: .perMillilitre(10), unitsPerContainer: 20, schedule: .iii,
            controlledSubstanceCode: "7285"
        ),
        // DOMAIN.md §10.4: 50458-028 is the product code only; the package code is UNCONFIRMED (Appendix A #20).
        ControlledProduct(
            id: "esketamine-28mg-device", name: "Esketamine (Spravato)", finishedForm: "nasal spray device, 28 mg/0.2 mL",
            ndc: "50458-028", ndcProvenance: .sourced("openFDA NDC (product code; package code UNCONFIRMED)"),
            strength: .perDevice(28), unitsPerContainer: 1, schedule: .iii, controlledSubstanceCode: "7285"
        ),
    ]
}
