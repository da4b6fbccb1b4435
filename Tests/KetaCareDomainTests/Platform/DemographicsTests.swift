import Foundation
import KetaCareDomain
import Testing

@Suite("Demographics validation (registry plausibility, design defaults)")
struct DemographicsTests {
    let today = try! LocalDate(year: 2026, month: 11, day: 22)
    let policy = RegistryPolicy.seed

    func valid() throws -> Demographics {
        Demographics(
            mrn: "kc-000123", legalGivenName: "  Zoë ", legalFamilyName: "O'Brien", preferredName: " ",
            dateOfBirth: try LocalDate.parse("1980-02-29"),
            sexAtBirth: .female, phone: "(555) 123-4567", email: "zoe@example.org",
            emergencyContact: EmergencyContact(name: "Sam", relationship: "partner", phone: "+1 555 987 6543", canEscort: true)
        )
    }

    @Test func normalisesAValidRecord() throws {
        let d = try valid().validated(policy: policy, today: today)
        #expect(d.mrn == "KC-000123")
        #expect(d.legalGivenName == "Zoë")
        #expect(d.preferredName == nil)
        #expect(d.displayName == "O'Brien, Zoë")
    }

    /// Each row: a change that breaks one field, and the field the error must name.
    static let badInputs: [(String, String, @Sendable (inout Demographics) throws -> Void)] = [
        ("empty given name", "legalGivenName", { $0.legalGivenName = "  " }),
        ("empty family name", "legalFamilyName", { $0.legalFamilyName = "" }),
        ("over-long family name", "legalFamilyName", { $0.legalFamilyName = String(repeating: "x", count: 101) }),
        ("MRN with spaces", "mrn", { $0.mrn = "KC 1" }),
        ("MRN over 20", "mrn", { $0.mrn = String(repeating: "A", count: 21) }),
        ("phone with letters", "phone", { $0.phone = "555-CALL-NOW" }),
        ("phone too short", "phone", { $0.phone = "1234" }),
        ("email without domain", "email", { $0.email = "zoe@" }),
        ("born tomorrow", "dateOfBirth", { $0.dateOfBirth = try LocalDate.parse("2026-11-23") }),
        ("older than 130", "dateOfBirth", { $0.dateOfBirth = try LocalDate.parse("1895-11-22") }),
        ("contact without phone", "emergencyContact.phone", { $0.emergencyContact?.phone = "" }),
        ("over-long gender identity", "genderIdentity", { $0.genderIdentity = String(repeating: "g", count: 61) }),
    ]

    @Test(arguments: 0..<badInputs.count)
    func namesTheFieldAtFault(_ index: Int) throws {
        let (label, field, change) = Self.badInputs[index]
        var d = try valid()
        try change(&d)
        let error = #expect(throws: ValidationError.self, "\(label)") { try d.validated(policy: policy, today: today) }
        #expect(error?.field == field, "\(label)")
    }

    @Test("Age limit both sides of the boundary: aged 130 is allowed, 131 is not")
    func ageBoundary() throws {
        var d = try valid()
        d.dateOfBirth = try LocalDate.parse("1895-11-23")
        #expect(throws: Never.self) { try d.validated(policy: policy, today: today) }
        d.dateOfBirth = try LocalDate.parse("1895-11-22")
        #expect(throws: ValidationError.self) { try d.validated(policy: policy, today: today) }
        d.dateOfBirth = today
        #expect(throws: Never.self) { try d.validated(policy: policy, today: today) }
        #expect(Demographics.earliestBirthDate(maxAge: 130, today: today).description == "1895-11-23")
    }

    @Test func changesListOnlyDifferingFields() throws {
        let old = try valid().validated(policy: policy, today: today)
        var new = old
        new.phone = "(555) 000-1111"
        new.emergencyContact?.canEscort = false
        let changes = new.changes(from: old)
        #expect(changes.map(\.field) == ["phone", "emergencyContact.canEscort"])
        #expect(changes[0].oldValue == "(555) 123-4567")
        #expect(changes[1].newValue == "no")
    }

    @Test func amendmentReasonIsRequired() {
        #expect(throws: ValidationError(field: "reason", message: "reason is required: say why the record is being amended")) {
            try AmendmentReason.validated("   ")
        }
        #expect((try? AmendmentReason.validated(" typo ")) == "typo")
        #expect(throws: ValidationError.self) { try AmendmentReason.validated(String(repeating: "r", count: 501)) }
    }

    @Test("Body measurements: plausible range both sides (design defaults), LOINC per DOMAIN.md §10.2")
    func measurementRanges() throws {
        let now = Date(timeIntervalSince1970: 0)
        for (kind, ok, bad) in [(BodyMeasurementKind.weight, 20.0, 19.9), (.weight, 350, 350.1), (.height, 50, 49.9), (.height, 250, 250.1)] {
            #expect(throws: Never.self) {
                try BodyMeasurement(kind: kind, value: ok, measuredOn: today, recordedBy: "t", recordedAt: now, policy: policy, today: today)
            }
            let error = #expect(throws: ValidationError.self) {
                try BodyMeasurement(kind: kind, value: bad, measuredOn: today, recordedBy: "t", recordedAt: now, policy: policy, today: today)
            }
            #expect(error?.field == kind.rawValue)
        }
        #expect(BodyMeasurementKind.weight.loinc == "29463-7")
        #expect(BodyMeasurementKind.height.loinc == "8302-2")
        #expect(BodyMeasurement.bmi(weightKg: 82, heightCm: 180) == 25.3)
    }
}

@Suite("Calendar dates")
struct LocalDateTests {
    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-04-31", "26-01-01", "yesterday", "2026-1-1"])
    func rejectsImpossibleOrMalformedDates(_ text: String) {
        #expect(throws: ValidationError.self) { try LocalDate.parse(text, field: "dateOfBirth") }
    }

    @Test func parsesIsoAndUsForms() throws {
        #expect(try LocalDate.parse("2024-02-29").description == "2024-02-29")
        #expect(try LocalDate.parse("04/12/1980").description == "1980-04-12")
    }

    @Test func agesCountBirthdays() throws {
        let dob = try LocalDate.parse("2000-06-15")
        #expect(dob.age(on: try LocalDate.parse("2026-06-14")) == 25)
        #expect(dob.age(on: try LocalDate.parse("2026-06-15")) == 26)
    }

    @Test func dayArithmeticRoundTrips() throws {
        let d = try LocalDate.parse("2026-03-01")
        #expect(d.adding(days: -1).description == "2026-02-28")
        #expect(d.adding(days: 365).description == "2027-03-01")
        #expect(LocalDate(utcDayOf: Date(timeIntervalSince1970: 86_400 * 365)).description == "1971-01-01")
    }
}

@Suite("Patient search text")
struct PatientSearchTests {
    @Test func understandsWhatWasTyped() throws {
        #expect(PatientSearch.parse("1980-04-12") == .dateOfBirth(try LocalDate.parse("1980-04-12")))
        #expect(PatientSearch.parse("kc-0001") == .mrnPrefix("KC-0001"))
        #expect(PatientSearch.parse("  Smi ") == .anyName("smi"))
        #expect(PatientSearch.parse("O'Brien, Zo") == .fullName(first: "obrien", second: "zo", ordered: true))
        #expect(PatientSearch.parse("zoe obr") == .fullName(first: "zoe", second: "obr", ordered: false))
        #expect(PatientSearch.parse("   ") == nil)
    }

    @Test func normalisesNames() {
        #expect(SearchKey.normalize("Zoë  O'Brien-Smith") == "zoe obriensmith")
        #expect(SearchKey.normalize("MÜLLER") == "muller")
    }

    @Test func prefixUpperBoundIsTheNextString() {
        #expect(SearchKey.upperBound(ofPrefix: "smi") == "smj")
        #expect("smith" < SearchKey.upperBound(ofPrefix: "smi"))
        #expect("smj" >= SearchKey.upperBound(ofPrefix: "smi"))
    }
}

@Suite("Role matrix")
struct AccessMatrixTests {
    /// The whole matrix as a table: role → permissions it holds. Anything not listed is refused.
    static let expected: [Role: Set<Permission>] = [
        .admin: [
            .manageOwnAccount, .readAudit, .manageUsers, .readMetrics, .reviewPolicy, .readOutcomes, .manageInstruments, .manageConsentDocuments,
            .readOutbox,
        ],
        .prescriber: [
            .manageOwnAccount, .readPatient, .createPatient, .amendPatient, .recordAssessment, .sendSelfReport, .acknowledgeAlert, .reviewPolicy,
            .assignCareTeam,
            .recordDiagnosis, .readOutcomes, .recordIntake, .overrideScreening, .recordConsent, .managePlans, .manageSchedule, .readLedger,
            .recordLedger, .orderDose, .verifyDose, .runSession, .signSession, .overrideDischarge, .overridePreDose,
        ],
        .nurse: [
            .manageOwnAccount, .readPatient, .createPatient, .amendPatient, .recordAssessment, .sendSelfReport, .recordIntake, .recordConsent,
            .manageSchedule,
            .readLedger, .recordLedger, .verifyDose, .runSession, .signSession,
        ],
        .frontdesk: [
            .manageOwnAccount, .readPatient, .createPatient, .amendPatient, .sendSelfReport, .assignCareTeam, .recordConsent, .manageSchedule,
            .readOutbox,
        ],
        .compliance: [.manageOwnAccount, .readPatient, .readAudit, .readOutcomes, .readLedger, .recordLedger, .manageLedger],
    ]

    @Test(arguments: Role.allCases)
    func grantsExactlyTheTable(_ role: Role) {
        for permission in Permission.allCases {
            #expect(AccessMatrix.standard.allows(role, permission) == Self.expected[role]!.contains(permission), "\(role) \(permission)")
        }
    }

    @Test func parsesRolesNamingAllowedValues() throws {
        #expect(try Role.parse(" Nurse ") == .nurse)
        let error = #expect(throws: ValidationError.self) { try Role.parse("doctor") }
        #expect(error?.message.contains("admin, prescriber, nurse, frontdesk, compliance") == true)
    }
}

@Suite("Audit chain canonical form")
struct AuditEventTests {
    func event(_ detail: String = "") -> AuditEvent {
        AuditEvent(
            sequence: 1, occurredAt: Date(timeIntervalSince1970: 1_700_000_000.1234), actor: "nurse.kim", role: "nurse", action: "patient.view",
            resourceType: "patient", resourceID: "p1", patientID: "p1", clientAddress: "127.0.0.1", outcome: .success, detail: detail,
            previousHash: AuditEvent.genesisHash
        )
    }

    @Test func encodingIsLengthPrefixedAndStable() {
        #expect(
            event().canonicalEncoding
                == "ketacare-audit-v1|1:1|13:1700000000123|9:nurse.kim|5:nurse|12:patient.view|7:patient|2:p1|2:p1|9:127.0.0.1|7:success|0:")
        // Length prefixes keep "a|b" + "" distinct from "a" + "|b".
        #expect(event("x|1:y").canonicalEncoding != event("x").canonicalEncoding)
    }

    @Test func verifierFindsTheFirstBreak() throws {
        let hash: @Sendable (String) -> String = { String($0.utf8.reduce(UInt64(5381)) { ($0 &* 33) &+ UInt64($1) }) }
        var first = event()
        first.hash = hash(first.chainInput)
        var second = event("second")
        second.sequence = 2
        second.previousHash = first.hash
        second.hash = hash(second.chainInput)
        var verifier = AuditChainVerifier(hash: hash)
        try verifier.check(first)
        try verifier.check(second)
        #expect(verifier.verifiedCount == 2)

        var tampered = second
        tampered.actor = "someone.else"
        var again = AuditChainVerifier(hash: hash)
        try again.check(first)
        #expect(
            throws: AuditChainBreak(
                sequence: 2, reason: "contents do not match its hash (altered after it was written, or moved from another clinic's chain)")
        ) {
            try again.check(tampered)
        }

        var skipping = AuditChainVerifier(hash: hash)
        #expect(throws: AuditChainBreak.self) { try skipping.check(second) }
    }

    @Test("Issue #11: the v2 chain covers the clinic id; a v1 event after a v2 one is a break")
    func chainCoversTheClinic() throws {
        let hash: @Sendable (String) -> String = { String($0.utf8.reduce(UInt64(5381)) { ($0 &* 33) &+ UInt64($1) }) }
        #expect(event().canonicalEncoding(clinicID: "c1").hasPrefix("ketacare-audit-v2|2:c1|1:1|"))
        var legacy = event()
        legacy.hash = hash(legacy.chainInput)
        var current = event("second")
        current.sequence = 2
        current.previousHash = legacy.hash
        current.hash = hash(current.chainInput(clinicID: "c1"))
        var third = event("third")
        third.sequence = 3
        third.previousHash = current.hash
        third.hash = hash(third.chainInput)
        var verifier = AuditChainVerifier(clinicID: "c1", hash: hash)
        try verifier.check(legacy)
        try verifier.check(current)
        #expect(verifier.lastHash == current.hash)
        #expect(throws: AuditChainBreak.self) { try verifier.check(third) }
        var otherClinic = AuditChainVerifier(clinicID: "c2", hash: hash)
        try otherClinic.check(legacy)
        #expect(throws: AuditChainBreak.self) { try otherClinic.check(current) }
    }
}
