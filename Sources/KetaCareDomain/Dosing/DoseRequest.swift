public import Foundation

/// Everything the calculator needs for one order; time and history are passed in, never looked up.
public struct DoseRequest: Sendable, Equatable {
    /// The route the prescriber chose.
    public var route: DosingRoute
    /// A specific library entry (`intranasal-esketamine-eu`); `nil` uses the route's default entry.
    public var entryID: String?
    /// The dose as prescribed.
    public var dose: OrderedDose
    /// The latest recorded weight; required for mg/kg doses.
    public var weight: WeightMeasurement?
    /// The weight before `weight`, to catch a change larger than the policy allows (DOMAIN.md §4.6).
    public var previousWeight: WeightMeasurement?
    /// Set when a clinician has confirmed a large weight change.
    public var isWeightChangeConfirmed: Bool
    /// Height, needed for BMI and for IBW/AdjBW when the policy asks for them.
    public var height: Centimetres?
    /// Sex at birth, needed for IBW/AdjBW.
    public var sex: SexAtBirth?
    /// Age in whole years, needed by age-dependent first-dose rules (EU Spravato).
    public var ageYears: Int?
    /// How the drug is prepared (concentration, fixed bag); `nil` for device-dosed products.
    public var preparation: Preparation?
    /// Infusion duration, for infusion entries.
    public var infusionDuration: Minutes?
    /// The session this dose belongs to; doses in `priorDoses` with the same id count toward per-session limits.
    public var sessionID: String?
    /// The patient's earlier doses (at least the last `windowDays` and every earlier dose of device products).
    public var priorDoses: [PriorDose]
    /// The moment of ordering.
    public var now: Date
    /// The clinic's time zone, which defines its calendar days.
    public var timeZone: TimeZone

    /// Creates a request.
    public init(
        route: DosingRoute,
        entryID: String? = nil,
        dose: OrderedDose,
        weight: WeightMeasurement? = nil,
        previousWeight: WeightMeasurement? = nil,
        isWeightChangeConfirmed: Bool = false,
        height: Centimetres? = nil,
        sex: SexAtBirth? = nil,
        ageYears: Int? = nil,
        preparation: Preparation? = nil,
        infusionDuration: Minutes? = nil,
        sessionID: String? = nil,
        priorDoses: [PriorDose] = [],
        now: Date,
        timeZone: TimeZone
    ) {
        self.route = route
        self.entryID = entryID
        self.dose = dose
        self.weight = weight
        self.previousWeight = previousWeight
        self.isWeightChangeConfirmed = isWeightChangeConfirmed
        self.height = height
        self.sex = sex
        self.ageYears = ageYears
        self.preparation = preparation
        self.infusionDuration = infusionDuration
        self.sessionID = sessionID
        self.priorDoses = priorDoses
        self.now = now
        self.timeZone = timeZone
    }
}

/// A dated body weight.
public struct WeightMeasurement: Codable, Sendable, Equatable {
    /// The weight.
    public var weight: Kilograms
    /// When it was measured.
    public var measuredAt: Date

    /// Creates a measurement.
    public init(_ weight: Kilograms, measuredAt: Date) {
        self.weight = weight
        self.measuredAt = measuredAt
    }
}

/// How the drug is drawn up (DOMAIN.md §4.7).
public enum Preparation: Codable, Sendable, Equatable {
    /// Drawn or infused at one concentration (a stock, or a diluted syringe/bag prepared to that concentration).
    case concentration(MilligramsPerMillilitre)
    /// The dose is drawn from `stock` and added to a bag of `diluent` mL; the whole bag is infused.
    case fixedBag(stock: MilligramsPerMillilitre, diluent: Millilitres)
}

/// An earlier administration, as the ledger recorded it.
public struct PriorDose: Codable, Sendable, Equatable {
    /// When it was given.
    public var administeredAt: Date
    /// The session it belonged to.
    public var sessionID: String
    /// Which molecule.
    public var product: ProductFamily
    /// The dose delivered.
    public var dose: Milligrams

    /// Creates a prior dose.
    public init(administeredAt: Date, sessionID: String, product: ProductFamily, dose: Milligrams) {
        self.administeredAt = administeredAt
        self.sessionID = sessionID
        self.product = product
        self.dose = dose
    }
}
