public import Foundation

/// One rating (MOAA/S or CADSS) as the discharge check reads it.
public struct TimedRating: Codable, Sendable, Equatable {
    /// When it was taken.
    public var at: Date
    /// The score.
    public var score: Int
    /// Whether it is the pre-dose rating.
    public var isPreDose: Bool

    /// Creates a rating.
    public init(at: Date, score: Int, isPreDose: Bool) {
        self.at = at
        self.score = score
        self.isPreDose = isPreDose
    }
}

/// What a session recorded, for checking that the monitoring DOMAIN.md asks for was done before discharge.
public struct SessionObservations: Codable, Sendable, Equatable {
    /// When the pre-dose vitals set was taken, if it was.
    public var preDoseVitalsAt: Date?
    /// When each in-session vitals set (BP with SpO2 from the oximeter) was taken.
    public var vitalsAt: [Date]
    /// MOAA/S ratings in time order.
    public var moaas: [TimedRating]
    /// CADSS ratings in time order.
    public var cadss: [TimedRating]

    /// Creates the record.
    public init(preDoseVitalsAt: Date?, vitalsAt: [Date], moaas: [TimedRating], cadss: [TimedRating]) {
        self.preDoseVitalsAt = preDoseVitalsAt
        self.vitalsAt = vitalsAt
        self.moaas = moaas
        self.cadss = cadss
    }
}

extension SessionObservations {
    /// Every monitoring step that DOMAIN.md §6.2 and §6.4 ask for and that is missing at `now`, in words a nurse can act on;
    /// empty when the monitoring is complete for discharge.
    ///
    /// - §6.4 (every route): CADSS before the dose, at about 40 min (end of an infusion, else 40 min after the dose) and before
    ///   discharge; MOAA/S before the dose, until two consecutive ratings equal the pre-dose value, and at discharge.
    /// - §6.2 (Spravato): BP before the dose, at about 40 min and before discharge; pulse oximetry throughout, charted at the
    ///   schedule's interval (a gap longer than the interval plus the grace is missing monitoring).
    /// "Before discharge" means within the policy's pre-discharge window.
    /// The timepoints, the MOAA/S run length and the oximetry interval are the clinic's policy (`assessments.cadssTimepoints`,
    /// `assessments.moaasConsecutiveToResolve`, the Spravato BP and oximetry schedules), never literals here.
    public func missingForDischarge(
        profile: MonitoringProfile, dosingStart: Date, dosingEnd: Date, now: Date, monitoring: MonitoringPolicy, assessments: AssessmentPolicy,
        discharge: DischargePolicy
    ) -> [String] {
        var missing: [String] = []
        let tolerance = Double(monitoring.timepointToleranceMinutes.value) * 60
        let late = Double(monitoring.timepointLateMinutes.value) * 60
        func isAbout(_ time: Date, _ target: Date) -> Bool {
            time >= target.addingTimeInterval(-tolerance) && time <= target.addingTimeInterval(late)
        }
        let windowStart = now.addingTimeInterval(-Double(discharge.preDischargeWindowMinutes.value) * 60)
        let window = discharge.preDischargeWindowMinutes.value
        let postCADSS = cadss.filter { !$0.isPreDose }
        if !cadss.contains(where: \.isPreDose) { missing.append("CADSS before the dose (§6.4)") }
        for due in assessments.cadssTimes(profile: profile, dosingStart: dosingStart, dosingEnd: dosingEnd)
        where !postCADSS.contains(where: { isAbout($0.at, due.dueAt) }) {
            missing.append("CADSS at \(Self.minutes(due.dueAt, after: dosingStart)) min (§6.4)")
        }
        if !postCADSS.contains(where: { $0.at >= windowStart }) { missing.append("CADSS in the last \(window) min before discharge (§6.4)") }
        let preMOAAS = moaas.last(where: \.isPreDose)
        let postMOAAS = moaas.filter { !$0.isPreDose }
        if let preMOAAS {
            let run = max(1, assessments.moaasConsecutiveToResolve.value)
            let settled = postMOAAS.indices.contains { start in
                start + run <= postMOAAS.count && postMOAAS[start..<(start + run)].allSatisfy { $0.score == preMOAAS.score }
            }
            if !settled { missing.append("\(run) consecutive MOAA/S ratings equal to the pre-dose \(preMOAAS.score) (§6.4)") }
        } else {
            missing.append("MOAA/S before the dose (§6.4)")
        }
        if !postMOAAS.contains(where: { $0.at >= windowStart }) { missing.append("MOAA/S in the last \(window) min before discharge (§6.4)") }
        guard profile == .spravato else { return missing }
        // DOMAIN.md §6.2: the labelled timepoints, and the oximeter throughout the observation.
        if preDoseVitalsAt == nil { missing.append("BP before the dose (§6.2)") }
        for timepoint in monitoring.schedule(.spravato, .bloodPressure)?.timepoints ?? [] {
            let due = (timepoint.anchor == .dosingStart ? dosingStart : dosingEnd).addingTimeInterval(Double(timepoint.minute) * 60)
            if !vitalsAt.contains(where: { isAbout($0, due) }) { missing.append("BP at \(Self.minutes(due, after: dosingStart)) min (§6.2)") }
        }
        if !vitalsAt.contains(where: { $0 >= windowStart }) { missing.append("BP in the last \(window) min before discharge (§6.2)") }
        if let oximetry = monitoring.schedule(.spravato, .oximetry), let every = oximetry.intervals.map(\.everyMinutes).max() {
            let allowed = Double(every + monitoring.overdueGraceMinutes.value) * 60
            let times = [dosingStart] + vitalsAt.filter { $0 > dosingStart }.sorted() + [now]
            let gaps = zip(times, times.dropFirst()).filter { $1.timeIntervalSince($0) > allowed + 59 }
            if let first = gaps.first {
                let minutes = Int(first.1.timeIntervalSince(first.0) / 60)
                missing.append(
                    "pulse oximetry charted every \(every) min throughout (§6.2): a gap of \(minutes) min"
                        + (gaps.count > 1 ? " and \(gaps.count - 1) more" : ""))
            }
        }
        return missing
    }

    /// Whole minutes from `start` to `time`, clamped to ±1 year so no pair of dates can trap the conversion.
    private static func minutes(_ time: Date, after start: Date) -> Int {
        let minutes = (time.timeIntervalSince(start) / 60).rounded()
        guard minutes.isFinite else { return 0 }
        return Int(min(max(minutes, -525_600), 525_600))
    }
}
