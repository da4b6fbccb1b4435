import Foundation
import KetaCareDomain
import Testing

/// Names as people write them for one class of the interaction table (generic, international spelling, brand, salt, strength).
struct RecognitionCase: CustomTestStringConvertible, Sendable {
    let classID: String
    let names: [String]

    var testDescription: String { classID }
}

@Suite("Medications the rules can read (issue #10; DOMAIN.md §3.4, §3.6)")
struct MedicationRecognitionTests {
    typealias F = EligibilityFixture
    let checker = InteractionChecker(table: .seed)

    // Names from public drug references (generic INN/USAN spellings, US/UK/EU brands) in the forms intake lists use.
    static let classes: [RecognitionCase] = [
        RecognitionCase(
            classID: "benzodiazepine",
            names: [
                "Lorazepam 1 mg tab", "LORAZEPAM", "lorazepam (Ativan) 0.5mg", "Alprazolam ER 1 mg", "Xanax XR 0.5 mg", "Klonopin",
                "Rivotril 2 mg", "clonazepam 0.5mg/ml oral solution", "Valium 5mg", "Diazepam rectal gel (Diastat)", "Temazepam 10 mg capsule",
                "Restoril", "Oxazepam 15 mg", "Lormetazepam 1 mg", "Nitrazepam 5 mg", "Flurazepam HCl 30 mg", "Midazolam 2 mg/mL injection",
                "Triazolam (Halcion) 0.25 mg", "Estazolam", "Quazepam (Doral)", "Clobazam 10 mg (Onfi)", "Chlordiazepoxide hydrochloride",
                "Clorazepate dipotassium 7.5 mg", "benzodiazepines (as needed)",
            ]),
        RecognitionCase(
            classID: "opioid",
            names: [
                "Oxycodone 5 mg", "OxyContin 20 mg ER", "Percocet 5/325", "Hydrocodone bitartrate/acetaminophen 10/325 (Vicodin)", "Norco",
                "Codeine phosphate 30 mg", "Tylenol with codeine", "co-codamol 30/500", "Tramadol HCl 50 mg", "Ultram", "Tapentadol ER (Nucynta)",
                "Buprenorphine/naloxone 8 mg/2 mg sublingual film", "Suboxone", "Subutex 8 mg", "Methadone 10 mg/mL oral concentrate",
                "Morphine sulfate ER 15 mg", "MS Contin 30 mg", "Fentanyl 25 mcg/h patch", "Duragesic", "Hydromorphone 2 mg (Dilaudid)",
                "Pethidine 50 mg", "dihydrocodeine 30mg", "opioids",
            ]),
        RecognitionCase(
            classID: "sedative-hypnotic",
            names: [
                "Zolpidem 10 mg", "zolpidem tartrate 6.25 mg CR", "Ambien CR", "Stilnox 10mg", "Zopiclone 7.5 mg", "Imovane", "Eszopiclone 3 mg",
                "Lunesta", "Zaleplon 10 mg capsule", "Sonata", "Suvorexant (Belsomra) 10 mg", "Lemborexant", "Daridorexant 50 mg",
            ]),
        RecognitionCase(
            classID: "cns-depressant",
            names: [
                "Gabapentin 300 mg", "Neurontin 600 mg tab", "Gabapentin enacarbil ER (Horizant)", "Pregabalin 75 mg capsule", "Lyrica",
                "Baclofen 10 mg", "Carisoprodol (Soma) 350 mg", "Cyclobenzaprine HCl 10 mg", "Phenobarbital 30 mg", "Phenobarbitone 60 mg",
                "Butalbital/APAP/caffeine (Fioricet)", "Sodium oxybate 0.5 g/mL oral solution", "Xyrem", "Hydroxyzine pamoate 25 mg",
                "Diphenhydramine 50 mg at bedtime", "Benadryl", "Promethazine 25 mg",
            ]),
        RecognitionCase(
            classID: "psychostimulant",
            names: [
                "Dextroamphetamine", "Dexamfetamine 5 mg", "Dexamphetamine sulphate", "Amfetamine", "Amphetamine salts", "Adderall XR 20 mg",
                "mixed amphetamine salts ER", "Lisdexamfetamine dimesylate 30 mg", "Vyvanse", "Elvanse 50 mg", "Methylphenidate ER",
                "Methylphenidate HCl 36 mg ER tablet (Concerta)", "Ritalin LA 20 mg", "Medikinet XL", "Dexmethylphenidate (Focalin XR) 10 mg",
                "Dexedrine Spansule", "Methamphetamine (Desoxyn)", "Modafinil 200 mg", "Provigil", "Armodafinil (Nuvigil) 150 mg",
            ]),
        RecognitionCase(
            classID: "maoi",
            names: [
                "Phenelzine 15 mg", "Nardil", "Tranylcypromine sulfate 10 mg", "Parnate", "Isocarboxazid (Marplan)",
                "Selegiline transdermal 6 mg/24 h (Emsam)", "Selegiline HCl 5 mg", "Moclobemide 150 mg", "Manerix", "Rasagiline mesylate 1 mg",
                "Azilect", "MAO-B inhibitor", "MAOI",
            ]),
        RecognitionCase(
            classID: "alcohol",
            names: ["Alcohol (daily)", "ALCOHOL", "ethanol", "Beer, 3 cans daily", "wine 2 glasses nightly", "liquor on weekends", "alcohol use"]),
        RecognitionCase(
            classID: "lamotrigine",
            names: [
                "Lamotrigine 200 mg", "LAMOTRIGINE ER 300mg", "Lamictal", "Lamictal XR 100 mg tablet", "lamotrigine (Lamictal) 25 mg",
                "Subvenite 100mg", "lamotrigine ODT 50 mg", "Lamotrigine 5 mg chewable dispersible tablet",
            ]),
        RecognitionCase(
            classID: "cyp-modulator",
            names: [
                "Clarithromycin 500 mg", "Biaxin XL", "Ketoconazole 200 mg", "Itraconazole (Sporanox) 100 mg capsule", "Rifampin 300 mg",
                "Rifampicin", "Carbamazepine ER 200 mg (Tegretol XR)", "Phenytoin sodium 100 mg", "Dilantin", "Clopidogrel bisulfate 75 mg",
                "Plavix", "St. John's Wort", "St Johns wort 300 mg", "Nirmatrelvir/ritonavir (Paxlovid)",
            ]),
        RecognitionCase(
            classID: "nasal-steroid-decongestant",
            names: [
                "Fluticasone nasal spray", "Fluticasone propionate nasal spray 50 mcg", "Flonase", "Avamys", "Mometasone furoate nasal",
                "Nasonex", "Triamcinolone acetonide nasal (Nasacort)", "Budesonide nasal", "Oxymetazoline 0.05% nasal spray", "Afrin",
                "Xylometazoline (Otrivin)",
            ]),
    ]

    @Test("Every name of a class is recognised as that class, whatever its spelling, salt, strength or form", arguments: classes)
    func recognised(_ c: RecognitionCase) {
        #expect(c.names.count >= 7)
        for name in c.names {
            #expect(checker.recognition(of: Medication(name: name)) == .classes([c.classID]), "\(name)")
        }
    }

    @Test("Every row staff can tag is covered above")
    func everyTaggableRowCovered() {
        #expect(Set(InteractionTable.seed.taggableEntries.map(\.id)) == Set(Self.classes.map(\.classID)))
    }

    @Test(
        "Known drugs without an interaction class, and whole words only: no false matches",
        arguments: [
            ("Sertraline 100 mg", MedicationRecognition.noInteractionClass), ("sertraline (Zoloft) 50mg", .noInteractionClass),
            ("Venlafaxine XR 150 mg", .noInteractionClass), ("Escitalopram oxalate 10 mg", .noInteractionClass),
            ("Bupropion 150 mg XR", .noInteractionClass), ("Mirtazapine 15 mg at night", .noInteractionClass),
            ("Metformin ER 500 mg", .noInteractionClass), ("Levothyroxine sodium 50 mcg", .noInteractionClass),
            ("Amlodipine besylate 5 mg", .noInteractionClass), ("Vitamin D", .noInteractionClass), ("Vitamin D3 1000 IU daily", .noInteractionClass),
            ("Lamotrigine 100 mg", .classes(["lamotrigine"])),
            // Substrings of class keywords inside other drugs' names.
            ("Apomorphine 2 mg injection", .unknown), ("Somatropin 1 mg", .unknown), ("Dicodeine", .unknown), ("Lativanex", .unknown),
            ("MAO-B", .unknown), ("Methanol", .unknown),
            // A known drug with something unrecognised beside it is not a known whole.
            ("Sertraline + quetiapine", .unknown), ("Tylenol PM", .unknown),
        ])
    func noFalseMatches(_ name: String, _ expected: MedicationRecognition) {
        #expect(checker.recognition(of: Medication(name: name)) == expected)
    }

    @Test(
        "Names the table cannot place are class unknown — review",
        arguments: [
            "Quetiapine 50 mg", "Ramelteon 8 mg", "Study drug X", "Lithium carbonate 300 mg", "Xyzzy", "Potassium citrate", "Paroxetine 20 mg",
        ])
    func unknown(_ name: String) {
        #expect(checker.recognition(of: Medication(name: name)) == .unknown)
    }

    @Test(
        "Normalisation keeps the words that name the drug",
        arguments: [
            ("Lorazepam 1 mg tab", "lorazepam"), ("LORAZEPAM", "lorazepam"), ("lorazepam (Ativan) 0.5mg", "lorazepam ativan"),
            ("Methylphenidate HCl ER 36 mg tablet", "methylphenidate"), ("Zolpidem tartrate 5 mg ODT", "zolpidem"),
            ("Clonazepam 0.5mg/ml oral solution", "clonazepam"), ("Bupropion 150 mg XR", "bupropion"), ("Quétiapine", "quetiapine"),
            ("Lisdexamfetamine dimesylate 30mg capsule", "lisdexamfetamine"), ("Oxycodone HCl CR 10mg", "oxycodone"),
            ("Sumatriptan succinate 50 mg", "sumatriptan"), ("Potassium citrate", "potassium citrate"), ("St. John's Wort", "st john s wort"),
            ("Fentanyl citrate 100 µg/2 mL", "fentanyl"), ("Xanax®", "xanax"),
        ])
    func normalised(_ text: String, _ expected: String) {
        #expect(MedicationName(text).description == expected)
    }

    @Test("Class tags add classes; the no-class tag answers only for a name that matches nothing")
    func tags() {
        #expect(checker.recognition(of: Medication(name: "Study drug X", classes: ["opioid"])) == .classes(["opioid"]))
        #expect(checker.recognition(of: Medication(name: "Study drug X", classes: [InteractionTable.noInteractionClassTag])) == .noInteractionClass)
        #expect(
            checker.recognition(of: Medication(name: "Lorazepam 1 mg", classes: [InteractionTable.noInteractionClassTag]))
                == .classes(["benzodiazepine"]))
        #expect(checker.recognition(of: Medication(name: "Lorazepam", classes: ["opioid"])) == .classes(["benzodiazepine", "opioid"]))
        #expect(
            checker.flags(for: [Medication(name: "Clonazepam", classes: ["benzodiazepine"])], at: F.asOf).map(\.entryID) == [
                "benzodiazepine", "benzodiazepine-efficacy",
            ])
    }

    @Test("Screening reports each unknown medication taken on the day as an info finding; it never blocks (issue #10)")
    func screeningReportsUnknown() {
        var history = F.clean()
        history.medications = [
            Medication(name: "Sertraline 100 mg"), Medication(name: "Quetiapine 50 mg"), Medication(name: "Lorazepam 1 mg"),
            Medication(name: "Study drug X", stopDate: F.day("2025-01-01")), Medication(name: "Xyzzy 5 mg"),
        ]
        let result = Screening.screen(history, asOf: F.asOf)
        let unknown = result.firedRules.filter { $0.ruleID.hasPrefix(Screening.unknownMedicationRulePrefix) }
        #expect(unknown.map(\.ruleID) == ["medication.class-unknown.1", "medication.class-unknown.4"])
        #expect(unknown.allSatisfy { $0.severity == .info && !$0.overridable && $0.provenance == .designDefault })
        #expect(unknown.first?.evidence.contains("\"Quetiapine 50 mg\"") == true)
        #expect(result.decision == .needsAcknowledgement)
        #expect(result.applying([]).unresolved.map(\.ruleID) == ["interaction.benzodiazepine"])
        history.medications = [Medication(name: "Quetiapine 50 mg")]
        #expect(Screening.screen(history, asOf: F.asOf).decision == .eligible)
        history.medications = [Medication(name: "Quetiapine 50 mg", classes: [InteractionTable.noInteractionClassTag])]
        #expect(Screening.screen(history, asOf: F.asOf).firedRules.isEmpty)
    }

    @Test("A table stored before issue #10 reads with the seed's known no-class list; the list is a design default to review")
    func storedTableDecodes() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(InteractionTable.seed)) as? [String: Any])
        object["noInteractionClass"] = nil
        let table = try InteractionTable.decode(try JSONSerialization.data(withJSONObject: object))
        #expect(table.noInteractionClass == InteractionTable.seed.noInteractionClass)
        #expect(InteractionTable.seed.noInteractionClass.provenance == .designDefault)
        #expect(InteractionTable.seed.entries.filter { !$0.keywords.isEmpty }.allSatisfy { $0.keywordProvenance == .designDefault })
        var bad = InteractionTable.seed
        bad.noInteractionClass.value.append("250 mg")
        #expect(throws: EligibilityError.self) { try bad.validate() }
        bad = InteractionTable.seed
        bad.entries[0].id = InteractionTable.noInteractionClassTag
        #expect(throws: EligibilityError.self) { try bad.validate() }
    }
}
