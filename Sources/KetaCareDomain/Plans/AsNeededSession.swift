public import Foundation

/// Why the primary instrument shows a loss of response in maintenance: which scores, when, compared with what (DOMAIN.md §5.2).
public struct AsNeededFinding: Codable, Sendable, Equatable {
    /// The primary instrument (`gad7`, `pcl5` …).
    public var instrumentID: String
    /// The plan's baseline (DOMAIN.md §2.1: closest before the plan first entered induction, within the window).
    public var baseline: ScorePoint
    /// The first score after baseline that met the response definition.
    public var firstResponse: ScorePoint
    /// The best (lowest) score after baseline before the confirming scores.
    public var best: ScorePoint
    /// The worse scores, oldest first; the last is the latest score, the one the finding rests on.
    public var confirming: [ScorePoint]
    /// The rule that judged them.
    public var basis: LossOfResponseBasis
    /// The highest total that still met the response definition against this baseline (`nil` if none could).
    public var responseCeiling: Int?
    /// When the plan last entered maintenance.
    public var maintenanceSince: Date

    /// The score the finding rests on.
    public var trigger: ScorePoint { confirming.last ?? best }
}

/// Why no as-needed session is proposed.
public enum AsNeededNoProposal: String, Codable, Sendable, CaseIterable {
    /// The clinic switched the loss-of-response rule off.
    case ruleDisabled = "rule_disabled"
    /// The plan is not in maintenance (DOMAIN.md §5.2 applies to maintenance; induction has its end-of-induction review).
    case notInMaintenance = "not_in_maintenance"
    /// No score in the baseline window before the plan's first induction (DOMAIN.md §2.1 "no valid baseline").
    case noBaseline = "no_baseline"
    /// The instrument has no response definition, or the baseline is 0 under a percent rule (DOMAIN.md §2.2 "n/a").
    case noResponseDefinition = "no_response_definition"
    /// Not enough scores since maintenance began to judge.
    case noMaintenanceScore = "no_maintenance_score"
    /// The patient never met the response definition before, so there is no response to lose.
    case neverResponded = "never_responded"
    /// The latest scores are not worse under the rule.
    case responseHolds = "response_holds"

    /// A sentence for staff.
    public var explanation: String {
        switch self {
        case .ruleDisabled: "the clinic's loss-of-response rule is switched off"
        case .notInMaintenance: "the plan is not in maintenance"
        case .noBaseline: "no valid baseline before the plan's first induction session"
        case .noResponseDefinition: "the primary instrument has no response definition that applies to this baseline"
        case .noMaintenanceScore: "not enough primary-instrument scores since maintenance began"
        case .neverResponded: "the patient has not met the response definition since baseline, so there is no response to lose"
        case .responseHolds: "the latest primary-instrument score does not show a loss of response"
        }
    }
}

/// What staff decided about a proposed as-needed session: dismissed with a reason, or booked.
public struct AsNeededDecision: Codable, Sendable, Equatable {
    /// Dismissed or booked.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A prescriber decided no session is needed, with the reason.
        case dismissed
        /// The session was booked (the booking is `bookingID`).
        case booked
    }

    /// Dismissed or booked.
    public var kind: Kind
    /// The instrument the finding was on.
    public var instrumentID: String
    /// When the score the finding rested on was taken.
    public var scoreAt: Date
    /// That score's total.
    public var scoreTotal: Int
    /// Why it was dismissed (dismissals only).
    public var reason: String?
    /// The as-needed booking (bookings only).
    public var bookingID: BookingID?
    /// Who decided (username).
    public var by: String
    /// Their role.
    public var role: Role
    /// When.
    public var at: Date

    /// Creates a decision record.
    public init(
        kind: Kind, instrumentID: String, scoreAt: Date, scoreTotal: Int, reason: String?, bookingID: BookingID?, by: String, role: Role,
        at: Date
    ) {
        self.kind = kind
        self.instrumentID = instrumentID
        self.scoreAt = scoreAt
        self.scoreTotal = scoreTotal
        self.reason = reason
        self.bookingID = bookingID
        self.by = by
        self.role = role
        self.at = at
    }
}

/// The loss-of-response check on one plan (DOMAIN.md §5.2): proposed, already settled, or why not.
public enum AsNeededAssessment: Sendable, Equatable {
    /// An as-needed session is proposed and waits for staff.
    case proposed(AsNeededFinding)
    /// A prescriber dismissed the proposal for this score.
    case dismissed(AsNeededFinding, AsNeededDecision)
    /// An as-needed session is booked for it (and still booked).
    case booked(AsNeededFinding, AsNeededDecision)
    /// Nothing to propose.
    case notProposed(AsNeededNoProposal)

    /// `proposed`, `dismissed`, `booked` or `not_proposed`.
    public var status: String {
        switch self {
        case .proposed: "proposed"
        case .dismissed: "dismissed"
        case .booked: "booked"
        case .notProposed: "not_proposed"
        }
    }

    /// The finding, when the scores show a loss of response.
    public var finding: AsNeededFinding? {
        switch self {
        case .proposed(let finding), .dismissed(let finding, _), .booked(let finding, _): finding
        case .notProposed: nil
        }
    }

    /// The finding when a session is proposed now; otherwise the reason nothing can be dismissed or booked (field `asNeeded`).
    public func proposedFinding() throws(PlanError) -> AsNeededFinding {
        switch self {
        case .proposed(let finding): return finding
        case .dismissed(_, let decision), .booked(_, let decision):
            throw PlanError(
                field: "asNeeded", message: "the proposed session was already \(decision.kind.rawValue) by \(decision.by); nothing is proposed now")
        case .notProposed(let why):
            throw PlanError(field: "asNeeded", message: "no as-needed session is proposed for this plan: \(why.explanation)")
        }
    }

    /// The decision that settled the finding.
    public var decision: AsNeededDecision? {
        switch self {
        case .dismissed(_, let decision), .booked(_, let decision): decision
        case .proposed, .notProposed: nil
        }
    }
}

extension LossOfResponseRule {
    /// Judges `plan` on its primary instrument's `scores` (DOMAIN.md §5.2, with §2.1 baseline and §2.2 response).
    ///
    /// The baseline is the score closest before the plan first entered induction (within `baselineWindowDays`). A loss of
    /// response needs an earlier score after baseline that met the response definition, and the latest `confirmingScores`
    /// scores all taken since the plan last entered maintenance and all worse under `basis`. A dismissal settles findings
    /// up to the score it was made on; an as-needed booking settles them up to the later of that score and the booked
    /// session's start while it stays booked (`activeBookingStarts`: the plan's booked sessions by id, current start).
    public func assess(
        _ plan: TreatmentPlan, instrumentID: String, scores: [ScorePoint], criteria: OutcomeCriteria, baselineWindowDays: Int,
        activeBookingStarts: [BookingID: Date]
    ) -> AsNeededAssessment {
        // DOMAIN.md §5.2
        guard isEnabled.value else { return .notProposed(.ruleDisabled) }
        guard plan.phase == .maintenance, let maintenanceSince = plan.transitions.last(where: { $0.to == .maintenance })?.at,
            let firstInduction = plan.transitions.first(where: { $0.to == .induction })?.at
        else { return .notProposed(.notInMaintenance) }
        let trajectory = Trajectory(scores)
        guard let baseline = trajectory.baseline(firstTreatment: firstInduction, windowDays: baselineWindowDays) else {
            return .notProposed(.noBaseline)
        }
        guard let criterion = criteria.response, criterion.isMet(baseline: baseline.total, current: baseline.total) != nil else {
            return .notProposed(.noResponseDefinition)
        }
        let followUps = trajectory.followUps(after: baseline)
        let count = min(max(confirmingScores.value, Self.confirmingScoresAllowed.lowerBound), Self.confirmingScoresAllowed.upperBound)
        let window = Array(followUps.suffix(count))
        guard window.count == count, window.allSatisfy({ $0.date >= maintenanceSince }) else { return .notProposed(.noMaintenanceScore) }
        let earlier = followUps.dropLast(count)
        guard let firstResponse = earlier.first(where: { criterion.isMet(baseline: baseline.total, current: $0.total) == true }),
            let best = earlier.min(by: { $0.total < $1.total })
        else { return .notProposed(.neverResponded) }
        let isWorse: (ScorePoint) -> Bool =
            switch basis.value {
            case .responseLost: { criterion.isMet(baseline: baseline.total, current: $0.total) == false }
            case .riseFromBest(let points): { $0.total - best.total >= points }
            }
        guard window.allSatisfy(isWorse) else { return .notProposed(.responseHolds) }
        let finding = AsNeededFinding(
            instrumentID: instrumentID, baseline: baseline, firstResponse: firstResponse, best: best, confirming: window, basis: basis.value,
            responseCeiling: (0...max(baseline.total, 0)).last { criterion.isMet(baseline: baseline.total, current: $0) == true },
            maintenanceSince: maintenanceSince)
        let trigger = finding.trigger.date
        let decisions = plan.asNeededDecisions.filter { $0.instrumentID == instrumentID }
        if let booked = decisions.last(where: { decision in
            guard decision.kind == .booked, let id = decision.bookingID, let start = activeBookingStarts[id] else { return false }
            return trigger <= max(decision.scoreAt, start)
        }) {
            return .booked(finding, booked)
        }
        if let dismissed = decisions.last(where: { $0.kind == .dismissed && $0.scoreAt >= trigger }) {
            return .dismissed(finding, dismissed)
        }
        return .proposed(finding)
    }
}

extension TreatmentPlan {
    /// The longest dismissal reason kept.
    public static let asNeededReasonMaxLength = 1000

    /// Records a prescriber's dismissal of the proposed as-needed session, with the reason (DOMAIN.md §5.2).
    public mutating func dismissAsNeeded(_ assessment: AsNeededAssessment, reason: String?, by actor: PlanActor, at now: Date) throws(PlanError) {
        guard actor.role == .prescriber else {
            throw PlanError(field: "role", message: "only a prescriber may dismiss a proposed session; \(actor.username) is \(actor.role.rawValue)")
        }
        let finding = try assessment.proposedFinding()
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !trimmed.isEmpty else { throw PlanError(field: "reason", message: "give the reason no as-needed session is needed") }
        guard trimmed.count <= Self.asNeededReasonMaxLength else {
            throw PlanError(field: "reason", message: "reason must be at most \(Self.asNeededReasonMaxLength) characters; got \(trimmed.count)")
        }
        appendAsNeededDecision(
            AsNeededDecision(
                kind: .dismissed, instrumentID: finding.instrumentID, scoreAt: finding.trigger.date, scoreTotal: finding.trigger.total,
                reason: trimmed, bookingID: nil, by: actor.username, role: actor.role, at: now))
    }

    /// Marks `bookingID` as the as-needed session for the proposed finding (DOMAIN.md §5.2); whoever books (the front desk) may.
    public mutating func recordAsNeededBooking(_ assessment: AsNeededAssessment, bookingID: BookingID, by actor: PlanActor, at now: Date)
        throws(PlanError)
    {
        let finding = try assessment.proposedFinding()
        appendAsNeededDecision(
            AsNeededDecision(
                kind: .booked, instrumentID: finding.instrumentID, scoreAt: finding.trigger.date, scoreTotal: finding.trigger.total,
                reason: nil, bookingID: bookingID, by: actor.username, role: actor.role, at: now))
    }

    /// The booking ids booked as as-needed sessions under this plan.
    public var asNeededBookingIDs: Set<BookingID> { Set(asNeededDecisions.compactMap(\.bookingID)) }
}
