import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore

/// Intake history (staff form, patient link, API) and the eligibility screening it produces (DOMAIN.md §3).
struct IntakeController {
    let dependencies: AppDependencies
    let assessments: AssessmentController

    /// The name the intake form goes by on a patient link's list of items.
    static let linkItem = "intake"

    var store: Store { dependencies.store }
    var pages: Pages { dependencies.pages }

    func register(_ routes: RouteRegistrar) {
        routes.get("/patients/:id/intake", .recordIntake, staffPage)
        routes.post("/patients/:id/intake", .recordIntake, saveFromForm)
        routes.post("/patients/:id/intake-link", .sendSelfReport, createLinkFromForm)
        routes.post("/patients/:id/screening/overrides", .overrideScreening, overrideFromForm)
        routes.post("/patients/:id/medications/:index/class", .recordIntake, setClassFromForm)
        routes.get("/r/:token/intake", nil, patientPage)
        routes.post("/r/:token/intake", nil, patientSave)
        routes.post("/api/v1/patients/:id/intake", .recordIntake, saveJSON)
        routes.get("/api/v1/patients/:id/screening", .readPatient, showScreening)
        routes.post("/api/v1/patients/:id/screening/overrides", .overrideScreening, overrideJSON)
        routes.post("/api/v1/patients/:id/medications/:index/class", .recordIntake, setClassJSON)
    }

    private func patientID(_ context: AppRequestContext) throws -> PatientID {
        PatientID(try context.parameters.require("id"))
    }

    private func policy() async throws -> ClinicPolicy {
        let clinicID = store.clinicID
        return try await store.database.read { db in try await PolicyRepository.current(clinicID: clinicID, on: db).policy }
    }

    private func today() -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = dependencies.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: dependencies.now())
        return (try? LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)) ?? LocalDate(utcDayOf: dependencies.now())
    }

    // MARK: - Operations

    /// Decodes, validates, stores and screens a history in one audited transaction; nothing is stored when it is refused.
    func save(_ data: Data, patient: PatientID, source: String, who: AuditContext, linkTokenHash: String? = nil) async throws -> (
        StoredIntake, StoredScreening
    ) {
        let policy = try await policy()
        let today = today()
        let history = try IntakeHistory.decode(data, asOf: today, policy: policy.eligibility)
        let clinicID = store.clinicID
        let now = dependencies.now()
        return try await store.audited(who, at: now, action: "intake.record", resourceType: "intake", patientID: patient.rawValue) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            if let linkTokenHash {
                // The link's intake step is claimed in this transaction: a second tap stores no second version (issue #11).
                try await SelfReportLinkRepository.submit(
                    step: Self.linkItem, answers: nil, tokenHash: linkTokenHash, now: now, clinicID: clinicID, on: db)
            }
            let saved = try await IntakeRepository.save(
                history, patient: patient, source: source, policy: policy.eligibility, by: who.actor, now: now, today: today, clinicID: clinicID,
                on: db)
            return Audited(
                saved, resourceID: "v\(saved.0.version)", patientID: patient.rawValue,
                detail: "source=\(source) decision=\(saved.1.result.decision.rawValue) rules=\(saved.1.result.firedRules.count)")
        }
    }

    /// Sets the interaction class of one medication on the current intake (issue #10): a new history version with the
    /// medication's class tags set to `classID`, screened at once, in one audited transaction.
    ///
    /// `classID` is a row staff may tag (`InteractionTable.taggableEntries`) or `InteractionTable.noInteractionClassTag`;
    /// `historyVersion`, when given, must still be the current version so the index names the medication the user saw.
    func setMedicationClass(_ patient: PatientID, index: Int, classID: String, historyVersion: Int?, who: AuditContext) async throws
        -> (StoredIntake, StoredScreening)
    {
        let policy = try await policy()
        let table = policy.eligibility.interactions
        let allowed = table.taggableEntries.map(\.id) + [InteractionTable.noInteractionClassTag]
        let today = today()
        let clinicID = store.clinicID
        let now = dependencies.now()
        return try await store.audited(who, at: now, action: "intake.medication.class", resourceType: "intake", patientID: patient.rawValue) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            guard allowed.contains(classID) else {
                throw ValidationError(field: "classId", message: "classId must be one of \(allowed.joined(separator: ", ")); '\(classID)' is not")
            }
            guard let current = try await IntakeRepository.currentHistory(of: patient, clinicID: clinicID, on: db) else {
                throw StoreError.notFound(resource: "intake history")
            }
            if let historyVersion, historyVersion != current.version {
                throw StoreError.versionConflict(changedBy: current.recordedBy, changedAt: current.recordedAt, currentVersion: current.version)
            }
            guard current.history.medications.indices.contains(index) else {
                throw ValidationError(
                    field: "index", message: "index must name a medication of intake v\(current.version) (0–\(current.history.medications.count - 1))"
                )
            }
            var history = current.history
            history.medications[index].classes = [classID]
            let saved = try await IntakeRepository.save(
                history, patient: patient, source: "staff", policy: policy.eligibility, by: who.actor, now: now, today: today, clinicID: clinicID,
                on: db)
            return Audited(
                saved, resourceID: "v\(saved.0.version)", patientID: patient.rawValue,
                detail: "medications[\(index)] class=\(classID) from=v\(current.version) decision=\(saved.1.result.decision.rawValue)")
        }
    }

    func addOverride(_ patient: PatientID, ruleID: String, reason: String, asMedicalDirector: Bool, context: AppRequestContext) async throws
        -> StoredScreening
    {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let user = context.session!.user
        // Issue #10: acting as medical director is the account's authority, read here; the request can only ask to use it.
        if asMedicalDirector, !user.isMedicalDirector {
            try? await store.recordEvent(
                context.auditContext, at: now, action: "screening.override", resourceType: "screening", resourceID: ruleID,
                patientID: patient.rawValue, outcome: .denied, detail: "no medical-director authority")
            throw APIError(
                .forbidden, code: "authority",
                message: "\(user.username) does not hold the medical-director authority; an administrator grants it on the staff page",
                field: "asMedicalDirector")
        }
        let override = Override(ruleID: ruleID, by: user.username, role: user.role, asMedicalDirector: asMedicalDirector, reason: reason)
        return try await store.audited(
            context.auditContext, at: now, action: "screening.override", resourceType: "screening", resourceID: ruleID, patientID: patient.rawValue
        ) { db in
            let updated = try await IntakeRepository.addOverride(override, patient: patient, now: now, clinicID: clinicID, on: db)
            return Audited(updated, resourceID: ruleID, patientID: patient.rawValue, detail: "decision=\(updated.effective.decision.rawValue)")
        }
    }

    // MARK: - Staff pages

    @Sendable func staffPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let clinicID = store.clinicID
        let (patient, intake) = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "intake.view", resourceType: "intake", patientID: id.rawValue, isRead: true
        ) { db in
            let patient = try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            let intake = try await IntakeRepository.currentHistory(of: id, clinicID: clinicID, on: db)
            var diagnoses = intake?.history.diagnoses ?? []
            if diagnoses.isEmpty {
                diagnoses = try await DiagnosisRepository.current(of: id, clinicID: clinicID, on: db).map {
                    Diagnosis(code: $0.code, isPrimary: $0.isPrimary)
                }
            }
            return Audited((patient, (intake, diagnoses)), resourceID: id.rawValue, patientID: id.rawValue)
        }
        var values = intake.0.map { IntakeForm.values(of: $0.history) } ?? [:]
        for (i, d) in intake.1.enumerated() where values["diagnoses[\(i)].code"] == nil {
            values["diagnoses[\(i)].code"] = d.code
            if d.isPrimary { values["diagnoses[\(i)].isPrimary"] = "on" }
        }
        return render(values: values, patient: patient, staff: true, action: "/patients/\(id.rawValue)/intake", context: context)
    }

    private func render(
        values: [String: String], patient: Patient, staff: Bool, action: String, context: AppRequestContext, error: APIError? = nil
    ) -> Response {
        var page = IntakeForm.templateValues(values, staff: staff, errorField: error?.field)
        page["heading"] = staff ? "Intake history: \(patient.demographics.displayName)" : "Before your first treatment"
        page["patientName"] = patient.demographics.displayName
        page["action"] = action
        page["submitLabel"] = staff ? "Save and screen" : "Send to the clinic"
        page["error"] = error?.message as Any
        page["errorField"] = error?.field as Any
        return pages.render(
            "intake-form", title: staff ? "Intake history" : "Health questions", page, context: context, status: error?.status ?? .ok)
    }

    @Sendable func saveFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        let clinicID = store.clinicID
        guard let patient = try await store.database.read({ db in try await PatientRepository.find(id: id, clinicID: clinicID, on: db) }) else {
            throw StoreError.notFound(resource: "patient")
        }
        let document = IntakeForm.document(from: form, dateOfBirth: patient.demographics.dateOfBirth, staff: true)
        do {
            _ = try await save(try JSONSerialization.data(withJSONObject: document), patient: id, source: "staff", who: context.auditContext)
            return Pages.redirect("/patients/\(id.rawValue)#plan")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError else { throw error }
            return render(values: form, patient: patient, staff: true, action: "/patients/\(id.rawValue)/intake", context: context, error: apiError)
        }
    }

    @Sendable func createLinkFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        var items = [Self.linkItem]
        if form["withQuestionnaires"] == "on" { items += ["gad7", "phq9"] }
        let created = try await assessments.createLink(patient: id, instruments: items, context: .baseline, who: context.auditContext)
        let url = assessments.linkURL(token: created.token, request: request)
        return pages.render(
            "self-report-link", title: "Patient link",
            [
                "url": url, "qr": (try? QRCode.encode(url).svg(moduleSize: 4, quietZone: 4, title: "QR code for the intake link")) ?? "",
                "patientID": id.rawValue,
                "instruments": created.link.instruments.joined(separator: ", ").uppercased(),
                "expires": pages.dateTime(created.link.expiresAt),
            ],
            context: context)
    }

    @Sendable func overrideFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        _ = try await addOverride(
            id, ruleID: form["ruleID"] ?? "", reason: form["reason"] ?? "", asMedicalDirector: form["asMedicalDirector"] == "on", context: context)
        return Pages.redirect("/patients/\(id.rawValue)#plan")
    }

    @Sendable func setClassFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        _ = try await setMedicationClass(
            id, index: try medicationIndex(context), classID: form["classId"] ?? "", historyVersion: form["historyVersion"].flatMap { Int($0) },
            who: context.auditContext)
        return Pages.redirect("/patients/\(id.rawValue)#medications")
    }

    private func medicationIndex(_ context: AppRequestContext) throws -> Int {
        guard let text = context.parameters.get("index"), let index = Int(text), index >= 0 else {
            throw APIError(.notFound, code: "not_found", message: "no such medication: the index is a position in the intake's list (0, 1, …)")
        }
        return index
    }

    // MARK: - Patient link

    @Sendable func patientPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            let (token, link) = try await assessments.usableLink(context)
            guard link.nextInstrument == Self.linkItem else { return Pages.redirect("/r/\(token)") }
            let clinicID = store.clinicID
            let patient = try await store.database.read { db in try await PatientRepository.require(id: link.patientID, clinicID: clinicID, on: db) }
            return render(values: [:], patient: patient, staff: false, action: "/r/\(token)/intake", context: context)
        } catch let problem as SelfReportLinkProblem {
            return assessments.problemPage(problem, context: context)
        }
    }

    @Sendable func patientSave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        let token: String
        let link: SelfReportLink
        do {
            (token, link) = try await assessments.usableLink(context)
        } catch let problem as SelfReportLinkProblem {
            return assessments.problemPage(problem, context: context)
        }
        guard link.nextInstrument == Self.linkItem else { return Pages.redirect("/r/\(token)") }
        let clinicID = store.clinicID
        let patient = try await store.database.read { db in try await PatientRepository.require(id: link.patientID, clinicID: clinicID, on: db) }
        var document = IntakeForm.document(from: form, dateOfBirth: patient.demographics.dateOfBirth, staff: false)
        // Patients rarely know ICD codes: keep the chart's diagnoses when they leave them blank.
        if (document["diagnoses"] as? [Any])?.isEmpty ?? true {
            let current = try await store.database.read { db in try await DiagnosisRepository.current(of: link.patientID, clinicID: clinicID, on: db)
            }
            document["diagnoses"] = current.map { ["code": $0.code, "isPrimary": $0.isPrimary] as [String: Any] }
        }
        do {
            _ = try await save(
                try JSONSerialization.data(withJSONObject: document), patient: link.patientID, source: "patient-link",
                who: assessments.patientWho(context, link), linkTokenHash: link.tokenHash)
            var finished = link
            finished.submitted.append(Self.linkItem)
            if finished.nextInstrument == nil {
                return pages.render("self-report", title: "Thank you", ["done": true], context: context)
            }
            return Pages.redirect("/r/\(token)")
        } catch is SelfReportLinkConflict {
            return Pages.redirect("/r/\(token)")
        } catch let problem as SelfReportLinkProblem {
            return assessments.problemPage(problem, context: context)
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError else { throw error }
            return render(values: form, patient: patient, staff: false, action: "/r/\(token)/intake", context: context, error: apiError)
        }
    }

    // MARK: - API

    struct ScreeningDTO: Encodable {
        let historyVersion: Int
        let decision: String
        let effectiveDecision: String
        let ruleSetVersion: Int
        let trigger: String
        let screenedAt: Date
        let superseded: Bool
        let firedRules: [FiredRule]
        let unresolved: [String]
        let overrides: [Override]
        let treatmentResistance: TreatmentResistance

        init(_ s: StoredScreening) {
            historyVersion = s.historyVersion
            decision = s.result.decision.rawValue
            effectiveDecision = s.effective.decision.rawValue
            ruleSetVersion = s.result.ruleSetVersion
            trigger = s.trigger
            screenedAt = s.screenedAt
            superseded = s.supersededAt != nil
            firedRules = s.result.firedRules
            unresolved = s.effective.unresolved.map(\.ruleID)
            overrides = s.overrides
            treatmentResistance = s.result.treatmentResistance
        }
    }

    @Sendable func saveJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let (_, screening) = try await save(Data(context.body.readableBytesView), patient: id, source: "staff", who: context.auditContext)
        return try jsonResponse(ScreeningDTO(screening), status: .created)
    }

    @Sendable func showScreening(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let clinicID = store.clinicID
        let screening = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "screening.view", resourceType: "screening", patientID: id.rawValue, isRead: true
        ) { db in
            try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            return Audited(
                try await IntakeRepository.currentScreening(of: id, clinicID: clinicID, on: db), resourceID: id.rawValue, patientID: id.rawValue)
        }
        guard let screening else { throw APIError(.notFound, code: "not_found", message: "no screening yet: record an intake history first") }
        return try jsonResponse(ScreeningDTO(screening))
    }

    @Sendable func setClassJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let classId: String
            let historyVersion: Int?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["classId", "historyVersion"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let (_, screening) = try await setMedicationClass(
            try patientID(context), index: try medicationIndex(context), classID: input.classId, historyVersion: input.historyVersion,
            who: context.auditContext)
        return try jsonResponse(ScreeningDTO(screening), status: .created)
    }

    @Sendable func overrideJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let ruleID: String
            let reason: String
            let asMedicalDirector: Bool?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["ruleID", "reason", "asMedicalDirector"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let updated = try await addOverride(
            try patientID(context), ruleID: input.ruleID, reason: input.reason, asMedicalDirector: input.asMedicalDirector ?? false, context: context)
        return try jsonResponse(ScreeningDTO(updated), status: .created)
    }
}
