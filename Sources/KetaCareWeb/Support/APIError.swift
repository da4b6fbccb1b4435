import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging
import NIOCore

/// An error answer: HTTP status, a stable code, a sentence for people and the field at fault.
///
/// The one mapping from every error type to HTTP lives in ``APIError/from(_:timeZone:)`` (STYLE.md: errors map in one place).
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let field: String?

    init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    static let unauthenticated = APIError(.unauthorized, code: "unauthenticated", message: "sign in first: send a session cookie or a Bearer token")

    static func forbidden(_ permission: Permission) -> APIError {
        APIError(.forbidden, code: "forbidden", message: "your role may not do this (needs permission \(permission.rawValue))")
    }

    static let csrf = APIError(.forbidden, code: "csrf", message: "the form expired or came from another site; reload the page and try again")

    /// Maps any error to the answer a client gets: 4xx with the field for bad input, 500 only for our own faults.
    static func from(_ error: any Error, timeZone: TimeZone) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as any FieldNamingError:
            return APIError(.unprocessableContent, code: "invalid", message: error.message, field: error.field)
        case StoreError.notFound(let resource):
            return APIError(.notFound, code: "not_found", message: "\(resource) not found")
        case StoreError.versionConflict(let who, let when, let version):
            return APIError(
                .conflict, code: "version_conflict",
                message:
                    "changed by \(who) at \(Format.dateTime(when, timeZone: timeZone)) (now version \(version)); review the current record and retry",
                field: "version"
            )
        case StoreError.duplicate(let field, let message):
            return APIError(.conflict, code: "duplicate", message: message, field: field)
        case let error as DecodingError:
            return decoding(error)
        case let error as HTTPError:
            return APIError(error.status, code: "http_\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
        case let problem as SelfReportLinkProblem:
            return APIError(problem == .tooManyAttempts ? .tooManyRequests : .gone, code: "link", message: problem.message)
        case is SelfReportLinkConflict:
            return APIError(.conflict, code: "link", message: "this questionnaire was already submitted from this link")
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, code: "too_large", message: "the body is larger than the 1 MiB this server accepts")
        default:
            return APIError(.internalServerError, code: "internal", message: "something went wrong on the server; nothing was saved")
        }
    }

    private static func decoding(_ error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, _ extra: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context, key)
            return APIError(.badRequest, code: "malformed", message: "\(field) is required", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context)
            return APIError(.badRequest, code: "malformed", message: "\(field) has the wrong type (expected \(typeName(type)))", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context)
            return APIError(.badRequest, code: "malformed", message: "\(field) must not be null (expected \(typeName(type)))", field: field)
        case .dataCorrupted(let context):
            let field = path(context)
            return APIError(
                .badRequest, code: "malformed",
                message: field.isEmpty ? "the body is not valid JSON" : "\(field) is not valid: \(context.debugDescription)",
                field: field.isEmpty ? nil : field)
        @unknown default:
            return APIError(.badRequest, code: "malformed", message: "the body could not be read")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is Int.Type, is Int?.Type, is Double.Type, is Double?.Type: "a number"
        case is Bool.Type, is Bool?.Type: "true or false"
        case is Date.Type, is Date?.Type: RequestDateTime.expectation
        default: "\(type)"
        }
    }

    /// The JSON body `{"error":{"code","message","field"}}`.
    func response() -> Response {
        struct Body: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
                let field: String?
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: CodingKeys.self)
                    try c.encode(code, forKey: .code)
                    try c.encode(message, forKey: .message)
                    try c.encode(field, forKey: .field)
                }
                enum CodingKeys: String, CodingKey { case code, message, field }
            }
            let error: Inner
        }
        let data = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message, field: field)))) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// Date and time formatting for pages, in the clinic's time zone.
enum Format {
    static func dateTime(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    static func iso(_ date: Date) -> String {
        let ms = AuditEvent.milliseconds(date)
        let seconds = Double(ms / 1000)
        var formatted = Date(timeIntervalSince1970: seconds).formatted(.iso8601)
        if ms % 1000 != 0 { formatted = String(formatted.dropLast()) + String(format: ".%03dZ", ms % 1000) }
        return formatted
    }
}
