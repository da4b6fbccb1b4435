import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

@Suite("Role matrix enforced on every route")
struct RoleMatrixTests {
    static let accounts: [Role: String] = [
        .admin: "admin", .prescriber: "dr.patel", .nurse: "nurse.kim", .frontdesk: "frontdesk.lee", .compliance: "compliance.ortiz",
    ]

    /// Every protected route, every role: allowed roles are never refused, others always get 403; no token gets 401 or a sign-in redirect.
    @Test func everyRouteEveryRole() async throws {
        try await WebHarness.withApp { client, store, routes in
            var tokens: [Role: String] = [:]
            for (role, name) in Self.accounts { tokens[role] = try await client.token(name) }
            let clinicID = store.clinicID
            let patient = try await store.database.read { db in try await PatientRepository.find(mrn: "KC-000001", clinicID: clinicID, on: db) }
            let patientID = try #require(patient?.id.rawValue)
            let protected = routes.filter { $0.permission != nil }
            #expect(protected.count >= 20)
            for route in protected {
                let uri =
                    route.path.replacingOccurrences(of: ":id", with: patientID).replacingOccurrences(of: ":username", with: "no.such.user")
                    + (route.path == "/api/v1/patients" && route.method == .get ? "?q=a" : "")
                for role in Role.allCases {
                    let (status, _) = try await client.json(route.method, uri, token: tokens[role], body: route.method == .get ? nil : "{}")
                    let allowed = AccessMatrix.standard.allows(role, route.permission!)
                    if allowed {
                        #expect(status != .forbidden && status != .unauthorized, "\(role) should reach \(route): got \(status)")
                    } else {
                        #expect(status == .forbidden, "\(role) must be refused \(route): got \(status)")
                    }
                }
                let (anonymous, _) = try await client.json(route.method, uri, token: nil, body: route.method == .get ? nil : "{}")
                #expect(anonymous == (route.isAPI ? .unauthorized : .seeOther), "anonymous \(route): got \(anonymous)")
                if route.path == "/api/v1/auth/revoke" {
                    // Revoking is what that route does to the token that reached it: sign in again for the routes after it.
                    for (role, name) in Self.accounts { tokens[role] = try await client.token(name) }
                }
            }
            let denials = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "access.denied", limit: 1000), clinicID: clinicID, on: db)
            }
            #expect(!denials.isEmpty)
            #expect(denials.allSatisfy { $0.outcome == .denied })
        }
    }

    @Test("The OpenAPI document lists exactly the API routes the server registers")
    func openAPIMatchesRoutes() async throws {
        try await WebHarness.withApp { client, _, routes in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, operations) in paths {
                for method in operations.keys where ["get", "post", "patch", "put", "delete"].contains(method) {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            let served = Set(
                routes.filter { $0.isAPI || ["/health", "/metrics", "/openapi.json"].contains($0.path) }.map { route in
                    let path = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                    return "\(route.method.rawValue) /\(path)"
                }
            )
            #expect(served.subtracting(documented).isEmpty, "served but undocumented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        }
    }
}
