public import Foundation

/// Where a session is on the run-sheet (issue #5): a forward-only path, or stopped early with a reason.
///
/// checkedIn → preDoseChecks → dosing → monitoring → recovery → readyForDischarge → discharged;
/// `stoppedEarly` can be entered from any active state and ends the session.
/// Pausing or stopping an infusion for an alert is a timeline event, not `stoppedEarly`: the patient is still monitored.
public enum SessionState: Codable, Sendable, Hashable {
    /// The patient has arrived.
    case checkedIn
    /// Identity, consent, eligibility, order, vitals … are being checked.
    case preDoseChecks
    /// Drug is being given (infusion running, injection, devices).
    case dosing
    /// Dosing has ended; timed observations continue.
    case monitoring
    /// Observations are winding down toward the discharge assessment.
    case recovery
    /// The discharge criteria are met (or overridden); waiting for the signed discharge.
    case readyForDischarge
    /// Discharged: the session is over.
    case discharged
    /// Ended before discharge (patient left, dosing abandoned before start …), with the reason.
    case stoppedEarly(reason: String)

    /// The state a new session starts in.
    public static let initial = SessionState.checkedIn

    /// The states on the normal path, in order.
    public static let path: [SessionState] = [.checkedIn, .preDoseChecks, .dosing, .monitoring, .recovery, .readyForDischarge, .discharged]

    /// A stable name without the payload (`stopped_early`), for storage, errors and the UI.
    public var name: String {
        switch self {
        case .checkedIn: "checked_in"
        case .preDoseChecks: "pre_dose_checks"
        case .dosing: "dosing"
        case .monitoring: "monitoring"
        case .recovery: "recovery"
        case .readyForDischarge: "ready_for_discharge"
        case .discharged: "discharged"
        case .stoppedEarly: "stopped_early"
        }
    }

    /// Whether the session has ended (no further transition is legal).
    public var isTerminal: Bool {
        switch self {
        case .discharged, .stoppedEarly: true
        default: false
        }
    }

    /// The single next state on the normal path, or `nil` at the end.
    public var next: SessionState? {
        guard let index = Self.path.firstIndex(of: self), index + 1 < Self.path.count else { return nil }
        return Self.path[index + 1]
    }

    /// Whether moving to `target` is a legal step (ignoring who asks).
    public func canMove(to target: SessionState) -> Bool {
        if isTerminal { return false }
        if case .stoppedEarly = target { return true }
        return next == target
    }

    /// Takes one step, attributed to `staffID` in `role` at `time`, or throws naming the illegal from/to or the refused role.
    ///
    /// `reason` is kept with the step; stopping early needs a non-blank reason in the target state.
    public func transition(
        to target: SessionState, by staffID: String, role: Role, at time: Date, reason: String? = nil, policy: SessionPolicy = .seed
    ) throws(SessionError) -> SessionTransition {
        guard canMove(to: target) else {
            let allowed = isTerminal ? "none (the session has ended)" : [next?.name, "stopped_early"].compactMap { $0 }.joined(separator: ", ")
            throw SessionError(
                .illegalTransition, field: "state",
                message: "a session cannot move from \(name) to \(target.name); allowed from \(name): \(allowed)")
        }
        guard policy.transitionRoles.value.contains(role) else {
            let roles = policy.transitionRoles.value.map(\.rawValue).joined(separator: ", ")
            throw SessionError(
                .roleNotAllowed, field: "role", message: "moving a session to \(target.name) needs one of: \(roles); got \(role.rawValue)")
        }
        _ = try SessionError.requireText(staffID, field: "by", what: "the staff member taking the step")
        if case .stoppedEarly(let why) = target {
            _ = try SessionError.requireText(why, field: "reason", what: "why the session stopped early")
        }
        return SessionTransition(from: self, to: target, by: staffID, role: role, at: time, reason: reason ?? target.stopReason)
    }

    /// The reason carried by `stoppedEarly`.
    var stopReason: String? {
        if case .stoppedEarly(let reason) = self { return reason }
        return nil
    }
}

/// One attributed, timestamped step on the run-sheet; the session's history is the list of these.
public struct SessionTransition: Codable, Sendable, Equatable {
    /// The state left.
    public var from: SessionState
    /// The state entered.
    public var to: SessionState
    /// Who took the step (staff identifier).
    public var by: String
    /// Their role at the time.
    public var role: Role
    /// When.
    public var at: Date
    /// Why, when given (always set for a stop).
    public var reason: String?

    /// Creates a transition record.
    public init(from: SessionState, to: SessionState, by: String, role: Role, at: Date, reason: String?) {
        self.from = from
        self.to = to
        self.by = by
        self.role = role
        self.at = at
        self.reason = reason
    }
}
