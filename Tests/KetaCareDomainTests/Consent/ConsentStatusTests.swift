import Foundation
import KetaCareDomain
import Testing

@Suite("Consent per route: current, missing, withdrawn, outdated version (issue #4 'Consent')")
struct ConsentStatusTests {
    static let day = 86_400.0
    static let june1 = Date(timeIntervalSince1970: 20_240 * day)  // 2025-06-01T00:00Z
    static let now = june1.addingTimeInterval(14 * day + 3_600)

    static func document(_ id: String = "consent.iv", routes: [DosingRoute] = [.intravenous], version: Int, effective: String) -> ConsentDocument {
        ConsentDocument(
            id: id, routes: routes, version: version, title: "IV consent v\(version)", body: "Text v\(version)",
            effectiveOn: try! LocalDate.parse(effective), provenance: .designDefault)
    }

    static let v1 = document(version: 1, effective: "2025-01-01")
    static let v2 = document(version: 2, effective: "2025-06-10")
    static let typed = SignatureKind.typedName(name: "Alex Doe", channel: .clinicTablet)

    static func signed(_ doc: ConsentDocument, daysAfterJune1: Double, route: DosingRoute = .intravenous) -> ConsentRecord {
        try! ConsentRecord(
            signing: doc, route: route, signature: typed, signedAt: june1.addingTimeInterval(daysAfterJune1 * day), recordedBy: "patient")
    }

    @Test("The seed covers IV, IM/SC, intranasal esketamine and oral/sublingual with placeholder text")
    func seed() throws {
        for route in [DosingRoute.intravenous, .intramuscular, .subcutaneous, .intranasalEsketamine, .oral, .sublingual] {
            let doc = try #require(ConsentDocument.current(for: route, among: ConsentDocument.seed, on: try LocalDate.parse("2025-06-15")))
            #expect(doc.provenance == .designDefault)
            #expect(doc.body.hasPrefix("PLACEHOLDER"))
            try doc.validate()
        }
        #expect(ConsentDocument.current(for: .intravenousEsketamine, among: ConsentDocument.seed, on: try LocalDate.parse("2025-06-15")) == nil)
    }

    @Test("Status cases")
    func cases() throws {
        let docs = [Self.v1, Self.v2]
        let onV2 = Self.signed(Self.v2, daysAfterJune1: 10)
        let onV1 = Self.signed(Self.v1, daysAfterJune1: 2)
        // Current: latest signature is on the version in force.
        #expect(ConsentStatus.evaluate(route: .intravenous, records: [onV1, onV2], documents: docs, at: Self.now) == .current(onV2))
        #expect(ConsentStatus.evaluate(route: .intravenous, records: [onV2], documents: docs, at: Self.now).hasValidConsent)
        // Missing: nothing signed, or signed only for another document.
        #expect(ConsentStatus.evaluate(route: .intravenous, records: [], documents: docs, at: Self.now) == .missing)
        let im = Self.document("consent.im-sc", routes: [.intramuscular, .subcutaneous], version: 1, effective: "2025-01-01")
        let imRecord = Self.signed(im, daysAfterJune1: 1, route: .intramuscular)
        #expect(ConsentStatus.evaluate(route: .intravenous, records: [imRecord], documents: docs + [im], at: Self.now) == .missing)
        // One document covers IM and SC.
        #expect(ConsentStatus.evaluate(route: .subcutaneous, records: [imRecord], documents: [im], at: Self.now) == .current(imRecord))
        // Outdated: v2 took effect after the patient signed v1.
        #expect(
            ConsentStatus.evaluate(route: .intravenous, records: [onV1], documents: docs, at: Self.now) == .outdatedVersion(onV1, currentVersion: 2))
        // Before v2's effective date, the v1 signature is current.
        #expect(
            ConsentStatus.evaluate(route: .intravenous, records: [onV1], documents: docs, at: Self.june1.addingTimeInterval(5 * Self.day))
                == .current(onV1))
        // A signature after the evaluation time does not count yet.
        #expect(
            ConsentStatus.evaluate(route: .intravenous, records: [onV2], documents: docs, at: Self.june1.addingTimeInterval(9 * Self.day))
                .hasValidConsent == false)
        // No document for the route.
        #expect(ConsentStatus.evaluate(route: .oral, records: [onV2], documents: docs, at: Self.now) == .noDocument)
    }

    @Test("Withdrawal: effective from its time; a later signature restores consent")
    func withdrawal() throws {
        let docs = [Self.v1, Self.v2]
        let record = Self.signed(Self.v2, daysAfterJune1: 10)
        let withdrawn = try record.withdrawing(at: Self.june1.addingTimeInterval(12 * Self.day), reason: "Changed mind", recordedBy: "rn.kim")
        #expect(ConsentStatus.evaluate(route: .intravenous, records: [withdrawn], documents: docs, at: Self.now) == .withdrawn(withdrawn))
        #expect(
            ConsentStatus.evaluate(route: .intravenous, records: [withdrawn], documents: docs, at: Self.june1.addingTimeInterval(11 * Self.day))
                .hasValidConsent)
        let again = Self.signed(Self.v2, daysAfterJune1: 13)
        #expect(ConsentStatus.evaluate(route: .intravenous, records: [withdrawn, again], documents: docs, at: Self.now) == .current(again))
    }

    @Test("Bad signatures and withdrawals name the field")
    func errors() throws {
        let at = Self.june1.addingTimeInterval(10 * Self.day)
        #expect(throws: ConsentError(field: "signature.typedName.name", message: "the typed name must not be blank")) {
            try ConsentRecord(
                signing: Self.v2, route: .intravenous, signature: .typedName(name: " ", channel: .patientLink), signedAt: at, recordedBy: "p")
        }
        #expect(throws: ConsentError(field: "signature.witnessedPaper.witness", message: "the witness must be named")) {
            try ConsentRecord(signing: Self.v2, route: .intravenous, signature: .witnessedPaper(witness: ""), signedAt: at, recordedBy: "rn")
        }
        let wrongRoute = try #require(throws: ConsentError.self) {
            try ConsentRecord(signing: Self.v2, route: .oral, signature: Self.typed, signedAt: at, recordedBy: "p")
        }
        #expect(wrongRoute.field == "route")
        let early = try #require(throws: ConsentError.self) {
            try ConsentRecord(signing: Self.v2, route: .intravenous, signature: Self.typed, signedAt: Self.june1, recordedBy: "p")
        }
        #expect(early.field == "signedAt")
        let record = Self.signed(Self.v2, daysAfterJune1: 10)
        #expect(throws: ConsentError.self) { try record.withdrawing(at: Self.now, reason: "", recordedBy: "rn") }
        let before = try #require(throws: ConsentError.self) { try record.withdrawing(at: Self.june1, reason: "x", recordedBy: "rn") }
        #expect(before.field == "withdrawal.at")
        let twice = try #require(throws: ConsentError.self) {
            try record.withdrawing(at: Self.now, reason: "x", recordedBy: "rn").withdrawing(at: Self.now, reason: "y", recordedBy: "rn")
        }
        #expect(twice.field == "withdrawal")
        var doc = Self.v2
        doc.routes = []
        #expect(throws: ConsentError.self) { try doc.validate() }
    }

    @Test("Records round-trip through JSON, including the signature kind")
    func codable() throws {
        let record = try Self.signed(Self.v2, daysAfterJune1: 10).withdrawing(at: Self.now, reason: "Moved away", recordedBy: "rn")
        let paper = try ConsentRecord(
            signing: Self.v1, route: .intravenous, signature: .witnessedPaper(witness: "RN Kim"), signedAt: Self.june1, recordedBy: "rn")
        for value in [record, paper] {
            #expect(try JSONDecoder().decode(ConsentRecord.self, from: JSONEncoder().encode(value)) == value)
        }
    }
}
