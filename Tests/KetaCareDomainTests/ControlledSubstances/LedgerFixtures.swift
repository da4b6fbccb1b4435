import Foundation
import KetaCareDomain

/// Shared fixtures for the ledger tests: a fixed clock, staff, lots, a base ledger and a fake hash.
enum LedgerFixture {
    /// 2025-03-10 15:00 UTC, a Monday.
    static let now = Date(timeIntervalSince1970: 1_741_618_800)
    static let utc = TimeZone(secondsFromGMT: 0)!
    static let policy = LedgerPolicy.seed
    static let catalog = LedgerCatalog.seed

    static let p50: ProductID = "ketamine-50mg-ml-10ml"
    static let p100: ProductID = "ketamine-100mg-ml-5ml"
    static let device: ProductID = "esketamine-28mg-device"

    static let alice = StaffMember(username: "alice", role: .nurse)
    static let bob = StaffMember(username: "bob", role: .nurse)
    static let carol = StaffMember(username: "carol", role: .compliance)
    static let dave = StaffMember(username: "dave", role: .frontdesk)
    static let pat = StaffMember(username: "pat", role: .prescriber)

    static let supplier = Supplier(name: "Acme Pharma, Inc.", address: "1 Main St, Springfield", deaNumber: "AB1234563")

    static let lotA = Lot(id: "lot-a", lotNumber: "A123", product: p50, expiresOn: date("2026-01-31"))
    static let lotE = Lot(id: "lot-e", lotNumber: "E77", product: device, expiresOn: date("2026-06-30"))
    /// Expires on the fixture's "today".
    static let lotX = Lot(id: "lot-x", lotNumber: "X9", product: p100, expiresOn: date("2025-03-10"))

    static func date(_ text: String) -> LocalDate { try! LocalDate.parse(text) }
    static func dec(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }
    static func ml(_ text: String) -> LedgerQuantity { .millilitres(Millilitres(dec(text))) }
    static func devices(_ text: String) -> LedgerQuantity { .devices(Devices(dec(text))) }
    static func verified(_ member: StaffMember) -> VerifiedWitness {
        try! VerifiedWitness(username: member.username, role: member.role, passwordVerified: true)
    }

    /// A new entry as the web would build it.
    static func entry(
        _ sequence: Int64, _ product: ProductID, by recorder: StaffMember = alice, witness: StaffMember? = bob, key: String? = nil,
        at: Date = now, _ kind: LedgerEntryKind
    ) -> LedgerEntry {
        LedgerEntry(
            sequence: sequence, occurredAt: at, idempotencyKey: key ?? "submission-\(sequence)", product: product, recordedBy: recorder,
            witness: witness.map(verified), kind: kind
        )
    }

    /// A new entry for the 50 mg/mL product.
    static func entry(
        _ sequence: Int64, by recorder: StaffMember = alice, witness: StaffMember? = bob, key: String? = nil, at: Date = now,
        _ kind: LedgerEntryKind
    ) -> LedgerEntry {
        entry(sequence, p50, by: recorder, witness: witness, key: key, at: at, kind)
    }

    static func receipt(_ lot: Lot, containers: Int, quantity: LedgerQuantity, at location: LocationID) -> LedgerEntryKind {
        .receipt(Receipt(supplier: supplier, invoiceReference: "INV-1001", lot: lot, location: location, containers: containers, quantity: quantity))
    }

    static func administration(
        lot: LotID = "lot-a", location: LocationID = "safe", container: Int? = 1, drawn: LedgerQuantity, given: LedgerQuantity,
        wasted: LedgerQuantity, order: String? = "order-1", session: String? = "session-1", method: String? = "sink with witness"
    ) -> LedgerEntryKind {
        .administration(
            Administration(
                lot: lot, location: location, container: container, patientID: "patient-1", sessionID: session, doseOrderID: order, drawn: drawn,
                given: given, wasted: wasted, wasteMethod: method
            )
        )
    }

    /// Receipts: lot A 5 × 10 mL at the safe, lot E 6 devices in the cabinet, lot X 2 × 5 mL at the safe (expires today).
    static let baseEntries: [LedgerEntry] = [
        entry(1, p50, receipt(lotA, containers: 5, quantity: ml("50"), at: "safe")),
        entry(2, device, receipt(lotE, containers: 6, quantity: devices("6"), at: "cabinet")),
        entry(3, p100, receipt(lotX, containers: 2, quantity: ml("10"), at: "safe")),
    ]

    static var baseState: LedgerState { try! LedgerState.fold(baseEntries, catalog: catalog) }

    static let a: LotID = "lot-a"

    /// A deterministic stand-in for SHA-256: FNV-1a 64-bit, hex.
    @Sendable static func fakeHash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return String(h, radix: 16)
    }

    /// Fills the chain fields as the store would on append.
    static func chained(_ entries: [LedgerEntry]) -> [LedgerEntry] {
        var previous = LedgerEntry.genesisHash
        return entries.map { entry in
            var e = entry
            e.previousHash = previous
            e.hash = fakeHash(e.chainInput)
            previous = e.hash
            return e
        }
    }
}
