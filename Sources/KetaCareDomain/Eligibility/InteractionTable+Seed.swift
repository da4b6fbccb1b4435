import Foundation

extension InteractionTable {
    // DOMAIN.md §3.4: every row of the interaction table. Drug-name keyword lists (generic names in US and international
    // spelling, common brands; issue #10) are DESIGN DEFAULTS unless DOMAIN.md names the drug; matching is on whole words.
    /// The table KetaCare ships with.
    public static let seed = InteractionTable(
        version: 2,
        entries: [
            InteractionEntry(
                id: "benzodiazepine", drugClass: "Benzodiazepines",
                keywords: [
                    "benzodiazepine", "alprazolam", "bromazepam", "chlordiazepoxide", "clobazam", "clonazepam", "clorazepate", "diazepam",
                    "estazolam", "flunitrazepam", "flurazepam", "ketazolam", "loprazolam", "lorazepam", "lormetazepam", "midazolam", "nitrazepam",
                    "oxazepam", "prazepam", "quazepam", "temazepam", "triazolam",
                    // Brands (US and international).
                    "xanax", "niravam", "klonopin", "rivotril", "valium", "stesolid", "diastat", "valtoco", "ativan", "temesta", "restoril",
                    "normison", "serax", "halcion", "prosom", "doral", "dalmane", "mogadon", "onfi", "sympazan", "frisium", "tranxene", "librium",
                    "lexotan", "lexomil", "versed", "dormicum", "hypnovel", "buccolam", "nayzilam", "noctamid", "loramet",
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
                    "opioid", "opiate", "opium", "buprenorphine", "butorphanol", "codeine", "dihydrocodeine", "diamorphine", "heroin", "fentanyl",
                    "hydrocodone", "hydromorphone", "levorphanol", "meperidine", "pethidine", "methadone", "morphine", "nalbuphine", "oxycodone",
                    "oxymorphone", "pentazocine", "sufentanil", "tapentadol", "tilidine", "tramadol", "co-codamol", "co-dydramol",
                    // Brands (US and international).
                    "oxycontin", "oxynorm", "roxicodone", "xtampza", "percocet", "endocet", "targin", "vicodin", "norco", "lortab", "hysingla",
                    "zohydro", "ultram", "ultracet", "conzip", "tramal", "zydol", "nucynta", "palexia", "suboxone", "subutex", "zubsolv",
                    "sublocade", "buvidal", "butrans", "belbuca", "temgesic", "dilaudid", "exalgo", "palladone", "duragesic", "durogesic", "actiq",
                    "fentora", "abstral", "ms contin", "kadian", "oramorph", "sevredol", "zomorph", "dolophine", "methadose", "physeptone",
                    "demerol",
                ],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag; REMS form field", requiresAcknowledgement: true, remsCategory: "opioids",
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]", provenance: .sourced("Spravato USPI §7 / W&P")
            ),
            InteractionEntry(
                id: "sedative-hypnotic", drugClass: "Non-benzodiazepine sedative-hypnotics",
                keywords: [
                    "zolpidem", "zaleplon", "eszopiclone", "zopiclone", "suvorexant", "lemborexant", "daridorexant",
                    // Brands (US and international).
                    "ambien", "edluar", "intermezzo", "zolpimist", "stilnox", "stilnoct", "lunesta", "imovane", "zimovane", "sonata", "belsomra",
                    "dayvigo", "quviviq",
                ],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag; REMS form field", requiresAcknowledgement: true,
                remsCategory: "non-benzodiazepine sedative-hypnotics",
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]; [Spravato REMS Patient Monitoring Form]",
                provenance: .sourced("Spravato USPI §7; REMS Patient Monitoring Form")
            ),
            InteractionEntry(
                id: "alcohol", drugClass: "Alcohol",
                keywords: ["alcohol", "ethanol", "beer", "wine", "liquor"],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag", requiresAcknowledgement: true,
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]", provenance: .sourced("Spravato USPI §7 / W&P")
            ),
            InteractionEntry(
                id: "cns-depressant", drugClass: "Other CNS depressants",
                keywords: [
                    "barbiturate", "phenobarbital", "phenobarbitone", "butalbital", "secobarbital", "pentobarbital", "gabapentin", "gabapentinoid",
                    "pregabalin", "baclofen", "carisoprodol", "cyclobenzaprine", "sodium oxybate", "oxybate", "hydroxyzine", "diphenhydramine",
                    "promethazine",
                    // Brands (US and international).
                    "neurontin", "gralise", "horizant", "lyrica", "fioricet", "fiorinal", "lioresal", "soma", "flexeril", "xyrem", "xywav",
                    "lumryz", "atarax", "vistaril", "benadryl", "phenergan",
                ],
                severity: .warning, effect: "Additive sedation (and respiratory depression)",
                action: "Warn; closer sedation monitoring flag", requiresAcknowledgement: true,
                source: "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]", provenance: .sourced("Spravato USPI §7 / W&P")
            ),
            InteractionEntry(
                id: "psychostimulant", drugClass: "Psychostimulants",
                keywords: [
                    "amphetamine", "amfetamine", "dextroamphetamine", "dexamfetamine", "dexamphetamine", "lisdexamfetamine", "lisdexamphetamine",
                    "methamphetamine", "metamfetamine", "methylphenidate", "dexmethylphenidate", "serdexmethylphenidate", "modafinil", "armodafinil",
                    // Brands (US and international).
                    "adderall", "mydayis", "evekeo", "adzenys", "dyanavel", "vyvanse", "elvanse", "tyvense", "dexedrine", "zenzedi", "procentra",
                    "desoxyn", "ritalin", "concerta", "medikinet", "equasym", "metadate", "methylin", "daytrana", "quillivant", "quillichew",
                    "aptensio", "jornay", "relexxii", "cotempla", "adhansia", "focalin", "azstarys", "provigil", "modiodal", "nuvigil",
                ],
                severity: .warning, effect: "BP increase", action: "Warn; close BP monitoring", requiresAcknowledgement: true,
                remsCategory: "psychostimulants",
                // DOMAIN.md §3.4 names amphetamines, methylphenidate, modafinil and armodafinil; the spellings and brands are DESIGN DEFAULT.
                source: "DOMAIN.md §3.4 [Spravato USPI §7]", provenance: .sourced("Spravato USPI §7")
            ),
            InteractionEntry(
                id: "maoi", drugClass: "MAOIs",
                keywords: [
                    "maoi", "monoamine oxidase inhibitor", "mao inhibitor", "mao b inhibitor", "phenelzine", "tranylcypromine", "isocarboxazid",
                    "selegiline", "moclobemide", "rasagiline", "safinamide",
                    // Brands (US and international).
                    "nardil", "parnate", "marplan", "emsam", "eldepryl", "zelapar", "manerix", "aurorix", "azilect", "xadago",
                ],
                severity: .warning, effect: "BP increase", action: "Warn; close BP monitoring", requiresAcknowledgement: true, remsCategory: "MAOIs",
                source: "DOMAIN.md §3.4 [Spravato USPI §7]", provenance: .sourced("Spravato USPI §7")
            ),
            InteractionEntry(
                id: "lamotrigine", drugClass: "Lamotrigine",
                keywords: ["lamotrigine", "lamictal", "subvenite"],
                severity: .info,
                effect: "Reduced ketamine perceptual/dissociative effects in healthy volunteers at 300 mg; "
                    + "no attenuation of antidepressant response in depressed patients",
                action: "Info only",
                source: "DOMAIN.md §3.4 [Anand et al. 2000, Arch Gen Psychiatry]; [Mathew et al. 2010, Int J Neuropsychopharmacol]",
                // DOMAIN.md §3.4 names lamotrigine; the brands are DESIGN DEFAULT.
                provenance: .sourced("Anand 2000; Mathew 2010")
            ),
            InteractionEntry(
                id: "cyp-modulator", drugClass: "Strong CYP3A4 / CYP2B6 inhibitors or inducers",
                keywords: [
                    "ketoconazole", "itraconazole", "voriconazole", "posaconazole", "clarithromycin", "ritonavir", "cobicistat", "ticlopidine",
                    "clopidogrel", "rifampin", "rifampicin", "carbamazepine", "phenytoin", "st john", "st johns wort", "hypericum",
                    // Brands (US and international).
                    "nizoral", "sporanox", "vfend", "noxafil", "biaxin", "klacid", "norvir", "paxlovid", "tybost", "plavix", "rifadin", "rimactane",
                    "tegretol", "carbatrol", "equetro", "dilantin", "epanutin",
                ],
                severity: .info, effect: "Ketamine is metabolized mainly by CYP2B6 and CYP3A4, so exposure can change", action: "Info",
                source: "DOMAIN.md §3.4 [Andrade 2017, J Clin Psychiatry]; [Spravato USPI §12.3]",
                provenance: .sourced("Andrade 2017; Spravato USPI §12.3")
            ),
            InteractionEntry(
                id: "nasal-steroid-decongestant", drugClass: "Nasal corticosteroid or decongestant",
                keywords: [
                    "oxymetazoline", "xylometazoline", "phenylephrine nasal", "fluticasone nasal", "mometasone nasal", "budesonide nasal",
                    "triamcinolone nasal", "beclomethasone nasal", "beclometasone nasal", "ciclesonide", "flonase", "flixonase", "avamys", "veramyst",
                    "nasonex", "nasacort", "rhinocort", "beconase", "qnasl", "omnaris", "zetonna", "dymista", "afrin", "otrivin",
                ],
                severity: .reminder, effect: "Give ≥1 h before Spravato", action: "Schedule reminder", appliesTo: [.esketamine],
                source: "DOMAIN.md §3.4 [Spravato USPI §2]", provenance: .sourced("Spravato USPI §2")
            ),
        ],
        // DESIGN DEFAULT (issue #10): common drugs none of the rows above names; a whole entry made of these reads
        // "no interaction class" instead of "class unknown — review". Short on purpose; the clinic reviews it.
        noInteractionClass: Sourced(
            [
                "sertraline", "zoloft", "lustral", "escitalopram", "lexapro", "cipralex", "citalopram", "celexa", "cipramil", "fluoxetine",
                "prozac", "venlafaxine", "effexor", "desvenlafaxine", "pristiq", "duloxetine", "cymbalta", "bupropion", "wellbutrin", "zyban",
                "mirtazapine", "remeron", "zispin", "vortioxetine", "trintellix", "brintellix", "metformin", "glucophage", "levothyroxine",
                "synthroid", "eltroxin", "euthyrox", "lisinopril", "amlodipine", "norvasc", "atorvastatin", "lipitor", "rosuvastatin", "crestor",
                "omeprazole", "prilosec", "losec", "pantoprazole", "losartan", "hydrochlorothiazide", "vitamin d", "cholecalciferol",
                "colecalciferol", "ergocalciferol", "acetaminophen", "paracetamol", "ibuprofen", "folic acid", "multivitamin",
            ],
            .designDefault
        )
    )
}
