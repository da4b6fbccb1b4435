public import Foundation

/// A treatment plan's identifier.
public struct TreatmentPlanID: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The stored identifier.
    public let rawValue: String

    /// Wraps a stored identifier (callers pass a UUID string in, keeping the domain deterministic).
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Who acts on a plan: the staff username (as the audit trail records it) and their role.
public struct PlanActor: Codable, Sendable, Equatable {
    /// Staff username.
    public var username: String
    /// Their role at the time.
    public var role: Role

    /// Creates an actor.
    public init(username: String, role: Role) {
        self.username = username
        self.role = role
    }
}

/// A prescriber's signature; a signed plan is locked against adjustment.
public struct PlanSignature: Codable, Sendable, Equatable {
    /// The signing prescriber's username.
    public var signedBy: String
    /// When it was signed.
    public var signedAt: Date

    /// Creates a signature record.
    public init(signedBy: String, signedAt: Date) {
        self.signedBy = signedBy
        self.signedAt = signedAt
    }
}

/// One attributed phase change.
public struct PhaseTransition: Codable, Sendable, Equatable {
    /// The phase left.
    public var from: PlanPhase
    /// The phase entered.
    public var to: PlanPhase
    /// Who made the change (username).
    public var by: String
    /// Their role.
    public var role: Role
    /// When.
    public var at: Date
    /// Why; required for pause, completion, discontinuation and re-induction.
    public var reason: String?

    /// Creates a transition record.
    public init(from: PlanPhase, to: PlanPhase, by: String, role: Role, at: Date, reason: String?) {
        self.from = from
        self.to = to
        self.by = by
        self.role = role
        self.at = at
        self.reason = reason
    }
}

/// The facts an activation needs that other areas own (eligibility screening, consent).
public struct PlanActivationInputs: Sendable, Equatable {
    /// Whether the current screening result allows treatment (or a prescriber override is on record).
    public var isEligible: Bool
    /// Whether the patient has current consent for the plan's route.
    public var hasValidConsent: Bool

    /// Creates activation inputs.
    public init(isEligible: Bool, hasValidConsent: Bool) {
        self.isEligible = isEligible
        self.hasValidConsent = hasValidConsent
    }
}

/// One value a prescriber may change on an unsigned plan, within the template's limits.
public enum PlanAdjustment: Sendable, Equatable {
    /// The first session's dose, in the template's unit.
    case startingDose(OrderedDose)
    /// Most sessions in a rolling week.
    case sessionsPerWeekMax(Int)
    /// Sessions in the induction course.
    case inductionSessions(Int)
    /// The cadence of maintenance block `block` (0-based, as in the template).
    case maintenanceCadence(block: Int, MaintenanceCadence)
    /// Integration sessions between consecutive dosing sessions.
    case integrationSessions(Int)
    /// The first day sessions may be booked.
    case startDate(Date)
}

/// A patient's course, created from a ``PlanTemplate``, adjusted within its limits, signed, then moved through phases.
public struct TreatmentPlan: Codable, Sendable, Equatable, Identifiable {
    /// Stable identifier.
    public let id: TreatmentPlanID
    /// The patient.
    public let patientID: PatientID
    /// The template as it was when the plan was created; its limits bound every adjustment.
    public let template: PlanTemplate
    /// Who created it and when.
    public let createdBy: String
    /// When it was created.
    public let createdAt: Date
    /// No session may be booked before this.
    public private(set) var startDate: Date
    /// The first session's dose.
    public private(set) var startingDose: OrderedDose
    /// Most dosing sessions in any rolling week.
    public private(set) var sessionsPerWeekMax: Int
    /// Sessions in the induction course.
    public private(set) var inductionSessions: Int
    /// The cadence chosen for each of the template's maintenance blocks.
    public private(set) var maintenanceCadences: [MaintenanceCadence]
    /// Integration sessions between consecutive dosing sessions.
    public private(set) var integrationSessions: Int
    /// The prescriber's signature; `nil` until signed.
    public private(set) var signature: PlanSignature?
    /// The current phase.
    public private(set) var phase: PlanPhase
    /// Every phase change, oldest first.
    public private(set) var transitions: [PhaseTransition]
    /// End-of-induction reviews, oldest first (absent in plans stored before they existed).
    private var storedInductionReviews: [EndOfInductionReview]?

    /// End-of-induction reviews, oldest first (DOMAIN.md §5.1).
    public var inductionReviews: [EndOfInductionReview] { storedInductionReviews ?? [] }

    mutating func appendInductionReview(_ review: EndOfInductionReview) {
        storedInductionReviews = inductionReviews + [review]
    }

    /// Dismissals and bookings of proposed as-needed sessions, oldest first (absent in plans stored before they existed).
    private var storedAsNeededDecisions: [AsNeededDecision]?

    /// Dismissals and bookings of proposed as-needed sessions, oldest first (DOMAIN.md §5.2).
    public var asNeededDecisions: [AsNeededDecision] { storedAsNeededDecisions ?? [] }

    mutating func appendAsNeededDecision(_ decision: AsNeededDecision) {
        storedAsNeededDecisions = asNeededDecisions + [decision]
    }

    /// The route every session uses.
    public var route: DosingRoute { template.route }
    /// Minimum spacing between sessions.
    public var spacing: SpacingRule { template.spacing }
    /// Whether a prescriber has signed it.
    public var isSigned: Bool { signature != nil }

    /// Creates a plan in evaluation from `template` with the template's defaults.
    ///
    /// Only a prescriber may create one, and only from an enabled template with a dosing protocol (DOMAIN.md §4.5).
    public static func create(
        id: TreatmentPlanID, patientID: PatientID, from template: PlanTemplate, startDate: Date, by actor: PlanActor, at now: Date
    ) throws(PlanError) -> TreatmentPlan {
        try requirePrescriber(actor, doing: "create a plan")
        guard template.isEnabled.value, let dose = template.dosing.startingDose else {
            throw PlanError(field: "templateID", message: "template \(template.id) is disabled until the clinic configures its protocol")
        }
        try template.validate()
        return TreatmentPlan(
            id: id, patientID: patientID, template: template, createdBy: actor.username, createdAt: now, startDate: startDate,
            startingDose: dose, sessionsPerWeekMax: template.sessionsPerWeekMax.value, inductionSessions: template.inductionSessions.value,
            maintenanceCadences: template.maintenance.map(\.cadence), integrationSessions: template.integrationSessionsBetweenDoses.value,
            signature: nil, phase: .evaluation, transitions: []
        )
    }

    /// Applies one adjustment, refusing it on a signed plan or outside the template's limits (the error names field and range).
    public mutating func adjust(_ adjustment: PlanAdjustment) throws(PlanError) {
        guard signature == nil else {
            throw PlanError(field: "signature", message: "plan is signed and locked; create a new plan version to change it")
        }
        switch adjustment {
        case .startingDose(let dose):
            try template.dosing.validate(dose)
            startingDose = dose
        case .sessionsPerWeekMax(let value):
            try template.sessionsPerWeekMax.validate(value, field: "sessionsPerWeekMax")
            sessionsPerWeekMax = value
        case .inductionSessions(let value):
            try template.inductionSessions.validate(value, field: "inductionSessions")
            inductionSessions = value
        case .maintenanceCadence(let block, let cadence):
            guard template.maintenance.indices.contains(block) else {
                throw PlanError(
                    field: "maintenance[\(block)]",
                    message: "this template has \(template.maintenance.count) maintenance block(s); block must be from 0 to "
                        + "\(template.maintenance.count - 1)"
                )
            }
            try template.maintenance[block].validate(cadence, field: "maintenance[\(block)].cadence")
            maintenanceCadences[block] = cadence
        case .integrationSessions(let value):
            try template.integrationSessionsBetweenDoses.validate(value, field: "integrationSessions")
            integrationSessions = value
        case .startDate(let date):
            startDate = date
        }
    }

    /// Signs the plan, locking it; only a prescriber may sign, once.
    public mutating func sign(by actor: PlanActor, at now: Date) throws(PlanError) {
        try Self.requirePrescriber(actor, doing: "sign a plan")
        guard signature == nil else { throw PlanError(field: "signature", message: "plan is already signed") }
        guard now >= createdAt else { throw PlanError(field: "signedAt", message: "signedAt must not be before the plan was created") }
        signature = PlanSignature(signedBy: actor.username, signedAt: now)
    }

    /// Moves the plan to `next`, attributed to `actor`; illegal moves throw naming from and to.
    ///
    /// Activation (entering induction or maintenance from evaluation or pause) needs a signature and `activation` with
    /// eligibility and consent both true. Pause, completion, discontinuation and re-induction need a reason.
    public mutating func transition(
        to next: PlanPhase, by actor: PlanActor, at now: Date, reason: String? = nil, activation: PlanActivationInputs? = nil
    ) throws(PlanError) {
        guard phase.allowedNext.contains(next) else {
            let allowed = phase.allowedNext.isEmpty ? "none (\(phase.rawValue) is final)" : phase.allowedNext.map(\.rawValue).joined(separator: ", ")
            throw PlanError(
                field: "phase", message: "cannot move from \(phase.rawValue) to \(next.rawValue); allowed from \(phase.rawValue): \(allowed)")
        }
        try Self.requirePrescriber(actor, doing: "change a plan's phase")
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if phase.requiresReason(to: next), trimmed.isEmpty {
            throw PlanError(field: "reason", message: "a reason is required to move from \(phase.rawValue) to \(next.rawValue)")
        }
        if let last = transitions.last?.at ?? signature?.signedAt, now < last {
            throw PlanError(field: "at", message: "a phase change cannot be dated before the previous event on the plan")
        }
        // DOMAIN.md §5.1: induction moves to maintenance only after the end-of-induction review decided to continue.
        if phase == .induction, next == .maintenance, reviewAllowingMaintenance == nil {
            throw PlanError(
                field: "inductionReview",
                message: "record the end-of-induction review (outcome on the primary instrument and the decision) before maintenance")
        }
        if phase.isActivation(to: next) {
            guard signature != nil else {
                throw PlanError(field: "signature", message: "an unsigned plan cannot be activated; a prescriber must sign it first")
            }
            guard let activation else {
                throw PlanError(field: "isEligible", message: "activation needs the current eligibility and consent status")
            }
            guard activation.isEligible else {
                throw PlanError(field: "isEligible", message: "the patient is not currently eligible; re-screen or record a prescriber override")
            }
            guard activation.hasValidConsent else {
                throw PlanError(field: "hasValidConsent", message: "no current consent for route \(route.rawValue)")
            }
        }
        transitions.append(
            PhaseTransition(from: phase, to: next, by: actor.username, role: actor.role, at: now, reason: trimmed.isEmpty ? nil : trimmed)
        )
        phase = next
    }

    /// The periods the plan spent in each phase, from creation (evaluation) on; the last one is open.
    public var phasePeriods: [PhasePeriod] {
        var periods: [PhasePeriod] = []
        var current = PhasePeriod(phase: .evaluation, start: createdAt, end: nil)
        for transition in transitions {
            current.end = transition.at
            periods.append(current)
            current = PhasePeriod(phase: transition.to, start: transition.at, end: nil)
        }
        periods.append(current)
        return periods
    }

    private static func requirePrescriber(_ actor: PlanActor, doing action: String) throws(PlanError) {
        guard actor.role == .prescriber else {
            throw PlanError(field: "role", message: "only a prescriber may \(action); \(actor.username) is \(actor.role.rawValue)")
        }
    }
}
