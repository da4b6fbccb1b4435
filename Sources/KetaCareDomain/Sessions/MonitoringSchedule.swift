public import Foundation

/// Which monitoring rules a route follows (DOMAIN.md §6.2–6.3, §7.1).
public enum MonitoringProfile: String, Codable, Sendable, CaseIterable {
    /// Esketamine nasal spray: labelled timepoints, 2-h minimum.
    case spravato
    /// An infusion (racemic IV; esketamine IV has no rule of its own in DOMAIN.md and borrows this one).
    case infusion
    /// A single injection or swallowed dose (SC, IM; oral/SL by DESIGN DEFAULT).
    case injection

    /// The profile a route follows.
    public init(route: DosingRoute) {
        switch route {
        case .intranasalEsketamine: self = .spravato
        case .intravenous, .intravenousEsketamine: self = .infusion
        case .subcutaneous, .intramuscular, .oral, .sublingual: self = .injection
        }
    }
}

/// What a schedule times: blood pressure and the oximeter chart can have different intervals (DOMAIN.md §6.3).
public enum MonitoredMeasurement: String, Codable, Sendable, CaseIterable {
    /// Blood pressure and heart rate (cuff).
    case bloodPressure = "blood_pressure"
    /// SpO2 and heart rate charted from the oximeter.
    case oximetry
    /// Respiratory rate.
    case respiratoryRate = "respiratory_rate"
}

/// What time an interval or timepoint is measured from.
public enum MonitoringAnchor: String, Codable, Sendable {
    /// Start of dosing (infusion start, injection, first device).
    case dosingStart = "dosing_start"
    /// End of dosing (infusion stop; same as start for an injection).
    case dosingEnd = "dosing_end"
}

/// A repeating interval that applies in a window of the session.
public struct MonitoringInterval: Codable, Sendable, Equatable {
    /// `.dosingStart` with no `untilMinute` and `duringDosingOnly` means "while the infusion runs".
    public var anchor: MonitoringAnchor
    /// Minutes after the anchor the window opens.
    public var fromMinute: Int
    /// Minutes after the anchor the window closes; `nil` = until discharge.
    public var untilMinute: Int?
    /// Whether the window also closes when dosing ends.
    public var duringDosingOnly: Bool
    /// Minutes between sets in the window.
    public var everyMinutes: Int

    /// Creates an interval rule.
    public init(anchor: MonitoringAnchor, fromMinute: Int = 0, untilMinute: Int? = nil, duringDosingOnly: Bool = false, everyMinutes: Int) {
        self.anchor = anchor
        self.fromMinute = fromMinute
        self.untilMinute = untilMinute
        self.duringDosingOnly = duringDosingOnly
        self.everyMinutes = everyMinutes
    }
}

/// A single set due at a fixed time (Spravato BP at about 40 min).
public struct MonitoringTimepoint: Codable, Sendable, Equatable {
    /// What the minute is counted from.
    public var anchor: MonitoringAnchor
    /// Minutes after the anchor.
    public var minute: Int

    /// Creates a timepoint.
    public init(anchor: MonitoringAnchor, minute: Int) {
        self.anchor = anchor
        self.minute = minute
    }
}

/// When one measurement is due for one profile.
public struct MeasurementSchedule: Codable, Sendable, Equatable {
    /// The profile.
    public var profile: MonitoringProfile
    /// The measurement.
    public var measurement: MonitoredMeasurement
    /// Repeating windows, in order.
    public var intervals: [MonitoringInterval]
    /// Fixed timepoints.
    public var timepoints: [MonitoringTimepoint]
    /// Where the schedule came from.
    public var provenance: Provenance

    /// Creates a schedule.
    public init(
        profile: MonitoringProfile, measurement: MonitoredMeasurement, intervals: [MonitoringInterval] = [],
        timepoints: [MonitoringTimepoint] = [], provenance: Provenance
    ) {
        self.profile = profile
        self.measurement = measurement
        self.intervals = intervals
        self.timepoints = timepoints
        self.provenance = provenance
    }
}

/// The next set due, for the run-sheet countdown.
public struct MonitoringDue: Codable, Sendable, Equatable {
    /// When it is due.
    public var dueAt: Date
    /// Whether `now` is past the due time plus the grace period.
    public var isOverdue: Bool
    /// Seconds until due (negative once past).
    public var secondsRemaining: TimeInterval
}

extension MeasurementSchedule {
    /// The next set due after the recorded ones, or `nil` when the schedule asks for nothing more (Spravato after 40 min:
    /// "as clinically warranted" and before discharge).
    ///
    /// An interval's next set is due `everyMinutes` after the latest set (a set before dosing counts as taken at dosing start),
    /// using the window in force at that latest set; so the shorter in-infusion interval runs until a set is taken after the
    /// infusion ends, which errs toward measuring early. A timepoint counts as done when a set was recorded no earlier than
    /// `timepointToleranceMinutes` before it. `dosingEnd` is `nil` while dosing runs.
    public func nextDue(
        recorded: [Date], dosingStart: Date, dosingEnd: Date?, now: Date, timepointToleranceMinutes: Int, overdueGraceMinutes: Int
    ) -> MonitoringDue? {
        var candidates: [Date] = []
        let latest = max(recorded.max() ?? dosingStart, dosingStart)
        if let window = window(at: latest, dosingStart: dosingStart, dosingEnd: dosingEnd) {
            let due = latest.addingTimeInterval(Double(window.everyMinutes) * 60)
            // Past the end of a window with nothing after it, the interval asks for nothing more.
            let end = windowEnd(window, dosingStart: dosingStart, dosingEnd: dosingEnd)
            let runsOut = end.map { due > $0 && self.window(at: $0, dosingStart: dosingStart, dosingEnd: dosingEnd) == nil } ?? false
            if !runsOut { candidates.append(due) }
        }
        for timepoint in timepoints {
            guard let anchorDate = anchor(timepoint.anchor, dosingStart: dosingStart, dosingEnd: dosingEnd) else { continue }
            let at = anchorDate.addingTimeInterval(Double(timepoint.minute) * 60)
            let windowStart = at.addingTimeInterval(-Double(timepointToleranceMinutes) * 60)
            if !recorded.contains(where: { $0 >= windowStart }) { candidates.append(at) }
        }
        guard let dueAt = candidates.min() else { return nil }
        let overdueAfter = dueAt.addingTimeInterval(Double(overdueGraceMinutes) * 60)
        return MonitoringDue(dueAt: dueAt, isOverdue: now > overdueAfter, secondsRemaining: dueAt.timeIntervalSince(now))
    }

    private func anchor(_ anchor: MonitoringAnchor, dosingStart: Date, dosingEnd: Date?) -> Date? {
        switch anchor {
        case .dosingStart: dosingStart
        case .dosingEnd: dosingEnd
        }
    }

    private func windowEnd(_ window: MonitoringInterval, dosingStart: Date, dosingEnd: Date?) -> Date? {
        var ends: [Date] = []
        if window.duringDosingOnly, let dosingEnd { ends.append(dosingEnd) }
        if let until = window.untilMinute, let anchorDate = anchor(window.anchor, dosingStart: dosingStart, dosingEnd: dosingEnd) {
            ends.append(anchorDate.addingTimeInterval(Double(until) * 60))
        }
        return ends.min()
    }

    /// The first window in force at `time`.
    private func window(at time: Date, dosingStart: Date, dosingEnd: Date?) -> MonitoringInterval? {
        intervals.first { window in
            guard let anchorDate = anchor(window.anchor, dosingStart: dosingStart, dosingEnd: dosingEnd) else { return false }
            if window.duringDosingOnly, let dosingEnd, time >= dosingEnd { return false }
            let opens = anchorDate.addingTimeInterval(Double(window.fromMinute) * 60)
            guard time >= opens else { return false }
            if let until = window.untilMinute, time >= anchorDate.addingTimeInterval(Double(until) * 60) { return false }
            return true
        }
    }
}
