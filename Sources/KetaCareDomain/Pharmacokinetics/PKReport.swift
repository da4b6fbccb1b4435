public import Foundation

/// The `ketacare pk` answer: JSON with snake_case keys and a text summary.
///
/// Keys: `route`, `model`, `model_name`, `citation`, `sampling`, `analyte`, `dose_mg`, `times_min`,
/// `concentration_ng_per_ml` (same length), `peak_ng_per_ml`, `peak_min`, `metabolite`, `metabolite_ng_per_ml`,
/// `metabolite_peak_ng_per_ml`, `metabolite_peak_min`, `below_level`, `placeholders`, `variability_band`, `caveats`, `summary`.
public struct PKReport: Encodable, Sendable, Equatable {
    /// When the curve falls below a level.
    public struct Level: Encodable, Sendable, Equatable {
        /// The level, ng/mL.
        public let levelNgPerMl: Double
        /// `never_reached`, `falls_below` or `still_above`.
        public let status: String
        /// The minute (falls below: when; still above: the last time simulated).
        public let minute: Double?

        private enum CodingKeys: String, CodingKey {
            case status
            case levelNgPerMl = "level_ng_per_ml"
            case minute = "time_min"
        }

        /// Encodes every key, `null` when absent.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(levelNgPerMl, forKey: .levelNgPerMl)
            try c.encode(status, forKey: .status)
            try c.encode(minute, forKey: .minute)
        }
    }

    /// Route spelling.
    public let route: String
    /// Model id.
    public let model: String
    /// Model name.
    public let modelName: String
    /// Model reference.
    public let citation: String
    /// `venous` or `arterial`.
    public let sampling: String
    /// The parent analyte.
    public let analyte: String
    /// Dose in mg.
    public let doseMg: Decimal
    /// Requested times.
    public let timesMin: [Double]
    /// Parent ng/mL at those times (2 decimals).
    public let concentrationNgPerMl: [Double]
    /// Predicted parent peak (1 decimal).
    public let peakNgPerMl: Double
    /// Predicted peak time, min.
    public let peakMin: Double
    /// Metabolite name, if shown.
    public let metabolite: String?
    /// Metabolite ng/mL at the requested times.
    public let metaboliteNgPerMl: [Double]?
    /// Metabolite peak.
    public let metabolitePeakNgPerMl: Double?
    /// Metabolite peak time.
    public let metabolitePeakMin: Double?
    /// Level crossing, when a level was set.
    public let belowLevel: Level?
    /// Parameters that are placeholders ([A] in PK.md).
    public let placeholders: [String]
    /// The ± fraction to draw around the curve.
    public let variabilityBand: Double
    /// What to tell the clinician.
    public let caveats: [String]
    /// Text summary.
    public let summary: String

    /// Builds the report.
    public init(_ prediction: PKPrediction, policy: PKPolicy = .seed) {
        route = prediction.route.rawValue
        model = prediction.model.id
        modelName = prediction.model.name
        citation = prediction.model.citation.reference
        sampling = prediction.model.sampling.rawValue
        analyte = prediction.curve.analyte
        doseMg = prediction.dose.value
        timesMin = prediction.curve.timesMinutes
        concentrationNgPerMl = prediction.curve.concentrationsNgPerML.map { Self.round($0, 2) }
        peakNgPerMl = Self.round(prediction.peak.concentration.value, 1)
        peakMin = prediction.peak.minute
        metabolite = prediction.metaboliteCurve?.analyte
        metaboliteNgPerMl = prediction.metaboliteCurve?.concentrationsNgPerML.map { Self.round($0, 2) }
        metabolitePeakNgPerMl = prediction.metabolitePeak.map { Self.round($0.concentration.value, 1) }
        metabolitePeakMin = prediction.metabolitePeak?.minute
        belowLevel = prediction.belowLevel.map {
            Level(levelNgPerMl: $0.level.value, status: $0.crossing.status, minute: $0.crossing.minute.map { Self.round($0, 1) })
        }
        var placeholders: [String] = []
        if let absorption = prediction.absorption {
            if absorption.bioavailabilitySource.evidence.isPlaceholder { placeholders.append("F = \(absorption.bioavailability)") }
            if absorption.kaSource.evidence.isPlaceholder { placeholders.append("ka = \(absorption.kaPerMinute) /min") }
        }
        self.placeholders = placeholders
        variabilityBand = policy.variabilityBand.value
        caveats = prediction.caveats
        summary = Self.summary(prediction, placeholders: placeholders)
    }

    private enum CodingKeys: String, CodingKey {
        case route, model, citation, sampling, analyte, metabolite, placeholders, caveats, summary
        case modelName = "model_name"
        case doseMg = "dose_mg"
        case timesMin = "times_min"
        case concentrationNgPerMl = "concentration_ng_per_ml"
        case peakNgPerMl = "peak_ng_per_ml"
        case peakMin = "peak_min"
        case metaboliteNgPerMl = "metabolite_ng_per_ml"
        case metabolitePeakNgPerMl = "metabolite_peak_ng_per_ml"
        case metabolitePeakMin = "metabolite_peak_min"
        case belowLevel = "below_level"
        case variabilityBand = "variability_band"
    }

    /// Encodes every key, `null` when absent.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(route, forKey: .route)
        try c.encode(model, forKey: .model)
        try c.encode(modelName, forKey: .modelName)
        try c.encode(citation, forKey: .citation)
        try c.encode(sampling, forKey: .sampling)
        try c.encode(analyte, forKey: .analyte)
        try c.encode(doseMg, forKey: .doseMg)
        try c.encode(timesMin, forKey: .timesMin)
        try c.encode(concentrationNgPerMl, forKey: .concentrationNgPerMl)
        try c.encode(peakNgPerMl, forKey: .peakNgPerMl)
        try c.encode(peakMin, forKey: .peakMin)
        try c.encode(metabolite, forKey: .metabolite)
        try c.encode(metaboliteNgPerMl, forKey: .metaboliteNgPerMl)
        try c.encode(metabolitePeakNgPerMl, forKey: .metabolitePeakNgPerMl)
        try c.encode(metabolitePeakMin, forKey: .metabolitePeakMin)
        try c.encode(belowLevel, forKey: .belowLevel)
        try c.encode(placeholders, forKey: .placeholders)
        try c.encode(variabilityBand, forKey: .variabilityBand)
        try c.encode(caveats, forKey: .caveats)
        try c.encode(summary, forKey: .summary)
    }

    /// `value` rounded to `places` decimals.
    static func round(_ value: Double, _ places: Int) -> Double {
        let scale = pow(10.0, Double(places))
        return (value * scale).rounded() / scale
    }

    /// The text summary.
    private static func summary(_ prediction: PKPrediction, placeholders: [String]) -> String {
        var lines = ["\(prediction.model.name) — \(prediction.route.rawValue), \(prediction.dose) (\(prediction.model.sampling.rawValue) plasma)"]
        let rows = zip(prediction.curve.timesMinutes, prediction.curve.concentrationsNgPerML).map { time, value in
            "  \(Self.format(time)) min: \(Self.format(round(value, 1))) ng/mL"
        }
        lines += rows
        lines.append("Peak \(Self.format(round(prediction.peak.concentration.value, 1))) ng/mL at \(Self.format(prediction.peak.minute)) min.")
        if let peak = prediction.metabolitePeak, let name = prediction.metaboliteCurve?.analyte {
            lines.append("\(name.capitalized) peak \(Self.format(round(peak.concentration.value, 1))) ng/mL at \(Self.format(peak.minute)) min.")
        }
        if let below = prediction.belowLevel {
            let level = Self.format(below.level.value)
            switch below.crossing {
            case .neverReached: lines.append("Never reaches \(level) ng/mL.")
            case .fallsBelow(let minute): lines.append("Falls below \(level) ng/mL at \(Self.format(round(minute, 1))) min.")
            case .stillAbove(let minute): lines.append("Still at or above \(level) ng/mL at \(Self.format(minute)) min.")
            }
        }
        if !placeholders.isEmpty { lines.append("Placeholder parameters [A]: \(placeholders.joined(separator: ", ")).") }
        lines += prediction.caveats.map { "Note: \($0)" }
        return lines.joined(separator: "\n")
    }

    /// Shortest text for a double: "40", "52.5".
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
