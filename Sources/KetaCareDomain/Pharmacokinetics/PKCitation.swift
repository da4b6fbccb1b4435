/// How well a parameter is supported, using PK.md's markers.
public enum PKEvidence: String, Codable, Sendable {
    /// [V]: read in a retrieved source (paper, label, or a popPK model file that cites its table).
    case verified = "V"
    /// [C]: read from open-source code.
    case code = "C"
    /// [A]: an engineering placeholder no retrieved source supports; must be replaced.
    case assumption = "A"

    /// Whether the value is a placeholder the clinic should see flagged.
    public var isPlaceholder: Bool { self == .assumption }
}

/// Where a model or parameter comes from.
public struct PKCitation: Codable, Sendable, Equatable {
    /// The reference as a reader would look it up.
    public var reference: String
    /// How it was obtained.
    public var evidence: PKEvidence
    /// Where in PK.md it is described.
    public var section: String

    /// Creates a citation.
    public init(_ reference: String, evidence: PKEvidence, section: String) {
        self.reference = reference
        self.evidence = evidence
        self.section = section
    }
}

/// A plasma concentration in ng/mL (= µg/L). Binary floating point: predictions, not dose arithmetic.
public struct NanogramsPerMillilitre: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The concentration.
    public var value: Double

    /// Wraps a concentration.
    public init(_ value: Double) {
        self.value = value
    }

    public var description: String { "\(value) ng/mL" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    /// Decodes a bare number.
    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Double.self)
    }

    /// Encodes a bare number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
