import Foundation

/// What `ketacare score INSTRUMENT --answers … [--json]` prints, built from a `Score`.
///
/// JSON keys, exactly: `instrument`, `total` (null when not computed), `severity`, `subscales` (name → value),
/// `alerts` (a list, empty when none), `complete`, `positive_screen`.
public struct ScoreReport: Encodable, Sendable, Equatable {
    /// Instrument id.
    public let instrument: String
    /// Total, or nil when the missing-item rule forbids one.
    public let total: Int?
    /// Band label (or risk level / rating descriptor) as the manual words it.
    public let severity: String?
    /// Subscale id → value (nil when not computable).
    public let subscales: [String: Int?]
    /// Alerts, most urgent first.
    public let alerts: [Alert]
    /// Whether every required item was answered.
    public let complete: Bool
    /// Positive screen, nil when the instrument has no cutoff or there is no total.
    public let positiveScreen: Bool?
    /// The plain-text summary for the non-JSON output.
    public let textSummary: String

    /// One alert as reported.
    public struct Alert: Encodable, Sendable, Equatable {
        /// Alert kind (`selfHarm`, `suicideRisk`, `sedation`, …).
        public let kind: String
        /// Priority (`info` … `emergency`).
        public let priority: String
        /// 1-based answer position, or nil for a derived alert.
        public let item: Int?
        /// Triggering value.
        public let value: Int?
        /// Sentence for the clinician.
        public let message: String
        /// DOMAIN.md section.
        public let source: String
        /// Whether dosing is blocked.
        public let blocksDosing: Bool

        private enum CodingKeys: String, CodingKey {
            case kind, priority, item, value, message, source
            case blocksDosing = "blocks_dosing"
        }

        /// Encodes every key, with null for absent values.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(priority, forKey: .priority)
            try container.encode(item, forKey: .item)
            try container.encode(value, forKey: .value)
            try container.encode(message, forKey: .message)
            try container.encode(source, forKey: .source)
            try container.encode(blocksDosing, forKey: .blocksDosing)
        }
    }

    /// Builds the report for `score` of `instrument`.
    public init(score: Score, instrument: Instrument) {
        self.instrument = score.instrumentID
        total = score.total
        severity = score.severity
        var subscales: [String: Int?] = [:]
        for subscale in score.subscales { subscales[subscale.id] = .some(subscale.value) }
        self.subscales = subscales
        alerts = score.alerts.map {
            Alert(
                kind: $0.kind.rawValue,
                priority: $0.priority.rawValue,
                item: $0.item,
                value: $0.value,
                message: $0.message,
                source: $0.section,
                blocksDosing: $0.blocksDosing
            )
        }
        complete = score.isComplete
        positiveScreen = score.positiveScreen
        textSummary = Self.summary(score, instrument)
    }

    private enum CodingKeys: String, CodingKey {
        case instrument, total, severity, subscales, alerts, complete
        case positiveScreen = "positive_screen"
    }

    /// Encodes the seven keys, with null for an absent total, severity or positive screen.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(instrument, forKey: .instrument)
        try container.encode(total, forKey: .total)
        try container.encode(severity, forKey: .severity)
        try container.encode(subscales, forKey: .subscales)
        try container.encode(alerts, forKey: .alerts)
        try container.encode(complete, forKey: .complete)
        try container.encode(positiveScreen, forKey: .positiveScreen)
    }

    // MARK: - Text

    private static func summary(_ score: Score, _ instrument: Instrument) -> String {
        var lines = [instrument.title]
        let missing = score.missingItems.compactMap { link in instrument.items.first { $0.linkId == link }?.displayName }
        if instrument.scoring.method == .triage {
            lines.append("Risk level: \(score.severity ?? "not determined (unanswered items)")")
        } else if let total = score.total {
            let range = score.totalRange.map { " (range \($0.min)–\($0.max))" } ?? ""
            let band = score.severity.map { ": \($0)" } ?? ""
            let prorated =
                score.isProrated ? ", prorated from \(instrument.scoredItems.count - missing.count) of \(instrument.scoredItems.count) items" : ""
            lines.append("Total: \(total)\(range)\(band)\(prorated)")
        } else {
            lines.append("Total: not computed (missing items; DOMAIN.md §1.0 missing-item rule)")
        }
        if !missing.isEmpty { lines.append("Incomplete: missing \(missing.joined(separator: ", "))") }
        if let mean = score.meanItem { lines.append("Mean item score: \(String(format: "%.2f", mean))") }
        if let positive = score.positiveScreen, let cutoff = score.positiveScreenCutoff {
            lines.append("Positive screen (≥\(cutoff)): \(positive ? "yes" : "no")")
        }
        if let rule = instrument.scoring.endorsement {
            let met = score.endorsementMet.map { $0 ? "met" : "not met" } ?? "undetermined (missing items)"
            lines.append("\(rule.label): \(met)")
        }
        for subscale in score.subscales {
            let value = subscale.value.map(String.init) ?? "not computed"
            lines.append("  \(subscale.name): \(value) (range \(subscale.range.min)–\(subscale.range.max))")
        }
        if score.alerts.isEmpty {
            lines.append("Alerts: none")
        } else {
            lines.append("Alerts:")
            for alert in score.alerts {
                let blocks = alert.blocksDosing ? " Dosing blocked until a clinician documents a review." : ""
                lines.append("  [\(alert.priority.rawValue.uppercased())] \(alert.message)\(blocks) (\(alert.section))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
