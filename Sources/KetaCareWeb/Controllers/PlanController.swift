import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore

/// Consent, treatment plans (DOMAIN.md §4–5) and scheduling: the path from an eligible patient to a booked induction course.
struct PlanController {
    let dependencies: AppDependencies

    var store: Store { dependencies.store }
    var pages: Pages { dependencies.pages }

    func register(_ routes: RouteRegistrar) {
        routes.post("/patients/:id/consents", .recordConsent, signConsentFromForm)
        routes.post("/patients/:id/consents/:consentID/withdraw", .recordConsent, withdrawConsentFromForm)
        routes.get("/admin/consents", .manageConsentDocuments, consentDocumentsPage)
        routes.post("/admin/consents", .manageConsentDocuments, publishConsentFromForm)
        routes.post("/patients/:id/plans", .managePlans, createPlanFromForm)
        routes.post("/plans/:planID/sign", .managePlans, signPlanFromForm)
        routes.post("/plans/:planID/phase", .managePlans, phaseFromForm)
        routes.post("/plans/:planID/induction-review", .managePlans, inductionReviewFromForm)
        routes.post("/plans/:planID/as-needed/dismiss", .managePlans, dismissAsNeededFromForm)
        routes.get("/plans/:planID/schedule", .manageSchedule, proposalPage)
        routes.post("/plans/:planID/bookings", .manageSchedule, bookFromForm)
        routes.post("/bookings/:bookingID/cancel", .manageSchedule, cancelFromForm)
        routes.post("/bookings/:bookingID/reschedule", .manageSchedule, rescheduleFromForm)
        routes.post("/bookings/:bookingID/check-in", .manageSchedule, checkInFromForm)
        routes.get("/schedule", .manageSchedule, schedulePage)
        routes.get("/admin/outbox", .readOutbox, outboxPage)

        routes.get("/api/v1/patients/:id/consents", .readPatient, listConsents)
        routes.post("/api/v1/patients/:id/consents", .recordConsent, signConsentJSON)
        routes.get("/api/v1/patients/:id/plans", .readPatient, listPlans)
        routes.post("/api/v1/patients/:id/plans", .managePlans, createPlanJSON)
        routes.post("/api/v1/plans/:planID/sign", .managePlans, signPlanJSON)
        routes.post("/api/v1/plans/:planID/phase", .managePlans, phaseJSON)
        routes.post("/api/v1/plans/:planID/induction-review", .managePlans, inductionReviewJSON)
        routes.get("/api/v1/plans/:planID/as-needed", .readPatient, asNeededJSON)
        routes.post("/api/v1/plans/:planID/as-needed/dismiss", .managePlans, dismissAsNeededJSON)
        routes.post("/api/v1/plans/:planID/bookings", .manageSchedule, bookJSON)
        routes.post("/api/v1/bookings/:bookingID/cancel", .manageSchedule, cancelJSON)
        routes.get("/api/v1/schedule", .manageSchedule, scheduleJSON)
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = dependencies.timeZone
        return calendar
    }

    func policy() async throws -> ClinicPolicy {
        let clinicID = store.clinicID
        return try await store.database.read { db in try await PolicyRepository.current(clinicID: clinicID, on: db).policy }
    }

    func actor(_ context: AppRequestContext) -> PlanActor {
        PlanActor(username: context.session!.user.username, role: context.session!.user.role)
    }

    /// Parses `YYYY-MM-DD` + `HH:MM` in the clinic's time zone.
    func instant(date: String?, time: String?, field: String) throws -> Date {
        let day = try LocalDate.parse(date ?? "", field: field)
        let parts = (time ?? "09:00").split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
            throw ValidationError(field: "time", message: "time must be HH:MM (24-hour)")
        }
        return calendar.date(bySettingHour: parts[0], minute: parts[1], second: 0, of: day.startOfDay(in: dependencies.timeZone)) ?? Date()
    }

    // MARK: - Consent

    func signConsent(_ patient: PatientID, route: String, kind: String, name: String, witness: String, context: AppRequestContext) async throws
        -> StoredConsent
    {
        guard let dosingRoute = DosingRoute(rawValue: route) else {
            throw ValidationError(field: "route", message: "route must be one of \(DosingRoute.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let signature: SignatureKind
        switch kind {
        case "typed": signature = .typedName(name: name, channel: .clinicTablet)
        case "paper": signature = .witnessedPaper(witness: witness.isEmpty ? context.session!.user.username : witness)
        default: throw ValidationError(field: "kind", message: "kind must be typed (patient types their name) or paper (witnessed signature)")
        }
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = context.auditContext.actor
        return try await store.audited(
            context.auditContext, at: now, action: "consent.sign", resourceType: "consent", patientID: patient.rawValue
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            let stored = try await ConsentRepository.sign(
                patient: patient, route: dosingRoute, signature: signature, by: actor, now: now, clinicID: clinicID, on: db)
            return Audited(
                stored, resourceID: stored.id, patientID: patient.rawValue,
                detail: "route=\(route) document=\(stored.record.documentID) v\(stored.record.version)")
        }
    }

    @Sendable func signConsentFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = PatientID(try context.parameters.require("id"))
        let form = FormBody.parse(context.body)
        _ = try await signConsent(
            id, route: form["route"] ?? "", kind: form["kind"] ?? "typed", name: form["name"] ?? "", witness: form["witness"] ?? "", context: context)
        return Pages.redirect("/patients/\(id.rawValue)#plan")
    }

    @Sendable func withdrawConsentFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = PatientID(try context.parameters.require("id"))
        let consentID = try context.parameters.require("consentID")
        let form = FormBody.parse(context.body)
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = context.auditContext.actor
        _ = try await store.audited(
            context.auditContext, at: now, action: "consent.withdraw", resourceType: "consent", resourceID: consentID, patientID: id.rawValue
        ) { db in
            let updated = try await ConsentRepository.withdraw(
                id: consentID, reason: form["reason"] ?? "", by: actor, now: now, clinicID: clinicID, on: db)
            guard updated.patientID == id else { throw StoreError.notFound(resource: "consent") }
            return Audited(updated, resourceID: consentID, patientID: id.rawValue)
        }
        return Pages.redirect("/patients/\(id.rawValue)#plan")
    }

    @Sendable func consentDocumentsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let documents = try await store.database.write { db in try await ConsentRepository.documents(clinicID: clinicID, now: now, on: db) }
        let latest = Dictionary(grouping: documents, by: \.id).compactMap { $0.value.max { $0.version < $1.version } }.sorted { $0.id < $1.id }
        return pages.render(
            "consents", title: "Consent documents",
            [
                "documents": latest.map { d in
                    [
                        "id": d.id, "title": d.title, "body": d.body, "version": d.version,
                        "routes": d.routes.map(\.rawValue).joined(separator: ", "),
                        "effectiveOn": d.effectiveOn.description, "needsReview": d.provenance.needsReview,
                    ] as [String: Any]
                }
            ],
            context: context)
    }

    @Sendable func publishConsentFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = context.auditContext.actor
        let id = form["id"] ?? ""
        let effective = try LocalDate.parse(form["effectiveOn"] ?? LocalDate(utcDayOf: now).description, field: "effectiveOn")
        _ = try await store.audited(context.auditContext, at: now, action: "consent.publish", resourceType: "consentdocument", resourceID: id) { db in
            let existing = try await ConsentRepository.documents(clinicID: clinicID, now: now, on: db).filter { $0.id == id }
            guard let routes = existing.max(by: { $0.version < $1.version })?.routes else { throw StoreError.notFound(resource: "consent document") }
            let published = try await ConsentRepository.publish(
                id: id, title: form["title"] ?? "", body: form["body"] ?? "", routes: routes, effectiveOn: effective, by: actor, now: now,
                clinicID: clinicID, on: db)
            return Audited(published, resourceID: id, detail: "version=\(published.version)")
        }
        return Pages.redirect("/admin/consents")
    }

    // MARK: - Plans

    func createPlan(
        _ patient: PatientID, templateID: String, startDate: Date, startingDose: String?, inductionSessions: Int?, context: AppRequestContext
    )
        async throws -> StoredPlan
    {
        let policy = try await policy()
        guard let template = policy.planTemplates.first(where: { $0.id.rawValue == templateID }) else {
            throw ValidationError(
                field: "template", message: "template must be one of \(policy.planTemplates.map(\.id.rawValue).joined(separator: ", "))")
        }
        let now = dependencies.now()
        let who = actor(context)
        var plan = try TreatmentPlan.create(
            id: TreatmentPlanID(UUID().uuidString.lowercased()), patientID: patient, from: template, startDate: startDate, by: who, at: now)
        if let text = startingDose?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw ValidationError(field: "startingDose", message: "startingDose must be a number")
            }
            let dose: OrderedDose =
                template.dosing.startingDose?.unit == .milligrams ? .fixed(Milligrams(value)) : .perKilogram(MilligramsPerKilogram(value))
            try plan.adjust(.startingDose(dose))
        }
        if let inductionSessions { try plan.adjust(.inductionSessions(inductionSessions)) }
        let clinicID = store.clinicID
        let created = plan
        return try await store.audited(
            context.auditContext, at: now, action: "plan.create", resourceType: "plan", resourceID: plan.id.rawValue, patientID: patient.rawValue
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            let stored = try await PlanRepository.create(created, by: who.username, now: now, clinicID: clinicID, on: db)
            return Audited(stored, resourceID: created.id.rawValue, patientID: patient.rawValue, detail: "template=\(templateID)")
        }
    }

    func changePlan(
        _ id: TreatmentPlanID, action: String, context: AppRequestContext,
        _ change: @escaping @Sendable (inout TreatmentPlan, BookingFacts) throws -> Void
    )
        async throws -> StoredPlan
    {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let who = actor(context)
        return try await store.audited(context.auditContext, at: now, action: action, resourceType: "plan", resourceID: id.rawValue) { db in
            guard let current = try await PlanRepository.find(id: id, clinicID: clinicID, on: db) else { throw StoreError.notFound(resource: "plan") }
            let facts = try await BookingRepository.facts(for: current.plan, now: now, clinicID: clinicID, on: db)
            let stored = try await PlanRepository.update(id: id, baseVersion: nil, by: who.username, now: now, clinicID: clinicID, on: db) { plan in
                try change(&plan, facts)
            }
            return Audited(stored, resourceID: id.rawValue, patientID: stored.plan.patientID.rawValue, detail: "phase=\(stored.plan.phase.rawValue)")
        }
    }

    func sign(_ id: TreatmentPlanID, context: AppRequestContext) async throws -> StoredPlan {
        let who = actor(context)
        let now = dependencies.now()
        return try await changePlan(id, action: "plan.sign", context: context) { plan, _ in try plan.sign(by: who, at: now) }
    }

    func move(_ id: TreatmentPlanID, to phase: String, reason: String?, context: AppRequestContext) async throws -> StoredPlan {
        guard let next = PlanPhase(rawValue: phase) else {
            throw ValidationError(field: "phase", message: "phase must be one of \(PlanPhase.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let who = actor(context)
        let now = dependencies.now()
        let why = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await changePlan(id, action: "plan.phase", context: context) { plan, facts in
            try plan.transition(
                to: next, by: who, at: now, reason: why?.isEmpty == false ? why : nil,
                activation: PlanActivationInputs(isEligible: facts.isEligible, hasValidConsent: facts.hasConsentForRoute))
        }
    }

    /// The end-of-induction review (DOMAIN.md §5.1): the server judges the course on the primary diagnosis' instrument (§2.2),
    /// counted from the plan's entry into induction, and records it with the prescriber's decision.
    func reviewInduction(_ id: TreatmentPlanID, decision: String, reason: String?, context: AppRequestContext) async throws -> StoredPlan {
        guard let choice = InductionDecision(rawValue: decision) else {
            throw ValidationError(
                field: "decision", message: "decision must be one of \(InductionDecision.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let who = actor(context)
        let now = dependencies.now()
        let clinicID = store.clinicID
        let library = try InstrumentLibrary.bundled()
        let policy = try await policy()
        return try await store.audited(
            context.auditContext, at: now, action: "plan.induction_review", resourceType: "plan", resourceID: id.rawValue
        ) { db in
            guard let current = try await PlanRepository.find(id: id, clinicID: clinicID, on: db) else { throw StoreError.notFound(resource: "plan") }
            let patient = current.plan.patientID
            let (group, _) = try await OutcomeSummaryRepository.diagnosisGroup(of: patient, clinicID: clinicID, on: db)
            let instrument = try library.instrument(named: group.primaryInstrumentID)
            let started = current.plan.transitions.last { $0.to == .induction }?.at
            let report = try await OutcomeSummaryRepository.report(
                patient: patient, instrumentID: instrument.id, criteria: policy.outcomes.criteria(for: instrument),
                windowDays: policy.outcomes.baselineWindowDays.value, firstTreatment: started, clinicID: clinicID, on: db)
            let review = EndOfInductionReview(
                instrumentID: instrument.id, baseline: report.baseline?.total, latest: report.latest?.total, outcome: InductionOutcome(report),
                decision: choice, reason: reason, by: who.username, role: who.role, at: now)
            let stored = try await PlanRepository.update(id: id, baseVersion: nil, by: who.username, now: now, clinicID: clinicID, on: db) { plan in
                try plan.recordInductionReview(review)
            }
            return Audited(
                stored, resourceID: id.rawValue, patientID: patient.rawValue,
                detail: "instrument=\(instrument.id) outcome=\(review.outcome.rawValue) decision=\(choice.rawValue)")
        }
    }

    @Sendable func inductionReviewFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let stored = try await reviewInduction(
            TreatmentPlanID(try context.parameters.require("planID")), decision: form["decision"] ?? "", reason: form["reason"], context: context)
        return Pages.redirect("/patients/\(stored.plan.patientID.rawValue)#plan")
    }

    @Sendable func inductionReviewJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let decision: String
            let reason: String?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["decision", "reason"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let stored = try await reviewInduction(
            TreatmentPlanID(try context.parameters.require("planID")), decision: input.decision, reason: input.reason, context: context)
        return try jsonResponse(PlanDTO(stored), status: .created)
    }

    @Sendable func createPlanFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = PatientID(try context.parameters.require("id"))
        let form = FormBody.parse(context.body)
        let start = try instant(date: form["startDate"], time: "00:00", field: "startDate")
        _ = try await createPlan(
            id, templateID: form["template"] ?? "", startDate: start, startingDose: form["startingDose"],
            inductionSessions: form["inductionSessions"].flatMap { Int($0) }, context: context)
        return Pages.redirect("/patients/\(id.rawValue)#plan")
    }

    @Sendable func signPlanFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let stored = try await sign(TreatmentPlanID(try context.parameters.require("planID")), context: context)
        return Pages.redirect("/patients/\(stored.plan.patientID.rawValue)#plan")
    }

    @Sendable func phaseFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let stored = try await move(
            TreatmentPlanID(try context.parameters.require("planID")), to: form["phase"] ?? "", reason: form["reason"], context: context)
        return Pages.redirect("/patients/\(stored.plan.patientID.rawValue)#plan")
    }

    // MARK: - Scheduling

    /// The course proposal page: every induction session proposed under the spacing rules, booked with one click.
    @Sendable func proposalPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let planID = TreatmentPlanID(try context.parameters.require("planID"))
        let clinicID = store.clinicID
        let now = dependencies.now()
        let policy = try await policy()
        let weekdays = Set((request.query("days") ?? "2,4,6").split(separator: ",").compactMap { Int($0) }.compactMap(Weekday.init(rawValue:)))
        let timeParts = (request.query("time") ?? "09:00").split(separator: ":").compactMap { Int($0) }
        let time = try TimeOfDay(hour: timeParts.first ?? 9, minute: timeParts.count > 1 ? timeParts[1] : 0)
        let calendar = calendar
        let library = try SharedInstruments.library ?? InstrumentLibrary.bundled()
        // Issue #11: the booking page shows a patient's plan and bookings, so reading it is audited like the chart.
        let (plan, patient, proposals, booked, asNeeded) = try await store.audited(
            context.auditContext, at: now, action: "plan.schedule.view", resourceType: "plan", resourceID: planID.rawValue, isRead: true
        ) { db in
            guard let stored = try await PlanRepository.find(id: planID, clinicID: clinicID, on: db) else {
                throw StoreError.notFound(resource: "plan")
            }
            let plan = stored.plan
            let patient = try await PatientRepository.require(id: plan.patientID, clinicID: clinicID, on: db)
            let facts = try await BookingRepository.facts(for: plan, now: now, clinicID: clinicID, on: db)
            let from = max(now, plan.startDate)
            let existing = try await BookingRepository.bookings(
                from: from.addingTimeInterval(-14 * 86_400), to: from.addingTimeInterval(70 * 86_400), clinicID: clinicID, on: db)
            let chairs = try await BookingRepository.chairs(clinicID: clinicID, on: db).map(\.id)
            let nurses = try await BookingRepository.nurses(clinicID: clinicID, on: db)
            let availability = try await BookingRepository.availability(
                around: from, hours: policy.schedule.openingHours, calendar: calendar, clinicID: clinicID, on: db)
            // The induction course is proposed until the plan reaches maintenance; a maintenance patient is booked one session at a
            // time (and an as-needed session from its own section), never a whole induction course by mistake.
            let proposals =
                plan.phase == .maintenance
                ? []
                : CourseProposal.propose(
                    plan: plan, startingFrom: calendar.startOfDay(for: from.addingTimeInterval(86_400)), preferredWeekdays: weekdays, time: time,
                    chairs: chairs, nurses: nurses, existing: existing.map(\.booking).filter(\.isActive), availability: availability,
                    isEligible: facts.isEligible, hasConsentForRoute: facts.hasConsentForRoute, escortRecorded: facts.escortRecorded,
                    policy: policy.schedule,
                    calendar: calendar)
            let booked = try await BookingRepository.bookings(of: plan.patientID, clinicID: clinicID, on: db).filter {
                $0.booking.planID == planID && $0.booking.isActive
            }
            // DOMAIN.md §5.2: a proposed as-needed session is offered here with the earliest slot the rules allow.
            let view = try await Self.loadAsNeeded(planID, library: library, clinicID: clinicID, on: db)
            var asNeeded: (AsNeededView, ProposedSlot?)?
            if case .proposed = view.assessment {
                let slot = CourseProposal.propose(
                    plan: plan, startingFrom: now.addingTimeInterval(3600), preferredWeekdays: Set(Weekday.allCases), time: time, chairs: chairs,
                    nurses: nurses, existing: existing.map(\.booking).filter(\.isActive), availability: availability, isEligible: facts.isEligible,
                    hasConsentForRoute: facts.hasConsentForRoute, escortRecorded: facts.escortRecorded, policy: policy.schedule, calendar: calendar,
                    sessions: 1
                ).first
                asNeeded = (view, slot)
            }
            return Audited((plan, patient, proposals, booked, asNeeded), resourceID: planID.rawValue, patientID: plan.patientID.rawValue)
        }
        let names = ["", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        return pages.render(
            "plan-schedule", title: "Book sessions",
            [
                "planID": planID.rawValue, "patientID": plan.patientID.rawValue, "patientName": patient.demographics.displayName,
                "template": plan.template.name, "induction": plan.inductionSessions, "bookedCount": booked.count,
                "weekdays": (2...7).map { ["value": $0, "label": names[$0], "checked": weekdays.contains(Weekday(rawValue: $0)!)] as [String: Any] },
                "time": String(format: "%02d:%02d", time.hour, time.minute),
                "hasProposals": !proposals.isEmpty, "inMaintenance": plan.phase == .maintenance,
                "proposalCount": (proposals.map(\.sessionNumber).max() ?? 0) + 1,
                "proposals": proposals.map { p in
                    [
                        "number": p.sessionNumber, "when": pages.dateTime(p.slot.start), "chair": p.slot.chairID.rawValue,
                        "nurse": p.slot.nurseID.rawValue,
                        "date": day(p.slot.start), "time": clock(p.slot.start), "minutes": Int(p.slot.end.timeIntervalSince(p.slot.start) / 60),
                        "warnings": p.warnings.map(\.message).joined(separator: "; "),
                    ] as [String: Any]
                },
                "booked": booked.map {
                    ["when": pages.dateTime($0.booking.slot.start), "chair": $0.booking.slot.chairID.rawValue, "id": $0.booking.id.rawValue]
                },
                "chairMinutes": plan.template.chairMinutes.value,
                "error": request.query("error") as Any,
                "asNeeded": asNeededValues(asNeeded) as Any,
            ],
            context: context)
    }

    /// The booking page's as-needed section (DOMAIN.md §5.2): the finding and the earliest slot the booking rules allow.
    private func asNeededValues(_ asNeeded: (AsNeededView, ProposedSlot?)?) -> [String: Any]? {
        guard let (view, slot) = asNeeded, let finding = view.assessment.finding else { return nil }
        let now = dependencies.now()
        var values: [String: Any] = [
            "reason": AsNeededText.reason(finding, dateTime: pages.dateTime), "rule": AsNeededText.rule(view.rule),
            "needsReview": AsNeededText.needsReview(view.rule),
        ]
        values["date"] = slot.map { day($0.slot.start) } ?? day(now.addingTimeInterval(86_400))
        values["time"] = slot.map { clock($0.slot.start) } ?? "09:00"
        values["chair"] = slot?.slot.chairID.rawValue ?? "chair-1"
        values["nurse"] = slot?.slot.nurseID.rawValue ?? ""
        values["when"] = slot.map { pages.dateTime($0.slot.start) } as Any
        let warnings = slot?.warnings.map(\.message).joined(separator: "; ") ?? ""
        values["warnings"] = warnings.isEmpty ? nil : warnings
        return values
    }

    func day(_ date: Date) -> String {
        let p = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", p.year!, p.month!, p.day!)
    }

    func clock(_ date: Date) -> String {
        let p = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", p.hour!, p.minute!)
    }

    struct SlotInput {
        let date: String
        let time: String
        let minutes: Int?
        let chair: String
        let nurse: String
    }

    /// Books every slot in one audited transaction: a course is booked whole or not at all, and a refusal is audited.
    ///
    /// `asNeeded` books the one session a loss of response proposes (DOMAIN.md §5.2) and marks it on the plan in the same
    /// transaction; it is refused (field `asNeeded`) when no session is proposed now.
    func book(_ planID: TreatmentPlanID, slots: [SlotInput], note: String?, asNeeded: Bool = false, context: AppRequestContext) async throws
        -> [StoredBooking]
    {
        guard !slots.isEmpty else { throw ValidationError(field: "date", message: "choose a date for the session") }
        if asNeeded, slots.count != 1 {
            throw ValidationError(field: "asNeeded", message: "an as-needed session is booked one at a time; got \(slots.count) slots")
        }
        let library = try SharedInstruments.library ?? InstrumentLibrary.bundled()
        let who = actor(context)
        let bounds = SessionSlot.minutesRange
        for minutes in slots.compactMap(\.minutes) where !bounds.contains(minutes) {
            throw ValidationError(
                field: "minutes",
                message: "minutes must be \(bounds.lowerBound)–\(bounds.upperBound) (a chair booking of up to a 12-hour day); got \(minutes)")
        }
        let clinicID = store.clinicID
        let policy = try await policy()
        let calendar = calendar
        let starts = try slots.map { try instant(date: $0.date, time: $0.time, field: "date") }
        let now = dependencies.now()
        let actor = context.auditContext.actor
        return try await store.audited(
            context.auditContext, at: now, action: "booking.create", resourceType: "booking", resourceID: planID.rawValue
        ) { db in
            guard let plan = try await PlanRepository.find(id: planID, clinicID: clinicID, on: db)?.plan else {
                throw StoreError.notFound(resource: "plan")
            }
            // DOMAIN.md §5.2: an as-needed session is booked only while the plan's scores propose one.
            let assessment = asNeeded ? try await AsNeededRepository.assess(plan, policy: policy, library: library, clinicID: clinicID, on: db) : nil
            _ = try assessment?.proposedFinding()
            var done: [StoredBooking] = []
            var warnings: [String] = []
            for (input, start) in zip(slots, starts) {
                let minutes = input.minutes ?? plan.template.chairMinutes.value
                let slot = SessionSlot(
                    start: start, end: start.addingTimeInterval(Double(minutes) * 60), chairID: ChairID(input.chair), nurseID: NurseID(input.nurse),
                    route: plan.route)
                let (booking, problems) = try await BookingRepository.book(
                    slot, plan: plan, note: note, by: actor, now: now, calendar: calendar, policy: policy.schedule, clinicID: clinicID, on: db)
                try await OutboxRepository.enqueueReminders(
                    for: booking.booking, reminders: policy.schedule.reminders, now: now, clinicID: clinicID, on: db)
                done.append(booking)
                warnings += problems.map(\.code.rawValue)
            }
            if let assessment, let booking = done.first {
                _ = try await PlanRepository.update(id: planID, baseVersion: nil, by: who.username, now: now, clinicID: clinicID, on: db) {
                    try $0.recordAsNeededBooking(assessment, bookingID: booking.booking.id, by: who, at: now)
                }
            }
            return Audited(
                done, resourceID: planID.rawValue, patientID: plan.patientID.rawValue,
                detail: "sessions=\(done.count)" + (asNeeded ? " as_needed=true" : "")
                    + (warnings.isEmpty ? "" : " warnings=\(warnings.joined(separator: ","))"))
        }
    }

    @Sendable func bookFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let planID = TreatmentPlanID(try context.parameters.require("planID"))
        let form = FormBody.parse(context.body)
        let count = Int(form["count"] ?? "1") ?? 1
        let slots = (0..<max(1, min(count, 30))).compactMap { i -> SlotInput? in
            let suffix = count > 1 || form["date[0]"] != nil ? "[\(i)]" : ""
            guard let date = form["date\(suffix)"], !date.isEmpty else { return nil }
            return SlotInput(
                date: date, time: form["time\(suffix)"] ?? "09:00", minutes: form["minutes\(suffix)"].flatMap { Int($0) },
                chair: form["chair\(suffix)"] ?? "",
                nurse: form["nurse\(suffix)"] ?? "")
        }
        do {
            _ = try await book(planID, slots: slots, note: form["note"], asNeeded: form["asNeeded"] == "on", context: context)
            return Pages.redirect("/plans/\(planID.rawValue)/schedule")
        } catch let refused as BookingRefused {
            let message = refused.message.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "refused"
            return Pages.redirect("/plans/\(planID.rawValue)/schedule?error=\(message)")
        } catch let refused as PlanError where refused.field == "asNeeded" {
            let message = refused.message.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "refused"
            return Pages.redirect("/plans/\(planID.rawValue)/schedule?error=\(message)")
        }
    }

    func change(_ bookingID: BookingID, slot: SlotInput?, reason: String, note: String?, context: AppRequestContext) async throws -> StoredBooking {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let policy = try await policy()
        let calendar = calendar
        let user = context.session!.user
        let newStart = try slot.map { try instant(date: $0.date, time: $0.time, field: "date") }
        return try await store.audited(
            context.auditContext, at: now, action: slot == nil ? "booking.cancel" : "booking.reschedule", resourceType: "booking",
            resourceID: bookingID.rawValue
        ) { db in
            guard let current = try await BookingRepository.find(id: bookingID, clinicID: clinicID, on: db) else {
                throw StoreError.notFound(resource: "booking")
            }
            let newSlot = newStart.map { start in
                SessionSlot(
                    start: start, end: start.addingTimeInterval(current.booking.slot.end.timeIntervalSince(current.booking.slot.start)),
                    chairID: ChairID(slot?.chair.isEmpty == false ? slot!.chair : current.booking.slot.chairID.rawValue),
                    nurseID: NurseID(slot?.nurse.isEmpty == false ? slot!.nurse : current.booking.slot.nurseID.rawValue),
                    route: current.booking.slot.route)
            }
            let updated = try await BookingRepository.change(
                bookingID, to: newSlot, reason: reason, note: note, by: user.username, role: user.role, now: now, calendar: calendar,
                policy: policy.schedule, clinicID: clinicID, on: db)
            return Audited(updated, resourceID: bookingID.rawValue, patientID: updated.booking.patientID.rawValue, detail: "reason given")
        }
    }

    @Sendable func cancelFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let updated = try await change(
            BookingID(try context.parameters.require("bookingID")), slot: nil, reason: form["reason"] ?? "", note: nil, context: context)
        return Pages.redirect(
            AuthController.safeNext(form["next"]) == "/dashboard"
                ? "/patients/\(updated.booking.patientID.rawValue)#plan" : AuthController.safeNext(form["next"]))
    }

    @Sendable func rescheduleFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let slot = SlotInput(
            date: form["date"] ?? "", time: form["time"] ?? "09:00", minutes: nil, chair: form["chair"] ?? "", nurse: form["nurse"] ?? "")
        let updated = try await change(
            BookingID(try context.parameters.require("bookingID")), slot: slot, reason: form["reason"] ?? "", note: form["note"], context: context)
        return Pages.redirect("/patients/\(updated.booking.patientID.rawValue)#plan")
    }

    @Sendable func checkInFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = BookingID(try context.parameters.require("bookingID"))
        let form = FormBody.parse(context.body)
        let clinicID = store.clinicID
        let now = dependencies.now()
        _ = try await store.audited(context.auditContext, at: now, action: "booking.checkin", resourceType: "booking", resourceID: id.rawValue) {
            db in
            try await BookingRepository.checkIn(id, escortConfirmed: form["escort"] == "on", now: now, clinicID: clinicID, on: db)
            let booking = try await BookingRepository.find(id: id, clinicID: clinicID, on: db)
            return Audited((), resourceID: id.rawValue, patientID: booking?.booking.patientID.rawValue, detail: "escort=\(form["escort"] == "on")")
        }
        return Pages.redirect("/schedule?date=\(form["date"] ?? "")")
    }

    /// The day (front desk) or week calendar: chairs down the side, bookings with check-in, escort and questionnaire state.
    @Sendable func schedulePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let now = dependencies.now()
        let dayText = request.query("date").flatMap { $0.isEmpty ? nil : $0 } ?? day(now)
        let start = try instant(date: dayText, time: "00:00", field: "date")
        let isWeek = request.query("view") == "week"
        let end = start.addingTimeInterval(isWeek ? 7 * 86_400 : 86_400)
        let clinicID = store.clinicID
        let (bookings, names, chairs, links) = try await store.audited(
            context.auditContext, at: now, action: "schedule.view", resourceType: "schedule", resourceID: dayText, isRead: true
        ) { db in
            let bookings = try await BookingRepository.bookings(from: start, to: end, clinicID: clinicID, on: db).filter(\.booking.isActive)
            let patients = try await PatientRepository.find(ids: Array(Set(bookings.map(\.booking.patientID))), clinicID: clinicID, on: db)
            var links: [PatientID: Bool] = [:]
            for patient in patients {
                let recent = try await SelfReportLinkRepository.links(patient: patient.id, clinicID: clinicID, on: db)
                links[patient.id] = recent.contains { $0.createdAt > start.addingTimeInterval(-3 * 86_400) && $0.completedAt != nil }
            }
            let chairs = try await BookingRepository.chairs(clinicID: clinicID, on: db)
            return Audited(
                (bookings, Dictionary(uniqueKeysWithValues: patients.map { ($0.id, $0.demographics.displayName) }), chairs, links),
                resourceID: dayText)
        }
        return pages.render(
            "schedule", title: isWeek ? "Week" : "Day",
            [
                "date": dayText, "isWeek": isWeek, "previous": day(start.addingTimeInterval(isWeek ? -7 * 86_400 : -86_400)),
                "next": day(start.addingTimeInterval(isWeek ? 7 * 86_400 : 86_400)),
                "chairs": chairs.map { chair in
                    [
                        "name": chair.name,
                        "bookings": bookings.filter { $0.booking.slot.chairID == chair.id }.map { b in
                            [
                                "id": b.booking.id.rawValue, "patientID": b.booking.patientID.rawValue,
                                "patient": names[b.booking.patientID] ?? "patient",
                                "when": isWeek ? pages.dateTime(b.booking.slot.start) : "\(clock(b.booking.slot.start))–\(clock(b.booking.slot.end))",
                                "route": b.booking.slot.route.rawValue, "nurse": b.booking.slot.nurseID.rawValue,
                                "checkedIn": b.checkedInAt.map { clock($0) } as Any, "escort": b.isEscortConfirmed,
                                "questionnaires": links[b.booking.patientID] == true ? "done" : "pending",
                            ] as [String: Any]
                        },
                    ] as [String: Any]
                },
                "hasBookings": !bookings.isEmpty,
            ],
            context: context)
    }

    /// Outgoing messages with their delivery state; failures show their last error.
    @Sendable func outboxPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinicID = store.clinicID
        let status = request.query("status")
        let messages = try await store.database.read { db in try await OutboxRepository.messages(status: status, clinicID: clinicID, on: db) }
        return pages.render(
            "outbox", title: "Outbox",
            [
                "messages": messages.map { m in
                    [
                        "kind": m.kind, "channel": m.channel, "due": pages.dateTime(m.dueAt), "status": m.status, "attempts": m.attempts,
                        "error": m.lastError ?? "", "sent": m.sentAt.map { pages.dateTime($0) } ?? "", "failed": m.status == "failed",
                    ] as [String: Any]
                },
                "hasMessages": !messages.isEmpty, "failedCount": messages.filter { $0.status == "failed" }.count,
            ],
            context: context)
    }

    // MARK: - API

    struct PlanDTO: Encodable {
        let id: String
        let patientID: String
        let template: String
        let route: String
        let phase: String
        let startDate: Date
        let inductionSessions: Int
        let sessionsPerWeekMax: Int
        let signedBy: String?
        let signedAt: Date?
        let transitions: [PhaseTransition]
        let inductionReviews: [EndOfInductionReview]
        let version: Int

        init(_ s: StoredPlan) {
            id = s.plan.id.rawValue
            patientID = s.plan.patientID.rawValue
            template = s.plan.template.id.rawValue
            route = s.plan.route.rawValue
            phase = s.plan.phase.rawValue
            startDate = s.plan.startDate
            inductionSessions = s.plan.inductionSessions
            sessionsPerWeekMax = s.plan.sessionsPerWeekMax
            signedBy = s.plan.signature?.signedBy
            signedAt = s.plan.signature?.signedAt
            transitions = s.plan.transitions
            inductionReviews = s.plan.inductionReviews
            version = s.version
        }
    }

    struct BookingDTO: Encodable {
        let id: String
        let patientID: String
        let planID: String
        let start: Date
        let end: Date
        let chair: String
        let nurse: String
        let route: String
        let status: String
        /// Booked as the as-needed session a loss of response proposed (DOMAIN.md §5.2).
        let asNeeded: Bool

        init(_ b: StoredBooking, asNeeded: Set<BookingID>) {
            id = b.booking.id.rawValue
            patientID = b.booking.patientID.rawValue
            planID = b.booking.planID.rawValue
            start = b.booking.slot.start
            end = b.booking.slot.end
            chair = b.booking.slot.chairID.rawValue
            nurse = b.booking.slot.nurseID.rawValue
            route = b.booking.slot.route.rawValue
            status = b.booking.status.rawValue
            self.asNeeded = asNeeded.contains(b.booking.id)
        }
    }

    @Sendable func listConsents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = PatientID(try context.parameters.require("id"))
        let clinicID = store.clinicID
        let now = dependencies.now()
        let (records, statuses) = try await store.audited(
            context.auditContext, at: now, action: "consent.list", resourceType: "patient", resourceID: id.rawValue, patientID: id.rawValue,
            isRead: true
        ) { db in
            try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            let records = try await ConsentRepository.records(of: id, clinicID: clinicID, on: db)
            var statuses: [String: Bool] = [:]
            for route in DosingRoute.allCases {
                statuses[route.rawValue] = try await ConsentRepository.status(of: id, route: route, now: now, clinicID: clinicID, on: db)
                    .hasValidConsent
            }
            return Audited((records.map(\.record), statuses), resourceID: id.rawValue, patientID: id.rawValue)
        }
        struct Page: Encodable {
            let records: [ConsentRecord]
            let hasValidConsent: [String: Bool]
        }
        return try jsonResponse(Page(records: records, hasValidConsent: statuses))
    }

    @Sendable func signConsentJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let route: String
            let kind: String
            let name: String?
            let witness: String?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["route", "kind", "name", "witness"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let stored = try await signConsent(
            PatientID(try context.parameters.require("id")), route: input.route, kind: input.kind, name: input.name ?? "",
            witness: input.witness ?? "",
            context: context)
        return try jsonResponse(stored.record, status: .created)
    }

    @Sendable func listPlans(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = PatientID(try context.parameters.require("id"))
        let clinicID = store.clinicID
        let plans = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "plan.list", resourceType: "patient", resourceID: id.rawValue,
            patientID: id.rawValue,
            isRead: true
        ) { db in
            try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            return Audited(try await PlanRepository.plans(of: id, clinicID: clinicID, on: db), resourceID: id.rawValue, patientID: id.rawValue)
        }
        struct Page: Encodable { let plans: [PlanDTO] }
        return try jsonResponse(Page(plans: plans.map(PlanDTO.init)))
    }

    @Sendable func createPlanJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let template: String
            let startDate: String
            let startingDose: String?
            let inductionSessions: Int?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["template", "startDate", "startingDose", "inductionSessions"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let stored = try await createPlan(
            PatientID(try context.parameters.require("id")), templateID: input.template,
            startDate: try instant(date: input.startDate, time: "00:00", field: "startDate"), startingDose: input.startingDose,
            inductionSessions: input.inductionSessions, context: context)
        return try jsonResponse(PlanDTO(stored), status: .created)
    }

    @Sendable func signPlanJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        try jsonResponse(PlanDTO(try await sign(TreatmentPlanID(try context.parameters.require("planID")), context: context)))
    }

    @Sendable func phaseJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let phase: String
            let reason: String?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["phase", "reason"])
        let input = try StrictJSON.decode(Input.self, from: object)
        return try jsonResponse(
            PlanDTO(
                try await move(TreatmentPlanID(try context.parameters.require("planID")), to: input.phase, reason: input.reason, context: context)))
    }

    @Sendable func bookJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let date: String
            let time: String
            let minutes: Int?
            let chair: String
            let nurse: String
            let note: String?
            let asNeeded: Bool?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["date", "time", "minutes", "chair", "nurse", "note", "asNeeded"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let booked = try await book(
            TreatmentPlanID(try context.parameters.require("planID")),
            slots: [SlotInput(date: input.date, time: input.time, minutes: input.minutes, chair: input.chair, nurse: input.nurse)], note: input.note,
            asNeeded: input.asNeeded ?? false, context: context)
        return try jsonResponse(BookingDTO(booked[0], asNeeded: input.asNeeded == true ? [booked[0].booking.id] : []), status: .created)
    }

    @Sendable func cancelJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { let reason: String }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["reason"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let updated = try await change(
            BookingID(try context.parameters.require("bookingID")), slot: nil, reason: input.reason, note: nil, context: context)
        return try jsonResponse(BookingDTO(updated, asNeeded: try await asNeededBookings(of: [updated])))
    }

    @Sendable func scheduleJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let from = try instant(date: request.query("from") ?? day(dependencies.now()), time: "00:00", field: "from")
        let to = try instant(date: request.query("to") ?? day(from.addingTimeInterval(7 * 86_400)), time: "00:00", field: "to")
        guard to > from, to.timeIntervalSince(from) <= 62 * 86_400 else {
            throw ValidationError(field: "to", message: "to must be after from and at most 62 days later")
        }
        let clinicID = store.clinicID
        let bookings = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "schedule.view", resourceType: "schedule", isRead: true
        ) { db in Audited(try await BookingRepository.bookings(from: from, to: to, clinicID: clinicID, on: db), resourceID: "api") }
        let marked = try await asNeededBookings(of: bookings)
        struct Page: Encodable { let bookings: [BookingDTO] }
        return try jsonResponse(Page(bookings: bookings.map { BookingDTO($0, asNeeded: marked) }))
    }
}
