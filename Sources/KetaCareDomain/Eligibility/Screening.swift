/// The eligibility rules engine: pure, deterministic, driven by data (issue #4; DOMAIN.md §3).
public enum Screening {
    /// Screens `history` with the clinic's policy on `asOf`.
    public static func screen(_ history: IntakeHistory, policy: EligibilityPolicy = .seed, asOf: LocalDate) -> ScreeningResult {
        screen(history, ruleSet: policy.ruleSet, interactions: policy.interactions, catalog: policy.diagnoses, asOf: asOf)
    }

    /// Screens `history`: every rule that fires with its evidence, interaction flags folded in, and the decision per product.
    public static func screen(
        _ history: IntakeHistory, ruleSet: EligibilityRuleSet, interactions: InteractionTable, catalog: DiagnosisCatalog = .seed, asOf: LocalDate
    ) -> ScreeningResult {
        let products = history.plannedProducts
        let resistance = TreatmentResistance(trials: history.treatmentTrials, threshold: ruleSet.treatmentResistanceMinimumFailedTrials.value)
        let context = RuleContext(asOf: asOf, treatmentResistance: resistance, catalog: catalog)

        var fired: [(rule: EligibilityRule, evidence: String, products: [ProductFamily])] = []
        for rule in ruleSet.rules {
            let relevant = products.filter(rule.appliesTo.contains)
            guard !relevant.isEmpty, let evidence = rule.condition.evidence(for: history, in: context) else { continue }
            fired.append((rule, evidence, relevant))
        }
        let firedIDs = Set(fired.map(\.rule.id))
        var firedRules = fired.filter { entry in !entry.rule.supersededBy.contains(where: firedIDs.contains) }.map { entry in
            FiredRule(
                ruleID: entry.rule.id, title: entry.rule.title, severity: entry.rule.severity, overridable: entry.rule.overridable,
                overrideAuthority: entry.rule.overrideAuthority, evidence: entry.evidence, action: entry.rule.action, products: entry.products,
                source: entry.rule.source, provenance: entry.rule.provenance
            )
        }

        let checker = InteractionChecker(table: interactions)
        let flags = checker.flags(for: history.medications, at: asOf, products: products)
        firedRules += acknowledgementItems(for: flags)
        firedRules += unknownMedicationItems(history.medications, checker: checker, asOf: asOf, products: products)
        firedRules = firedRules.enumerated().sorted { lhs, rhs in
            lhs.element.severity != rhs.element.severity ? lhs.element.severity > rhs.element.severity : lhs.offset < rhs.offset
        }.map(\.element)

        let productDecisions = products.map { product in
            ProductDecision(product: product, decision: decision(for: firedRules.filter { $0.products.contains(product) }))
        }
        return ScreeningResult(
            asOf: asOf, ruleSetVersion: ruleSet.version, interactionTableVersion: interactions.version,
            decision: productDecisions.map(\.decision).max() ?? .eligible, productDecisions: productDecisions, firedRules: firedRules,
            interactionFlags: flags, treatmentResistance: resistance
        )
    }

    /// The decision a set of unresolved items gives: any absolute blocks, else any relative needs acknowledgement.
    static func decision(for items: [FiredRule]) -> ScreeningDecision {
        if items.contains(where: { $0.severity == .absolute }) { return .blocked }
        if items.contains(where: { $0.severity == .relative }) { return .needsAcknowledgement }
        return .eligible
    }

    /// The rule-id prefix of the info item for a medication whose class is unknown; the list index follows.
    public static let unknownMedicationRulePrefix = "medication.class-unknown."

    /// One info item per medication taken on `asOf` that the table cannot place, so an unknown class is never a silent pass (issue #10).
    private static func unknownMedicationItems(
        _ medications: [Medication], checker: InteractionChecker, asOf: LocalDate, products: [ProductFamily]
    ) -> [FiredRule] {
        medications.enumerated().compactMap { index, medication in
            guard medication.isActive(on: asOf), checker.recognition(of: medication) == .unknown else { return nil }
            return FiredRule(
                ruleID: "\(unknownMedicationRulePrefix)\(index)", title: "Medication class unknown — review", severity: .info, overridable: false,
                overrideAuthority: .prescriber,
                evidence: "medications[\(index)] \"\(medication.name)\" matches no class of interaction table v\(checker.table.version) "
                    + "and is not a known drug without an interaction class",
                action: "Check the medication against the interaction classes (DOMAIN.md §3.4) and set its class on the chart, "
                    + "or mark it \"no interaction class\"",
                products: products, source: "DOMAIN.md §3.4, §3.6 (issue #10)", provenance: .designDefault
            )
        }
    }

    /// One relative item per interaction row that needs acknowledgement, listing every medication that triggered it.
    private static func acknowledgementItems(for flags: [InteractionFlag]) -> [FiredRule] {
        var order: [String] = []
        var byEntry: [String: [InteractionFlag]] = [:]
        for flag in flags where flag.requiresAcknowledgement {
            if byEntry[flag.entryID] == nil { order.append(flag.entryID) }
            byEntry[flag.entryID, default: []].append(flag)
        }
        return order.compactMap { id in
            guard let group = byEntry[id], let first = group.first else { return nil }
            let products = ProductFamily.allCases.filter { product in group.contains { $0.products.contains(product) } }
            return FiredRule(
                ruleID: "interaction.\(id)", title: "Interaction: \(first.drugClass)", severity: .relative, overridable: true,
                overrideAuthority: .prescriber, evidence: "\(group.map(\.medication).joined(separator: ", ")): \(first.effect)",
                action: first.action, products: products, source: first.source, provenance: first.provenance
            )
        }
    }
}
