/// One product-and-route entry of the drug library (DOMAIN.md §4.8 DERS): what may be ordered and its limits.
public struct DrugLibraryEntry: Codable, Sendable, Equatable, Identifiable {
    /// Stable key (`iv-racemic`, `intranasal-esketamine-us-trd`).
    public var id: String
    /// Name shown to the prescriber.
    public var name: String
    /// The route this entry serves.
    public var route: DosingRoute
    /// Whether this is the entry used when only the route is named.
    public var isRouteDefault: Bool
    /// Disabled entries cannot be ordered (oral/SL ship disabled: DOMAIN.md §4.5).
    public var isEnabled: Bool
    /// How the dose is given, which decides volume, rate and device arithmetic.
    public var form: AdministrationForm
    /// The unit prescriptions must use; the other unit is rejected (DOMAIN.md §4.7).
    public var doseUnit: DoseUnit
    /// Dose pre-filled on a new order.
    public var defaultDose: OrderedDose?
    /// Infusion duration pre-filled on a new order.
    public var defaultInfusionMinutes: Minutes?
    /// The usual dose as the sources give it, for display.
    public var usualDose: Sourced<String>
    /// Stock concentrations that may be drawn from (DOMAIN.md §4.7: 10, 50, 100 mg/mL).
    public var stockConcentrations: [MilligramsPerMillilitre]
    /// Highest concentration that may reach the patient by this route (IV: 100 mg/mL must be diluted, DOMAIN.md §4.1).
    public var maxAdministeredConcentration: MilligramsPerMillilitre?
    /// Whether a diluted concentration not in `stockConcentrations` may be ordered (IV syringes and bags).
    public var allowsDilution: Bool
    /// Highest weight used for mg/kg arithmetic; heavier patients are dosed at this weight (DOMAIN.md §4.8 IV).
    public var weightCap: Sourced<Kilograms>?
    /// The nasal device, for device-dosed products (DOMAIN.md §4.4).
    public var nasalDevice: NasalDevice?
    /// Soft and hard limits; DOMAIN.md §4.8 values are DESIGN DEFAULTS.
    public var limits: Sourced<DoseLimits>

    /// Creates an entry.
    public init(
        id: String,
        name: String,
        route: DosingRoute,
        isRouteDefault: Bool,
        isEnabled: Bool,
        form: AdministrationForm,
        doseUnit: DoseUnit,
        defaultDose: OrderedDose? = nil,
        defaultInfusionMinutes: Minutes? = nil,
        usualDose: Sourced<String>,
        stockConcentrations: [MilligramsPerMillilitre] = [],
        maxAdministeredConcentration: MilligramsPerMillilitre? = nil,
        allowsDilution: Bool = false,
        weightCap: Sourced<Kilograms>? = nil,
        nasalDevice: NasalDevice? = nil,
        limits: Sourced<DoseLimits>
    ) {
        self.id = id
        self.name = name
        self.route = route
        self.isRouteDefault = isRouteDefault
        self.isEnabled = isEnabled
        self.form = form
        self.doseUnit = doseUnit
        self.defaultDose = defaultDose
        self.defaultInfusionMinutes = defaultInfusionMinutes
        self.usualDose = usualDose
        self.stockConcentrations = stockConcentrations
        self.maxAdministeredConcentration = maxAdministeredConcentration
        self.allowsDilution = allowsDilution
        self.weightCap = weightCap
        self.nasalDevice = nasalDevice
        self.limits = limits
    }

    /// Inconsistencies that would make the entry mix units or contradict itself; empty when valid.
    public var validationIssues: [String] {
        var issues: [String] = []
        let limits = limits.value
        switch doseUnit {
        case .milligramsPerKilogram:
            if limits.perDoseMg != nil || limits.perSessionMg != nil || limits.per7DaysMg != nil {
                issues.append("\(id): mg limits on an entry dosed in mg/kg")
            }
            if case .fixed = defaultDose { issues.append("\(id): default dose in mg on an entry dosed in mg/kg") }
        case .milligrams:
            if limits.perDoseMgPerKg != nil || limits.perSessionMgPerKg != nil || limits.per7DaysMgPerKg != nil {
                issues.append("\(id): mg/kg limits on an entry dosed in mg")
            }
            if case .perKilogram = defaultDose { issues.append("\(id): default dose in mg/kg on an entry dosed in mg") }
        }
        let bands = [
            limits.perDoseMgPerKg?.isOrdered, limits.perDoseMg?.isOrdered, limits.perSessionMgPerKg?.isOrdered,
            limits.perSessionMg?.isOrdered, limits.infusionMinutes?.isOrdered, limits.volume?.isOrdered,
        ]
        if bands.contains(false) { issues.append("\(id): a limit band is not ordered hardMin ≤ softMin ≤ softMax ≤ hardMax") }
        if form == .nasalDevice, nasalDevice == nil { issues.append("\(id): device-dosed entry without a device") }
        if form == .infusion || form == .injection, stockConcentrations.isEmpty, isEnabled {
            issues.append("\(id): no stock concentrations")
        }
        return issues
    }
}

/// How a product reaches the patient; decides which arithmetic applies.
public enum AdministrationForm: String, Codable, Sendable {
    /// Pump infusion: volume, mL/h rate, duration (DOMAIN.md §4.7).
    case infusion
    /// Syringe injection (IM/SC): volume only.
    case injection
    /// Single-use nasal devices given one after another (DOMAIN.md §4.4).
    case nasalDevice = "nasal_device"
    /// Swallowed or held in the mouth (compounded): volume only when a liquid concentration is given.
    case enteral
}

/// A nasal spray device (DOMAIN.md §4.4): Spravato delivers 28 mg in two sprays, one device every 5 min.
public struct NasalDevice: Codable, Sendable, Equatable {
    /// Drug per device.
    public var strength: Milligrams
    /// Solution per device.
    public var volume: Millilitres
    /// Sprays per device.
    public var spraysPerDevice: Int
    /// Rest between devices.
    public var minutesBetweenDevices: Minutes
    /// Where these facts come from.
    public var provenance: Provenance

    /// Creates a device description.
    public init(strength: Milligrams, volume: Millilitres, spraysPerDevice: Int, minutesBetweenDevices: Minutes, provenance: Provenance) {
        self.strength = strength
        self.volume = volume
        self.spraysPerDevice = spraysPerDevice
        self.minutesBetweenDevices = minutesBetweenDevices
        self.provenance = provenance
    }
}

/// The dose limits of one entry. Weight-based entries use the mg/kg fields, fixed-dose entries the mg fields.
public struct DoseLimits: Codable, Sendable, Equatable {
    /// Per-dose band for weight-based entries.
    public var perDoseMgPerKg: LimitBand<MilligramPerKilogramUnit>?
    /// Per-dose band for fixed-dose entries.
    public var perDoseMg: LimitBand<MilligramUnit>?
    /// Cumulative band over one session (this dose plus earlier doses in the same session).
    public var perSessionMgPerKg: LimitBand<MilligramPerKilogramUnit>?
    /// Cumulative band over one session for fixed-dose entries.
    public var perSessionMg: LimitBand<MilligramUnit>?
    /// Cumulative band over the rolling window (`windowDays` in the session rules).
    public var per7DaysMgPerKg: LimitBand<MilligramPerKilogramUnit>?
    /// Cumulative band over the rolling window for fixed-dose entries.
    public var per7DaysMg: LimitBand<MilligramUnit>?
    /// Sessions of this product within the window, counting this one.
    public var administrationsPer7Days: CountLimit?
    /// The only doses allowed (hard), e.g. Spravato {56, 84} mg.
    public var allowedDoses: [Milligrams]?
    /// What the first dose of this product must be (hard).
    public var firstDose: FirstDoseRule?
    /// Infusion duration band.
    public var infusionMinutes: LimitBand<MinuteUnit>?
    /// Volume band per injection site.
    public var volume: LimitBand<MillilitreUnit>?

    /// Creates limits; absent fields are not checked.
    public init(
        perDoseMgPerKg: LimitBand<MilligramPerKilogramUnit>? = nil,
        perDoseMg: LimitBand<MilligramUnit>? = nil,
        perSessionMgPerKg: LimitBand<MilligramPerKilogramUnit>? = nil,
        perSessionMg: LimitBand<MilligramUnit>? = nil,
        per7DaysMgPerKg: LimitBand<MilligramPerKilogramUnit>? = nil,
        per7DaysMg: LimitBand<MilligramUnit>? = nil,
        administrationsPer7Days: CountLimit? = nil,
        allowedDoses: [Milligrams]? = nil,
        firstDose: FirstDoseRule? = nil,
        infusionMinutes: LimitBand<MinuteUnit>? = nil,
        volume: LimitBand<MillilitreUnit>? = nil
    ) {
        self.perDoseMgPerKg = perDoseMgPerKg
        self.perDoseMg = perDoseMg
        self.perSessionMgPerKg = perSessionMgPerKg
        self.perSessionMg = perSessionMg
        self.per7DaysMgPerKg = per7DaysMgPerKg
        self.per7DaysMg = per7DaysMg
        self.administrationsPer7Days = administrationsPer7Days
        self.allowedDoses = allowedDoses
        self.firstDose = firstDose
        self.infusionMinutes = infusionMinutes
        self.volume = volume
    }
}

/// The dose a patient's first administration of a product must be (DOMAIN.md §4.4, §4.8).
public struct FirstDoseRule: Codable, Sendable, Equatable {
    /// The required first dose (Spravato US: 56 mg).
    public var dose: Milligrams
    /// From this age on, `olderPatientDose` applies instead (EU SmPC: 28 mg from 65).
    public var olderPatientFromAge: Int?
    /// The first dose for older patients.
    public var olderPatientDose: Milligrams?

    /// Creates a first-dose rule.
    public init(dose: Milligrams, olderPatientFromAge: Int? = nil, olderPatientDose: Milligrams? = nil) {
        self.dose = dose
        self.olderPatientFromAge = olderPatientFromAge
        self.olderPatientDose = olderPatientDose
    }

    /// The required first dose for a patient of `ageYears` (nil age only works when there is no age rule).
    func requiredDose(ageYears: Int?) -> Milligrams {
        if let from = olderPatientFromAge, let older = olderPatientDose, let ageYears, ageYears >= from { return older }
        return dose
    }
}
