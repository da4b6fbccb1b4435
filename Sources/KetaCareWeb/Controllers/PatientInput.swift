import Foundation
import HTTPTypes
import KetaCareDomain
import Logging

/// The demographics a client sends (API JSON or an HTML form), before validation.
struct PatientInput: Codable, Sendable {
    struct Contact: Codable, Sendable {
        var name: String?
        var relationship: String?
        var phone: String?
        var canEscort: Bool?
    }

    var mrn: String?
    var legalGivenName: String?
    var legalFamilyName: String?
    var preferredName: String?
    var dateOfBirth: String?
    var sexAtBirth: String?
    var genderIdentity: String?
    var phone: String?
    var email: String?
    var address: String?
    var emergencyContact: Contact?

    static let fields: Set<String> = [
        "mrn", "legalGivenName", "legalFamilyName", "preferredName", "dateOfBirth", "sexAtBirth", "genderIdentity", "phone", "email", "address",
        "emergencyContact",
    ]
    static let contactFields: Set<String> = ["name", "relationship", "phone", "canEscort"]

    /// Converts to validated demographics, naming the first field at fault.
    func demographics(policy: RegistryPolicy, today: LocalDate) throws -> Demographics {
        func required(_ value: String?, _ field: String) throws -> String {
            guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError(field: field, message: "\(field) is required")
            }
            return value
        }
        let dob = try LocalDate.parse(try required(dateOfBirth, "dateOfBirth"), field: "dateOfBirth")
        let sexText = try required(sexAtBirth, "sexAtBirth").lowercased()
        guard let sex = SexAtBirth(rawValue: sexText) else {
            throw ValidationError(
                field: "sexAtBirth", message: "sexAtBirth must be one of \(SexAtBirth.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var contact: EmergencyContact?
        if let c = emergencyContact, [c.name, c.relationship, c.phone].contains(where: { !($0 ?? "").trimmingCharacters(in: .whitespaces).isEmpty }) {
            contact = EmergencyContact(
                name: try required(c.name, "emergencyContact.name"), relationship: c.relationship,
                phone: try required(c.phone, "emergencyContact.phone"), canEscort: c.canEscort ?? false
            )
        }
        let demographics = Demographics(
            mrn: try required(mrn, "mrn"), legalGivenName: try required(legalGivenName, "legalGivenName"),
            legalFamilyName: try required(legalFamilyName, "legalFamilyName"), preferredName: preferredName, dateOfBirth: dob,
            sexAtBirth: sex, genderIdentity: genderIdentity, phone: phone, email: email, address: address, emergencyContact: contact
        )
        return try demographics.validated(policy: policy, today: today)
    }

    /// The input that reproduces `d` (to pre-fill forms and to merge PATCH bodies).
    init(_ d: Demographics) {
        mrn = d.mrn
        legalGivenName = d.legalGivenName
        legalFamilyName = d.legalFamilyName
        preferredName = d.preferredName
        dateOfBirth = d.dateOfBirth.description
        sexAtBirth = d.sexAtBirth.rawValue
        genderIdentity = d.genderIdentity
        phone = d.phone
        email = d.email
        address = d.address
        emergencyContact = d.emergencyContact.map { Contact(name: $0.name, relationship: $0.relationship, phone: $0.phone, canEscort: $0.canEscort) }
    }

    /// Reads an HTML form: the same names as the API, nested ones dotted (`emergencyContact.phone`).
    init(form: [String: String]) {
        func text(_ key: String) -> String? { form[key].flatMap { $0.isEmpty ? nil : $0 } }
        mrn = text("mrn")
        legalGivenName = text("legalGivenName")
        legalFamilyName = text("legalFamilyName")
        preferredName = text("preferredName")
        dateOfBirth = text("dateOfBirth")
        sexAtBirth = text("sexAtBirth")
        genderIdentity = text("genderIdentity")
        phone = text("phone")
        email = text("email")
        address = text("address")
        emergencyContact = Contact(
            name: text("emergencyContact.name"), relationship: text("emergencyContact.relationship"),
            phone: text("emergencyContact.phone"), canEscort: form["emergencyContact.canEscort"] != nil
        )
    }

    /// Values keyed by field name, for re-rendering a form exactly as typed.
    var formValues: [String: Any] {
        [
            "mrn": mrn ?? "", "legalGivenName": legalGivenName ?? "", "legalFamilyName": legalFamilyName ?? "", "preferredName": preferredName ?? "",
            "dateOfBirth": dateOfBirth ?? "", "genderIdentity": genderIdentity ?? "", "phone": phone ?? "", "email": email ?? "",
            "address": address ?? "", "ecName": emergencyContact?.name ?? "", "ecRelationship": emergencyContact?.relationship ?? "",
            "ecPhone": emergencyContact?.phone ?? "", "ecCanEscort": emergencyContact?.canEscort ?? false,
            "sexOptions": SexAtBirth.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == sexAtBirth] },
        ]
    }
}

/// A patient as the API returns it.
struct PatientDTO: Encodable {
    struct Contact: Encodable {
        let name: String
        let relationship: String?
        let phone: String
        let canEscort: Bool
    }
    struct Measure: Encodable {
        let value: Double
        let unit: String
        let measuredOn: String
    }

    let id: String
    let mrn: String
    let legalGivenName: String
    let legalFamilyName: String
    let preferredName: String?
    let dateOfBirth: String
    let sexAtBirth: String
    let genderIdentity: String?
    let phone: String?
    let email: String?
    let address: String?
    let emergencyContact: Contact?
    let latestWeight: Measure?
    let latestHeight: Measure?
    let version: Int
    let createdAt: String
    let updatedAt: String
    let updatedBy: String

    init(_ patient: Patient, measurements: [BodyMeasurement] = []) {
        let d = patient.demographics
        id = patient.id.rawValue
        mrn = d.mrn
        legalGivenName = d.legalGivenName
        legalFamilyName = d.legalFamilyName
        preferredName = d.preferredName
        dateOfBirth = d.dateOfBirth.description
        sexAtBirth = d.sexAtBirth.rawValue
        genderIdentity = d.genderIdentity
        phone = d.phone
        email = d.email
        address = d.address
        emergencyContact = d.emergencyContact.map { Contact(name: $0.name, relationship: $0.relationship, phone: $0.phone, canEscort: $0.canEscort) }
        let weight = measurements.first { $0.kind == .weight }
        let height = measurements.first { $0.kind == .height }
        latestWeight = weight.map { Measure(value: $0.value, unit: "kg", measuredOn: $0.measuredOn.description) }
        latestHeight = height.map { Measure(value: $0.value, unit: "cm", measuredOn: $0.measuredOn.description) }
        version = patient.version
        createdAt = Format.iso(patient.createdAt)
        updatedAt = Format.iso(patient.updatedAt)
        updatedBy = patient.updatedBy
    }
}
