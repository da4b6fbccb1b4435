import Foundation
import KetaCareDomain

/// The sentences staff read about a loss-of-response finding (DOMAIN.md §5.2): which score, when, compared with what.
enum AsNeededText {
    /// The instrument's short name (`GAD-7`), else its id in capitals.
    static func name(_ instrumentID: String) -> String {
        (try? SharedInstruments.library?.instrument(named: instrumentID))?.shortName ?? instrumentID.uppercased()
    }

    /// Why a session is proposed: the worse score(s) against the plan baseline, the earlier response and the best score.
    static func reason(_ finding: AsNeededFinding, dateTime: (Date) -> String) -> String {
        let instrument = name(finding.instrumentID)
        let trigger = finding.trigger
        let scores =
            finding.confirming.count > 1
            ? "\(finding.confirming.map { "\($0.total) (\(dateTime($0.date)))" }.joined(separator: ", "))"
            : "\(trigger.total) on \(dateTime(trigger.date))"
        let worse: String
        switch finding.basis {
        case .responseLost:
            worse =
                "no longer meets response against the plan baseline of \(finding.baseline.total) on \(dateTime(finding.baseline.date))"
                + (finding.responseCeiling.map { " (response needs \($0) or less)" } ?? "")
        case .riseFromBest(let points):
            worse =
                "is \(trigger.total - finding.best.total) points above the best score of \(finding.best.total) on \(dateTime(finding.best.date)) "
                + "(rule: \(points) or more)"
        }
        return "\(instrument) \(scores) \(worse). The patient had responded (\(finding.firstResponse.total) on "
            + "\(dateTime(finding.firstResponse.date))); best since baseline \(finding.best.total) on \(dateTime(finding.best.date)); "
            + "in maintenance since \(dateTime(finding.maintenanceSince))."
    }

    /// What settled it: dismissed with the reason, or booked.
    static func decision(_ decision: AsNeededDecision, booking: (start: Date, isActive: Bool)?, dateTime: (Date) -> String) -> String {
        switch decision.kind {
        case .dismissed:
            "Dismissed by \(decision.by) \(dateTime(decision.at)) for the \(name(decision.instrumentID)) \(decision.scoreTotal) of "
                + "\(dateTime(decision.scoreAt)): \(decision.reason ?? "")"
        case .booked:
            "As-needed session booked by \(decision.by) \(dateTime(decision.at))\(booking.map { " for \(dateTime($0.start))" } ?? "") after the "
                + "\(name(decision.instrumentID)) \(decision.scoreTotal) of \(dateTime(decision.scoreAt))"
                + (booking?.isActive == false ? " (since cancelled)" : "")
        }
    }

    /// The rule as the clinic set it, for the UI's review flag.
    static func rule(_ rule: LossOfResponseRule) -> String {
        let confirming =
            rule.confirmingScores.value == 1 ? "the latest maintenance score" : "the last \(rule.confirmingScores.value) maintenance scores"
        return "Rule: \(confirming) \(rule.basis.value), after a response (DOMAIN.md §5.2, §2.2)"
    }

    /// Whether any part of the rule still waits for the clinic's review (DESIGN DEFAULT).
    static func needsReview(_ rule: LossOfResponseRule) -> Bool {
        rule.isEnabled.provenance.needsReview || rule.basis.provenance.needsReview || rule.confirmingScores.provenance.needsReview
    }
}
