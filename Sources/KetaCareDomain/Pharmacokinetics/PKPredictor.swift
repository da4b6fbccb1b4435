import Foundation

/// A prediction request as the CLI and the order screen make it.
public struct PKRequest: Sendable, Equatable {
    /// The route (`iv`, `im`, `sc`, `oral`, `sublingual`, `intranasal-esketamine`, `iv-esketamine`).
    public var route: DosingRoute
    /// The dose: mg/kg needs `weight`.
    public var dose: OrderedDose
    /// Actual body weight (PK scaling uses actual weight, not the dosing basis).
    public var weight: Kilograms?
    /// IV only: a constant-rate infusion of this length; nil (and no events) means a bolus.
    public var infusionDuration: Minutes?
    /// IV only: what the pump actually did; replaces `infusionDuration`.
    public var infusionEvents: [InfusionEvent]?
    /// Times to report, minutes, ascending.
    public var timesMinutes: [Double]
    /// Age and ethnicity covariates some models use.
    public var covariates: PKCovariates
    /// Report when the curve falls below this level (else the policy's reference level, if any).
    public var level: NanogramsPerMillilitre?
    /// A model other than the route default (one of the route's alternatives).
    public var modelID: String?

    /// Creates a request.
    public init(
        route: DosingRoute,
        dose: OrderedDose,
        weight: Kilograms? = nil,
        infusionDuration: Minutes? = nil,
        infusionEvents: [InfusionEvent]? = nil,
        timesMinutes: [Double],
        covariates: PKCovariates = PKCovariates(),
        level: NanogramsPerMillilitre? = nil,
        modelID: String? = nil
    ) {
        self.route = route
        self.dose = dose
        self.weight = weight
        self.infusionDuration = infusionDuration
        self.infusionEvents = infusionEvents
        self.timesMinutes = timesMinutes
        self.covariates = covariates
        self.level = level
        self.modelID = modelID
    }
}

/// A predicted curve with its summary: peak, time below a level, and what the clinician must be told.
public struct PKPrediction: Sendable, Equatable {
    /// The route simulated.
    public var route: DosingRoute
    /// The model used.
    public var model: PKModel
    /// The dose in mg.
    public var dose: Milligrams
    /// Parent concentrations at the requested times.
    public var curve: ConcentrationCurve
    /// Metabolite concentrations at the requested times, where the model gives them and the route shows them.
    public var metaboliteCurve: ConcentrationCurve?
    /// Predicted peak of the parent, from a fine internal grid (not only the requested times).
    public var peak: CurvePoint
    /// Predicted metabolite peak.
    public var metabolitePeak: CurvePoint?
    /// The level and when the parent falls below it, if a level was set.
    public var belowLevel: BelowLevel?
    /// Absorption parameters used (extravascular routes).
    public var absorption: FirstOrderAbsorption?
    /// Caveats to show with the curve (PK.md §7).
    public var caveats: [String]
}

/// A clinic-set level and when the predicted curve falls below it for good.
public struct BelowLevel: Sendable, Equatable {
    /// The level.
    public var level: NanogramsPerMillilitre
    /// When the curve falls below it.
    public var crossing: LevelCrossing
}

/// Builds predictions from requests using the route defaults of PK.md §0.
public enum PKPredictor {
    /// Predicts the curve for one order.
    public static func predict(_ request: PKRequest, policy: PKPolicy = .seed) throws(PKError) -> PKPrediction {
        let catalog = policy.catalog
        guard let route = catalog.route(request.route) else {
            throw PKError(
                field: "route",
                message: "no PK model for route \(request.route.rawValue); routes: \(catalog.routes.map(\.route.rawValue).joined(separator: ", "))")
        }
        let modelID = request.modelID ?? route.modelID
        guard modelID == route.modelID || route.alternativeModelIDs.contains(modelID), let model = catalog.model(id: modelID) else {
            let allowed = ([route.modelID] + route.alternativeModelIDs).joined(separator: ", ")
            throw PKError(field: "model", message: "route \(request.route.rawValue) can use: \(allowed)")
        }
        let dose = try doseMilligrams(request)
        let administrations = try administrations(request, route: route, model: model, dose: dose)

        let simulate = { (times: [Double]) throws(PKError) -> PKSimulation in
            try PKSimulator.simulate(
                model: model, administrations: administrations, weight: request.weight, covariates: request.covariates,
                clearanceFactor: route.clearanceFactor, timesMinutes: times
            )
        }
        let requested = try simulate(request.timesMinutes)
        let summary = try simulate(summaryTimes(policy: policy, administrations: administrations, requested: request.timesMinutes))
        guard let peak = summary.parent.peak else { throw PKError(field: "times_min", message: "no times to simulate") }
        let level = request.level ?? policy.referenceLevel?.value
        let showsMetabolite = route.showsMetabolite
        return PKPrediction(
            route: request.route,
            model: model,
            dose: dose,
            curve: requested.parent,
            metaboliteCurve: showsMetabolite ? requested.metabolite : nil,
            peak: peak,
            metabolitePeak: showsMetabolite ? summary.metabolite?.peak : nil,
            belowLevel: level.map { BelowLevel(level: $0, crossing: summary.parent.timeFallingBelow($0)) },
            absorption: route.absorption,
            caveats: route.caveats + (isBolus(administrations) ? [bolusCaveat] : [])
        )
    }

    /// Shown with every IV bolus curve.
    public static let bolusCaveat = "The first ~5 min after a bolus are a mixing phase that venous models do not predict (PK.md §0, §7.6)."

    /// Whether any input is an IV bolus.
    static func isBolus(_ administrations: [PKAdministration]) -> Bool {
        administrations.contains { if case .intravenousBolus = $0 { return true } else { return false } }
    }

    /// The dose in mg (mg/kg × weight when weight-based).
    static func doseMilligrams(_ request: PKRequest) throws(PKError) -> Milligrams {
        switch request.dose {
        case .fixed(let mg):
            guard mg > .zero else { throw PKError(field: "dose_mg", message: "the dose must be greater than 0 mg") }
            return mg
        case .perKilogram(let perKg):
            guard perKg > .zero else { throw PKError(field: "dose_mg_per_kg", message: "the dose must be greater than 0 mg/kg") }
            guard let weight = request.weight, weight > .zero else {
                throw PKError(field: "weight_kg", message: "a mg/kg dose needs weight_kg")
            }
            return perKg * weight
        }
    }

    /// The inputs for a route: IV infusion, pump record or bolus; nasal devices; or one absorbed dose.
    static func administrations(_ request: PKRequest, route: PKRouteDefault, model: PKModel, dose: Milligrams) throws(PKError) -> [PKAdministration] {
        let isIntravenous = request.route == .intravenous || request.route == .intravenousEsketamine
        if !isIntravenous, request.infusionDuration != nil || request.infusionEvents != nil {
            throw PKError(field: "infusion_min", message: "infusion settings apply only to iv and iv-esketamine")
        }
        if isIntravenous {
            if let events = request.infusionEvents {
                return [.intravenousInfusion(InfusionRecord(events: events))]
            }
            guard let minutes = request.infusionDuration else { return [.intravenousBolus(atMinute: 0, dose: dose)] }
            guard minutes > .zero else { throw PKError(field: "infusion_min", message: "the infusion duration must be greater than 0 min") }
            return [.infusion(atMinute: 0, dose: dose, minutes: minutes.doubleValue)]
        }
        if let device = route.nasalDevice {
            // DOMAIN.md §4.4: whole 28 mg devices, one every 5 min.
            let devices = dose.value / device.strength.value
            guard devices == devices.integralPart, devices > 0 else {
                throw PKError(field: "dose_mg", message: "the dose must be a whole number of \(device.strength) devices (28, 56, 84 mg)")
            }
            let count = NSDecimalNumber(decimal: devices).intValue
            let spacing = device.minutesBetweenDevices.doubleValue
            return (0..<count).map { .nasalDevice(atMinute: Double($0) * spacing, dose: device.strength, deviceIndex: $0) }
        }
        guard let absorption = route.absorption else {
            throw PKError(field: "route", message: "no absorption parameters for route \(request.route.rawValue)")
        }
        return [.absorbed(atMinute: 0, dose: dose, absorption: absorption)]
    }

    /// The fine grid for the summary: every `summaryStepMinutes` to the horizon (or the last requested time, if later),
    /// plus every input change time, so an infusion's end (the IV peak) is sampled exactly.
    static func summaryTimes(policy: PKPolicy, administrations: [PKAdministration], requested: [Double]) -> [Double] {
        let horizon = max(policy.summaryHorizonMinutes, requested.last ?? 0)
        let step = policy.summaryStepMinutes > 0 ? policy.summaryStepMinutes : 0.25
        var times = (0...Int((horizon / step).rounded(.down))).map { Double($0) * step }
        var extra: [Double] = []
        for administration in administrations {
            switch administration {
            case .intravenousInfusion(let record): extra += record.events.map(\.atMinute)
            case .intravenousBolus(let time, _), .absorbed(let time, _, _), .nasalDevice(let time, _, _), .oralSolution(let time, _):
                extra.append(time)
            }
        }
        if !extra.isEmpty {
            times = Array(Set(times + extra.filter { $0 <= horizon })).sorted()
        }
        return times
    }
}
