import Foundation

/// One psychiatric diagnosis on the intake, coded in ICD-10-CM (DOMAIN.md §10.5).
public struct Diagnosis: Codable, Sendable, Equatable {
    /// The ICD-10-CM code, e.g. `F41.1`.
    public var code: String
    /// Whether this is the primary diagnosis; exactly one diagnosis is primary.
    public var isPrimary: Bool

    /// Creates a diagnosis.
    public init(code: String, isPrimary: Bool) {
        self.code = code
        self.isPrimary = isPrimary
    }

    /// The code upper-cased and trimmed, as it is matched.
    public var normalizedCode: String { code.trimmingCharacters(in: .whitespaces).uppercased() }
}

/// How a catalog entry matches codes.
public enum DiagnosisCodeMatch: String, StrictlySpelled, Sendable {
    /// The code must equal the entry's code.
    case exact
    /// The code must be the entry's code followed by one or two letters or digits (`F32.` matches `F32.1`, `F32.A`, `F32.89`).
    case prefix
}

/// An allowed diagnosis code or code family.
public struct DiagnosisCatalogEntry: Codable, Sendable, Equatable {
    /// The code (`F41.1`) or, for a prefix entry, the family with its dot (`F32.`).
    public var code: String
    /// How `code` is matched.
    public var match: DiagnosisCodeMatch
    /// The name, for people.
    public var label: String
    /// Whether the family is a depressive disorder (used for the esketamine indication rule, DOMAIN.md §3.1).
    public var isDepressiveDisorder: Bool

    /// Creates a catalog entry.
    public init(code: String, match: DiagnosisCodeMatch, label: String, isDepressiveDisorder: Bool = false) {
        self.code = code
        self.match = match
        self.label = label
        self.isDepressiveDisorder = isDepressiveDisorder
    }

    /// Whether `code` (already normalized) is this entry.
    public func matches(_ code: String) -> Bool {
        switch match {
        case .exact:
            return code == self.code
        case .prefix:
            guard code.hasPrefix(self.code) else { return false }
            let rest = code.dropFirst(self.code.count)
            return (1...2).contains(rest.count) && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}

/// The ICD-10-CM codes an intake may use; clinic-editable data (DOMAIN.md §10.5).
public struct DiagnosisCatalog: Codable, Sendable, Equatable {
    /// The allowed codes and code families.
    public var entries: [DiagnosisCatalogEntry]
    /// Where the list came from.
    public var provenance: Provenance

    /// Creates a catalog.
    public init(entries: [DiagnosisCatalogEntry], provenance: Provenance) {
        self.entries = entries
        self.provenance = provenance
    }

    /// The entry a code belongs to, or `nil` when the code is not allowed.
    public func entry(for code: String) -> DiagnosisCatalogEntry? {
        let normalized = code.trimmingCharacters(in: .whitespaces).uppercased()
        return entries.first { $0.matches(normalized) }
    }

    /// The allowed codes, for messages.
    public var spellings: String {
        entries.map { $0.match == .prefix ? "\($0.code)x" : $0.code }.joined(separator: ", ")
    }

    // DOMAIN.md §10.5: standard ICD-10-CM codes, not re-verified against a fiscal-year release.
    /// The codes DOMAIN.md §10.5 lists.
    public static let seed = DiagnosisCatalog(
        entries: [
            DiagnosisCatalogEntry(code: "F41.1", match: .exact, label: "Generalized anxiety disorder"),
            DiagnosisCatalogEntry(code: "F40.10", match: .exact, label: "Social phobia, unspecified"),
            DiagnosisCatalogEntry(code: "F40.11", match: .exact, label: "Social phobia, generalized"),
            DiagnosisCatalogEntry(code: "F43.10", match: .exact, label: "Post-traumatic stress disorder, unspecified"),
            DiagnosisCatalogEntry(code: "F43.11", match: .exact, label: "Post-traumatic stress disorder, acute"),
            DiagnosisCatalogEntry(code: "F43.12", match: .exact, label: "Post-traumatic stress disorder, chronic"),
            DiagnosisCatalogEntry(code: "F41.0", match: .exact, label: "Panic disorder without agoraphobia"),
            DiagnosisCatalogEntry(code: "F40.01", match: .exact, label: "Agoraphobia with panic disorder"),
            DiagnosisCatalogEntry(code: "F32.", match: .prefix, label: "Major depressive disorder, single episode", isDepressiveDisorder: true),
            DiagnosisCatalogEntry(code: "F33.", match: .prefix, label: "Major depressive disorder, recurrent", isDepressiveDisorder: true),
        ],
        provenance: .sourced("DOMAIN.md §10.5 (ICD-10-CM, not re-verified against a fiscal-year release)")
    )
}
