import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging

/// The audit trail: read-only, filterable. There is no route that edits or deletes an event.
struct AuditController {
    let dependencies: AppDependencies

    func register(_ routes: RouteRegistrar) {
        routes.get("/audit", .readAudit, page)
        routes.get("/api/v1/audit", .readAudit, list)
    }

    struct EventDTO: Encodable {
        let sequence: Int64
        let occurredAt: String
        let actor: String
        let role: String
        let action: String
        let resourceType: String
        let resourceId: String
        let patientId: String?
        let clientAddress: String
        let outcome: String
        let detail: String
        let hash: String

        init(_ e: AuditEvent) {
            sequence = e.sequence
            occurredAt = Format.iso(e.occurredAt)
            actor = e.actor
            role = e.role
            action = e.action
            resourceType = e.resourceType
            resourceId = e.resourceID
            patientId = e.patientID
            clientAddress = e.clientAddress
            outcome = e.outcome.rawValue
            detail = e.detail
            hash = e.hash
        }
    }

    struct Page: Encodable { let events: [EventDTO] }

    private func query(_ request: Request) throws -> AuditQuery {
        var query = AuditQuery()
        query.patientID = request.query("patient")
        query.actor = request.query("user")
        query.action = request.query("action")
        if let from = request.query("from") {
            let day = try LocalDate.parse(from, field: "from")
            query.from = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 - Double(dependencies.timeZone.secondsFromGMT()))
        }
        if let to = request.query("to") {
            let day = try LocalDate.parse(to, field: "to").adding(days: 1)
            query.to = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 - Double(dependencies.timeZone.secondsFromGMT()))
        }
        if let before = request.query("before") {
            guard let value = Int64(before), value > 0 else {
                throw ValidationError(field: "before", message: "before must be a positive sequence number")
            }
            query.beforeSequence = value
        }
        if let limit = request.query("limit") {
            guard let value = Int(limit), (1...1000).contains(value) else {
                throw ValidationError(field: "limit", message: "limit must be from 1 to 1000")
            }
            query.limit = value
        }
        return query
    }

    private func events(_ query: AuditQuery, context: AppRequestContext) async throws -> [AuditEvent] {
        let clinicID = dependencies.store.clinicID
        return try await dependencies.store.audited(
            context.auditContext, at: dependencies.now(), action: "audit.read", resourceType: "audit", isRead: true
        ) { db in
            let events = try await AuditLog.events(query, clinicID: clinicID, on: db)
            return Audited(events, resourceID: "-", patientID: query.patientID, detail: "results=\(events.count)")
        }
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try self.query(request)
        let events = try await events(query, context: context)
        let pages = dependencies.pages
        return pages.render(
            "audit", title: "Audit trail",
            [
                "filters": [
                    "patient": request.query("patient") ?? "", "user": request.query("user") ?? "", "action": request.query("action") ?? "",
                    "from": request.query("from") ?? "", "to": request.query("to") ?? "",
                ],
                "events": events.map {
                    [
                        "seq": $0.sequence, "at": pages.dateTime($0.occurredAt), "actor": $0.actor, "role": $0.role, "action": $0.action,
                        "resource": "\($0.resourceType) \($0.resourceID)", "patientID": $0.patientID ?? "", "client": $0.clientAddress,
                        "outcome": $0.outcome.rawValue, "isFailure": $0.outcome != .success, "detail": $0.detail,
                    ] as [String: Any]
                },
                "older": events.count == query.limit ? (events.last.map { "\($0.sequence)" } ?? "") : "",
            ],
            context: context
        )
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let events = try await events(try query(request), context: context)
        return try jsonResponse(Page(events: events.map(EventDTO.init)))
    }
}
