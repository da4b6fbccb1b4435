public import Foundation

/// A patient's identity in the registry.
public struct PatientID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Wraps a stored identifier.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new random identifier (callers pass the UUID in, keeping the domain deterministic).
    public init(_ uuid: UUID) {
        self.rawValue = uuid.uuidString.lowercased()
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Sex recorded at birth (clinically relevant for dosing weight formulas); gender identity is kept separately.
public enum SexAtBirth: String, Codable, Sendable, CaseIterable {
    case female
    case male
    case intersex
    case unknown

    /// A label for people.
    public var label: String { rawValue.capitalized }
}

/// A person the clinic may call, and whether they can act as the escort home after a session.
public struct EmergencyContact: Codable, Sendable, Equatable {
    public var name: String
    public var relationship: String?
    public var phone: String
    public var canEscort: Bool

    /// Creates a contact.
    public init(name: String, relationship: String?, phone: String, canEscort: Bool) {
        self.name = name
        self.relationship = relationship
        self.phone = phone
        self.canEscort = canEscort
    }
}

/// The amendable demographic facts about a patient.
public struct Demographics: Codable, Sendable, Equatable {
    public var mrn: String
    public var legalGivenName: String
    public var legalFamilyName: String
    public var preferredName: String?
    public var dateOfBirth: LocalDate
    public var sexAtBirth: SexAtBirth
    public var genderIdentity: String?
    public var phone: String?
    public var email: String?
    public var address: String?
    public var emergencyContact: EmergencyContact?

    /// Creates demographics; call ``validated(policy:today:)`` before storing.
    public init(
        mrn: String,
        legalGivenName: String,
        legalFamilyName: String,
        preferredName: String? = nil,
        dateOfBirth: LocalDate,
        sexAtBirth: SexAtBirth,
        genderIdentity: String? = nil,
        phone: String? = nil,
        email: String? = nil,
        address: String? = nil,
        emergencyContact: EmergencyContact? = nil
    ) {
        self.mrn = mrn
        self.legalGivenName = legalGivenName
        self.legalFamilyName = legalFamilyName
        self.preferredName = preferredName
        self.dateOfBirth = dateOfBirth
        self.sexAtBirth = sexAtBirth
        self.genderIdentity = genderIdentity
        self.phone = phone
        self.email = email
        self.address = address
        self.emergencyContact = emergencyContact
    }

    /// "Family, Given (Preferred)" as a chart header shows it.
    public var displayName: String {
        var name = "\(legalFamilyName), \(legalGivenName)"
        if let preferredName, !preferredName.isEmpty, preferredName != legalGivenName { name += " (\(preferredName))" }
        return name
    }
}

/// A registered patient as stored: demographics plus version for optimistic concurrency.
public struct Patient: Codable, Sendable, Equatable, Identifiable {
    public let id: PatientID
    public var demographics: Demographics
    /// Incremented by every amendment; an edit must name the version it was based on.
    public var version: Int
    public let createdAt: Date
    public var updatedAt: Date
    /// Display name of the last person to change the record.
    public var updatedBy: String

    /// Creates a stored patient value.
    public init(id: PatientID, demographics: Demographics, version: Int, createdAt: Date, updatedAt: Date, updatedBy: String) {
        self.id = id
        self.demographics = demographics
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}
