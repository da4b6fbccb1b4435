import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import NIOCore

/// Cohort outcomes (aggregate, no patient named) and the licensed-instrument administration.
struct OutcomesController {
    let dependencies: AppDependencies
    let catalog: InstrumentCatalog

    var store: Store { dependencies.store }
    var pages: Pages { dependencies.pages }

    /// Routes a cohort can be filtered by: the route of the patient's treatment plan (DOMAIN.md §10.5 route list).
    static let routes: [(String, String)] = [
        ("iv", "IV infusion"), ("im", "Intramuscular"), ("sc", "Subcutaneous"), ("intranasal", "Intranasal esketamine"),
        ("oral", "Oral / sublingual"),
    ]

    func register(_ routes: RouteRegistrar) {
        routes.get("/outcomes", .readOutcomes, cohortPage)
        routes.get("/outcomes.csv", .readOutcomes, cohortCSV)
        routes.get("/api/v1/outcomes/cohort", .readOutcomes, cohortJSON)
        routes.get("/admin/instruments", .manageInstruments, instrumentsPage)
        routes.post("/admin/instruments/:instrument/licensed-text", .manageInstruments, uploadFromForm)
        routes.post("/api/v1/instruments/:instrument/licensed-text", .manageInstruments, upload)
    }

    // MARK: - Cohort

    struct Report {
        let filter: CohortFilter
        let instrument: Instrument
        let lines: [CohortLine]
    }

    private func report(_ request: Request) async throws -> Report {
        let library = try await catalog.library()
        let instrument = try library.instrument(named: request.query("instrument") ?? "gad7")
        guard instrument.outcomes != nil else {
            throw ValidationError(
                field: "instrument", message: "\(instrument.shortName) has no outcome definitions; choose GAD-7, PHQ-9, PCL-5, HAM-A, LSAS or PDSS")
        }
        func date(_ name: String) throws -> Date? {
            guard let text = request.query(name), !text.isEmpty else { return nil }
            let day = try LocalDate.parse(text, field: name)
            return day.startOfDay(in: dependencies.timeZone)
        }
        var filter = CohortFilter(instrumentID: instrument.id, from: try date("from"), until: try date("to").map { $0.addingTimeInterval(86_400) })
        if let from = filter.from, let until = filter.until, until <= from {
            throw ValidationError(field: "to", message: "to must be on or after from")
        }
        if let route = request.query("route"), !route.isEmpty {
            guard Self.routes.contains(where: { $0.0 == route }) else {
                throw ValidationError(field: "route", message: "route must be one of \(Self.routes.map(\.0).joined(separator: ", "))")
            }
            filter.route = route
        }
        let clinicID = store.clinicID
        let query = filter
        let lines = try await store.database.read { db in
            let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
            return try await OutcomeSummaryRepository.cohort(query, z: policy.outcomes.intervalZ.value, clinicID: clinicID, on: db)
        }
        return Report(filter: filter, instrument: instrument, lines: lines)
    }

    private static func percent(_ p: ProportionEstimate?) -> String {
        guard let p else { return "—" }
        return String(format: "%.0f%% (%.0f–%.0f%%)", p.proportion * 100, p.lower * 100, p.upper * 100)
    }

    @Sendable func cohortPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try await catalog.library()
        do {
            let report = try await report(request)
            return pages.render("outcomes", title: "Cohort outcomes", values(report, library: library, request: request), context: context)
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError else { throw error }
            var values = filterValues(instrumentID: request.query("instrument") ?? "gad7", library: library, request: request)
            values["error"] = apiError.message
            return pages.render("outcomes", title: "Cohort outcomes", values, context: context, status: apiError.status)
        }
    }

    private func filterValues(instrumentID: String, library: InstrumentLibrary, request: Request) -> [String: Any] {
        let route = request.query("route") ?? ""
        return [
            "instruments": library.instruments.filter { $0.outcomes != nil }.map {
                ["id": $0.id, "shortName": $0.shortName, "selected": $0.id == instrumentID] as [String: Any]
            },
            "routes": Self.routes.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == route] as [String: Any] },
            "from": request.query("from") ?? "", "to": request.query("to") ?? "",
            "csvQuery": request.uri.query ?? "",
        ]
    }

    private func values(_ report: Report, library: InstrumentLibrary, request: Request) -> [String: Any] {
        var values = filterValues(instrumentID: report.instrument.id, library: library, request: request)
        values["instrument"] = report.instrument.shortName
        values["hasLines"] = !report.lines.isEmpty
        values["lines"] = report.lines.map { line in
            [
                "group": line.withDepression ? "with comorbid depression" : line.group.label, "isSubset": line.withDepression,
                "patients": line.patients, "evaluable": line.evaluable,
                "response": Self.percent(line.response), "responseN": line.response.map { "\($0.successes)/\($0.trials)" } ?? "0/0",
                "remission": Self.percent(line.remission), "remissionN": line.remission.map { "\($0.successes)/\($0.trials)" } ?? "0/0",
                "median": line.medianDaysToResponse.map { String(format: "%.1f", $0) } ?? "—",
            ] as [String: Any]
        }
        return values
    }

    @Sendable func cohortCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await report(request)
        var csv = "instrument,diagnosis_group,subset,patients,evaluable,responders,response_n,response_pct,response_ci_low,response_ci_high,"
        csv += "remitters,remission_n,remission_pct,remission_ci_low,remission_ci_high,median_days_to_response\n"
        func pct(_ v: Double?) -> String { v.map { String(format: "%.1f", $0 * 100) } ?? "" }
        for line in report.lines {
            let fields: [String] = [
                report.instrument.id, line.group.rawValue, line.withDepression ? "comorbid-depression" : "all", String(line.patients),
                String(line.evaluable), String(line.response?.successes ?? 0), String(line.response?.trials ?? 0), pct(line.response?.proportion),
                pct(line.response?.lower), pct(line.response?.upper), String(line.remission?.successes ?? 0), String(line.remission?.trials ?? 0),
                pct(line.remission?.proportion), pct(line.remission?.lower), pct(line.remission?.upper),
                line.medianDaysToResponse.map { String(format: "%.1f", $0) } ?? "",
            ]
            csv += fields.map(CSV.field).joined(separator: ",") + "\n"
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"cohort-\(report.instrument.id).csv\"",
                .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: csv))
        )
    }

    @Sendable func cohortJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await report(request)
        struct Estimate: Encodable {
            let successes: Int
            let trials: Int
            let proportion: Double
            let lower: Double
            let upper: Double
        }
        struct Line: Encodable {
            let diagnosisGroup: String
            let label: String
            let subset: String
            let patients: Int
            let evaluable: Int
            let response: Estimate?
            let remission: Estimate?
            let medianDaysToResponse: Double?
        }
        struct Page: Encodable {
            let instrument: String
            let from: Date?
            let until: Date?
            let route: String?
            let lines: [Line]
        }
        func estimate(_ p: ProportionEstimate?) -> Estimate? {
            p.map { Estimate(successes: $0.successes, trials: $0.trials, proportion: $0.proportion, lower: $0.lower, upper: $0.upper) }
        }
        return try jsonResponse(
            Page(
                instrument: report.instrument.id, from: report.filter.from, until: report.filter.until, route: report.filter.route,
                lines: report.lines.map {
                    Line(
                        diagnosisGroup: $0.group.rawValue, label: $0.group.label, subset: $0.withDepression ? "comorbid-depression" : "all",
                        patients: $0.patients, evaluable: $0.evaluable, response: estimate($0.response), remission: estimate($0.remission),
                        medianDaysToResponse: $0.medianDaysToResponse
                    )
                }
            ))
    }

    // MARK: - Licensed instruments

    @Sendable func instrumentsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderInstruments(context: context)
    }

    private func renderInstruments(context: AppRequestContext, error: APIError? = nil, instrumentID: String? = nil, document: String = "")
        async throws -> Response
    {
        let library = try await catalog.library()
        let clinicID = store.clinicID
        let stored = try await store.database.read { db in try await LicensedTextRepository.current(clinicID: clinicID, on: db) }
        let licensable = catalog.structure.instruments.filter(\.needsLicensedText)
        return pages.render(
            "instruments", title: "Instruments",
            [
                "instruments": library.instruments.map { i in
                    let upload = stored.first { $0.instrumentID == i.id }
                    return [
                        "id": i.id, "shortName": i.shortName, "title": i.title, "licence": i.licence.kind,
                        "status": i.needsLicensedText ? "needs licensed text" : (upload != nil ? "licensed text v\(upload!.version)" : "ready"),
                        "needsText": i.needsLicensedText, "items": i.items.count,
                        "uploaded": upload.map { "by \($0.uploadedBy) on \(pages.dateTime($0.uploadedAt))" } ?? "",
                    ] as [String: Any]
                },
                "licensable": licensable.map { i in
                    [
                        "id": i.id, "shortName": i.shortName, "selected": i.id == instrumentID,
                        "template": Self.template(for: i),
                    ] as [String: Any]
                },
                "document": document, "error": error?.message as Any, "errorField": error?.field as Any,
            ],
            context: context, status: error?.status ?? .ok
        )
    }

    /// An empty licensed-text document for `instrument`: every linkId with a blank to fill.
    static func template(for instrument: Instrument) -> String {
        let items = instrument.items.map { "    \"\($0.linkId)\": \"\"" }.joined(separator: ",\n")
        return
            "{\n  \"instrument\": \"\(instrument.id)\",\n  \"licenceHolder\": \"\",\n  \"licenceReference\": \"\",\n  \"items\": {\n\(items)\n  }\n}"
    }

    func saveLicensedText(instrumentName: String, body: Data, context: AppRequestContext) async throws -> StoredLicensedText {
        let instrument = try catalog.structure.instrument(named: instrumentName)
        let text = try LicensedText.decode(body)
        _ = try instrument.applying(text)
        let clinicID = store.clinicID
        let actor = context.auditContext.actor
        return try await store.audited(
            context.auditContext, at: dependencies.now(), action: "instrument.licensedtext", resourceType: "instrument", resourceID: instrument.id
        ) { db in
            let saved = try await LicensedTextRepository.save(
                text, instrumentID: instrument.id, by: actor, now: dependencies.now(), clinicID: clinicID, on: db)
            return Audited(saved, resourceID: instrument.id, detail: "version=\(saved.version) items=\(text.items.count)")
        }
    }

    @Sendable func uploadFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("instrument")
        let form = FormBody.parse(context.body)
        let document = form["document"] ?? ""
        do {
            _ = try await saveLicensedText(instrumentName: name, body: Data(document.utf8), context: context)
            return Pages.redirect("/admin/instruments")
        } catch {
            let apiError = APIError.from(error, timeZone: dependencies.timeZone)
            guard apiError.status != .internalServerError else { throw error }
            return try await renderInstruments(context: context, error: apiError, instrumentID: name, document: document)
        }
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("instrument")
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["instrument", "licenceHolder", "licenceReference", "stem", "instructions", "items"])
        let saved = try await saveLicensedText(
            instrumentName: name, body: try JSONSerialization.data(withJSONObject: object), context: context)
        struct Result: Encodable {
            let instrument: String
            let version: Int
            let uploadedBy: String
            let uploadedAt: Date
        }
        return try jsonResponse(
            Result(instrument: saved.instrumentID, version: saved.version, uploadedBy: saved.uploadedBy, uploadedAt: saved.uploadedAt),
            status: .created)
    }
}
