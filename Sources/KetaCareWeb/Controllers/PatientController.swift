import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging
import SQLKit

/// The patient registry and chart: HTML pages and `/api/v1/patients`.
struct PatientController {
    let dependencies: AppDependencies

    var store: Store { dependencies.store }
    var pages: Pages { dependencies.pages }

    func register(_ routes: RouteRegistrar) {
        routes.get("/patients", .readPatient, searchPage)
        routes.get("/patients/new", .createPatient, newPage)
        routes.post("/patients", .createPatient, createFromForm)
        routes.get("/patients/:id", .readPatient, chart)
        routes.get("/patients/:id/edit", .amendPatient, editPage)
        routes.post("/patients/:id/edit", .amendPatient, amendFromForm)
        routes.post("/patients/:id/measurements", .amendPatient, addMeasurementFromForm)

        routes.get("/api/v1/patients", .readPatient, list)
        routes.post("/api/v1/patients", .createPatient, create)
        routes.get("/api/v1/patients/:id", .readPatient, show)
        routes.patch("/api/v1/patients/:id", .amendPatient, amend)
        routes.get("/api/v1/patients/:id/amendments", .readPatient, amendments)
        routes.get("/api/v1/patients/:id/measurements", .readPatient, measurements)
        routes.post("/api/v1/patients/:id/measurements", .amendPatient, addMeasurement)
        routes.get("/api/v1/patients/:id/access-log", .readPatient, accessLog)
    }

    // MARK: - Shared operations (one path for HTML and API)

    private func today() -> LocalDate { LocalDate(utcDayOf: dependencies.now()) }

    private func policy() async throws -> RegistryPolicy {
        let clinicID = store.clinicID
        return try await store.database.read { db in try await PolicyRepository.current(clinicID: clinicID, on: db).policy.registry }
    }

    private func patientID(_ context: AppRequestContext) throws -> PatientID {
        PatientID(try context.parameters.require("id"))
    }

    func search(_ text: String, limit: Int, context: AppRequestContext) async throws -> [PatientSummary] {
        guard let search = PatientSearch.parse(text) else { return [] }
        let clinicID = store.clinicID
        return try await store.audited(context.auditContext, at: dependencies.now(), action: "patient.search", resourceType: "patient", isRead: true)
        { db in
            let found = try await PatientRepository.search(search, limit: limit, clinicID: clinicID, on: db)
            return Audited(found, resourceID: "-", detail: "results=\(found.count)")
        }
    }

    func createPatient(_ input: PatientInput, context: AppRequestContext) async throws -> Patient {
        let now = dependencies.now()
        let today = today()
        let registry = try await policy()
        let clinicID = store.clinicID
        let actor = context.auditContext.actor
        return try await store.audited(context.auditContext, at: now, action: "patient.create", resourceType: "patient") { db in
            let demographics = try input.demographics(policy: registry, today: today)
            let patient = Patient(id: PatientID(UUID()), demographics: demographics, version: 1, createdAt: now, updatedAt: now, updatedBy: actor)
            try await PatientRepository.create(patient, clinicID: clinicID, on: db)
            return Audited(patient, resourceID: patient.id.rawValue, patientID: patient.id.rawValue)
        }
    }

    struct ChartData: Sendable {
        let patient: Patient
        let measurements: [BodyMeasurement]
        let amendments: [Amendment]
        let accessLog: [AuditEvent]
        let responses: [QuestionnaireResponse]
        let alerts: [StoredSafetyAlert]
        /// The clinic's current policy: outcome definitions on the chart come from it, never from the seed.
        let policy: ClinicPolicy
        /// The responsible prescriber (safety alerts are routed to them), if assigned.
        let prescriber: CareTeamAssignment?
        /// Current diagnoses, primary first.
        let diagnoses: [PatientDiagnosis]
        /// Active prescriber accounts, for the assignment form.
        let prescribers: [StaffUser]
        /// Intake, screening, consent, plans and bookings (issue #4).
        let treatment: TreatmentData
        /// Treatment sessions, newest first (issue #5).
        let sessions: [TreatmentSession]
        /// Bladder and cognition check-ins, newest first (issue #5 safety watch).
        let checkIns: [StoredCheckIn]
        /// The patient's recent questionnaire and intake links, newest first (staff can withdraw an open one).
        var links: [SelfReportLink] = []
    }

    struct TreatmentData: Sendable {
        let intake: StoredIntake?
        let screening: StoredScreening?
        let consents: [StoredConsent]
        let consentStatus: [(DosingRoute, ConsentStatus)]
        let plans: [StoredPlan]
        let bookings: [StoredBooking]
        /// The loss-of-response check per plan (DOMAIN.md §5.2).
        var asNeeded: [TreatmentPlanID: AsNeededAssessment] = [:]
    }

    func loadChart(_ id: PatientID, context: AppRequestContext, channel: String) async throws -> ChartData {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let library = try SharedInstruments.library ?? InstrumentLibrary.bundled()
        return try await store.audited(
            context.auditContext, at: now, action: "patient.view", resourceType: "patient", resourceID: id.rawValue,
            patientID: id.rawValue, isRead: true
        ) { db in
            let patient = try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            let measurements = try await PatientRepository.measurements(patient: id, clinicID: clinicID, on: db)
            let amendments = try await PatientRepository.amendments(id: id, clinicID: clinicID, on: db)
            let log = try await AuditLog.events(AuditQuery(patientID: id.rawValue, limit: 20), clinicID: clinicID, on: db)
            let responses = try await MeasurementRepository.responses(patient: id, clinicID: clinicID, on: db)
            let alerts = try await MeasurementRepository.alerts(patient: id, includeAcknowledged: true, limit: 50, clinicID: clinicID, on: db)
            let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
            let prescriber = try await CareTeamRepository.prescriber(of: id, clinicID: clinicID, on: db)
            let diagnoses = try await DiagnosisRepository.current(of: id, clinicID: clinicID, on: db)
            let prescribers = try await UserRepository.list(clinicID: clinicID, on: db).filter { $0.role == .prescriber && !$0.isDisabled }
            let intake = try await IntakeRepository.currentHistory(of: id, clinicID: clinicID, on: db)
            let consents = try await ConsentRepository.records(of: id, clinicID: clinicID, on: db)
            let plans = try await PlanRepository.plans(of: id, clinicID: clinicID, on: db)
            var routes = intake?.history.plannedRoutes ?? []
            for plan in plans where !routes.contains(plan.plan.route) { routes.append(plan.plan.route) }
            for consent in consents where !routes.contains(consent.record.route) { routes.append(consent.record.route) }
            var statuses: [(DosingRoute, ConsentStatus)] = []
            for route in routes {
                statuses.append((route, try await ConsentRepository.status(of: id, route: route, now: now, clinicID: clinicID, on: db)))
            }
            let treatment = TreatmentData(
                intake: intake, screening: try await IntakeRepository.currentScreening(of: id, clinicID: clinicID, on: db), consents: consents,
                consentStatus: statuses, plans: plans, bookings: try await BookingRepository.bookings(of: id, clinicID: clinicID, on: db),
                asNeeded: try await AsNeededRepository.assess(plans.map(\.plan), policy: policy, library: library, clinicID: clinicID, on: db))
            let sessions = try await SessionRepository.list(patient: id, clinicID: clinicID, on: db)
            let checkIns = try await CheckInRepository.list(patient: id, clinicID: clinicID, on: db)
            let links = try await SelfReportLinkRepository.links(patient: id, clinicID: clinicID, on: db)
            return Audited(
                ChartData(
                    patient: patient, measurements: measurements, amendments: amendments, accessLog: log, responses: responses, alerts: alerts,
                    policy: policy, prescriber: prescriber, diagnoses: diagnoses, prescribers: prescribers, treatment: treatment,
                    sessions: sessions, checkIns: checkIns, links: links
                ),
                resourceID: id.rawValue, patientID: id.rawValue, detail: channel
            )
        }
    }

    func amendPatient(
        _ id: PatientID, merged: @escaping @Sendable (Demographics) throws -> PatientInput, baseVersion: Int, reason: String?,
        context: AppRequestContext
    ) async throws -> (Patient, [Amendment]) {
        let now = dependencies.now()
        let today = today()
        let registry = try await policy()
        let clinicID = store.clinicID
        let actor = context.auditContext.actor
        return try await store.audited(
            context.auditContext, at: now, action: "patient.amend", resourceType: "patient", resourceID: id.rawValue, patientID: id.rawValue
        ) { db in
            let current = try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            let reasonText = try AmendmentReason.validated(reason)
            let demographics = try merged(current.demographics).demographics(policy: registry, today: today)
            let result = try await PatientRepository.amend(
                id: id, to: demographics, baseVersion: baseVersion, reason: reasonText, by: actor, now: now, clinicID: clinicID, on: db
            )
            let fields = result.amendments.map(\.field).joined(separator: ",")
            return Audited((result.patient, result.amendments), resourceID: id.rawValue, patientID: id.rawValue, detail: "fields=\(fields)")
        }
    }

    func recordMeasurement(
        _ id: PatientID, kind: String?, value: Double?, measuredOn: String?, context: AppRequestContext
    ) async throws -> BodyMeasurement {
        let now = dependencies.now()
        let today = today()
        let registry = try await policy()
        let clinicID = store.clinicID
        let actor = context.auditContext.actor
        return try await store.audited(
            context.auditContext, at: now, action: "patient.measurement.add", resourceType: "patient", resourceID: id.rawValue, patientID: id.rawValue
        ) { db in
            try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            guard let kind, let measurementKind = BodyMeasurementKind(rawValue: kind) else {
                throw ValidationError(field: "kind", message: "kind must be height or weight")
            }
            guard let value else {
                throw ValidationError(field: "value", message: "value is required (\(measurementKind.unit))")
            }
            let date = try measuredOn.map { try LocalDate.parse($0, field: "measuredOn") } ?? today
            let measurement = try BodyMeasurement(
                kind: measurementKind, value: value, measuredOn: date, recordedBy: actor, recordedAt: now, policy: registry, today: today
            )
            try await PatientRepository.addMeasurement(measurement, patient: id, clinicID: clinicID, on: db)
            return Audited(measurement, resourceID: id.rawValue, patientID: id.rawValue, detail: "kind=\(measurementKind.rawValue)")
        }
    }

    // MARK: - HTML

    @Sendable func searchPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.query("q") ?? ""
        let results = try await search(query, limit: 50, context: context)
        return pages.render(
            "patients", title: "Patients",
            [
                "q": query, "searched": !query.isEmpty, "count": results.count,
                "results": results.map { summary($0) },
                "canCreate": dependencies.matrix.allows(context.session!.user.role, .createPatient),
            ],
            context: context
        )
    }

    private func summary(_ patient: PatientSummary) -> [String: Any] {
        [
            "id": patient.id.rawValue, "mrn": patient.mrn, "name": patient.displayName, "dateOfBirth": patient.dateOfBirth.description,
            "age": patient.dateOfBirth.age(on: today()), "sex": patient.sexAtBirth.label,
        ]
    }

    @Sendable func newPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        pages.render("patient-form", title: "New patient", ["values": PatientInput(form: [:]).formValues, "isNew": true], context: context)
    }

    @Sendable func createFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let input = PatientInput(form: form)
        do {
            // Check the optional first measurements before registering, so a mistyped weight is shown, not silently dropped.
            var measures: [(String, Double)] = []
            let registry = try await policy()
            for kind in BodyMeasurementKind.allCases {
                guard let text = form[kind.rawValue]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { continue }
                guard let value = Double(text) else {
                    throw ValidationError(field: kind.rawValue, message: "\(kind.rawValue) must be a number in \(kind.unit)")
                }
                _ = try BodyMeasurement(
                    kind: kind, value: value, measuredOn: today(), recordedBy: "-", recordedAt: dependencies.now(), policy: registry, today: today()
                )
                measures.append((kind.rawValue, value))
            }
            let patient = try await createPatient(input, context: context)
            for (kind, value) in measures {
                _ = try await recordMeasurement(patient.id, kind: kind, value: value, measuredOn: nil, context: context)
            }
            return Pages.redirect("/patients/\(patient.id.rawValue)")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError else { throw error }
            return pages.render(
                "patient-form", title: "New patient",
                [
                    "values": input.formValues, "isNew": true, "error": apiError.message, "errorField": apiError.field ?? "",
                    "errors": Pages.errorMap(apiError), "weight": form["weight"] ?? "", "height": form["height"] ?? "",
                ],
                context: context, status: apiError.status
            )
        }
    }

    @Sendable func chart(_ request: Request, context: AppRequestContext) async throws -> Response {
        let data = try await loadChart(try patientID(context), context: context, channel: "html")
        return pages.render("chart", title: data.patient.demographics.displayName, chartValues(data, context: context), context: context)
    }

    private func chartValues(_ data: ChartData, context: AppRequestContext) -> [String: Any] {
        let p = data.patient
        let d = p.demographics
        let weight = data.measurements.first { $0.kind == .weight }
        let height = data.measurements.first { $0.kind == .height }
        let role = context.session!.user.role
        var bmi: String?
        if let weight, let height { bmi = BodyMeasurement.bmi(weightKg: weight.value, heightCm: height.value).formatted1 }
        let values: [String: Any] = [
            "patient": [
                "id": p.id.rawValue, "mrn": d.mrn, "displayName": d.displayName, "legalGivenName": d.legalGivenName,
                "legalFamilyName": d.legalFamilyName, "preferredName": d.preferredName as Any, "dateOfBirth": d.dateOfBirth.description,
                "age": d.dateOfBirth.age(on: today()), "sex": d.sexAtBirth.label, "genderIdentity": d.genderIdentity as Any,
                "phone": d.phone as Any, "email": d.email as Any, "address": d.address as Any, "version": p.version,
                "updatedAt": pages.dateTime(p.updatedAt), "updatedBy": p.updatedBy,
            ] as [String: Any],
            "contact": d.emergencyContact.map {
                ["name": $0.name, "relationship": $0.relationship as Any, "phone": $0.phone, "canEscort": $0.canEscort] as [String: Any]
            } as Any,
            "weight": weight.map { ["value": $0.value.formatted1, "on": $0.measuredOn.description] } as Any,
            "height": height.map { ["value": $0.value.formatted1, "on": $0.measuredOn.description] } as Any,
            "bmi": bmi as Any,
            "measurements": data.measurements.map {
                ["kind": $0.kind.rawValue, "value": $0.value.formatted1, "unit": $0.kind.unit, "on": $0.measuredOn.description, "by": $0.recordedBy]
            },
            "amendments": data.amendments.map {
                [
                    "field": $0.field, "old": $0.oldValue ?? "—", "new": $0.newValue ?? "—", "reason": $0.reason, "by": $0.amendedBy,
                    "at": pages.dateTime($0.amendedAt), "version": $0.version,
                ] as [String: Any]
            },
            "hasAmendments": !data.amendments.isEmpty,
            "access": data.accessLog.map {
                ["at": pages.dateTime($0.occurredAt), "actor": $0.actor, "role": $0.role, "action": $0.action, "outcome": $0.outcome.rawValue]
            },
            "canAmend": dependencies.matrix.allows(role, .amendPatient),
            "canAudit": dependencies.matrix.allows(role, .readAudit),
            "canRecord": dependencies.matrix.allows(role, .recordAssessment),
            "canSend": dependencies.matrix.allows(role, .sendSelfReport),
            "links": data.links.map { link in
                let now = dependencies.now()
                let state =
                    link.revokedAt != nil ? "withdrawn" : link.completedAt != nil ? "completed" : link.expiresAt <= now ? "expired" : "open"
                return [
                    "hash": link.tokenHash, "short": String(link.tokenHash.prefix(8)), "steps": link.instruments.joined(separator: ", "),
                    "created": pages.dateTime(link.createdAt), "by": link.createdBy, "expires": pages.dateTime(link.expiresAt), "state": state,
                    "isOpen": state == "open",
                ] as [String: Any]
            },
            "hasLinks": !data.links.isEmpty,
            "canAcknowledge": dependencies.matrix.allows(role, .acknowledgeAlert),
            "instrumentChoices": SharedInstruments.library.map { library in
                library.ids.compactMap { try? library.instrument(named: $0) }.map {
                    ["id": $0.id, "shortName": $0.shortName, "sendable": !$0.needsLicensedText] as [String: Any]
                }
            } ?? [],
            "contexts": MeasurementContext.common.map { ["value": $0.description, "label": $0.label] },
            "prescriber": data.prescriber.map { a in
                [
                    "displayName": data.prescribers.first { $0.username == a.username }?.displayName ?? a.username,
                    "since": pages.dateTime(a.assignedAt),
                    "by": a.assignedBy,
                ]
            } as Any,
            "prescribers": data.prescribers.map {
                ["username": $0.username, "displayName": $0.displayName, "selected": $0.username == data.prescriber?.username]
            },
            "canAssign": dependencies.matrix.allows(role, .assignCareTeam),
            "canDiagnose": dependencies.matrix.allows(role, .recordDiagnosis),
            "hasDiagnoses": !data.diagnoses.isEmpty,
            "diagnoses": data.diagnoses.map {
                [
                    "id": $0.id, "patientID": p.id.rawValue, "code": $0.code, "group": $0.group.label, "isPrimary": $0.isPrimary,
                    "at": pages.dateTime($0.recordedAt), "by": $0.recordedBy,
                ] as [String: Any]
            },
            "diagnosisCodes": CareController.commonCodes.map { ["code": $0.0, "label": $0.1] },
        ]
        let held = data.sessions.compactMap(\.dosingStart)
        let booked = data.treatment.bookings.filter { $0.booking.isActive && $0.booking.slot.start <= dependencies.now() }.map(\.booking.slot.start)
        let plan = data.treatment.plans.first { !$0.plan.phase.isTerminal } ?? data.treatment.plans.first
        let assessments = AssessmentSummary.values(
            data.responses, alerts: data.alerts, policy: data.policy, pages: pages, sessionDates: held.isEmpty ? booked : held,
            episodes: plan?.plan.phasePeriods ?? [])
        let treatment = TreatmentSummary.values(
            data.treatment, policy: data.policy, patientID: p.id, role: role, matrix: dependencies.matrix, pages: pages)
        let sessions = SessionController.chartSection(
            data.sessions, checkIns: data.checkIns, patientID: p.id, policy: data.policy, now: dependencies.now(), pages: pages,
            canRun: dependencies.matrix.allows(role, .runSession), canCheckIn: dependencies.matrix.allows(role, .recordAssessment))
        return values.merging(treatment) { a, _ in a }.merging(assessments) { a, _ in a }.merging(sessions) { a, _ in a }
    }

    @Sendable func editPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let clinicID = store.clinicID
        let patient = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "patient.view", resourceType: "patient", resourceID: id.rawValue,
            patientID: id.rawValue, isRead: true
        ) { db in
            let patient = try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            return Audited(patient, resourceID: id.rawValue, patientID: id.rawValue, detail: "edit form")
        }
        return pages.render(
            "patient-form", title: "Amend \(patient.demographics.displayName)",
            ["values": PatientInput(patient.demographics).formValues, "isNew": false, "id": id.rawValue, "version": patient.version],
            context: context
        )
    }

    @Sendable func amendFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        let input = PatientInput(form: form)
        let baseVersion = Int(form["version"] ?? "") ?? 0
        do {
            _ = try await amendPatient(id, merged: { _ in input }, baseVersion: baseVersion, reason: form["reason"], context: context)
            return Pages.redirect("/patients/\(id.rawValue)#history")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError, apiError.status != .notFound else { throw error }
            var values: [String: Any] = [
                "values": input.formValues, "isNew": false, "id": id.rawValue, "version": baseVersion, "reason": form["reason"] ?? "",
                "error": apiError.message, "errorField": apiError.field ?? "", "errors": Pages.errorMap(apiError),
            ]
            if case StoreError.versionConflict(_, _, let current) = error {
                // Show what the other person changed, and base the retry on the current version, so nothing is overwritten unseen.
                let clinicID = store.clinicID
                let theirs = try await store.database.read { db in try await PatientRepository.amendments(id: id, clinicID: clinicID, on: db) }
                values["version"] = current
                let conflicts = theirs.filter { $0.version > baseVersion }.map {
                    ["field": $0.field, "new": $0.newValue ?? "—", "by": $0.amendedBy, "at": pages.dateTime($0.amendedAt)]
                }
                values["conflicts"] = conflicts
                values["hasConflicts"] = !conflicts.isEmpty
            }
            return pages.render("patient-form", title: "Amend patient", values, context: context, status: apiError.status)
        }
    }

    @Sendable func addMeasurementFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        _ = try await recordMeasurement(
            id, kind: form["kind"], value: form["value"].flatMap { Double($0) }, measuredOn: form["measuredOn"].flatMap { $0.isEmpty ? nil : $0 },
            context: context
        )
        return Pages.redirect("/patients/\(id.rawValue)#measurements")
    }

    // MARK: - API

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let query = request.query("q") else {
            throw ValidationError(field: "q", message: "q is required: a name prefix, an MRN prefix or a date of birth (YYYY-MM-DD)")
        }
        guard query.count <= 100 else { throw ValidationError(field: "q", message: "q must be at most 100 characters") }
        let limitText = request.query("limit") ?? "50"
        guard let limit = Int(limitText), (1...200).contains(limit) else {
            throw ValidationError(field: "limit", message: "limit must be a whole number from 1 to 200")
        }
        let results = try await search(query, limit: limit, context: context)
        struct Summary: Encodable {
            let id: String
            let mrn: String
            let legalGivenName: String
            let legalFamilyName: String
            let preferredName: String?
            let dateOfBirth: String
            let sexAtBirth: String
        }
        struct Page: Encodable { let patients: [Summary] }
        return try jsonResponse(
            Page(
                patients: results.map {
                    Summary(
                        id: $0.id.rawValue, mrn: $0.mrn, legalGivenName: $0.legalGivenName, legalFamilyName: $0.legalFamilyName,
                        preferredName: $0.preferredName,
                        dateOfBirth: $0.dateOfBirth.description, sexAtBirth: $0.sexAtBirth.rawValue
                    )
                })
        )
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: PatientInput.fields, nested: ["emergencyContact": PatientInput.contactFields])
        let input = try StrictJSON.decode(PatientInput.self, from: object)
        let patient = try await createPatient(input, context: context)
        return try jsonResponse(PatientDTO(patient), status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let data = try await loadChart(try patientID(context), context: context, channel: "api")
        return try jsonResponse(PatientDTO(data.patient, measurements: data.measurements))
    }

    @Sendable func amend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        var object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(
            object, allowed: PatientInput.fields.union(["version", "reason"]), nested: ["emergencyContact": PatientInput.contactFields]
        )
        guard let version = object.removeValue(forKey: "version") as? Int else {
            throw APIError(.badRequest, code: "malformed", message: "version is required: the version of the record you edited", field: "version")
        }
        guard object["reason"] == nil || object["reason"] is String else {
            throw APIError(.badRequest, code: "malformed", message: "reason has the wrong type (expected a string)", field: "reason")
        }
        let reason = object.removeValue(forKey: "reason") as? String
        _ = try StrictJSON.decode(PatientInput.self, from: object)
        let patch = object
        let sendablePatch = try JSONSerialization.data(withJSONObject: patch)
        let (patient, changes) = try await amendPatient(
            id,
            merged: { current in
                // PATCH: fields present replace the current value; an explicit null clears an optional field.
                var merged = try StrictJSON.dictionary(PatientInput(current))
                let changes = (try JSONSerialization.jsonObject(with: sendablePatch)) as? [String: Any] ?? [:]
                for (key, value) in changes {
                    if key == "emergencyContact", let inner = value as? [String: Any] {
                        var contact = merged[key] as? [String: Any] ?? [:]
                        for (k, v) in inner { contact[k] = v }
                        merged[key] = contact
                    } else {
                        merged[key] = value
                    }
                }
                return try StrictJSON.decode(PatientInput.self, from: merged.filter { !($0.value is NSNull) })
            },
            baseVersion: version, reason: reason, context: context
        )
        struct Result: Encodable {
            let patient: PatientDTO
            let amendedFields: [String]
        }
        return try jsonResponse(Result(patient: PatientDTO(patient), amendedFields: changes.map(\.field)))
    }

    struct AmendmentDTO: Encodable {
        let field: String
        let oldValue: String?
        let newValue: String?
        let reason: String
        let amendedBy: String
        let amendedAt: String
        let version: Int
    }

    @Sendable func amendments(_ request: Request, context: AppRequestContext) async throws -> Response {
        let data = try await loadChart(try patientID(context), context: context, channel: "api amendments")
        struct Page: Encodable { let amendments: [AmendmentDTO] }
        return try jsonResponse(
            Page(
                amendments: data.amendments.map {
                    AmendmentDTO(
                        field: $0.field, oldValue: $0.oldValue, newValue: $0.newValue, reason: $0.reason, amendedBy: $0.amendedBy,
                        amendedAt: Format.iso($0.amendedAt), version: $0.version)
                })
        )
    }

    struct MeasurementDTO: Encodable {
        let kind: String
        let value: Double
        let unit: String
        let loinc: String
        let measuredOn: String
        let recordedBy: String
    }

    @Sendable func measurements(_ request: Request, context: AppRequestContext) async throws -> Response {
        let data = try await loadChart(try patientID(context), context: context, channel: "api measurements")
        struct Page: Encodable { let measurements: [MeasurementDTO] }
        return try jsonResponse(Page(measurements: data.measurements.map(dto)))
    }

    private func dto(_ m: BodyMeasurement) -> MeasurementDTO {
        MeasurementDTO(
            kind: m.kind.rawValue, value: m.value, unit: m.kind.unit, loinc: m.kind.loinc, measuredOn: m.measuredOn.description,
            recordedBy: m.recordedBy)
    }

    @Sendable func addMeasurement(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        struct Input: Decodable {
            let kind: String?
            let value: Double?
            let measuredOn: String?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["kind", "value", "measuredOn"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let measurement = try await recordMeasurement(id, kind: input.kind, value: input.value, measuredOn: input.measuredOn, context: context)
        return try jsonResponse(dto(measurement), status: .created)
    }

    @Sendable func accessLog(_ request: Request, context: AppRequestContext) async throws -> Response {
        let data = try await loadChart(try patientID(context), context: context, channel: "api access-log")
        return try jsonResponse(AuditController.Page(events: data.accessLog.map(AuditController.EventDTO.init)))
    }
}
