import Foundation
import Hummingbird
import KetaCareDomain
import KetaCareStore
import SQLKit

// MARK: - As-needed sessions on loss of response (DOMAIN.md §5.2)

extension PlanController {
    /// The loss-of-response check on one plan, with its JSON and the chart's view of it.
    struct AsNeededView: Sendable {
        let plan: StoredPlan
        let assessment: AsNeededAssessment
        let rule: LossOfResponseRule
        /// Current starts of the plan's as-needed bookings that are still booked.
        let bookedStarts: [BookingID: Date]
    }

    /// Reads the plan and judges it, in an audited read (the finding shows the patient's scores).
    func asNeeded(_ id: TreatmentPlanID, context: AppRequestContext) async throws -> AsNeededView {
        let clinicID = store.clinicID
        let library = try SharedInstruments.library ?? InstrumentLibrary.bundled()
        return try await store.audited(
            context.auditContext, at: dependencies.now(), action: "plan.as_needed.view", resourceType: "plan", resourceID: id.rawValue,
            isRead: true
        ) { db in
            let view = try await Self.loadAsNeeded(id, library: library, clinicID: clinicID, on: db)
            return Audited(
                view, resourceID: id.rawValue, patientID: view.plan.plan.patientID.rawValue,
                detail: "instrument=\(view.assessment.finding?.instrumentID ?? "-") status=\(view.assessment.status)")
        }
    }

    static func loadAsNeeded(_ id: TreatmentPlanID, library: InstrumentLibrary, clinicID: String, on db: any SQLDatabase) async throws
        -> AsNeededView
    {
        guard let stored = try await PlanRepository.find(id: id, clinicID: clinicID, on: db) else { throw StoreError.notFound(resource: "plan") }
        let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
        let assessment = try await AsNeededRepository.assess(stored.plan, policy: policy, library: library, clinicID: clinicID, on: db)
        let marked = stored.plan.asNeededBookingIDs
        let booked = try await BookingRepository.bookings(of: stored.plan.patientID, clinicID: clinicID, on: db).filter {
            marked.contains($0.booking.id) && $0.booking.isActive
        }
        return AsNeededView(
            plan: stored, assessment: assessment, rule: policy.lossOfResponse,
            bookedStarts: Dictionary(booked.map { ($0.booking.id, $0.booking.slot.start) }, uniquingKeysWith: { first, _ in first }))
    }

    /// A prescriber dismisses the proposed session with a reason (audited, stored on the plan).
    ///
    /// `scoreAt` (the score the finding rests on, as the page or the API showed it) guards against dismissing a newer finding
    /// than the one reviewed.
    func dismissAsNeeded(_ id: TreatmentPlanID, reason: String?, scoreAt: Date?, context: AppRequestContext) async throws -> AsNeededView {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let who = actor(context)
        let library = try SharedInstruments.library ?? InstrumentLibrary.bundled()
        return try await store.audited(
            context.auditContext, at: now, action: "plan.as_needed.dismiss", resourceType: "plan", resourceID: id.rawValue
        ) { db in
            let before = try await Self.loadAsNeeded(id, library: library, clinicID: clinicID, on: db)
            if let scoreAt, let finding = before.assessment.finding, !Self.sameSecond(scoreAt, finding.trigger.date) {
                throw ValidationError(
                    field: "scoreAt",
                    message: "the proposal now rests on the score of \(Format.iso(finding.trigger.date)), not \(Format.iso(scoreAt)); review it again"
                )
            }
            _ = try await PlanRepository.update(id: id, baseVersion: nil, by: who.username, now: now, clinicID: clinicID, on: db) { plan in
                try plan.dismissAsNeeded(before.assessment, reason: reason, by: who, at: now)
            }
            let after = try await Self.loadAsNeeded(id, library: library, clinicID: clinicID, on: db)
            return Audited(
                after, resourceID: id.rawValue, patientID: after.plan.plan.patientID.rawValue,
                detail: "instrument=\(before.assessment.finding?.instrumentID ?? "-") reason given")
        }
    }

    private static func sameSecond(_ a: Date, _ b: Date) -> Bool {
        a.timeIntervalSince1970.rounded(.down) == b.timeIntervalSince1970.rounded(.down)
    }

    /// Which of `bookings` were booked as as-needed sessions (marked on their plans).
    func asNeededBookings(of bookings: [StoredBooking]) async throws -> Set<BookingID> {
        let ids = Array(Set(bookings.map(\.booking.planID)))
        guard !ids.isEmpty else { return [] }
        let clinicID = store.clinicID
        let plans = try await store.database.read { db in try await PlanRepository.plans(ids: ids, clinicID: clinicID, on: db) }
        return plans.reduce(into: Set<BookingID>()) { $0.formUnion($1.plan.asNeededBookingIDs) }
    }

    @Sendable func asNeededJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        try jsonResponse(AsNeededDTO(try await asNeeded(TreatmentPlanID(try context.parameters.require("planID")), context: context), pages: pages))
    }

    @Sendable func dismissAsNeededJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let reason: String
            let scoreAt: Date?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["reason", "scoreAt"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let view = try await dismissAsNeeded(
            TreatmentPlanID(try context.parameters.require("planID")), reason: input.reason, scoreAt: input.scoreAt, context: context)
        return try jsonResponse(AsNeededDTO(view, pages: pages), status: .created)
    }

    @Sendable func dismissAsNeededFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let scoreAt: Date?
        if let text = form["scoreAt"], !text.isEmpty {
            guard let parsed = RequestDateTime.parse(text) else {
                throw ValidationError(field: "scoreAt", message: "scoreAt must be \(RequestDateTime.expectation)")
            }
            scoreAt = parsed
        } else {
            scoreAt = nil
        }
        let view = try await dismissAsNeeded(
            TreatmentPlanID(try context.parameters.require("planID")), reason: form["reason"], scoreAt: scoreAt, context: context)
        return Pages.redirect("/patients/\(view.plan.plan.patientID.rawValue)#plan-\(view.plan.plan.id.rawValue)")
    }

    // MARK: - API shapes

    /// `GET /api/v1/plans/{planID}/as-needed` and the dismissal's answer.
    struct AsNeededDTO: Encodable {
        let planID: String
        let phase: String
        let status: String
        /// The finding's sentence, or why nothing is proposed.
        let reason: String
        /// Why nothing is proposed (`response_holds` …); absent when there is a finding.
        let noProposal: String?
        let finding: FindingDTO?
        let decision: DecisionDTO?
        let decisions: [DecisionDTO]
        let rule: RuleDTO

        init(_ view: AsNeededView, pages: Pages) {
            planID = view.plan.plan.id.rawValue
            phase = view.plan.plan.phase.rawValue
            status = view.assessment.status
            if case .notProposed(let why) = view.assessment {
                noProposal = why.rawValue
                reason = why.explanation
            } else {
                noProposal = nil
                reason = view.assessment.finding.map { AsNeededText.reason($0, dateTime: pages.dateTime) } ?? ""
            }
            finding = view.assessment.finding.map(FindingDTO.init)
            decision = view.assessment.decision.map(DecisionDTO.init)
            decisions = view.plan.plan.asNeededDecisions.map(DecisionDTO.init)
            rule = RuleDTO(view.rule)
        }
    }

    struct FindingDTO: Encodable {
        let instrumentID: String
        let baseline: ScorePoint
        let firstResponse: ScorePoint
        let best: ScorePoint
        let confirming: [ScorePoint]
        let trigger: ScorePoint
        let responseCeiling: Int?
        let maintenanceSince: Date
        let basis: String
        let risePoints: Int?

        init(_ f: AsNeededFinding) {
            instrumentID = f.instrumentID
            baseline = f.baseline
            firstResponse = f.firstResponse
            best = f.best
            confirming = f.confirming
            trigger = f.trigger
            responseCeiling = f.responseCeiling
            maintenanceSince = f.maintenanceSince
            (basis, risePoints) = RuleDTO.basis(f.basis)
        }
    }

    struct DecisionDTO: Encodable {
        let kind: String
        let instrumentID: String
        let scoreAt: Date
        let scoreTotal: Int
        let reason: String?
        let bookingID: String?
        let by: String
        let role: String
        let at: Date

        init(_ d: AsNeededDecision) {
            kind = d.kind.rawValue
            instrumentID = d.instrumentID
            scoreAt = d.scoreAt
            scoreTotal = d.scoreTotal
            reason = d.reason
            bookingID = d.bookingID?.rawValue
            by = d.by
            role = d.role.rawValue
            at = d.at
        }
    }

    struct RuleDTO: Encodable {
        let isEnabled: Bool
        let basis: String
        let risePoints: Int?
        let confirmingScores: Int
        /// True while any part is a DESIGN DEFAULT the clinic has not reviewed.
        let needsReview: Bool
        let text: String

        init(_ rule: LossOfResponseRule) {
            isEnabled = rule.isEnabled.value
            (basis, risePoints) = Self.basis(rule.basis.value)
            confirmingScores = rule.confirmingScores.value
            needsReview = AsNeededText.needsReview(rule)
            text = AsNeededText.rule(rule)
        }

        static func basis(_ basis: LossOfResponseBasis) -> (String, Int?) {
            switch basis {
            case .responseLost: ("responseLost", nil)
            case .riseFromBest(let points): ("riseFromBest", points)
            }
        }
    }
}
