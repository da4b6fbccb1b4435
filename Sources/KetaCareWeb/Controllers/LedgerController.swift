import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import NIOCore
import SQLKit

/// The controlled-substance ledger (issue #6): balances, entries, blind counts, discrepancies, reports and reconciliation.
struct LedgerController {
    let dependencies: AppDependencies

    var store: Store { dependencies.store }
    var pages: Pages { dependencies.pages }

    func register(_ routes: RouteRegistrar) {
        routes.get("/ledger", .readLedger, ledgerPage)
        routes.post("/ledger/entries", .recordLedger, recordFromForm)
        routes.get("/ledger/count", .recordLedger, countPage)
        routes.post("/ledger/counts", .recordLedger, countFromForm)
        routes.post("/ledger/discrepancies/:id/resolve", .manageLedger, resolveFromForm)
        routes.get("/ledger/reports", .readLedger, reportPage)
        routes.get("/ledger/reports.csv", .readLedger, reportCSV)
        routes.get("/ledger/reconciliation", .readLedger, reconciliationPage)
        routes.get("/api/v1/ledger/balances", .readLedger, balancesJSON)
        routes.get("/api/v1/ledger/entries", .readLedger, entriesJSON)
        routes.post("/api/v1/ledger/entries", .recordLedger, record)
        routes.post("/api/v1/ledger/counts", .recordLedger, count)
        routes.get("/api/v1/ledger/discrepancies", .readLedger, discrepanciesJSON)
        routes.post("/api/v1/ledger/discrepancies/:id/resolve", .manageLedger, resolve)
        routes.get("/api/v1/ledger/reports/:kind", .readLedger, reportJSON)
        routes.get("/api/v1/ledger/reconciliation", .readLedger, reconciliationJSON)
        routes.get("/api/v1/ledger/verify", .manageLedger, verifyJSON)
    }

    private func member(_ context: AppRequestContext) throws -> StaffMember {
        guard let user = context.session?.user else { throw APIError.unauthenticated }
        return StaffMember(username: user.username, role: user.role)
    }

    // MARK: - Operations

    /// Builds the draft (a malformed one is audited as a refusal too) and appends it through the audited store path.
    func recordEntry(_ input: LedgerEntryInput, context: AppRequestContext) async throws -> LedgerEntry {
        let recorder = try member(context)
        let clinicID = store.clinicID
        let now = dependencies.now()
        let draft: LedgerDraft
        do {
            let (state, patient) = try await store.database.read { db in
                var patient = input.patientId
                if let text = input.patientId {
                    if let found = try await PatientRepository.find(mrn: text, clinicID: clinicID, on: db) {
                        patient = found.id.rawValue
                    } else if try await PatientRepository.find(id: PatientID(text), clinicID: clinicID, on: db) == nil {
                        throw ValidationError(field: "patientId", message: "no patient \(text) in this clinic (give the MRN or the patient id)")
                    }
                }
                try await Self.checkSessionLinks(input, patient: patient, clinicID: clinicID, on: db)
                return (try await LedgerRepository.state(clinicID: clinicID, on: db), patient)
            }
            draft = try input.draft(state: state, recorder: recorder, patient: patient, now: now)
        } catch let error as any FieldNamingError {
            try? await store.recordEvent(
                context.auditContext, at: now, action: "ledger.\(LedgerEntryKindName(rawValue: input.kind ?? "")?.rawValue ?? "entry")",
                resourceType: "ledger_entry",
                resourceID: input.idempotencyKey,
                outcome: .failed, detail: "invalid field=\(error.field)")
            throw error
        }
        let verified = try await dependencies.authenticator.verifiedSignatures(of: draft, who: context.auditContext, now: now)
        return try await store.recordLedgerEntry(verified, recordedBy: recorder, who: context.auditContext, now: now, timeZone: dependencies.timeZone)
    }

    /// Issue #11: a hand-entered administration's session and dose order must be this clinic's, for this patient, and the
    /// order must be that session's: a ledger line can never point at another patient's (or clinic's) record.
    static func checkSessionLinks(_ input: LedgerEntryInput, patient: String?, clinicID: String, on db: any SQLDatabase) async throws {
        if let sessionID = input.sessionId {
            guard let session = try? await SessionRepository.require(id: sessionID, clinicID: clinicID, on: db) else {
                throw ValidationError(field: "sessionId", message: "no session \(sessionID) in this clinic")
            }
            if let patient, session.patientID.rawValue != patient {
                throw ValidationError(field: "sessionId", message: "session \(sessionID) is another patient's, not \(input.patientId ?? patient)'s")
            }
        }
        if let orderID = input.doseOrderId {
            guard let sessionOfOrder = try await SessionRepository.session(ofOrder: orderID, on: db),
                let session = try? await SessionRepository.require(id: sessionOfOrder, clinicID: clinicID, on: db)
            else { throw ValidationError(field: "doseOrderId", message: "no dose order \(orderID) in this clinic") }
            if let sessionID = input.sessionId, sessionID != sessionOfOrder {
                throw ValidationError(field: "doseOrderId", message: "dose order \(orderID) belongs to session \(sessionOfOrder), not \(sessionID)")
            }
            if let patient, session.patientID.rawValue != patient {
                throw ValidationError(field: "doseOrderId", message: "dose order \(orderID) is another patient's")
            }
        }
    }

    func recordCount(
        lines: [CountLine], locations: [LocationID], moment: BusinessMoment, second: StaffSignature, context: AppRequestContext
    ) async throws -> StoredCount {
        let first = try member(context)
        let clinicID = store.clinicID
        let now = dependencies.now()
        let second = try await dependencies.authenticator.verified(
            second, field: "second_counter_password", who: context.auditContext, now: now, action: "ledger.count", resourceType: "ledger_count")
        return try await store.audited(context.auditContext, at: now, action: "ledger.count", resourceType: "ledger_count") { db in
            let stored = try await LedgerRepository.recordCount(
                lines: lines, locations: locations, moment: moment, firstCounter: first, secondCounter: second, now: now, clinicID: clinicID, on: db)
            return Audited(
                stored, resourceID: stored.count.id,
                detail: "second=\(stored.count.secondCounter.username) discrepancy=\(stored.result.discrepancy?.id ?? "-")")
        }
    }

    func resolveDiscrepancy(
        id: String, note: String, adjustment: LedgerEntryInput?, context: AppRequestContext
    ) async throws -> (Discrepancy, LedgerEntry?) {
        let resolver = try member(context)
        let clinicID = store.clinicID
        let now = dependencies.now()
        let timeZone = dependencies.timeZone
        func signature(_ given: LedgerEntryInput.Witness?, field: String) async throws -> StaffSignature? {
            guard let given, !given.username.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return try await dependencies.authenticator.verified(
                StaffSignature(username: given.username, password: given.password), field: field, who: context.auditContext, now: now,
                action: "ledger.discrepancy.resolve", resourceType: "ledger_discrepancy")
        }
        let witness = try await signature(adjustment?.witness, field: "witness_password")
        let approver = try await signature(adjustment?.approver, field: "approver_password")
        return try await store.audited(
            context.auditContext, at: now, action: "ledger.discrepancy.resolve", resourceType: "ledger_discrepancy", resourceID: id
        ) { [witness, approver] db in
            var draft: LedgerDraft?
            if let adjustment {
                let state = try await LedgerRepository.state(clinicID: clinicID, on: db)
                draft = try adjustment.draft(state: state, recorder: resolver, patient: nil, now: now)
                draft?.witness = witness
                draft?.approver = approver
            }
            let result = try await LedgerRepository.resolve(
                discrepancyID: id, note: note, adjustment: draft, resolver: resolver, now: now, timeZone: timeZone, clinicID: clinicID, on: db)
            return Audited(result, resourceID: id, detail: "adjustment=\(result.1.map { String($0.sequence) } ?? "-")")
        }
    }

    /// Everything the ledger page and the API read, in one audited read (entries name patients).
    struct Snapshot: Sendable {
        let state: LedgerState
        let entries: [LedgerEntry]
        let discrepancies: [Discrepancy]
        let counts: [StoredCount]
    }

    func snapshot(context: AppRequestContext, action: String = "ledger.view") async throws -> Snapshot {
        let clinicID = store.clinicID
        return try await store.audited(context.auditContext, at: dependencies.now(), action: action, resourceType: "ledger", isRead: true) { db in
            let snapshot = Snapshot(
                state: try await LedgerRepository.state(clinicID: clinicID, on: db),
                entries: try await LedgerRepository.entries(clinicID: clinicID, on: db),
                discrepancies: try await LedgerRepository.discrepancies(clinicID: clinicID, on: db),
                counts: try await LedgerRepository.counts(limit: 10, clinicID: clinicID, on: db)
            )
            return Audited(snapshot, resourceID: "-")
        }
    }

    private var today: LocalDate { LedgerCalendar.localDate(of: dependencies.now(), in: dependencies.timeZone) }

    // MARK: - Pages

    @Sendable func ledgerPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderLedger(context: context)
    }

    private func renderLedger(context: AppRequestContext, error: APIError? = nil, form: String? = nil) async throws -> Response {
        let snapshot = try await snapshot(context: context)
        let catalog = LedgerRepository.catalog
        let canManage = context.session.map { dependencies.matrix.allows($0.user.role, .manageLedger) } ?? false
        let balances = snapshot.state.balances(on: today)
        let lots = snapshot.state.lots.values.sorted { ($0.product, $0.lotNumber) < ($1.product, $1.lotNumber) }
        func lotLabel(_ id: LotID) -> String { snapshot.state.lots[id]?.lotNumber ?? id.rawValue }
        let values: [String: Any] = [
            "error": error?.message as Any, "errorField": error?.field as Any, "errorForm": form as Any,
            "balances": balances.map { b in
                [
                    "product": catalog.products[b.key.product]?.name ?? b.key.product.rawValue, "productID": b.key.product.rawValue,
                    "strength": catalog.products[b.key.product]?.strength.description ?? "", "lot": lotLabel(b.key.lot),
                    "location": catalog.locations[b.key.location]?.name ?? b.key.location.rawValue, "quantity": b.quantity.description,
                    "milligrams": "\(b.milligrams.value) mg", "expires": b.expiresOn.description, "isExpired": b.isExpired,
                ] as [String: Any]
            },
            "hasBalances": !balances.isEmpty,
            "products": catalog.sortedProducts.map { ["id": $0.id.rawValue, "label": "\($0.name) \($0.strength) (\($0.containerDescription))"] },
            "locations": catalog.locations.values.sorted { $0.id < $1.id }.map { ["id": $0.id.rawValue, "name": $0.name] },
            "lots": lots.map { lot in
                [
                    "id": lot.id.rawValue,
                    "label":
                        "\(lot.lotNumber) · \(catalog.products[lot.product]?.name ?? "") \(catalog.products[lot.product]?.strength.description ?? "") · exp \(lot.expiresOn)\(lot.isExpired(on: today) ? " (EXPIRED)" : "")",
                ] as [String: Any]
            },
            // A fresh key per rendered form: a double-clicked or re-posted form is refused as a double submission.
            "keys": Dictionary(
                uniqueKeysWithValues: ["receipt", "administration", "waste", "transfer", "destruction"].map { ($0, UUID().uuidString.lowercased()) }),
            "entries": snapshot.entries.suffix(30).reversed().map { e in
                [
                    "sequence": e.sequence, "when": pages.dateTime(e.occurredAt), "kind": e.kind.name.rawValue, "lot": lotLabel(e.kind.lot),
                    "change": "\(e.kind.netChange) \(catalog.products[e.product]?.unit.symbol ?? "")", "by": e.recordedBy.username,
                    "witness": e.witness?.username ?? "", "note": e.note,
                ] as [String: Any]
            },
            "discrepancies": snapshot.discrepancies.map { d in discrepancyValues(d, state: snapshot.state, canManage: canManage) },
            "hasDiscrepancies": !snapshot.discrepancies.isEmpty,
            "canManage": canManage,
        ]
        return pages.render("ledger", title: "Controlled-substance ledger", values, context: context, status: error?.status ?? .ok)
    }

    private func discrepancyValues(_ d: Discrepancy, state: LedgerState, canManage: Bool) -> [String: Any] {
        var values: [String: Any] = [
            "id": d.id, "opened": pages.dateTime(d.openedAt), "isOpen": d.isOpen, "canResolve": canManage && d.isOpen,
            "key": UUID().uuidString.lowercased(),
            "lines": d.lines.map { line in
                [
                    "lot": state.lots[line.key.lot]?.lotNumber ?? line.key.lot.rawValue, "lotID": line.key.lot.rawValue,
                    "location": line.key.location.rawValue, "expected": "\(line.expected) \(line.unit.symbol)",
                    "first": "\(line.firstCount) \(line.unit.symbol)", "second": "\(line.secondCount) \(line.unit.symbol)",
                    "variance": "\(line.variance)",
                ] as [String: Any]
            },
        ]
        if let first = d.lines.first {
            values["adjustLot"] = first.key.lot.rawValue
            values["adjustLocation"] = first.key.location.rawValue
            values["adjustQuantity"] = "\(first.variance)"
        }
        if case .resolved(let r) = d.status {
            values["resolution"] =
                "resolved by \(r.resolvedBy.username) on \(pages.dateTime(r.resolvedAt)): \(r.note)"
                + (r.adjustmentSequence.map { " (adjustment entry \($0))" } ?? "")
        }
        return values
    }

    /// Re-renders the ledger page with the refusal beside the form, or rethrows what is not a person's mistake.
    private func formFailure(_ error: any Error, form: String, context: AppRequestContext) async throws -> Response {
        let apiError = APIError.from(error, timeZone: dependencies.timeZone)
        guard apiError.status != .internalServerError, apiError.status != .forbidden else { throw error }
        return try await renderLedger(context: context, error: apiError, form: form)
    }

    @Sendable func recordFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        do {
            let entry = try await recordEntry(try LedgerEntryInput(form: form), context: context)
            return Pages.redirect("/ledger?recorded=\(entry.sequence)#entries")
        } catch {
            return try await formFailure(error, form: form["kind"] ?? "", context: context)
        }
    }

    @Sendable func countPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinicID = store.clinicID
        // Blind: the page lists what to count, never the ledger's balance.
        let state = try await store.database.read { db in try await LedgerRepository.state(clinicID: clinicID, on: db) }
        let catalog = LedgerRepository.catalog
        var lines: [[String: Any]] = []
        for lot in state.lots.values.sorted(by: { ($0.product, $0.lotNumber) < ($1.product, $1.lotNumber) }) {
            for location in catalog.locations.values.sorted(by: { $0.id < $1.id }) {
                let product = catalog.products[lot.product]
                lines.append([
                    "index": lines.count, "key": "\(lot.product.rawValue)|\(lot.id.rawValue)|\(location.id.rawValue)",
                    "label": "\(product?.name ?? "") \(product?.strength.description ?? "") · lot \(lot.lotNumber) · \(location.name)",
                    "unit": product?.unit.symbol ?? "",
                ])
            }
        }
        return pages.render(
            "ledger-count", title: "Blind count",
            [
                "lines": lines, "hasLines": !lines.isEmpty,
                "locations": catalog.locations.values.sorted { $0.id < $1.id }.map { ["id": $0.id.rawValue, "name": $0.name] },
            ], context: context)
    }

    @Sendable func countFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = FormBody.parse(context.body)
        do {
            var lines: [CountLine] = []
            var index = 0
            while let key = form["key\(index)"] {
                let parts = key.split(separator: "|").map(String.init)
                let first = form["first\(index)"]?.trimmingCharacters(in: .whitespaces) ?? ""
                let second = form["second\(index)"]?.trimmingCharacters(in: .whitespaces) ?? ""
                defer { index += 1 }
                guard parts.count == 3, !(first.isEmpty && second.isEmpty) else { continue }
                let unit = LedgerRepository.catalog.products[ProductID(parts[0])]?.unit ?? .millilitre
                func amount(_ text: String, _ field: String) throws -> LedgerQuantity {
                    guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                        throw ValidationError(field: field, message: "\(field) must be a number (the amount counted); got '\(text)'")
                    }
                    return LedgerQuantity(value, unit)
                }
                lines.append(
                    CountLine(
                        key: StockKey(product: ProductID(parts[0]), lot: LotID(parts[1]), location: LocationID(parts[2])),
                        firstCount: try amount(first, "first\(index)"), secondCount: try amount(second, "second\(index)")))
            }
            let locations = LedgerRepository.catalog.locations.keys.filter { form["location_\($0.rawValue)"] == "on" }.sorted()
            let stored = try await recordCount(
                lines: lines, locations: locations, moment: BusinessMoment(rawValue: form["moment"] ?? "") ?? .closeOfBusiness,
                second: StaffSignature(username: form["secondCounter"] ?? "", password: form["secondCounterPassword"] ?? ""), context: context)
            return Pages.redirect(stored.result.discrepancy == nil ? "/ledger?count=agreed#discrepancies" : "/ledger?count=discrepancy#discrepancies")
        } catch {
            return try await formFailure(error, form: "count", context: context)
        }
    }

    @Sendable func resolveFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = FormBody.parse(context.body)
        do {
            var adjustment: LedgerEntryInput?
            if let quantity = form["quantity"], !quantity.trimmingCharacters(in: .whitespaces).isEmpty {
                var fields = form
                fields["kind"] = LedgerEntryKindName.adjustment.rawValue
                fields["discrepancyId"] = id
                fields["investigationNote"] = form["note"]
                adjustment = try LedgerEntryInput(form: fields)
            }
            _ = try await resolveDiscrepancy(id: id, note: form["note"] ?? "", adjustment: adjustment, context: context)
            return Pages.redirect("/ledger#discrepancies")
        } catch {
            return try await formFailure(error, form: "resolve", context: context)
        }
    }

    // MARK: - Reports

    /// The reports the page offers: three logs and two inventories (DOMAIN.md §9.3, §9.4).
    enum ReportKind: String, CaseIterable {
        case dispensing, receipts, waste, biennial, initial

        var title: String {
            switch self {
            case .dispensing: "Dispensing log"
            case .receipts: "Receipts log"
            case .waste: "Waste and destruction log"
            case .biennial: "Biennial inventory"
            case .initial: "Initial inventory"
            }
        }

        var inventory: InventoryKind? {
            switch self {
            case .biennial: .biennial
            case .initial: .initial
            default: nil
            }
        }
    }

    enum Report {
        case log(LedgerReport)
        case inventory(InventoryReport)
    }

    struct ReportQuery {
        let kind: ReportKind
        let product: ProductID?
        let from: LocalDate?
        let to: LocalDate?
        let asOf: LocalDate
    }

    private func reportQuery(_ request: Request, kind: String?) throws -> ReportQuery {
        let name = kind ?? request.query("kind") ?? "dispensing"
        guard let kind = ReportKind(rawValue: name) else {
            throw ValidationError(field: "kind", message: "kind must be one of \(ReportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let latest = today.adding(days: 366)
        func date(_ name: String) throws -> LocalDate? {
            guard let text = request.query(name), !text.isEmpty else { return nil }
            let date = try LocalDate.parse(text, field: name)
            // A controlled-substance record lies between 1900 and a year from now; nothing outside can be asked for.
            guard date.year >= 1900, date <= latest else {
                throw ValidationError(field: name, message: "\(name) must be a date from 1900-01-01 to \(latest) (YYYY-MM-DD)")
            }
            return date
        }
        var product: ProductID?
        if let id = request.query("product"), !id.isEmpty {
            guard LedgerRepository.catalog.products[ProductID(id)] != nil else {
                throw ValidationError(field: "product", message: "unknown product '\(id)'")
            }
            product = ProductID(id)
        }
        let from = try date("from")
        let to = try date("to")
        if let from, let to, to < from { throw ValidationError(field: "to", message: "to must be on or after from") }
        return ReportQuery(kind: kind, product: product, from: from, to: to, asOf: try date("as_of") ?? today)
    }

    /// Inventories are run by the compliance role (manageLedger); a refusal is audited like the route guard's.
    private func authorise(_ query: ReportQuery, context: AppRequestContext) async throws {
        guard query.kind.inventory != nil, let role = context.session?.user.role, !dependencies.matrix.allows(role, .manageLedger) else { return }
        try? await store.recordEvent(
            context.auditContext, at: dependencies.now(), action: "access.denied", resourceType: "route", resourceID: "ledger inventory",
            outcome: .denied, detail: "needs \(Permission.manageLedger.rawValue)")
        throw APIError.forbidden(.manageLedger)
    }

    func report(_ query: ReportQuery, context: AppRequestContext) async throws -> Report {
        try await authorise(query, context: context)
        let snapshot = try await snapshot(context: context, action: "ledger.report")
        let timeZone = dependencies.timeZone
        if let inventory = query.kind.inventory {
            let end = query.asOf.startOfDay(in: timeZone).addingTimeInterval(86_400 - 0.001)
            return .inventory(
                InventoryReport.take(
                    inventory, date: query.asOf, moment: .closeOfBusiness, asOf: end, entries: snapshot.entries, catalog: LedgerRepository.catalog))
        }
        let start = query.from?.startOfDay(in: timeZone) ?? .distantPast
        // Without `to` the period is open-ended; a range is only ever built with its bounds in order.
        let end = max(start, query.to.map { $0.startOfDay(in: timeZone).addingTimeInterval(86_400) } ?? .distantFuture)
        let kind: LedgerReportKind =
            switch query.kind {
            case .dispensing: .dispensing
            case .receipts: .receipts
            default: .wasteAndDestruction
            }
        return .log(
            LedgerReports.log(kind, product: query.product, entries: snapshot.entries, catalog: LedgerRepository.catalog, period: start..<end))
    }

    @Sendable func reportPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try reportQuery(request, kind: nil)
        let report = try await report(query, context: context)
        var values: [String: Any] = [
            "kinds": ReportKind.allCases.map { ["value": $0.rawValue, "label": $0.title, "selected": $0 == query.kind] as [String: Any] },
            "products": LedgerRepository.catalog.sortedProducts.map {
                ["id": $0.id.rawValue, "label": "\($0.name) \($0.strength)", "selected": $0.id == query.product] as [String: Any]
            },
            "from": query.from?.description ?? "", "to": query.to?.description ?? "", "asOf": query.asOf.description,
            "reportTitle": query.kind.title, "csvQuery": request.uri.query ?? "kind=\(query.kind.rawValue)",
            "generated": pages.dateTime(dependencies.now()),
        ]
        switch report {
        case .log(let log):
            values["isLog"] = true
            values["period"] = "\(query.from?.description ?? "first entry") – \(query.to?.description ?? "today")"
            values["rows"] = log.rows.map { r in
                [
                    "sequence": r.sequence, "when": pages.dateTime(r.occurredAt), "kind": r.kind.rawValue, "product": r.product.rawValue,
                    "lot": r.lotNumber, "location": r.location, "container": r.container.map(String.init) ?? "",
                    "change": "\(r.change) \(r.unit.symbol)", "mg": "\(r.changeMilligrams)", "balance": "\(r.balance) \(r.unit.symbol)",
                    "balanceMg": "\(r.balanceMilligrams)", "by": r.recordedBy.description, "witness": r.witness?.description ?? "",
                    "patient": r.patientID ?? "", "detail": r.detail,
                ] as [String: Any]
            }
            values["hasRows"] = !log.rows.isEmpty
        case .inventory(let inventory):
            values["isInventory"] = true
            values["inventoryDate"] = inventory.date.description
            values["moment"] = inventory.moment == .closeOfBusiness ? "close of business" : "opening of business"
            values["inventoryRows"] = inventory.rows.map { r in
                [
                    "substance": r.substance, "ndc": r.ndc ?? "not entered", "form": r.finishedForm,
                    "perContainer": "\(r.unitsPerContainer) \(r.unit.symbol)", "lot": r.lotNumber.isEmpty ? "—" : r.lotNumber,
                    "expires": r.expiresOn?.description ?? "", "isExpired": r.isExpired, "full": r.fullContainers,
                    "opened": r.openedContainers.map { "#\($0.number): \($0.remaining) \(r.unit.symbol)" }.joined(separator: "; "),
                    "unattributed": r.unattributed == 0 ? "" : "\(r.unattributed) \(r.unit.symbol)", "total": "\(r.total) \(r.unit.symbol)",
                    "totalMg": "\(r.totalMilligrams) mg",
                ] as [String: Any]
            }
        }
        return pages.render("ledger-report", title: query.kind.title, values, context: context)
    }

    @Sendable func reportCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try reportQuery(request, kind: nil)
        let csv: String
        switch try await report(query, context: context) {
        case .log(let log): csv = log.csv
        case .inventory(let inventory): csv = inventory.csv
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"ledger-\(query.kind.rawValue)-\(query.asOf).csv\"", .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: csv))
        )
    }

    // MARK: - Reconciliation

    /// Every administered session dose against every ledger administration (DOMAIN.md §9.6); unmatched items either way.
    func reconciliation(context: AppRequestContext) async throws -> ReconciliationResult {
        let clinicID = store.clinicID
        let (administrations, policy, doses) = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "ledger.reconciliation", resourceType: "ledger", isRead: true
        ) { db in
            Audited(
                (
                    try await LedgerRepository.administrations(clinicID: clinicID, on: db),
                    try await PolicyRepository.current(clinicID: clinicID, on: db).policy.ledger,
                    try await SessionRepository.administeredDoses(clinicID: clinicID, on: db)
                ), resourceID: "-")
        }
        return Reconciliation.match(sessionDoses: doses, administrations: administrations, catalog: LedgerRepository.catalog, policy: policy)
    }

    @Sendable func reconciliationPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let result = try await reconciliation(context: context)
        return pages.render(
            "ledger-reconciliation", title: "Reconciliation",
            [
                "isReconciled": result.isReconciled, "matched": result.matched.count,
                "unmatchedDoses": result.unmatchedDoses.map { ["session": $0.dose.sessionID, "order": $0.dose.doseOrderID, "reason": $0.reason] },
                "unmatchedEntries": result.unmatchedEntries.map { u in
                    [
                        "sequence": u.entry.sequence, "when": pages.dateTime(u.entry.occurredAt), "by": u.entry.recordedBy.username,
                        "reason": u.reason,
                    ] as [String: Any]
                },
            ], context: context)
    }

    // MARK: - API

    struct EntryDTO: Encodable {
        let sequence: Int64
        let occurredAt: String
        let kind: String
        let productId: String
        let lotId: String
        let change: Decimal
        let recordedBy: String
        let witness: String?
        /// An adjustment's approver (issue #11); absent for other kinds.
        let approvedBy: String?
        let note: String
        let hash: String

        init(_ e: LedgerEntry) {
            sequence = e.sequence
            occurredAt = Format.iso(e.occurredAt)
            kind = e.kind.name.rawValue
            productId = e.product.rawValue
            lotId = e.kind.lot.rawValue
            change = e.kind.netChange
            recordedBy = e.recordedBy.username
            witness = e.witness?.username
            approvedBy = if case .adjustment(let a) = e.kind { a.approvedBy.username } else { nil }
            note = e.note
            hash = e.hash
        }
    }

    struct DiscrepancyDTO: Encodable {
        struct Line: Encodable {
            let productId: String
            let lotId: String
            let locationId: String
            let expected: Decimal
            let firstCount: Decimal
            let secondCount: Decimal
            let unit: String
        }
        let id: String
        let countId: String
        let openedAt: String
        let isOpen: Bool
        let lines: [Line]
        let resolutionNote: String?
        let resolvedBy: String?
        let adjustmentSequence: Int64?

        init(_ d: Discrepancy) {
            id = d.id
            countId = d.countID
            openedAt = Format.iso(d.openedAt)
            isOpen = d.isOpen
            lines = d.lines.map {
                Line(
                    productId: $0.key.product.rawValue, lotId: $0.key.lot.rawValue, locationId: $0.key.location.rawValue, expected: $0.expected,
                    firstCount: $0.firstCount, secondCount: $0.secondCount, unit: $0.unit.symbol)
            }
            if case .resolved(let r) = d.status {
                resolutionNote = r.note
                resolvedBy = r.resolvedBy.username
                adjustmentSequence = r.adjustmentSequence
            } else {
                resolutionNote = nil
                resolvedBy = nil
                adjustmentSequence = nil
            }
        }
    }

    @Sendable func balancesJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinicID = store.clinicID
        let state = try await store.database.read { db in try await LedgerRepository.state(clinicID: clinicID, on: db) }
        struct Line: Encodable {
            let productId: String
            let lotId: String
            let lotNumber: String
            let locationId: String
            let quantity: Decimal
            let unit: String
            let milligrams: Decimal
            let expiresOn: String
            let isExpired: Bool
        }
        struct Page: Encodable { let balances: [Line] }
        return try jsonResponse(
            Page(
                balances: state.balances(on: today).map { b in
                    Line(
                        productId: b.key.product.rawValue, lotId: b.key.lot.rawValue, lotNumber: state.lots[b.key.lot]?.lotNumber ?? "",
                        locationId: b.key.location.rawValue, quantity: b.quantity.amount, unit: b.quantity.unit.symbol,
                        milligrams: b.milligrams.value,
                        expiresOn: b.expiresOn.description, isExpired: b.isExpired)
                }))
    }

    @Sendable func entriesJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let snapshot = try await snapshot(context: context)
        struct Page: Encodable { let entries: [EntryDTO] }
        return try jsonResponse(Page(entries: snapshot.entries.map(EntryDTO.init)))
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: LedgerEntryInput.keys, nested: LedgerEntryInput.signatureKeys)
        let input = try StrictJSON.decode(LedgerEntryInput.self, from: object)
        let entry = try await recordEntry(input, context: context)
        return try jsonResponse(EntryDTO(entry), status: .created)
    }

    @Sendable func count(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            struct Line: Decodable {
                let productId: String
                let lotId: String
                let locationId: String
                let firstCount: Decimal
                let secondCount: Decimal
            }
            let moment: String?
            let locations: [String]
            let lines: [Line]
            let secondCounter: String
            let secondCounterPassword: String
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["moment", "locations", "lines", "secondCounter", "secondCounterPassword"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let catalog = LedgerRepository.catalog
        let stored = try await recordCount(
            lines: input.lines.map { line in
                let unit = catalog.products[ProductID(line.productId)]?.unit ?? .millilitre
                return CountLine(
                    key: StockKey(product: ProductID(line.productId), lot: LotID(line.lotId), location: LocationID(line.locationId)),
                    firstCount: LedgerQuantity(line.firstCount, unit), secondCount: LedgerQuantity(line.secondCount, unit))
            },
            locations: input.locations.map { LocationID($0) }, moment: BusinessMoment(rawValue: input.moment ?? "") ?? .closeOfBusiness,
            second: StaffSignature(username: input.secondCounter, password: input.secondCounterPassword), context: context)
        struct Result: Encodable {
            let countId: String
            let discrepancy: DiscrepancyDTO?
        }
        return try jsonResponse(
            Result(countId: stored.count.id, discrepancy: stored.result.discrepancy.map(DiscrepancyDTO.init)), status: .created)
    }

    @Sendable func discrepanciesJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinicID = store.clinicID
        let list = try await store.database.read { db in try await LedgerRepository.discrepancies(clinicID: clinicID, on: db) }
        struct Page: Encodable { let discrepancies: [DiscrepancyDTO] }
        return try jsonResponse(Page(discrepancies: list.map(DiscrepancyDTO.init)))
    }

    @Sendable func resolve(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let note: String
            let adjustment: LedgerEntryInput?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["note", "adjustment"], nested: ["adjustment": LedgerEntryInput.keys])
        if let adjustment = object["adjustment"] as? [String: Any] {
            try StrictJSON.requireKnownKeys(adjustment, allowed: LedgerEntryInput.keys, nested: LedgerEntryInput.signatureKeys, path: "adjustment")
        }
        let input = try StrictJSON.decode(Input.self, from: object)
        let id = try context.parameters.require("id")
        var adjustment = input.adjustment
        adjustment?.kind = LedgerEntryKindName.adjustment.rawValue
        adjustment?.discrepancyId = id
        if adjustment?.investigationNote == nil { adjustment?.investigationNote = input.note }
        let (resolved, entry) = try await resolveDiscrepancy(id: id, note: input.note, adjustment: adjustment, context: context)
        struct Result: Encodable {
            let discrepancy: DiscrepancyDTO
            let adjustment: EntryDTO?
        }
        return try jsonResponse(Result(discrepancy: DiscrepancyDTO(resolved), adjustment: entry.map(EntryDTO.init)))
    }

    @Sendable func reportJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try reportQuery(request, kind: try context.parameters.require("kind"))
        switch try await report(query, context: context) {
        case .log(let log):
            struct Row: Encodable {
                let sequence: Int64
                let occurredAt: String
                let kind: String
                let productId: String
                let lot: String
                let location: String
                let change: Decimal
                let balance: Decimal
                let unit: String
                let recordedBy: String
                let witness: String?
                let patientId: String?
                let detail: String
            }
            struct Log: Encodable {
                let kind: String
                let rows: [Row]
            }
            return try jsonResponse(
                Log(
                    kind: query.kind.rawValue,
                    rows: log.rows.map {
                        Row(
                            sequence: $0.sequence, occurredAt: Format.iso($0.occurredAt), kind: $0.kind.rawValue, productId: $0.product.rawValue,
                            lot: $0.lotNumber, location: $0.location, change: $0.change, balance: $0.balance, unit: $0.unit.symbol,
                            recordedBy: $0.recordedBy.username, witness: $0.witness?.username, patientId: $0.patientID, detail: $0.detail)
                    }))
        case .inventory(let inventory):
            struct Row: Encodable {
                let productId: String
                let substance: String
                let lot: String
                let expiresOn: String?
                let isExpired: Bool
                let fullContainers: Int
                let total: Decimal
                let totalMilligrams: Decimal
                let unit: String
            }
            struct Inventory: Encodable {
                let kind: String
                let date: String
                let rows: [Row]
            }
            return try jsonResponse(
                Inventory(
                    kind: query.kind.rawValue, date: inventory.date.description,
                    rows: inventory.rows.map {
                        Row(
                            productId: $0.product.rawValue, substance: $0.substance, lot: $0.lotNumber, expiresOn: $0.expiresOn?.description,
                            isExpired: $0.isExpired, fullContainers: $0.fullContainers, total: $0.total, totalMilligrams: $0.totalMilligrams,
                            unit: $0.unit.symbol)
                    }))
        }
    }

    @Sendable func reconciliationJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let result = try await reconciliation(context: context)
        struct Unmatched: Encodable {
            let sequence: Int64
            let reason: String
        }
        struct UnmatchedDose: Encodable {
            let sessionID: String
            let doseOrderID: String
            let reason: String
        }
        struct Page: Encodable {
            let isReconciled: Bool
            let matched: Int
            let unmatchedEntries: [Unmatched]
            let unmatchedDoses: [UnmatchedDose]
        }
        return try jsonResponse(
            Page(
                isReconciled: result.isReconciled, matched: result.matched.count,
                unmatchedEntries: result.unmatchedEntries.map { Unmatched(sequence: $0.entry.sequence, reason: $0.reason) },
                unmatchedDoses: result.unmatchedDoses.map {
                    UnmatchedDose(sessionID: $0.dose.sessionID, doseOrderID: $0.dose.doseOrderID, reason: $0.reason)
                }))
    }

    @Sendable func verifyJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinicID = store.clinicID
        let check = try await store.database.read { db in try await LedgerRepository.verify(clinicID: clinicID, on: db) }
        struct Page: Encodable {
            let isValid: Bool
            let verifiedCount: Int64
            let firstProblem: String?
        }
        return try jsonResponse(Page(isValid: check.isValid, verifiedCount: check.verifiedCount, firstProblem: check.firstProblem?.description))
    }
}
