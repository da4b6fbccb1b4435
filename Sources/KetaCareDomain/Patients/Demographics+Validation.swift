import Foundation

extension Demographics {
    /// Field length limits: plausibility for storage and display, not clinical values.
    public enum Limits {
        public static let name = 100
        public static let genderIdentity = 60
        public static let phone = 30
        public static let email = 254
        public static let address = 300
        public static let relationship = 60
    }

    /// Returns a trimmed copy, or throws naming the first field that is out of range.
    ///
    /// `today` is passed in (the domain has no clock). Blank optional text becomes nil.
    public func validated(policy: RegistryPolicy, today: LocalDate) throws(ValidationError) -> Demographics {
        var d = self
        d.mrn = mrn.trimmingCharacters(in: .whitespaces).uppercased()
        guard d.mrn.wholeMatch(pattern: policy.mrnPattern.value) else {
            throw ValidationError(
                field: "mrn",
                message: "mrn must match the clinic's MRN format \(policy.mrnPattern.value) (letters, digits and '-', up to 20)"
            )
        }
        d.legalGivenName = try Demographics.required(legalGivenName, field: "legalGivenName", max: Limits.name)
        d.legalFamilyName = try Demographics.required(legalFamilyName, field: "legalFamilyName", max: Limits.name)
        d.preferredName = try Demographics.optional(preferredName, field: "preferredName", max: Limits.name)
        d.genderIdentity = try Demographics.optional(genderIdentity, field: "genderIdentity", max: Limits.genderIdentity)
        d.address = try Demographics.optional(address, field: "address", max: Limits.address)
        d.phone = try Demographics.phoneNumber(phone, field: "phone")
        d.email = try Demographics.optional(email, field: "email", max: Limits.email)
        if let email = d.email, !Demographics.looksLikeEmail(email) {
            throw ValidationError(field: "email", message: "email must look like name@example.org")
        }
        guard dateOfBirth <= today else {
            throw ValidationError(field: "dateOfBirth", message: "dateOfBirth cannot be in the future (today is \(today))")
        }
        let maxAge = policy.maxAgeYears.value
        guard dateOfBirth.age(on: today) <= maxAge else {
            throw ValidationError(
                field: "dateOfBirth",
                message:
                    "dateOfBirth gives an age over \(maxAge) years; allowed range is \(Demographics.earliestBirthDate(maxAge: maxAge, today: today)) to \(today)"
            )
        }
        if let contact = emergencyContact {
            let name = try Demographics.required(contact.name, field: "emergencyContact.name", max: Limits.name)
            let relationship = try Demographics.optional(contact.relationship, field: "emergencyContact.relationship", max: Limits.relationship)
            guard let phone = try Demographics.phoneNumber(contact.phone, field: "emergencyContact.phone") else {
                throw ValidationError(field: "emergencyContact.phone", message: "emergencyContact.phone is required when a contact is given")
            }
            d.emergencyContact = EmergencyContact(name: name, relationship: relationship, phone: phone, canEscort: contact.canEscort)
        }
        return d
    }

    /// The earliest date of birth that still gives an age of at most `maxAge` years on `today`.
    public static func earliestBirthDate(maxAge: Int, today: LocalDate) -> LocalDate {
        let dayAfter = today.adding(days: 1)
        let year = dayAfter.year - maxAge - 1
        // 29 February in a year that has none: the birthday is celebrated on 1 March.
        return (try? LocalDate(year: year, month: dayAfter.month, day: dayAfter.day)) ?? (try? LocalDate(year: year, month: 3, day: 1)) ?? today
    }

    private static func required(_ value: String, field: String, max: Int) throws(ValidationError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ValidationError(field: field, message: "\(field) is required") }
        guard trimmed.count <= max else { throw ValidationError(field: field, message: "\(field) must be at most \(max) characters") }
        return trimmed
    }

    private static func optional(_ value: String?, field: String, max: Int) throws(ValidationError) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= max else { throw ValidationError(field: field, message: "\(field) must be at most \(max) characters") }
        return trimmed
    }

    private static func phoneNumber(_ value: String?, field: String) throws(ValidationError) -> String? {
        guard let phone = try optional(value, field: field, max: Limits.phone) else { return nil }
        let allowed = Set("0123456789+-() .")
        let digits = phone.filter(\.isNumber).count
        guard phone.allSatisfy({ allowed.contains($0) }), (5...15).contains(digits) else {
            throw ValidationError(field: field, message: "\(field) must be 5 to 15 digits, optionally with + - ( ) spaces and dots")
        }
        return phone
    }

    private static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !email.contains(" ")
    }
}

extension String {
    /// Whether the whole string matches the regular expression `pattern`.
    func wholeMatch(pattern: String) -> Bool {
        guard let range = range(of: "^(?:\(pattern))$", options: .regularExpression) else { return false }
        return range == startIndex..<endIndex
    }
}
