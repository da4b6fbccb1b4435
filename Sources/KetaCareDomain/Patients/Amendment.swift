public import Foundation

/// One changed field of a record: the old value, the new one, who, when and why. Nothing is overwritten silently.
public struct Amendment: Codable, Sendable, Equatable {
    /// The field's name as the API spells it (`phone`, `emergencyContact.phone`).
    public let field: String
    public let oldValue: String?
    public let newValue: String?
    public let reason: String
    public let amendedBy: String
    public let amendedAt: Date
    /// The record version this amendment produced.
    public let version: Int

    /// Creates an amendment record.
    public init(field: String, oldValue: String?, newValue: String?, reason: String, amendedBy: String, amendedAt: Date, version: Int) {
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
        self.reason = reason
        self.amendedBy = amendedBy
        self.amendedAt = amendedAt
        self.version = version
    }
}

/// A field whose value differs between two versions of the demographics.
public struct FieldChange: Sendable, Equatable {
    public let field: String
    public let oldValue: String?
    public let newValue: String?
}

extension Demographics {
    /// Fields in display order with their printable values: the single list amendments and history use.
    public var fieldValues: [(field: String, value: String?)] {
        [
            ("mrn", mrn),
            ("legalGivenName", legalGivenName),
            ("legalFamilyName", legalFamilyName),
            ("preferredName", preferredName),
            ("dateOfBirth", dateOfBirth.description),
            ("sexAtBirth", sexAtBirth.rawValue),
            ("genderIdentity", genderIdentity),
            ("phone", phone),
            ("email", email),
            ("address", address),
            ("emergencyContact.name", emergencyContact?.name),
            ("emergencyContact.relationship", emergencyContact?.relationship),
            ("emergencyContact.phone", emergencyContact?.phone),
            ("emergencyContact.canEscort", emergencyContact.map { $0.canEscort ? "yes" : "no" }),
        ]
    }

    /// The fields that differ from `old`, in display order.
    public func changes(from old: Demographics) -> [FieldChange] {
        zip(old.fieldValues, fieldValues).compactMap { before, after in
            before.value == after.value ? nil : FieldChange(field: after.field, oldValue: before.value, newValue: after.value)
        }
    }
}

/// The reason an amendment must carry.
public enum AmendmentReason {
    /// Longest reason kept.
    public static let maxLength = 500

    /// Trims and checks a reason, naming the `reason` field when it is missing or too long.
    public static func validated(_ reason: String?) throws(ValidationError) -> String {
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !trimmed.isEmpty else {
            throw ValidationError(field: "reason", message: "reason is required: say why the record is being amended")
        }
        guard trimmed.count <= maxLength else {
            throw ValidationError(field: "reason", message: "reason must be at most \(maxLength) characters")
        }
        return trimmed
    }
}
