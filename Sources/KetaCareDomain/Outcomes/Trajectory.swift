public import Foundation

/// One total on one date: the input to every outcome calculation.
public struct ScorePoint: Sendable, Equatable, Hashable, Codable {
    /// When the instrument was administered.
    public var date: Date
    /// The total.
    public var total: Int

    /// Creates a point.
    public init(date: Date, total: Int) {
        self.date = date
        self.total = total
    }
}

/// How long a response lasted (DOMAIN.md §2, durability).
public struct Durability: Sendable, Equatable, Codable {
    /// Date of the first response.
    public let responseDate: Date
    /// Date of the first later score that no longer meets the response definition, or the last score when none has.
    public let endDate: Date
    /// Days from `responseDate` to `endDate`.
    public let days: Double
    /// True when the response still held at the last score (the duration is censored there).
    public let isOngoing: Bool
}

/// Everything the outcomes page shows for one patient and instrument (DOMAIN.md §2).
public struct OutcomeReport: Sendable, Equatable, Codable {
    /// Instrument id.
    public let instrumentID: String
    /// The baseline, nil when none lies within the window ("no valid baseline", DOMAIN.md §2.1).
    public let baseline: ScorePoint?
    /// The latest score after the baseline.
    public let latest: ScorePoint?
    /// Change from baseline to latest.
    public let change: ScoreChange?
    /// Response at the latest score; nil when undefined (no definition, no follow-up, or a 0 baseline with a percent rule).
    public let isResponse: Bool?
    /// Remission at the latest score.
    public let isRemission: Bool?
    /// Whether the reduction reaches the MCID at the latest score.
    public let meetsMCID: Bool?
    /// Reliable change from baseline to latest, nil until the parameters are entered.
    public let reliableChange: ReliableChange?
    /// The first score after baseline that met the response definition.
    public let firstResponse: ScorePoint?
    /// Days from the first treatment to `firstResponse`.
    public let daysToFirstResponse: Double?
    /// How long the first response lasted.
    public let durability: Durability?

    /// True when a baseline was found in the window.
    public var hasValidBaseline: Bool { baseline != nil }
}

/// A patient's totals on one instrument over time, with the outcome calculations of DOMAIN.md §2.
///
/// Pure: every date is passed in; nothing reads the clock.
public struct Trajectory: Sendable, Equatable {
    /// Seconds in a day; durations are reported in days of 86,400 s (calendar-free, so deterministic).
    public static let secondsPerDay: Double = 86_400

    /// The points in date order (ties keep their given order).
    public let points: [ScorePoint]

    /// Creates a trajectory, sorting the points by date.
    public init(_ points: [ScorePoint]) {
        self.points = points.enumerated()
            .sorted { $0.element.date != $1.element.date ? $0.element.date < $1.element.date : $0.offset < $1.offset }
            .map(\.element)
    }

    /// DOMAIN.md §2.1: the score closest before (or at) the first treatment, no more than `windowDays` days before it.
    public func baseline(firstTreatment: Date, windowDays: Int) -> ScorePoint? {
        // DOMAIN.md §2.1
        let earliest = firstTreatment.addingTimeInterval(-Double(windowDays) * Self.secondsPerDay)
        return points.last { $0.date <= firstTreatment && $0.date >= earliest }
    }

    /// Scores strictly after `baseline`.
    public func followUps(after baseline: ScorePoint) -> [ScorePoint] {
        points.filter { $0.date > baseline.date }
    }

    /// The latest score strictly after `baseline`.
    public func latest(after baseline: ScorePoint) -> ScorePoint? {
        followUps(after: baseline).last
    }

    /// The first score after `baseline` that meets `criterion`.
    public func firstResponse(after baseline: ScorePoint, criterion: ResponseCriterion) -> ScorePoint? {
        followUps(after: baseline).first { criterion.isMet(baseline: baseline.total, current: $0.total) == true }
    }

    /// Days from `firstTreatment` to the first response (time to first response).
    public func daysToFirstResponse(after baseline: ScorePoint, firstTreatment: Date, criterion: ResponseCriterion) -> Double? {
        firstResponse(after: baseline, criterion: criterion).map { Self.days(from: firstTreatment, to: $0.date) }
    }

    /// Durability: days from the first response until the first later score that no longer meets `criterion`.
    public func durability(after baseline: ScorePoint, criterion: ResponseCriterion) -> Durability? {
        guard let response = firstResponse(after: baseline, criterion: criterion) else { return nil }
        let later = points.filter { $0.date > response.date }
        if let lost = later.first(where: { criterion.isMet(baseline: baseline.total, current: $0.total) != true }) {
            return Durability(responseDate: response.date, endDate: lost.date, days: Self.days(from: response.date, to: lost.date), isOngoing: false)
        }
        let end = later.last?.date ?? response.date
        return Durability(responseDate: response.date, endDate: end, days: Self.days(from: response.date, to: end), isOngoing: true)
    }

    /// All outcomes for this trajectory against `criteria`.
    public func evaluate(firstTreatment: Date, criteria: OutcomeCriteria, windowDays: Int) -> OutcomeReport {
        guard let baseline = baseline(firstTreatment: firstTreatment, windowDays: windowDays) else {
            return OutcomeReport(
                instrumentID: criteria.instrumentID, baseline: nil, latest: nil, change: nil, isResponse: nil, isRemission: nil,
                meetsMCID: nil, reliableChange: nil, firstResponse: nil, daysToFirstResponse: nil, durability: nil
            )
        }
        let latest = latest(after: baseline)
        let change = latest.map { ScoreChange(baseline: baseline.total, current: $0.total) }
        return OutcomeReport(
            instrumentID: criteria.instrumentID,
            baseline: baseline,
            latest: latest,
            change: change,
            isResponse: latest.flatMap { criteria.response?.isMet(baseline: baseline.total, current: $0.total) },
            isRemission: latest.flatMap { criteria.remission?.isMet(total: $0.total, bandSet: criteria.bandSet) },
            meetsMCID: change.flatMap { change in criteria.mcid.map { change.reduction >= $0 } },
            reliableChange: latest.flatMap { point in
                criteria.reliableChange.flatMap {
                    ReliableChange.evaluate(pre: baseline.total, post: point.total, parameters: $0, criticalZ: criteria.criticalZ)
                }
            },
            firstResponse: criteria.response.flatMap { firstResponse(after: baseline, criterion: $0) },
            daysToFirstResponse: criteria.response.flatMap { daysToFirstResponse(after: baseline, firstTreatment: firstTreatment, criterion: $0) },
            durability: criteria.response.flatMap { durability(after: baseline, criterion: $0) }
        )
    }

    /// Days between two dates (86,400 s per day).
    public static func days(from start: Date, to end: Date) -> Double {
        end.timeIntervalSince(start) / secondsPerDay
    }
}
