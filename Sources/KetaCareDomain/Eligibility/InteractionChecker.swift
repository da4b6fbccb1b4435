import Foundation

/// One interaction found on the medication list, with the medication that triggered it.
public struct InteractionFlag: Codable, Sendable, Equatable {
    /// The table row's id.
    public var entryID: String
    /// The drug class.
    public var drugClass: String
    /// How loudly to show it.
    public var severity: InteractionSeverity
    /// The medication as written on the list.
    public var medication: String
    /// Its position in the list.
    public var medicationIndex: Int
    /// Why it matters.
    public var effect: String
    /// What the clinic does about it.
    public var action: String
    /// Extra evidence, e.g. "diazepam-equivalent 10 mg/day > 8".
    public var detail: String?
    /// The products it matters for.
    public var products: [ProductFamily]
    /// Whether a prescriber must acknowledge it.
    public var requiresAcknowledgement: Bool
    /// The citation.
    public var source: String
    /// Provenance of the row.
    public var provenance: Provenance
}

/// Matches a medication list against the interaction table (DOMAIN.md §3.4).
public struct InteractionChecker: Sendable {
    /// The table in force.
    public let table: InteractionTable
    /// Each row's own keywords, normalised once.
    private let ownKeywords: [String: [MedicationName]]
    /// The known no-class drugs, normalised once.
    private let noClassNames: [MedicationName]

    /// Creates a checker over `table`.
    public init(table: InteractionTable = .seed) {
        self.table = table
        var own: [String: [MedicationName]] = [:]
        for entry in table.entries { own[entry.id] = entry.keywords.map(MedicationName.init) }
        ownKeywords = own
        noClassNames = table.noInteractionClass.value.map(MedicationName.init)
    }

    /// What the table makes of one medication (issue #10): its classes, known to have none, or unknown.
    ///
    /// Classes come from the name and from staff tags; a tag never hides a class the name shows. The no-class tag or the
    /// known no-class list only answer for a name that matches no class.
    public func recognition(of medication: Medication) -> MedicationRecognition {
        let name = MedicationName(medication.name)
        // Own keywords only: a `keywordsFrom` row (benzodiazepine efficacy) repeats its source row's class.
        let classes = table.entries.filter { $0.matches(medication, name: name, keywords: ownKeywords[$0.id] ?? []) }.map(\.id)
        if !classes.isEmpty { return .classes(classes) }
        if medication.classes?.contains(InteractionTable.noInteractionClassTag) == true { return .noInteractionClass }
        return name.isCovered(by: noClassNames) ? .noInteractionClass : .unknown
    }

    /// Every flag for medications taken on `date`, in list order then table order, limited to `products`.
    public func flags(for medications: [Medication], at date: LocalDate, products: [ProductFamily] = ProductFamily.allCases) -> [InteractionFlag] {
        var flags: [InteractionFlag] = []
        for (index, medication) in medications.enumerated() where medication.isActive(on: date) {
            for entry in table.entries {
                let relevant = entry.appliesTo.filter(products.contains)
                guard !relevant.isEmpty, matches(entry, medication) else { continue }
                flags.append(
                    InteractionFlag(
                        entryID: entry.id, drugClass: entry.drugClass, severity: entry.severity, medication: medication.name,
                        medicationIndex: index, effect: entry.effect, action: entry.action, detail: detail(entry, medication),
                        products: relevant, requiresAcknowledgement: entry.requiresAcknowledgement, source: entry.source,
                        provenance: entry.provenance
                    ))
            }
        }
        return flags
    }

    /// The REMS Patient Monitoring Form categories the list answers "yes" to on `date` (DOMAIN.md §3.4).
    public func remsCategories(for medications: [Medication], at date: LocalDate) -> [String] {
        let active = medications.filter { $0.isActive(on: date) }
        return table.entries.compactMap { entry in
            guard let category = entry.remsCategory, active.contains(where: { matches(entry, $0) }) else { return nil }
            return category
        }
    }

    private func matches(_ entry: InteractionEntry, _ medication: Medication) -> Bool {
        var keywords = ownKeywords[entry.id] ?? []
        if let other = entry.keywordsFrom, let row = table.entries.first(where: { $0.id == other }) {
            keywords += ownKeywords[row.id] ?? []
            if medication.classes?.contains(row.id) == true { return true }
        }
        return entry.matches(medication, name: MedicationName(medication.name), keywords: keywords)
    }

    private func detail(_ entry: InteractionEntry, _ medication: Medication) -> String? {
        guard let threshold = entry.diazepamEquivalentAboveMgPerDay else { return nil }
        guard let dose = medication.diazepamEquivalentMgPerDay else {
            return "diazepam-equivalent dose not recorded (threshold > \(threshold) mg/day)"
        }
        return dose > threshold
            ? "diazepam-equivalent \(dose) mg/day > \(threshold): associated with lower response"
            : "diazepam-equivalent \(dose) mg/day ≤ \(threshold)"
    }
}
