public import Foundation

/// How loudly an interaction is shown (DOMAIN.md §3.4 "software action").
public enum InteractionSeverity: String, StrictlySpelled, Sendable {
    /// Warn: closer monitoring is needed.
    case warning
    /// Information only.
    case info
    /// A scheduling reminder (e.g. give nasal steroids ≥1 h before Spravato).
    case reminder
}

/// One row of the clinic-editable interaction table: a drug class, how to recognise it, and why it matters.
public struct InteractionEntry: Codable, Sendable, Equatable {
    /// Stable id, also the class tag staff may put on a medication (`benzodiazepine`).
    public var id: String
    /// The class as people say it.
    public var drugClass: String
    /// Drug names and keywords; a medication matches when its normalised name holds one as whole words (`MedicationName`).
    public var keywords: [String]
    /// Another row whose keywords this row also uses (the benzodiazepine-efficacy row recognises benzodiazepines).
    public var keywordsFrom: String?
    /// How loudly to show it.
    public var severity: InteractionSeverity
    /// The effect (DOMAIN.md §3.4 "Effect").
    public var effect: String
    /// What the clinic does about it (DOMAIN.md §3.4 "Software action").
    public var action: String
    /// The products it matters for.
    public var appliesTo: [ProductFamily]
    /// Whether a prescriber must acknowledge the flag before treatment (counts as a relative item in screening).
    public var requiresAcknowledgement: Bool
    /// The Spravato REMS Patient Monitoring Form question this class answers, if any.
    public var remsCategory: String?
    /// For benzodiazepines: the daily diazepam-equivalent dose above which response is lower (DOMAIN.md §3.4: 8 mg).
    public var diazepamEquivalentAboveMgPerDay: Decimal?
    /// The citation.
    public var source: String
    /// Provenance of the class and its action.
    public var provenance: Provenance
    /// Provenance of the keyword list (drug names are chosen by the software unless DOMAIN.md names them).
    public var keywordProvenance: Provenance

    /// Creates an entry.
    public init(
        id: String, drugClass: String, keywords: [String], keywordsFrom: String? = nil, severity: InteractionSeverity, effect: String, action: String,
        appliesTo: [ProductFamily] = ProductFamily.allCases, requiresAcknowledgement: Bool = false, remsCategory: String? = nil,
        diazepamEquivalentAboveMgPerDay: Decimal? = nil, source: String, provenance: Provenance, keywordProvenance: Provenance = .designDefault
    ) {
        self.id = id
        self.drugClass = drugClass
        self.keywords = keywords
        self.keywordsFrom = keywordsFrom
        self.severity = severity
        self.effect = effect
        self.action = action
        self.appliesTo = appliesTo
        self.requiresAcknowledgement = requiresAcknowledgement
        self.remsCategory = remsCategory
        self.diazepamEquivalentAboveMgPerDay = diazepamEquivalentAboveMgPerDay
        self.source = source
        self.provenance = provenance
        self.keywordProvenance = keywordProvenance
    }

    /// Whether `medication` is tagged with this class or its normalised name holds one of `keywords` as whole words.
    public func matches(_ medication: Medication, keywords: [String]) -> Bool {
        matches(medication, name: MedicationName(medication.name), keywords: keywords.map(MedicationName.init))
    }

    /// `matches(_:keywords:)` with the name and keywords already normalised.
    func matches(_ medication: Medication, name: MedicationName, keywords: [MedicationName]) -> Bool {
        if medication.classes?.contains(id) == true { return true }
        return keywords.contains { name.contains($0) }
    }
}

/// The clinic-editable drug-interaction table, versioned (DOMAIN.md §3.4).
public struct InteractionTable: Codable, Sendable, Equatable {
    /// Increases with every edit; screening results record it.
    public var version: Int
    /// The rows.
    public var entries: [InteractionEntry]
    /// Common drugs known to belong to no class of this table (whole names, matched like keywords): anything else
    /// unrecognised is "class unknown — review" (issue #10).
    public var noInteractionClass: Sourced<[String]>

    /// The class tag staff put on a medication that belongs to no class of the table.
    public static let noInteractionClassTag = "no-interaction-class"

    /// Creates a table.
    public init(version: Int, entries: [InteractionEntry], noInteractionClass: Sourced<[String]> = Sourced([], .designDefault)) {
        self.version = version
        self.entries = entries
        self.noInteractionClass = noInteractionClass
    }

    private enum CodingKeys: String, CodingKey {
        case version, entries, noInteractionClass
    }

    // A table stored before issue #10 has no known-no-class list: it reads with the seed's.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        entries = try c.decode([InteractionEntry].self, forKey: .entries)
        noInteractionClass = try c.decodeIfPresent(Sourced<[String]>.self, forKey: .noInteractionClass) ?? InteractionTable.seed.noInteractionClass
    }

    /// The rows staff may tag a medication with: those that recognise drugs themselves (not `keywordsFrom` rows).
    public var taggableEntries: [InteractionEntry] { entries.filter { $0.keywordsFrom == nil } }

    /// Reads a clinic-edited table strictly and validates it.
    public static func decode(_ data: Data) throws(EligibilityError) -> InteractionTable {
        let table = try StrictJSON.decode(InteractionTable.self, from: data)
        try table.validate()
        return table
    }

    /// Checks ids are unique and every row can match something.
    public func validate() throws(EligibilityError) {
        guard version >= 1 else { throw EligibilityError(field: "version", message: "version must be 1 or more") }
        var ids: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let prefix = "entries[\(index)]"
            guard !entry.id.isEmpty, entry.id != Self.noInteractionClassTag, ids.insert(entry.id).inserted else {
                throw EligibilityError(field: "\(prefix).id", message: "\(prefix).id must be present and unique; '\(entry.id)' is not")
            }
            if entry.keywords.contains(where: { !MedicationName($0).namesADrug }) {
                throw EligibilityError(
                    field: "\(prefix).keywords",
                    message: "\(prefix).keywords must name drugs: no blank keywords, bare numbers or only units, forms and salts")
            }
            if entry.appliesTo.isEmpty {
                throw EligibilityError(field: "\(prefix).appliesTo", message: "\(prefix).appliesTo must name at least one product")
            }
            if let other = entry.keywordsFrom, !entries.contains(where: { $0.id == other }) {
                throw EligibilityError(field: "\(prefix).keywordsFrom", message: "\(prefix).keywordsFrom names no row; '\(other)' is not an id")
            }
            if let threshold = entry.diazepamEquivalentAboveMgPerDay, threshold < 0 {
                throw EligibilityError(
                    field: "\(prefix).diazepamEquivalentAboveMgPerDay", message: "\(prefix).diazepamEquivalentAboveMgPerDay must be 0 or more")
            }
        }
        for (index, name) in noInteractionClass.value.enumerated() where !MedicationName(name).namesADrug {
            throw EligibilityError(
                field: "noInteractionClass.value[\(index)]", message: "noInteractionClass.value[\(index)] must name a drug; '\(name)' does not")
        }
    }
}
