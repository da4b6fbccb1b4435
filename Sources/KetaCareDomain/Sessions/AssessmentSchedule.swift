public import Foundation

/// When CADSS and MOAA/S are rated, and what their scores mean (DOMAIN.md §6.4, §6.5, §1.7, §1.8).
public struct AssessmentPolicy: Codable, Sendable, Equatable {
    /// MOAA/S interval after dosing starts, until resolved (`every 15 min`).
    public var moaasEveryMinutes: Sourced<Int>
    /// How many consecutive post-dose ratings equal to the pre-dose rating end the MOAA/S series.
    public var moaasConsecutiveToResolve: Sourced<Int>
    /// CADSS timepoints per profile, in minutes after the anchor (about 40 min).
    public var cadssTimepoints: [ProfileTimepoint]
    /// MOAA/S thresholds (≤4 note, ≤3 warning, ≤2 urgent, ≤1 emergency).
    public var moaasThresholds: [ScoreThreshold]
    /// CADSS rise above the pre-dose total that raises an informational alert (>4).
    public var cadssRiseAbovePreDose: ScoreThreshold
    /// The MOAA/S range (0–5).
    public var moaasRange: ClosedRange<Int>
    /// The CADSS total range (23-item trial version: 0–92).
    public var cadssRange: Sourced<ClosedRange<Int>>

    /// Creates assessment rules.
    public init(
        moaasEveryMinutes: Sourced<Int>, moaasConsecutiveToResolve: Sourced<Int>, cadssTimepoints: [ProfileTimepoint],
        moaasThresholds: [ScoreThreshold], cadssRiseAbovePreDose: ScoreThreshold, moaasRange: ClosedRange<Int>,
        cadssRange: Sourced<ClosedRange<Int>>
    ) {
        self.moaasEveryMinutes = moaasEveryMinutes
        self.moaasConsecutiveToResolve = moaasConsecutiveToResolve
        self.cadssTimepoints = cadssTimepoints
        self.moaasThresholds = moaasThresholds
        self.cadssRiseAbovePreDose = cadssRiseAbovePreDose
        self.moaasRange = moaasRange
        self.cadssRange = cadssRange
    }
}

/// A timepoint that applies to one monitoring profile.
public struct ProfileTimepoint: Codable, Sendable, Equatable {
    /// The profile.
    public var profile: MonitoringProfile
    /// When.
    public var timepoint: MonitoringTimepoint
    /// Where it came from.
    public var provenance: Provenance

    /// Creates a profile timepoint.
    public init(profile: MonitoringProfile, timepoint: MonitoringTimepoint, provenance: Provenance) {
        self.profile = profile
        self.timepoint = timepoint
        self.provenance = provenance
    }
}

/// A threshold on an integer score.
public struct ScoreThreshold: Codable, Sendable, Equatable {
    /// The configuration key (`alerts.moaas.urgent`).
    public var key: String
    /// The comparison.
    public var comparison: AlertComparison
    /// The limit.
    public var limit: Int
    /// What crossing it means.
    public var level: AlertLevel
    /// What to do.
    public var action: String
    /// Where it came from.
    public var provenance: Provenance

    /// Creates a score threshold.
    public init(key: String, comparison: AlertComparison, limit: Int, level: AlertLevel, action: String, provenance: Provenance) {
        self.key = key
        self.comparison = comparison
        self.limit = limit
        self.level = level
        self.action = action
        self.provenance = provenance
    }

    /// Whether `value` crosses it.
    public func isCrossed(by value: Int) -> Bool { comparison.isCrossed(by: Decimal(value), limit: Decimal(limit)) }

    /// The alert this threshold raises for an observed score.
    func alert(signal: String, observed: Int) -> SessionAlert {
        SessionAlert(
            key: key, signal: signal, level: level, threshold: "\(signal) \(comparison.symbol) \(limit)", observed: Decimal(observed),
            action: action, provenance: provenance)
    }
}

/// A scheduled assessment: which instrument and when.
public struct ScheduledAssessment: Codable, Sendable, Equatable {
    /// The instrument (`cadss`, `moaas`).
    public var instrument: String
    /// When it is due.
    public var dueAt: Date
}

extension AssessmentPolicy {
    /// The CADSS times after dosing for a profile (pre-dose and before-discharge ratings are checklist events, not times).
    public func cadssTimes(profile: MonitoringProfile, dosingStart: Date, dosingEnd: Date?) -> [ScheduledAssessment] {
        cadssTimepoints.filter { $0.profile == profile }.compactMap { entry in
            let anchor: Date? = entry.timepoint.anchor == .dosingStart ? dosingStart : dosingEnd
            return anchor.map { ScheduledAssessment(instrument: "cadss", dueAt: $0.addingTimeInterval(Double(entry.timepoint.minute) * 60)) }
        }
    }

    /// The next MOAA/S rating due, or `nil` once the last `moaasConsecutiveToResolve` ratings equal the pre-dose rating.
    ///
    /// `ratings` are the post-dose ratings with their times, in any order.
    public func nextMOAASDue(preDose: Int, ratings: [(at: Date, score: Int)], dosingStart: Date) -> Date? {
        let sorted = ratings.filter { $0.at >= dosingStart }.sorted { $0.at < $1.at }
        let needed = moaasConsecutiveToResolve.value
        if sorted.count >= needed, sorted.suffix(needed).allSatisfy({ $0.score == preDose }) { return nil }
        let latest = sorted.last?.at ?? dosingStart
        return latest.addingTimeInterval(Double(moaasEveryMinutes.value) * 60)
    }

    /// The most severe MOAA/S alert for a rating, or `nil`; throws when the rating is outside 0–5.
    public func moaasAlert(_ score: Int) throws(SessionError) -> SessionAlert? {
        guard moaasRange.contains(score) else { throw SessionError.outOfRange(field: "moaas", value: score, range: moaasRange) }
        return moaasThresholds.filter { $0.isCrossed(by: score) }.max { $0.level < $1.level }?.alert(signal: "moaas", observed: score)
    }

    /// The CADSS informational alert when the total rises more than the threshold above pre-dose; throws on an impossible total.
    public func cadssAlert(total: Int, preDose: Int) throws(SessionError) -> SessionAlert? {
        let range = cadssRange.value
        guard range.contains(preDose) else { throw SessionError.outOfRange(field: "cadss_pre_dose", value: preDose, range: range) }
        guard range.contains(total) else { throw SessionError.outOfRange(field: "cadss", value: total, range: range) }
        let rise = total - preDose
        return cadssRiseAbovePreDose.isCrossed(by: rise) ? cadssRiseAbovePreDose.alert(signal: "cadss_rise", observed: rise) : nil
    }
}
