import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import NIOCore

// MARK: - The session as values (one shape for the API and the templates)

extension SessionController {
    private func iso(_ date: Date) -> String { Format.iso(date) }
    private func text(_ date: Date) -> String { pages.dateTime(date) }
    private func clock(_ date: Date) -> String { String(pages.dateTime(date).suffix(5)) }

    static let stateLabels: [String: String] = [
        "checked_in": "Checked in", "pre_dose_checks": "Pre-dose checks", "dosing": "Dosing", "monitoring": "Monitoring",
        "recovery": "Recovery", "ready_for_discharge": "Ready for discharge", "discharged": "Discharged", "stopped_early": "Stopped early",
    ]

    func orderValues(_ order: StoredDoseOrder) -> [String: Any] {
        var values: [String: Any] = [
            "id": order.id, "route": order.route.rawValue, "dose_text": "\(order.doseAmount) \(order.doseUnit)",
            "dose_mg": order.doseMg.approximateDoubleValue, "dose_mg_text": "\(order.doseMg) mg", "limit_status": order.limitStatus,
            "ordered_by": order.orderedBy, "ordered_at": iso(order.orderedAt), "ordered_at_text": text(order.orderedAt),
            "is_verified": order.isVerified, "is_soft": order.limitStatus == "soft",
        ]
        if let volume = order.volumeMl { values["volume_ml"] = volume.approximateDoubleValue }
        if let rate = order.rateMlPerH { values["rate_ml_per_h"] = rate.approximateDoubleValue }
        if let minutes = order.infusionMinutes { values["infusion_min"] = minutes.approximateDoubleValue }
        if let concentration = order.concentration { values["concentration_mg_per_ml"] = concentration.approximateDoubleValue }
        if let devices = order.devices { values["devices"] = devices }
        if let weight = order.weightKg { values["weight_kg"] = weight.approximateDoubleValue }
        if let at = order.weightMeasuredAt { values["weight_measured_on"] = String(iso(at).prefix(10)) }
        if let message = order.limitMessage { values["limit_message"] = message }
        if let reason = order.overrideReason { values["override_reason"] = reason }
        if let by = order.verifiedBy, let at = order.verifiedAt {
            values["verified_by"] = by
            values["verified_role"] = order.verifiedRole?.rawValue ?? ""
            values["verified_at"] = iso(at)
            values["verified_at_text"] = text(at)
        }
        if let report = try? JSONSerialization.jsonObject(with: Data(order.reportJSON.utf8)) as? [String: Any] {
            values["summary"] = report["summary"] as? String ?? ""
        }
        return values
    }

    func timelineText(_ event: SessionEvent) -> String {
        switch event.kind {
        case SessionEventKind.transition:
            guard let step = try? event.payload(SessionTransition.self) else { return event.kind }
            if step.from == step.to { return "checked in" }
            return "\(step.from.name) → \(step.to.name)" + (step.reason.map { " (\($0))" } ?? "")
        case SessionEventKind.vitals:
            guard let p = try? event.payload(VitalsPayload.self) else { return event.kind }
            let v = p.vitals
            return
                "vitals (\(p.phase.replacingOccurrences(of: "_", with: "-"))): BP \(v.systolic)/\(v.diastolic), HR \(v.heartRate), SpO2 \(v.spo2)%, RR \(v.respiratoryRate)"
        case SessionEventKind.assessment:
            guard let p = try? event.payload(AssessmentPayload.self) else { return event.kind }
            return "\(p.instrument == "moaas" ? "MOAA/S" : "CADSS") \(p.score) (\(p.phase.replacingOccurrences(of: "_", with: "-")))"
        case SessionEventKind.checks:
            return "pre-dose checks confirmed"
        case SessionEventKind.sideEffects:
            guard let check = try? event.payload(SideEffectCheck.self) else { return event.kind }
            return "side effects: \(Self.sideEffectsText(check))" + (check.note.map { " — \($0)" } ?? "")
        case SessionEventKind.rescueMedication:
            guard let given = try? event.payload(RescueMedication.self) else { return event.kind }
            return "rescue medication: \(Self.rescueText(given)), given by \(given.givenBy)"
        case SessionEventKind.discharge:
            guard let d = try? event.payload(DischargeDecision.self) else { return event.kind }
            return d.override.map { "ready for discharge by prescriber override: \($0.reason)" } ?? "discharge criteria met"
        default:
            guard let p = try? event.payload(NotePayload.self) else { return event.kind }
            var line = p.note
            if event.kind == SessionEventKind.infusion { line = "infusion \(p.note)" }
            if let reason = p.reason { line += " — \(reason)" }
            return line
        }
    }

    /// "none", or "Nausea (mild), Vomiting".
    static func sideEffectsText(_ check: SideEffectCheck) -> String {
        check.isNone ? "none" : check.ticked.map { $0.label + ($0.severity.map { " (\($0.rawValue))" } ?? "") }.joined(separator: ", ")
    }

    /// "ondansetron 4 mg iv (nausea)".
    static func rescueText(_ given: RescueMedication) -> String {
        "\(given.drug) \(given.dose.value) mg \(given.route)" + (given.indication.map { " (\($0))" } ?? "")
    }

    func sideEffectValues(id: String, at: Date, by: String, _ check: SideEffectCheck) -> [String: Any] {
        var row: [String: Any] = [
            "id": id, "at": iso(at), "time": clock(at), "by": by, "is_none": check.isNone,
            "text": Self.sideEffectsText(check),
            "side_effects": check.ticked.map { t -> [String: Any] in
                var item: [String: Any] = ["code": t.code, "label": t.label]
                if let severity = t.severity { item["severity"] = severity.rawValue }
                return item
            },
        ]
        if let note = check.note { row["note"] = note }
        return row
    }

    func rescueValues(id: String, _ given: RescueMedication) -> [String: Any] {
        var row: [String: Any] = [
            "id": id, "drug": given.drug, "dose_mg": given.dose.value.approximateDoubleValue, "dose_text": "\(given.dose.value) mg",
            "route": given.route, "given_at": iso(given.givenAt), "time": clock(given.givenAt), "given_by": given.givenBy,
        ]
        if let indication = given.indication { row["indication"] = indication }
        return row
    }

    /// Everything about the session as JSON-ready values (snake_case keys; numbers as numbers, dates as ISO 8601 strings).
    func sessionValues(_ file: SessionFile, patient: Patient, policy: ClinicPolicy, now: Date) -> [String: Any] {
        let s = file.session
        var values: [String: Any] = [
            "id": s.id, "patient_id": patient.id.rawValue, "patient_name": patient.demographics.displayName, "mrn": patient.demographics.mrn,
            "route": s.route.rawValue, "state": s.state.name, "state_label": Self.stateLabels[s.state.name] ?? s.state.name, "version": s.version,
            "is_signed": s.isSigned, "created_at": iso(s.createdAt), "created_at_text": text(s.createdAt), "created_by": s.createdBy,
            "updated_by": s.updatedBy, "updated_at": iso(s.updatedAt),
        ]
        if case .stoppedEarly(let reason) = s.state { values["stop_reason"] = reason }
        if let by = s.signedBy, let at = s.signedAt {
            values["signed_by"] = by
            values["signed_at"] = iso(at)
            values["signed_at_text"] = text(at)
        }
        if let at = s.dosingStart {
            values["dosing_start"] = iso(at)
            values["dosing_start_text"] = text(at)
        }
        if let at = s.dosingEnd {
            values["dosing_end"] = iso(at)
            values["dosing_end_text"] = text(at)
        }
        if let at = s.readyAt {
            values["ready_at"] = iso(at)
            values["ready_at_text"] = text(at)
        }
        if let mg = s.administeredMg { values["administered_mg"] = mg.approximateDoubleValue }
        if let order = file.order { values["order"] = orderValues(order) }
        if let c = s.checks {
            var checks: [String: Any] = [
                "identity": c.identity, "consent": c.consent, "eligibility": c.eligibility, "fasting": c.fasting, "escort": c.escort,
                "pregnancy": c.pregnancy.rawValue, "medications_reviewed": c.medicationsReviewed, "questionnaires_done": c.questionnairesDone,
                "confirmed_by": c.confirmedBy, "confirmed_at": iso(c.confirmedAt),
            ]
            if let waiver = c.questionnaireWaiver { checks["questionnaire_waiver"] = waiver }
            values["checks"] = checks
        }
        if s.dosingStart == nil && !s.state.isTerminal {
            let unmet = file.preDoseChecks(now: now).unmetItems(route: s.route, now: now, policy: policy.sessions)
            values["pre_dose_unmet"] = unmet.map { ["item": $0.item.rawValue, "label": Self.itemLabel($0.item), "reason": $0.reason] }
            values["has_pre_dose_unmet"] = !unmet.isEmpty
        }
        values["vitals"] = file.vitals.map { entry -> [String: Any] in
            let v = entry.payload.vitals
            var row: [String: Any] = [
                "at": iso(entry.at), "time": clock(entry.at), "systolic": v.systolic, "diastolic": v.diastolic, "heart_rate": v.heartRate,
                "spo2": v.spo2, "respiratory_rate": v.respiratoryRate, "phase": entry.payload.phase,
            ]
            if let t = v.temperatureCelsius { row["temperature"] = t.approximateDoubleValue }
            return row
        }
        values["alerts"] = file.alerts.map { a -> [String: Any] in
            var row: [String: Any] = [
                "id": a.id, "key": a.key, "signal": a.signal, "level": a.level.rawValue, "threshold": a.threshold, "action": a.action,
                "raised_at": iso(a.raisedAt), "time": clock(a.raisedAt), "is_open": a.isOpen, "is_critical": a.level >= .stopDosing,
                "session_id": s.id,
            ]
            if let observed = a.observed { row["observed"] = observed }
            if let by = a.acknowledgedBy, let at = a.acknowledgedAt {
                row["acknowledged_by"] = by
                row["acknowledged_at"] = iso(at)
                row["acknowledged_time"] = clock(at)
                row["action_taken"] = a.actionTaken ?? ""
            }
            return row
        }
        values["open_alert_count"] = file.alerts.filter(\.isOpen).count
        values["has_vitals"] = !file.vitals.isEmpty
        values["has_assessments"] = !file.assessments("moaas").isEmpty || !file.assessments("cadss").isEmpty
        values["assessments"] = file.events.filter { $0.kind == SessionEventKind.assessment }.compactMap { e -> [String: Any]? in
            guard let p = try? e.payload(AssessmentPayload.self) else { return nil }
            return [
                "at": iso(e.occurredAt), "time": clock(e.occurredAt), "instrument": p.instrument,
                "label": p.instrument == "moaas" ? "MOAA/S" : "CADSS", "score": p.score, "phase": p.phase,
            ]
        }
        let sideEffectChecks = file.events.filter { $0.kind == SessionEventKind.sideEffects }.compactMap { e in
            (try? e.payload(SideEffectCheck.self)).map { sideEffectValues(id: e.id, at: e.occurredAt, by: e.recordedBy, $0) }
        }
        values["side_effect_checks"] = sideEffectChecks
        values["has_side_effect_checks"] = !sideEffectChecks.isEmpty
        let rescue = file.events.filter { $0.kind == SessionEventKind.rescueMedication }.compactMap { e in
            (try? e.payload(RescueMedication.self)).map { rescueValues(id: e.id, $0) }
        }
        values["rescue_medications"] = rescue
        values["has_rescue_medications"] = !rescue.isEmpty
        values["adverse_events"] = file.adverseEvents.map { stored -> [String: Any] in
            let e = stored.event
            return [
                "id": stored.id, "term": e.term, "grade": e.grade.value, "grade_definition": e.grade.definition, "serious": e.isSerious,
                "seriousness": e.seriousness.map(\.rawValue).sorted().joined(separator: ", "), "outcome": e.outcome.rawValue,
                "action": e.action.rawValue, "relatedness": e.relatedness.rawValue, "onset": iso(e.onset), "time": clock(e.onset),
                "reporter": e.reporter, "has_reports": !stored.obligations.isEmpty,
                "reports": stored.obligations.map { o -> [String: Any] in
                    var row: [String: Any] = ["name": o.name, "recipient": o.recipient, "mandatory": o.isMandatory]
                    if let due = o.dueBy {
                        row["due_by"] = iso(due)
                        row["due_by_text"] = text(due)
                    }
                    return row
                },
            ]
        }
        values["timeline"] = file.events.map { e -> [String: Any] in
            ["at": iso(e.occurredAt), "time": clock(e.occurredAt), "kind": e.kind, "by": e.recordedBy, "role": e.role, "text": timelineText(e)]
        }
        if let due = Self.nextVitalsDue(file, policy: policy, now: now) {
            values["next_vitals_due"] =
                [
                    "due_at": iso(due.dueAt), "due_at_text": clock(due.dueAt), "is_overdue": due.isOverdue,
                    "seconds_remaining": Int(due.secondsRemaining.rounded()),
                ] as [String: Any]
        }
        if let prediction = try? Self.prediction(file, policy: policy) {
            var pk: [String: Any] = [
                "model": prediction.model.name, "peak_ng_per_ml": (prediction.peak.concentration.value * 10).rounded() / 10,
                "peak_min": (prediction.peak.minute * 10).rounded() / 10,
            ]
            if let below = prediction.belowLevel {
                pk["level_ng_per_ml"] = below.level.value
                if let minute = below.crossing.minute { pk["below_level_min"] = (minute * 10).rounded() / 10 }
            }
            values["pk"] = pk
        }
        values.merge(monitoringValues(file, policy: policy, now: now)) { a, _ in a }  // DOMAIN.md §3.3, §3.4, §7.1
        return values
    }

    /// The two charts for the run-sheet and print view.
    func chartValues(_ file: SessionFile, patient: Patient, policy: ClinicPolicy) -> [String: Any] {
        var values: [String: Any] = [:]
        let warn = policy.sessions.alerts.first { $0.key == "alerts.sbp.warning" }
        let stop = policy.sessions.alerts.first { $0.key == "alerts.sbp.critical" }
        let lines = [warn, stop].compactMap { $0 }.map { ($0.limit.approximateDoubleValue, "\($0.name) (\($0.level.rawValue))") }
        let chart = VitalsChart(
            title: "Vitals, \(patient.demographics.displayName)", points: file.vitals.map { .init(date: $0.at, vitals: $0.payload.vitals) },
            systolicLines: lines, timeZone: dependencies.timeZone)
        if !file.vitals.isEmpty { values["vitals_svg"] = chart.svg(id: "vitals-chart") }
        if let prediction = try? Self.prediction(file, policy: policy) {
            var markers: [PKChart.Marker] = []
            if let start = file.session.dosingStart {
                markers.append(.init(minute: 0, label: "start"))
                for event in file.events where event.kind == SessionEventKind.infusion {
                    let note = (try? event.payload(NotePayload.self))?.note ?? "event"
                    markers.append(.init(minute: event.occurredAt.timeIntervalSince(start) / 60, label: note))
                }
                if let end = file.session.dosingEnd { markers.append(.init(minute: end.timeIntervalSince(start) / 60, label: "stop")) }
            }
            let pk = PKChart(
                title: "Predicted ketamine plasma concentration (\(prediction.model.name))", times: prediction.curve.timesMinutes,
                concentrations: prediction.curve.concentrationsNgPerML,
                peak: (prediction.peak.minute, prediction.peak.concentration.value),
                level: prediction.belowLevel.map { ($0.level.value, $0.crossing.minute) }, markers: markers)
            values["pk_svg"] = pk.svg(id: "pk-chart")
            values["pk_description"] = pk.description
            values["pk_rows"] = pk.tableRows
            values["pk_caveats"] = prediction.caveats
        }
        return values
    }
}

// MARK: - HTML

extension SessionController {
    func renderRunSheet(
        _ id: String, context: AppRequestContext, error: APIError? = nil, template: String = "session", form: [String: String] = [:]
    ) async throws -> Response {
        let (file, patient, policy) = try await loadFile(id, context: context, channel: template == "session" ? "html" : "print")
        let now = dependencies.now()
        var values = sessionValues(file, patient: patient, policy: policy, now: now).merging(chartValues(file, patient: patient, policy: policy)) {
            a, _ in a
        }
        let role = context.session!.user.role
        let matrix = dependencies.matrix
        let state = file.session.state
        let locked = file.session.isSigned
        values["can_order"] = matrix.allows(role, .orderDose) && file.order == nil && !state.isTerminal && file.session.dosingStart == nil
        values["can_withdraw"] =
            matrix.allows(role, .orderDose) && file.order != nil && file.session.dosingStart == nil
            && (state == .checkedIn || state == .preDoseChecks)
        values["can_verify"] =
            matrix.allows(role, .verifyDose) && file.order.map { !$0.isVerified && $0.orderedBy != context.auditContext.actor } == true
        values["can_run"] = matrix.allows(role, .runSession) && !locked
        values["can_override"] = matrix.allows(role, .overrideDischarge)
        let pregnancy = file.session.checks?.pregnancy ?? .unknown
        values["pregnancy_options"] = [
            (PregnancyStatus.unknown, "unknown"), (.notApplicable, "not applicable"), (.notPregnant, "not pregnant"), (.pregnant, "pregnant"),
        ].map { ["value": $0.0.rawValue, "label": $0.1, "selected": $0.0 == pregnancy] as [String: Any] }
        let isDirector = context.session?.user.isMedicalDirector ?? false
        values["can_override_pre_dose"] =
            matrix.allows(role, .overridePreDose) && file.session.dosingStart == nil && (state == .checkedIn || state == .preDoseChecks)
        values["pre_dose_override_items"] = PreDoseOverrideItem.allCases.filter { !$0.needsMedicalDirector || isDirector }.map {
            ["value": $0.rawValue, "label": Self.overrideLabel($0)]
        }
        values["is_medical_director"] = isDirector
        values["has_pre_dose_overrides"] = !file.preDoseOverrides.isEmpty
        values["pre_dose_overrides"] = file.preDoseOverrides.map { o -> [String: Any] in
            [
                "label": Self.overrideLabel(o.item), "by": o.by, "reason": o.reason, "time": clock(o.at),
                "as_director": o.isMedicalDirector,
            ]
        }
        values["can_sign"] = matrix.allows(role, .signSession) && state.isTerminal && !locked
        values["can_amend"] = matrix.allows(role, .signSession) && locked
        for name in SessionState.path.map(\.name) + ["stopped_early"] { values["is_\(name)"] = state.name == name }
        values["is_pre_dose"] = state == .checkedIn || state == .preDoseChecks
        values["is_active"] = !state.isTerminal
        values["is_in_session"] = [.dosing, .monitoring, .recovery, .readyForDischarge].contains(state)
        values["is_ivish"] = file.session.route == .intravenous || file.session.route == .intravenousEsketamine
        values["side_effect_items"] = policy.sessions.sideEffects.map { item -> [String: Any] in
            var row: [String: Any] = ["code": item.code, "label": item.label]
            if let level = item.alertLevel { row["alert_level"] = level.rawValue }
            return row
        }
        values["severity_options"] = SideEffectSeverity.allCases.map { ["value": $0.rawValue] }
        values["rescue_drugs"] = policy.sessions.rescueMedications.drugs.map {
            ["name": $0.name, "indication": $0.indication, "max_dose_mg": "\($0.maxDoseMg)"]
        }
        values["rescue_routes"] = policy.sessions.rescueMedications.routes.value.map { ["value": $0] }
        values["grades"] = (1...5).map { ["value": $0, "label": "Grade \($0): \((try? CTCAEGrade($0))?.definition ?? "")"] }
        values["seriousness_options"] = SeriousnessCriterion.allCases.map { ["value": $0.rawValue] }
        values["action_options"] = AdverseEventAction.allCases.map { ["value": $0.rawValue] }
        values["outcome_options"] = AdverseEventOutcome.allCases.map { ["value": $0.rawValue] }
        if state == .preDoseChecks, matrix.allows(role, .recordLedger) {
            let clinicID = store.clinicID
            let today = LocalDate(utcDayOf: now)
            let stock = try await store.database.read { db in try await LedgerRepository.state(clinicID: clinicID, on: db) }.balances(on: today)
                .filter { !$0.isExpired && $0.quantity.amount > 0 }
            values["ledger_stock"] = stock.map { b in
                [
                    "value": "\(b.key.lot.rawValue)|\(b.key.location.rawValue)",
                    "label": "\(LedgerRepository.catalog.products[b.key.product]?.name ?? b.key.product.rawValue) · lot \(b.key.lot.rawValue) · "
                        + "\(b.key.location.rawValue) · \(b.quantity.amount) \(b.quantity.unit.rawValue)",
                ]
            }
            values["has_ledger_stock"] = !stock.isEmpty
        }
        values.merge(dischargeFormValues(file, policy: policy)) { a, _ in a }  // DOMAIN.md §7.2–7.4: the clinic's score
        values["next_state"] = state.next.map { ["name": $0.name, "label": Self.stateLabels[$0.name] ?? $0.name] } as Any
        values["form"] = form
        if let error {
            values["error"] = error.message
            values["error_field"] = error.field ?? ""
        }
        let title = template == "session" ? "Session · \(patient.demographics.displayName)" : "Session record · \(patient.demographics.displayName)"
        return pages.render(template, title: title, values, context: context, status: error?.status ?? .ok)
    }

    @Sendable func runSheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderRunSheet(try sessionID(context), context: context)
    }

    @Sendable func printView(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderRunSheet(try sessionID(context), context: context, template: "session-print")
    }

    /// Runs a form's operation; on success back to the run-sheet, on a refusal the run-sheet with the message beside the form.
    private func formAction(
        _ context: AppRequestContext, anchor: String, _ operation: @Sendable ([String: String]) async throws -> Void
    ) async throws -> Response {
        try await formActionRedirecting(
            context, anchor: anchor,
            { form -> String? in
                try await operation(form)
                return nil
            })
    }

    /// As above; the operation may name another anchor (the alerts, when it raised one, so the nurse sees it at once).
    private func formActionRedirecting(
        _ context: AppRequestContext, anchor: String, _ operation: @Sendable ([String: String]) async throws -> String?
    ) async throws -> Response {
        let id = try sessionID(context)
        let form = FormBody.parse(context.body)
        do {
            let target = try await operation(form) ?? anchor
            return Pages.redirect("/sessions/\(id)#\(target)")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard [.unprocessableContent, .conflict, .badRequest].contains(apiError.status) else { throw error }
            return try await renderRunSheet(id, context: context, error: apiError, form: form)
        }
    }

    private static func int(_ form: [String: String], _ key: String) throws -> Int? {
        guard let text = form[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw SessionError(.outOfRange, field: key, message: "\(key) must be a whole number; got '\(text)'") }
        return value
    }

    private static func requireInt(_ form: [String: String], _ key: String) throws -> Int {
        guard let value = try int(form, key) else { throw SessionError(.missing, field: key, message: "\(key) is required") }
        return value
    }

    private static func double(_ form: [String: String], _ key: String) throws -> Double? {
        guard let text = form[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw SessionError(.outOfRange, field: key, message: "\(key) must be a number; got '\(text)'")
        }
        return value
    }

    private static func flag(_ form: [String: String], _ key: String) -> Bool { ["on", "true", "yes", "1"].contains(form[key] ?? "") }

    @Sendable func checkInFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let patient = PatientID(try context.parameters.require("id"))
        let form = FormBody.parse(context.body)
        let session = try await checkInPatient(patient, route: form["route"], context: context)
        return Pages.redirect("/sessions/\(session.id)")
    }

    @Sendable func orderFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "order") { form in
            let input = OrderInput(
                dose_mg_per_kg: try Self.double(form, "dose_mg_per_kg"), dose_mg: try Self.double(form, "dose_mg"),
                concentration_mg_per_ml: try Self.double(form, "concentration_mg_per_ml"), infusion_min: try Self.double(form, "infusion_min"),
                override_reason: form["override_reason"], weight_change_confirmed: Self.flag(form, "weight_change_confirmed"))
            _ = try await placeOrder(id, input, context: context)
        }
    }

    @Sendable func verifyFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "order") { _ in _ = try await verifyOrder(id, context: context) }
    }

    @Sendable func withdrawFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "order") { form in _ = try await withdrawOrder(id, reason: form["reason"], context: context) }
    }

    /// How a pre-dose item reads on the run-sheet (the API keeps the code in `item`).
    static func itemLabel(_ item: PreDoseItem) -> String {
        switch item {
        case .identity: "Identity"
        case .consent: "Consent"
        case .eligibility: "Eligibility"
        case .suicideRisk: "Suicide risk"
        case .doseOrderVerified: "Dose order"
        case .vitals: "Vitals"
        case .questionnaires: "Questionnaires"
        case .fasting: "Fasting"
        case .escort: "Escort"
        case .pregnancy: "Pregnancy"
        case .medications: "Medications"
        }
    }

    /// How an override item reads on the run-sheet.
    static func overrideLabel(_ item: PreDoseOverrideItem) -> String {
        switch item {
        case .vitals: "Blood pressure (caution/hold; a block needs the medical director)"
        case .pregnancy: "Pregnancy (medical director, §3.3)"
        case .suicideRisk: "C-SSRS high risk today (medical director, §1.9)"
        case .records: "Consent/screening on paper (medical director; name the record)"
        }
    }

    @Sendable func preDoseOverrideFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "checks") { form in
            _ = try await overridePreDose(id, PreDoseOverrideInput(item: form["item"] ?? "", reason: form["reason"] ?? ""), context: context)
        }
    }

    @Sendable func preDoseOverride(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        _ = try await overridePreDose(id, try decode(PreDoseOverrideInput.self, keys: PreDoseOverrideInput.keys, context: context), context: context)
        return try await sessionResponse(id, status: .created)
    }

    @Sendable func checksFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "checks") { form in
            let input = ChecksInput(
                version: try Self.requireInt(form, "version"), identity: Self.flag(form, "identity"), consent: Self.flag(form, "consent"),
                eligibility: Self.flag(form, "eligibility"), fasting: Self.flag(form, "fasting"), escort: Self.flag(form, "escort"),
                pregnancy: form["pregnancy"], medications_reviewed: Self.flag(form, "medications_reviewed"),
                questionnaires_done: Self.flag(form, "questionnaires_done"), questionnaire_waiver: form["questionnaire_waiver"])
            _ = try await confirmChecks(id, input, context: context)
        }
    }

    @Sendable func vitalsFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formActionRedirecting(
            context, anchor: "vitals",
            { form -> String? in
                let input = VitalsInput(
                    systolic: try Self.requireInt(form, "systolic"), diastolic: try Self.requireInt(form, "diastolic"),
                    heart_rate: try Self.requireInt(form, "heart_rate"), spo2: try Self.requireInt(form, "spo2"),
                    respiratory_rate: try Self.requireInt(form, "respiratory_rate"), temperature: try Self.double(form, "temperature"))
                let result = try await recordVitals(id, input, context: context)
                return result.alerts.isEmpty ? nil : "alerts"
            })
    }

    @Sendable func acknowledgeFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        let alertID = try context.parameters.require("alertID")
        return try await formAction(context, anchor: "alerts") { form in
            _ = try await acknowledgeAlert(id, alertID: alertID, actionTaken: form["action_taken"] ?? "", context: context)
        }
    }

    @Sendable func assessmentFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formActionRedirecting(
            context, anchor: "assessments",
            { form -> String? in
                let alerts = try await recordAssessment(
                    id, instrument: form["instrument"] ?? "", score: try Self.int(form, "score"), context: context)
                return alerts.isEmpty ? nil : "alerts"
            })
    }

    @Sendable func adverseEventFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "adverse-events") { form in
            let serious = SeriousnessCriterion.allCases.map(\.rawValue).filter { Self.flag(form, "serious_\($0)") }
            let input = AdverseEventInput(
                term: form["term"] ?? "", grade: try Self.requireInt(form, "grade"), seriousness: serious, relatedness: form["relatedness"],
                expected: form["expected"].map { $0 != "false" }, action: form["action"], treatment: form["treatment"], outcome: form["outcome"])
            _ = try await recordAdverseEvent(id, input, context: context)
        }
    }

    /// The side-effect form: a `side_effect_<code>` box per checklist item, a `severity_<code>` choice beside each, a `none` box.
    @Sendable func sideEffectsFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formActionRedirecting(
            context, anchor: "side-effects",
            { form -> String? in
                let prefix = "side_effect_"
                let ticked = form.keys.filter { $0.hasPrefix(prefix) && Self.flag(form, $0) }.map { String($0.dropFirst(prefix.count)) }.sorted()
                let isNone = Self.flag(form, "none")
                if ticked.isEmpty && !isNone {
                    throw SessionError(.missing, field: "side_effects", message: "tick the side effects seen, or None")
                }
                if !ticked.isEmpty && isNone {
                    throw SessionError(.inconsistent, field: "none", message: "None is ticked together with side effects; tick one or the other")
                }
                var severities: [String: String] = [:]
                for code in ticked { if let severity = form["severity_\(code)"], !severity.isEmpty { severities[code] = severity } }
                let input = SideEffectsInput(side_effects: ticked, severities: severities, note: form["note"])
                let result = try await recordSideEffects(id, input, context: context)
                return result.alerts.isEmpty ? nil : "alerts"
            })
    }

    @Sendable func rescueMedicationFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "rescue-medications") { form in
            guard let dose = try Self.double(form, "dose_mg") else {
                throw SessionError(.missing, field: "dose_mg", message: "dose_mg is required: the amount given, in mg")
            }
            let input = RescueMedicationInput(
                drug: form["drug"] ?? "", dose_mg: dose, route: form["route"] ?? "", indication: form["indication"], given_at: nil)
            _ = try await recordRescueMedication(id, input, context: context)
        }
    }

    @Sendable func infusionFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "state") { form in
            _ = try await recordInfusion(id, action: form["action"] ?? "", context: context)
        }
    }

    @Sendable func transitionFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "state") { form in
            let draw = try Self.ledgerDraw(form)
            _ = try await move(
                id, to: form["to"] ?? "", reason: form["reason"].flatMap { $0.isEmpty ? nil : $0 }, version: try Self.requireInt(form, "version"),
                ledger: draw, context: context)
        }
    }

    /// The optional controlled-substance draw sent with the move to dosing (form fields or flat JSON keys of the same names).
    static func ledgerDraw(_ form: [String: String]) throws -> LedgerDraw? {
        if let stock = form["ledger_stock"], !stock.isEmpty {
            let parts = stock.split(separator: "|").map(String.init)
            guard parts.count == 2 else { throw ValidationError(field: "ledger_stock", message: "choose a lot from the list") }
            func number(_ name: String) throws -> Decimal? {
                guard let text = form[name], !text.isEmpty else { return nil }
                guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                    throw ValidationError(field: name, message: "\(name) must be a number")
                }
                return value
            }
            guard let drawn = try number("ledger_drawn") else {
                throw ValidationError(field: "ledger_drawn", message: "ledger_drawn is required: the amount drawn from the container")
            }
            let witness = form["witness"].flatMap { $0.isEmpty ? nil : StaffSignature(username: $0, password: form["witness_password"] ?? "") }
            return LedgerDraw(
                lot: LotID(parts[0]), location: LocationID(parts[1]), container: form["ledger_container"].flatMap { Int($0) }, drawn: drawn,
                wasted: try number("ledger_wasted") ?? 0, wasteMethod: form["ledger_waste_method"], witness: witness)
        }
        return nil
    }

    @Sendable func dischargeFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "discharge") { form in
            _ = try await assessDischarge(id, try Self.dischargeInput(form), context: context)
        }
    }

    @Sendable func signFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        return try await formAction(context, anchor: "sign") { form in
            _ = try await signSession(id, version: try Self.requireInt(form, "version"), context: context)
        }
    }
}

// MARK: - API

extension SessionController {
    /// A JSON object answer built from values (the same values the templates get).
    func jsonObject(_ value: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The session after a write, read back without a second audit event (the write was audited with its transaction).
    private func sessionResponse(_ id: String, status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinicID = store.clinicID
        let (file, patient, policy) = try await store.database.read { db in
            let file = try await SessionRepository.load(id: id, clinicID: clinicID, on: db)
            let patient = try await PatientRepository.require(id: file.session.patientID, clinicID: clinicID, on: db)
            return (file, patient, try await PolicyRepository.current(clinicID: clinicID, on: db).policy)
        }
        return try jsonObject(sessionValues(file, patient: patient, policy: policy, now: dependencies.now()), status: status)
    }

    private func decode<T: Decodable>(_ type: T.Type, keys: Set<String>, context: AppRequestContext) throws -> T {
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: keys)
        return try StrictJSON.decode(T.self, from: object)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let patient = PatientID(try context.parameters.require("id"))
        let clinicID = store.clinicID
        let sessions = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "session.list", resourceType: "patient", resourceID: patient.rawValue,
            patientID: patient.rawValue, isRead: true
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            return Audited(try await SessionRepository.list(patient: patient, clinicID: clinicID, on: db), resourceID: patient.rawValue)
        }
        return try jsonObject([
            "sessions": sessions.map { s -> [String: Any] in
                var row: [String: Any] = [
                    "id": s.id, "route": s.route.rawValue, "state": s.state.name, "version": s.version, "is_signed": s.isSigned,
                    "created_at": Format.iso(s.createdAt),
                ]
                if let mg = s.administeredMg { row["administered_mg"] = mg.approximateDoubleValue }
                return row
            }
        ])
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { let route: String }
        let input = try decode(Input.self, keys: ["route"], context: context)
        let session = try await checkInPatient(PatientID(try context.parameters.require("id")), route: input.route, context: context)
        return try await sessionResponse(session.id, status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (file, patient, policy) = try await loadFile(try sessionID(context), context: context, channel: "api")
        return try jsonObject(sessionValues(file, patient: patient, policy: policy, now: dependencies.now()))
    }

    @Sendable func pk(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (file, _, policy) = try await loadFile(try sessionID(context), context: context, channel: "api pk")
        guard let prediction = try Self.prediction(file, policy: policy) else {
            throw SessionError(.missing, field: "order", message: "the session has no dose order to predict from")
        }
        return try jsonResponse(PKReport(prediction, policy: policy.pharmacokinetics))
    }

    @Sendable func order(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try decode(OrderInput.self, keys: OrderInput.keys, context: context)
        let order = try await placeOrder(try sessionID(context), input, context: context)
        var body = orderValues(order)
        body["report"] = (try? JSONSerialization.jsonObject(with: Data(order.reportJSON.utf8))) ?? [:]
        return try jsonObject(body, status: .created)
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        try jsonObject(orderValues(try await verifyOrder(try sessionID(context), context: context)))
    }

    struct WithdrawInput: Decodable, Sendable {
        var reason: String?
        static let keys: Set<String> = ["reason"]
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try decode(WithdrawInput.self, keys: WithdrawInput.keys, context: context)
        var body = orderValues(try await withdrawOrder(try sessionID(context), reason: input.reason, context: context))
        body["withdrawn"] = true
        return try jsonObject(body)
    }

    @Sendable func checks(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        _ = try await confirmChecks(id, try decode(ChecksInput.self, keys: ChecksInput.keys, context: context), context: context)
        return try await sessionResponse(id)
    }

    @Sendable func vitals(_ request: Request, context: AppRequestContext) async throws -> Response {
        let result = try await recordVitals(
            try sessionID(context), try decode(VitalsInput.self, keys: VitalsInput.keys, context: context), context: context)
        return try jsonObject(
            [
                "id": result.eventID, "phase": result.phase, "version": result.version,
                "alerts": result.alerts.map { a -> [String: Any] in
                    var row: [String: Any] = ["id": a.id, "key": a.key, "level": a.level.rawValue, "threshold": a.threshold, "action": a.action]
                    if let observed = a.observed { row["observed"] = observed }
                    return row
                },
            ], status: .created)
    }

    @Sendable func acknowledge(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { let action_taken: String }
        let id = try sessionID(context)
        let input = try decode(Input.self, keys: ["action_taken"], context: context)
        _ = try await acknowledgeAlert(id, alertID: try context.parameters.require("alertID"), actionTaken: input.action_taken, context: context)
        return try await sessionResponse(id)
    }

    @Sendable func assessment(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let instrument: String
            let score: Int
        }
        let id = try sessionID(context)
        let input = try decode(Input.self, keys: ["instrument", "score"], context: context)
        let alerts = try await recordAssessment(id, instrument: input.instrument, score: input.score, context: context)
        return try jsonObject(
            ["alerts": alerts.map { ["id": $0.id, "key": $0.key, "level": $0.level.rawValue, "threshold": $0.threshold, "action": $0.action] }],
            status: .created)
    }

    @Sendable func adverseEvent(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        let stored = try await recordAdverseEvent(
            id, try decode(AdverseEventInput.self, keys: AdverseEventInput.keys, context: context), context: context)
        return try jsonObject(
            [
                "id": stored.id, "term": stored.event.term, "grade": stored.event.grade.value, "serious": stored.event.isSerious,
                "reports": stored.obligations.map { o -> [String: Any] in
                    var row: [String: Any] = ["id": o.id, "name": o.name, "recipient": o.recipient, "mandatory": o.isMandatory]
                    if let due = o.dueBy { row["due_by"] = Format.iso(due) }
                    return row
                },
            ], status: .created)
    }

    @Sendable func sideEffects(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        let input = try decode(SideEffectsInput.self, keys: SideEffectsInput.keys, context: context)
        let result = try await recordSideEffects(id, input, context: context)
        var body = sideEffectValues(id: result.eventID, at: result.recordedAt, by: context.auditContext.actor, result.check)
        body["version"] = result.version
        body["alerts"] = result.alerts.map { a -> [String: Any] in
            ["id": a.id, "key": a.key, "level": a.level.rawValue, "threshold": a.threshold, "action": a.action]
        }
        return try jsonObject(body, status: .created)
    }

    @Sendable func rescueMedication(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        let result = try await recordRescueMedication(
            id, try decode(RescueMedicationInput.self, keys: RescueMedicationInput.keys, context: context), context: context)
        var body = rescueValues(id: result.eventID, result.medication)
        body["version"] = result.version
        return try jsonObject(body, status: .created)
    }

    @Sendable func infusion(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { let action: String }
        let id = try sessionID(context)
        _ = try await recordInfusion(id, action: try decode(Input.self, keys: ["action"], context: context).action, context: context)
        return try await sessionResponse(id)
    }

    @Sendable func transition(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let to: String
            let reason: String?
            let version: Int
            let ledger_stock: String?
            let ledger_container: Int?
            let ledger_drawn: Double?
            let ledger_wasted: Double?
            let ledger_waste_method: String?
            let witness: String?
            let witness_password: String?
        }
        let id = try sessionID(context)
        let input = try decode(
            Input.self,
            keys: [
                "to", "reason", "version", "ledger_stock", "ledger_container", "ledger_drawn", "ledger_wasted", "ledger_waste_method", "witness",
                "witness_password",
            ], context: context)
        var fields: [String: String] = [:]
        fields["ledger_stock"] = input.ledger_stock
        fields["ledger_container"] = input.ledger_container.map(String.init)
        fields["ledger_drawn"] = input.ledger_drawn.map { "\($0)" }
        fields["ledger_wasted"] = input.ledger_wasted.map { "\($0)" }
        fields["ledger_waste_method"] = input.ledger_waste_method
        fields["witness"] = input.witness
        fields["witness_password"] = input.witness_password
        _ = try await move(id, to: input.to, reason: input.reason, version: input.version, ledger: try Self.ledgerDraw(fields), context: context)
        return try await sessionResponse(id)
    }

    @Sendable func discharge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try sessionID(context)
        _ = try await assessDischarge(id, try decode(DischargeInput.self, keys: DischargeInput.keys, context: context), context: context)
        return try await sessionResponse(id)
    }

    @Sendable func sign(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { let version: Int }
        let id = try sessionID(context)
        _ = try await signSession(id, version: try decode(Input.self, keys: ["version"], context: context).version, context: context)
        return try await sessionResponse(id)
    }

    @Sendable func limitOverrides(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinicID = store.clinicID
        let report = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "report.dose_limit_overrides", resourceType: "report", isRead: true
        ) { db in
            let found = try await SessionRepository.limitOverrides(clinicID: clinicID, on: db)
            return Audited(Report(orders: found.orders, overrides: found.overrides), resourceID: "dose-limit-overrides")
        }
        return try jsonObject([
            "orders": report.orders,
            "limits": report.overrides.map { row -> [String: Any] in
                [
                    "limit": row.limit, "overrides": row.count,
                    "rate": report.orders > 0 ? (Double(row.count) / Double(report.orders) * 1000).rounded() / 1000 : 0,
                ]
            },
        ])
    }

    private struct Report: Sendable {
        let orders: Int
        let overrides: [(limit: String, count: Int)]
    }

    @Sendable func amend(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let text: String
            let reason: String
        }
        let id = try sessionID(context)
        let input = try decode(Input.self, keys: ["text", "reason"], context: context)
        _ = try await addAmendment(id, text: input.text, reason: input.reason, context: context)
        return try await sessionResponse(id, status: .created)
    }
}
