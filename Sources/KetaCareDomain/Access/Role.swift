import Foundation

/// A staff member's role; what each role may do is fixed by ``AccessMatrix``.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case admin
    case prescriber
    case nurse
    case frontdesk
    case compliance

    /// A label for people, as the clinic says it.
    public var label: String {
        switch self {
        case .admin: "Administrator"
        case .prescriber: "Prescriber"
        case .nurse: "Nurse"
        case .frontdesk: "Front desk"
        case .compliance: "Compliance lead"
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a role name, naming the allowed values when it is not one.
    public static func parse(_ raw: String, field: String = "role") throws(ValidationError) -> Role {
        guard let role = Role(rawValue: raw.lowercased().trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError(
                field: field,
                message: "\(field) must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'"
            )
        }
        return role
    }
}
