public import Foundation

/// How urgent an in-session alert is, lowest first (DOMAIN.md §6.5, §1.8).
public enum AlertLevel: String, Codable, Sendable, CaseIterable, Comparable {
    /// Document only (CADSS rise, MOAA/S 4).
    case info
    /// Recheck and notify the clinician.
    case warning
    /// The clinician comes to the bedside (MOAA/S ≤2).
    case urgent
    /// Pause or stop dosing; clinician at the bedside (DOMAIN.md §6.5 "critical").
    case stopDosing = "stop_dosing"
    /// Stop dosing and call emergency care (airway, hypertensive crisis symptoms).
    case emergency

    /// Declaration order is severity order.
    public static func < (lhs: AlertLevel, rhs: AlertLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How a threshold compares an observed value with its limit.
public enum AlertComparison: String, Codable, Sendable {
    /// Fires when value ≥ limit.
    case atLeast = "at_least"
    /// Fires when value > limit.
    case above
    /// Fires when value < limit.
    case below
    /// Fires when value ≤ limit.
    case atMost = "at_most"

    /// Whether `value` crosses `limit`.
    public func isCrossed(by value: Decimal, limit: Decimal) -> Bool {
        switch self {
        case .atLeast: value >= limit
        case .above: value > limit
        case .below: value < limit
        case .atMost: value <= limit
        }
    }

    /// The symbol shown in the threshold's name.
    public var symbol: String {
        switch self {
        case .atLeast: "≥"
        case .above: ">"
        case .below: "<"
        case .atMost: "≤"
        }
    }
}

/// One configurable threshold on one vital signal, with what crossing it means.
public struct VitalThreshold<Level: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The configuration key the clinic edits (`alerts.sbp.warning`).
    public var key: String
    /// The signal compared.
    public var signal: VitalSignal
    /// The comparison.
    public var comparison: AlertComparison
    /// The limit, in the signal's unit.
    public var limit: Decimal
    /// What crossing it means.
    public var level: Level
    /// What the nurse should do, shown with the alert.
    public var action: String
    /// Where the value came from.
    public var provenance: Provenance

    /// Creates a threshold.
    public init(
        key: String, signal: VitalSignal, comparison: AlertComparison, limit: Decimal, level: Level, action: String,
        provenance: Provenance
    ) {
        self.key = key
        self.signal = signal
        self.comparison = comparison
        self.limit = limit
        self.level = level
        self.action = action
        self.provenance = provenance
    }

    /// "SBP ≥ 160 mmHg": the threshold as people read it.
    public var name: String { "\(signal.rawValue) \(comparison.symbol) \(limit) \(signal.unit)" }

    /// Whether `vitals` cross this threshold; `false` when the signal is missing (no temperature, no baseline).
    public func isCrossed(by vitals: VitalSigns, baseline: VitalSigns?) -> Bool {
        guard let value = vitals.value(of: signal, baseline: baseline) else { return false }
        return comparison.isCrossed(by: value, limit: limit)
    }
}

/// An alert raised by an observation: what crossed which threshold and what to do.
public struct SessionAlert: Codable, Sendable, Equatable {
    /// The configuration key of the threshold that fired.
    public var key: String
    /// The signal or assessment (`systolic`, `moaas`, `side_effect.vomiting`).
    public var signal: String
    /// How urgent.
    public var level: AlertLevel
    /// The threshold as people read it (`systolic ≥ 180 mmHg`).
    public var threshold: String
    /// The observed value.
    public var observed: Decimal?
    /// What to do.
    public var action: String
    /// Where the threshold came from (review flag for the UI).
    public var provenance: Provenance

    /// Creates an alert.
    public init(
        key: String, signal: String, level: AlertLevel, threshold: String, observed: Decimal?, action: String, provenance: Provenance
    ) {
        self.key = key
        self.signal = signal
        self.level = level
        self.threshold = threshold
        self.observed = observed
        self.action = action
        self.provenance = provenance
    }
}

extension VitalSigns {
    /// The alerts this set raises against the in-session thresholds (DOMAIN.md §6.5), most severe first.
    ///
    /// For each signal only the most severe crossed threshold is reported (SBP 185 is one stop-dosing alert, not also a warning).
    /// Rise thresholds need `baseline` (the pre-dose set); without it they cannot fire.
    public func alerts(_ thresholds: [VitalThreshold<AlertLevel>], baseline: VitalSigns?) -> [SessionAlert] {
        var worst: [VitalSignal: VitalThreshold<AlertLevel>] = [:]
        for threshold in thresholds where threshold.isCrossed(by: self, baseline: baseline) {
            if let current = worst[threshold.signal], current.level >= threshold.level { continue }
            worst[threshold.signal] = threshold
        }
        let alerts = VitalSignal.allCases.compactMap { signal in
            worst[signal].map { threshold in
                SessionAlert(
                    key: threshold.key, signal: signal.rawValue, level: threshold.level, threshold: threshold.name,
                    observed: value(of: signal, baseline: baseline), action: threshold.action, provenance: threshold.provenance)
            }
        }
        // Most severe first; ties keep the fixed signal order so the result is deterministic.
        return AlertLevel.allCases.reversed().flatMap { level in alerts.filter { $0.level == level } }
    }
}
