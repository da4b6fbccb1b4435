import Foundation
import KetaCareDomain
import Testing

/// One adjustment and what the template's limits must say about it.
struct AdjustmentCase: Sendable, CustomTestStringConvertible {
    let template: PlanTemplate
    let adjustment: PlanAdjustment
    /// The field the error must name; `nil` when the adjustment is allowed.
    let errorField: String?
    /// Text the error message must contain (the allowed range or values).
    let messageContains: String?

    var testDescription: String { "\(template.id) \(adjustment) → \(errorField ?? "ok")" }

    static func ok(_ template: PlanTemplate, _ adjustment: PlanAdjustment) -> AdjustmentCase {
        AdjustmentCase(template: template, adjustment: adjustment, errorField: nil, messageContains: nil)
    }

    static func refused(_ template: PlanTemplate, _ adjustment: PlanAdjustment, _ field: String, _ text: String) -> AdjustmentCase {
        AdjustmentCase(template: template, adjustment: adjustment, errorField: field, messageContains: text)
    }
}

/// One phase change attempted from one phase.
struct TransitionCase: Sendable, CustomTestStringConvertible {
    let from: PlanPhase
    let to: PlanPhase
    var testDescription: String { "\(from.rawValue) → \(to.rawValue)" }
}

@Suite("Treatment plans: adjustments within template limits, signing, phase state machine (issue #4)")
struct TreatmentPlanTests {
    typealias F = PlanFixture

    static let iv = PlanTemplate.ivRacemicInduction
    static let spravato = PlanTemplate.spravatoTRD

    static let adjustments: [AdjustmentCase] = [
        // IV racemic, DOMAIN.md §4.1 / §4.8: 0.1–1.0 mg/kg in 0.1 steps.
        .ok(iv, .startingDose(.perKilogram(F.mgPerKg("0.1")))),
        .refused(iv, .startingDose(.perKilogram(F.mgPerKg("0.09"))), "dose_mg_per_kg", "0.1 mg/kg to 1 mg/kg in steps of 0.1 mg/kg"),
        .ok(iv, .startingDose(.perKilogram(F.mgPerKg("1.0")))),
        .refused(iv, .startingDose(.perKilogram(F.mgPerKg("1.1"))), "dose_mg_per_kg", "0.1 mg/kg to 1 mg/kg"),
        .refused(iv, .startingDose(.perKilogram(F.mgPerKg("0.55"))), "dose_mg_per_kg", "steps of 0.1 mg/kg"),
        .refused(iv, .startingDose(.fixed(56)), "dose_mg", "doses in mg/kg"),
        // §5.1: 2–3 sessions per week.
        .ok(iv, .sessionsPerWeekMax(2)),
        .ok(iv, .sessionsPerWeekMax(3)),
        .refused(iv, .sessionsPerWeekMax(1), "sessionsPerWeekMax", "from 2 to 3"),
        .refused(iv, .sessionsPerWeekMax(4), "sessionsPerWeekMax", "from 2 to 3"),
        .ok(iv, .inductionSessions(1)),
        .ok(iv, .inductionSessions(12)),
        .refused(iv, .inductionSessions(0), "inductionSessions", "from 1 to 12"),
        .refused(iv, .inductionSessions(13), "inductionSessions", "from 1 to 12"),
        // §5.2: weekly, every 2 weeks, every 4 weeks.
        .ok(iv, .maintenanceCadence(block: 0, .everyWeeks(4))),
        .refused(iv, .maintenanceCadence(block: 0, .everyWeeks(3)), "maintenance[0].cadence", "weekly, every 2 weeks, every 4 weeks"),
        .refused(iv, .maintenanceCadence(block: 1, .everyWeeks(1)), "maintenance[1]", "from 0 to 0"),
        .ok(iv, .integrationSessions(0)),
        .ok(iv, .integrationSessions(3)),
        .refused(iv, .integrationSessions(-1), "integrationSessions", "from 0 to 3"),
        .refused(iv, .integrationSessions(4), "integrationSessions", "from 0 to 3"),
        // SC escalation, Glue 2017 levels; KADS 0.5–0.9; IM Loo 2016 0.1–0.5.
        .ok(.scRacemicEscalation, .startingDose(.perKilogram(F.mgPerKg("1.0")))),
        .refused(.scRacemicEscalation, .startingDose(.perKilogram(F.mgPerKg("0.75"))), "dose_mg_per_kg", "one of 0.25 mg/kg, 0.5 mg/kg, 1 mg/kg"),
        .ok(.scRacemicKADS, .startingDose(.perKilogram(F.mgPerKg("0.9")))),
        .refused(.scRacemicKADS, .startingDose(.perKilogram(F.mgPerKg("1.0"))), "dose_mg_per_kg", "0.5 mg/kg to 0.9 mg/kg"),
        .refused(.scRacemicKADS, .startingDose(.perKilogram(F.mgPerKg("0.4"))), "dose_mg_per_kg", "0.5 mg/kg to 0.9 mg/kg"),
        .ok(.imRacemicTitration, .startingDose(.perKilogram(F.mgPerKg("0.5")))),
        .refused(.imRacemicTitration, .startingDose(.perKilogram(F.mgPerKg("0.6"))), "dose_mg_per_kg", "0.1 mg/kg to 0.5 mg/kg"),
        // Spravato, §4.4 / §4.8: {56, 84} mg, ≤2 per 7 days, 8 induction sessions, week 9+ weekly or every 2 weeks.
        .ok(spravato, .startingDose(.fixed(84))),
        .refused(spravato, .startingDose(.fixed(28)), "dose_mg", "one of 56 mg, 84 mg"),
        .refused(spravato, .startingDose(.fixed(70)), "dose_mg", "one of 56 mg, 84 mg"),
        .refused(spravato, .startingDose(.fixed(112)), "dose_mg", "one of 56 mg, 84 mg"),
        .refused(spravato, .startingDose(.perKilogram(F.mgPerKg("0.5"))), "dose_mg_per_kg", "doses in mg"),
        .ok(spravato, .sessionsPerWeekMax(1)),
        .refused(spravato, .sessionsPerWeekMax(3), "sessionsPerWeekMax", "from 1 to 2"),
        .ok(spravato, .inductionSessions(8)),
        .refused(spravato, .inductionSessions(7), "inductionSessions", "from 8 to 8"),
        .ok(spravato, .maintenanceCadence(block: 1, .everyWeeks(2))),
        .refused(spravato, .maintenanceCadence(block: 0, .everyWeeks(2)), "maintenance[0].cadence", "weekly"),
    ]

    @Test("adjustments inside the template's limits apply; outside they name the field and range", arguments: adjustments)
    func adjust(_ c: AdjustmentCase) throws {
        var plan = try F.plan(c.template)
        do {
            try plan.adjust(c.adjustment)
            #expect(c.errorField == nil, "expected an error naming \(c.errorField ?? "")")
            switch c.adjustment {
            case .startingDose(let dose): #expect(plan.startingDose == dose)
            case .sessionsPerWeekMax(let n): #expect(plan.sessionsPerWeekMax == n)
            case .inductionSessions(let n): #expect(plan.inductionSessions == n)
            case .maintenanceCadence(let block, let cadence): #expect(plan.maintenanceCadences[block] == cadence)
            case .integrationSessions(let n): #expect(plan.integrationSessions == n)
            case .startDate(let date): #expect(plan.startDate == date)
            }
        } catch {
            #expect(error.field == c.errorField)
            #expect(error.message.contains(c.messageContains ?? "\u{0}"), "\(error.message)")
        }
    }

    @Test("a new plan takes the template's defaults and starts in evaluation, unsigned")
    func creationDefaults() throws {
        let plan = try F.plan()
        #expect(plan.phase == .evaluation)
        #expect(!plan.isSigned)
        #expect(plan.startingDose == .perKilogram(F.mgPerKg("0.5")))
        #expect(plan.sessionsPerWeekMax == 3)
        #expect(plan.inductionSessions == 6)
        #expect(plan.maintenanceCadences == [.everyWeeks(2)])
        #expect(plan.integrationSessions == 1)
        #expect(plan.createdBy == "dr.lee")
    }

    @Test("creation is refused for a disabled template or a non-prescriber")
    func creationRefusals() {
        #expect(throws: PlanError(field: "templateID", message: "template oral-racemic is disabled until the clinic configures its protocol")) {
            try F.plan(.oralRacemic)
        }
        do {
            _ = try TreatmentPlan.create(
                id: TreatmentPlanID("x"), patientID: F.patient, from: .ivRacemicInduction, startDate: F.created, by: F.nurse, at: F.created
            )
            Issue.record("a nurse must not create a plan")
        } catch {
            #expect(error.field == "role")
        }
    }

    @Test("signing: prescriber only, once, then the plan is locked")
    func signing() throws {
        var plan = try F.plan()
        do {
            try plan.sign(by: F.nurse, at: F.created)
            Issue.record("a nurse must not sign")
        } catch { #expect(error.field == "role") }
        do {
            try plan.sign(by: F.prescriber, at: F.created.addingTimeInterval(-1))
            Issue.record("signing before creation must fail")
        } catch { #expect(error.field == "signedAt") }
        try plan.sign(by: F.prescriber, at: F.created)
        #expect(plan.signature?.signedBy == "dr.lee")
        #expect(plan.signature?.signedAt == F.created)
        do {
            try plan.sign(by: F.prescriber, at: F.created)
            Issue.record("signing twice must fail")
        } catch { #expect(error.field == "signature") }
        do {
            try plan.adjust(.sessionsPerWeekMax(2))
            Issue.record("a signed plan must be locked")
        } catch { #expect(error.field == "signature") }
    }

    // MARK: - Phase state machine

    /// The legal moves, written out independently of the code under test.
    static let legal: [PlanPhase: Set<PlanPhase>] = [
        .evaluation: [.induction, .discontinued],
        .induction: [.maintenance, .paused, .completed, .discontinued],
        .maintenance: [.induction, .paused, .completed, .discontinued],
        .paused: [.induction, .maintenance, .discontinued],
        .completed: [],
        .discontinued: [],
    ]

    static let allPairs: [TransitionCase] = PlanPhase.allCases.flatMap { from in PlanPhase.allCases.map { TransitionCase(from: from, to: $0) } }

    /// A signed plan brought to `phase` by legal moves.
    static func plan(in phase: PlanPhase) throws -> TreatmentPlan {
        var plan = try F.signedPlan()
        let path: [PlanPhase] =
            switch phase {
            case .evaluation: []
            case .induction: [.induction]
            case .maintenance: [.induction, .maintenance]
            case .paused: [.induction, .paused]
            case .completed: [.induction, .completed]
            case .discontinued: [.discontinued]
            }
        for (index, next) in path.enumerated() {
            try plan.transition(to: next, by: F.prescriber, at: F.at(2026, 3, 2 + index), reason: "setup", activation: F.ok)
            if next == .induction { try plan.recordInductionReview(Self.review(.response, .continueToMaintenance, at: F.at(2026, 3, 2 + index))) }
        }
        return plan
    }

    static func review(_ outcome: InductionOutcome, _ decision: InductionDecision, reason: String? = nil, at: Date) -> EndOfInductionReview {
        EndOfInductionReview(
            instrumentID: "gad7", baseline: 16, latest: outcome.isResponse ? 6 : 14, outcome: outcome, decision: decision, reason: reason,
            by: F.prescriber.username, role: .prescriber, at: at)
    }

    @Test("DOMAIN.md §5.1: induction moves to maintenance only after an end-of-induction review that decided to continue")
    func endOfInductionReviewGatesMaintenance() throws {
        var plan = try F.signedPlan()
        try plan.transition(to: .induction, by: F.prescriber, at: F.at(2026, 3, 2), activation: F.ok)
        #expect(throws: PlanError.self) { try plan.transition(to: .maintenance, by: F.prescriber, at: F.at(2026, 3, 20)) }
        // Non-response prompts review: continuing needs a documented reason.
        #expect(throws: PlanError.self) {
            try plan.recordInductionReview(Self.review(.nonResponse, .continueToMaintenance, at: F.at(2026, 3, 19)))
        }
        try plan.recordInductionReview(Self.review(.nonResponse, .change, reason: "switch to SC", at: F.at(2026, 3, 19)))
        #expect(throws: PlanError.self) { try plan.transition(to: .maintenance, by: F.prescriber, at: F.at(2026, 3, 20)) }
        try plan.recordInductionReview(
            Self.review(.nonResponse, .continueToMaintenance, reason: "partial response on PHQ-9; patient wishes to continue", at: F.at(2026, 3, 19)))
        try plan.transition(to: .maintenance, by: F.prescriber, at: F.at(2026, 3, 20))
        #expect(plan.phase == .maintenance)
        // A review from an earlier induction does not carry over to a re-induction.
        try plan.transition(to: .induction, by: F.prescriber, at: F.at(2026, 5, 1), reason: "relapse", activation: F.ok)
        #expect(throws: PlanError.self) { try plan.transition(to: .maintenance, by: F.prescriber, at: F.at(2026, 5, 20)) }
        #expect(InductionOutcome.allCases.count == 4)
    }

    @Test("every pair of phases: legal moves apply and are attributed, illegal ones name from and to", arguments: allPairs)
    func transition(_ c: TransitionCase) throws {
        var plan = try Self.plan(in: c.from)
        let when = F.at(2026, 4, 1)
        let failure: PlanError?
        do {
            try plan.transition(to: c.to, by: F.prescriber, at: when, reason: "clinical review", activation: F.ok)
            failure = nil
        } catch {
            failure = error
        }
        if let failure {
            #expect(!Self.legal[c.from]!.contains(c.to), "\(c.from) → \(c.to) must be allowed: \(failure.message)")
            #expect(failure.field == "phase")
            #expect(failure.message.contains("from \(c.from.rawValue) to \(c.to.rawValue)"))
            #expect(plan.phase == c.from)
        } else {
            #expect(Self.legal[c.from]!.contains(c.to), "\(c.from) → \(c.to) must be refused")
            #expect(plan.phase == c.to)
            let last = try #require(plan.transitions.last)
            #expect(last == PhaseTransition(from: c.from, to: c.to, by: "dr.lee", role: .prescriber, at: when, reason: "clinical review"))
        }
    }

    /// A guarded move and the field its refusal must name.
    struct GuardCase: Sendable, CustomTestStringConvertible {
        let name: String
        let from: PlanPhase
        let to: PlanPhase
        let signed: Bool
        let reason: String?
        let activation: PlanActivationInputs?
        let actor: PlanActor
        let field: String?
        var testDescription: String { name }
    }

    static let guards: [GuardCase] = [
        GuardCase(
            name: "activation ok", from: .evaluation, to: .induction, signed: true, reason: nil, activation: F.ok, actor: F.prescriber, field: nil),
        GuardCase(
            name: "unsigned plan cannot be activated", from: .evaluation, to: .induction, signed: false, reason: nil, activation: F.ok,
            actor: F.prescriber, field: "signature"
        ),
        GuardCase(
            name: "ineligible", from: .evaluation, to: .induction, signed: true, reason: nil,
            activation: PlanActivationInputs(isEligible: false, hasValidConsent: true), actor: F.prescriber, field: "isEligible"
        ),
        GuardCase(
            name: "no consent", from: .evaluation, to: .induction, signed: true, reason: nil,
            activation: PlanActivationInputs(isEligible: true, hasValidConsent: false), actor: F.prescriber, field: "hasValidConsent"
        ),
        GuardCase(
            name: "activation inputs missing", from: .evaluation, to: .induction, signed: true, reason: nil, activation: nil,
            actor: F.prescriber, field: "isEligible"
        ),
        GuardCase(
            name: "resume from pause re-checks consent", from: .paused, to: .maintenance, signed: true, reason: nil,
            activation: PlanActivationInputs(isEligible: true, hasValidConsent: false), actor: F.prescriber, field: "hasValidConsent"
        ),
        GuardCase(
            name: "induction → maintenance needs no reason or activation inputs", from: .induction, to: .maintenance, signed: true,
            reason: nil, activation: nil, actor: F.prescriber, field: nil
        ),
        GuardCase(
            name: "pause needs a reason", from: .induction, to: .paused, signed: true, reason: nil, activation: nil, actor: F.prescriber,
            field: "reason"
        ),
        GuardCase(
            name: "a blank reason is no reason", from: .induction, to: .discontinued, signed: true, reason: "  ", activation: nil,
            actor: F.prescriber, field: "reason"
        ),
        GuardCase(
            name: "completion needs a reason", from: .maintenance, to: .completed, signed: true, reason: nil, activation: nil,
            actor: F.prescriber, field: "reason"
        ),
        GuardCase(
            name: "re-induction needs a reason", from: .maintenance, to: .induction, signed: true, reason: nil, activation: F.ok,
            actor: F.prescriber, field: "reason"
        ),
        GuardCase(
            name: "discontinue with a reason", from: .evaluation, to: .discontinued, signed: false, reason: "declined", activation: nil,
            actor: F.prescriber, field: nil
        ),
        GuardCase(
            name: "a nurse cannot change the phase", from: .induction, to: .paused, signed: true, reason: "unwell", activation: nil,
            actor: F.nurse, field: "role"
        ),
    ]

    @Test("transition guards: signature, eligibility, consent, reason, role", arguments: guards)
    func guarded(_ c: GuardCase) throws {
        var plan = c.signed ? try Self.plan(in: c.from) : try F.plan()
        do {
            try plan.transition(to: c.to, by: c.actor, at: F.at(2026, 4, 1), reason: c.reason, activation: c.activation)
            #expect(c.field == nil, "expected a refusal naming \(c.field ?? "")")
            #expect(plan.phase == c.to)
        } catch {
            #expect(error.field == c.field, "\(error.message)")
            #expect(plan.phase == c.from)
        }
    }

    @Test("a phase change cannot be dated before the previous one")
    func monotonicTime() throws {
        var plan = try Self.plan(in: .induction)
        do {
            try plan.transition(to: .paused, by: F.prescriber, at: F.at(2026, 3, 1), reason: "unwell")
            Issue.record("back-dated transition must fail")
        } catch { #expect(error.field == "at") }
    }

    @Test("phase periods follow the transitions; the last is open")
    func periods() throws {
        let plan = try Self.plan(in: .maintenance)
        #expect(
            plan.phasePeriods == [
                PhasePeriod(phase: .evaluation, start: F.created, end: F.at(2026, 3, 2)),
                PhasePeriod(phase: .induction, start: F.at(2026, 3, 2), end: F.at(2026, 3, 3)),
                PhasePeriod(phase: .maintenance, start: F.at(2026, 3, 3), end: nil),
            ]
        )
    }

    @Test("a plan survives a JSON round trip")
    func roundTrip() throws {
        let plan = try Self.plan(in: .paused)
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(TreatmentPlan.self, from: data) == plan)
    }
}
