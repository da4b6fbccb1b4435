import HTTPTypes
public import Hummingbird
import KetaCareDomain
import KetaCareStore
import Logging
import NIOCore

/// Per-request state: the signed-in session (if any), the client address, the collected body of a write.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer address as the socket reports it.
    public let remoteAddress: String
    /// Set by the session middleware when a valid cookie or bearer token came with the request.
    var session: AuthSession?
    /// The client address used for audit (the proxy's `X-Forwarded-For` when trusted).
    var clientAddress: String
    /// The request body, collected once by the route guard for writes.
    var body = ByteBuffer()
    /// Critical alerts unacknowledged past the escalation time, for the banner on every clinical staff page (DOMAIN.md §6.5).
    var escalations: [EscalatedAlert] = []

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        clientAddress = remoteAddress
    }

    /// Largest body accepted: these are forms and small JSON documents.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// The audit identity of this request.
    var auditContext: AuditContext {
        AuditContext(actor: session?.user.username ?? "anonymous", role: session?.user.role.rawValue ?? "-", clientAddress: clientAddress)
    }
}
