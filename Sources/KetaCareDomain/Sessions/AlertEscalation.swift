public import Foundation

/// When an in-session alert escalates (DOMAIN.md §6.5 alert mechanics: "Unacknowledged critical alerts escalate after 2 min").
public enum AlertEscalation {
    /// Whether an alert at `level`, raised at `raisedAt` and still unacknowledged at `now`, has escalated under `policy`.
    /// Critical means stop-dosing or emergency (§6.5 "Critical" rows); warnings and information never escalate.
    public static func isEscalated(level: AlertLevel, raisedAt: Date, isOpen: Bool, now: Date, policy: SessionPolicy) -> Bool {
        isOpen && level >= .stopDosing && now >= escalatesAt(raisedAt: raisedAt, policy: policy)
    }

    /// When an alert raised at `raisedAt` escalates if nobody acknowledges it.
    public static func escalatesAt(raisedAt: Date, policy: SessionPolicy) -> Date {
        raisedAt.addingTimeInterval(Double(max(0, policy.escalationMinutes.value)) * 60)
    }
}
