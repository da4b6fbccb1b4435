import Foundation
import KetaCareDomain
import Testing

/// One medication and the interaction row it must trigger.
struct InteractionCase: CustomTestStringConvertible, Sendable {
    let medication: String
    let entries: [String]
    let severity: InteractionSeverity

    var testDescription: String { "\(medication) → \(entries.joined(separator: ","))" }
}

@Suite("Drug-interaction flags: every row of DOMAIN.md §3.4")
struct InteractionTests {
    typealias F = EligibilityFixture
    let checker = InteractionChecker(table: .seed)

    static let cases: [InteractionCase] = [
        InteractionCase(medication: "Lorazepam 1 mg", entries: ["benzodiazepine", "benzodiazepine-efficacy"], severity: .warning),
        InteractionCase(medication: "CLONAZEPAM", entries: ["benzodiazepine", "benzodiazepine-efficacy"], severity: .warning),
        InteractionCase(medication: "Oxycodone 5 mg", entries: ["opioid"], severity: .warning),
        InteractionCase(medication: "Tramadol", entries: ["opioid"], severity: .warning),
        InteractionCase(medication: "Zolpidem 10 mg", entries: ["sedative-hypnotic"], severity: .warning),
        InteractionCase(medication: "Alcohol (daily)", entries: ["alcohol"], severity: .warning),
        InteractionCase(medication: "Gabapentin 300 mg", entries: ["cns-depressant"], severity: .warning),
        InteractionCase(medication: "Dextroamphetamine", entries: ["psychostimulant"], severity: .warning),
        InteractionCase(medication: "Methylphenidate ER", entries: ["psychostimulant"], severity: .warning),
        InteractionCase(medication: "Modafinil", entries: ["psychostimulant"], severity: .warning),
        InteractionCase(medication: "Armodafinil", entries: ["psychostimulant"], severity: .warning),
        InteractionCase(medication: "Phenelzine", entries: ["maoi"], severity: .warning),
        InteractionCase(medication: "Tranylcypromine", entries: ["maoi"], severity: .warning),
        InteractionCase(medication: "Lamotrigine 200 mg", entries: ["lamotrigine"], severity: .info),
        InteractionCase(medication: "Clarithromycin", entries: ["cyp-modulator"], severity: .info),
        InteractionCase(medication: "Rifampin", entries: ["cyp-modulator"], severity: .info),
        InteractionCase(medication: "Fluticasone nasal spray", entries: ["nasal-steroid-decongestant"], severity: .reminder),
        InteractionCase(medication: "Oxymetazoline", entries: ["nasal-steroid-decongestant"], severity: .reminder),
        InteractionCase(medication: "Sertraline 100 mg", entries: [], severity: .info),
    ]

    @Test("Each class is recognised by name, with the medication that triggered it", arguments: cases)
    func recognised(_ c: InteractionCase) throws {
        let flags = checker.flags(for: [Medication(name: c.medication)], at: F.asOf)
        #expect(flags.map(\.entryID) == c.entries)
        if let first = flags.first {
            #expect(first.severity == c.severity)
            #expect(first.medication == c.medication)
            #expect(first.medicationIndex == 0)
            #expect(!first.effect.isEmpty && first.source.contains("§3.4"))
        }
    }

    @Test("Every seeded row is covered by a case above")
    func everyRowCovered() {
        let covered = Set(Self.cases.flatMap(\.entries))
        #expect(Set(InteractionTable.seed.entries.map(\.id)) == covered)
    }

    @Test("Product-specific rows: nasal steroids for esketamine only, benzodiazepine efficacy for racemic only")
    func products() {
        let meds = [Medication(name: "Flonase"), Medication(name: "Diazepam 5 mg", diazepamEquivalentMgPerDay: 10)]
        #expect(checker.flags(for: meds, at: F.asOf, products: [.racemicKetamine]).map(\.entryID) == ["benzodiazepine", "benzodiazepine-efficacy"])
        #expect(checker.flags(for: meds, at: F.asOf, products: [.esketamine]).map(\.entryID) == ["nasal-steroid-decongestant", "benzodiazepine"])
    }

    @Test(
        "Diazepam-equivalent threshold: 8 mg/day is ≤ 8, 8.1 is above (DOMAIN.md §3.4)",
        arguments: [
            ("8", "diazepam-equivalent 8 mg/day ≤ 8"), ("8.1", "diazepam-equivalent 8.1 mg/day > 8: associated with lower response"),
        ])
    func diazepamThreshold(_ dose: String, _ detail: String) throws {
        let med = Medication(name: "Alprazolam", diazepamEquivalentMgPerDay: Decimal(string: dose))
        let flag = try #require(checker.flags(for: [med], at: F.asOf).first { $0.entryID == "benzodiazepine-efficacy" })
        #expect(flag.detail == detail)
        #expect(flag.severity == .info)
    }

    @Test(
        "Only medications taken on the screening date are flagged",
        arguments: [
            (nil as String?, nil as String?, true), ("2025-06-16", nil, false), (nil, "2025-06-15", true), (nil, "2025-06-14", false),
            ("2025-06-15", nil, true),
        ])
    func activeDates(_ start: String?, _ stop: String?, _ flagged: Bool) {
        let med = Medication(name: "Phenelzine", startDate: start.map(F.day), stopDate: stop.map(F.day))
        #expect(checker.flags(for: [med], at: F.asOf).isEmpty == !flagged)
    }

    @Test("A class tag flags a medication its name does not reveal")
    func classTag() {
        let med = Medication(name: "Study drug X", classes: ["opioid"])
        #expect(checker.flags(for: [med], at: F.asOf).map(\.entryID) == ["opioid"])
    }

    @Test("The list answers the REMS form's class questions")
    func remsCategories() {
        let meds = [Medication(name: "Zolpidem"), Medication(name: "Adderall"), Medication(name: "Lamotrigine")]
        #expect(checker.remsCategories(for: meds, at: F.asOf) == ["non-benzodiazepine sedative-hypnotics", "psychostimulants"])
    }

    @Test("Warnings need acknowledgement in screening; info flags do not change the decision")
    func folding() throws {
        var history = F.clean()
        history.medications = [Medication(name: "Lamotrigine"), Medication(name: "Lorazepam", diazepamEquivalentMgPerDay: 2)]
        let result = Screening.screen(history, asOf: F.asOf)
        #expect(result.decision == .needsAcknowledgement)
        #expect(result.firedRules.map(\.ruleID) == ["interaction.benzodiazepine"])
        #expect(result.interactionFlags.map(\.entryID) == ["lamotrigine", "benzodiazepine", "benzodiazepine-efficacy"])
        history.medications = [Medication(name: "Lamotrigine")]
        #expect(Screening.screen(history, asOf: F.asOf).decision == .eligible)
    }

    @Test("An edited table must name known rows and products")
    func validation() {
        var table = InteractionTable.seed
        table.entries[1].keywordsFrom = "benzos"
        #expect(throws: EligibilityError(field: "entries[1].keywordsFrom", message: "entries[1].keywordsFrom names no row; 'benzos' is not an id")) {
            try table.validate()
        }
        table = InteractionTable.seed
        table.entries.append(table.entries[0])
        #expect(throws: EligibilityError.self) { try table.validate() }
        #expect(throws: Never.self) { try InteractionTable.seed.validate() }
    }
}
