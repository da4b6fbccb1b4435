import Foundation

extension InteractionTable {
    // DOMAIN.md §3.4: every row of the interaction table; drug-name keyword lists are DESIGN DEFAULTS.
    /// The table KetaCare ships with.
    public static let seed = InteractionTable(
        version: 1,
        entries: [
            InteractionEntry(
                id: "benzodiazepine", drugClass: "Benzodiazepines",
                keywords: [
                    "benzodiazepine", "alprazolam", "bromazepam", "chlordiazepoxide", "clobazam", "clonazepam", "clorazepate", "diazepam",
                    "estazolam", "flurazepam", "lorazepam", "midazolam", "oxazepam", "quazepam", "temazepam", "triazolam", "xanax",
                    "klonopin", "valium", "ativan", "restoril",
                ],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag; REMS form field", requiresAcknowledgement: true, remsCategory: "benzodiazepines",
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]", provenance: .sourced("Spravato USPI §7 / W&P")
            ),
            InteractionEntry(
                id: "benzodiazepine-efficacy", drugClass: "Benzodiazepines (efficacy)",
                keywords: [], keywordsFrom: "benzodiazepine",
                severity: .info,
                effect: "May blunt the antidepressant effect of racemic ketamine at higher doses "
                    + "(>8 mg diazepam-equivalent/day associated with lower response); RAPID trial day-1 effect reduced",
                action: "Info alert with daily diazepam-equivalent dose", appliesTo: [.racemicKetamine],
                diazepamEquivalentAboveMgPerDay: 8,
                source: "DOMAIN.md §3.4 [Andrashko et al. 2020, Front Psychiatry]; [Feeney et al. 2023, J Clin Psychiatry]",
                provenance: .sourced("Andrashko 2020; Feeney 2023"), keywordProvenance: .sourced("matches the benzodiazepine row")
            ),
            InteractionEntry(
                id: "opioid", drugClass: "Opioids",
                keywords: [
                    "opioid", "buprenorphine", "codeine", "fentanyl", "hydrocodone", "hydromorphone", "meperidine", "methadone", "morphine",
                    "oxycodone", "oxymorphone", "tapentadol", "tramadol",
                ],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag; REMS form field", requiresAcknowledgement: true, remsCategory: "opioids",
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]", provenance: .sourced("Spravato USPI §7 / W&P")
            ),
            InteractionEntry(
                id: "sedative-hypnotic", drugClass: "Non-benzodiazepine sedative-hypnotics",
                keywords: ["zolpidem", "zaleplon", "eszopiclone", "zopiclone", "suvorexant", "lemborexant", "daridorexant", "ambien", "lunesta"],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag; REMS form field", requiresAcknowledgement: true,
                remsCategory: "non-benzodiazepine sedative-hypnotics",
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]; [Spravato REMS Patient Monitoring Form]",
                provenance: .sourced("Spravato USPI §7; REMS Patient Monitoring Form")
            ),
            InteractionEntry(
                id: "alcohol", drugClass: "Alcohol",
                keywords: ["alcohol", "ethanol"],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag", requiresAcknowledgement: true,
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]", provenance: .sourced("Spravato USPI §7 / W&P")
            ),
            InteractionEntry(
                id: "cns-depressant", drugClass: "Other CNS depressants",
                keywords: [
                    "barbiturate", "phenobarbital", "butalbital", "gabapentin", "pregabalin", "baclofen", "carisoprodol", "cyclobenzaprine",
                    "sodium oxybate", "hydroxyzine", "diphenhydramine", "promethazine",
                ],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag", requiresAcknowledgement: true,
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]", provenance: .sourced("Spravato USPI §7 / W&P")
            ),
            InteractionEntry(
                id: "psychostimulant", drugClass: "Psychostimulants",
                keywords: [
                    "amphetamine", "dextroamphetamine", "lisdexamfetamine", "methamphetamine", "methylphenidate", "dexmethylphenidate",
                    "modafinil", "armodafinil", "adderall", "vyvanse", "ritalin", "concerta",
                ],
                severity: .warning, effect: "BP increase", action: "Warn; close BP monitoring", requiresAcknowledgement: true,
                remsCategory: "psychostimulants",
                source: "DOMAIN.md §3.4 [Spravato USPI §7]", provenance: .sourced("Spravato USPI §7"),
                keywordProvenance: .sourced("DOMAIN.md §3.4 names amphetamines, methylphenidate, modafinil, armodafinil; the rest DESIGN DEFAULT")
            ),
            InteractionEntry(
                id: "maoi", drugClass: "MAOIs",
                keywords: [
                    "maoi", "phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "moclobemide", "rasagiline", "nardil", "parnate", "emsam",
                ],
                severity: .warning, effect: "BP increase", action: "Warn; close BP monitoring", requiresAcknowledgement: true, remsCategory: "MAOIs",
                source: "DOMAIN.md §3.4 [Spravato USPI §7]", provenance: .sourced("Spravato USPI §7")
            ),
            InteractionEntry(
                id: "lamotrigine", drugClass: "Lamotrigine",
                keywords: ["lamotrigine", "lamictal"],
                severity: .info,
                effect: "Reduced ketamine perceptual/dissociative effects in healthy volunteers at 300 mg; "
                    + "no attenuation of antidepressant response in depressed patients",
                action: "Info only",
                source: "DOMAIN.md §3.4 [Anand et al. 2000, Arch Gen Psychiatry]; [Mathew et al. 2010, Int J Neuropsychopharmacol]",
                provenance: .sourced("Anand 2000; Mathew 2010"), keywordProvenance: .sourced("DOMAIN.md §3.4")
            ),
            InteractionEntry(
                id: "cyp-modulator", drugClass: "Strong CYP3A4 / CYP2B6 inhibitors or inducers",
                keywords: [
                    "ketoconazole", "itraconazole", "voriconazole", "posaconazole", "clarithromycin", "ritonavir", "cobicistat", "ticlopidine",
                    "clopidogrel", "rifampin", "rifampicin", "carbamazepine", "phenytoin", "st john",
                ],
                severity: .info, effect: "Ketamine is metabolized mainly by CYP2B6 and CYP3A4, so exposure can change", action: "Info",
                source: "DOMAIN.md §3.4 [Andrade 2017, J Clin Psychiatry]; [Spravato USPI §12.3]",
                provenance: .sourced("Andrade 2017; Spravato USPI §12.3")
            ),
            InteractionEntry(
                id: "nasal-steroid-decongestant", drugClass: "Nasal corticosteroid or decongestant",
                keywords: [
                    "oxymetazoline", "xylometazoline", "phenylephrine nasal", "fluticasone nasal", "mometasone nasal", "budesonide nasal",
                    "triamcinolone nasal", "beclomethasone nasal", "ciclesonide", "flonase", "nasonex", "nasacort", "rhinocort", "afrin",
                ],
                severity: .reminder, effect: "Give ≥1 h before Spravato", action: "Schedule reminder", appliesTo: [.esketamine],
                source: "DOMAIN.md §3.4 [Spravato USPI §2]", provenance: .sourced("Spravato USPI §2")
            ),
        ]
    )
}
