import Foundation
import KetaCareDomain
import KetaCareStore

/// The bundled instrument library, read and checked once per process (it is immutable data).
enum SharedInstruments {
    static let library: InstrumentLibrary? = try? InstrumentLibrary.bundled()
}

/// The chart's assessment section: open alerts, a trajectory per instrument, outcomes and the list of responses.
enum AssessmentSummary {
    /// - Parameters:
    ///   - sessionDates: when dosing sessions took place (else their booked times): marked on the charts, and the first is the
    ///     first treatment outcomes count from (DOMAIN.md §2.1).
    ///   - episodes: the plan's induction and maintenance periods: outcomes are also reported per episode.
    static func values(
        _ responses: [QuestionnaireResponse], alerts: [StoredSafetyAlert], policy: ClinicPolicy, pages: Pages, sessionDates: [Date] = [],
        episodes: [PhasePeriod] = []
    ) -> [String: Any] {
        let library = SharedInstruments.library
        var trajectories: [[String: Any]] = []
        let byInstrument = Dictionary(grouping: responses.filter { $0.score.total != nil }, by: \.instrumentID)
        for id in (library?.ids ?? []) where byInstrument[id] != nil {
            guard let instrument = try? library?.instrument(named: id), let list = byInstrument[id] else { continue }
            let points = list.compactMap { r in r.score.total.map { TrajectoryChart.Point(date: r.answeredAt, total: $0) } }
            let range = instrument.scoring.totalRange.map { $0.min...$0.max } ?? 0...(points.map(\.total).max() ?? 1)
            let criteria = policy.outcomes.criteria(for: instrument)
            let scored = list.compactMap { r in
                r.score.total.map {
                    ScoredAdministration(date: r.answeredAt, total: $0, isBaseline: r.context == MeasurementContext.baseline.description)
                }
            }
            let windowDays = policy.outcomes.baselineWindowDays.value
            let report = PatientOutcome.evaluate(scored, firstTreatment: sessionDates.min(), criteria: criteria, windowDays: windowDays)
            // Issue #3: outcomes per treatment episode, each against the score closest before the episode began.
            let episodeRows: [[String: Any]] = episodes.filter { $0.phase == .induction || $0.phase == .maintenance }.map { period in
                let within = scored.filter { score in period.end.map { end in score.date <= end } ?? true }
                let r = PatientOutcome.evaluate(within, firstTreatment: period.start, criteria: criteria, windowDays: windowDays)
                return [
                    "phase": period.phase.rawValue, "from": pages.dateTime(period.start),
                    "baseline": r.baseline.map { String($0.total) } ?? "no valid baseline",
                    "latest": r.latest.map { String($0.total) } ?? "—", "response": yesNo(r.isResponse), "remission": yesNo(r.isRemission),
                ]
            }
            var responseLine: Int?
            if let baseline = report.baseline?.total, let rule = criteria.response, rule.kind == .percentReduction {
                responseLine = Int((Double(baseline) * (1 - rule.threshold / 100)).rounded(.down))
            }
            let chart = TrajectoryChart(
                title: "\(instrument.shortName) over time", points: points, range: range, bands: instrument.bandSet()?.bands ?? [],
                responseLine: responseLine, remissionLine: remissionLine(criteria.remission), sessionDates: sessionDates,
                timeZone: pages.timeZone
            )
            trajectories.append([
                "id": id, "shortName": instrument.shortName, "svg": chart.svg(id: "traj-\(id)"), "description": chart.description,
                "rows": list.map {
                    ["date": pages.dateTime($0.answeredAt), "total": $0.score.total.map(String.init) ?? "—", "severity": $0.score.severity ?? "—"]
                },
                "baseline": report.baseline.map { String($0.total) } ?? "—",
                "latest": report.latest.map { String($0.total) } ?? "—",
                "change": report.change.map { c in
                    c.percentReduction.map { String(format: "%d (%.0f%% lower)", c.absoluteChange, $0) } ?? "\(c.absoluteChange)"
                } ?? "—",
                "response": yesNo(report.isResponse), "remission": yesNo(report.isRemission),
                "reliable": report.reliableChange.map { "\($0.classification)" } ?? "—",
                "daysToResponse": report.daysToFirstResponse.map { String(format: "%.0f", $0) } ?? "—",
                "episodes": episodeRows, "hasEpisodes": !episodeRows.isEmpty,
            ])
        }
        return [
            "responses": responses.reversed().map { r in
                [
                    "date": pages.dateTime(r.answeredAt), "instrument": r.instrumentID.uppercased(),
                    "total": r.score.total.map(String.init) ?? "not scored",
                    "severity": r.score.severity ?? "—", "complete": r.score.isComplete, "context": r.context, "mode": r.mode.label,
                    "by": r.enteredBy,
                ] as [String: Any]
            },
            "hasResponses": !responses.isEmpty,
            "trajectories": trajectories,
            "openAlerts": alerts.filter(\.isOpen).map { alertValues($0, pages: pages) },
            "pastAlerts": alerts.filter { !$0.isOpen }.map { alertValues($0, pages: pages) },
        ]
    }

    static func alertValues(_ a: StoredSafetyAlert, pages: Pages) -> [String: Any] {
        [
            "id": a.id, "patientID": a.patientID.rawValue, "priority": a.priority, "message": a.message, "source": a.section,
            "raised": pages.dateTime(a.raisedAt), "blocksDosing": a.blocksDosing, "by": a.acknowledgedBy as Any,
            "at": a.acknowledgedAt.map(pages.dateTime) as Any, "note": a.actionNote as Any,
        ]
    }

    /// The highest total that is still remission, for drawing (DOMAIN.md §2.2).
    private static func remissionLine(_ rule: RemissionCriterion?) -> Int? {
        guard let rule, let value = rule.value else { return nil }
        switch rule.kind {
        case .below: return value - 1
        case .atMost: return value
        case .bands: return nil
        }
    }

    private static func yesNo(_ value: Bool?) -> String {
        value.map { $0 ? "yes" : "no" } ?? "—"
    }
}
