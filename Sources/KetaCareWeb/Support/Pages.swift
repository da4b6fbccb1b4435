import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging
import Mustache
import NIOCore

/// Server-rendered pages: Mustache templates wrapped in the shared layout (header, navigation, footer).
struct Pages: Sendable {
    let library: MustacheLibrary
    let clinicName: String
    let timeZone: TimeZone
    let matrix: AccessMatrix

    /// Loads every template from `directory` (the bundled Templates folder unless configured).
    static func load(directory: String?, clinicName: String, timeZone: TimeZone, matrix: AccessMatrix) async throws -> Pages {
        let folder = directory ?? Bundle.module.url(forResource: "Templates", withExtension: nil)?.path ?? "Templates"
        let library = try await MustacheLibrary(directory: folder)
        return Pages(library: library, clinicName: clinicName, timeZone: timeZone, matrix: matrix)
    }

    /// Renders `template` with `values` inside the layout.
    func render(_ template: String, title: String, _ values: [String: Any], context: AppRequestContext, status: HTTPResponse.Status = .ok) -> Response
    {
        var page = values
        page["title"] = title
        page["clinicName"] = clinicName
        if let session = context.session {
            let role = session.user.role
            page["user"] = ["displayName": session.user.displayName, "username": session.user.username, "roleLabel": role.label]
            page["csrf"] = session.csrfToken
            page["hasEscalations"] = !context.escalations.isEmpty
            page["escalations"] = context.escalations.map {
                [
                    "alertID": $0.alertID, "sessionID": $0.sessionID, "patientName": $0.patientName, "threshold": $0.threshold,
                    "minutes": $0.minutesOpen,
                ]
                    as [String: Any]
            }
            page["nav"] = [
                "patients": matrix.allows(role, .readPatient),
                "audit": matrix.allows(role, .readAudit),
                "users": matrix.allows(role, .manageUsers),
                "policy": matrix.allows(role, .reviewPolicy),
                "outcomes": matrix.allows(role, .readOutcomes),
                "instruments": matrix.allows(role, .manageInstruments),
                "schedule": matrix.allows(role, .manageSchedule),
                "consents": matrix.allows(role, .manageConsentDocuments),
                "outbox": matrix.allows(role, .readOutbox),
                "ledger": matrix.allows(role, .readLedger),
            ]
        }
        let html =
            library.render(Pages.removingNils(page) ?? page, withTemplate: template)
            ?? "<!doctype html><title>Template missing</title><p>Template \(template) is missing.</p>"
        return Pages.html(html, status: status)
    }

    /// The value with every absent optional removed, so templates see "missing" (falsy) rather than the text "nil".
    static func removingNils(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return removingNils(wrapped)
        }
        if let dictionary = value as? [String: Any] {
            return dictionary.compactMapValues { removingNils($0) }
        }
        if let array = value as? [Any] {
            return array.compactMap { removingNils($0) }
        }
        return value
    }

    /// An HTML response that no cache keeps (pages carry patient data).
    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// A 303 redirect after a successful form post (so reload never re-submits).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// An error page for browsers.
    func error(_ error: APIError, context: AppRequestContext) -> Response {
        render("error", title: "Problem", ["status": error.status.code, "message": error.message], context: context, status: error.status)
    }

    /// Field errors keyed for templates: dots become underscores (`emergencyContact.phone` → `emergencyContact_phone`).
    static func errorMap(_ error: APIError) -> [String: String] {
        [(error.field ?? "form").replacingOccurrences(of: ".", with: "_"): error.message]
    }

    func dateTime(_ date: Date) -> String {
        Format.dateTime(date, timeZone: timeZone)
    }
}
