import Foundation

/// Turns a prescription into mg, mL, mL/h or devices, and checks it against the drug library (DOMAIN.md §4.6–4.8).
public enum DoseCalculator {
    /// Calculates an order. Throws ``DoseError`` for bad or missing input; limits are reported, not thrown.
    public static func calculate(_ request: DoseRequest, policy: DosingPolicy) throws(DoseError) -> DoseCalculation {
        let entry = try libraryEntry(for: request, in: policy.library)
        try checkDoseUnit(request.dose, entry: entry)
        let weight = try dosingWeight(for: request, entry: entry, policy: policy.weight)

        let calculatedDose: Milligrams
        switch request.dose {
        case .perKilogram(let perKg):
            // Weight is non-nil here: dosingWeight requires it for mg/kg entries.
            calculatedDose = perKg * (weight?.used ?? .zero)  // DOMAIN.md §4.7 dose_mg = dose_mg_per_kg × weight_kg
        case .fixed(let mg):
            calculatedDose = mg
        }

        var administration = try administer(calculatedDose, request: request, entry: entry, policy: policy)
        if case .perKilogram(let perKg) = request.dose, let duration = administration.infusion?.duration {
            administration.infusion?.ratePerKilogram = (perKg / duration).rounded(policy.rounding.ratePerKilogram)  // DOMAIN.md §4.7
        }
        let findings = try DoseLimitChecker(request: request, entry: entry, policy: policy, weight: weight)
            .findings(delivered: administration.delivered, volume: administration.volume)
        return DoseCalculation(
            entry: entry,
            ordered: request.dose,
            weight: weight,
            calculatedDose: calculatedDose,
            dose: administration.delivered,
            concentration: administration.concentration,
            volume: administration.volume,
            infusion: administration.infusion,
            devices: administration.devices,
            findings: findings
        )
    }

    // MARK: - Entry and units

    /// The named entry, or the route's default; it must exist, match the route and be enabled.
    private static func libraryEntry(for request: DoseRequest, in library: DrugLibrary) throws(DoseError) -> DrugLibraryEntry {
        let found: DrugLibraryEntry?
        if let id = request.entryID {
            found = library.entry(id: id)
            if let found, found.route != request.route {
                throw DoseError(
                    .noLibraryEntry, field: "entry_id", message: "entry \(id) is for route \(found.route.rawValue), not \(request.route.rawValue)")
            }
        } else {
            found = library.defaultEntry(for: request.route)
        }
        guard let entry = found else {
            let routes = Set(library.entries.map(\.route))
            let available = DosingRoute.allCases.filter { routes.contains($0) }.map(\.rawValue).joined(separator: ", ")
            let field = request.entryID == nil ? "route" : "entry_id"
            throw DoseError(
                .noLibraryEntry, field: field,
                message: "no drug-library entry for \(request.entryID ?? request.route.rawValue); routes with entries: \(available)")
        }
        guard entry.isEnabled else {
            // DOMAIN.md §4.5: oral/SL ship disabled until the clinic enters its protocol.
            throw DoseError(
                .routeDisabled, field: "route",
                message: "\(entry.name) is disabled until the clinic configures its protocol (dose, frequency, limits)")
        }
        return entry
    }

    /// The dose must be in the entry's unit (DOMAIN.md §4.7 "the library rejects mismatched units") and positive.
    private static func checkDoseUnit(_ dose: OrderedDose, entry: DrugLibraryEntry) throws(DoseError) {
        guard dose.unit == entry.doseUnit else {
            let wanted = entry.doseUnit == .milligramsPerKilogram ? "dose_mg_per_kg" : "dose_mg"
            throw DoseError(.unitMismatch, field: dose.field, message: "\(entry.name) is dosed in \(entry.doseUnit.rawValue): give \(wanted)")
        }
        guard dose.amount > 0 else {
            throw DoseError(.outOfRange, field: dose.field, message: "the dose must be greater than 0 \(entry.doseUnit.rawValue)")
        }
    }

    // MARK: - Weight (DOMAIN.md §4.6)

    /// The weight record for a mg/kg entry: present, plausible, fresh, confirmed if it changed a lot, on the policy's basis.
    private static func dosingWeight(for request: DoseRequest, entry: DrugLibraryEntry, policy: WeightPolicy) throws(DoseError) -> DosingWeight? {
        guard entry.doseUnit == .milligramsPerKilogram else { return nil }
        guard let measurement = request.weight else {
            throw DoseError(.missing, field: "weight_kg", message: "a weight-based dose needs a recorded weight in kg")
        }
        let actual = measurement.weight
        let range = policy.plausibleWeight.value
        guard range.contains(actual) else {
            throw DoseError(.outOfRange, field: "weight_kg", message: "weight must be between \(range.lowerBound) and \(range.upperBound)")
        }
        let age = request.now.timeIntervalSince(measurement.measuredAt)
        guard age >= 0 else {
            throw DoseError(.outOfRange, field: "weight_measured_at", message: "the weight's measurement time is after the order time")
        }
        let maxDays = policy.maxAgeDays.value
        guard age <= Double(maxDays) * 86_400 else {
            let days = Int(age / 86_400)
            throw DoseError(
                .staleWeight, field: "weight_measured_at",
                message: "the weight is \(days) days old; the clinic allows at most \(maxDays) days: record a new weight")
        }
        if let previous = request.previousWeight, !request.isWeightChangeConfirmed {
            let change = actual.value - previous.weight.value
            let magnitude = change < 0 ? -change : change
            let fraction = policy.changeConfirmationFraction.value
            if magnitude > fraction * previous.weight.value {
                throw DoseError(
                    .weightChangeUnconfirmed,
                    field: "weight_kg",
                    message: "weight changed from \(previous.weight) to \(actual), more than \((fraction * 100).fixedString(places: 0))%: "
                        + "confirm the new weight"
                )
            }
        }
        if let height = request.height, !policy.plausibleHeight.value.contains(height) {
            let heights = policy.plausibleHeight.value
            throw DoseError(.outOfRange, field: "height_cm", message: "height must be between \(heights.lowerBound) and \(heights.upperBound)")
        }

        var basis = WeightBasis.actual
        var basisWeight = actual
        var ideal: Kilograms?
        let bmi = request.height.map { policy.bmi(weight: actual, height: $0) }
        if policy.obeseBasis.value != .actual {
            guard let height = request.height else {
                throw DoseError(
                    .missing, field: "height_cm",
                    message:
                        "the clinic doses on \(policy.obeseBasis.value.rawValue) weight above BMI \(policy.bmiThreshold.value): a height is needed")
            }
            if policy.exceedsBMIThreshold(weight: actual, height: height) {
                guard let sex = request.sex, let ibw = policy.idealWeight(height: height, sex: sex) else {
                    throw DoseError(.missing, field: "sex", message: "ideal body weight needs sex at birth: male or female")
                }
                ideal = ibw
                basis = policy.obeseBasis.value
                basisWeight = basis == .ideal ? ibw : policy.adjustedWeight(actual: actual, ideal: ibw)
            }
        }
        var used = basisWeight
        var isCapped = false
        if let cap = entry.weightCap?.value, used > cap {
            used = cap  // DOMAIN.md §4.8: weight cap for mg/kg calculation
            isCapped = true
        }
        return DosingWeight(
            actual: actual,
            measuredAt: measurement.measuredAt,
            basis: basis,
            basisWeight: basisWeight,
            used: used,
            isCapped: isCapped,
            bmi: bmi,
            idealWeight: ideal
        )
    }

    // MARK: - Volume, rate, devices (DOMAIN.md §4.7, §4.4)

    /// What the rounded preparation delivers.
    private struct Administration {
        var delivered: Milligrams
        var concentration: MilligramsPerMillilitre?
        var volume: Millilitres?
        var infusion: InfusionPlan?
        var devices: DevicePlan?
    }

    /// Volume, pump settings or devices for the entry's form, from the calculated dose.
    private static func administer(_ dose: Milligrams, request: DoseRequest, entry: DrugLibraryEntry, policy: DosingPolicy) throws(DoseError)
        -> Administration
    {
        let rounding = policy.rounding
        if entry.form != .infusion, request.infusionDuration != nil {
            throw DoseError(.notApplicable, field: "infusion_min", message: "an infusion duration applies only to infusions, not to \(entry.name)")
        }
        switch entry.form {
        case .nasalDevice:
            guard request.preparation == nil else {
                throw DoseError(
                    .notApplicable, field: "concentration_mg_per_ml", message: "\(entry.name) is given in fixed devices; no concentration applies")
            }
            guard let device = entry.nasalDevice else {
                throw DoseError(.noLibraryEntry, field: "route", message: "\(entry.name) has no device configured")
            }
            var plan: DevicePlan?
            let devices = dose.value / device.strength.value
            // A device plan only for a whole number of devices a person can be given (the hard limit refuses the rest).
            if devices == devices.integralPart, devices > 0, devices <= 20, case let count = NSDecimalNumber(decimal: devices).intValue {
                plan = DevicePlan(count: count, strength: device.strength, minutesBetweenDevices: device.minutesBetweenDevices)
            }
            return Administration(delivered: dose, devices: plan)

        case .enteral:
            guard let preparation = request.preparation else { return Administration(delivered: dose.rounded(rounding.dose)) }
            guard case .concentration(let concentration) = preparation else {
                throw DoseError(.notApplicable, field: "bag_ml", message: "a fixed bag applies only to infusions")
            }
            try check(concentration: concentration, entry: entry, field: "concentration_mg_per_ml")
            let volume = try drawnVolume(dose, concentration: concentration, rounding: rounding)
            return Administration(delivered: (volume * concentration).rounded(rounding.dose), concentration: concentration, volume: volume)

        case .injection:
            guard let preparation = request.preparation else {
                throw DoseError(.missing, field: "concentration_mg_per_ml", message: "give the stock concentration: \(stockList(entry))")
            }
            guard case .concentration(let concentration) = preparation else {
                throw DoseError(.notApplicable, field: "bag_ml", message: "a fixed bag applies only to infusions")
            }
            try check(concentration: concentration, entry: entry, field: "concentration_mg_per_ml")
            let volume = try drawnVolume(dose, concentration: concentration, rounding: rounding)
            return Administration(delivered: (volume * concentration).rounded(rounding.dose), concentration: concentration, volume: volume)

        case .infusion:
            guard let duration = request.infusionDuration else {
                throw DoseError(.missing, field: "infusion_min", message: "an infusion needs its duration in minutes")
            }
            guard duration > .zero else {
                throw DoseError(.outOfRange, field: "infusion_min", message: "the infusion duration must be greater than 0 min")
            }
            switch request.preparation {
            case nil:
                throw DoseError(
                    .missing, field: "concentration_mg_per_ml",
                    message: "give the infusion concentration (at most \(entry.maxAdministeredConcentration.map { "\($0)" } ?? "any")) or a fixed bag"
                )
            case .concentration(let concentration):
                try check(concentration: concentration, entry: entry, field: "concentration_mg_per_ml")
                let volume = try drawnVolume(dose, concentration: concentration, rounding: rounding)
                let pump = try pumpSettings(volume: volume, duration: duration, rounding: rounding)
                let plan = InfusionPlan(
                    duration: duration, volumeToBeInfused: volume, rate: pump.rate, actualDuration: pump.actual, ratePerKilogram: nil, bag: nil
                )
                return Administration(
                    delivered: (volume * concentration).rounded(rounding.dose), concentration: concentration, volume: volume, infusion: plan)
            case .fixedBag(let stock, let diluent):
                guard entry.stockConcentrations.contains(stock) else {
                    throw DoseError(.outOfRange, field: "stock_concentration_mg_per_ml", message: "stock must be one of \(stockList(entry))")
                }
                guard diluent > .zero else {
                    throw DoseError(.outOfRange, field: "bag_ml", message: "the bag's diluent volume must be greater than 0 mL")
                }
                let drawn = try drawnVolume(dose, concentration: stock, rounding: rounding)
                let delivered = (drawn * stock).rounded(rounding.dose)
                let includes = policy.fixedBag.includesDrugVolume.value  // DOMAIN.md §4.7 clinic setting
                let total = includes ? diluent + drawn : diluent
                let final = delivered / total
                if let max = entry.maxAdministeredConcentration, final > max {
                    throw DoseError(
                        .outOfRange, field: "bag_ml",
                        message: "the bag would hold \(final.rounded(rounding.concentration)); at most \(max) may be infused")
                }
                let pump = try pumpSettings(volume: total, duration: duration, rounding: rounding)
                let bag = FixedBagPlan(
                    stock: stock, diluent: diluent, includesDrugVolume: includes, totalVolume: total,
                    finalConcentration: final.rounded(rounding.concentration)
                )
                let plan = InfusionPlan(
                    duration: duration, volumeToBeInfused: total, rate: pump.rate, actualDuration: pump.actual, ratePerKilogram: nil, bag: bag
                )
                return Administration(delivered: delivered, concentration: bag.finalConcentration, volume: drawn, infusion: plan)
            }
        }
    }

    /// The concentration must be positive, within the route's maximum, and a stock unless dilution is allowed.
    private static func check(concentration: MilligramsPerMillilitre, entry: DrugLibraryEntry, field: String) throws(DoseError) {
        guard concentration > .zero else {
            throw DoseError(.outOfRange, field: field, message: "the concentration must be greater than 0 mg/mL")
        }
        if let max = entry.maxAdministeredConcentration, concentration > max {
            // DOMAIN.md §4.1: 100 mg/mL must not be given IV undiluted.
            throw DoseError(.outOfRange, field: field, message: "\(entry.name) allows at most \(max); dilute stronger stock first")
        }
        if !entry.allowsDilution, !entry.stockConcentrations.contains(concentration) {
            throw DoseError(.outOfRange, field: field, message: "concentration must be one of \(stockList(entry))")
        }
    }

    /// "10, 50, 100 mg/mL", for messages.
    private static func stockList(_ entry: DrugLibraryEntry) -> String {
        entry.stockConcentrations.map { "\($0.value)" }.joined(separator: ", ") + " mg/mL"
    }

    /// volume_mL = dose_mg ÷ concentration, rounded to 0.01 mL under 1 mL and 0.1 mL otherwise (DOMAIN.md §4.7).
    private static func drawnVolume(_ dose: Milligrams, concentration: MilligramsPerMillilitre, rounding: DoseRoundingPolicy) throws(DoseError)
        -> Millilitres
    {
        let exact = dose / concentration
        let volume = exact.rounded(rounding.volumeRule(for: exact))
        guard volume > .zero else {
            throw DoseError(
                .outOfRange, field: "concentration_mg_per_ml",
                message: "\(dose) at \(concentration) is below the smallest measurable volume; use a weaker concentration")
        }
        return volume
    }

    /// rate_mL_per_h = volume ÷ (minutes ÷ 60), rounded to the rate step; the actual time is what that rate gives.
    private static func pumpSettings(volume: Millilitres, duration: Minutes, rounding: DoseRoundingPolicy) throws(DoseError) -> (
        rate: MillilitresPerHour, actual: Minutes
    ) {
        let rate = (volume / duration).rounded(rounding.rate)
        guard rate > .zero else {
            throw DoseError(.outOfRange, field: "infusion_min", message: "the pump rate would round to 0 mL/h; shorten the infusion or dilute less")
        }
        return (rate, (volume / rate).rounded(rounding.minutes))
    }
}
