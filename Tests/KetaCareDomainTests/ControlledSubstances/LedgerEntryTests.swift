import Foundation
import KetaCareDomain
import Testing

@Suite("Ledger entries: every kind accepted, every refusal names its field (DOMAIN.md §9.3, §9.5, §9.6)")
struct LedgerEntryTests {
    typealias F = LedgerFixture

    struct Accepted: Sendable, CustomTestStringConvertible {
        let label: String
        let entry: LedgerEntry
        /// Balance expected afterwards at the key.
        let key: StockKey
        let balance: String
        var testDescription: String { label }
    }

    static let safeA = StockKey(product: F.p50, lot: F.a, location: "safe")
    static let cabinetA = StockKey(product: F.p50, lot: F.a, location: "cabinet")
    static let cabinetE = StockKey(product: F.device, lot: "lot-e", location: "cabinet")
    static let lotB = Lot(id: "lot-b", lotNumber: "B1", product: F.p50, expiresOn: F.date("2027-01-01"))

    static let accepted: [Accepted] = [
        Accepted(
            label: "receipt of a second lot", entry: F.entry(4, F.p50, F.receipt(lotB, containers: 2, quantity: F.ml("20"), at: "cabinet")),
            key: StockKey(product: F.p50, lot: "lot-b", location: "cabinet"), balance: "20"),
        Accepted(
            label: "receipt of more of a known lot", entry: F.entry(4, F.p50, F.receipt(F.lotA, containers: 1, quantity: F.ml("10"), at: "safe")),
            key: safeA, balance: "60"),
        Accepted(
            label: "administration with remainder wasted, witnessed",
            entry: F.entry(4, F.administration(drawn: F.ml("1"), given: F.ml("0.82"), wasted: F.ml("0.18"))), key: safeA, balance: "49"),
        Accepted(
            label: "administration without waste needs no witness",
            entry: F.entry(4, witness: nil, F.administration(drawn: F.ml("0.82"), given: F.ml("0.82"), wasted: F.ml("0"), method: nil)),
            key: safeA, balance: "49.18"),
        Accepted(
            label: "a whole vial drawn (boundary: exactly the container volume)",
            entry: F.entry(4, witness: nil, F.administration(drawn: F.ml("10"), given: F.ml("10"), wasted: F.ml("0"))), key: safeA, balance: "40"),
        Accepted(
            label: "esketamine: three devices",
            entry: F.entry(
                4, F.device, witness: nil,
                F.administration(
                    lot: "lot-e", location: "cabinet", container: nil, drawn: F.devices("3"), given: F.devices("3"), wasted: F.devices("0"))),
            key: cabinetE, balance: "3"),
        Accepted(
            label: "waste, witnessed",
            entry: F.entry(4, .waste(Waste(lot: F.a, location: "safe", container: 2, quantity: F.ml("0.5"), method: "sink"))), key: safeA,
            balance: "49.5"),
        Accepted(
            label: "transfer safe → cabinet",
            entry: F.entry(4, witness: nil, .transfer(Transfer(lot: F.a, from: "safe", to: "cabinet", quantity: F.ml("20")))), key: cabinetA,
            balance: "20"),
        Accepted(
            label: "return to supplier",
            entry: F.entry(
                4,
                .returnToSupplier(
                    SupplierReturn(lot: F.a, location: "safe", container: nil, quantity: F.ml("10"), supplier: F.supplier, reference: "RA-7"))),
            key: safeA, balance: "40"),
        Accepted(
            label: "destruction with Form 41",
            entry: F.entry(
                4,
                .destruction(
                    Destruction(
                        lot: F.a, location: "safe", container: nil, quantity: F.ml("10"), method: "denaturing kit", form41Reference: "F41-2025-01"))),
            key: safeA, balance: "40"),
        Accepted(
            label: "adjustment down, approved by compliance",
            entry: F.entry(
                4,
                .adjustment(Adjustment(lot: F.a, location: "safe", quantity: F.ml("-0.4"), investigationNote: "spill", approvedBy: F.carol))),
            key: safeA, balance: "49.6"),
        Accepted(
            label: "adjustment recorded by compliance, approved by a prescriber (issue #11)",
            entry: F.entry(
                4, by: F.carol,
                .adjustment(Adjustment(lot: F.a, location: "safe", quantity: F.ml("-0.4"), investigationNote: "spill", approvedBy: F.pat))),
            key: safeA, balance: "49.6"),
        Accepted(
            label: "adjustment up, approved by compliance",
            entry: F.entry(
                4, .adjustment(Adjustment(lot: F.a, location: "safe", quantity: F.ml("0.4"), investigationNote: "miscount", approvedBy: F.carol))),
            key: safeA, balance: "50.4"),
        Accepted(
            label: "correction referring to entry 1, no quantity change",
            entry: F.entry(
                4, .correction(Correction(corrects: 1, reason: "invoice number typo", lot: F.a, location: "safe", quantityChange: F.ml("0")))),
            key: safeA, balance: "50"),
    ]

    @Test("accepted", arguments: accepted)
    func accepts(_ c: Accepted) throws {
        let after = try LedgerRules.validate(c.entry, state: F.baseState, policy: F.policy, now: F.now, timeZone: F.utc)
        #expect(after.amount(at: c.key) == F.dec(c.balance))
        #expect(after.lastSequence == 4)
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        let label: String
        let entry: LedgerEntry
        let kind: LedgerError.Kind
        let field: String
        var state: LedgerState = F.baseState
        var now: Date = F.now
        var testDescription: String { label }
    }

    static func admin(drawn: String, given: String, wasted: String, container: Int? = 1, lot: LotID = "lot-a", witness: StaffMember? = F.bob)
        -> LedgerEntry
    {
        F.entry(4, witness: witness, F.administration(lot: lot, container: container, drawn: F.ml(drawn), given: F.ml(given), wasted: F.ml(wasted)))
    }

    /// Lot A with 45 mL moved to the cabinet: 5 mL left at the safe.
    static var drainedSafe: LedgerState {
        try! F.baseState.applying(F.entry(4, witness: nil, .transfer(Transfer(lot: F.a, from: "safe", to: "cabinet", quantity: F.ml("45")))))
    }

    /// Vial 1 of lot A with 8 mL already drawn.
    static var openedVial: LedgerState {
        try! F.baseState.applying(admin(drawn: "8", given: "8", wasted: "0"))
    }

    static let refused: [Refused] = [
        Refused(label: "zero drawn", entry: admin(drawn: "0", given: "0", wasted: "0"), kind: .nonPositiveQuantity, field: "drawn"),
        Refused(label: "negative given", entry: admin(drawn: "1", given: "-1", wasted: "2"), kind: .nonPositiveQuantity, field: "given"),
        Refused(label: "negative wasted", entry: admin(drawn: "1", given: "2", wasted: "-1"), kind: .nonPositiveQuantity, field: "wasted"),
        Refused(
            label: "zero waste", entry: F.entry(4, .waste(Waste(lot: F.a, location: "safe", container: 1, quantity: F.ml("0"), method: "sink"))),
            kind: .nonPositiveQuantity, field: "quantity"),
        Refused(
            label: "negative transfer", entry: F.entry(4, .transfer(Transfer(lot: F.a, from: "safe", to: "cabinet", quantity: F.ml("-1")))),
            kind: .nonPositiveQuantity, field: "quantity"),
        Refused(label: "drawn ≠ given + wasted", entry: admin(drawn: "1", given: "0.5", wasted: "0.4"), kind: .quantityMismatch, field: "drawn"),
        Refused(
            label: "beyond a 10 mL vial (10.01 mL)", entry: admin(drawn: "10.01", given: "10.01", wasted: "0"), kind: .beyondContainerVolume,
            field: "drawn"),
        Refused(
            label: "vial 1 overdrawn (8 + 2.1 > 10)",
            entry: F.entry(5, witness: nil, F.administration(drawn: F.ml("2.1"), given: F.ml("2.1"), wasted: F.ml("0"))),
            kind: .containerOverdrawn, field: "drawn", state: openedVial),
        Refused(
            label: "container number not received (#6 of 5)", entry: admin(drawn: "1", given: "1", wasted: "0", container: 6),
            kind: .unknownContainer, field: "container"),
        Refused(
            label: "no container named for a vial draw", entry: admin(drawn: "1", given: "1", wasted: "0", container: nil), kind: .missing,
            field: "container"),
        Refused(label: "unknown lot", entry: admin(drawn: "1", given: "1", wasted: "0", lot: "lot-zz"), kind: .unknownLot, field: "lot_id"),
        Refused(
            label: "lot of another product",
            entry: F.entry(4, F.p50, witness: nil, F.administration(lot: "lot-e", drawn: F.ml("1"), given: F.ml("1"), wasted: F.ml("0"))),
            kind: .unknownLot, field: "lot_id"),
        Refused(
            label: "unknown product",
            entry: F.entry(4, "morphine", witness: nil, F.administration(drawn: F.ml("1"), given: F.ml("1"), wasted: F.ml("0"))),
            kind: .unknownProduct, field: "product_id"),
        Refused(
            label: "unknown location",
            entry: F.entry(4, witness: nil, .transfer(Transfer(lot: F.a, from: "safe", to: "car-boot", quantity: F.ml("1")))),
            kind: .unknownLocation, field: "location_id"),
        Refused(
            label: "transfer to the same location",
            entry: F.entry(4, witness: nil, .transfer(Transfer(lot: F.a, from: "safe", to: "safe", quantity: F.ml("1")))),
            kind: .outOfRange, field: "to_location_id"),
        Refused(
            label: "expired lot (day after expiry)",
            entry: F.entry(4, F.p100, witness: nil, F.administration(lot: "lot-x", drawn: F.ml("1"), given: F.ml("1"), wasted: F.ml("0"))),
            kind: .expiredLot, field: "lot_id", now: F.now.addingTimeInterval(86_400)),
        Refused(label: "self-witness", entry: admin(drawn: "1", given: "0.5", wasted: "0.5", witness: F.alice), kind: .selfWitness, field: "witness"),
        Refused(
            label: "self-witness, different case",
            entry: admin(drawn: "1", given: "0.5", wasted: "0.5", witness: StaffMember(username: "ALICE", role: .nurse)),
            kind: .selfWitness, field: "witness"),
        Refused(
            label: "administration waste without witness", entry: admin(drawn: "1", given: "0.5", wasted: "0.5", witness: nil),
            kind: .witnessRequired, field: "witness"),
        Refused(
            label: "waste without witness",
            entry: F.entry(4, witness: nil, .waste(Waste(lot: F.a, location: "safe", container: 1, quantity: F.ml("1"), method: "sink"))),
            kind: .witnessRequired, field: "witness"),
        Refused(
            label: "destruction without witness",
            entry: F.entry(
                4, witness: nil,
                .destruction(Destruction(lot: F.a, location: "safe", container: nil, quantity: F.ml("10"), method: "kit", form41Reference: "F41-1"))),
            kind: .witnessRequired, field: "witness"),
        Refused(
            label: "adjustment without witness",
            entry: F.entry(
                4, witness: nil,
                .adjustment(Adjustment(lot: F.a, location: "safe", quantity: F.ml("-1"), investigationNote: "n", approvedBy: F.carol))),
            kind: .witnessRequired, field: "witness"),
        Refused(
            label: "receipt without witness (seed policy)",
            entry: F.entry(4, witness: nil, F.receipt(F.lotA, containers: 1, quantity: F.ml("10"), at: "safe")),
            kind: .witnessRequired, field: "witness"),
        Refused(
            label: "front desk cannot witness", entry: admin(drawn: "1", given: "0.5", wasted: "0.5", witness: F.dave), kind: .witnessRole,
            field: "witness"),
        Refused(
            label: "adjustment approved by a nurse",
            entry: F.entry(4, .adjustment(Adjustment(lot: F.a, location: "safe", quantity: F.ml("-1"), investigationNote: "n", approvedBy: F.bob))),
            kind: .approverRole, field: "approver"),
        Refused(
            label: "adjustment approved by its own recorder (issue #11)",
            entry: F.entry(
                4, by: F.carol,
                .adjustment(Adjustment(lot: F.a, location: "safe", quantity: F.ml("-1"), investigationNote: "n", approvedBy: F.carol))),
            kind: .approverNotIndependent, field: "approver"),
        Refused(
            label: "adjustment approved by its recorder under another spelling (issue #11)",
            entry: F.entry(
                4, by: F.carol,
                .adjustment(
                    Adjustment(
                        lot: F.a, location: "safe", quantity: F.ml("-1"), investigationNote: "n",
                        approvedBy: StaffMember(username: "Carol", role: .compliance)))),
            kind: .approverNotIndependent, field: "approver"),
        Refused(
            label: "balance would go negative (5 mL at the safe, 6 mL wasted)",
            entry: F.entry(5, .waste(Waste(lot: F.a, location: "safe", container: 1, quantity: F.ml("6"), method: "sink"))), kind: .negativeBalance,
            field: "quantity", state: drainedSafe),
        Refused(
            label: "devices: 7 of 6",
            entry: F.entry(
                4, F.device, witness: nil,
                F.administration(
                    lot: "lot-e", location: "cabinet", container: nil, drawn: F.devices("7"), given: F.devices("7"), wasted: F.devices("0"))),
            kind: .negativeBalance, field: "drawn"),
        Refused(
            label: "fractional device",
            entry: F.entry(
                4, F.device, witness: nil,
                F.administration(
                    lot: "lot-e", location: "cabinet", container: nil, drawn: F.devices("0.5"), given: F.devices("0.5"), wasted: F.devices("0"))),
            kind: .fractionalDevices, field: "drawn"),
        Refused(
            label: "devices on a mL product",
            entry: F.entry(4, witness: nil, F.administration(drawn: F.devices("1"), given: F.devices("1"), wasted: F.devices("0"))),
            kind: .unitMismatch, field: "drawn"),
        Refused(
            label: "receipt quantity ≠ containers × volume", entry: F.entry(4, F.receipt(F.lotA, containers: 2, quantity: F.ml("25"), at: "safe")),
            kind: .quantityMismatch, field: "quantity"),
        Refused(
            label: "receipt of a known lot with another expiry",
            entry: F.entry(
                4,
                F.receipt(
                    Lot(id: "lot-a", lotNumber: "A123", product: F.p50, expiresOn: F.date("2027-01-31")), containers: 1, quantity: F.ml("10"),
                    at: "safe")),
            kind: .lotConflict, field: "lot"),
        Refused(
            label: "DEA number fails its check digit",
            entry: F.entry(
                4,
                .receipt(
                    Receipt(
                        supplier: Supplier(name: "X", address: "Y", deaNumber: "AB1234564"), invoiceReference: "I", lot: F.lotA, location: "safe",
                        containers: 1, quantity: F.ml("10")))),
            kind: .invalidDEANumber, field: "supplier.dea_number"),
        Refused(
            label: "destruction without Form 41 reference",
            entry: F.entry(
                4, .destruction(Destruction(lot: F.a, location: "safe", container: nil, quantity: F.ml("10"), method: "kit", form41Reference: " "))),
            kind: .missing, field: "form41_reference"),
        Refused(
            label: "adjustment without investigation note",
            entry: F.entry(4, .adjustment(Adjustment(lot: F.a, location: "safe", quantity: F.ml("-1"), investigationNote: "", approvedBy: F.carol))),
            kind: .missing, field: "investigation_note"),
        Refused(
            label: "zero adjustment",
            entry: F.entry(4, .adjustment(Adjustment(lot: F.a, location: "safe", quantity: F.ml("0"), investigationNote: "n", approvedBy: F.carol))),
            kind: .nonPositiveQuantity, field: "quantity"),
        Refused(
            label: "wasted remainder without method",
            entry: F.entry(4, F.administration(drawn: F.ml("1"), given: F.ml("0.5"), wasted: F.ml("0.5"), method: nil)),
            kind: .missing, field: "waste_method"),
        Refused(
            label: "correction of an entry that does not exist",
            entry: F.entry(4, .correction(Correction(corrects: 4, reason: "r", lot: F.a, location: "safe", quantityChange: F.ml("0")))),
            kind: .unknownEntry, field: "corrects"),
        Refused(
            label: "double submission (same idempotency key as entry 1)",
            entry: F.entry(4, witness: nil, key: "submission-1", F.administration(drawn: F.ml("1"), given: F.ml("1"), wasted: F.ml("0"))),
            kind: .duplicateSubmission, field: "idempotency_key"),
        Refused(
            label: "stale sequence (another entry was recorded first)",
            entry: F.entry(3, witness: nil, key: "new", F.administration(drawn: F.ml("1"), given: F.ml("1"), wasted: F.ml("0"))),
            kind: .sequenceConflict, field: "sequence"),
        Refused(
            label: "dated in the future",
            entry: F.entry(
                4, witness: nil, at: F.now.addingTimeInterval(60), F.administration(drawn: F.ml("1"), given: F.ml("1"), wasted: F.ml("0"))),
            kind: .futureDate, field: "occurred_at"),
    ]

    @Test("refused", arguments: refused)
    func refuses(_ c: Refused) {
        #expect {
            try LedgerRules.validate(c.entry, state: c.state, policy: F.policy, now: c.now, timeZone: F.utc)
        } throws: { error in
            guard let error = error as? LedgerError else { return false }
            return error.kind == c.kind && error.field == c.field && !error.message.isEmpty
        }
    }

    @Test("a negative-balance refusal shows the current balance in mL and mg")
    func negativeBalanceMessage() throws {
        let entry = F.entry(5, .waste(Waste(lot: F.a, location: "safe", container: 1, quantity: F.ml("6"), method: "sink")))
        let error = try #require(throws: LedgerError.self) {
            try LedgerRules.validate(entry, state: Self.drainedSafe, policy: F.policy, now: F.now, timeZone: F.utc)
        }
        #expect(error.message.contains("is 5 mL (250 mg)"))
    }

    @Test("a witness who did not re-enter their password cannot be built")
    func unverifiedWitness() {
        #expect(
            throws: LedgerError(
                .witnessNotVerified, field: "witness_password",
                message: "the witness must re-enter their own password at the moment of witnessing; it was missing or wrong"
            )
        ) {
            try VerifiedWitness(username: "bob", role: .nurse, passwordVerified: false)
        }
    }

    struct ExpiryCase: Sendable {
        let now: Date
        let timeZone: TimeZone
        let isRefused: Bool
    }

    /// Lot X expires 2025-03-10: usable through that day on the clinic's calendar.
    @Test(
        "expiry boundary on the clinic's calendar",
        arguments: [
            ExpiryCase(now: F.now, timeZone: F.utc, isRefused: false),
            ExpiryCase(now: F.now.addingTimeInterval(9 * 3600 - 1), timeZone: F.utc, isRefused: false),  // 23:59:59 UTC
            ExpiryCase(now: F.now.addingTimeInterval(9 * 3600), timeZone: F.utc, isRefused: true),  // 00:00 on the 11th
            // 03:00 UTC on the 11th is 23:00 on the 10th in New York (EDT, UTC−4): still usable there.
            ExpiryCase(now: F.now.addingTimeInterval(12 * 3600), timeZone: TimeZone(identifier: "America/New_York")!, isRefused: false),
            ExpiryCase(now: F.now.addingTimeInterval(12 * 3600), timeZone: F.utc, isRefused: true),
        ])
    func expiryBoundary(_ c: ExpiryCase) {
        let entry = F.entry(4, F.p100, witness: nil, F.administration(lot: "lot-x", drawn: F.ml("1"), given: F.ml("1"), wasted: F.ml("0")))
        let result = Result { try LedgerRules.validate(entry, state: F.baseState, policy: F.policy, now: c.now, timeZone: c.timeZone) }
        if c.isRefused {
            #expect(throws: LedgerError.self) { try result.get() }
        } else {
            #expect(throws: Never.self) { try result.get() }
        }
    }

    @Test("witness requirements follow the policy: waste configurable to one person, receipts too")
    func configurableWitnesses() throws {
        var policy = F.policy
        policy.wasteWitnesses = Sourced(1, .designDefault)
        policy.receiptWitnesses = Sourced(1, .designDefault)
        let waste = F.entry(4, witness: nil, .waste(Waste(lot: F.a, location: "safe", container: 1, quantity: F.ml("1"), method: "sink")))
        let state = try LedgerRules.validate(waste, state: F.baseState, policy: policy, now: F.now, timeZone: F.utc)
        let receipt = F.entry(5, witness: nil, F.receipt(F.lotA, containers: 1, quantity: F.ml("10"), at: "safe"))
        let after = try LedgerRules.validate(receipt, state: state, policy: policy, now: F.now, timeZone: F.utc)
        #expect(after.total(of: F.p50) == 59)
        // Destruction stays at two people (21 CFR 1317.95(d)) whatever the waste setting.
        let destruction = F.entry(
            6, witness: nil,
            .destruction(Destruction(lot: F.a, location: "safe", container: nil, quantity: F.ml("10"), method: "kit", form41Reference: "F41")))
        #expect(throws: LedgerError.self) { try LedgerRules.validate(destruction, state: after, policy: policy, now: F.now, timeZone: F.utc) }
    }

    @Test(
        "DEA numbers: shape and check digit",
        arguments: [
            ("AB1234563", true), ("ab1234563", true), ("AB1234564", false), ("A1234563", false), ("AB12345678", false), ("1B1234563", false),
        ])
    func deaNumbers(_ number: String, _ isValid: Bool) {
        let result = Result { try LedgerRules.checkDEANumber(number, field: "dea") }
        let passed = (try? result.get()) != nil
        #expect(passed == isValid)
    }

    @Test("an entry survives a JSON round trip with the same canonical encoding")
    func codableRoundTrip() throws {
        let entry = F.entry(4, F.administration(drawn: F.ml("1.50"), given: F.ml("1.20"), wasted: F.ml("0.30")))
        let data = try JSONEncoder().encode(entry)
        let back = try JSONDecoder().decode(LedgerEntry.self, from: data)
        #expect(back == entry)
        #expect(back.canonicalEncoding == entry.canonicalEncoding)
        #expect(entry.canonicalEncoding.contains("1.5 mL"))
        #expect(back.witness == F.bob)
    }
}
