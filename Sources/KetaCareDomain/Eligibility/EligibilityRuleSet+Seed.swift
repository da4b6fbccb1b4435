import Foundation

extension EligibilityRuleSet {
    private static let both = ProductFamily.allCases
    private static let esketamineOnly: [ProductFamily] = [.esketamine]
    private static let racemicOnly: [ProductFamily] = [.racemicKetamine]

    /// The rules KetaCare ships with, one per row of DOMAIN.md §3.2, §3.3 and §3.5, plus §3.6 completeness checks.
    public static let seed = EligibilityRuleSet(
        version: 1,
        // DOMAIN.md does not define TRD; ≥2 failed adequate trials in the current episode is the Spravato trials' convention.
        treatmentResistanceMinimumFailedTrials: Sourced(2, .unconfirmed),
        rules: absoluteRules + relativeRules + bloodPressureRules + completenessRules
    )

    // DOMAIN.md §3.2: absolute contraindications, not overridable by default.
    private static let absoluteRules: [EligibilityRule] = [
        EligibilityRule(
            id: "abs.aneurysm-avm.esketamine", title: "Aneurysmal vascular disease or arteriovenous malformation", severity: .absolute,
            overridable: false, appliesTo: esketamineOnly,
            condition: .anyFlag([.aneurysmalVascularDisease, .arteriovenousMalformation]), action: "Do not treat (hard stop)",
            source: "DOMAIN.md §3.2 [Spravato USPI §4]", provenance: .sourced("Spravato USPI §4")
        ),
        EligibilityRule(
            id: "abs.aneurysm-avm.racemic", title: "Aneurysmal vascular disease or arteriovenous malformation", severity: .absolute,
            overridable: false, appliesTo: racemicOnly,
            condition: .anyFlag([.aneurysmalVascularDisease, .arteriovenousMalformation]), action: "Do not treat (hard stop; same pressor effect)",
            source: "DOMAIN.md §3.2 (DESIGN DEFAULT: racemic too)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "abs.intracerebral-hemorrhage.esketamine", title: "History of intracerebral hemorrhage", severity: .absolute,
            overridable: false, appliesTo: esketamineOnly, condition: .anyFlag([.intracerebralHemorrhage]), action: "Do not treat (hard stop)",
            source: "DOMAIN.md §3.2 [Spravato USPI §4]", provenance: .sourced("Spravato USPI §4")
        ),
        EligibilityRule(
            id: "abs.intracerebral-hemorrhage.racemic", title: "History of intracerebral hemorrhage", severity: .absolute,
            overridable: false, appliesTo: racemicOnly, condition: .anyFlag([.intracerebralHemorrhage]), action: "Do not treat (hard stop)",
            source: "DOMAIN.md §3.2 (DESIGN DEFAULT: racemic too)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "abs.hypersensitivity", title: "Hypersensitivity to esketamine, ketamine or an excipient", severity: .absolute,
            overridable: false, appliesTo: both,
            condition: .anyFlag([.hypersensitivityToKetamine, .hypersensitivityToEsketamine, .hypersensitivityToExcipient]),
            action: "Do not treat (hard stop)", source: "DOMAIN.md §3.2 [Spravato USPI §4]; [Ketalar USPI] (secondary)",
            provenance: .sourced("Spravato USPI §4; Ketalar USPI (secondary)")
        ),
        EligibilityRule(
            id: "abs.bp-rise-hazard", title: "A significant rise in blood pressure would be a serious hazard", severity: .absolute,
            overridable: false, appliesTo: racemicOnly, condition: .anyFlag([.bloodPressureRiseHazard]), action: "Do not treat (hard stop)",
            source: "DOMAIN.md §3.2 [Ketalar USPI §4] (secondary)", provenance: .sourced("Ketalar USPI §4 (secondary)")
        ),
    ]

    // DOMAIN.md §3.3: relative contraindications and warnings; "hard stop by default" rows are absolute but overridable.
    private static let relativeRules: [EligibilityRule] = [
        EligibilityRule(
            id: "rel.cardiovascular-risk", title: "Cardiovascular or cerebrovascular condition where a BP or ICP rise poses risk",
            severity: .relative, overridable: true,
            condition: .anyFlag([.uncontrolledHypertension, .heartFailure, .valvularDisease, .raisedIntracranialPressure]),
            action: "Acknowledge; consider cardiology clearance",
            source: "DOMAIN.md §3.3 [Spravato USPI W&P: Increase in BP] (example list UNCONFIRMED)", provenance: .unconfirmed
        ),
        EligibilityRule(
            id: "rel.recent-mi", title: "Recent myocardial infarction", severity: .relative, overridable: true,
            condition: .eventWithin(.myocardialInfarction, days: 90), action: "Acknowledge; consider cardiology clearance",
            source: "DOMAIN.md §3.3 (\"recent MI\"; the 90-day window is a DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "rel.recent-stroke", title: "Recent stroke", severity: .relative, overridable: true,
            condition: .eventWithin(.stroke, days: 90), action: "Acknowledge; consider specialist clearance",
            source: "DOMAIN.md §3.3 (cerebrovascular condition; the 90-day window is a DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "rel.hypertensive-encephalopathy", title: "History of hypertensive encephalopathy", severity: .relative, overridable: true,
            condition: .anyFlag([.hypertensiveEncephalopathy]), action: "Acknowledge; more intensive BP monitoring flag",
            source: "DOMAIN.md §3.3 [Spravato USPI W&P]", provenance: .sourced("Spravato USPI W&P")
        ),
        EligibilityRule(
            id: "rel.psychosis", title: "Psychosis (current or history)", severity: .relative, overridable: true,
            condition: .anyFlag([.currentPsychosis, .psychosisHistory]), action: "Acknowledge; treat only if benefit outweighs risk",
            source: "DOMAIN.md §3.3 [Spravato USPI W&P Dissociation]", provenance: .sourced("Spravato USPI W&P Dissociation")
        ),
        EligibilityRule(
            id: "rel.mania-bipolar", title: "History of mania or bipolar disorder", severity: .relative, overridable: true,
            condition: .anyFlag([.maniaOrBipolarHistory]), action: "Acknowledge; review psychiatric history",
            source: "DOMAIN.md §3.6 (bipolar history is intake data; severity DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "rel.substance-use", title: "Substance use disorder or abuse risk (including prior ketamine/PCP misuse)", severity: .relative,
            overridable: true, condition: .anyFlag([.substanceUseDisorder, .ketamineMisuse, .pcpMisuse]),
            action: "Document abuse-risk assessment; monitor",
            source: "DOMAIN.md §3.3 [Spravato USPI W&P Abuse and Misuse]; [Sanacora 2017] (details UNCONFIRMED)",
            provenance: .sourced("Spravato USPI W&P Abuse and Misuse")
        ),
        EligibilityRule(
            id: "info.hepatic-moderate", title: "Moderate hepatic impairment (Child-Pugh B)", severity: .info, overridable: true,
            appliesTo: esketamineOnly, condition: .childPugh([.b]), action: "Extend monitoring period flag",
            source: "DOMAIN.md §3.3 [Spravato USPI Hepatic impairment]", provenance: .sourced("Spravato USPI Hepatic impairment")
        ),
        EligibilityRule(
            id: "abs.hepatic-severe.esketamine", title: "Severe hepatic impairment (Child-Pugh C)", severity: .absolute, overridable: true,
            appliesTo: esketamineOnly, condition: .childPugh([.c]), action: "Esketamine not recommended; hard stop by default",
            source: "DOMAIN.md §3.3 [Spravato USPI]", provenance: .sourced("Spravato USPI")
        ),
        EligibilityRule(
            id: "abs.pregnancy", title: "Pregnancy", severity: .absolute, overridable: true, overrideAuthority: .medicalDirector,
            condition: .anyFlag([.pregnant]), action: "Not recommended; hard stop by default (overridable by medical director only)",
            source: "DOMAIN.md §3.3 [Spravato USPI W&P Embryo-fetal toxicity]", provenance: .sourced("Spravato USPI W&P Embryo-fetal toxicity")
        ),
        EligibilityRule(
            id: "rel.breastfeeding", title: "Breastfeeding", severity: .relative, overridable: true, condition: .anyFlag([.breastfeeding]),
            action: "Not recommended; acknowledge", source: "DOMAIN.md §3.3 [Spravato USPI Lactation]",
            provenance: .sourced("Spravato USPI Lactation")
        ),
        EligibilityRule(
            id: "info.pregnancy-potential", title: "Could become pregnant", severity: .info, overridable: true,
            condition: .anyFlag([.couldBecomePregnant]), action: "Counsel on contraception; pregnancy test before induction (DESIGN DEFAULT)",
            source: "DOMAIN.md §3.3 [Spravato USPI] (test policy UNCONFIRMED)", provenance: .unconfirmed
        ),
        EligibilityRule(
            id: "rel.suicidal-ideation", title: "Active suicidal ideation (PHQ-9 item 9)", severity: .relative, overridable: true,
            condition: .phq9Item9AtLeast(1), action: "Not a contraindication; C-SSRS and clinician risk review required before dosing",
            source: "DOMAIN.md §3.3 [Spravato USPI boxed warning]; §1.2 safety item", provenance: .sourced("Spravato USPI boxed warning")
        ),
        EligibilityRule(
            id: "rel.cssrs-high", title: "C-SSRS high risk", severity: .relative, overridable: true, condition: .cssrsRiskAtLeast(.high),
            action: "Same-day psychiatric evaluation; no dosing today (clinic-configured action)",
            source: "DOMAIN.md §1.9 (triage mapping UNCONFIRMED); §3.3", provenance: .unconfirmed
        ),
        EligibilityRule(
            id: "info.urinary", title: "Urinary tract symptoms or interstitial/ulcerative cystitis", severity: .info, overridable: true,
            condition: .anyFlag([.urinarySymptoms, .cystitis]), action: "Ask at baseline and periodically",
            source: "DOMAIN.md §3.3 [Spravato USPI W&P Ulcerative or interstitial cystitis]", provenance: .sourced("Spravato USPI W&P Cystitis")
        ),
        EligibilityRule(
            id: "info.cognitive", title: "Cognitive impairment concerns", severity: .info, overridable: true,
            condition: .anyFlag([.cognitiveImpairment]), action: "Baseline note",
            source: "DOMAIN.md §3.3 [Spravato USPI W&P Cognitive impairment]", provenance: .sourced("Spravato USPI W&P Cognitive impairment")
        ),
        EligibilityRule(
            id: "abs.no-escort", title: "No safe transport home or no escort", severity: .absolute, overridable: false,
            condition: .anyFlag([.noEscort]), action: "Hard stop for dosing until arranged",
            source: "DOMAIN.md §3.3 [Spravato USPI: no driving until the next day] (DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "abs.age-under-18.esketamine", title: "Age under 18", severity: .absolute, overridable: true, appliesTo: esketamineOnly,
            condition: .ageBelow(years: 18), action: "Esketamine not approved in paediatrics; hard stop by default",
            source: "DOMAIN.md §3.3 [Spravato USPI]", provenance: .sourced("Spravato USPI")
        ),
        EligibilityRule(
            id: "info.age-65-plus", title: "Age 65 or over", severity: .info, overridable: true, appliesTo: esketamineOnly,
            condition: .ageAtLeast(years: 65), action: "US label uses the same dosing; EU/HK labels start at 28 mg (§4.4)",
            source: "DOMAIN.md §3.3 [MIMS HK SmPC] (US geriatric statement UNCONFIRMED)", provenance: .unconfirmed
        ),
        EligibilityRule(
            id: "rel.raised-intraocular-pressure", title: "Raised intraocular pressure", severity: .relative, overridable: true,
            condition: .anyFlag([.raisedIntraocularPressure]), action: "Acknowledge",
            source: "Issue #4 intake list; not in DOMAIN.md §3 (DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "info.seizures", title: "Seizure disorder", severity: .info, overridable: true, condition: .anyFlag([.seizureDisorder]),
            action: "Note for the prescriber", source: "Issue #4 intake list; not in DOMAIN.md §3 (DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "info.prior-ketamine", title: "Prior ketamine treatment", severity: .info, overridable: true,
            condition: .anyFlag([.priorKetamineTreatment]), action: "Review prior response to ketamine",
            source: "DOMAIN.md §3.3 [Sanacora 2017] (wording UNCONFIRMED); §3.6", provenance: .unconfirmed
        ),
        EligibilityRule(
            id: "info.esketamine-trd-not-met", title: "Spravato TRD indication not met", severity: .info, overridable: true,
            appliesTo: esketamineOnly, condition: .notTreatmentResistant, action: "Check the indication before esketamine",
            source: "DOMAIN.md §3.1 [Spravato USPI]; TRD threshold not defined in DOMAIN.md", provenance: .unconfirmed
        ),
        EligibilityRule(
            id: "info.esketamine-off-label", title: "No depressive-disorder diagnosis for esketamine", severity: .info, overridable: true,
            appliesTo: esketamineOnly, condition: .noDepressiveDiagnosis,
            action: "Spravato is not approved for anxiety disorders; use is off-label",
            source: "DOMAIN.md §3.1 [Spravato USPI]", provenance: .sourced("Spravato USPI")
        ),
    ]

    // DOMAIN.md §3.5 and Appendix B `eligibility.bp.preDose.*`: the three BP tiers; only the highest that fires is shown.
    private static let bloodPressureRules: [EligibilityRule] = [
        EligibilityRule(
            id: "bp.warn", title: "Baseline BP above 140/90", severity: .relative, overridable: true,
            condition: .bloodPressure(.above, systolic: 140, diastolic: 90),
            action: "Weigh the risk of short-term BP rise against benefit; consider delaying. Prescriber acknowledges.",
            supersededBy: ["bp.hold", "bp.block"], source: "DOMAIN.md §3.5 [Spravato USPI §2 / W&P]", provenance: .sourced("Spravato USPI §2 / W&P")
        ),
        EligibilityRule(
            id: "bp.hold", title: "Baseline BP at or above 160/100", severity: .absolute, overridable: true,
            condition: .bloodPressure(.atLeast, systolic: 160, diastolic: 100),
            action: "Hold: repeat after 5–10 min rest; dosing needs a prescriber override with a reason", supersededBy: ["bp.block"],
            source: "DOMAIN.md §3.5 (DESIGN DEFAULT anchored on CTCAE v5.0 Grade 3)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "bp.block", title: "Baseline BP at or above 180/110", severity: .absolute, overridable: true, overrideAuthority: .medicalDirector,
            condition: .bloodPressure(.atLeast, systolic: 180, diastolic: 110), action: "Block dosing today (medical-director override only)",
            source: "DOMAIN.md §3.5 (DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "info.heart-rate", title: "Baseline heart rate above 110", severity: .info, overridable: true,
            condition: .heartRate(.above, bpm: 110), action: "Placeholder pre-dose limit attributed to Sanacora 2017",
            source: "DOMAIN.md §3.3, Appendix A.1 (UNCONFIRMED)", provenance: .unconfirmed
        ),
    ]

    // DOMAIN.md §3.6 and §4.6: the data the other rules need must be present and current.
    private static let completenessRules: [EligibilityRule] = [
        EligibilityRule(
            id: "rel.no-baseline-vitals", title: "No baseline vital signs", severity: .relative, overridable: true,
            condition: .missing(.baselineVitals), action: "Record baseline BP and heart rate; the BP rules cannot run without them",
            source: "DOMAIN.md §3.5, §3.6 (DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "info.no-body-measures", title: "No weight and height", severity: .info, overridable: true, condition: .missing(.bodyMeasures),
            action: "Weigh and measure before weight-based dosing", source: "DOMAIN.md §3.6, §4.6", provenance: .designDefault
        ),
        EligibilityRule(
            id: "info.weight-stale", title: "Weight older than 30 days", severity: .info, overridable: true,
            condition: .bodyMeasuresOlderThan(days: 30), action: "Re-weigh before dosing",
            source: "DOMAIN.md §4.6, Appendix B dosing.weightMaxAgeDays (DESIGN DEFAULT)", provenance: .designDefault
        ),
        EligibilityRule(
            id: "info.bmi-over-30", title: "BMI above 30", severity: .info, overridable: true, condition: .bmi(.above, kgPerM2: 30),
            action: "Consider the clinic's weight basis (ideal or adjusted body weight)",
            source: "DOMAIN.md §3.3, §4.6, Appendix A.1–2 (UNCONFIRMED)", provenance: .unconfirmed
        ),
        EligibilityRule(
            id: "info.no-suicide-screen", title: "No suicide-risk screen", severity: .info, overridable: true,
            condition: .missing(.suicideRiskScreen), action: "Give PHQ-9 (item 9) or the C-SSRS screener",
            source: "DOMAIN.md §3.6, §1.2, §1.9 (DESIGN DEFAULT)", provenance: .designDefault
        ),
    ]
}
