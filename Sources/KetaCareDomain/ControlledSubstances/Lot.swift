/// A manufacturer's lot of one product, with the expiry printed on it. DOMAIN.md §9.3 (NDC, lot and expiry).
///
/// A lot becomes known to the ledger when it is first received; how many containers it received is in ``LedgerState``.
public struct Lot: Codable, Sendable, Hashable, Identifiable {
    /// Stable identifier (the store's key; lot numbers may repeat across manufacturers).
    public var id: LotID
    /// The lot number printed on the container.
    public var lotNumber: String
    /// The product the lot is of.
    public var product: ProductID
    /// The last day the lot may be used.
    public var expiresOn: LocalDate

    /// Creates a lot.
    public init(id: LotID, lotNumber: String, product: ProductID, expiresOn: LocalDate) {
        self.id = id
        self.lotNumber = lotNumber
        self.product = product
        self.expiresOn = expiresOn
    }

    /// Whether the lot is past its expiry on `date` (usable through the expiry date itself).
    public func isExpired(on date: LocalDate) -> Bool {
        date > expiresOn
    }
}

/// A securely locked place controlled substances are kept (21 CFR 1301.75(b), DOMAIN.md §9.2).
public struct StorageLocation: Codable, Sendable, Hashable, Identifiable {
    /// Stable identifier.
    public var id: LocationID
    /// Name staff see ("Main safe").
    public var name: String

    /// Creates a location.
    public init(id: LocationID, name: String) {
        self.id = id
        self.name = name
    }

    /// Locations KetaCare seeds; the clinic renames or adds its own.
    public static let seed: [StorageLocation] = [
        StorageLocation(id: "safe", name: "Safe"),
        StorageLocation(id: "cabinet", name: "Locked cabinet"),
    ]
}

/// The products and locations a ledger may refer to (loaded by the store; the seed for a new clinic).
public struct LedgerCatalog: Codable, Sendable, Equatable {
    /// Products by identifier.
    public var products: [ProductID: ControlledProduct]
    /// Locations by identifier.
    public var locations: [LocationID: StorageLocation]

    /// Creates a catalogue from lists.
    public init(products: [ControlledProduct], locations: [StorageLocation]) {
        self.products = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.locations = Dictionary(locations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The seeded products and locations.
    public static let seed = LedgerCatalog(products: ControlledProduct.seed, locations: StorageLocation.seed)

    /// Products sorted by identifier, for reports.
    public var sortedProducts: [ControlledProduct] { products.values.sorted { $0.id < $1.id } }
}
