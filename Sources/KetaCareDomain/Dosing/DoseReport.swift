public import Foundation

/// The `ketacare dose` answer: JSON with snake_case keys (`dose_mg`, `volume_ml`, `rate_ml_per_h`, `devices`, `limit`)
/// and a text summary for people.
public struct DoseReport: Encodable, Sendable, Equatable {
    /// The limit that applied (or none), as the JSON `limit` object.
    public struct Limit: Encodable, Sendable, Equatable {
        /// `within`, `soft` or `hard`.
        public let status: String
        /// The limit's stable name (`per_dose_max`), nil when within.
        public let name: String?
        /// The limit's value, nil when within or for set rules.
        public let value: Decimal?
        /// The unit of `value` and `observed`.
        public let unit: String?
        /// What the order came to in that unit.
        public let observed: Decimal?
        /// Allowed values, for set rules.
        public let allowedValues: [Decimal]?
        /// A sentence for the prescriber.
        public let message: String?
        /// `sourced`, `unconfirmed` or `design_default`: whether the clinic must review the limit.
        public let provenance: String?

        /// Builds the JSON object from the deciding (or a listed) limit.
        init(status: String, limit: DoseLimit?) {
            self.status = status
            name = limit?.name
            value = limit?.value
            unit = limit?.unit
            observed = limit?.observed
            allowedValues = limit?.allowedValues
            message = limit?.message
            provenance = limit.map { $0.provenance.reportKey }
        }

        private enum CodingKeys: String, CodingKey {
            case status, name, value, unit, observed, message, provenance
            case allowedValues = "allowed_values"
        }

        /// Encodes every key, `null` when absent.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(status, forKey: .status)
            try c.encode(name, forKey: .name)
            try c.encode(value, forKey: .value)
            try c.encode(unit, forKey: .unit)
            try c.encode(observed, forKey: .observed)
            try c.encode(allowedValues, forKey: .allowedValues)
            try c.encode(message, forKey: .message)
            try c.encode(provenance, forKey: .provenance)
        }
    }

    /// The weight section: what the mg/kg dose was multiplied by.
    public struct Weight: Encodable, Sendable, Equatable {
        /// Measured weight.
        public let actualKg: Decimal
        /// When it was measured (ISO 8601).
        public let measuredAt: String
        /// `actual`, `ideal` or `adjusted`.
        public let basis: String
        /// Weight on that basis.
        public let basisKg: Decimal
        /// Weight used (after any cap).
        public let usedKg: Decimal
        /// Whether the cap applied.
        public let capped: Bool
        /// BMI, when a height was given.
        public let bmi: Decimal?
        /// IBW, when computed.
        public let idealKg: Decimal?

        private enum CodingKeys: String, CodingKey {
            case basis, capped, bmi
            case actualKg = "actual_kg"
            case measuredAt = "measured_at"
            case basisKg = "basis_kg"
            case usedKg = "used_kg"
            case idealKg = "ideal_kg"
        }
    }

    /// Route spelling (`iv`).
    public let route: String
    /// Library entry id.
    public let entryID: String
    /// Library entry name.
    public let product: String
    /// `mg/kg` or `mg`.
    public let doseUnit: String
    /// The prescribed mg/kg, for weight-based orders.
    public let orderedDoseMgPerKg: Decimal?
    /// The prescribed mg, for fixed orders.
    public let orderedDoseMg: Decimal?
    /// The weight record, for weight-based orders.
    public let weight: Weight?
    /// Exact dose before rounding.
    public let calculatedDoseMg: Decimal
    /// The dose the rounded values deliver.
    public let doseMg: Decimal
    /// Concentration reaching the patient.
    public let concentrationMgPerMl: Decimal?
    /// Volume to draw.
    public let volumeMl: Decimal?
    /// Pump rate; null when not an infusion.
    public let rateMlPerH: Decimal?
    /// mg/kg/h, for weight-based infusions.
    public let rateMgPerKgPerH: Decimal?
    /// Ordered infusion minutes.
    public let infusionMin: Decimal?
    /// Minutes the rounded rate takes.
    public let actualInfusionMin: Decimal?
    /// Volume to be infused (syringe or whole bag).
    public let volumeToBeInfusedMl: Decimal?
    /// Fixed-bag total volume.
    public let bagTotalMl: Decimal?
    /// Esketamine device count; null for other products.
    public let devices: Int?
    /// Minutes between devices.
    public let minutesBetweenDevices: Decimal?
    /// When each device is given, from the first.
    public let deviceOffsetsMin: [Decimal]?
    /// The deciding limit.
    public let limit: Limit
    /// Every limit crossed.
    public let limitFindings: [Limit]
    /// Whether the order can go ahead.
    public let orderable: Bool
    /// Whether a reason is required.
    public let requiresOverrideReason: Bool
    /// Whether the entry's limits are unreviewed defaults (DOMAIN.md §4.8: all are design defaults).
    public let limitsNeedReview: Bool
    /// The text summary.
    public let summary: String

    /// Builds the report from a calculation.
    public init(_ calculation: DoseCalculation, rounding: DoseRoundingPolicy = .seed) {
        let entry = calculation.entry
        route = entry.route.rawValue
        entryID = entry.id
        product = entry.name
        doseUnit = entry.doseUnit.rawValue
        switch calculation.ordered {
        case .perKilogram(let dose):
            orderedDoseMgPerKg = dose.value
            orderedDoseMg = nil
        case .fixed(let dose):
            orderedDoseMgPerKg = nil
            orderedDoseMg = dose.value
        }
        weight = calculation.weight.map {
            Weight(
                actualKg: $0.actual.value, measuredAt: $0.measuredAt.ISO8601Format(), basis: $0.basis.rawValue, basisKg: $0.basisWeight.value,
                usedKg: $0.used.value, capped: $0.isCapped, bmi: $0.bmi?.value, idealKg: $0.idealWeight?.value
            )
        }
        calculatedDoseMg = calculation.calculatedDose.value
        doseMg = calculation.dose.value
        concentrationMgPerMl = calculation.concentration?.value
        volumeMl = calculation.volume?.value
        rateMlPerH = calculation.infusion?.rate.value
        rateMgPerKgPerH = calculation.infusion?.ratePerKilogram?.value
        infusionMin = calculation.infusion?.duration.value
        actualInfusionMin = calculation.infusion?.actualDuration.value
        volumeToBeInfusedMl = calculation.infusion?.volumeToBeInfused.value
        bagTotalMl = calculation.infusion?.bag?.totalVolume.value
        devices = calculation.devices?.count
        minutesBetweenDevices = calculation.devices?.minutesBetweenDevices.value
        deviceOffsetsMin = calculation.devices?.offsets.map(\.value)
        limit = Limit(status: calculation.check.status, limit: calculation.check.limit)
        limitFindings = calculation.findings.map { Limit(status: $0.severity.rawValue, limit: $0) }
        orderable = calculation.check.isOrderable
        requiresOverrideReason = calculation.check.requiresOverrideReason
        limitsNeedReview = entry.limits.provenance.needsReview
        summary = Self.summary(calculation, rounding: rounding)
    }

    private enum CodingKeys: String, CodingKey {
        case route, product, weight, devices, limit, orderable, summary
        case entryID = "entry_id"
        case doseUnit = "dose_unit"
        case orderedDoseMgPerKg = "ordered_dose_mg_per_kg"
        case orderedDoseMg = "ordered_dose_mg"
        case calculatedDoseMg = "calculated_dose_mg"
        case doseMg = "dose_mg"
        case concentrationMgPerMl = "concentration_mg_per_ml"
        case volumeMl = "volume_ml"
        case rateMlPerH = "rate_ml_per_h"
        case rateMgPerKgPerH = "rate_mg_per_kg_per_h"
        case infusionMin = "infusion_min"
        case actualInfusionMin = "actual_infusion_min"
        case volumeToBeInfusedMl = "volume_to_be_infused_ml"
        case bagTotalMl = "bag_total_ml"
        case minutesBetweenDevices = "minutes_between_devices"
        case deviceOffsetsMin = "device_offsets_min"
        case limitFindings = "limit_findings"
        case requiresOverrideReason = "requires_override_reason"
        case limitsNeedReview = "limits_need_review"
    }

    /// Encodes every key, writing `null` for absent values so clients can rely on the keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(route, forKey: .route)
        try c.encode(entryID, forKey: .entryID)
        try c.encode(product, forKey: .product)
        try c.encode(doseUnit, forKey: .doseUnit)
        try c.encode(orderedDoseMgPerKg, forKey: .orderedDoseMgPerKg)
        try c.encode(orderedDoseMg, forKey: .orderedDoseMg)
        try c.encode(weight, forKey: .weight)
        try c.encode(calculatedDoseMg, forKey: .calculatedDoseMg)
        try c.encode(doseMg, forKey: .doseMg)
        try c.encode(concentrationMgPerMl, forKey: .concentrationMgPerMl)
        try c.encode(volumeMl, forKey: .volumeMl)
        try c.encode(rateMlPerH, forKey: .rateMlPerH)
        try c.encode(rateMgPerKgPerH, forKey: .rateMgPerKgPerH)
        try c.encode(infusionMin, forKey: .infusionMin)
        try c.encode(actualInfusionMin, forKey: .actualInfusionMin)
        try c.encode(volumeToBeInfusedMl, forKey: .volumeToBeInfusedMl)
        try c.encode(bagTotalMl, forKey: .bagTotalMl)
        try c.encode(devices, forKey: .devices)
        try c.encode(minutesBetweenDevices, forKey: .minutesBetweenDevices)
        try c.encode(deviceOffsetsMin, forKey: .deviceOffsetsMin)
        try c.encode(limit, forKey: .limit)
        try c.encode(limitFindings, forKey: .limitFindings)
        try c.encode(orderable, forKey: .orderable)
        try c.encode(requiresOverrideReason, forKey: .requiresOverrideReason)
        try c.encode(limitsNeedReview, forKey: .limitsNeedReview)
        try c.encode(summary, forKey: .summary)
    }

    // MARK: - Text

    /// The human summary: dose arithmetic, what to draw, pump or device instructions, and the limit outcome.
    private static func summary(_ calculation: DoseCalculation, rounding: DoseRoundingPolicy) -> String {
        let mgPlaces = rounding.dose.places
        var lines: [String] = []
        let delivered = calculation.dose.formatted(places: mgPlaces)
        if case .perKilogram(let perKg) = calculation.ordered, let weight = calculation.weight {
            var basis = "\(weight.basis.rawValue) weight"
            if weight.isCapped { basis += ", capped from \(weight.basisWeight.formatted(places: 1))" }
            lines.append("\(calculation.entry.name): \(perKg) × \(weight.used.formatted(places: 1)) (\(basis)) = \(delivered)")
        } else {
            lines.append("\(calculation.entry.name): \(delivered)")
        }
        if calculation.calculatedDose != calculation.dose {
            lines.append("Calculated \(calculation.calculatedDose); the rounded volume delivers \(delivered).")
        }
        if let devices = calculation.devices {
            let offsets = devices.offsets.map { $0.value.fixedString(places: 0) }.joined(separator: ", ")
            let plural = devices.count == 1 ? "" : "s"
            lines.append("\(devices.count) device\(plural) of \(devices.strength), one every \(devices.minutesBetweenDevices) (at \(offsets) min).")
        }
        if let volume = calculation.volume {
            let places = volume < rounding.smallVolumeBelow ? rounding.smallVolume.places : rounding.volume.places
            let source = calculation.infusion?.bag?.stock ?? calculation.concentration
            lines.append("Draw \(volume.formatted(places: places))\(source.map { " of \($0)" } ?? "").")
        }
        if let infusion = calculation.infusion {
            if let bag = infusion.bag {
                let drug = bag.includesDrugVolume ? " + drug volume" : ""
                let final = bag.finalConcentration.formatted(places: rounding.concentration.places)
                lines.append("Add to \(bag.diluent) diluent\(drug) = \(bag.totalVolume) at \(final).")
            }
            var pump = "Pump: \(infusion.rate.formatted(places: rounding.rate.places)), volume to be infused \(infusion.volumeToBeInfused)"
            pump += ", over \(infusion.actualDuration.formatted(places: rounding.minutes.places)) (ordered \(infusion.duration))"
            if let perKg = infusion.ratePerKilogram { pump += "; \(perKg.formatted(places: rounding.ratePerKilogram.places))" }
            lines.append(pump + ".")
        }
        switch calculation.check {
        case .within:
            lines.append("Limits: within.")
        case .soft(let limit):
            lines.append("Limits: SOFT — \(limit.message). A reason is required to order.")
        case .hard(let limit):
            lines.append("Limits: HARD — \(limit.message). This dose cannot be ordered.")
        }
        if calculation.entry.limits.provenance.needsReview {
            lines.append("Note: these library limits are design defaults the clinic must review (DOMAIN.md §4.8).")
        }
        return lines.joined(separator: "\n")
    }
}

extension Provenance {
    /// `sourced`, `unconfirmed` or `design_default`.
    var reportKey: String {
        switch self {
        case .sourced: "sourced"
        case .unconfirmed: "unconfirmed"
        case .designDefault: "design_default"
        }
    }
}
