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

    struct DischargeInput: Decodable, Sendable {
        var version: Int
        var activity: Int
        var respiration: Int
        var consciousness: Int
        var escort_present: Bool
        var driving_advice: Bool
        var override_reason: String?
        static let keys: Set<String> = [
            "version", "activity", "respiration", "consciousness", "escort_present", "driving_advice", "override_reason",
        ]
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

    static func requireUnlocked(_ session: TreatmentSession) throws {
        if session.isSigned { throw refuse("session", "the session is signed and locked; add an amendment instead") }
    }

    static func requireVersion(_ session: TreatmentSession, _ base: Int) throws {
        guard session.version == base else {
            throw StoreError.versionConflict(changedBy: session.updatedBy, changedAt: session.updatedAt, currentVersion: session.version)
        }
    }

    /// Runs `body` on the session in one audited transaction; the session is loaded first and must not be locked.
    func mutate<T: Sendable>(
        _ id: String, action: String, context: AppRequestContext, allowLocked: Bool = false,
        _ body: @escaping @Sendable (TreatmentSession, ClinicPolicy, Date, any SQLDatabase) async throws -> (T, String)
    ) async throws -> T {
        let clinicID = store.clinicID
        let now = dependencies.now()
        return try await store.audited(context.auditContext, at: now, action: action, resourceType: "session", resourceID: id) { db in
            let session = try await SessionRepository.require(id: id, clinicID: clinicID, on: db)
            if !allowLocked { try Self.requireUnlocked(session) }
            let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
            let (value, detail) = try await body(session, policy, now, db)
            return Audited(value, resourceID: id, patientID: session.patientID.rawValue, detail: detail)
        }
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
        let who = clinician(context)
        let clinicID = store.clinicID
        let timeZone = dependencies.timeZone
        return try await mutate(id, action: "session.order", context: context) { session, policy, now, db in
            guard session.state == .checkedIn || session.state == .preDoseChecks else {
                throw Self.refuse("state", "a dose can be ordered only before dosing; the session is \(session.state.name)")
            }
            let patient = try await PatientRepository.require(id: session.patientID, clinicID: clinicID, on: db)
            let measurements = try await PatientRepository.measurements(patient: session.patientID, clinicID: clinicID, on: db)
            let weights = measurements.filter { $0.kind == .weight }
            func weight(_ m: BodyMeasurement) -> WeightMeasurement {
                // Weights are recorded per day: the measurement counts from the start of that day (UTC, as recorded).
                WeightMeasurement(Kilograms(Self.decimal(m.value)), measuredAt: m.measuredOn.startOfDay(in: TimeZone(identifier: "UTC")!))
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
            let request = DoseRequest(
                route: session.route, dose: dose, weight: weights.first.map(weight), previousWeight: weights.dropFirst().first.map(weight),
                isWeightChangeConfirmed: input.weight_change_confirmed ?? false, height: height, sex: patient.demographics.sexAtBirth,
                ageYears: patient.demographics.dateOfBirth.age(on: LocalDate(utcDayOf: now)), preparation: concentration.map { .concentration($0) },
                infusionDuration: infusion, sessionID: session.id, priorDoses: prior, now: now, timeZone: timeZone)
            let calculation = try DoseCalculator.calculate(request, policy: policy.dosing)
            let reason = input.override_reason?.trimmingCharacters(in: .whitespacesAndNewlines)
            switch calculation.check {
            case .hard(let limit):
                throw SessionError(.outOfRange, field: dose.field, message: "blocked by a hard limit: \(limit.message)")
            case .soft(let limit) where reason?.isEmpty ?? true:
                throw SessionError(
                    .missing, field: "override_reason", message: "beyond a soft limit (\(limit.message)): give a reason to override it")
            default: break
            }
            let report = DoseReport(calculation, rounding: policy.dosing.rounding)
            let order = try await SessionRepository.insertOrder(
                calculation, report: report, session: session, preparation: concentration, infusion: infusion,
                overrideReason: calculation.check.requiresOverrideReason ? reason : nil, by: who.username, now: now, clinicID: clinicID, on: db)
            var updated = session
            updated.weightKg = order.weightKg
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.order, payload: NotePayload(note: report.summary, doseMg: order.doseMg, reason: order.overrideReason),
                at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            try await SessionRepository.save(updated, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (order, "limit=\(order.limitStatus)")
        }
    }

    func verifyOrder(_ id: String, context: AppRequestContext) async throws -> StoredDoseOrder {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.order.verify", context: context) { session, policy, now, db in
            guard let order = try await SessionRepository.currentOrder(session: session.id, on: db) else {
                throw Self.refuse("order", "there is no dose order to verify")
            }
            guard !order.isVerified else { throw Self.refuse("order", "the order was already verified by \(order.verifiedBy ?? "someone")") }
            guard session.dosingStart == nil else { throw Self.refuse("state", "the order is verified before dosing starts") }
            // DOMAIN.md §4.8 independent double check: a second clinician, never the one who ordered.
            guard order.orderedBy != who.username else {
                throw Self.refuse("verified_by", "the clinician who ordered the dose cannot verify it; a second nurse or prescriber must")
            }
            guard policy.sessions.preDose.verifierRoles.value.contains(who.role) else {
                throw SessionError(.roleNotAllowed, field: "role", message: "\(who.role.rawValue) may not verify dose orders")
            }
            let verified = try await SessionRepository.verifyOrder(order, by: who.username, role: who.role, now: now, on: db)
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.verification, payload: NotePayload(note: "dose order verified (independent double check)"),
                at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            try await SessionRepository.save(session, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (verified, "verified")
        }
    }

    /// Withdraws the current order before dosing starts, with a reason, so the prescriber can order again; the withdrawn
    /// order stays on record and on the timeline. A verified order can be withdrawn too (the new one needs its own check).
    func withdrawOrder(_ id: String, reason: String?, context: AppRequestContext) async throws -> StoredDoseOrder {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.order.withdraw", context: context) { session, _, now, db in
            guard let order = try await SessionRepository.currentOrder(session: session.id, on: db) else {
                throw Self.refuse("order", "there is no current dose order to withdraw")
            }
            guard session.dosingStart == nil, session.state == .checkedIn || session.state == .preDoseChecks else {
                throw Self.refuse("state", "an order can be withdrawn only before dosing starts; the session is \(session.state.name)")
            }
            let why = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !why.isEmpty, why.count <= 500 else {
                throw SessionError(.missing, field: "reason", message: "reason is required (1–500 characters): why the order is withdrawn")
            }
            try await SessionRepository.withdrawOrder(order, reason: why, by: who.username, now: now, on: db)
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.order, payload: NotePayload(note: "dose order withdrawn (\(order.doseMg) mg)", reason: why),
                at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            try await SessionRepository.save(session, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (order, "withdrawn")
        }
    }

    struct PreDoseOverrideInput: Decodable, Sendable {
        var item: String
        var reason: String
        static let keys: Set<String> = ["item", "reason"]
    }

    /// Documents a decision to dose despite a pre-dose finding (issue #10). The authority is the account's: a prescriber for
    /// a BP caution or hold; the medical-director attribute, read here from the signed-in account, for a BP block, pregnancy,
    /// a C-SSRS high result and records held on paper. The gate itself decides whether the override is enough.
    func overridePreDose(_ id: String, _ input: PreDoseOverrideInput, context: AppRequestContext) async throws -> PreDoseOverride {
        guard let item = PreDoseOverrideItem(rawValue: input.item) else {
            throw SessionError(
                .outOfRange, field: "item", message: "item must be one of \(PreDoseOverrideItem.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...1000).contains(reason.count) else {
            throw SessionError(
                .missing, field: "reason",
                message: item == .records
                    ? "reason is required: name the paper record (what, signed when, filed where)" : "reason is required (3–1000 characters)")
        }
        guard let user = context.session?.user else { throw APIError.forbidden(.overridePreDose) }
        if item.needsMedicalDirector, !user.isMedicalDirector {
            try? await store.recordEvent(
                context.auditContext, at: dependencies.now(), action: "session.pre_dose_override", resourceType: "session", resourceID: id,
                outcome: .denied, detail: "item=\(item.rawValue) no medical-director authority")
            throw APIError(
                .forbidden, code: "authority",
                message: "overriding \(item.rawValue) needs the medical-director authority, which \(user.username)'s account does not hold",
                field: "item")
        }
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.pre_dose_override", context: context) { session, _, now, db in
            guard session.dosingStart == nil, session.state == .checkedIn || session.state == .preDoseChecks else {
                throw Self.refuse("state", "pre-dose findings can be overridden only before dosing starts; the session is \(session.state.name)")
            }
            let override = PreDoseOverride(
                item: item, by: user.username, role: user.role, isMedicalDirector: user.isMedicalDirector, reason: reason, at: now)
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.preDoseOverride, payload: override, at: now, by: user.username, role: user.role, clinicID: clinicID,
                on: db)
            try await SessionRepository.save(session, baseVersion: session.version, by: user.username, now: now, clinicID: clinicID, on: db)
            return (override, "item=\(item.rawValue) medical_director=\(user.isMedicalDirector)")
        }
    }

    func confirmChecks(_ id: String, _ input: ChecksInput, context: AppRequestContext) async throws -> TreatmentSession {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.checks", context: context) { session, policy, now, db in
            try Self.requireVersion(session, input.version)
            var updated = session
            if session.state == .checkedIn {
                let step = try session.state.transition(to: .preDoseChecks, by: who.username, role: who.role, at: now, policy: policy.sessions)
                updated.state = .preDoseChecks
                try await SessionRepository.appendEvent(
                    session, kind: SessionEventKind.transition, payload: step, at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            }
            guard updated.state == .preDoseChecks else {
                throw Self.refuse("state", "pre-dose checks are confirmed before dosing; the session is \(session.state.name)")
            }
            let pregnancy = try input.pregnancy.map { text -> PregnancyStatus in
                guard let status = PregnancyStatus(rawValue: text) else {
                    throw SessionError(
                        .outOfRange, field: "pregnancy", message: "pregnancy must be not_applicable, not_pregnant, pregnant or unknown")
                }
                return status
            }
            let confirmations = PreDoseConfirmations(
                identity: input.identity ?? false, consent: input.consent ?? false, eligibility: input.eligibility ?? false,
                fasting: input.fasting ?? false, escort: input.escort ?? false, pregnancy: pregnancy ?? .unknown,
                medicationsReviewed: input.medications_reviewed ?? false, questionnairesDone: input.questionnaires_done ?? false,
                questionnaireWaiver: input.questionnaire_waiver.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 },
                confirmedBy: who.username, confirmedAt: now)
            updated.checks = confirmations
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.checks, payload: confirmations, at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            let saved = try await SessionRepository.save(
                updated, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (saved, "checks")
        }
    }

    struct VitalsResult: Sendable {
        let eventID: String
        let phase: String
        let alerts: [StoredSessionAlert]
        let version: Int
    }

    func recordVitals(_ id: String, _ input: VitalsInput, context: AppRequestContext) async throws -> VitalsResult {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.vitals", context: context) { session, policy, now, db in
            let vitals = try VitalSigns(
                systolic: input.systolic, diastolic: input.diastolic, heartRate: input.heart_rate, spo2: input.spo2,
                respiratoryRate: input.respiratory_rate, temperatureCelsius: input.temperature.map { Self.decimal($0) }
            ).validated(policy.sessions.plausibility)
            guard !session.state.isTerminal else { throw Self.refuse("state", "the session has ended (\(session.state.name))") }
            var updated = session
            let isPreDose = session.state == .checkedIn || session.state == .preDoseChecks
            let phase = isPreDose ? "pre_dose" : "in_session"
            let eventID = try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.vitals,
                payload: VitalsPayload(vitals: vitals, phase: phase, onSupplementalOxygen: input.on_oxygen ?? false), at: now, by: who.username,
                role: who.role, clinicID: clinicID, on: db)
            var alerts: [StoredSessionAlert] = []
            if isPreDose {
                // The latest pre-dose set is the baseline (a re-take after rest replaces it); the pre-dose gate judges it (DOMAIN.md §3.5).
                updated.baselineVitals = vitals
                updated.baselineVitalsAt = now
            } else {
                let raised = vitals.alerts(policy.sessions.alerts, baseline: session.baselineVitals)
                alerts = try await SessionRepository.insertAlerts(raised, session: session, eventID: eventID, now: now, clinicID: clinicID, on: db)
            }
            let saved = try await SessionRepository.save(
                updated, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (VitalsResult(eventID: eventID, phase: phase, alerts: alerts, version: saved.version), "phase=\(phase) alerts=\(alerts.count)")
        }
    }

    func acknowledgeAlert(_ id: String, alertID: String, actionTaken: String, context: AppRequestContext) async throws -> StoredSessionAlert {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.alert.acknowledge", context: context) { session, _, now, db in
            let alert = try await SessionRepository.acknowledgeAlert(
                id: alertID, session: session, actionTaken: actionTaken, by: who.username, now: now, clinicID: clinicID, on: db)
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.alertAcknowledged,
                payload: NotePayload(note: "\(alert.threshold) acknowledged", reason: alert.actionTaken), at: now, by: who.username, role: who.role,
                clinicID: clinicID, on: db)
            try await SessionRepository.save(session, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (alert, "alert=\(alert.key)")
        }
    }

    func recordAssessment(_ id: String, instrument: String, score: Int?, context: AppRequestContext) async throws -> [StoredSessionAlert] {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.assessment", context: context) { session, policy, now, db in
            guard let score else { throw SessionError(.missing, field: "score", message: "score is required") }
            guard !session.state.isTerminal else { throw Self.refuse("state", "the session has ended (\(session.state.name))") }
            let isPreDose = session.state == .checkedIn || session.state == .preDoseChecks
            var updated = session
            let alert: SessionAlert?
            switch instrument.lowercased() {
            case "moaas", "moaa/s":
                alert = try policy.sessions.assessments.moaasAlert(score)
                if isPreDose { updated.preDoseMOAAS = score }
            case "cadss":
                let base = session.preDoseCADSS ?? (isPreDose ? score : 0)
                alert = try policy.sessions.assessments.cadssAlert(total: score, preDose: base)
                if isPreDose { updated.preDoseCADSS = score }
            default:
                throw SessionError(.outOfRange, field: "instrument", message: "instrument must be moaas or cadss")
            }
            let name = instrument.lowercased() == "cadss" ? "cadss" : "moaas"
            let phase = isPreDose ? "pre_dose" : "in_session"
            let eventID = try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.assessment, payload: AssessmentPayload(instrument: name, score: score, phase: phase), at: now,
                by: who.username, role: who.role, clinicID: clinicID, on: db)
            let stored = try await SessionRepository.insertAlerts(
                isPreDose ? [] : alert.map { [$0] } ?? [], session: session, eventID: eventID, now: now, clinicID: clinicID, on: db)
            try await SessionRepository.save(updated, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (stored, "instrument=\(name)")
        }
    }

    func recordAdverseEvent(_ id: String, _ input: AdverseEventInput, context: AppRequestContext) async throws -> StoredAdverseEvent {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.adverse_event", context: context) { session, policy, now, db in
            func parse<E: RawRepresentable & CaseIterable>(_ text: String?, _ field: String, default value: E) throws -> E
            where E.RawValue == String {
                guard let text, !text.isEmpty else { return value }
                guard let parsed = E(rawValue: text) else {
                    let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
                    throw SessionError(.outOfRange, field: field, message: "\(field) must be one of \(allowed)")
                }
                return parsed
            }
            var seriousness = Set<SeriousnessCriterion>()
            for (index, text) in (input.seriousness ?? []).enumerated() {
                seriousness.insert(try parse(text, "seriousness[\(index)]", default: SeriousnessCriterion.importantMedicalEvent))
            }
            let event = try AdverseEvent(
                term: input.term, onset: now, grade: try CTCAEGrade(input.grade), seriousness: seriousness,
                relatedness: try parse(input.relatedness, "relatedness", default: Relatedness.possible), isExpected: input.expected ?? true,
                action: try parse(input.action, "action", default: AdverseEventAction.none),
                treatment: input.treatment.flatMap { $0.isEmpty ? nil : $0 }, outcome: try parse(input.outcome, "outcome", default: .ongoing),
                reporter: who.username)
            let obligations = event.reportingObligations(
                product: session.route.product, setting: .outpatient, underIND: false, sessionDate: session.dosingStart ?? session.createdAt,
                awareAt: now, rules: policy.sessions.reporting)
            let stored = try await SessionRepository.insertAdverseEvent(
                event, obligations: obligations, session: session, now: now, clinicID: clinicID, on: db)
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.adverseEvent,
                payload: NotePayload(note: "adverse event: \(event.term), CTCAE grade \(event.grade.value)\(event.isSerious ? ", serious" : "")"),
                at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            try await SessionRepository.save(session, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (stored, "grade=\(event.grade.value) serious=\(event.isSerious)")
        }
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
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.side_effects", context: context) { session, policy, now, db in
            guard !session.state.isTerminal else { throw Self.refuse("state", "the session has ended (\(session.state.name))") }
            let items = policy.sessions.sideEffects
            let check = try items.check(ticked: input.side_effects, severities: input.severities ?? [:], note: input.note)
            let raised = try items.alerts(forTicked: check.ticked.map(\.code))
            let eventID = try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.sideEffects, payload: check, at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            let alerts = try await SessionRepository.insertAlerts(raised, session: session, eventID: eventID, now: now, clinicID: clinicID, on: db)
            let saved = try await SessionRepository.save(
                session, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (
                SideEffectsResult(eventID: eventID, check: check, alerts: alerts, recordedAt: now, version: saved.version),
                "side_effects=\(check.ticked.count) alerts=\(alerts.count)"
            )
        }
    }

    struct RescueMedicationResult: Sendable {
        let eventID: String
        let medication: RescueMedication
        let version: Int
    }

    /// Records a rescue medication given, on the timeline at the time it was given (the record keeps when it was entered too).
    func recordRescueMedication(_ id: String, _ input: RescueMedicationInput, context: AppRequestContext) async throws -> RescueMedicationResult {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.rescue_medication", context: context) { session, policy, now, db in
            guard !session.state.isTerminal else { throw Self.refuse("state", "the session has ended (\(session.state.name))") }
            var givenAt = now
            if let text = input.given_at?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let at = Self.parseISO(text) else {
                    throw SessionError(.outOfRange, field: "given_at", message: "given_at must be an ISO 8601 date-time; got '\(text)'")
                }
                guard at >= session.createdAt, at <= now else {
                    throw SessionError(
                        .outOfRange, field: "given_at",
                        message: "given_at must be between check-in (\(Format.iso(session.createdAt))) and now (\(Format.iso(now)))")
                }
                givenAt = at
            }
            let medication = try RescueMedication(
                drug: input.drug, dose: Milligrams(Self.decimal(input.dose_mg)), route: input.route, indication: input.indication,
                givenAt: givenAt, givenBy: who.username, policy: policy.sessions.rescueMedications)
            let eventID = try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.rescueMedication, payload: medication, at: givenAt, by: who.username, role: who.role,
                recordedAt: now, clinicID: clinicID, on: db)
            let saved = try await SessionRepository.save(
                session, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (RescueMedicationResult(eventID: eventID, medication: medication, version: saved.version), "route=\(medication.route)")
        }
    }

    /// An ISO 8601 date-time, with or without fractional seconds.
    static func parseISO(_ text: String) -> Date? { RequestDateTime.parse(text) }

    func recordInfusion(_ id: String, action: String, context: AppRequestContext) async throws -> TreatmentSession {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.infusion", context: context) { session, _, now, db in
            guard ["pause", "resume"].contains(action) else {
                throw SessionError(.outOfRange, field: "action", message: "action must be pause or resume (start and stop are transitions)")
            }
            guard session.state == .dosing else { throw Self.refuse("state", "the infusion can be paused or resumed only while dosing") }
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.infusion, payload: NotePayload(note: action), at: now, by: who.username, role: who.role,
                clinicID: clinicID, on: db)
            let saved = try await SessionRepository.save(
                session, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (saved, "infusion=\(action)")
        }
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
        let who = clinician(context)
        let clinicID = store.clinicID
        let zone = dependencies.timeZone
        var ledger = ledger
        // The witness's password is checked (and a wrong one counted) before the session's transaction, not inside it.
        if let witness = ledger?.witness, !witness.username.trimmingCharacters(in: .whitespaces).isEmpty {
            ledger?.witness = try await dependencies.authenticator.verified(
                witness, field: "witness_password", who: context.auditContext, now: dependencies.now(), action: "session.transition",
                resourceType: "session")
        }
        return try await mutate(id, action: "session.transition", context: context) { [ledger] session, policy, now, db in
            try Self.requireVersion(session, version)
            let target: SessionState
            if targetName == "stopped_early" {
                target = .stoppedEarly(reason: reason ?? "")
            } else if let found = SessionState.path.first(where: { $0.name == targetName }) {
                target = found
            } else {
                let names = (SessionState.path.map(\.name) + ["stopped_early"]).joined(separator: ", ")
                throw SessionError(.outOfRange, field: "to", message: "to must be one of \(names)")
            }
            let step = try session.state.transition(to: target, by: who.username, role: who.role, at: now, reason: reason, policy: policy.sessions)
            var updated = session
            updated.state = target
            switch target {
            case .dosing:
                let file = try await SessionRepository.load(id: session.id, clinicID: clinicID, on: db)
                let unmet = Self.preDoseChecks(file, now: now).unmetItems(route: session.route, now: now, policy: policy.sessions)
                guard unmet.isEmpty else {
                    throw Self.refuse(
                        "checks", "pre-dose checks not met: " + unmet.map { "\($0.item.rawValue): \($0.reason)" }.joined(separator: "; "))
                }
                updated.dosingStart = now
                if let order = file.order {
                    try await SessionRepository.recordAdministration(
                        &updated, doseMg: order.doseMg, at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
                    // DOMAIN.md §9.6: the ledger's administration entry commits or rolls back with the session record.
                    if let ledger {
                        try await Self.recordLedgerAdministration(
                            ledger, session: session, order: order, at: now, username: who.username, role: who.role, timeZone: zone,
                            clinicID: clinicID,
                            on: db)
                    }
                }
            case .monitoring:
                updated.dosingEnd = now
            case .readyForDischarge:
                throw Self.refuse("to", "record a discharge assessment: the session becomes ready for discharge when its criteria are met")
            default: break
            }
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.transition, payload: step, at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            let saved = try await SessionRepository.save(
                updated, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (saved, "from=\(session.state.name) to=\(target.name)")
        }
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
        let who = clinician(context)
        let clinicID = store.clinicID
        let matrix = dependencies.matrix
        return try await mutate(id, action: "session.discharge_assessment", context: context) { session, policy, now, db in
            try Self.requireVersion(session, input.version)
            let reason = input.override_reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !reason.isEmpty, !matrix.allows(who.role, .overrideDischarge) { throw APIError.forbidden(.overrideDischarge) }
            guard session.state == .recovery else {
                throw Self.refuse("state", "the discharge assessment is made in recovery; the session is \(session.state.name)")
            }
            let file = try await SessionRepository.load(id: session.id, clinicID: clinicID, on: db)
            let latest = file.vitals.last
            let circulation = ModifiedAldrete.circulationItem(
                preDoseSystolic: session.baselineVitals?.systolic ?? latest?.payload.vitals.systolic ?? 0,
                systolic: latest?.payload.vitals.systolic ?? 0, rule: policy.sessions.discharge.aldreteCirculation)
            // DOMAIN.md §7.2: the SpO2 item follows from the latest reading and whether it was on supplemental oxygen.
            let spo2 =
                latest.map {
                    ModifiedAldrete.spo2Item(spo2: $0.payload.vitals.spo2, onSupplementalOxygen: $0.payload.onSupplementalOxygen ?? false)
                } ?? 0
            let score = try ModifiedAldrete(
                activity: input.activity, respiration: input.respiration, circulation: circulation, consciousness: input.consciousness, spo2: spo2)
            let moaas = file.assessments("moaas")
            let cadss = file.assessments("cadss")
            let start = session.dosingStart ?? now
            let observations = Self.observations(file)
            let missing = observations.missingForDischarge(
                profile: MonitoringProfile(route: session.route), dosingStart: start, dosingEnd: session.dosingEnd ?? now, now: now,
                monitoring: policy.sessions.monitoring, assessments: policy.sessions.assessments, discharge: policy.sessions.discharge)
            let assessment = DischargeAssessment(
                route: session.route, dosingStart: session.dosingStart ?? now, dosingEnd: session.dosingEnd ?? now, now: now,
                latestVitals: latest?.payload.vitals, preDoseVitals: session.baselineVitals,
                latestMOAAS: moaas.last(where: { $0.phase != "pre_dose" })?.score,
                preDoseMOAAS: session.preDoseMOAAS, score: .aldrete(score), hasUnresolvedCriticalAlert: file.hasOpenCriticalAlert,
                escortPresent: input.escort_present, drivingAdviceAcknowledged: input.driving_advice,
                // The REMS Patient Monitoring Form (DOMAIN.md §6.2) is made from these BP readings and ratings: complete when
                // nothing the label asks for is missing (the form itself is issue #13).
                remsFormComplete: missing.isEmpty, latestCADSS: cadss.last(where: { $0.phase != "pre_dose" })?.score,
                preDoseCADSS: session.preDoseCADSS, missingMonitoring: missing)
            let override = reason.isEmpty ? nil : DischargeOverride(by: who.username, role: who.role, reason: reason, at: now)
            let decision = try DischargeAssessment.evaluate(assessment, override: override, policy: policy.sessions)
            guard decision.isReady else {
                throw Self.refuse(
                    "discharge",
                    "not ready for discharge: " + decision.unmet.map(\.reason).joined(separator: "; ")
                        + (override != nil ? " (the minimum observation is a hard rule no override can shorten)" : ""))
            }
            var updated = session
            let step = try session.state.transition(to: .readyForDischarge, by: who.username, role: who.role, at: now, policy: policy.sessions)
            updated.state = .readyForDischarge
            updated.readyAt = updated.readyAt ?? decision.readyAt ?? now
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.discharge, payload: decision, at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.transition, payload: step, at: now, by: who.username, role: who.role, clinicID: clinicID, on: db)
            try await SessionRepository.save(updated, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (decision, "ready=true aldrete=\(score.total) override=\(override != nil)")
        }
    }

    func signSession(_ id: String, version: Int, context: AppRequestContext) async throws -> TreatmentSession {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.sign", context: context) { session, _, now, db in
            try Self.requireVersion(session, version)
            guard session.state.isTerminal else {
                throw Self.refuse("state", "only a discharged or stopped session can be signed; the session is \(session.state.name)")
            }
            var updated = session
            updated.signedBy = who.username
            updated.signedAt = now
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.signature, payload: NotePayload(note: "signed and locked"), at: now, by: who.username,
                role: who.role, clinicID: clinicID, on: db)
            let saved = try await SessionRepository.save(
                updated, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (saved, "signed")
        }
    }

    func addAmendment(_ id: String, text: String, reason: String, context: AppRequestContext) async throws -> TreatmentSession {
        let who = clinician(context)
        let clinicID = store.clinicID
        return try await mutate(id, action: "session.amend", context: context, allowLocked: true) { session, _, now, db in
            guard session.isSigned else { throw Self.refuse("session", "the session is not signed yet; record the entry directly") }
            let note = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !note.isEmpty else { throw SessionError(.missing, field: "text", message: "text is required: the amended entry") }
            guard !why.isEmpty else { throw SessionError(.missing, field: "reason", message: "reason is required: why the record is amended") }
            try await SessionRepository.appendEvent(
                session, kind: SessionEventKind.amendment, payload: NotePayload(note: note, reason: why), at: now, by: who.username, role: who.role,
                clinicID: clinicID, on: db)
            let saved = try await SessionRepository.save(
                session, baseVersion: session.version, by: who.username, now: now, clinicID: clinicID, on: db)
            return (saved, "amendment")
        }
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

    /// The pre-dose checklist for the domain from the stored confirmations, order and pre-dose vitals.
    static func preDoseChecks(_ file: SessionFile, now: Date) -> PreDoseChecks {
        let session = file.session
        let checks = session.checks
        let facts = SessionRepository.consentAndEligibility(checks, route: session.route, stored: file.stored)
        return PreDoseChecks(
            identityConfirmed: checks?.identity ?? false, consentedRoutes: facts.consentedRoutes, consentExpiresAt: facts.consentExpiresAt,
            eligibilityScreenedAt: facts.eligibilityScreenedAt, eligibilityCleared: facts.eligibilityCleared, doseOrderedBy: file.order?.orderedBy,
            doseVerifiedBy: file.order?.verifiedBy, doseVerifierRole: file.order?.verifiedRole, vitals: session.baselineVitals,
            vitalsTakenAt: session.baselineVitalsAt, vitalsOverride: file.preDoseOverrides.last { $0.item == .vitals }?.clinicianOverride,
            questionnaires: [
                PreSessionQuestionnaire(
                    instrument: "pre-session questionnaires", isDone: checks?.questionnairesDone ?? false, waiverReason: checks?.questionnaireWaiver)
            ],
            fastingConfirmed: checks?.fasting ?? false, escortConfirmed: checks?.escort ?? false, pregnancy: checks?.pregnancy ?? .unknown,
            medicationsReviewedAt: checks?.medicationsReviewed == true ? checks?.confirmedAt : nil, previousSessionAt: nil,
            hasConsentRecord: file.stored?.hasConsentRecord ?? false,
            safetyAlerts: file.patientAlerts.map {
                PreDoseSafetyAlert(
                    ruleID: $0.ruleID, message: $0.message, raisedAt: $0.raisedAt, blocksDosing: $0.blocksDosing,
                    // A risk review is an acknowledgement with the action taken (the note is required to acknowledge).
                    isReviewed: !$0.isOpen && !($0.actionNote ?? "").isEmpty)
            },
            overrides: file.preDoseOverrides)
    }

    /// The session's vitals and ratings as the discharge monitoring check reads them (DOMAIN.md §6.2, §6.4).
    static func observations(_ file: SessionFile) -> SessionObservations {
        func ratings(_ instrument: String) -> [TimedRating] {
            file.assessments(instrument).map { TimedRating(at: $0.at, score: $0.score, isPreDose: $0.phase == "pre_dose") }
        }
        return SessionObservations(
            preDoseVitalsAt: file.session.baselineVitalsAt, vitalsAt: file.vitals.filter { $0.payload.phase != "pre_dose" }.map(\.at),
            moaas: ratings("moaas"), cadss: ratings("cadss"))
    }

    /// The next vitals set due (the soonest of the BP, oximetry and respiratory-rate schedules), once dosing has started.
    static func nextVitalsDue(_ file: SessionFile, policy: ClinicPolicy, now: Date) -> MonitoringDue? {
        let session = file.session
        guard let start = session.dosingStart, !session.state.isTerminal else { return nil }
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
