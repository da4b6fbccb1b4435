import Foundation
import KetaCareDomain
import KetaCareStore

extension SessionController {
    /// The long-term safety watch from the stored sessions and check-ins: the latest check-in per kind sets its next due date.
    static func safetyWatch(_ sessions: [TreatmentSession], checkIns: [StoredCheckIn], policy: ClinicPolicy, now: Date) -> SafetyWatch {
        let past = sessions.compactMap { s -> PastSession? in
            guard let start = s.dosingStart, let mg = s.administeredMg else { return nil }
            return PastSession(
                date: start, dose: Milligrams(mg), weight: s.weightKg.map { Kilograms($0) }, attended: true, product: s.route.product)
        }
        let latest = checkIns.map(\.checkIn).latestByKind.mapValues(\.completedAt)
        return SafetyWatch.compute(sessions: past, lastCheckIns: latest, now: now, policy: policy.sessions.safetyWatch)
    }

    static func checkInLabel(_ kind: CheckInKind) -> String {
        switch kind {
        case .bladder: "Bladder (urinary symptoms)"
        case .cognition: "Cognition"
        }
    }

    /// The patient chart's Sessions section: the session list, the check-in form, the long-term safety watch flags and the
    /// bladder and cognition check-ins (when last done, when next due, a form for each).
    static func chartSection(
        _ sessions: [TreatmentSession], checkIns: [StoredCheckIn], patientID: PatientID, policy: ClinicPolicy, now: Date, pages: Pages,
        canRun: Bool, canCheckIn: Bool
    ) -> [String: Any] {
        let hasHistory = sessions.contains { $0.dosingStart != nil && $0.administeredMg != nil }
        let watch = safetyWatch(sessions, checkIns: checkIns, policy: policy, now: now)
        let latest = checkIns.map(\.checkIn).latestByKind
        // DESIGN DEFAULT: a "yes" the policy marks (bladder pain, blood in the urine) on the latest check-in of its kind flags the
        // chart until a later check-in of that kind clears it.
        let checkInFlags = CheckInKind.allCases.compactMap { latest[$0] }.flatMap { c in
            c.flags.map { ["kind": c.kind.rawValue, "text": $0.text, "on": pages.dateTime(c.completedAt), "by": c.completedBy] }
        }
        let watchQuestions = policy.sessions.safetyWatch
        return [
            "hasSessions": !sessions.isEmpty,
            "sessions": sessions.map { s -> [String: Any] in
                [
                    "id": s.id, "created": pages.dateTime(s.createdAt), "route": s.route.rawValue, "state": stateLabels[s.state.name] ?? s.state.name,
                    "dose": s.administeredMg.map { "\($0) mg" } ?? "—", "signed": s.isSigned,
                ]
            },
            "canRunSession": canRun,
            "sessionRoutes": DosingRoute.allCases.filter { policy.dosing.library.defaultEntry(for: $0)?.isEnabled == true }.map {
                ["value": $0.rawValue]
            },
            "hasWatchFlags": !watch.flags.isEmpty || !checkInFlags.isEmpty,
            "watchFlags": watch.flags.map { ["meaning": $0.meaning, "value": "\($0.value)", "windowDays": $0.windowDays, "limit": "\($0.limit)"] },
            "checkInFlags": checkInFlags,
            "hasSessionHistory": hasHistory,
            "watchWindows": watch.windows.map {
                [
                    "days": $0.days, "sessions": $0.sessions, "mg": "\($0.milligrams.value)",
                    "mgPerKg": String(format: "%.2f", $0.milligramsPerKilogram.value.approximateDoubleValue),
                ]
            },
            "checkInsDue": watch.checkIns.filter(\.isDue).map { ["kind": $0.kind.rawValue] },
            "canCheckIn": canCheckIn,
            "checkIns": watch.checkIns.map { due -> [String: Any] in
                var row: [String: Any] = [
                    "kind": due.kind.rawValue, "label": checkInLabel(due.kind), "dueAt": pages.dateTime(due.dueAt), "isDue": due.isDue,
                    "patientID": patientID.rawValue, "everyDays": watchQuestions.interval(for: due.kind),
                    "questions": watchQuestions.questions(for: due.kind).map {
                        ["code": $0.code, "text": $0.text, "kind": due.kind.rawValue, "flags": $0.flagsWhenYes] as [String: Any]
                    },
                ]
                if let last = latest[due.kind] {
                    row["last"] = [
                        "on": pages.dateTime(last.completedAt), "by": last.completedBy,
                        "yes": last.answers.filter(\.isYes).map(\.text).joined(separator: "; "), "note": last.note ?? "",
                    ]
                }
                return row
            },
        ]
    }
}
