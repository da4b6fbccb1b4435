// MARK: - Seed data (PK.md §0–§3); every value cites its PK.md marker.

extension PKModel {
    /// Fanta 2015 S-ketamine disposition as fixed in Otto 2021, with Otto's norketamine (PK.md §2.1). The IV default.
    public static let fantaOtto2021 = PKModel(
        id: "fanta-otto-2021",
        name: "Fanta 2015 / Otto 2021 three-compartment (venous)",
        analyte: "ketamine",
        sampling: .venous,
        structure: .mammillary(
            MammillaryModel(
                parameters: .clearances(
                    ClearanceParameters(
                        timeUnit: .hour,
                        centralVolumeL: 133,
                        clearance: 95.2,
                        peripherals: [PeripheralCompartment(volumeL: 187, clearance: 23.2), PeripheralCompartment(volumeL: 98.8, clearance: 157)],
                        scaling: .ottoAsRun
                    )
                ),
                metabolite: MetaboliteModel(
                    analyte: "norketamine",
                    fractionFormed: 1,
                    disposition: ClearanceParameters(
                        timeUnit: .hour,
                        centralVolumeL: 98.6,
                        clearance: 57.7,
                        peripherals: [PeripheralCompartment(volumeL: 160, clearance: 42.8)],
                        scaling: .ottoAsRun
                    ),
                    citation: PKCitation("Otto 2021, Eur J Clin Pharmacol 77:1181, Table 3", evidence: .code, section: "PK.md §2.1, §4")
                )
            )
        ),
        citation: PKCitation(
            "Fanta 2015, Eur J Clin Pharmacol 71:441; Otto 2021, Eur J Clin Pharmacol 77:1181 (nlmixr2lib Otto_2021_s_ketamine.R)",
            evidence: .verified,
            section: "PK.md §0, §2.1"
        )
    )

    /// Domino constants as coded in opentiva (arterial/early-peak option; PK.md §1.1).
    public static let domino = PKModel(
        id: "domino",
        name: "Domino (opentiva), arterial-like",
        analyte: "ketamine",
        sampling: .arterial,
        structure: .mammillary(
            MammillaryModel(
                parameters: .microConstants(
                    MicroConstantParameters(centralVolumeLPerKg: 0.063, k10: 0.4381, k12: 0.5921, k21: 0.2470, k13: 0.5900, k31: 0.0146)))
        ),
        citation: PKCitation("opentiva/ketamine.py Domino (PMID 7198883, unverified)", evidence: .code, section: "PK.md §1.1")
    )

    /// Clements & Nimmo 1981 250 µg/kg two-compartment constants as coded in opentiva (PK.md §1.1).
    public static let clements250 = PKModel(
        id: "clements-250",
        name: "Clements 250 µg/kg (opentiva)",
        analyte: "ketamine",
        sampling: .venous,
        structure: .mammillary(
            MammillaryModel(
                parameters: .microConstants(MicroConstantParameters(centralVolumeLPerKg: 1.7522, k10: 0.0109, k12: 0.0186, k21: 0.0137))
            )
        ),
        citation: PKCitation("Clements & Nimmo, BJA 1981;53:27 via opentiva/ketamine.py", evidence: .code, section: "PK.md §1.1")
    )

    /// Hijazi 2003 two-compartment constants as coded in opentiva (k21 looks suspect; PK.md §1.1, §1.3).
    public static let hijazi = PKModel(
        id: "hijazi",
        name: "Hijazi 2003 (opentiva)",
        analyte: "ketamine",
        sampling: .venous,
        structure: .mammillary(
            MammillaryModel(parameters: .microConstants(MicroConstantParameters(centralVolumeLPerKg: 1.08, k10: 0.0333, k12: 0.0088, k21: 0.0030)))),
        citation: PKCitation("Hijazi, BJA 2003 (doi 10.1093/bja/aeg028) via opentiva/ketamine.py", evidence: .code, section: "PK.md §1.1")
    )

    /// Simons 2022 S-ketamine disposition (arterial), IV part only (PK.md §2.3).
    public static let simons2022 = PKModel(
        id: "simons-2022",
        name: "Simons 2022 S-ketamine disposition (arterial)",
        analyte: "ketamine",
        sampling: .arterial,
        structure: .mammillary(
            MammillaryModel(
                parameters: .clearances(
                    ClearanceParameters(
                        timeUnit: .minute,
                        centralVolumeL: 11.6,
                        clearance: 1.48,
                        peripherals: [PeripheralCompartment(volumeL: 39.0, clearance: 2.43), PeripheralCompartment(volumeL: 174, clearance: 1.21)],
                        scaling: .standard
                    )
                )
            )
        ),
        citation: PKCitation(
            "Simons 2022, Front Pain Res 3:946486, Table 4 (nlmixr2lib Simons_2022_s_ketamine.R)", evidence: .code, section: "PK.md §2.3")
    )

    /// Perez-Ruixo 2021 esketamine nasal spray popPK (PK.md §2.4). The Spravato default.
    public static let perezRuixo2021 = PKModel(
        id: "perez-ruixo-2021",
        name: "Perez-Ruixo 2021 esketamine popPK (hepato-portal)",
        analyte: "esketamine",
        sampling: .venous,
        structure: .hepatoPortalEsketamine(.perezRuixo2021),
        citation: PKCitation(
            "Perez-Ruixo 2021, Clin Pharmacokinet 60:501, Table 3 (nlmixr2lib PerezRuixo_2020_esketamine.R)",
            evidence: .code,
            section: "PK.md §2.4"
        )
    )
}

private let s2RKetamineCaveat =
    "The IV default is an S-ketamine model applied to racemic ketamine; R-ketamine clearance is about 15% lower, "
    + "so expect it to run somewhat low (PK.md §7.1)."
private let patientsCaveat =
    "Population model from healthy volunteers: expect ±30–50% between patients; show a band, not a line (PK.md §7.2, §6.3)."
private let otto2021NorketamineCaveat = "Norketamine is Otto 2021's metabolite sub-model (fm = 1), in the model's mass units (PK.md §4)."
private let noEffectCaveat = "Concentrations do not predict clinical effect (PK.md §7.7)."

extension PKModelCatalog {
    /// PK.md §0 recommended defaults.
    public static let seed = PKModelCatalog(
        models: [.fantaOtto2021, .domino, .clements250, .hijazi, .simons2022, .perezRuixo2021],
        routes: [
            PKRouteDefault(
                route: .intravenous,
                modelID: "fanta-otto-2021",
                alternativeModelIDs: ["domino", "clements-250", "hijazi", "simons-2022"],
                showsMetabolite: true,
                caveats: [
                    s2RKetamineCaveat, patientsCaveat, noEffectCaveat,
                    otto2021NorketamineCaveat,
                ]
            ),
            PKRouteDefault(
                route: .intramuscular,
                modelID: "fanta-otto-2021",
                absorption: FirstOrderAbsorption(
                    bioavailability: 0.93,
                    bioavailabilitySource: PKCitation("Clements 1982 (as widely cited)", evidence: .verified, section: "PK.md §3"),
                    kaPerMinute: 0.10,
                    kaSource: PKCitation("placeholder; replace with Abuhelwa 2022", evidence: .assumption, section: "PK.md §0")
                ),
                showsMetabolite: false,
                caveats: [
                    "IM absorption rate is a placeholder: no verified IM concentration data (PK.md §7.5).", s2RKetamineCaveat, patientsCaveat,
                    noEffectCaveat,
                ]
            ),
            PKRouteDefault(
                route: .subcutaneous,
                modelID: "fanta-otto-2021",
                absorption: FirstOrderAbsorption(
                    bioavailability: 0.90,
                    bioavailabilitySource: PKCitation("placeholder; replace with Abuhelwa 2022", evidence: .assumption, section: "PK.md §0, §3"),
                    kaPerMinute: 0.05,
                    kaSource: PKCitation("placeholder; replace with Abuhelwa 2022", evidence: .assumption, section: "PK.md §0")
                ),
                showsMetabolite: false,
                caveats: [
                    "SC bioavailability and absorption rate are placeholders: no verified SC data (PK.md §7.5).", s2RKetamineCaveat, patientsCaveat,
                    noEffectCaveat,
                ]
            ),
            PKRouteDefault(
                route: .oral,
                modelID: "fanta-otto-2021",
                absorption: FirstOrderAbsorption(
                    bioavailability: 0.20,
                    bioavailabilitySource: PKCitation("Yanagihara 2003 ≈20% (Clements 1982: 17%)", evidence: .verified, section: "PK.md §0, §3"),
                    kaPerMinute: 0.05,
                    kaSource: PKCitation("placeholder", evidence: .assumption, section: "PK.md §0")
                ),
                showsMetabolite: false,
                caveats: [
                    "After oral dosing norketamine exposure is many times the ketamine exposure (Fanta: AUC 16.5×) and is not shown (PK.md §4).",
                    "Oral absorption constants are placeholders: highest uncertainty of all routes (PK.md §0).", s2RKetamineCaveat, patientsCaveat,
                    noEffectCaveat,
                ]
            ),
            PKRouteDefault(
                route: .sublingual,
                modelID: "fanta-otto-2021",
                absorption: FirstOrderAbsorption(
                    bioavailability: 0.29,
                    bioavailabilitySource: PKCitation(
                        "Rolan 2014, Br J Clin Pharmacol 77:1011 (90% CI 27–31%)", evidence: .verified, section: "PK.md §0, §3"),
                    kaPerMinute: 0.03,
                    kaSource: PKCitation("chosen to give Rolan 2014's median Tmax 0.75 h", evidence: .assumption, section: "PK.md §0")
                ),
                showsMetabolite: false,
                caveats: [
                    "Fitted to a 25 mg wafer; troches and lozenges will differ (PK.md §0).",
                    "Swallowed drug forms norketamine on first pass, which is not shown (PK.md §4).", s2RKetamineCaveat, patientsCaveat,
                    noEffectCaveat,
                ]
            ),
            PKRouteDefault(
                route: .intranasalEsketamine,
                modelID: "perez-ruixo-2021",
                nasalDevice: DrugLibrary.spravatoDevice,
                showsMetabolite: true,
                caveats: [
                    "One 28 mg device every 5 min; later devices absorb 0.62× as much through the nose (PK.md §2.4).",
                    "Noresketamine AUC is over-predicted about 1.4–1.6× although its peak matches (PK.md §2.4).", patientsCaveat, noEffectCaveat,
                ]
            ),
            PKRouteDefault(
                route: .intravenousEsketamine,
                modelID: "fanta-otto-2021",
                alternativeModelIDs: ["perez-ruixo-2021", "simons-2022"],
                showsMetabolite: true,
                caveats: [
                    patientsCaveat, noEffectCaveat, otto2021NorketamineCaveat,
                ]
            ),
        ]
    )
}
