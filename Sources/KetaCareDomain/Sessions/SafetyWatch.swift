public import Foundation

/// One past or scheduled session as the long-term safety watch sees it (issue #5).
public struct PastSession: Codable, Sendable, Equatable {
    /// When it took place (or was scheduled, for a missed one).
    public var date: Date
    /// The dose given, in mg; `nil` for a missed session.
    public var dose: Milligrams?
    /// The weight the dose was calculated on, in kg; `nil` when not weight-based or unknown.
    public var weight: Kilograms?
    /// Whether the patient attended.
    public var attended: Bool
    /// Whether the patient asked for this session earlier than planned.
    public var requestedEarly: Bool
    /// The drug given (racemic or esketamine), when known: a threshold may count one product only.
    public var product: ProductFamily?

    /// Creates a past-session record.
    public init(
        date: Date, dose: Milligrams?, weight: Kilograms?, attended: Bool, requestedEarly: Bool = false, product: ProductFamily? = nil
    ) {
        self.product = product
        self.date = date
        self.dose = dose
        self.weight = weight
        self.attended = attended
        self.requestedEarly = requestedEarly
    }
}

/// What a safety-watch threshold measures over its window.
public enum WatchMetric: String, Codable, Sendable, CaseIterable {
    /// Cumulative mg.
    case milligrams
    /// Cumulative mg/kg (sum of each session's mg ÷ its weight).
    case milligramsPerKilogram = "mg_per_kg"
    /// Attended sessions.
    case sessions
    /// Missed sessions.
    case missed
    /// Early requests.
    case earlyRequests = "early_requests"
}

/// A clinic threshold over a trailing window: flag when the metric exceeds `limit` (DESIGN DEFAULT values).
public struct WatchThreshold: Codable, Sendable, Equatable {
    /// The configuration key (`watch.mg_per_kg.7d`).
    public var key: String
    /// The window, in days.
    public var windowDays: Int
    /// The metric.
    public var metric: WatchMetric
    /// The flag fires when the metric is strictly above this (mg, mg/kg or a count, per the metric).
    public var limit: Decimal
    /// What the flag means to the clinician.
    public var meaning: String
    /// Where it came from.
    public var provenance: Provenance
    /// Only sessions of this product count (mg of esketamine and of racemic ketamine are not comparable); nil counts all.
    public var product: ProductFamily?

    /// Creates a threshold.
    public init(
        key: String, windowDays: Int, metric: WatchMetric, limit: Decimal, meaning: String, provenance: Provenance, product: ProductFamily? = nil
    ) {
        self.product = product
        self.key = key
        self.windowDays = windowDays
        self.metric = metric
        self.limit = limit
        self.meaning = meaning
        self.provenance = provenance
    }
}

/// A periodic check-in the clinic asks for (DOMAIN.md §3.3: urinary symptoms "periodically"; §8.1 bladder, cognition).
public enum CheckInKind: String, Codable, Sendable, CaseIterable {
    /// Bladder / urinary symptoms (ulcerative or interstitial cystitis).
    case bladder
    /// Cognition.
    case cognition
}

/// The safety-watch settings.
public struct SafetyWatchPolicy: Codable, Sendable, Equatable {
    /// The windows reported (7/30/90 days).
    public var windowDays: [Int]
    /// The flags.
    public var thresholds: [WatchThreshold]
    /// Days between bladder check-ins.
    public var bladderCheckInDays: Sourced<Int>
    /// Days between cognition check-ins.
    public var cognitionCheckInDays: Sourced<Int>
    /// The questions each check-in asks.
    public var checkInQuestions: [CheckInQuestion]

    /// Creates the settings.
    public init(
        windowDays: [Int], thresholds: [WatchThreshold], bladderCheckInDays: Sourced<Int>, cognitionCheckInDays: Sourced<Int>,
        checkInQuestions: [CheckInQuestion] = CheckInQuestion.seed
    ) {
        self.windowDays = windowDays
        self.thresholds = thresholds
        self.bladderCheckInDays = bladderCheckInDays
        self.cognitionCheckInDays = cognitionCheckInDays
        self.checkInQuestions = checkInQuestions
    }

    private enum CodingKeys: String, CodingKey {
        case windowDays, thresholds, bladderCheckInDays, cognitionCheckInDays, checkInQuestions
    }

    /// Decodes stored settings; the check-in questions, added later, take the seed when a stored policy predates them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        windowDays = try c.decode([Int].self, forKey: .windowDays)
        thresholds = try c.decode([WatchThreshold].self, forKey: .thresholds)
        bladderCheckInDays = try c.decode(Sourced<Int>.self, forKey: .bladderCheckInDays)
        cognitionCheckInDays = try c.decode(Sourced<Int>.self, forKey: .cognitionCheckInDays)
        checkInQuestions = try c.decodeIfPresent([CheckInQuestion].self, forKey: .checkInQuestions) ?? CheckInQuestion.seed
    }

    /// The questions of one check-in, in order.
    public func questions(for kind: CheckInKind) -> [CheckInQuestion] { checkInQuestions.filter { $0.kind == kind } }

    /// The interval for a check-in kind.
    public func interval(for kind: CheckInKind) -> Int {
        switch kind {
        case .bladder: bladderCheckInDays.value
        case .cognition: cognitionCheckInDays.value
        }
    }
}

/// Totals over one trailing window.
public struct WatchWindow: Codable, Sendable, Equatable {
    /// The window length, in days.
    public var days: Int
    /// Cumulative mg over attended sessions.
    public var milligrams: Milligrams
    /// Cumulative mg/kg over attended sessions with a weight.
    public var milligramsPerKilogram: MilligramsPerKilogram
    /// Attended sessions.
    public var sessions: Int
    /// Missed sessions.
    public var missed: Int
    /// Early requests.
    public var earlyRequests: Int

    /// The value of a metric as a plain decimal, for threshold comparison.
    public func value(of metric: WatchMetric) -> Decimal {
        switch metric {
        case .milligrams: milligrams.value
        case .milligramsPerKilogram: milligramsPerKilogram.value
        case .sessions: Decimal(sessions)
        case .missed: Decimal(missed)
        case .earlyRequests: Decimal(earlyRequests)
        }
    }
}

/// A crossed safety-watch threshold, for the chart.
public struct WatchFlag: Codable, Sendable, Equatable {
    /// The threshold's key.
    public var key: String
    /// The metric.
    public var metric: WatchMetric
    /// The window.
    public var windowDays: Int
    /// The observed value.
    public var value: Decimal
    /// The limit exceeded.
    public var limit: Decimal
    /// What it means.
    public var meaning: String
    /// Where the threshold came from.
    public var provenance: Provenance
}

/// A check-in's due state.
public struct CheckInDue: Codable, Sendable, Equatable {
    /// Which check-in.
    public var kind: CheckInKind
    /// When it is (or was) due.
    public var dueAt: Date
    /// Whether it is due now.
    public var isDue: Bool
}

/// The long-term safety watch across sessions.
public struct SafetyWatch: Codable, Sendable, Equatable {
    /// One entry per configured window, in the policy's order.
    public var windows: [WatchWindow]
    /// Crossed thresholds.
    public var flags: [WatchFlag]
    /// Check-ins and whether they are due.
    public var checkIns: [CheckInDue]

    /// Computes the watch at `now`.
    ///
    /// A window of N days holds sessions with `now − N×24 h < date ≤ now`: a session exactly N days ago has left it.
    /// `lastCheckIns` maps each kind to its latest completion; a kind never done is due at the first session (or now).
    public static func compute(
        sessions: [PastSession], lastCheckIns: [CheckInKind: Date], now: Date, policy: SafetyWatchPolicy
    ) -> SafetyWatch {
        let windows = policy.windowDays.map { days in window(days: days, sessions: sessions, now: now) }
        var flags: [WatchFlag] = []
        for threshold in policy.thresholds {
            let totals =
                if let product = threshold.product {
                    window(days: threshold.windowDays, sessions: sessions.filter { $0.product == product }, now: now)
                } else {
                    windows.first { $0.days == threshold.windowDays } ?? window(days: threshold.windowDays, sessions: sessions, now: now)
                }
            let value = totals.value(of: threshold.metric)
            if value > threshold.limit {
                flags.append(
                    WatchFlag(
                        key: threshold.key, metric: threshold.metric, windowDays: threshold.windowDays, value: value, limit: threshold.limit,
                        meaning: threshold.meaning, provenance: threshold.provenance))
            }
        }
        let firstSession = sessions.filter(\.attended).map(\.date).min()
        let checkIns = CheckInKind.allCases.map { kind in
            let dueAt = lastCheckIns[kind].map { $0.addingTimeInterval(Double(policy.interval(for: kind)) * 86_400) } ?? firstSession ?? now
            return CheckInDue(kind: kind, dueAt: dueAt, isDue: now >= dueAt)
        }
        return SafetyWatch(windows: windows, flags: flags, checkIns: checkIns)
    }

    private static func window(days: Int, sessions: [PastSession], now: Date) -> WatchWindow {
        let start = now.addingTimeInterval(-Double(days) * 86_400)
        let inWindow = sessions.filter { $0.date > start && $0.date <= now }
        let attended = inWindow.filter(\.attended)
        var mg = Milligrams.zero
        var mgPerKg = MilligramsPerKilogram.zero
        for session in attended {
            guard let dose = session.dose else { continue }
            mg = mg + dose
            if let weight = session.weight, weight.value > 0 { mgPerKg = mgPerKg + dose / weight }
        }
        return WatchWindow(
            days: days, milligrams: mg, milligramsPerKilogram: mgPerKg, sessions: attended.count, missed: inWindow.count { !$0.attended },
            earlyRequests: inWindow.count(where: \.requestedEarly))
    }
}
