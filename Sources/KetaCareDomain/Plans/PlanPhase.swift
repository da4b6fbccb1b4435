/// Where a treatment plan is in its course (issue #4: evaluation → induction → maintenance → paused / completed / discontinued).
public enum PlanPhase: String, Codable, Sendable, CaseIterable {
    /// Created, being adjusted and signed; no dosing yet.
    case evaluation
    /// The induction course.
    case induction
    /// Maintenance sessions at the plan's cadence.
    case maintenance
    /// Temporarily stopped; resumes into induction or maintenance.
    case paused
    /// The course finished as planned (terminal).
    case completed
    /// Stopped for good (terminal).
    case discontinued

    /// The phases a plan may move to from this one.
    ///
    /// Maintenance → induction is re-induction (DOMAIN.md §4.4 missed sessions: "consider returning to the previous dosing schedule").
    public var allowedNext: [PlanPhase] {
        switch self {
        case .evaluation: [.induction, .discontinued]
        case .induction: [.maintenance, .paused, .completed, .discontinued]
        case .maintenance: [.induction, .paused, .completed, .discontinued]
        case .paused: [.induction, .maintenance, .discontinued]
        case .completed, .discontinued: []
        }
    }

    /// Whether dosing sessions may be given in this phase.
    public var isActive: Bool { self == .induction || self == .maintenance }

    /// Whether no transition leaves this phase.
    public var isTerminal: Bool { allowedNext.isEmpty }

    /// Whether moving from `self` to `next` must carry a reason: pausing, completing, discontinuing, and re-induction.
    public func requiresReason(to next: PlanPhase) -> Bool {
        switch next {
        case .paused, .completed, .discontinued: true
        case .induction: self == .maintenance
        case .evaluation, .maintenance: false
        }
    }

    /// Whether moving from `self` to `next` starts or resumes dosing, so signature, eligibility and consent are checked.
    public func isActivation(to next: PlanPhase) -> Bool {
        next.isActive && !isActive
    }
}
