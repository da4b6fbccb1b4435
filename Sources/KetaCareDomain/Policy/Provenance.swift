/// Where a clinical default came from, so the UI can flag values the clinic must review.
public enum Provenance: Codable, Sendable, Equatable {
    /// Taken from a cited source (DOMAIN.md names it).
    case sourced(String)
    /// DOMAIN.md marks the value UNCONFIRMED: a placeholder until the clinic confirms it.
    case unconfirmed
    /// Chosen by the software for safe behaviour; no clinical source; the clinic must review it.
    case designDefault

    /// Whether the clinic must review the value before relying on it.
    public var needsReview: Bool {
        if case .sourced = self { return false }
        return true
    }
}

/// A policy value together with where it came from.
public struct Sourced<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var value: Value
    public var provenance: Provenance

    /// Wraps `value` with its provenance.
    public init(_ value: Value, _ provenance: Provenance) {
        self.value = value
        self.provenance = provenance
    }
}
