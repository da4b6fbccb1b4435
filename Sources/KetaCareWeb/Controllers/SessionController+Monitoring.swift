import Foundation
import KetaCareDomain
import KetaCareStore

// MARK: - Intensified monitoring from screening (DOMAIN.md §3.3, §3.4, §7.1)

extension SessionController {
    /// The clinic's policy with this session's session policy intensified for its patient: every reader of the schedule, the
    /// discharge monitoring check and the discharge assessment then runs on the closer schedule.
    static func effectivePolicy(_ policy: ClinicPolicy, file: SessionFile) -> ClinicPolicy {
        var effective = policy
        effective.sessions = file.effectivePolicy(policy.sessions)
        return effective
    }

    /// `intensified_monitoring` for the run-sheet and the API: why (each reason with its DOMAIN.md source) and what changes
    /// (the effective intervals and observation beside the usual ones, with DESIGN DEFAULT values flagged for review);
    /// nothing when the patient's screening calls for no closer monitoring.
    func monitoringValues(_ file: SessionFile, policy: ClinicPolicy, now: Date) -> [String: Any] {
        let base = policy.sessions
        let intensification = file.intensification(base)
        guard !intensification.isEmpty else { return [:] }
        let effective = base.intensified(by: intensification)
        let profile = intensification.profile
        let settings = base.intensification
        var changes: [[String: Any]] = []
        func change(_ kind: IntensificationKind, _ text: String, _ provenance: Provenance) {
            changes.append(["kind": kind.rawValue, "text": text, "needs_review": provenance.needsReview])
        }
        for kind in intensification.kinds {
            switch kind {
            case .closerBloodPressure:
                change(
                    kind,
                    "BP \(Self.scheduleText(effective.monitoring.schedule(profile, .bloodPressure))) (usually "
                        + "\(Self.scheduleText(base.monitoring.schedule(profile, .bloodPressure))))", settings.bloodPressureEveryMinutes.provenance)
            case .closerSedation:
                change(
                    kind,
                    "MOAA/S every \(effective.assessments.moaasEveryMinutes.value) min (usually \(base.assessments.moaasEveryMinutes.value)); "
                        + "SpO2 charted \(Self.scheduleText(effective.monitoring.schedule(profile, .oximetry))) (usually "
                        + "\(Self.scheduleText(base.monitoring.schedule(profile, .oximetry))))", settings.sedationEveryMinutes.provenance)
            case .extendedObservation:
                if let rule = effective.discharge.rule(for: profile), rule.extendedBy != nil {
                    let from = rule.anchor == .dosingStart ? "the start of dosing" : "the end of dosing"
                    let hard = rule.extendedBy?.isHard == true ? "no override shortens it" : "a prescriber may override the extension with a reason"
                    change(
                        kind,
                        "Minimum observation \(rule.effectiveMinutes) min from \(from) (usually \(rule.minimumMinutes.value)); \(hard)",
                        settings.extraObservationMinutes.provenance)
                }
            }
        }
        var values: [String: Any] = [
            "reasons": intensification.reasons.map { reason -> [String: Any] in
                [
                    "key": reason.key, "label": reason.label, "effects": reason.effects.map(\.rawValue),
                    "effects_text": reason.effects.map(\.label).joined(separator: ", "), "source": reason.source,
                ]
            },
            "changes": changes,
        ]
        if let rule = effective.discharge.rule(for: profile) { values["minimum_observation_min"] = rule.effectiveMinutes }
        // The denser MOAA/S series, due on the same clock as the vitals countdown (DOMAIN.md §6.4).
        if intensification.kinds.contains(.closerSedation), let start = file.session.dosingStart, !file.session.state.isTerminal,
            let preDose = file.session.preDoseMOAAS,
            let due = effective.assessments.nextMOAASDue(
                preDose: preDose,
                ratings: file.assessments("moaas").filter { $0.phase != "pre_dose" }.map { (at: $0.at, score: $0.score) }, dosingStart: start)
        {
            values["next_moaas_due"] = ["due_at": Format.iso(due), "due_at_text": String(pages.dateTime(due).suffix(5)), "is_overdue": now > due]
        }
        return ["intensified_monitoring": values]
    }

    /// "every 10 min during dosing, every 15 min after dosing, at 40 min" for a schedule; "not scheduled" without one.
    static func scheduleText(_ schedule: MeasurementSchedule?) -> String {
        guard let schedule, !(schedule.intervals.isEmpty && schedule.timepoints.isEmpty) else { return "not scheduled" }
        let intervals = schedule.intervals.map { interval -> String in
            let anchor = interval.anchor == .dosingStart ? "the start of dosing" : "the end of dosing"
            var text = "every \(interval.everyMinutes) min"
            if interval.duringDosingOnly {
                text += " during dosing"
            } else if let until = interval.untilMinute {
                text += " from \(interval.fromMinute) to \(until) min after \(anchor)"
            } else if interval.fromMinute > 0 {
                text += " from \(interval.fromMinute) min after \(anchor)"
            } else {
                text += interval.anchor == .dosingEnd ? " after dosing" : " from the start of dosing"
            }
            return text
        }
        let timepoints = schedule.timepoints.map { "at \($0.minute) min" + ($0.anchor == .dosingEnd ? " after dosing ends" : "") }
        return (intervals + timepoints).joined(separator: ", ")
    }
}
