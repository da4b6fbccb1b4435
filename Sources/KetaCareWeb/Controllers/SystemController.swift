import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging
import Metrics
import NIOCore
import Prometheus

/// Health, metrics, the OpenAPI document, static files, the dashboard and the trivial route benchmarks compare against.
struct SystemController {
    let dependencies: AppDependencies
    let registry: PrometheusCollectorRegistry

    func register(_ routes: RouteRegistrar) {
        routes.get("/", nil, root)
        routes.get("/health", nil, health)
        routes.get("/metrics", nil, metrics)
        routes.get("/openapi.json", nil, openAPI)
        routes.get("/api/v1/ping", nil, ping)
        routes.get("/dashboard", .readPatient, dashboard)
        routes.get("/static/:file", nil, staticFile)
    }

    @Sendable func root(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session else { return Pages.redirect("/login") }
        if dependencies.matrix.allows(session.user.role, .readPatient) { return Pages.redirect("/dashboard") }
        if dependencies.matrix.allows(session.user.role, .manageUsers) { return Pages.redirect("/admin/users") }
        return Pages.redirect("/audit")
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Health: Encodable {
            let status: String
            let database: String
        }
        let ok = await dependencies.store.database.ping()
        return try jsonResponse(Health(status: ok ? "ok" : "degraded", database: ok ? "ok" : "unreachable"), status: ok ? .ok : .serviceUnavailable)
    }

    /// Prometheus text: for an administrator's session or token, or from the machine itself (a local scraper).
    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let isLoopback = ["127.0.0.1", "::1", "localhost"].contains(context.remoteAddress)
        let isAdmin = context.session.map { dependencies.matrix.allows($0.user.role, .readMetrics) } ?? false
        guard isLoopback || isAdmin else {
            throw APIError(.forbidden, code: "forbidden", message: "metrics are for administrators or local scrapers")
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: buffer))
        )
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.data)))
    }

    @Sendable func ping(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Pong: Encodable { let pong: Bool }
        return try jsonResponse(Pong(pong: true))
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = dependencies.store
        let clinicID = store.clinicID
        let actor = context.auditContext.actor
        let dueNow = dependencies.now()
        let role = context.session!.user.role
        let showsProposals = dependencies.matrix.allows(role, .readPatient)
        let library = showsProposals ? (SharedInstruments.library ?? (try? InstrumentLibrary.bundled())) : nil
        // Issue #11: the dashboard shows patients' names, alerts and due questionnaires, so reading it is audited like a chart
        // view (one event naming the patients shown), in the same transaction as the reads.
        let (patients, count, routed, due, proposals) = try await store.audited(
            context.auditContext, at: dueNow, action: "dashboard.view", resourceType: "dashboard", isRead: true
        ) { db in
            let recent = try await AuditLog.events(AuditQuery(actor: actor, action: "patient.view", limit: 50), clinicID: clinicID, on: db)
            var seen = Set<String>()
            let recentIDs = recent.compactMap(\.patientID).filter { seen.insert($0).inserted }.prefix(8)
            let patients = try await PatientRepository.find(ids: recentIDs.map(PatientID.init), clinicID: clinicID, on: db)
            let count = try await PatientRepository.count(clinicID: clinicID, on: db)
            // Open safety alerts are routed to the patient's responsible prescriber (to every prescriber when none is assigned);
            // everyone who reads charts sees the rest under "other open alerts" so nothing is hidden.
            let routed = try await MeasurementRepository.openAlertsRouted(limit: 100, clinicID: clinicID, on: db)
            let due = try await DueListRepository.due(now: dueNow, clinicID: clinicID, on: db)
            // DOMAIN.md §5.2: maintenance patients whose primary score shows a loss of response, for staff who read charts.
            var proposals: [OpenAsNeededProposal] = []
            if let library {
                let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
                proposals = try await AsNeededRepository.openProposals(policy: policy, library: library, clinicID: clinicID, on: db)
            }
            var shown: [String] = []
            for id in patients.map(\.id.rawValue) + routed.map(\.alert.patientID.rawValue) + due.map(\.patientID.rawValue)
                + proposals.map(\.plan.patientID.rawValue)
            where !shown.contains(id) {
                shown.append(id)
            }
            return Audited(
                (patients, count, routed, due, proposals), resourceID: "-",
                detail: "patients=\(shown.count)" + (shown.isEmpty ? "" : " ids=\(shown.prefix(60).joined(separator: ","))"))
        }
        let isMine: (RoutedAlert) -> Bool = { role != .prescriber || $0.prescriber == actor || $0.prescriber == nil }
        let mine = routed.filter(isMine)
        let others = routed.filter { !isMine($0) }
        func values(_ list: [RoutedAlert]) -> [[String: Any]] {
            list.map { r in
                AssessmentSummary.alertValues(r.alert, pages: dependencies.pages).merging([
                    "patientName": r.patientName, "routedTo": r.prescriber ?? "all prescribers (none assigned)",
                ]) { a, _ in a }
            }
        }
        return dependencies.pages.render(
            "dashboard", title: "Dashboard",
            [
                "patientCount": count,
                "recent": patients.map { ["id": $0.id.rawValue, "name": $0.demographics.displayName, "mrn": $0.demographics.mrn] },
                "hasRecent": !patients.isEmpty,
                "hasAlerts": !mine.isEmpty, "alerts": values(mine),
                "alertsTitle": role == .prescriber ? "Safety alerts for your patients" : "Open safety alerts",
                "hasDue": !due.isEmpty,
                "due": due.prefix(50).map { d in
                    [
                        "patientID": d.patientID.rawValue, "patientName": d.patientName, "instrument": d.item.instrumentID.uppercased(),
                        "context": d.item.context.label, "dueAt": dependencies.pages.dateTime(d.item.dueAt), "status": d.item.status.code,
                        "overdue": d.item.status == .overdue,
                    ] as [String: Any]
                },
                "hasOtherAlerts": !others.isEmpty, "otherAlerts": values(others), "otherCount": others.count,
                "hasAsNeeded": !proposals.isEmpty, "canBook": dependencies.matrix.allows(role, .manageSchedule),
                "asNeeded": asNeededValues(proposals),
                "canCreate": dependencies.matrix.allows(context.session!.user.role, .createPatient),
            ],
            context: context
        )
    }

    /// The dashboard's as-needed list (DOMAIN.md §5.2): patient, plan and why.
    private func asNeededValues(_ proposals: [OpenAsNeededProposal]) -> [[String: Any]] {
        proposals.prefix(50).map { p in
            [
                "patientID": p.plan.patientID.rawValue, "patientName": p.patientName, "planID": p.plan.id.rawValue,
                "template": p.plan.template.name, "reason": AsNeededText.reason(p.finding, dateTime: dependencies.pages.dateTime),
            ]
        }
    }

    @Sendable func staticFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("file")
        guard let asset = StaticAssets.shared.files[name] else { throw APIError(.notFound, code: "not_found", message: "no such file") }
        return Response(
            status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.data))
        )
    }
}

/// The bundled CSS and JavaScript, read once.
final class StaticAssets: Sendable {
    struct Asset: Sendable {
        let data: Data
        let contentType: String
    }

    static let shared = StaticAssets()
    let files: [String: Asset]

    private init() {
        var files: [String: Asset] = [:]
        if let folder = Bundle.module.url(forResource: "Public", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        {
            for name in names where !name.hasPrefix(".") {
                let type =
                    switch (name as NSString).pathExtension {
                    case "css": "text/css; charset=utf-8"
                    case "js": "text/javascript; charset=utf-8"
                    case "svg": "image/svg+xml"
                    case "png": "image/png"
                    default: "application/octet-stream"
                    }
                if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) {
                    files[name] = Asset(data: data, contentType: type)
                }
            }
        }
        self.files = files
    }
}

/// The OpenAPI 3.1 description of `/api/v1`, bundled as a resource.
enum OpenAPIDocument {
    static let data: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            return Data("{}".utf8)
        }
        return data
    }()
}
