public import Foundation

/// A route and product as the prescriber names it; raw values are the CLI/API spellings.
public enum DosingRoute: String, Codable, Sendable, CaseIterable {
    /// Racemic ketamine intravenous infusion (DOMAIN.md §4.1).
    case intravenous = "iv"
    /// Racemic ketamine intramuscular injection (DOMAIN.md §4.3).
    case intramuscular = "im"
    /// Racemic ketamine subcutaneous injection (DOMAIN.md §4.2).
    case subcutaneous = "sc"
    /// Racemic ketamine swallowed (compounded; DOMAIN.md §4.5).
    case oral
    /// Racemic ketamine under the tongue (compounded; DOMAIN.md §4.5).
    case sublingual
    /// Esketamine nasal spray (Spravato) in 28 mg devices (DOMAIN.md §4.4).
    case intranasalEsketamine = "intranasal-esketamine"
    /// Esketamine intravenous infusion (PK.md §0; no drug-library entry in DOMAIN.md §4.8).
    case intravenousEsketamine = "iv-esketamine"

    /// The product given by this route.
    public var product: ProductFamily {
        switch self {
        case .intranasalEsketamine, .intravenousEsketamine: .esketamine
        default: .racemicKetamine
        }
    }

    /// The accepted spellings, for error messages.
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Which molecule is given; DOMAIN.md §4.8 forbids racemic and esketamine on the same day.
public enum ProductFamily: String, Codable, Sendable, CaseIterable {
    /// Racemic (R,S)-ketamine.
    case racemicKetamine = "racemic_ketamine"
    /// (S)-ketamine, e.g. Spravato.
    case esketamine

    /// A label for people.
    public var label: String {
        switch self {
        case .racemicKetamine: "racemic ketamine"
        case .esketamine: "esketamine"
        }
    }
}

/// The unit a product is prescribed in.
public enum DoseUnit: String, Codable, Sendable {
    /// Weight-based: mg per kg of dosing weight (racemic ketamine).
    case milligramsPerKilogram = "mg/kg"
    /// Fixed: mg (esketamine devices, compounded oral doses).
    case milligrams = "mg"
}

/// A prescribed dose in the unit the prescriber used.
public enum OrderedDose: Codable, Sendable, Equatable {
    /// A weight-based dose.
    case perKilogram(MilligramsPerKilogram)
    /// A fixed dose.
    case fixed(Milligrams)

    /// The unit the dose was given in.
    public var unit: DoseUnit {
        switch self {
        case .perKilogram: .milligramsPerKilogram
        case .fixed: .milligrams
        }
    }

    /// The input field this dose came from (`dose_mg_per_kg` or `dose_mg`), for error messages.
    public var field: String {
        switch self {
        case .perKilogram: "dose_mg_per_kg"
        case .fixed: "dose_mg"
        }
    }

    /// The numeric amount, whatever its unit.
    public var amount: Decimal {
        switch self {
        case .perKilogram(let dose): dose.value
        case .fixed(let dose): dose.value
        }
    }
}
