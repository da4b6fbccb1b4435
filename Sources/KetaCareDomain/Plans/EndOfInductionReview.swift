public import Foundation

/// How the induction course went on the primary instrument (DOMAIN.md §2.2 response and remission).
public enum InductionOutcome: String, Codable, Sendable, CaseIterable {
    /// Remission at the latest score.
    case remission
    /// Response, not remission.
    case response
    /// Neither: the plan prompts review (DOMAIN.md §5.1 default non-response rule).
    case nonResponse = "non_response"
    /// No valid baseline or no score after it: the outcome cannot be judged.
    case notEvaluable = "not_evaluable"

    /// The outcome from an instrument's report.
    public init(_ report: OutcomeReport) {
        if report.isRemission == true {
            self = .remission
        } else if report.isResponse == true {
            self = .response
        } else if report.isResponse == false {
            self = .nonResponse
        } else {
            self = .notEvaluable
        }
    }

    /// Whether the course reached response or remission.
    public var isResponse: Bool { self == .response || self == .remission }
}

/// What the prescriber decided at the end of induction.
public enum InductionDecision: String, Codable, Sendable, CaseIterable {
    /// Continue into maintenance.
    case continueToMaintenance = "continue"
    /// Change the treatment (a new plan, dose or route).
    case change
    /// Stop treatment.
    case stop
}

/// The end-of-induction review (DOMAIN.md §5.1): the outcome on the primary instrument, shown, and the decision taken.
public struct EndOfInductionReview: Codable, Sendable, Equatable {
    /// The instrument judged (`gad7`, `pcl5` …).
    public var instrumentID: String
    /// Baseline total, when there was one.
    public var baseline: Int?
    /// Latest total, when there was one.
    public var latest: Int?
    /// The outcome (§2.2).
    public var outcome: InductionOutcome
    /// The decision.
    public var decision: InductionDecision
    /// Why: required for a non-response (or an unjudgeable course) that continues, and for a change or a stop.
    public var reason: String?
    /// Who reviewed.
    public var by: String
    /// Their role.
    public var role: Role
    /// When.
    public var at: Date

    /// Creates a review record.
    public init(
        instrumentID: String, baseline: Int?, latest: Int?, outcome: InductionOutcome, decision: InductionDecision, reason: String?, by: String,
        role: Role, at: Date
    ) {
        self.instrumentID = instrumentID
        self.baseline = baseline
        self.latest = latest
        self.outcome = outcome
        self.decision = decision
        self.reason = reason
        self.by = by
        self.role = role
        self.at = at
    }
}

extension DiagnosisGroup {
    /// The instrument each disorder is measured on (DOMAIN.md §1: GAD-7, LSAS, PCL-5, PDSS, PHQ-9); GAD-7 when no primary
    /// diagnosis is recorded. DESIGN DEFAULT mapping.
    public var primaryInstrumentID: String {
        switch self {
        case .generalizedAnxiety, .other: "gad7"
        case .socialAnxiety: "lsas"
        case .ptsd: "pcl5"
        case .panic: "pdss"
        case .depression: "phq9"
        }
    }
}

extension TreatmentPlan {
    /// Records the end-of-induction review. Only a prescriber, only in induction; a reason is required unless the course
    /// reached response and continues (DOMAIN.md §5.1: non-response prompts review), and always to continue a template that
    /// has no maintenance phase (DOMAIN.md §4.4 MDSI).
    public mutating func recordInductionReview(_ review: EndOfInductionReview) throws(PlanError) {
        guard phase == .induction else {
            throw PlanError(field: "phase", message: "the end-of-induction review is made in induction; the plan is in \(phase.rawValue)")
        }
        guard review.role == .prescriber else {
            throw PlanError(field: "role", message: "only a prescriber may review the induction; \(review.by) is \(review.role.rawValue)")
        }
        let reason = review.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        // DOMAIN.md §4.4 MDSI: use beyond 4 weeks was not studied; a template without maintenance continues only with a reason.
        if review.decision == .continueToMaintenance, !template.hasMaintenance, reason.isEmpty {
            throw PlanError(
                field: "reason",
                message: "\(template.name) has no maintenance phase\(template.note.map { " (\($0.value))" } ?? ""); "
                    + "document why you continue past induction")
        }
        if !(review.outcome.isResponse && review.decision == .continueToMaintenance), reason.isEmpty {
            throw PlanError(
                field: "reason",
                message: review.outcome.isResponse
                    ? "give the reason for the decision to \(review.decision.rawValue)"
                    : "the course did not reach response (\(review.outcome.rawValue)): document why you \(review.decision.rawValue)")
        }
        appendInductionReview(review)
    }

    /// The review that lets induction move to maintenance: made after the plan last entered induction, deciding to continue.
    public var reviewAllowingMaintenance: EndOfInductionReview? {
        let enteredInduction = transitions.last { $0.to == .induction }?.at ?? createdAt
        return inductionReviews.last { $0.at >= enteredInduction && $0.decision == .continueToMaintenance }
    }
}
