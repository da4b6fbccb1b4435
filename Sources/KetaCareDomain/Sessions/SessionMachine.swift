public import Foundation

/// Who gives a session command: the account's name and role, and whether it holds the medical-director authority that an
/// administrator grants (issue #10; never a tick in the request).
public struct SessionActor: Sendable, Equatable {
    public var username: String
    public var role: Role
    public var isMedicalDirector: Bool
    /// Whether this is the software itself (``system``), never a signed-in account.
    public private(set) var isSystem = false

    /// Creates an actor.
    public init(username: String, role: Role, isMedicalDirector: Bool = false) {
        self.username = username
        self.role = role
        self.isMedicalDirector = isMedicalDirector
    }

    /// The software itself, for what the passing of time raises (``SessionCommand/tick``); stored as `system` with role `-`.
    public static let system: SessionActor = {
        var actor = SessionActor(username: "system", role: .nurse)
        actor.isSystem = true
        return actor
    }()
}

/// The current dose order as the session's rules read it.
public struct SessionOrderFacts: Sendable, Equatable {
    public var orderedBy: String
    public var verifiedBy: String?
    public var doseMg: Decimal

    /// Creates the facts.
    public init(orderedBy: String, verifiedBy: String?, doseMg: Decimal) {
        self.orderedBy = orderedBy
        self.verifiedBy = verifiedBy
        self.doseMg = doseMg
    }
}

/// Whether a vitals set or rating was taken before the dose (the baseline) or during the session.
public enum SessionPhase: String, Codable, Sendable {
    case preDose = "pre_dose"
    case inSession = "in_session"
}

/// The in-session rating scales (DOMAIN.md §6.4).
public enum SessionInstrument: String, Codable, Sendable, CaseIterable {
    case moaas
    case cadss

    /// The instrument for a spelling a client may send (`moaas`, `MOAA/S`, `cadss`).
    public init?(spelling: String) {
        switch spelling.lowercased() {
        case "moaas", "moaa/s": self = .moaas
        case "cadss": self = .cadss
        default: return nil
        }
    }
}

/// Pausing or resuming a running infusion (starting and stopping are transitions).
public enum InfusionAction: String, Codable, Sendable, CaseIterable {
    case pause
    case resume
}

/// One vitals set with when it was taken and whether SpO2 was read on supplemental oxygen.
public struct TimedVitals: Sendable, Equatable {
    public var at: Date
    public var vitals: VitalSigns
    public var phase: SessionPhase
    public var onSupplementalOxygen: Bool

    /// Creates the set.
    public init(at: Date, vitals: VitalSigns, phase: SessionPhase, onSupplementalOxygen: Bool) {
        self.at = at
        self.vitals = vitals
        self.phase = phase
        self.onSupplementalOxygen = onSupplementalOxygen
    }
}

/// Everything the session's rules read and change: the run-sheet's state and facts, and what the timeline recorded.
///
/// The store makes it from the stored session and timeline; ``SessionMachine`` changes the first group and never the second
/// (the timeline grows by the effects the store appends).
public struct SessionRecord: Sendable, Equatable {
    // What the rules change.
    public var state: SessionState
    public var checks: PreDoseConfirmations?
    public var baselineVitals: VitalSigns?
    public var baselineVitalsAt: Date?
    public var preDoseMOAAS: Int?
    public var preDoseCADSS: Int?
    public var dosingStart: Date?
    public var dosingEnd: Date?
    public var readyAt: Date?
    public var signedBy: String?
    public var signedAt: Date?

    // What the rules read.
    public let route: DosingRoute
    public let createdAt: Date
    public var order: SessionOrderFacts?
    /// The pre-dose checklist as the stored record makes it (stored consent and screening, safety alerts, overrides).
    public var preDose: PreDoseChecks?
    /// Every vitals set in time order.
    public var vitals: [TimedVitals]
    public var moaas: [TimedRating]
    public var cadss: [TimedRating]
    /// Whether a stop-dosing (or worse) alert is still unacknowledged.
    public var hasOpenCriticalAlert: Bool
    /// The keys of every alert raised in this session (an overdue-reading alert is raised once per due time).
    public var raisedAlertKeys: Set<String>

    /// Creates a record.
    public init(
        route: DosingRoute, createdAt: Date, state: SessionState = .initial, checks: PreDoseConfirmations? = nil, baselineVitals: VitalSigns? = nil,
        baselineVitalsAt: Date? = nil, preDoseMOAAS: Int? = nil, preDoseCADSS: Int? = nil, dosingStart: Date? = nil, dosingEnd: Date? = nil,
        readyAt: Date? = nil, signedBy: String? = nil, signedAt: Date? = nil, order: SessionOrderFacts? = nil, preDose: PreDoseChecks? = nil,
        vitals: [TimedVitals] = [], moaas: [TimedRating] = [], cadss: [TimedRating] = [], hasOpenCriticalAlert: Bool = false,
        raisedAlertKeys: Set<String> = []
    ) {
        self.route = route
        self.createdAt = createdAt
        self.state = state
        self.checks = checks
        self.baselineVitals = baselineVitals
        self.baselineVitalsAt = baselineVitalsAt
        self.preDoseMOAAS = preDoseMOAAS
        self.preDoseCADSS = preDoseCADSS
        self.dosingStart = dosingStart
        self.dosingEnd = dosingEnd
        self.readyAt = readyAt
        self.signedBy = signedBy
        self.signedAt = signedAt
        self.order = order
        self.preDose = preDose
        self.vitals = vitals
        self.moaas = moaas
        self.cadss = cadss
        self.hasOpenCriticalAlert = hasOpenCriticalAlert
        self.raisedAlertKeys = raisedAlertKeys
    }

    /// Whether the record is signed and locked (only amendments may follow).
    public var isSigned: Bool { signedAt != nil }

    /// Whether dosing has not started yet (ordering, checks and overrides happen here).
    public var isBeforeDosing: Bool { dosingStart == nil && (state == .checkedIn || state == .preDoseChecks) }

    /// The vitals and ratings as the discharge monitoring check reads them (DOMAIN.md §6.2, §6.4).
    public var observations: SessionObservations {
        SessionObservations(
            preDoseVitalsAt: baselineVitalsAt, vitalsAt: vitals.filter { $0.phase != .preDose }.map(\.at), moaas: moaas, cadss: cadss)
    }
}

/// The discharge form's score items; the items the session's readings decide (Aldrete circulation and SpO2) are not asked.
public enum DischargeFormItems: Sendable, Equatable {
    /// Modified Aldrete (DOMAIN.md §7.2): activity, respiration and consciousness as rated at the chair.
    case aldrete(activity: Int, respiration: Int, consciousness: Int)
    /// PADSS (DOMAIN.md §7.3): activity and mental status, pain/nausea/vomiting, surgical bleeding (nil: the clinic's N/A = 2
    /// adaptation), intake and output (nil for the modified PADSS); the vital-signs item comes from the readings.
    case padss(activityMentalStatus: Int, painNauseaVomiting: Int, surgicalBleeding: Int?, intakeOutput: Int?)
}

/// A discharge assessment as the clinician submits it.
public struct DischargeRequest: Sendable, Equatable {
    public var items: DischargeFormItems
    public var escortPresent: Bool
    public var drivingAdviceAcknowledged: Bool
    /// A reason to override soft criteria; the role's permission to override is checked before the command.
    public var overrideReason: String?

    /// Creates a request.
    public init(items: DischargeFormItems, escortPresent: Bool, drivingAdviceAcknowledged: Bool, overrideReason: String?) {
        self.items = items
        self.escortPresent = escortPresent
        self.drivingAdviceAcknowledged = drivingAdviceAcknowledged
        self.overrideReason = overrideReason
    }
}

/// A rescue medication as entered (`givenAt` nil = now).
public struct RescueMedicationRequest: Sendable, Equatable {
    public var drug: String
    public var dose: Milligrams
    public var route: String
    public var indication: String?
    public var givenAt: Date?

    /// Creates a request.
    public init(drug: String, dose: Milligrams, route: String, indication: String?, givenAt: Date?) {
        self.drug = drug
        self.dose = dose
        self.route = route
        self.indication = indication
        self.givenAt = givenAt
    }
}

/// What someone asks of a session at the chair.
public enum SessionCommand: Sendable, Equatable {
    /// Place a dose order the calculator checked (`doseField` names the dose input for a refusal).
    case order(check: DoseLimitCheck, doseField: String, overrideReason: String?)
    /// The independent double check of the current order (DOMAIN.md §4.8).
    case verifyOrder
    /// Withdraw the current order before dosing, with a reason.
    case withdrawOrder(reason: String)
    /// Document a decision to dose despite a pre-dose finding.
    case overridePreDose(item: PreDoseOverrideItem, reason: String)
    /// Confirm the pre-dose checklist (`confirmedBy`/`confirmedAt` are set from the actor and the clock).
    case confirmChecks(PreDoseConfirmations)
    /// Record a vitals set.
    case recordVitals(VitalSigns, onSupplementalOxygen: Bool)
    /// Record a MOAA/S or CADSS rating.
    case rate(SessionInstrument, score: Int)
    /// Record a side-effect check: ticked codes, severities by code, a note.
    case recordSideEffects(ticked: [String], severities: [String: String], note: String?)
    /// Record a rescue medication given.
    case recordRescueMedication(RescueMedicationRequest)
    /// Record an adverse event (the reports it calls for follow from the clinic's rules).
    case recordAdverseEvent(AdverseEvent)
    /// Pause or resume the infusion.
    case infusion(InfusionAction)
    /// Move along the run-sheet (or stop early with a reason).
    case move(to: SessionState, reason: String?)
    /// Acknowledge an alert with the action taken.
    case acknowledgeAlert(actionTaken: String)
    /// Assess readiness for discharge.
    case assessDischarge(DischargeRequest)
    /// Sign and lock the record.
    case sign
    /// Add an amendment to a signed record.
    case amend(text: String, reason: String)
    /// Time has passed: raise what is now due (an overdue reading, DOMAIN.md §6.2, §6.5).
    case tick
}

/// What the store must record for a command: timeline entries (with the alerts they raise) and ledger hooks.
public enum SessionEffect: Sendable, Equatable {
    /// A step on the run-sheet.
    case transition(SessionTransition)
    /// A dose order placed (with the reason when beyond a soft limit).
    case orderPlaced(overrideReason: String?)
    /// The current order verified by the actor.
    case orderVerified
    /// The current order withdrawn.
    case orderWithdrawn(reason: String)
    /// A documented pre-dose override.
    case preDoseOverride(PreDoseOverride)
    /// The pre-dose checklist as confirmed.
    case checksConfirmed(PreDoseConfirmations)
    /// A vitals set with the alerts it raised.
    case vitals(VitalSigns, phase: SessionPhase, onSupplementalOxygen: Bool, alerts: [SessionAlert])
    /// A rating with the alert it raised.
    case rating(SessionInstrument, score: Int, phase: SessionPhase, alerts: [SessionAlert])
    /// A side-effect check with the alerts it raised.
    case sideEffects(SideEffectCheck, alerts: [SessionAlert])
    /// A rescue medication given.
    case rescueMedication(RescueMedication)
    /// An adverse event and the reports it calls for.
    case adverseEvent(AdverseEvent, obligations: [ReportingObligation])
    /// The infusion paused or resumed.
    case infusion(InfusionAction)
    /// The ordered dose given (the ledger's administration entry is written on the same transaction).
    case administration(doseMg: Decimal)
    /// An alert acknowledged.
    case alertAcknowledged(actionTaken: String)
    /// A discharge decision (always ready: a refused assessment is an error) with the score it was made on.
    case discharge(DischargeDecision, score: DischargeScore)
    /// The record signed and locked.
    case signed
    /// An amendment.
    case amendment(text: String, reason: String)
    /// Alerts raised by the passing of time (a reading overdue).
    case alerts([SessionAlert])
}

/// The treatment session's rules as one state machine (issue #10): a command, with the actor, the clinic's policy and the
/// clock, yields the effects to store or a typed refusal. Nothing here reads a database or the wall clock, so every gate is
/// table-tested (`SessionMachineTests`), each naming its DOMAIN.md section.
public struct SessionMachine: Sendable {
    /// The record after the last command.
    public private(set) var record: SessionRecord
    /// The clinic's session policy.
    public let policy: SessionPolicy

    /// A machine over `record` under `policy`.
    public init(record: SessionRecord, policy: SessionPolicy) {
        self.record = record
        self.policy = policy
    }

    /// Applies `command` from `actor` at `now`: the record changes and the effects to store, or a refusal naming the field.
    /// On a refusal the record is unchanged.
    public mutating func handle(_ command: SessionCommand, by actor: SessionActor, at now: Date) throws(SessionError) -> [SessionEffect] {
        var next = record
        let effects = try Self.apply(command, to: &next, by: actor, at: now, policy: policy)
        record = next
        return effects
    }

    static func refuse(_ field: String, _ message: String) -> SessionError { SessionError(.inconsistent, field: field, message: message) }

    static func requireActive(_ record: SessionRecord) throws(SessionError) {
        guard !record.state.isTerminal else { throw refuse("state", "the session has ended (\(record.state.name))") }
    }

    static func apply(
        _ command: SessionCommand, to record: inout SessionRecord, by actor: SessionActor, at now: Date, policy: SessionPolicy
    ) throws(SessionError) -> [SessionEffect] {
        if record.isSigned, !command.isAmendment {
            throw refuse("session", "the session is signed and locked; add an amendment instead")
        }
        switch command {
        case .order(let check, let doseField, let overrideReason):
            return try order(check, doseField: doseField, overrideReason: overrideReason, record: record)
        case .verifyOrder:
            return try verifyOrder(record, by: actor, policy: policy)
        case .withdrawOrder(let reason):
            guard record.order != nil else { throw refuse("order", "there is no current dose order to withdraw") }
            guard record.isBeforeDosing else {
                throw refuse("state", "an order can be withdrawn only before dosing starts; the session is \(record.state.name)")
            }
            let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !why.isEmpty, why.count <= 500 else {
                throw SessionError(.missing, field: "reason", message: "reason is required (1–500 characters): why the order is withdrawn")
            }
            return [.orderWithdrawn(reason: why)]
        case .overridePreDose(let item, let reason):
            return [.preDoseOverride(try overridePreDose(item, reason: reason, record: record, by: actor, at: now))]
        case .confirmChecks(var confirmations):
            var effects: [SessionEffect] = []
            if record.state == .checkedIn {
                let step = try record.state.transition(to: .preDoseChecks, by: actor.username, role: actor.role, at: now, policy: policy)
                record.state = .preDoseChecks
                effects.append(.transition(step))
            }
            guard record.state == .preDoseChecks else {
                throw refuse("state", "pre-dose checks are confirmed before dosing; the session is \(record.state.name)")
            }
            confirmations.confirmedBy = actor.username
            confirmations.confirmedAt = now
            record.checks = confirmations
            return effects + [.checksConfirmed(confirmations)]
        case .recordVitals(let raw, let onOxygen):
            let vitals = try raw.validated(policy.plausibility)
            try requireActive(record)
            if record.isPreDoseRecording {
                // The latest pre-dose set is the baseline (a re-take after rest replaces it); the pre-dose gate judges it (§3.5).
                record.baselineVitals = vitals
                record.baselineVitalsAt = now
                record.vitals.append(TimedVitals(at: now, vitals: vitals, phase: .preDose, onSupplementalOxygen: onOxygen))
                return [.vitals(vitals, phase: .preDose, onSupplementalOxygen: onOxygen, alerts: [])]
            }
            // DOMAIN.md §6.5: in-session thresholds, rises against the pre-dose baseline.
            let alerts = vitals.alerts(policy.alerts, baseline: record.baselineVitals)
            record.vitals.append(TimedVitals(at: now, vitals: vitals, phase: .inSession, onSupplementalOxygen: onOxygen))
            return [.vitals(vitals, phase: .inSession, onSupplementalOxygen: onOxygen, alerts: alerts)]
        case .rate(let instrument, let score):
            return [try rate(instrument, score: score, record: &record, at: now, policy: policy)]
        case .recordSideEffects(let ticked, let severities, let note):
            try requireActive(record)
            // DOMAIN.md §6.5: vomiting, crisis symptoms and emergence reactions raise alerts like any other.
            let check = try policy.sideEffects.check(ticked: ticked, severities: severities, note: note)
            let alerts = try policy.sideEffects.alerts(forTicked: check.ticked.map(\.code))
            return [.sideEffects(check, alerts: alerts)]
        case .recordRescueMedication(let request):
            try requireActive(record)
            let givenAt = request.givenAt ?? now
            guard givenAt >= record.createdAt, givenAt <= now else {
                throw SessionError(
                    .outOfRange, field: "given_at",
                    message: "given_at must be between check-in (\(Self.iso(record.createdAt))) and now (\(Self.iso(now)))")
            }
            let medication = try RescueMedication(
                drug: request.drug, dose: request.dose, route: request.route, indication: request.indication, givenAt: givenAt,
                givenBy: actor.username, policy: policy.rescueMedications)
            return [.rescueMedication(medication)]
        case .recordAdverseEvent(let event):
            // DOMAIN.md §8: the reports an event calls for follow from the product and the clinic's reporting rules.
            let obligations = event.reportingObligations(
                product: record.route.product, setting: .outpatient, underIND: false, sessionDate: record.dosingStart ?? record.createdAt,
                awareAt: now, rules: policy.reporting)
            return [.adverseEvent(event, obligations: obligations)]
        case .infusion(let action):
            guard record.state == .dosing else { throw refuse("state", "the infusion can be paused or resumed only while dosing") }
            return [.infusion(action)]
        case .move(let target, let reason):
            return try move(to: target, reason: reason, record: &record, by: actor, at: now, policy: policy)
        case .acknowledgeAlert(let actionTaken):
            let text = actionTaken.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                throw SessionError(.missing, field: "action_taken", message: "action_taken is required: what was done about the alert")
            }
            return [.alertAcknowledged(actionTaken: text)]
        case .assessDischarge(let request):
            return try assessDischarge(request, record: &record, by: actor, at: now, policy: policy)
        case .sign:
            guard record.state.isTerminal else {
                throw refuse("state", "only a discharged or stopped session can be signed; the session is \(record.state.name)")
            }
            record.signedBy = actor.username
            record.signedAt = now
            return [.signed]
        case .amend(let text, let reason):
            guard record.isSigned else { throw refuse("session", "the session is not signed yet; record the entry directly") }
            let note = try SessionError.requireText(text, field: "text", what: "the amended entry")
            let why = try SessionError.requireText(reason, field: "reason", what: "why the record is amended")
            return [.amendment(text: note, reason: why)]
        case .tick:
            let alerts = overdueReadings(record, at: now, policy: policy)
            record.raisedAlertKeys.formUnion(alerts.map(\.key))
            return alerts.isEmpty ? [] : [.alerts(alerts)]
        }
    }

    static func iso(_ date: Date) -> String { date.ISO8601Format() }
}

extension SessionCommand {
    /// Whether the command reads the pre-dose checklist (``SessionRecord/preDose``), so the caller must load the stored
    /// consent, screening and safety alerts it is made from: only the step into dosing does.
    public var readsPreDoseRecord: Bool {
        if case .move(to: .dosing, _) = self { return true }
        return false
    }

    /// Whether the command reads what the timeline recorded (``SessionRecord/vitals``, the ratings, the alerts, the pre-dose
    /// overrides): the step into dosing, the discharge assessment and the tick. Every other command only appends, so the
    /// caller may leave the timeline unread (a vitals set then costs two reads, not the whole session).
    public var readsTimeline: Bool {
        switch self {
        case .assessDischarge, .tick: true
        default: readsPreDoseRecord
        }
    }

    /// Whether this is an amendment (the only command a signed record takes).
    var isAmendment: Bool {
        if case .amend = self { return true }
        return false
    }
}

extension SessionRecord {
    /// Whether a vitals set or rating now is the pre-dose baseline.
    var isPreDoseRecording: Bool { state == .checkedIn || state == .preDoseChecks }
}

// MARK: - Orders and the pre-dose gate

extension SessionMachine {
    static func order(_ check: DoseLimitCheck, doseField: String, overrideReason: String?, record: SessionRecord) throws(SessionError)
        -> [SessionEffect]
    {
        guard record.isBeforeDosing else {
            throw refuse("state", "a dose can be ordered only before dosing; the session is \(record.state.name)")
        }
        let reason = overrideReason?.trimmingCharacters(in: .whitespacesAndNewlines)
        // DOMAIN.md §4.8: a hard limit cannot be ordered; a soft limit needs the prescriber's reason.
        switch check {
        case .hard(let limit):
            throw SessionError(.outOfRange, field: doseField, message: "blocked by a hard limit: \(limit.message)")
        case .soft(let limit) where reason?.isEmpty ?? true:
            throw SessionError(.missing, field: "override_reason", message: "beyond a soft limit (\(limit.message)): give a reason to override it")
        default:
            return [.orderPlaced(overrideReason: check.requiresOverrideReason ? reason : nil)]
        }
    }

    static func verifyOrder(_ record: SessionRecord, by actor: SessionActor, policy: SessionPolicy) throws(SessionError) -> [SessionEffect] {
        guard let order = record.order else { throw refuse("order", "there is no dose order to verify") }
        if let verifier = order.verifiedBy { throw refuse("order", "the order was already verified by \(verifier)") }
        guard record.dosingStart == nil else { throw refuse("state", "the order is verified before dosing starts") }
        // DOMAIN.md §4.8 independent double check: a second clinician, never the one who ordered.
        guard order.orderedBy != actor.username else {
            throw refuse("verified_by", "the clinician who ordered the dose cannot verify it; a second nurse or prescriber must")
        }
        guard policy.preDose.verifierRoles.value.contains(actor.role) else {
            throw SessionError(.roleNotAllowed, field: "role", message: "\(actor.role.rawValue) may not verify dose orders")
        }
        return [.orderVerified]
    }

    /// DOMAIN.md §1.9, §3.3, §3.5 and issue #10: the override is the actor's, with the authority the item needs; whether it is
    /// enough is the pre-dose gate's decision at the dosing step.
    static func overridePreDose(
        _ item: PreDoseOverrideItem, reason: String, record: SessionRecord, by actor: SessionActor, at now: Date
    ) throws(SessionError) -> PreDoseOverride {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...1000).contains(why.count) else {
            throw SessionError(
                .missing, field: "reason",
                message: item == .records
                    ? "reason is required: name the paper record (what, signed when, filed where)" : "reason is required (3–1000 characters)")
        }
        if item.needsMedicalDirector, !actor.isMedicalDirector {
            throw SessionError(
                .roleNotAllowed, field: "item",
                message: "overriding \(item.rawValue) needs the medical-director authority, which \(actor.username)'s account does not hold")
        }
        guard record.isBeforeDosing else {
            throw refuse("state", "pre-dose findings can be overridden only before dosing starts; the session is \(record.state.name)")
        }
        return PreDoseOverride(item: item, by: actor.username, role: actor.role, isMedicalDirector: actor.isMedicalDirector, reason: why, at: now)
    }

    static func move(
        to target: SessionState, reason: String?, record: inout SessionRecord, by actor: SessionActor, at now: Date, policy: SessionPolicy
    ) throws(SessionError) -> [SessionEffect] {
        let step = try record.state.transition(to: target, by: actor.username, role: actor.role, at: now, reason: reason, policy: policy)
        var effects: [SessionEffect] = []
        switch target {
        case .dosing:
            // The pre-dose gate (DOMAIN.md §1.9, §3, §3.5, §4.8; issue #10): every unmet item stops the dose.
            let unmet = record.preDose?.unmetItems(route: record.route, now: now, policy: policy) ?? []
            guard record.preDose != nil, unmet.isEmpty else {
                let items =
                    record.preDose == nil
                    ? "the pre-dose record could not be read" : unmet.map { "\($0.item.rawValue): \($0.reason)" }.joined(separator: "; ")
                throw refuse("checks", "pre-dose checks not met: " + items)
            }
            record.dosingStart = now
            if let order = record.order { effects.append(.administration(doseMg: order.doseMg)) }
        case .monitoring:
            record.dosingEnd = now
        case .readyForDischarge:
            throw refuse("to", "record a discharge assessment: the session becomes ready for discharge when its criteria are met")
        default:
            break
        }
        record.state = target
        return [.transition(step)] + effects
    }
}

// MARK: - Observations

extension SessionMachine {
    static func rate(
        _ instrument: SessionInstrument, score: Int, record: inout SessionRecord, at now: Date, policy: SessionPolicy
    ) throws(SessionError) -> SessionEffect {
        try requireActive(record)
        let isPreDose = record.isPreDoseRecording
        let alert: SessionAlert?
        // DOMAIN.md §6.4: MOAA/S and CADSS alerts; a CADSS rise is judged against the pre-dose rating.
        switch instrument {
        case .moaas:
            alert = try policy.assessments.moaasAlert(score)
            if isPreDose { record.preDoseMOAAS = score }
            record.moaas.append(TimedRating(at: now, score: score, isPreDose: isPreDose))
        case .cadss:
            let base = record.preDoseCADSS ?? (isPreDose ? score : 0)
            alert = try policy.assessments.cadssAlert(total: score, preDose: base)
            if isPreDose { record.preDoseCADSS = score }
            record.cadss.append(TimedRating(at: now, score: score, isPreDose: isPreDose))
        }
        return .rating(instrument, score: score, phase: isPreDose ? .preDose : .inSession, alerts: isPreDose ? [] : alert.map { [$0] } ?? [])
    }

    /// DOMAIN.md §6.2 (Spravato oximetry and BP), §6.3 and §6.5: a reading past its due time plus the grace raises a warning
    /// once per due time, so the nurse is told even when nobody is looking at the countdown.
    static func overdueReadings(_ record: SessionRecord, at now: Date, policy: SessionPolicy) -> [SessionAlert] {
        guard let start = record.dosingStart, !record.state.isTerminal, record.state != .readyForDischarge else { return [] }
        let times = record.vitals.map(\.at).filter { $0 >= start }
        var alerts: [SessionAlert] = []
        for measurement in MonitoredMeasurement.allCases {
            guard
                let due = policy.monitoring.nextDue(
                    route: record.route, measurement: measurement, recorded: times, dosingStart: start, dosingEnd: record.dosingEnd, now: now),
                due.isOverdue,
                let schedule = policy.monitoring.schedule(MonitoringProfile(route: record.route), measurement)
            else { continue }
            let key = "monitoring.overdue.\(measurement.rawValue).\(Int(due.dueAt.timeIntervalSince(start)))"
            guard !record.raisedAlertKeys.contains(key) else { continue }
            let minutes = Int(now.timeIntervalSince(due.dueAt) / 60)
            alerts.append(
                SessionAlert(
                    key: key, signal: "monitoring.\(measurement.rawValue)", level: .warning,
                    threshold: "\(measurement.label) reading overdue (due \(minutes) min ago)", observed: nil,
                    action: "take and record the \(measurement.label) reading now", provenance: schedule.provenance))
        }
        return alerts
    }
}

// MARK: - Discharge

extension SessionMachine {
    /// DOMAIN.md §7.1–7.4: the discharge checklist; a refused assessment names every unmet criterion.
    static func assessDischarge(
        _ request: DischargeRequest, record: inout SessionRecord, by actor: SessionActor, at now: Date, policy: SessionPolicy
    ) throws(SessionError) -> [SessionEffect] {
        guard record.state == .recovery else {
            throw refuse("state", "the discharge assessment is made in recovery; the session is \(record.state.name)")
        }
        let latest = record.vitals.last
        let score: DischargeScore
        switch request.items {
        case .aldrete(let activity, let respiration, let consciousness):
            let circulation = ModifiedAldrete.circulationItem(
                preDoseSystolic: record.baselineVitals?.systolic ?? latest?.vitals.systolic ?? 0, systolic: latest?.vitals.systolic ?? 0,
                rule: policy.discharge.aldreteCirculation)
            // DOMAIN.md §7.2: the SpO2 item follows from the latest reading and whether it was on supplemental oxygen.
            let spo2 = latest.map { ModifiedAldrete.spo2Item(spo2: $0.vitals.spo2, onSupplementalOxygen: $0.onSupplementalOxygen) } ?? 0
            score = .aldrete(
                try ModifiedAldrete(activity: activity, respiration: respiration, circulation: circulation, consciousness: consciousness, spo2: spo2))
        case .padss(let activity, let pain, let bleeding, let intakeOutput):
            // DOMAIN.md §7.3: the vital-signs item from the latest BP and pulse against the pre-dose set (20% / 40% bands).
            let rules = policy.discharge.padss
            let vitalSigns = PADSS.vitalSignsItem(preDose: record.baselineVitals, latest: latest?.vitals, rule: rules.vitalSigns)
            score = .padss(
                try PADSS(
                    vitalSigns: vitalSigns, activityMentalStatus: activity, painNauseaVomiting: pain, surgicalBleeding: bleeding,
                    intakeOutput: intakeOutput, rules: rules))
        }
        let start = record.dosingStart ?? now
        let end = record.dosingEnd ?? now
        let missing = record.observations.missingForDischarge(
            profile: MonitoringProfile(route: record.route), dosingStart: start, dosingEnd: end, now: now, monitoring: policy.monitoring,
            assessments: policy.assessments, discharge: policy.discharge)
        let assessment = DischargeAssessment(
            route: record.route, dosingStart: start, dosingEnd: end, now: now, latestVitals: latest?.vitals, preDoseVitals: record.baselineVitals,
            latestMOAAS: record.moaas.last(where: { !$0.isPreDose })?.score, preDoseMOAAS: record.preDoseMOAAS, score: score,
            hasUnresolvedCriticalAlert: record.hasOpenCriticalAlert, escortPresent: request.escortPresent,
            drivingAdviceAcknowledged: request.drivingAdviceAcknowledged,
            // The REMS Patient Monitoring Form (§6.2) is made from these readings: complete when nothing it asks for is missing.
            remsFormComplete: missing.isEmpty, latestCADSS: record.cadss.last(where: { !$0.isPreDose })?.score, preDoseCADSS: record.preDoseCADSS,
            missingMonitoring: missing)
        let reason = request.overrideReason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let override = reason.isEmpty ? nil : DischargeOverride(by: actor.username, role: actor.role, reason: reason, at: now)
        let decision = try DischargeAssessment.evaluate(assessment, override: override, policy: policy)
        guard decision.isReady else {
            throw refuse(
                "discharge",
                "not ready for discharge: " + decision.unmet.map(\.reason).joined(separator: "; ")
                    + (override != nil ? " (the minimum observation is a hard rule no override can shorten)" : ""))
        }
        let step = try record.state.transition(to: .readyForDischarge, by: actor.username, role: actor.role, at: now, policy: policy)
        record.state = .readyForDischarge
        record.readyAt = record.readyAt ?? decision.readyAt ?? now
        return [.discharge(decision, score: score), .transition(step)]
    }
}

extension MonitoredMeasurement {
    /// How the run-sheet names the reading.
    public var label: String {
        switch self {
        case .bloodPressure: "blood pressure"
        case .oximetry: "pulse oximetry (SpO2)"
        case .respiratoryRate: "respiratory rate"
        }
    }
}
