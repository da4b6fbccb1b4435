import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging
import SQLKit

/// Questionnaires: staff entry, patient self-report links, safety alerts and their acknowledgement, trajectories.
struct AssessmentController {
    let dependencies: AppDependencies
    let catalog: InstrumentCatalog

    var store: Store { dependencies.store }
    var pages: Pages { dependencies.pages }

    func register(_ routes: RouteRegistrar) {
        routes.get("/patients/:id/assessments/new", .recordAssessment, entryPage)
        routes.post("/patients/:id/assessments", .recordAssessment, recordFromForm)
        routes.post("/patients/:id/self-report-links", .sendSelfReport, createLinkFromForm)
        routes.post("/patients/:id/self-report-links/revoke", .sendSelfReport, revokeLinkFromForm)
        routes.post("/alerts/:alertID/acknowledge", .acknowledgeAlert, acknowledgeFromForm)
        routes.get("/r/:token", nil, patientPage)
        routes.post("/r/:token/answer", nil, patientAnswer)
        routes.post("/r/:token/submit", nil, patientSubmit)

        routes.get("/api/v1/instruments", .readPatient, listInstruments)
        routes.get("/api/v1/instruments/:instrument", .readPatient, showInstrument)
        routes.get("/api/v1/patients/:id/responses", .readPatient, listResponses)
        routes.post("/api/v1/patients/:id/responses", .recordAssessment, createResponse)
        routes.post("/api/v1/patients/:id/self-report-links", .sendSelfReport, createLink)
        routes.get("/api/v1/alerts", .readPatient, listAlerts)
        routes.post("/api/v1/alerts/:alertID/acknowledge", .acknowledgeAlert, acknowledge)
    }

    private func policy() async throws -> ClinicPolicy {
        let clinicID = store.clinicID
        return try await store.database.read { db in try await PolicyRepository.current(clinicID: clinicID, on: db).policy }
    }

    private func patientID(_ context: AppRequestContext) throws -> PatientID {
        PatientID(try context.parameters.require("id"))
    }

    // MARK: - Shared operations

    /// Scores and stores a response with its alerts in one audited transaction; nothing partial is stored as complete.
    func record(
        patient: PatientID, instrumentName: String, answers: [Int?], context: MeasurementContext, mode: ResponseMode, answeredAt: Date?,
        who: AuditContext, linkTokenHash: String? = nil
    ) async throws -> (QuestionnaireResponse, [StoredSafetyAlert]) {
        let library = try await catalog.library()
        let instrument = try library.instrument(named: instrumentName)
        let clinicPolicy = try await policy()
        let now = dependencies.now()
        if let answeredAt, answeredAt > now.addingTimeInterval(300) {
            throw ValidationError(field: "answeredAt", message: "answeredAt cannot be in the future")
        }
        let clinicID = store.clinicID
        return try await store.audited(
            who, at: now, action: "questionnaire.record", resourceType: "questionnaire", resourceID: instrument.id, patientID: patient.rawValue
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            if instrument.needsLicensedText && mode == .selfReport {
                throw ValidationError(
                    field: "instrument", message: "\(instrument.shortName) needs the clinic's licensed wording before patients can answer it")
            }
            if let linkTokenHash {
                // The link's step is claimed in this transaction: a second tap finds it taken and stores nothing (issue #11).
                try await SelfReportLinkRepository.submit(
                    step: instrument.id, answers: answers, tokenHash: linkTokenHash, now: now, clinicID: clinicID, on: db)
            }
            let score = try ScoringEngine.score(instrument, answers: answers, policy: clinicPolicy.scoring)
            let stored = try await MeasurementRepository.record(
                score, patient: patient, context: context, mode: mode, enteredBy: who.actor, answeredAt: answeredAt ?? now, now: now,
                linkTokenHash: linkTokenHash, clinicID: clinicID, on: db
            )
            if score.total != nil {
                try await OutcomeSummaryRepository.refresh(
                    patient: patient, instrumentID: instrument.id, criteria: clinicPolicy.outcomes.criteria(for: instrument),
                    windowDays: clinicPolicy.outcomes.baselineWindowDays.value, firstTreatment: nil, now: now, clinicID: clinicID, on: db
                )
            }
            return Audited(
                stored, resourceID: stored.0.id, patientID: patient.rawValue,
                detail: "instrument=\(instrument.id) complete=\(score.isComplete) alerts=\(stored.1.count)"
            )
        }
    }

    func createLink(patient: PatientID, instruments names: [String], context: MeasurementContext, who: AuditContext) async throws
        -> (token: String, link: SelfReportLink)
    {
        let library = try await catalog.library()
        guard !names.isEmpty else { throw ValidationError(field: "instruments", message: "choose at least one instrument") }
        var ids: [String] = []
        for name in names {
            // The intake history rides on the same single-use link (issue #4); it is a form, not an instrument.
            if name.lowercased() == IntakeController.linkItem {
                if !ids.contains(IntakeController.linkItem) { ids.append(IntakeController.linkItem) }
                continue
            }
            let instrument = try library.instrument(named: name)
            guard !instrument.needsLicensedText else {
                throw ValidationError(
                    field: "instruments", message: "\(instrument.shortName) needs the clinic's licensed wording before it can be sent")
            }
            if !ids.contains(instrument.id) { ids.append(instrument.id) }
        }
        let instrumentIDs = ids
        let clinicPolicy = try await policy()
        let now = dependencies.now()
        let expires = now.addingTimeInterval(Double(clinicPolicy.selfReport.linkExpiryHours.value) * 3600)
        let clinicID = store.clinicID
        return try await store.audited(who, at: now, action: "selfreport.create", resourceType: "selfreport", patientID: patient.rawValue) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            let created = try await SelfReportLinkRepository.create(
                patient: patient, instruments: instrumentIDs, context: context, expiresAt: expires, by: who.actor, now: now, clinicID: clinicID,
                on: db
            )
            return Audited(
                created, resourceID: String(created.link.tokenHash.prefix(12)), patientID: patient.rawValue,
                detail: instrumentIDs.joined(separator: ","))
        }
    }

    func linkURL(token: String, request: Request) -> String {
        let base =
            dependencies.configuration.publicURL
            ?? "\(dependencies.configuration.secureCookies ? "https" : "http")://\(request.head.authority ?? "localhost")"
        return base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/r/\(token)"
    }

    // MARK: - Staff pages

    @Sendable func entryPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try await catalog.library()
        let id = try patientID(context)
        let instrument = try library.instrument(named: request.query("instrument") ?? "gad7")
        let clinicID = store.clinicID
        guard let patient = try await store.database.read({ db in try await PatientRepository.find(id: id, clinicID: clinicID, on: db) }) else {
            throw StoreError.notFound(resource: "patient")
        }
        return pages.render(
            "assessment-form", title: "\(instrument.shortName) for \(patient.demographics.displayName)",
            entryValues(instrument: instrument, patient: patient, answers: [:], library: library), context: context
        )
    }

    private func entryValues(
        instrument: Instrument, patient: Patient, answers: [String: Int], library: InstrumentLibrary, error: APIError? = nil
    ) -> [String: Any] {
        [
            "patient": ["id": patient.id.rawValue, "name": patient.demographics.displayName, "mrn": patient.demographics.mrn],
            "instrument": instrumentValues(instrument, answers: answers),
            "instruments": library.ids.map { id in ["id": id, "selected": id == instrument.id] },
            "contexts": MeasurementContext.common.map { ["value": $0.description, "label": $0.label] },
            "modes": [ResponseMode.paper, .interview].map { ["value": $0.rawValue, "label": $0.label] },
            "error": error?.message as Any,
        ]
    }

    /// An instrument's wording and options for a form, with answers already given checked.
    func instrumentValues(_ instrument: Instrument, answers: [String: Int]) -> [String: Any] {
        [
            "id": instrument.id, "title": instrument.title, "shortName": instrument.shortName, "instructions": instrument.instructions as Any,
            "stem": instrument.stem as Any, "needsLicensedText": instrument.needsLicensedText,
            "items": instrument.items.enumerated().map { index, item in
                [
                    "number": index + 1, "linkId": item.linkId, "text": item.text, "prefix": item.prefix ?? "\(index + 1)", "scored": item.scored,
                    "options": item.answerOptions.map { option in
                        ["value": option.value, "label": option.label, "checked": answers[item.linkId] == option.value, "linkId": item.linkId]
                    },
                ] as [String: Any]
            },
        ]
    }

    @Sendable func recordFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try await catalog.library()
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        let instrument = try library.instrument(named: form["instrument"] ?? "")
        var given: [String: Int] = [:]
        let answers: [Int?] = instrument.items.map { item in
            let value = form["item-\(item.linkId)"].flatMap(Int.init)
            if let value { given[item.linkId] = value }
            return value
        }
        do {
            let contextValue = try MeasurementContext.parse(form["context"] ?? "", field: "context")
            let mode = ResponseMode(rawValue: form["mode"] ?? "") ?? .paper
            _ = try await record(
                patient: id, instrumentName: instrument.id, answers: answers, context: contextValue, mode: mode, answeredAt: nil,
                who: context.auditContext)
            return Pages.redirect("/patients/\(id.rawValue)#assessments")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError, apiError.status != .notFound else { throw error }
            let clinicID = store.clinicID
            guard let patient = try await store.database.read({ db in try await PatientRepository.find(id: id, clinicID: clinicID, on: db) }) else {
                throw StoreError.notFound(resource: "patient")
            }
            return pages.render(
                "assessment-form", title: instrument.shortName,
                entryValues(instrument: instrument, patient: patient, answers: given, library: library, error: apiError),
                context: context, status: apiError.status
            )
        }
    }

    @Sendable func createLinkFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let text = String(decoding: context.body.readableBytesView, as: UTF8.self)
        // Checkboxes repeat the same name: collect every `instrument=` value.
        let names = text.split(separator: "&").compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return parts.count == 2 && parts[0] == "instrument" ? String(parts[1]).removingPercentEncoding : nil
        }
        let form = FormBody.parse(context.body)
        let contextValue = try MeasurementContext.parse(form["context"] ?? "follow-up", field: "context")
        let created = try await createLink(patient: id, instruments: names, context: contextValue, who: context.auditContext)
        let url = linkURL(token: created.token, request: request)
        let qr = (try? QRCode.encode(url).svg(moduleSize: 4, quietZone: 4, title: "QR code for the questionnaire link")) ?? ""
        return pages.render(
            "self-report-link", title: "Questionnaire link",
            [
                "patientID": id.rawValue, "url": url, "qr": qr, "expires": pages.dateTime(created.link.expiresAt),
                "instruments": created.link.instruments.joined(separator: ", ").uppercased(),
            ],
            context: context
        )
    }

    /// Withdraws an open patient link (questionnaires or intake); audited as `selfreport.revoke`.
    func revokeLink(_ patient: PatientID, tokenHash: String, context: AppRequestContext) async throws {
        let clinicID = store.clinicID
        let now = dependencies.now()
        try await store.audited(
            context.auditContext, at: now, action: "selfreport.revoke", resourceType: "selfreport", resourceID: String(tokenHash.prefix(12)),
            patientID: patient.rawValue
        ) { db in
            guard try await SelfReportLinkRepository.revoke(tokenHash: tokenHash, patient: patient, now: now, clinicID: clinicID, on: db) else {
                throw StoreError.notFound(resource: "open link")
            }
            return Audited((), resourceID: String(tokenHash.prefix(12)), patientID: patient.rawValue)
        }
    }

    @Sendable func revokeLinkFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let patient = try patientID(context)
        try await revokeLink(patient, tokenHash: FormBody.parse(context.body)["link"] ?? "", context: context)
        return Pages.redirect("/patients/\(patient.rawValue)#assessments")
    }

    @Sendable func acknowledgeFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let alertID = try context.parameters.require("alertID")
        let form = FormBody.parse(context.body)
        let alert = try await acknowledgeAlert(alertID, note: form["note"] ?? "", context: context)
        let back = AuthController.safeNext(form["next"])
        return Pages.redirect(back == "/dashboard" ? "/patients/\(alert.patientID.rawValue)#assessments" : back)
    }

    func acknowledgeAlert(_ alertID: String, note: String, context: AppRequestContext) async throws -> StoredSafetyAlert {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = context.auditContext.actor
        return try await store.audited(context.auditContext, at: now, action: "alert.acknowledge", resourceType: "alert", resourceID: alertID) { db in
            let alert = try await MeasurementRepository.acknowledge(alert: alertID, note: note, by: actor, now: now, clinicID: clinicID, on: db)
            let minutes = Int(now.timeIntervalSince(alert.raisedAt) / 60)
            return Audited(alert, resourceID: alertID, patientID: alert.patientID.rawValue, detail: "minutesToAcknowledge=\(minutes)")
        }
    }

    // MARK: - Patient pages (no account: the link is the credential)

    func patientWho(_ context: AppRequestContext, _ link: SelfReportLink?) -> AuditContext {
        AuditContext(
            actor: link.map { "patient:\($0.patientID.rawValue.prefix(8))" } ?? "anonymous", role: "patient", clientAddress: context.clientAddress)
    }

    /// Loads a usable link, counting failures per client address so tokens cannot be guessed at speed.
    func usableLink(_ context: AppRequestContext) async throws -> (String, SelfReportLink) {
        let token = try context.parameters.require("token")
        let clinicID = store.clinicID
        let now = dependencies.now()
        let settings = try await policy().selfReport
        let bucket = "selfreport:\(clinicID):\(context.clientAddress)"
        let window = Double(settings.attemptWindowMinutes.value) * 60
        if try await store.database.read({ db in
            try await RateLimiter.isOver(bucket, limit: settings.maxFailedAttempts.value, window: window, now: now, on: db)
        }) {
            throw SelfReportLinkProblem.tooManyAttempts
        }
        do {
            let link = try await store.database.read { db in
                try await SelfReportLinkRepository.usable(token: token, now: now, clinicID: clinicID, on: db)
            }
            return (token, link)
        } catch let problem as SelfReportLinkProblem {
            try await store.database.write { db in try await RateLimiter.hit(bucket, window: window, now: now, on: db) }
            try? await store.recordEvent(
                patientWho(context, nil), at: now, action: "selfreport.open", resourceType: "selfreport", outcome: .denied, detail: "\(problem)"
            )
            throw problem
        }
    }

    func problemPage(_ problem: SelfReportLinkProblem, context: AppRequestContext) -> Response {
        let status: HTTPResponse.Status = problem == .tooManyAttempts ? .tooManyRequests : (problem == .unknown ? .notFound : .gone)
        return pages.render("self-report", title: "Questionnaire", ["problem": problem.message], context: context, status: status)
    }

    @Sendable func patientPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            let (token, link) = try await usableLink(context)
            return try await renderPatient(token: token, link: link, context: context, crisis: request.query("crisis") == "1")
        } catch let problem as SelfReportLinkProblem {
            return problemPage(problem, context: context)
        }
    }

    private func renderPatient(token: String, link: SelfReportLink, context: AppRequestContext, crisis: Bool, error: String? = nil) async throws
        -> Response
    {
        let library = try await catalog.library()
        let settings = try await policy().selfReport
        if link.nextInstrument == IntakeController.linkItem { return Pages.redirect("/r/\(token)/intake") }
        guard let next = link.nextInstrument else {
            return pages.render(
                "self-report", title: "Thank you", ["done": true, "crisis": (crisis ? settings.crisisText.value : nil) as Any], context: context)
        }
        let instrument = try library.instrument(named: next)
        var given: [String: Int] = [:]
        for (index, value) in (link.answers[instrument.id] ?? []).enumerated() where index < instrument.items.count {
            if let value { given[instrument.items[index].linkId] = value }
        }
        let position = (link.instruments.firstIndex(of: next) ?? 0) + 1
        return pages.render(
            "self-report", title: instrument.shortName,
            [
                "token": token, "instrument": instrumentValues(instrument, answers: given), "position": position, "count": link.instruments.count,
                "crisis": (crisis ? settings.crisisText.value : nil) as Any, "error": error as Any,
            ],
            context: context, status: error == nil ? .ok : .unprocessableContent
        )
    }

    /// Saves one answer as soon as it is given, so a phone that dies mid-way loses nothing.
    @Sendable func patientAnswer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try await catalog.library()
        do {
            let (_, link) = try await usableLink(context)
            let form = FormBody.parse(context.body)
            let instrument = try library.instrument(named: form["instrument"] ?? "")
            guard link.instruments.contains(instrument.id), !link.submitted.contains(instrument.id) else {
                throw ValidationError(field: "instrument", message: "this link does not ask for \(instrument.shortName) now")
            }
            guard let index = instrument.items.firstIndex(where: { $0.linkId == form["item"] }) else {
                throw ValidationError(field: "item", message: "item must be one of \(instrument.items.map(\.linkId).joined(separator: ", "))")
            }
            guard let value = form["value"].flatMap(Int.init), instrument.items[index].allowedValues.contains(value) else {
                let allowed = instrument.items[index].allowedValues.map(String.init).joined(separator: ", ")
                throw ValidationError(field: "value", message: "value must be one of \(allowed)")
            }
            let clinicID = store.clinicID
            let now = dependencies.now()
            try await store.audited(
                patientWho(context, link), at: now, action: "selfreport.answer", resourceType: "selfreport",
                resourceID: String(link.tokenHash.prefix(12)),
                patientID: link.patientID.rawValue
            ) { db in
                var current = try await SelfReportLinkRepository.lockOpen(tokenHash: link.tokenHash, now: now, clinicID: clinicID, on: db)
                guard !current.submitted.contains(instrument.id) else { throw SelfReportLinkConflict() }
                var answers = current.answers[instrument.id] ?? Array(repeating: nil, count: instrument.items.count)
                if answers.count < instrument.items.count { answers += Array(repeating: nil, count: instrument.items.count - answers.count) }
                answers[index] = value
                current.answers[instrument.id] = answers
                try await SelfReportLinkRepository.save(current, now: now, clinicID: clinicID, on: db)
                return Audited(
                    (), resourceID: String(link.tokenHash.prefix(12)), patientID: link.patientID.rawValue, detail: "instrument=\(instrument.id)")
            }
            return try jsonResponse(["saved": true])
        } catch let problem as SelfReportLinkProblem {
            throw APIError(problem == .tooManyAttempts ? .tooManyRequests : .gone, code: "link", message: problem.message)
        }
    }

    /// Submits the current instrument: merges the answers posted with those saved, scores, stores, raises alerts.
    @Sendable func patientSubmit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try await catalog.library()
        do {
            let (token, link) = try await usableLink(context)
            let form = FormBody.parse(context.body)
            let instrument = try library.instrument(named: form["instrument"] ?? "")
            guard link.nextInstrument == instrument.id else {
                // A double submission (back button, second tap) simply shows where the patient is now.
                return Pages.redirect("/r/\(token)")
            }
            var answers = link.answers[instrument.id] ?? Array(repeating: nil, count: instrument.items.count)
            if answers.count < instrument.items.count { answers += Array(repeating: nil, count: instrument.items.count - answers.count) }
            for (index, item) in instrument.items.enumerated() {
                if let value = form["item-\(item.linkId)"].flatMap(Int.init) { answers[index] = value }
            }
            if let missing = instrument.items.enumerated().first(where: { $0.element.scored && $0.element.required && answers[$0.offset] == nil }) {
                var partial = link
                partial.answers[instrument.id] = answers
                let saved = partial
                let clinicID = store.clinicID
                let now = dependencies.now()
                try await store.database.write { db in try await SelfReportLinkRepository.save(saved, now: now, clinicID: clinicID, on: db) }
                return try await renderPatient(
                    token: token, link: saved, context: context, crisis: false,
                    error: "Please answer question \(missing.offset + 1) before continuing."
                )
            }
            let alerts: [StoredSafetyAlert]
            do {
                alerts = try await record(
                    patient: link.patientID, instrumentName: instrument.id, answers: answers, context: try MeasurementContext.parse(link.context),
                    mode: .selfReport, answeredAt: nil, who: patientWho(context, link), linkTokenHash: link.tokenHash
                ).1
            } catch is SelfReportLinkConflict {
                // A double submission (second tap at the same moment) simply shows where the patient is now.
                return Pages.redirect("/r/\(token)")
            }
            var updated = link
            updated.answers[instrument.id] = answers
            updated.submitted.append(instrument.id)
            let crisis = alerts.contains { $0.kind == SafetyAlertKind.selfHarm.rawValue || $0.kind == SafetyAlertKind.suicideRisk.rawValue }
            if updated.nextInstrument == nil {
                return try await renderPatient(token: token, link: updated, context: context, crisis: crisis)
            }
            return Pages.redirect("/r/\(token)\(crisis ? "?crisis=1" : "")")
        } catch let problem as SelfReportLinkProblem {
            return problemPage(problem, context: context)
        }
    }

    // MARK: - API

    struct ResponseDTO: Encodable {
        let id: String
        let instrument: String
        let instrumentVersion: String
        let context: String
        let mode: String
        let answers: [Int?]
        let total: Int?
        let severity: String?
        let complete: Bool
        let positiveScreen: Bool?
        let subscales: [String: Int?]
        let enteredBy: String
        let answeredAt: String

        init(_ r: QuestionnaireResponse) {
            id = r.id
            instrument = r.instrumentID
            instrumentVersion = r.instrumentVersion
            context = r.context
            mode = r.mode.rawValue
            answers = r.score.answers
            total = r.score.total
            severity = r.score.severity
            complete = r.score.isComplete
            positiveScreen = r.score.positiveScreen
            subscales = Dictionary(uniqueKeysWithValues: r.score.subscales.map { ($0.id, $0.value) })
            enteredBy = r.enteredBy
            answeredAt = Format.iso(r.answeredAt)
        }
    }

    struct AlertDTO: Encodable {
        let id: String
        let patientId: String
        let responseId: String
        let rule: String
        let kind: String
        let priority: String
        let message: String
        let source: String
        let blocksDosing: Bool
        let raisedAt: String
        let acknowledgedBy: String?
        let acknowledgedAt: String?
        let actionNote: String?

        init(_ a: StoredSafetyAlert) {
            id = a.id
            patientId = a.patientID.rawValue
            responseId = a.responseID
            rule = a.ruleID
            kind = a.kind
            priority = a.priority
            message = a.message
            source = a.section
            blocksDosing = a.blocksDosing
            raisedAt = Format.iso(a.raisedAt)
            acknowledgedBy = a.acknowledgedBy
            acknowledgedAt = a.acknowledgedAt.map(Format.iso)
            actionNote = a.actionNote
        }
    }

    @Sendable func listInstruments(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try await catalog.library()
        struct Summary: Encodable {
            let id: String
            let title: String
            let shortName: String
            let items: Int
            let needsLicensedText: Bool
        }
        struct Page: Encodable { let instruments: [Summary] }
        let list = try library.ids.map { id in
            let i = try library.instrument(named: id)
            return Summary(id: i.id, title: i.title, shortName: i.shortName, items: i.items.count, needsLicensedText: i.needsLicensedText)
        }
        return try jsonResponse(Page(instruments: list))
    }

    @Sendable func showInstrument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try await catalog.library()
        return try jsonResponse(try library.instrument(named: try context.parameters.require("instrument")))
    }

    @Sendable func listResponses(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let clinicID = store.clinicID
        let instrument = request.query("instrument")
        let responses = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "questionnaire.read", resourceType: "patient", resourceID: id.rawValue,
            patientID: id.rawValue, isRead: true
        ) { db in
            try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            let list = try await MeasurementRepository.responses(patient: id, instrument: instrument, clinicID: clinicID, on: db)
            return Audited(list, resourceID: id.rawValue, patientID: id.rawValue, detail: "results=\(list.count)")
        }
        struct Page: Encodable { let responses: [ResponseDTO] }
        return try jsonResponse(Page(responses: responses.map(ResponseDTO.init)))
    }

    @Sendable func createResponse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        struct Input: Decodable {
            let instrument: String
            let answers: [Int?]
            let context: String?
            let mode: String?
            let answeredAt: Date?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["instrument", "answers", "context", "mode", "answeredAt"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let mode =
            try input.mode.map { raw -> ResponseMode in
                guard let mode = ResponseMode(rawValue: raw), mode != .selfReport else {
                    throw ValidationError(field: "mode", message: "mode must be interview or paper (patients answer through links)")
                }
                return mode
            } ?? .paper
        let (response, alerts) = try await record(
            patient: id, instrumentName: input.instrument, answers: input.answers,
            context: try MeasurementContext.parse(input.context ?? "follow-up"),
            mode: mode, answeredAt: input.answeredAt, who: context.auditContext
        )
        struct Result: Encodable {
            let response: ResponseDTO
            let alerts: [AlertDTO]
        }
        return try jsonResponse(Result(response: ResponseDTO(response), alerts: alerts.map(AlertDTO.init)), status: .created)
    }

    @Sendable func createLink(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        struct Input: Decodable {
            let instruments: [String]
            let context: String?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["instruments", "context"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let created = try await createLink(
            patient: id, instruments: input.instruments, context: try MeasurementContext.parse(input.context ?? "follow-up"),
            who: context.auditContext
        )
        struct Result: Encodable {
            let url: String
            let token: String
            let instruments: [String]
            let expiresAt: String
        }
        return try jsonResponse(
            Result(
                url: linkURL(token: created.token, request: request), token: created.token, instruments: created.link.instruments,
                expiresAt: Format.iso(created.link.expiresAt)),
            status: .created
        )
    }

    @Sendable func listAlerts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let status = request.query("status") ?? "open"
        guard ["open", "all"].contains(status) else { throw ValidationError(field: "status", message: "status must be open or all") }
        let patient = request.query("patient").map(PatientID.init)
        let clinicID = store.clinicID
        let alerts = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "alert.read", resourceType: "alert", patientID: patient?.rawValue, isRead: true
        ) { db in
            let list = try await MeasurementRepository.alerts(patient: patient, includeAcknowledged: status == "all", clinicID: clinicID, on: db)
            return Audited(list, resourceID: "-", patientID: patient?.rawValue, detail: "results=\(list.count)")
        }
        struct Page: Encodable { let alerts: [AlertDTO] }
        return try jsonResponse(Page(alerts: alerts.map(AlertDTO.init)))
    }

    @Sendable func acknowledge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let alertID = try context.parameters.require("alertID")
        struct Input: Decodable { let note: String }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["note"])
        let input = try StrictJSON.decode(Input.self, from: object)
        return try jsonResponse(AlertDTO(try await acknowledgeAlert(alertID, note: input.note, context: context)))
    }
}
