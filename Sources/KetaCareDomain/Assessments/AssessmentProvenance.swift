/// Where a seeded instrument or outcome value comes from, so the UI can show "needs the clinic's review".
///
/// DOMAIN.md conventions: a cited primary source, a secondary-only confirmation, UNCONFIRMED, or a DESIGN DEFAULT.
/// Encoded as `{"status": "sourced" | "secondary" | "unconfirmed" | "designDefault", "note": "…"}`.
public enum AssessmentProvenance: Sendable, Equatable, Hashable, Codable {
    /// Confirmed in the primary source named in the note.
    case sourced(String)
    /// Confirmed only through a secondary page (a review, a vendor, an implementation).
    case secondary(String)
    /// Could not be confirmed; a placeholder the clinic must review (DOMAIN.md Appendix A).
    case unconfirmed(String)
    /// Chosen by the software for a safe starting behaviour; not a clinical fact.
    case designDefault(String)

    /// True when the clinic must review the value before relying on it (UNCONFIRMED or DESIGN DEFAULT).
    public var needsClinicReview: Bool {
        switch self {
        case .sourced, .secondary: false
        case .unconfirmed, .designDefault: true
        }
    }

    /// The citation or explanation carried with the value.
    public var note: String {
        switch self {
        case .sourced(let note), .secondary(let note), .unconfirmed(let note), .designDefault(let note): note
        }
    }

    /// The same provenance in the policy vocabulary (`Provenance`, Policy/Provenance.swift); secondary counts as sourced.
    public var policyProvenance: Provenance {
        switch self {
        case .sourced(let note): .sourced(note)
        case .secondary(let note): .sourced("\(note) (secondary)")
        case .unconfirmed: .unconfirmed
        case .designDefault: .designDefault
        }
    }

    /// The status word used in the JSON encoding.
    public var status: String {
        switch self {
        case .sourced: "sourced"
        case .secondary: "secondary"
        case .unconfirmed: "unconfirmed"
        case .designDefault: "designDefault"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case status, note
    }

    /// Decodes `{"status": …, "note": …}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let status = try container.decode(String.self, forKey: .status)
        let note = try container.decodeIfPresent(String.self, forKey: .note) ?? ""
        switch status {
        case "sourced": self = .sourced(note)
        case "secondary": self = .secondary(note)
        case "unconfirmed": self = .unconfirmed(note)
        case "designDefault": self = .designDefault(note)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .status,
                in: container,
                debugDescription: "status must be one of sourced, secondary, unconfirmed, designDefault; got \(status)"
            )
        }
    }

    /// Encodes `{"status": …, "note": …}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(note, forKey: .note)
    }
}
