public import Foundation

/// A calculated order: what to draw, how to run the pump or the devices, and how it stands against the limits.
public struct DoseCalculation: Sendable, Equatable {
    /// The library entry used.
    public var entry: DrugLibraryEntry
    /// The dose as prescribed.
    public var ordered: OrderedDose
    /// The weight the mg/kg dose was multiplied by, and why (nil for fixed doses).
    public var weight: DosingWeight?
    /// The exact product of dose and weight (or the fixed dose), before any rounding.
    public var calculatedDose: Milligrams
    /// The dose the rounded values actually deliver, to the dose step (DOMAIN.md §4.7 "always display" rule).
    public var dose: Milligrams
    /// The concentration reaching the patient (syringe, stock, or the fixed bag's final concentration).
    public var concentration: MilligramsPerMillilitre?
    /// The volume to draw from the stock (nil for devices and tablets).
    public var volume: Millilitres?
    /// Pump settings, for infusions.
    public var infusion: InfusionPlan?
    /// Devices and their timing, for device-dosed products.
    public var devices: DevicePlan?
    /// Every limit the order crossed, in checking order.
    public var findings: [DoseLimit]
    /// The deciding outcome: within, soft or hard, with the limit.
    public var check: DoseLimitCheck

    /// Creates a calculation (the calculator builds these).
    public init(
        entry: DrugLibraryEntry,
        ordered: OrderedDose,
        weight: DosingWeight?,
        calculatedDose: Milligrams,
        dose: Milligrams,
        concentration: MilligramsPerMillilitre?,
        volume: Millilitres?,
        infusion: InfusionPlan?,
        devices: DevicePlan?,
        findings: [DoseLimit]
    ) {
        self.entry = entry
        self.ordered = ordered
        self.weight = weight
        self.calculatedDose = calculatedDose
        self.dose = dose
        self.concentration = concentration
        self.volume = volume
        self.infusion = infusion
        self.devices = devices
        self.findings = findings
        self.check = DoseLimitCheck(findings: findings)
    }
}

/// The weight a mg/kg dose used, recorded on every order (DOMAIN.md §4.6).
public struct DosingWeight: Codable, Sendable, Equatable {
    /// The measured (actual) weight.
    public var actual: Kilograms
    /// When it was measured.
    public var measuredAt: Date
    /// The basis applied (actual unless the policy and BMI call for IBW/AdjBW).
    public var basis: WeightBasis
    /// The weight on that basis, before any cap.
    public var basisWeight: Kilograms
    /// The weight the dose was multiplied by.
    public var used: Kilograms
    /// Whether the entry's weight cap reduced the weight.
    public var isCapped: Bool
    /// BMI, when a height was given.
    public var bmi: KilogramsPerSquareMetre?
    /// Ideal body weight, when computed.
    public var idealWeight: Kilograms?

    /// Creates a record.
    public init(
        actual: Kilograms,
        measuredAt: Date,
        basis: WeightBasis,
        basisWeight: Kilograms,
        used: Kilograms,
        isCapped: Bool,
        bmi: KilogramsPerSquareMetre?,
        idealWeight: Kilograms?
    ) {
        self.actual = actual
        self.measuredAt = measuredAt
        self.basis = basis
        self.basisWeight = basisWeight
        self.used = used
        self.isCapped = isCapped
        self.bmi = bmi
        self.idealWeight = idealWeight
    }
}

/// Pump settings (DOMAIN.md §4.7). The pump is programmed with the rate and the volume to be infused.
public struct InfusionPlan: Sendable, Equatable {
    /// The ordered duration.
    public var duration: Minutes
    /// Volume to be infused (the syringe volume, or the whole bag).
    public var volumeToBeInfused: Millilitres
    /// Pump rate, rounded to the rate step.
    public var rate: MillilitresPerHour
    /// How long the rounded rate takes to deliver the volume (may differ slightly from `duration`).
    public var actualDuration: Minutes
    /// The ordered mg/kg over the ordered duration, per hour (for weight-based entries).
    public var ratePerKilogram: MilligramsPerKilogramPerHour?
    /// Fixed-bag details, when the dose was added to a bag.
    public var bag: FixedBagPlan?

    /// Creates a plan.
    public init(
        duration: Minutes,
        volumeToBeInfused: Millilitres,
        rate: MillilitresPerHour,
        actualDuration: Minutes,
        ratePerKilogram: MilligramsPerKilogramPerHour?,
        bag: FixedBagPlan?
    ) {
        self.duration = duration
        self.volumeToBeInfused = volumeToBeInfused
        self.rate = rate
        self.actualDuration = actualDuration
        self.ratePerKilogram = ratePerKilogram
        self.bag = bag
    }
}

/// A fixed-bag preparation (DOMAIN.md §4.7): the dose drawn from stock into a bag of diluent.
public struct FixedBagPlan: Sendable, Equatable {
    /// The stock drawn from.
    public var stock: MilligramsPerMillilitre
    /// The bag's diluent volume.
    public var diluent: Millilitres
    /// Whether the drug volume was added to the bag volume (a clinic setting).
    public var includesDrugVolume: Bool
    /// The total volume in the bag.
    public var totalVolume: Millilitres
    /// The final concentration, rounded for display.
    public var finalConcentration: MilligramsPerMillilitre

    /// Creates a bag plan.
    public init(
        stock: MilligramsPerMillilitre,
        diluent: Millilitres,
        includesDrugVolume: Bool,
        totalVolume: Millilitres,
        finalConcentration: MilligramsPerMillilitre
    ) {
        self.stock = stock
        self.diluent = diluent
        self.includesDrugVolume = includesDrugVolume
        self.totalVolume = totalVolume
        self.finalConcentration = finalConcentration
    }
}

/// Device count and timing for a nasal product (DOMAIN.md §4.4: 56 mg = 2 devices, 84 mg = 3, 5 min apart).
public struct DevicePlan: Sendable, Equatable {
    /// How many devices.
    public var count: Int
    /// Drug per device.
    public var strength: Milligrams
    /// Rest between devices.
    public var minutesBetweenDevices: Minutes
    /// When each device is given, from the first.
    public var offsets: [Minutes]

    /// Creates a device plan.
    public init(count: Int, strength: Milligrams, minutesBetweenDevices: Minutes) {
        self.count = count
        self.strength = strength
        self.minutesBetweenDevices = minutesBetweenDevices
        self.offsets = (0..<max(count, 0)).map { Decimal($0) * minutesBetweenDevices }
    }
}
