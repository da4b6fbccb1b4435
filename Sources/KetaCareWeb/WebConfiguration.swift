public import Foundation
import HTTPTypes
import KetaCareDomain
import Logging

/// How the web application behaves: address, cookies, time zone, metrics access. Every field has a flag or variable.
public struct WebConfiguration: Sendable {
    /// Address to listen on (`--host`, `KETACARE_HOST`).
    public var host: String
    /// Port to listen on (`--port`, `KETACARE_PORT`); 0 picks a free port.
    public var port: Int
    /// Mark cookies `Secure` (`--secure-cookies`, `KETACARE_SECURE_COOKIES=1`): set when served over TLS.
    public var secureCookies: Bool
    /// Time zone pages display times in (`KETACARE_TIMEZONE`, default the system's).
    public var timeZone: TimeZone
    /// Trust the right-most `X-Forwarded-For` address (the one the proxy added) as the client (`KETACARE_TRUST_PROXY=1`) behind a load balancer.
    public var trustForwardedFor: Bool
    /// The address patients reach the clinic at, for questionnaire links (`KETACARE_PUBLIC_URL`, e.g. https://clinic.example);
    /// when unset, links use the Host the staff member's request arrived on.
    public var publicURL: String?
    /// Folder to read templates from instead of the bundled ones (`KETACARE_TEMPLATES`), for template work without rebuilds.
    public var templatesDirectory: String?

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        secureCookies: Bool = false,
        timeZone: TimeZone = .current,
        trustForwardedFor: Bool = false,
        templatesDirectory: String? = nil,
        publicURL: String? = nil
    ) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.timeZone = timeZone
        self.trustForwardedFor = trustForwardedFor
        self.templatesDirectory = templatesDirectory
        self.publicURL = publicURL
    }
}
