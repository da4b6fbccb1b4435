public import Foundation

/// One append-only, hash-chained line of the controlled-substance ledger. DOMAIN.md §9.3, §9.6.
///
/// Entries are never edited: a mistake is fixed by a ``Correction`` entry that refers to this one.
public struct LedgerEntry: Codable, Sendable, Equatable {
    /// Position in the ledger (1, 2, 3 …); must be the state's ``LedgerState/nextSequence`` when recorded.
    public var sequence: Int64
    /// When it happened: the actual date of receipt or disposal (21 CFR 1304.21).
    public var occurredAt: Date
    /// The submission's key: a second submission with the same key is refused as a double submission.
    public var idempotencyKey: String
    /// The product (its own ledger, §9.3).
    public var product: ProductID
    /// Who recorded (received, administered, wasted …).
    public var recordedBy: StaffMember
    /// The second person, who re-entered their password (see ``VerifiedWitness``).
    public private(set) var witness: StaffMember?
    /// What happened.
    public var kind: LedgerEntryKind
    /// Free-text remark (never required).
    public var note: String
    /// Hash of the previous entry (hex); 64 zeros for the first.
    public var previousHash: String
    /// Hash over ``chainInput`` (hex), computed by the store.
    public var hash: String

    /// Creates a new entry; the witness, if any, must have re-entered their password. Chain fields are filled when appended.
    public init(
        sequence: Int64, occurredAt: Date, idempotencyKey: String, product: ProductID, recordedBy: StaffMember,
        witness: VerifiedWitness?, kind: LedgerEntryKind, note: String = "", previousHash: String = "", hash: String = ""
    ) {
        self.init(
            restoringSequence: sequence, occurredAt: occurredAt, idempotencyKey: idempotencyKey, product: product, recordedBy: recordedBy,
            witness: witness?.member, kind: kind, note: note, previousHash: previousHash, hash: hash
        )
    }

    /// Rebuilds an entry read back from the ledger table; never use it for a new entry (the witness is not re-verified).
    public init(
        restoringSequence sequence: Int64, occurredAt: Date, idempotencyKey: String, product: ProductID, recordedBy: StaffMember,
        witness: StaffMember?, kind: LedgerEntryKind, note: String, previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.idempotencyKey = idempotencyKey
        self.product = product
        self.recordedBy = recordedBy
        self.witness = witness
        self.kind = kind
        self.note = note
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash of "nothing before": the first entry's previous hash.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The entry's facts in one unambiguous text: version tag, then every field length-prefixed (like ``AuditEvent``).
    ///
    /// Time is whole milliseconds since 1970 and decimals are written in their shortest form, so the encoding
    /// survives a round trip through either database.
    public var canonicalEncoding: String {
        var fields: [String] = [
            String(sequence),
            String(AuditEvent.milliseconds(occurredAt)),
            idempotencyKey,
            product.rawValue,
            recordedBy.username, recordedBy.role.rawValue,
            witness?.username ?? "", witness?.role.rawValue ?? "",
            note,
            kind.name.rawValue,
        ]
        fields += kind.canonicalFields
        var out = "ketacare-ledger-v1"
        for field in fields {
            out += "|\(field.utf8.count):\(field)"
        }
        return out
    }

    /// The text the chain hashes: the previous hash followed by the canonical encoding.
    public var chainInput: String {
        previousHash + "\n" + canonicalEncoding
    }
}

extension LedgerEntryKind {
    /// Every fact of the kind, in a fixed order, as text.
    var canonicalFields: [String] {
        func q(_ quantity: LedgerQuantity) -> String { "\(quantity.amount) \(quantity.unit.rawValue)" }
        func n(_ number: Int?) -> String { number.map(String.init) ?? "" }
        func s(_ supplier: Supplier) -> [String] { [supplier.name, supplier.address, supplier.deaNumber] }
        switch self {
        case .receipt(let r):
            return s(r.supplier) + [
                r.invoiceReference, r.lot.id.rawValue, r.lot.lotNumber, r.lot.product.rawValue, r.lot.expiresOn.description,
                r.location.rawValue, String(r.containers), q(r.quantity),
            ]
        case .administration(let a):
            return [
                a.lot.rawValue, a.location.rawValue, n(a.container), a.patientID, a.sessionID ?? "", a.doseOrderID ?? "",
                q(a.drawn), q(a.given), q(a.wasted), a.wasteMethod ?? "",
            ]
        case .waste(let w):
            return [w.lot.rawValue, w.location.rawValue, n(w.container), q(w.quantity), w.method]
        case .transfer(let t):
            return [t.lot.rawValue, t.from.rawValue, t.to.rawValue, q(t.quantity)]
        case .returnToSupplier(let r):
            return [r.lot.rawValue, r.location.rawValue, n(r.container), q(r.quantity)] + s(r.supplier) + [r.reference]
        case .destruction(let d):
            return [d.lot.rawValue, d.location.rawValue, n(d.container), q(d.quantity), d.method, d.form41Reference]
        case .adjustment(let a):
            return [
                a.lot.rawValue, a.location.rawValue, q(a.quantity), a.investigationNote, a.approvedBy.username, a.approvedBy.role.rawValue,
                a.discrepancyID ?? "",
            ]
        case .correction(let c):
            return [String(c.corrects), c.reason, c.lot.rawValue, c.location.rawValue, q(c.quantityChange)]
        }
    }
}
