/// A typed identifier for a ledger thing (product, lot, location), so a lot ID cannot be passed as a location.
public struct LedgerIdentifier<Tag>: Hashable, Comparable, Codable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The stored text of the identifier.
    public let rawValue: String

    /// Wraps a stored identifier.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Identifiers may be written as literals in seeds and tests.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes from a bare JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes as a bare JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Identifies a ``ControlledProduct``.
public typealias ProductID = LedgerIdentifier<ControlledProduct>
/// Identifies a ``Lot``.
public typealias LotID = LedgerIdentifier<Lot>
/// Identifies a ``StorageLocation``.
public typealias LocationID = LedgerIdentifier<StorageLocation>
