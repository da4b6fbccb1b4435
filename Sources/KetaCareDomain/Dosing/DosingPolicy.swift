public import Foundation

/// The clinic's dosing rules (Appendix B `dosing.*`): weight basis, weight age, rounding, session rules, drug library.
public struct DosingPolicy: Codable, Sendable, Equatable {
    /// Which weight doses are calculated on and how fresh it must be (`dosing.weightBasis`, `dosing.weightMaxAgeDays`).
    public var weight: WeightPolicy
    /// Display precision (`dosing.rounding.*`).
    public var rounding: DoseRoundingPolicy
    /// Fixed-bag preparation setting (DOMAIN.md §4.7).
    public var fixedBag: FixedBagPolicy
    /// Session-level hard rules (DOMAIN.md §4.8).
    public var sessions: SessionDoseRules
    /// The product/route entries and their limits (`dosing.library.*`).
    public var library: DrugLibrary

    /// Creates a dosing policy.
    public init(weight: WeightPolicy, rounding: DoseRoundingPolicy, fixedBag: FixedBagPolicy, sessions: SessionDoseRules, library: DrugLibrary) {
        self.weight = weight
        self.rounding = rounding
        self.fixedBag = fixedBag
        self.sessions = sessions
        self.library = library
    }

    /// The values DOMAIN.md §4.6–4.8 seed; every one is flagged for the clinic's review.
    public static let seed = DosingPolicy(weight: .seed, rounding: .seed, fixedBag: .seed, sessions: .seed, library: .seed)
}

/// Which body weight a mg/kg dose is multiplied by (DOMAIN.md §4.6).
public enum WeightBasis: String, Codable, Sendable, CaseIterable {
    /// Actual (total) body weight, ABW.
    case actual
    /// Ideal body weight, IBW (Devine).
    case ideal
    /// Adjusted body weight, AdjBW = IBW + factor × (ABW − IBW).
    case adjusted
}

/// Weight rules (DOMAIN.md §4.6).
public struct WeightPolicy: Codable, Sendable, Equatable {
    /// The basis for patients whose BMI exceeds `bmiThreshold`; below it actual weight is always used.
    public var obeseBasis: Sourced<WeightBasis>
    /// BMI above which `obeseBasis` applies (kg/m²).
    public var bmiThreshold: Sourced<KilogramsPerSquareMetre>
    /// Devine IBW constants: base weight for men and women at 60 inches, and kg per inch above it.
    public var devine: Sourced<DevineConstants>
    /// AdjBW = IBW + factor × (ABW − IBW).
    public var adjustmentFactor: Sourced<Decimal>
    /// A weight older than this many days must be re-measured.
    public var maxAgeDays: Sourced<Int>
    /// A change larger than this fraction from the previous weight must be confirmed.
    public var changeConfirmationFraction: Sourced<Decimal>
    /// Plausible weights; outside is an input error.
    public var plausibleWeight: Sourced<ClosedRange<Kilograms>>
    /// Plausible heights; outside is an input error.
    public var plausibleHeight: Sourced<ClosedRange<Centimetres>>
    /// Rounding of derived weights (IBW, AdjBW) and BMI.
    public var derivedWeightRounding: RoundingRule

    /// Creates weight rules.
    public init(
        obeseBasis: Sourced<WeightBasis>,
        bmiThreshold: Sourced<KilogramsPerSquareMetre>,
        devine: Sourced<DevineConstants>,
        adjustmentFactor: Sourced<Decimal>,
        maxAgeDays: Sourced<Int>,
        changeConfirmationFraction: Sourced<Decimal>,
        plausibleWeight: Sourced<ClosedRange<Kilograms>>,
        plausibleHeight: Sourced<ClosedRange<Centimetres>>,
        derivedWeightRounding: RoundingRule
    ) {
        self.obeseBasis = obeseBasis
        self.bmiThreshold = bmiThreshold
        self.devine = devine
        self.adjustmentFactor = adjustmentFactor
        self.maxAgeDays = maxAgeDays
        self.changeConfirmationFraction = changeConfirmationFraction
        self.plausibleWeight = plausibleWeight
        self.plausibleHeight = plausibleHeight
        self.derivedWeightRounding = derivedWeightRounding
    }

    /// DOMAIN.md §4.6 seeds: actual weight, 30-day maximum age, 10% change confirmation.
    public static let seed = WeightPolicy(
        obeseBasis: Sourced(.actual, .designDefault),  // DOMAIN.md §4.6 DESIGN DEFAULT; Appendix A item 2 UNCONFIRMED
        bmiThreshold: Sourced(30, .unconfirmed),  // DOMAIN.md Appendix A item 1: BMI > 30 attributed to Sanacora 2017
        devine: Sourced(.standard, .sourced("Devine 1974, standard pharmacy convention; not re-verified (DOMAIN.md §4.6)")),
        adjustmentFactor: Sourced(Decimal(string: "0.4")!, .sourced("DOMAIN.md §4.6 AdjBW formula")),
        maxAgeDays: Sourced(30, .designDefault),  // DOMAIN.md §4.6
        changeConfirmationFraction: Sourced(Decimal(string: "0.10")!, .designDefault),  // DOMAIN.md §4.6
        plausibleWeight: Sourced(Kilograms(20)...Kilograms(350), .designDefault),
        plausibleHeight: Sourced(Centimetres(100)...Centimetres(250), .designDefault),
        derivedWeightRounding: RoundingRule(step: Decimal(string: "0.1")!)
    )
}

/// Devine's ideal-body-weight constants (DOMAIN.md §4.6).
public struct DevineConstants: Codable, Sendable, Equatable {
    /// IBW of a man 60 inches tall.
    public var maleBase: Kilograms
    /// IBW of a woman 60 inches tall.
    public var femaleBase: Kilograms
    /// Height at which the base applies, in inches.
    public var baseHeightInches: Decimal
    /// Kilograms added per inch above the base height.
    public var kilogramsPerInch: Decimal

    /// Creates constants.
    public init(maleBase: Kilograms, femaleBase: Kilograms, baseHeightInches: Decimal, kilogramsPerInch: Decimal) {
        self.maleBase = maleBase
        self.femaleBase = femaleBase
        self.baseHeightInches = baseHeightInches
        self.kilogramsPerInch = kilogramsPerInch
    }

    /// 50 kg / 45.5 kg + 2.3 kg per inch over 60 inches.
    public static let standard = DevineConstants(
        maleBase: 50,
        femaleBase: Kilograms(Decimal(string: "45.5")!),
        baseHeightInches: 60,
        kilogramsPerInch: Decimal(string: "2.3")!
    )
}

/// Display precision for order arithmetic (DOMAIN.md §4.7, Appendix B `dosing.rounding.*`).
public struct DoseRoundingPolicy: Codable, Sendable, Equatable {
    /// Dose in mg (0.1 mg).
    public var dose: RoundingRule
    /// Volume when the computed volume is at least `smallVolumeBelow` (0.1 mL).
    public var volume: RoundingRule
    /// Volume for syringes under `smallVolumeBelow` (0.01 mL).
    public var smallVolume: RoundingRule
    /// The small-syringe threshold (1 mL).
    public var smallVolumeBelow: Millilitres
    /// Pump rate in mL/h (0.1 mL/h).
    public var rate: RoundingRule
    /// Weight-normalised rate in mg/kg/h, for display (design default 0.01).
    public var ratePerKilogram: RoundingRule
    /// Fixed-bag final concentration in mg/mL, for display (design default 0.001).
    public var concentration: RoundingRule
    /// Minutes, for the duration the rounded rate actually gives (design default 0.1 min).
    public var minutes: RoundingRule
    /// Where the steps come from.
    public var provenance: Provenance

    /// Creates rounding rules.
    public init(
        dose: RoundingRule,
        volume: RoundingRule,
        smallVolume: RoundingRule,
        smallVolumeBelow: Millilitres,
        rate: RoundingRule,
        ratePerKilogram: RoundingRule,
        concentration: RoundingRule,
        minutes: RoundingRule,
        provenance: Provenance
    ) {
        self.dose = dose
        self.volume = volume
        self.smallVolume = smallVolume
        self.smallVolumeBelow = smallVolumeBelow
        self.rate = rate
        self.ratePerKilogram = ratePerKilogram
        self.concentration = concentration
        self.minutes = minutes
        self.provenance = provenance
    }

    /// DOMAIN.md §4.7 DESIGN DEFAULT: rate 0.1 mL/h; volume 0.01 mL under 1 mL, else 0.1 mL; dose 0.1 mg; half-up.
    public static let seed = DoseRoundingPolicy(
        dose: RoundingRule(step: Decimal(string: "0.1")!),
        volume: RoundingRule(step: Decimal(string: "0.1")!),
        smallVolume: RoundingRule(step: Decimal(string: "0.01")!),
        smallVolumeBelow: 1,
        rate: RoundingRule(step: Decimal(string: "0.1")!),
        ratePerKilogram: RoundingRule(step: Decimal(string: "0.01")!),
        concentration: RoundingRule(step: Decimal(string: "0.001")!),
        minutes: RoundingRule(step: Decimal(string: "0.1")!),
        provenance: .designDefault
    )

    /// The rule for a computed volume: fine steps for small syringes.
    public func volumeRule(for volume: Millilitres) -> RoundingRule {
        volume < smallVolumeBelow ? smallVolume : self.volume
    }
}

/// Fixed-bag preparation (DOMAIN.md §4.7).
public struct FixedBagPolicy: Codable, Sendable, Equatable {
    /// Whether the drawn drug volume is added to the bag's diluent volume (DESIGN DEFAULT: yes; overfill ignored).
    public var includesDrugVolume: Sourced<Bool>

    /// Creates the setting.
    public init(includesDrugVolume: Sourced<Bool>) {
        self.includesDrugVolume = includesDrugVolume
    }

    /// DOMAIN.md §4.7 DESIGN DEFAULT: include the drug volume.
    public static let seed = FixedBagPolicy(includesDrugVolume: Sourced(true, .designDefault))
}

/// Session-level hard rules (DOMAIN.md §4.8 "Session-level hard rules", DESIGN DEFAULTS).
public struct SessionDoseRules: Codable, Sendable, Equatable {
    /// Administration sessions allowed per clinic calendar day (hard).
    public var maxSessionsPerCalendarDay: Sourced<Int>
    /// Whether racemic ketamine and esketamine on the same calendar day is blocked (hard).
    public var forbidsRacemicAndEsketamineSameDay: Sourced<Bool>
    /// Length of the "per 7 days" window in calendar days, counting today.
    public var windowDays: Sourced<Int>

    /// Creates session rules.
    public init(maxSessionsPerCalendarDay: Sourced<Int>, forbidsRacemicAndEsketamineSameDay: Sourced<Bool>, windowDays: Sourced<Int>) {
        self.maxSessionsPerCalendarDay = maxSessionsPerCalendarDay
        self.forbidsRacemicAndEsketamineSameDay = forbidsRacemicAndEsketamineSameDay
        self.windowDays = windowDays
    }

    /// DOMAIN.md §4.8: one session per calendar day; no racemic and esketamine the same day; 7-day window.
    public static let seed = SessionDoseRules(
        maxSessionsPerCalendarDay: Sourced(1, .designDefault),
        forbidsRacemicAndEsketamineSameDay: Sourced(true, .designDefault),
        windowDays: Sourced(7, .sourced("Spravato USPI §2 twice weekly; DOMAIN.md §4.8 '≤2 per 7 days'"))
    )
}
