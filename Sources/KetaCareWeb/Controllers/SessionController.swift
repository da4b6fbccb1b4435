import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import SQLKit

/// Treatment sessions (issue #5): check-in, dose order and its independent double check, pre-dose checks, the live run-sheet
/// (vitals, alerts, CADSS/MOAA/S, adverse events, infusion events), discharge, signature; HTML pages and `/api/v1` JSON.
///
/// Every operation is one audited transaction that loads the session, asks the domain, and saves with a version
/// compare-and-swap; the page forms and the API share the operations below.
struct SessionController {
    let dependencies: AppDependencies

    var store: Store { dependencies.store }
    var pages: Pages { dependencies.pages }

    func register(_ routes: RouteRegistrar) {
        routes.post("/patients/:id/sessions", .runSession, checkInFromForm)
        routes.get("/sessions/:id", .readPatient, runSheet)
        routes.get("/sessions/:id/print", .readPatient, printView)
        routes.post("/sessions/:id/order", .orderDose, orderFromForm)
        routes.post("/sessions/:id/order/verify", .verifyDose, verifyFromForm)
        routes.post("/sessions/:id/order/withdraw", .orderDose, withdrawFromForm)
        routes.post("/sessions/:id/pre-dose-overrides", .overridePreDose, preDoseOverrideFromForm)
        routes.post("/sessions/:id/checks", .runSession, checksFromForm)
        routes.post("/sessions/:id/vitals", .runSession, vitalsFromForm)
        routes.post("/sessions/:id/alerts/:alertID/acknowledge", .runSession, acknowledgeFromForm)
        routes.post("/sessions/:id/assessments", .runSession, assessmentFromForm)
        routes.post("/sessions/:id/adverse-events", .runSession, adverseEventFromForm)
        routes.post("/sessions/:id/side-effects", .runSession, sideEffectsFromForm)
        routes.post("/sessions/:id/rescue-medications", .runSession, rescueMedicationFromForm)
        routes.post("/sessions/:id/infusion", .runSession, infusionFromForm)
        routes.post("/sessions/:id/transitions", .runSession, transitionFromForm)
        routes.post("/sessions/:id/discharge", .runSession, dischargeFromForm)
        routes.post("/sessions/:id/sign", .signSession, signFromForm)

        routes.get("/api/v1/patients/:id/sessions", .readPatient, list)
        routes.post("/api/v1/patients/:id/sessions", .runSession, checkIn)
        routes.get("/api/v1/sessions/:id", .readPatient, show)
        routes.get("/api/v1/sessions/:id/pk", .readPatient, pk)
        routes.post("/api/v1/sessions/:id/order", .orderDose, order)
        routes.post("/api/v1/sessions/:id/order/verify", .verifyDose, verify)
        routes.post("/api/v1/sessions/:id/order/withdraw", .orderDose, withdraw)
        routes.post("/api/v1/sessions/:id/pre-dose-overrides", .overridePreDose, preDoseOverride)
        routes.put("/api/v1/sessions/:id/checks", .runSession, checks)
        routes.post("/api/v1/sessions/:id/vitals", .runSession, vitals)
        routes.post("/api/v1/sessions/:id/alerts/:alertID/acknowledge", .runSession, acknowledge)
        routes.post("/api/v1/sessions/:id/assessments", .runSession, assessment)
        routes.post("/api/v1/sessions/:id/adverse-events", .runSession, adverseEvent)
        routes.post("/api/v1/sessions/:id/side-effects", .runSession, sideEffects)
        routes.post("/api/v1/sessions/:id/rescue-medications", .runSession, rescueMedication)
        routes.post("/api/v1/sessions/:id/infusion", .runSession, infusion)
        routes.post("/api/v1/sessions/:id/transitions", .runSession, transition)
        routes.post("/api/v1/sessions/:id/discharge", .runSession, discharge)
        routes.post("/api/v1/sessions/:id/sign", .signSession, sign)
        routes.post("/api/v1/sessions/:id/amendments", .signSession, amend)
        routes.get("/api/v1/reports/dose-limit-overrides", .readOutcomes, limitOverrides)
    }

    // MARK: - Inputs (DTOs; snake_case keys so an error's field is the key the client sent)

    struct OrderInput: Decodable, Sendable {
        var dose_mg_per_kg: Double?
        var dose_mg: Double?
        var concentration_mg_per_ml: Double?
        var infusion_min: Double?
        var override_reason: String?
        var weight_change_confirmed: Bool?
        static let keys: Set<String> = [
            "dose_mg_per_kg", "dose_mg", "concentration_mg_per_ml", "infusion_min", "override_reason", "weight_change_confirmed",
        ]
    }

    /// Physical bounds checked before any arithmetic: no ketamine or esketamine order comes near them, so the drug library's
    /// soft and hard limits still decide every real dose; these only keep absurd numbers (1e16 mg) out of the calculation.
    static func checkBounds(_ input: OrderInput) throws {
        let bounds: [(field: String, range: ClosedRange<Double>, unit: String, value: Double?)] = [
            ("dose_mg_per_kg", 0.001...20, "mg/kg", input.dose_mg_per_kg), ("dose_mg", 0.01...2_000, "mg", input.dose_mg),
            ("concentration_mg_per_ml", 0.01...100, "mg/mL", input.concentration_mg_per_ml), ("infusion_min", 1...1_440, "min", input.infusion_min),
        ]
        for bound in bounds {
            guard let value = bound.value else { continue }
            guard value.isFinite, bound.range.contains(value) else {
                throw SessionError(
                    .outOfRange, field: bound.field,
                    message: "\(bound.field) must be \(bound.range.lowerBound)–\(bound.range.upperBound) \(bound.unit); got \(value)")
            }
        }
    }

    struct ChecksInput: Decodable, Sendable {
        var version: Int
        var identity: Bool?
        var consent: Bool?
        var eligibility: Bool?
        var fasting: Bool?
        var escort: Bool?
        var pregnancy: String?
        var medications_reviewed: Bool?
        var questionnaires_done: Bool?
        var questionnaire_waiver: String?
        static let keys: Set<String> = [
            "version", "identity", "consent", "eligibility", "fasting", "escort", "pregnancy", "medications_reviewed", "questionnaires_done",
            "questionnaire_waiver",
        ]
    }

    struct VitalsInput: Decodable, Sendable {
        var systolic: Int
        var diastolic: Int
        var heart_rate: Int
        var spo2: Int
        var respiratory_rate: Int
        var temperature: Double?
        /// Whether the patient was on supplemental oxygen for the SpO2 reading (DOMAIN.md §7.2 scores the SpO2 item from it).
        var on_oxygen: Bool?
        static let keys: Set<String> = ["systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate", "temperature", "on_oxygen"]
    }

    struct AdverseEventInput: Decodable, Sendable {
        var term: String
        var grade: Int
        var seriousness: [String]?
        var relatedness: String?
        var expected: Bool?
        var action: String?
        var treatment: String?
        var outcome: String?
        static let keys: Set<String> = ["term", "grade", "seriousness", "relatedness", "expected", "action", "treatment", "outcome"]
    }

    /// A side-effect check: the ticked checklist codes (an empty list is an explicit "none"), severities by code, a note.
    struct SideEffectsInput: Decodable, Sendable {
        var side_effects: [String]
        var severities: [String: String]?
        var note: String?
        static let keys: Set<String> = ["side_effects", "severities", "note"]
    }

    /// A rescue medication given; `given_at` (ISO 8601) defaults to now.
    struct RescueMedicationInput: Decodable, Sendable {
        var drug: String
        var dose_mg: Double
        var route: String
        var indication: String?
        var given_at: String?
        static let keys: Set<String> = ["drug", "dose_mg", "route", "indication", "given_at"]
    }

    // MARK: - Shared pieces

    struct Clinician: Sendable {
        let username: String
        let role: Role
    }

    func clinician(_ context: AppRequestContext) -> Clinician {
        Clinician(username: context.auditContext.actor, role: context.session?.user.role ?? .nurse)
    }

    func sessionID(_ context: AppRequestContext) throws -> String { try context.parameters.require("id") }

    static func refuse(_ field: String, _ message: String) -> SessionError { SessionError(.inconsistent, field: field, message: message) }

    static func requireVersion(_ session: TreatmentSession, _ base: Int) throws {
        guard session.version == base else {
            throw StoreError.versionConflict(changedBy: session.updatedBy, changedAt: session.updatedAt, currentVersion: session.version)
        }
    }

    /// The signed-in account as the session's rules see it (the medical-director authority is the account's, issue #10).
    func actor(_ context: AppRequestContext) -> SessionActor {
        SessionActor(
            username: context.auditContext.actor, role: context.session?.user.role ?? .nurse,
            isMedicalDirector: context.session?.user.isMedicalDirector ?? false)
    }

    /// What a command produced: the effects the machine decided, what storing them produced, and the record after it.
    struct Outcome: Sendable {
        let effects: [SessionEffect]
        let commit: SessionCommit
        let record: SessionRecord
        let file: SessionFile
    }

    /// Runs one command on the session in one audited transaction: load the file → the domain's ``SessionMachine`` decides →
    /// store its effects with a version compare-and-swap → `after` (the ledger's administration entry) on the same transaction.
    ///
    /// `make` turns the request into the command (reading what else it needs, such as the dose calculation's inputs).
    func run(
        _ id: String, action: String, context: AppRequestContext, version: Int? = nil, alertID: String? = nil,
        detail: @escaping @Sendable (Outcome) -> String,
        after: (@Sendable (Outcome, Date, any SQLDatabase) async throws -> Void)? = nil,
        _ make: @escaping @Sendable (SessionFile, ClinicPolicy, Date, any SQLDatabase) async throws -> (SessionCommand, DoseOrderDraft?)
    ) async throws -> Outcome {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = actor(context)
        return try await store.audited(context.auditContext, at: now, action: action, resourceType: "session", resourceID: id) { db in
            // The session row and its order; the timeline and the patient's facts only for the commands that read them.
            var file = try await SessionRepository.load(id: id, clinicID: clinicID, includePreDoseFacts: false, includeTimeline: false, on: db)
            // A signed record refuses every command but an amendment before any version question.
            if !file.session.isSigned, let version { try Self.requireVersion(file.session, version) }
            let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
            let (command, draft) = try await make(file, policy, now, db)
            if command.readsTimeline { try await SessionRepository.loadTimeline(into: &file, on: db) }
            if command.readsPreDoseRecord { try await SessionRepository.loadPreDoseFacts(into: &file, clinicID: clinicID, on: db) }
            // DOMAIN.md §3.3, §3.4, §7.1: the schedule and discharge rules run intensified for this patient's screening.
            if command.readsMonitoringSchedule { try await SessionRepository.loadScreening(into: &file, clinicID: clinicID, on: db) }
            var machine = SessionMachine(record: file.record(now: now), policy: file.effectivePolicy(policy.sessions))
            let effects = try machine.handle(command, by: actor, at: now)
            let commit = try await SessionRepository.commit(
                effects, record: machine.record, session: file.session, actor: actor, now: now, orderDraft: draft, alertID: alertID,
                clinicID: clinicID, on: db)
            let outcome = Outcome(effects: effects, commit: commit, record: machine.record, file: file)
            try await after?(outcome, now, db)
            return Audited(outcome, resourceID: id, patientID: file.session.patientID.rawValue, detail: detail(outcome))
        }
    }

    /// Runs a command that needs nothing but the request.
    func run(
        _ id: String, action: String, context: AppRequestContext, version: Int? = nil, alertID: String? = nil, _ command: SessionCommand,
        detail: @escaping @Sendable (Outcome) -> String
    ) async throws -> Outcome {
        try await run(id, action: action, context: context, version: version, alertID: alertID, detail: detail) { _, _, _, _ in (command, nil) }
    }

    // MARK: - Operations

    func checkInPatient(_ patient: PatientID, route: String?, context: AppRequestContext) async throws -> TreatmentSession {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let who = clinician(context)
        return try await store.audited(
            context.auditContext, at: now, action: "session.check_in", resourceType: "session", patientID: patient.rawValue
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            guard let route = route.flatMap({ DosingRoute(rawValue: $0.lowercased()) }) else {
                throw SessionError(.outOfRange, field: "route", message: "route must be one of \(DosingRoute.spellings)")
            }
            let session = try await SessionRepository.create(
                patient: patient, route: route, by: who.username, role: who.role, now: now, clinicID: clinicID, on: db)
            return Audited(session, resourceID: session.id, patientID: patient.rawValue, detail: "route=\(route.rawValue)")
        }
    }

    func placeOrder(_ id: String, _ input: OrderInput, context: AppRequestContext) async throws -> StoredDoseOrder {
        try Self.checkBounds(input)
        let clinicID = store.clinicID
        let timeZone = dependencies.timeZone
        let outcome = try await run(id, action: "session.order", context: context, detail: { "limit=\($0.commit.order?.limitStatus ?? "-")" }) {
            file, policy, now, db in
            let session = file.session
            // The state is the machine's rule; asking first spares the calculation's reads for a session already dosing.
            guard file.record(now: now).isBeforeDosing || session.isSigned else {
                throw Self.refuse("state", "a dose can be ordered only before dosing; the session is \(session.state.name)")
            }
            let patient = try await PatientRepository.require(id: session.patientID, clinicID: clinicID, on: db)
            let measurements = try await PatientRepository.measurements(patient: session.patientID, clinicID: clinicID, on: db)
            let weights = measurements.filter { $0.kind == .weight }
            func weight(_ m: BodyMeasurement) -> WeightMeasurement {
                // Weights are recorded per day: the measurement counts from the start of that day (UTC, as recorded).
                WeightMeasurement(Kilograms(Self.decimal(m.value)), measuredAt: m.measuredOn.startOfDay(in: .gmt))
            }
            let dose: OrderedDose
            switch (input.dose_mg_per_kg, input.dose_mg) {
            case (let perKg?, nil): dose = .perKilogram(MilligramsPerKilogram(Self.decimal(perKg)))
            case (nil, let mg?): dose = .fixed(Milligrams(Self.decimal(mg)))
            default: throw SessionError(.missing, field: "dose_mg_per_kg", message: "give exactly one of dose_mg_per_kg or dose_mg")
            }
            let prior = try await SessionRepository.priorDoses(patient: session.patientID, clinicID: clinicID, on: db).map(\.dose)
            let concentration = input.concentration_mg_per_ml.map { MilligramsPerMillilitre(Self.decimal($0)) }
            let infusion = input.infusion_min.map { Minutes(Self.decimal($0)) }
            let height = measurements.first { $0.kind == .height }.map { Centimetres(Self.decimal($0.value)) }
            // The drug-library entry is the active plan's for this route (the Spravato MDSI template's 84 mg start, §4.4),
            // else the route's default entry.
            let plan = try await PlanRepository.plans(of: session.patientID, clinicID: clinicID, on: db).map(\.plan).first {
                $0.route == session.route && [.induction, .maintenance].contains($0.phase)
            }
            let request = DoseRequest(
                route: session.route, entryID: plan?.template.drugLibraryEntryID, dose: dose, weight: weights.first.map(weight),
                previousWeight: weights.dropFirst().first.map(weight),
                isWeightChangeConfirmed: input.weight_change_confirmed ?? false, height: height, sex: patient.demographics.sexAtBirth,
                ageYears: patient.demographics.dateOfBirth.age(on: LocalDate(utcDayOf: now)), preparation: concentration.map { .concentration($0) },
                infusionDuration: infusion, sessionID: session.id, priorDoses: prior, now: now, timeZone: timeZone)
            let calculation = try DoseCalculator.calculate(request, policy: policy.dosing)
            let draft = DoseOrderDraft(
                calculation: calculation, report: DoseReport(calculation, rounding: policy.dosing.rounding), preparation: concentration,
                infusion: infusion)
            return (.order(check: calculation.check, doseField: dose.field, overrideReason: input.override_reason), draft)
        }
        guard let order = outcome.commit.order else { throw StoreError.notFound(resource: "dose order") }
        return order
    }

    func verifyOrder(_ id: String, context: AppRequestContext) async throws -> StoredDoseOrder {
        let outcome = try await run(id, action: "session.order.verify", context: context, .verifyOrder) { _ in "verified" }
        guard let order = outcome.commit.order else { throw StoreError.notFound(resource: "dose order") }
        return order
    }

    /// Withdraws the current order before dosing starts, with a reason, so the prescriber can order again; the withdrawn
    /// order stays on record and on the timeline. A verified order can be withdrawn too (the new one needs its own check).
    func withdrawOrder(_ id: String, reason: String?, context: AppRequestContext) async throws -> StoredDoseOrder {
        let outcome = try await run(id, action: "session.order.withdraw", context: context, .withdrawOrder(reason: reason ?? "")) { _ in
            "withdrawn"
        }
        guard let order = outcome.commit.order else { throw StoreError.notFound(resource: "dose order") }
        return order
    }

    struct PreDoseOverrideInput: Decodable, Sendable {
        var item: String
        var reason: String
        static let keys: Set<String> = ["item", "reason"]
    }

    /// Documents a decision to dose despite a pre-dose finding (issue #10). The authority is the account's: a prescriber for
    /// a BP caution or hold; the medical-director attribute, read from the signed-in account, for a BP block, pregnancy, a
    /// C-SSRS high result and records held on paper. The machine refuses an override without that authority; the refusal is
    /// answered 403 and audited as denied. The pre-dose gate itself decides whether the override is enough.
    func overridePreDose(_ id: String, _ input: PreDoseOverrideInput, context: AppRequestContext) async throws -> PreDoseOverride {
        guard let item = PreDoseOverrideItem(rawValue: input.item) else {
            throw SessionError(
                .outOfRange, field: "item", message: "item must be one of \(PreDoseOverrideItem.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard context.session?.user != nil else { throw APIError.forbidden(.overridePreDose) }
        do {
            let outcome = try await run(id, action: "session.pre_dose_override", context: context, .overridePreDose(item: item, reason: input.reason))
            {
                $0.effects.contains { if case .preDoseOverride(let o) = $0 { o.isMedicalDirector } else { false } }
                    ? "item=\(item.rawValue) medical_director=true" : "item=\(item.rawValue) medical_director=false"
            }
            for case .preDoseOverride(let override) in outcome.effects { return override }
            throw StoreError.notFound(resource: "pre-dose override")
        } catch let error as SessionError where error.kind == .roleNotAllowed && error.field == "item" {
            try? await store.recordEvent(
                context.auditContext, at: dependencies.now(), action: "session.pre_dose_override", resourceType: "session", resourceID: id,
                outcome: .denied, detail: "item=\(item.rawValue) no medical-director authority")
            throw APIError(.forbidden, code: "authority", message: error.message, field: "item")
        }
    }

    func confirmChecks(_ id: String, _ input: ChecksInput, context: AppRequestContext) async throws -> TreatmentSession {
        let pregnancy = try input.pregnancy.map { text -> PregnancyStatus in
            guard let status = PregnancyStatus(rawValue: text) else {
                throw SessionError(.outOfRange, field: "pregnancy", message: "pregnancy must be not_applicable, not_pregnant, pregnant or unknown")
            }
            return status
        }
        let confirmations = PreDoseConfirmations(
            identity: input.identity ?? false, consent: input.consent ?? false, eligibility: input.eligibility ?? false,
            fasting: input.fasting ?? false, escort: input.escort ?? false, pregnancy: pregnancy ?? .unknown,
            medicationsReviewed: input.medications_reviewed ?? false, questionnairesDone: input.questionnaires_done ?? false,
            questionnaireWaiver: input.questionnaire_waiver.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 },
            confirmedBy: "", confirmedAt: .distantPast)
        return try await run(id, action: "session.checks", context: context, version: input.version, .confirmChecks(confirmations)) { _ in
            "checks"
        }.commit.session
    }

    struct VitalsResult: Sendable {
        let eventID: String
        let phase: String
        let alerts: [StoredSessionAlert]
        let version: Int
    }

    func recordVitals(_ id: String, _ input: VitalsInput, context: AppRequestContext) async throws -> VitalsResult {
        let vitals = VitalSigns(
            systolic: input.systolic, diastolic: input.diastolic, heartRate: input.heart_rate, spo2: input.spo2,
            respiratoryRate: input.respiratory_rate, temperatureCelsius: input.temperature.map { Self.decimal($0) })
        let outcome = try await run(
            id, action: "session.vitals", context: context, .recordVitals(vitals, onSupplementalOxygen: input.on_oxygen ?? false)
        ) {
            "phase=\($0.phase) alerts=\($0.commit.alerts.count)"
        }
        return VitalsResult(
            eventID: outcome.commit.eventIDs.first ?? "", phase: outcome.phase, alerts: outcome.commit.alerts, version: outcome.commit.session.version
        )
    }

    func acknowledgeAlert(_ id: String, alertID: String, actionTaken: String, context: AppRequestContext) async throws -> StoredSessionAlert {
        let outcome = try await run(
            id, action: "session.alert.acknowledge", context: context, alertID: alertID, .acknowledgeAlert(actionTaken: actionTaken)
        ) { "alert=\($0.commit.acknowledged?.key ?? "-")" }
        guard let alert = outcome.commit.acknowledged else { throw StoreError.notFound(resource: "alert") }
        return alert
    }

    func recordAssessment(_ id: String, instrument: String, score: Int?, context: AppRequestContext) async throws -> [StoredSessionAlert] {
        guard let score else { throw SessionError(.missing, field: "score", message: "score is required") }
        guard let scale = SessionInstrument(spelling: instrument) else {
            throw SessionError(.outOfRange, field: "instrument", message: "instrument must be moaas or cadss")
        }
        return try await run(id, action: "session.assessment", context: context, .rate(scale, score: score)) { _ in
            "instrument=\(scale.rawValue)"
        }.commit.alerts
    }

    func recordAdverseEvent(_ id: String, _ input: AdverseEventInput, context: AppRequestContext) async throws -> StoredAdverseEvent {
        let who = clinician(context)
        func parse<E: RawRepresentable & CaseIterable>(_ text: String?, _ field: String, default value: E) throws -> E where E.RawValue == String {
            guard let text, !text.isEmpty else { return value }
            guard let parsed = E(rawValue: text) else {
                let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
                throw SessionError(.outOfRange, field: field, message: "\(field) must be one of \(allowed)")
            }
            return parsed
        }
        var criteria = Set<SeriousnessCriterion>()
        for (index, text) in (input.seriousness ?? []).enumerated() {
            criteria.insert(try parse(text, "seriousness[\(index)]", default: SeriousnessCriterion.importantMedicalEvent))
        }
        let seriousness = criteria
        let relatedness = try parse(input.relatedness, "relatedness", default: Relatedness.possible)
        let action = try parse(input.action, "action", default: AdverseEventAction.none)
        let outcomeValue = try parse(input.outcome, "outcome", default: AdverseEventOutcome.ongoing)
        let grade = try CTCAEGrade(input.grade)
        let outcome = try await run(
            id, action: "session.adverse_event", context: context,
            detail: { outcome in
                outcome.commit.adverseEvent.map { "grade=\($0.event.grade.value) serious=\($0.event.isSerious)" } ?? "-"
            }
        ) { _, _, now, _ in
            let event = try AdverseEvent(
                term: input.term, onset: now, grade: grade, seriousness: seriousness, relatedness: relatedness, isExpected: input.expected ?? true,
                action: action, treatment: input.treatment.flatMap { $0.isEmpty ? nil : $0 }, outcome: outcomeValue, reporter: who.username)
            return (.recordAdverseEvent(event), nil)
        }
        guard let stored = outcome.commit.adverseEvent else { throw StoreError.notFound(resource: "adverse event") }
        return stored
    }

    struct SideEffectsResult: Sendable {
        let eventID: String
        let check: SideEffectCheck
        let alerts: [StoredSessionAlert]
        let recordedAt: Date
        let version: Int
    }

    /// Records a side-effect check; ticked items that carry an alert level raise session alerts (DOMAIN.md §6.5: vomiting, crisis
    /// symptoms, emergence reactions), open until acknowledged like any other.
    func recordSideEffects(_ id: String, _ input: SideEffectsInput, context: AppRequestContext) async throws -> SideEffectsResult {
        let command = SessionCommand.recordSideEffects(ticked: input.side_effects, severities: input.severities ?? [:], note: input.note)
        let outcome = try await run(id, action: "session.side_effects", context: context, command) {
            "side_effects=\($0.sideEffects?.ticked.count ?? 0) alerts=\($0.commit.alerts.count)"
        }
        guard let check = outcome.sideEffects else { throw StoreError.notFound(resource: "side-effect check") }
        return SideEffectsResult(
            eventID: outcome.commit.eventIDs.first ?? "", check: check, alerts: outcome.commit.alerts, recordedAt: outcome.commit.session.updatedAt,
            version: outcome.commit.session.version)
    }

    struct RescueMedicationResult: Sendable {
        let eventID: String
        let medication: RescueMedication
        let version: Int
    }

    /// Records a rescue medication given, on the timeline at the time it was given (the record keeps when it was entered too).
    func recordRescueMedication(_ id: String, _ input: RescueMedicationInput, context: AppRequestContext) async throws -> RescueMedicationResult {
        var givenAt: Date?
        if let text = input.given_at?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let at = Self.parseISO(text) else {
                throw SessionError(.outOfRange, field: "given_at", message: "given_at must be an ISO 8601 date-time; got '\(text)'")
            }
            givenAt = at
        }
        let request = RescueMedicationRequest(
            drug: input.drug, dose: Milligrams(Self.decimal(input.dose_mg)), route: input.route, indication: input.indication, givenAt: givenAt)
        let outcome = try await run(id, action: "session.rescue_medication", context: context, .recordRescueMedication(request)) {
            "route=\($0.rescueMedication?.route ?? "-")"
        }
        guard let medication = outcome.rescueMedication else { throw StoreError.notFound(resource: "rescue medication") }
        return RescueMedicationResult(eventID: outcome.commit.eventIDs.first ?? "", medication: medication, version: outcome.commit.session.version)
    }

    /// An ISO 8601 date-time, with or without fractional seconds.
    static func parseISO(_ text: String) -> Date? { RequestDateTime.parse(text) }

    func recordInfusion(_ id: String, action: String, context: AppRequestContext) async throws -> TreatmentSession {
        guard let infusion = InfusionAction(rawValue: action) else {
            throw SessionError(.outOfRange, field: "action", message: "action must be pause or resume (start and stop are transitions)")
        }
        return try await run(id, action: "session.infusion", context: context, .infusion(infusion)) { _ in "infusion=\(action)" }.commit.session
    }

    /// The controlled-substance draw recorded with the dose (issue #6): which container, how much drawn and wasted, who witnessed.
    struct LedgerDraw: Sendable {
        let lot: LotID
        let location: LocationID
        let container: Int?
        let drawn: Decimal
        let wasted: Decimal
        let wasteMethod: String?
        var witness: StaffSignature?
    }

    func move(
        _ id: String, to targetName: String, reason: String?, version: Int, ledger: LedgerDraw? = nil, context: AppRequestContext
    ) async throws -> TreatmentSession {
        let zone = dependencies.timeZone
        let clinicID = store.clinicID
        var ledger = ledger
        // The witness's password is checked (and a wrong one counted) before the session's transaction, not inside it.
        if let witness = ledger?.witness, !witness.username.trimmingCharacters(in: .whitespaces).isEmpty {
            ledger?.witness = try await dependencies.authenticator.verified(
                witness, field: "witness_password", who: context.auditContext, now: dependencies.now(), action: "session.transition",
                resourceType: "session")
        }
        let target: SessionState
        if targetName == "stopped_early" {
            target = .stoppedEarly(reason: reason ?? "")
        } else if let found = SessionState.path.first(where: { $0.name == targetName }) {
            target = found
        } else {
            let names = (SessionState.path.map(\.name) + ["stopped_early"]).joined(separator: ", ")
            throw SessionError(.outOfRange, field: "to", message: "to must be one of \(names)")
        }
        let who = actor(context)
        return try await run(
            id, action: "session.transition", context: context, version: version,
            detail: { "from=\($0.file.session.state.name) to=\(target.name)" },
            after: { [ledger] outcome, now, db in
                // DOMAIN.md §9.6: the ledger's administration entry commits or rolls back with the session record.
                guard let ledger, outcome.effects.contains(where: { if case .administration = $0 { true } else { false } }),
                    let order = outcome.file.order
                else { return }
                try await Self.recordLedgerAdministration(
                    ledger, session: outcome.file.session, order: order, at: now, username: who.username, role: who.role, timeZone: zone,
                    clinicID: clinicID, on: db)
            }
        ) { _, _, _, _ in (.move(to: target, reason: reason), nil) }.commit.session
    }

    /// Writes the ledger entry for the dose just given, on the session's transaction: given = the order's volume (or devices).
    static func recordLedgerAdministration(
        _ draw: LedgerDraw, session: TreatmentSession, order: StoredDoseOrder, at now: Date, username: String, role: Role,
        timeZone: TimeZone, clinicID: String, on db: any SQLDatabase
    ) async throws {
        let state = try await LedgerRepository.state(clinicID: clinicID, on: db)
        guard let lot = state.lots[draw.lot] else {
            throw ValidationError(field: "ledger_lot", message: "no lot '\(draw.lot.rawValue)' in the ledger")
        }
        guard let product = LedgerRepository.catalog.products[lot.product] else {
            throw ValidationError(field: "ledger_lot", message: "the lot's product is not in the catalogue")
        }
        let given: Decimal
        if let devices = order.devices {
            given = Decimal(devices)
        } else if let volume = order.volumeMl {
            given = volume
        } else {
            throw ValidationError(field: "ledger_lot", message: "the order has no volume or device count to record against the ledger")
        }
        let unit = product.unit
        let draft = LedgerDraft(
            occurredAt: now, idempotencyKey: "session-\(session.id)-administration", product: lot.product,
            kind: .administration(
                Administration(
                    lot: draw.lot, location: draw.location, container: draw.container, patientID: session.patientID.rawValue, sessionID: session.id,
                    doseOrderID: order.id, drawn: LedgerQuantity(draw.drawn, unit), given: LedgerQuantity(given, unit),
                    wasted: LedgerQuantity(draw.wasted, unit), wasteMethod: draw.wasted > 0 ? (draw.wasteMethod ?? "") : nil)),
            note: "session dose", witness: draw.witness)
        _ = try await LedgerRepository.append(
            draft, recordedBy: StaffMember(username: username, role: role), now: now, timeZone: timeZone, clinicID: clinicID, on: db)
    }

    func assessDischarge(_ id: String, _ input: DischargeInput, context: AppRequestContext) async throws -> DischargeDecision {
        let reason = input.override_reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !reason.isEmpty, !dependencies.matrix.allows(clinician(context).role, .overrideDischarge) { throw APIError.forbidden(.overrideDischarge) }
        let outcome = try await run(
            id, action: "session.discharge_assessment", context: context, version: input.version,
            detail: { outcome in
                let score = outcome.dischargeScore.map { "\($0.instrument.rawValue)=\($0.total)" } ?? "score=-"
                return "ready=true \(score) override=\(!reason.isEmpty)"
            }
        ) { _, policy, _, _ in
            // DOMAIN.md §7.2–7.3: the items of the clinic's score, refused by the name the client sent.
            let items = try Self.dischargeItems(input, policy: policy.sessions)
            let request = DischargeRequest(
                items: items, escortPresent: input.escort_present, drivingAdviceAcknowledged: input.driving_advice, overrideReason: reason)
            return (.assessDischarge(request), nil)
        }
        guard let decision = outcome.discharge else { throw StoreError.notFound(resource: "discharge decision") }
        return decision
    }

    func signSession(_ id: String, version: Int, context: AppRequestContext) async throws -> TreatmentSession {
        try await run(id, action: "session.sign", context: context, version: version, .sign) { _ in "signed" }.commit.session
    }

    func addAmendment(_ id: String, text: String, reason: String, context: AppRequestContext) async throws -> TreatmentSession {
        try await run(id, action: "session.amend", context: context, .amend(text: text, reason: reason)) { _ in "amendment" }.commit.session
    }

    func loadFile(_ id: String, context: AppRequestContext, channel: String) async throws -> (SessionFile, Patient, ClinicPolicy) {
        let clinicID = store.clinicID
        return try await store.audited(
            context.auditContext, at: dependencies.now(), action: "session.view", resourceType: "session", resourceID: id, isRead: true
        ) { db in
            let file = try await SessionRepository.load(id: id, clinicID: clinicID, on: db)
            let patient = try await PatientRepository.require(id: file.session.patientID, clinicID: clinicID, on: db)
            let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
            return Audited((file, patient, policy), resourceID: id, patientID: patient.id.rawValue, detail: channel)
        }
    }

    // MARK: - Domain inputs assembled from the stored record

    /// The next vitals set due (the soonest of the BP, oximetry and respiratory-rate schedules), once dosing has started.
    static func nextVitalsDue(_ file: SessionFile, policy: ClinicPolicy, now: Date) -> MonitoringDue? {
        let session = file.session
        guard let start = session.dosingStart, !session.state.isTerminal else { return nil }
        let policy = effectivePolicy(policy, file: file)  // DOMAIN.md §3.3, §3.4: the patient's closer schedule
        let times = file.vitals.map(\.at).filter { $0 >= start }
        return MonitoredMeasurement.allCases.compactMap {
            policy.sessions.monitoring.nextDue(
                route: session.route, measurement: $0, recorded: times, dosingStart: start, dosingEnd: session.dosingEnd, now: now)
        }.min { $0.dueAt < $1.dueAt }
    }

    /// The predicted curve for the order, with the pump's actual start/pause/resume/stop once the session has run.
    static func prediction(_ file: SessionFile, policy: ClinicPolicy, points: Int = 480) throws -> PKPrediction? {
        guard let order = file.order else { return nil }
        let session = file.session
        var events: [InfusionEvent]?
        if session.route == .intravenous || session.route == .intravenousEsketamine, let start = session.dosingStart,
            let minutes = order.infusionMinutes, minutes > 0
        {
            let rate = MilligramsPerHour(order.doseMg * 60 / minutes)
            var list = [InfusionEvent(atMinute: 0, action: .start(rate))]
            for event in file.events where event.kind == SessionEventKind.infusion {
                let note = (try? event.payload(NotePayload.self))?.note
                let at = event.occurredAt.timeIntervalSince(start) / 60
                if note == "pause" { list.append(InfusionEvent(atMinute: at, action: .pause)) }
                if note == "resume" { list.append(InfusionEvent(atMinute: at, action: .resume)) }
            }
            // The planned end unless the infusion was stopped (dosing ended) earlier.
            let plannedEnd = minutes.approximateDoubleValue
            let end = session.dosingEnd.map { min($0.timeIntervalSince(start) / 60, plannedEnd) } ?? plannedEnd
            list.append(InfusionEvent(atMinute: max(end, list.last?.atMinute ?? 0), action: .stop))
            events = list
        }
        let request = PKRequest(
            route: session.route, dose: order.orderedDose, weight: order.weightKg.map { Kilograms($0) },
            infusionDuration: events == nil ? order.infusionMinutes.map { Minutes($0) } : nil, infusionEvents: events,
            timesMinutes: ConcentrationCurve.uniformTimes(through: 240, count: points))
        return try PKPredictor.predict(request, policy: policy.pharmacokinetics)
    }

    static func decimal(_ value: Double) -> Decimal {
        Decimal(string: String(format: "%.4f", value), locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(value)
    }
}

extension Decimal {
    /// The value as a Double (for charts and JSON numbers; never for dose arithmetic).
    var approximateDoubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }
}

extension SessionController.Outcome {
    /// `pre_dose` or `in_session` for the vitals set just recorded.
    var phase: String {
        for case .vitals(_, let phase, _, _) in effects { return phase.rawValue }
        return SessionPhase.inSession.rawValue
    }

    /// The side-effect check just recorded.
    var sideEffects: SideEffectCheck? {
        for case .sideEffects(let check, _) in effects { return check }
        return nil
    }

    /// The rescue medication just recorded.
    var rescueMedication: RescueMedication? {
        for case .rescueMedication(let medication) in effects { return medication }
        return nil
    }

    /// The discharge decision just made.
    var discharge: DischargeDecision? {
        for case .discharge(let decision, _) in effects { return decision }
        return nil
    }

    /// The score the discharge decision was made on.
    var dischargeScore: DischargeScore? {
        for case .discharge(_, let score) in effects { return score }
        return nil
    }
}
