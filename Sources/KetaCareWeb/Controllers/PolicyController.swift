import Foundation
import Hummingbird
import KetaCareDomain
import KetaCareStore

/// The clinic's policy for review: which values are design defaults or unconfirmed, and who changed what when.
struct PolicyController {
    let dependencies: AppDependencies

    func register(_ routes: RouteRegistrar) {
        routes.get("/admin/policy", .reviewPolicy, page)
    }

    /// Every value in the policy document whose provenance asks for the clinic's review, as dotted paths.
    static func valuesNeedingReview(_ policy: ClinicPolicy) throws -> [(path: String, provenance: String)] {
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(policy))
        var found: [(String, String)] = []
        func walk(_ value: Any, _ path: String) {
            if let dictionary = value as? [String: Any] {
                if let provenance = dictionary["provenance"] as? [String: Any], let kind = provenance.keys.first, kind != "sourced" {
                    found.append((path, kind == "designDefault" ? "design default" : kind))
                }
                for key in dictionary.keys.sorted() where key != "provenance" { walk(dictionary[key]!, path.isEmpty ? key : "\(path).\(key)") }
            } else if let array = value as? [Any] {
                for (index, element) in array.enumerated() { walk(element, "\(path)[\(index)]") }
            }
        }
        walk(object, "")
        return found
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinicID = dependencies.store.clinicID
        let (policy, version, history) = try await dependencies.store.database.read { db in
            let (policy, version) = try await PolicyRepository.current(clinicID: clinicID, on: db)
            return (policy, version, try await PolicyRepository.history(clinicID: clinicID, on: db))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let review = try Self.valuesNeedingReview(policy)
        return dependencies.pages.render(
            "policy", title: "Clinic policy",
            [
                "version": version, "reviewCount": review.count, "review": review.map { ["path": $0.path, "provenance": $0.provenance] },
                "history": history.map {
                    ["version": $0.version, "reason": $0.reason, "by": $0.createdBy, "at": dependencies.pages.dateTime($0.createdAt)] as [String: Any]
                },
                "json": String(decoding: try encoder.encode(policy), as: UTF8.self),
            ],
            context: context
        )
    }
}
