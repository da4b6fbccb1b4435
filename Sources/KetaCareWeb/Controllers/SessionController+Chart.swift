import Foundation
import KetaCareDomain
import KetaCareStore

extension SessionController {
    /// The patient chart's Sessions section: the session list, the check-in form and the long-term safety watch flags.
    static func chartSection(_ sessions: [TreatmentSession], policy: ClinicPolicy, now: Date, pages: Pages, canRun: Bool) -> [String: Any] {
        let past = sessions.compactMap { s -> PastSession? in
            guard let start = s.dosingStart, let mg = s.administeredMg else { return nil }
            return PastSession(date: start, dose: Milligrams(mg), weight: s.weightKg.map { Kilograms($0) }, attended: true)
        }
        let watch = SafetyWatch.compute(sessions: past, lastCheckIns: [:], now: now, policy: policy.sessions.safetyWatch)
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
            "hasWatchFlags": !watch.flags.isEmpty,
            "watchFlags": watch.flags.map { ["meaning": $0.meaning, "value": "\($0.value)", "windowDays": $0.windowDays, "limit": "\($0.limit)"] },
            "hasSessionHistory": !past.isEmpty,
            "watchWindows": watch.windows.map {
                [
                    "days": $0.days, "sessions": $0.sessions, "mg": "\($0.milligrams.value)",
                    "mgPerKg": String(format: "%.2f", $0.milligramsPerKilogram.value.approximateDoubleValue),
                ]
            },
            "checkInsDue": watch.checkIns.filter(\.isDue).map { ["kind": $0.kind.rawValue] },
        ]
    }
}
