public import Foundation

/// The supplier (or reverse distributor) named on a receipt or return. DOMAIN.md §9.3.
public struct Supplier: Codable, Sendable, Hashable {
    /// Supplier's name.
    public var name: String
    /// Supplier's address.
    public var address: String
    /// Supplier's DEA registration number (two letters, seven digits).
    public var deaNumber: String

    /// Creates a supplier reference.
    public init(name: String, address: String, deaNumber: String) {
        self.name = name
        self.address = address
        self.deaNumber = deaNumber
    }
}

/// Stock received from a supplier; the invoice or packing slip is the receipt record for Schedule III. DOMAIN.md §9.3.
public struct Receipt: Codable, Sendable, Equatable {
    /// Who supplied it.
    public var supplier: Supplier
    /// Invoice, packing-slip or order reference.
    public var invoiceReference: String
    /// The lot received (introduced to the ledger by its first receipt).
    public var lot: Lot
    /// Where it was put away.
    public var location: LocationID
    /// Number of containers received.
    public var containers: Int
    /// Total received: containers × units per container.
    public var quantity: LedgerQuantity

    /// Creates a receipt.
    public init(supplier: Supplier, invoiceReference: String, lot: Lot, location: LocationID, containers: Int, quantity: LedgerQuantity) {
        self.supplier = supplier
        self.invoiceReference = invoiceReference
        self.lot = lot
        self.location = location
        self.containers = containers
        self.quantity = quantity
    }
}

/// A dose drawn from a container for a patient: drawn = given + wasted. DOMAIN.md §9.3, §9.5.
public struct Administration: Codable, Sendable, Equatable {
    /// Lot drawn from.
    public var lot: LotID
    /// Location drawn from.
    public var location: LocationID
    /// Container number within the lot (1…containers received); required for products counted in mL.
    public var container: Int?
    /// The patient (the adapter resolves name and address for the record).
    public var patientID: String
    /// The session it was given in, when recorded from a session.
    public var sessionID: String?
    /// The dose order it fulfils, when recorded from a session.
    public var doseOrderID: String?
    /// Amount taken out of the container.
    public var drawn: LedgerQuantity
    /// Amount given to the patient.
    public var given: LedgerQuantity
    /// Unused remainder wasted (zero when none).
    public var wasted: LedgerQuantity
    /// How the remainder was wasted; required when anything was wasted.
    public var wasteMethod: String?

    /// Creates an administration.
    public init(
        lot: LotID, location: LocationID, container: Int?, patientID: String, sessionID: String?, doseOrderID: String?,
        drawn: LedgerQuantity, given: LedgerQuantity, wasted: LedgerQuantity, wasteMethod: String? = nil
    ) {
        self.lot = lot
        self.location = location
        self.container = container
        self.patientID = patientID
        self.sessionID = sessionID
        self.doseOrderID = doseOrderID
        self.drawn = drawn
        self.given = given
        self.wasted = wasted
        self.wasteMethod = wasteMethod
    }
}

/// Wastage recorded on its own (a remainder found later, a dropped syringe). DOMAIN.md §9.5.
public struct Waste: Codable, Sendable, Equatable {
    /// Lot wasted from.
    public var lot: LotID
    /// Location wasted from.
    public var location: LocationID
    /// Container number within the lot; required for products counted in mL.
    public var container: Int?
    /// Amount wasted.
    public var quantity: LedgerQuantity
    /// Manner of wastage (§9.3 "date, manner and quantity").
    public var method: String

    /// Creates a waste record.
    public init(lot: LotID, location: LocationID, container: Int?, quantity: LedgerQuantity, method: String) {
        self.lot = lot
        self.location = location
        self.container = container
        self.quantity = quantity
        self.method = method
    }
}

/// Stock moved from one location to another within the registered place.
public struct Transfer: Codable, Sendable, Equatable {
    /// Lot moved.
    public var lot: LotID
    /// Location it left.
    public var from: LocationID
    /// Location it arrived at.
    public var to: LocationID
    /// Amount moved.
    public var quantity: LedgerQuantity

    /// Creates a transfer.
    public init(lot: LotID, from: LocationID, to: LocationID, quantity: LedgerQuantity) {
        self.lot = lot
        self.from = from
        self.to = to
        self.quantity = quantity
    }
}

/// Stock returned to the supplier or a reverse distributor (an invoice-based transfer for CIII). DOMAIN.md §9.5.
public struct SupplierReturn: Codable, Sendable, Equatable {
    /// Lot returned.
    public var lot: LotID
    /// Location it left.
    public var location: LocationID
    /// Container number within the lot, when an opened container goes back.
    public var container: Int?
    /// Amount returned.
    public var quantity: LedgerQuantity
    /// Who receives it.
    public var supplier: Supplier
    /// Invoice or return authorisation reference.
    public var reference: String

    /// Creates a return.
    public init(lot: LotID, location: LocationID, container: Int?, quantity: LedgerQuantity, supplier: Supplier, reference: String) {
        self.lot = lot
        self.location = location
        self.container = container
        self.quantity = quantity
        self.supplier = supplier
        self.reference = reference
    }
}

/// On-site destruction of stock to a non-retrievable state, recorded on DEA Form 41. DOMAIN.md §9.5.
public struct Destruction: Codable, Sendable, Equatable {
    /// Lot destroyed.
    public var lot: LotID
    /// Location it left.
    public var location: LocationID
    /// Container number within the lot, when an opened container is destroyed.
    public var container: Int?
    /// Amount destroyed.
    public var quantity: LedgerQuantity
    /// Manner of destruction.
    public var method: String
    /// Reference of the DEA Form 41 record (required).
    public var form41Reference: String

    /// Creates a destruction record.
    public init(lot: LotID, location: LocationID, container: Int?, quantity: LedgerQuantity, method: String, form41Reference: String) {
        self.lot = lot
        self.location = location
        self.container = container
        self.quantity = quantity
        self.method = method
        self.form41Reference = form41Reference
    }
}

/// A signed change to a balance after a discrepancy has been investigated, approved by a second person in an approving role
/// who neither records it nor counted the stock it corrects (``LedgerRules/checkAdjustmentApprover(_:recordedBy:counters:policy:)``).
public struct Adjustment: Codable, Sendable, Equatable {
    /// Lot adjusted.
    public var lot: LotID
    /// Location adjusted.
    public var location: LocationID
    /// Signed amount: negative removes stock (a loss), positive restores it (a miscount found).
    public var quantity: LedgerQuantity
    /// What the investigation found.
    public var investigationNote: String
    /// Who approved it (a role in ``LedgerPolicy/approverRoles``); on a new entry, the account whose re-entered password the
    /// store verified, never a name typed by the recorder.
    public var approvedBy: StaffMember
    /// The discrepancy it resolves, when there is one.
    public var discrepancyID: String?

    /// Creates an adjustment.
    public init(
        lot: LotID, location: LocationID, quantity: LedgerQuantity, investigationNote: String, approvedBy: StaffMember,
        discrepancyID: String? = nil
    ) {
        self.lot = lot
        self.location = location
        self.quantity = quantity
        self.investigationNote = investigationNote
        self.approvedBy = approvedBy
        self.discrepancyID = discrepancyID
    }
}

/// A new entry that corrects an earlier one, which stays as written (DOMAIN.md §9.6: corrections reference the entry).
public struct Correction: Codable, Sendable, Equatable {
    /// Sequence of the entry corrected.
    public var corrects: Int64
    /// Why the earlier entry was wrong.
    public var reason: String
    /// Lot whose balance the correction changes.
    public var lot: LotID
    /// Location whose balance the correction changes.
    public var location: LocationID
    /// Signed change to the balance; zero when the correction fixes only a detail.
    public var quantityChange: LedgerQuantity

    /// Creates a correction.
    public init(corrects: Int64, reason: String, lot: LotID, location: LocationID, quantityChange: LedgerQuantity) {
        self.corrects = corrects
        self.reason = reason
        self.lot = lot
        self.location = location
        self.quantityChange = quantityChange
    }
}

/// The name of an entry kind, as stored and shown.
public enum LedgerEntryKindName: String, Codable, Sendable, CaseIterable {
    case receipt
    case administration
    case waste
    case transfer
    case returnToSupplier = "return_to_supplier"
    case destruction
    case adjustment
    case correction
}

/// What a ledger entry records, with the facts each kind needs.
public enum LedgerEntryKind: Sendable, Equatable, Codable {
    /// Stock received.
    case receipt(Receipt)
    /// A dose drawn, given and the remainder wasted.
    case administration(Administration)
    /// Wastage.
    case waste(Waste)
    /// A move between locations.
    case transfer(Transfer)
    /// A return to the supplier.
    case returnToSupplier(SupplierReturn)
    /// A Form 41 destruction.
    case destruction(Destruction)
    /// An approved adjustment.
    case adjustment(Adjustment)
    /// A correction of an earlier entry.
    case correction(Correction)

    /// The kind's name.
    public var name: LedgerEntryKindName {
        switch self {
        case .receipt: .receipt
        case .administration: .administration
        case .waste: .waste
        case .transfer: .transfer
        case .returnToSupplier: .returnToSupplier
        case .destruction: .destruction
        case .adjustment: .adjustment
        case .correction: .correction
        }
    }

    /// The lot the entry concerns.
    public var lot: LotID {
        switch self {
        case .receipt(let r): r.lot.id
        case .administration(let a): a.lot
        case .waste(let w): w.lot
        case .transfer(let t): t.lot
        case .returnToSupplier(let r): r.lot
        case .destruction(let d): d.lot
        case .adjustment(let a): a.lot
        case .correction(let c): c.lot
        }
    }

    /// Container number drawn from, for the kinds that name one.
    public var container: Int? {
        switch self {
        case .administration(let a): a.container
        case .waste(let w): w.container
        case .returnToSupplier(let r): r.container
        case .destruction(let d): d.container
        default: nil
        }
    }

    /// Changes to stock at each location, in the product's unit (positive in, negative out).
    public var stockChanges: [(location: LocationID, change: Decimal)] {
        switch self {
        case .receipt(let r): [(r.location, r.quantity.amount)]
        case .administration(let a): [(a.location, -a.drawn.amount)]
        case .waste(let w): [(w.location, -w.quantity.amount)]
        case .transfer(let t): [(t.from, -t.quantity.amount), (t.to, t.quantity.amount)]
        case .returnToSupplier(let r): [(r.location, -r.quantity.amount)]
        case .destruction(let d): [(d.location, -d.quantity.amount)]
        case .adjustment(let a): [(a.location, a.quantity.amount)]
        case .correction(let c): [(c.location, c.quantityChange.amount)]
        }
    }

    /// The product-wide change (transfers net to zero).
    public var netChange: Decimal {
        stockChanges.reduce(Decimal(0)) { $0 + $1.change }
    }

    /// Amount taken out of a named container (administered + wasted, destroyed or returned from it).
    var containerDraw: Decimal {
        switch self {
        case .administration(let a): a.drawn.amount
        case .waste(let w): w.quantity.amount
        case .returnToSupplier(let r): r.quantity.amount
        case .destruction(let d): d.quantity.amount
        default: 0
        }
    }

    private enum CodingKeys: String, CodingKey { case type, details }

    /// Decodes `{"type": "waste", "details": {…}}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(LedgerEntryKindName.self, forKey: .type) {
        case .receipt: self = .receipt(try c.decode(Receipt.self, forKey: .details))
        case .administration: self = .administration(try c.decode(Administration.self, forKey: .details))
        case .waste: self = .waste(try c.decode(Waste.self, forKey: .details))
        case .transfer: self = .transfer(try c.decode(Transfer.self, forKey: .details))
        case .returnToSupplier: self = .returnToSupplier(try c.decode(SupplierReturn.self, forKey: .details))
        case .destruction: self = .destruction(try c.decode(Destruction.self, forKey: .details))
        case .adjustment: self = .adjustment(try c.decode(Adjustment.self, forKey: .details))
        case .correction: self = .correction(try c.decode(Correction.self, forKey: .details))
        }
    }

    /// Encodes `{"type": "waste", "details": {…}}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .type)
        switch self {
        case .receipt(let v): try c.encode(v, forKey: .details)
        case .administration(let v): try c.encode(v, forKey: .details)
        case .waste(let v): try c.encode(v, forKey: .details)
        case .transfer(let v): try c.encode(v, forKey: .details)
        case .returnToSupplier(let v): try c.encode(v, forKey: .details)
        case .destruction(let v): try c.encode(v, forKey: .details)
        case .adjustment(let v): try c.encode(v, forKey: .details)
        case .correction(let v): try c.encode(v, forKey: .details)
        }
    }
}
