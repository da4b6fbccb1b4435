public import Foundation

/// Which discharge score the clinic uses (DOMAIN.md §7.2–7.3; Appendix B `discharge.score`).
public enum DischargeInstrument: String, Codable, Sendable, CaseIterable {
    /// Modified Aldrete (Aldrete 1995).
    case aldrete
    /// PADSS (Chung 1995).
    case padss
}

/// The modified Aldrete score from its five items, each 0–2 (DOMAIN.md §7.2).
public struct ModifiedAldrete: Codable, Sendable, Equatable {
    /// Activity: 2 moves 4 extremities, 1 moves 2, 0 moves none.
    public var activity: Int
    /// Respiration: 2 breathes deeply and coughs, 1 dyspnoea, 0 apnoeic.
    public var respiration: Int
    /// Circulation vs pre-procedure BP: 2 within ±20%, 1 20–49%, 0 ≥50% (see ``circulationItem(preDoseSystolic:systolic:rule:)``).
    public var circulation: Int
    /// Consciousness: 2 fully awake, 1 arousable on calling, 0 not responding.
    public var consciousness: Int
    /// SpO2: 2 >92% on room air, 1 needs O2 to keep >90%, 0 <90% even with O2.
    public var spo2: Int

    /// The highest total: five items of 0–2 (DOMAIN.md §7.2).
    public static let maximum = 10

    /// A score from item values; throws naming the first item outside 0–2.
    public init(activity: Int, respiration: Int, circulation: Int, consciousness: Int, spo2: Int) throws(SessionError) {
        for (name, value) in [
            ("activity", activity), ("respiration", respiration), ("circulation", circulation),
            ("consciousness", consciousness), ("spo2", spo2),
        ] {
            try DischargeScoreItems.check("aldrete.\(name)", value)
        }
        self.activity = activity
        self.respiration = respiration
        self.circulation = circulation
        self.consciousness = consciousness
        self.spo2 = spo2
    }

    /// The total, 0–10.
    public var total: Int { activity + respiration + circulation + consciousness + spo2 }

    /// The circulation item from the pre-dose and current systolic pressure, in the clinic's percent or mmHg form (§7.2).
    /// The SpO2 item from the reading and whether the patient was on supplemental oxygen (DOMAIN.md §7.2): 2 = maintains
    /// >92% on room air; 1 = needs oxygen to keep >90% (or 90–92% on room air); 0 = <90% even with oxygen.
    public static func spo2Item(spo2: Int, onSupplementalOxygen: Bool) -> Int {
        if spo2 < 90 { return 0 }
        if !onSupplementalOxygen && spo2 > 92 { return 2 }
        return 1
    }

    public static func circulationItem(preDoseSystolic: Int, systolic: Int, rule: AldreteCirculationRule) -> Int {
        let change = Decimal(abs(systolic - preDoseSystolic))
        let measure: Decimal
        switch rule.form {
        case .percent: measure = preDoseSystolic > 0 ? change * 100 / Decimal(preDoseSystolic) : change
        case .mmHg: measure = change
        }
        if measure <= rule.fullScoreMax { return 2 }
        if measure < rule.zeroScoreFrom { return 1 }
        return 0
    }
}

/// How the Aldrete circulation item is measured (DOMAIN.md §7.2: both forms circulate; DESIGN DEFAULT percent).
public struct AldreteCirculationRule: Codable, Sendable, Equatable {
    /// Percent of the pre-dose value, or mmHg.
    public enum Form: String, Codable, Sendable {
        /// ±% of the pre-procedure value.
        case percent
        /// ±mmHg from the pre-procedure value.
        case mmHg = "mmhg"
    }

    /// The form.
    public var form: Form
    /// A change up to and including this scores 2 (20).
    public var fullScoreMax: Decimal
    /// A change from this upward scores 0 (50); between the two scores 1.
    public var zeroScoreFrom: Decimal
    /// Where it came from.
    public var provenance: Provenance

    /// Creates a rule.
    public init(form: Form, fullScoreMax: Decimal, zeroScoreFrom: Decimal, provenance: Provenance) {
        self.form = form
        self.fullScoreMax = fullScoreMax
        self.zeroScoreFrom = zeroScoreFrom
        self.provenance = provenance
    }
}

/// PADSS from its items, each 0–2 (DOMAIN.md §7.3).
public struct PADSS: Codable, Sendable, Equatable {
    /// Vital signs vs pre-procedure: within 20% = 2; 20–40% = 1; >40% = 0.
    public var vitalSigns: Int
    /// Activity and mental status: oriented ×3 and steady gait = 2; partial = 1; neither = 0.
    public var activityMentalStatus: Int
    /// Pain, nausea and vomiting.
    public var painNauseaVomiting: Int
    /// Surgical bleeding: scored 2 as "N/A" only when the clinic enables that (unvalidated) adaptation.
    public var surgicalBleeding: Int
    /// Intake and output; `nil` for the modified PADSS that drops it.
    public var intakeOutput: Int?

    /// A score from item values under the clinic's PADSS settings; throws naming the first invalid or missing item.
    public init(
        vitalSigns: Int, activityMentalStatus: Int, painNauseaVomiting: Int, surgicalBleeding: Int?, intakeOutput: Int?, rules: PADSSRules
    ) throws(SessionError) {
        try DischargeScoreItems.check("padss.vital_signs", vitalSigns)
        try DischargeScoreItems.check("padss.activity_mental_status", activityMentalStatus)
        try DischargeScoreItems.check("padss.pain_nausea_vomiting", painNauseaVomiting)
        switch (surgicalBleeding, rules.bleedingNotApplicableScoresTwo.value) {
        case (let value?, _):
            try DischargeScoreItems.check("padss.surgical_bleeding", value)
            self.surgicalBleeding = value
        case (nil, true): self.surgicalBleeding = 2
        case (nil, false):
            throw SessionError.missing(field: "padss.surgical_bleeding", what: "score 0–2 (the N/A = 2 adaptation is switched off)")
        }
        switch (intakeOutput, rules.includesIntakeOutput.value) {
        case (let value?, true):
            try DischargeScoreItems.check("padss.intake_output", value)
            self.intakeOutput = value
        case (nil, true): throw SessionError.missing(field: "padss.intake_output", what: "score 0–2")
        case (_?, false):
            throw SessionError(
                .outOfRange, field: "padss.intake_output", message: "padss.intake_output is not scored in the modified PADSS; leave it empty")
        case (nil, false): self.intakeOutput = nil
        }
        self.vitalSigns = vitalSigns
        self.activityMentalStatus = activityMentalStatus
        self.painNauseaVomiting = painNauseaVomiting
    }

    /// The total (0–10, or 0–8 for the modified PADSS).
    public var total: Int { vitalSigns + activityMentalStatus + painNauseaVomiting + surgicalBleeding + (intakeOutput ?? 0) }

    /// The vital-signs item from the pre-dose and latest sets (DOMAIN.md §7.3: within 20% of pre-procedure = 2; 20–40% = 1;
    /// >40% = 0): the larger change of systolic pressure and pulse, as PADSS scores "BP and pulse". Without both sets the
    /// item cannot be shown to be met and scores 0.
    public static func vitalSignsItem(preDose: VitalSigns?, latest: VitalSigns?, rule: PADSSVitalSignsRule) -> Int {
        guard let preDose, let latest else { return 0 }
        func percentChange(_ before: Int, _ now: Int) -> Decimal {
            before > 0 ? Decimal(abs(now - before)) * 100 / Decimal(before) : (now == before ? 0 : 100)
        }
        let change = max(percentChange(preDose.systolic, latest.systolic), percentChange(preDose.heartRate, latest.heartRate))
        if change <= rule.fullScoreMaxPercent.value { return 2 }
        if change <= rule.oneScoreMaxPercent.value { return 1 }
        return 0
    }
}

/// The PADSS vital-signs bands (DOMAIN.md §7.3 [Chung 1995]): change from pre-procedure, in percent.
public struct PADSSVitalSignsRule: Codable, Sendable, Equatable {
    /// A change up to and including this scores 2 (20%).
    public var fullScoreMaxPercent: Sourced<Decimal>
    /// A change above the first band up to and including this scores 1 (40%); above it scores 0.
    public var oneScoreMaxPercent: Sourced<Decimal>

    /// Creates the bands.
    public init(fullScoreMaxPercent: Sourced<Decimal>, oneScoreMaxPercent: Sourced<Decimal>) {
        self.fullScoreMaxPercent = fullScoreMaxPercent
        self.oneScoreMaxPercent = oneScoreMaxPercent
    }

    /// DOMAIN.md §7.3: within 20% = 2; 20–40% = 1; >40% = 0.
    public static let seed = PADSSVitalSignsRule(
        fullScoreMaxPercent: Sourced(20, .sourced("DOMAIN.md §7.3 [Chung 1995]")),
        oneScoreMaxPercent: Sourced(40, .sourced("DOMAIN.md §7.3 [Chung 1995]")))
}

/// The clinic's PADSS variant (DOMAIN.md §7.3).
public struct PADSSRules: Codable, Sendable, Equatable {
    /// Whether intake/output is scored (original PADSS) or dropped (modified PADSS).
    public var includesIntakeOutput: Sourced<Bool>
    /// Whether a blank surgical-bleeding item counts as N/A = 2 (unvalidated adaptation; off by default).
    public var bleedingNotApplicableScoresTwo: Sourced<Bool>
    /// How the vital-signs item is banded.
    public var vitalSigns: PADSSVitalSignsRule

    /// Creates PADSS rules.
    public init(
        includesIntakeOutput: Sourced<Bool>, bleedingNotApplicableScoresTwo: Sourced<Bool>, vitalSigns: PADSSVitalSignsRule = .seed
    ) {
        self.includesIntakeOutput = includesIntakeOutput
        self.bleedingNotApplicableScoresTwo = bleedingNotApplicableScoresTwo
        self.vitalSigns = vitalSigns
    }

    private enum CodingKeys: String, CodingKey {
        case includesIntakeOutput, bleedingNotApplicableScoresTwo, vitalSigns
    }

    /// Decodes stored rules; a policy stored before the vital-signs bands were data gets the §7.3 seed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        includesIntakeOutput = try c.decode(Sourced<Bool>.self, forKey: .includesIntakeOutput)
        bleedingNotApplicableScoresTwo = try c.decode(Sourced<Bool>.self, forKey: .bleedingNotApplicableScoresTwo)
        vitalSigns = try c.decodeIfPresent(PADSSVitalSignsRule.self, forKey: .vitalSigns) ?? .seed
    }

    /// The highest total the variant can reach (DOMAIN.md §7.3): five items of 0–2 = 10 for the original PADSS, four = 8
    /// for the modified PADSS without intake/output. The N/A = 2 adaptation scores surgical bleeding for the clinic; it
    /// keeps the item, so it does not change the maximum.
    public var maximum: Int { (includesIntakeOutput.value ? 5 : 4) * DischargeScoreItems.range.upperBound }

    /// "PADSS" or "modified PADSS".
    public var variantName: String { includesIntakeOutput.value ? "PADSS" : "modified PADSS" }
}

/// A completed discharge score of either kind.
public enum DischargeScore: Codable, Sendable, Equatable {
    /// A modified Aldrete score.
    case aldrete(ModifiedAldrete)
    /// A PADSS score.
    case padss(PADSS)

    /// Which instrument.
    public var instrument: DischargeInstrument {
        switch self {
        case .aldrete: .aldrete
        case .padss: .padss
        }
    }

    /// The total.
    public var total: Int {
        switch self {
        case .aldrete(let score): score.total
        case .padss(let score): score.total
        }
    }
}

/// Shared item validation for the discharge scores.
enum DischargeScoreItems {
    /// Every item of both scores is 0, 1 or 2.
    static let range = 0...2

    /// Throws naming `field` when `value` is not 0, 1 or 2.
    static func check(_ field: String, _ value: Int) throws(SessionError) {
        guard range.contains(value) else { throw SessionError.outOfRange(field: field, value: value, range: range) }
    }
}
