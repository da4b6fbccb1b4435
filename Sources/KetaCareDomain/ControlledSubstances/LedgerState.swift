public import Foundation

/// Where a quantity of stock sits: product, lot and location.
public struct StockKey: Hashable, Codable, Sendable, Comparable {
    /// The product.
    public var product: ProductID
    /// The lot.
    public var lot: LotID
    /// The location.
    public var location: LocationID

    /// Creates a key.
    public init(product: ProductID, lot: LotID, location: LocationID) {
        self.product = product
        self.lot = lot
        self.location = location
    }

    public static func < (lhs: StockKey, rhs: StockKey) -> Bool {
        (lhs.product, lhs.lot, lhs.location) < (rhs.product, rhs.lot, rhs.location)
    }
}

/// A running balance at one product/lot/location, with the lot's expiry flag. DOMAIN.md §9.3 (perpetual balance).
public struct Balance: Sendable, Equatable {
    /// Where.
    public var key: StockKey
    /// How much, in the product's unit.
    public var quantity: LedgerQuantity
    /// The same in mg.
    public var milligrams: Milligrams
    /// The lot's expiry date.
    public var expiresOn: LocalDate
    /// Whether the lot is expired on the day asked about (flagged; cannot be drawn from).
    public var isExpired: Bool
}

/// The ledger folded up to some entry: balances per product, lot and location, lots received and containers opened.
///
/// Built only by folding entries; ``record(_:)`` refuses any entry that would break an invariant of DOMAIN.md §9.6
/// (balance never negative, a container never gives more than it held), so a state is always consistent.
public struct LedgerState: Sendable, Equatable {
    /// The products and locations entries may name.
    public let catalog: LedgerCatalog
    /// Sequence of the last entry folded in (0 for an empty ledger).
    public private(set) var lastSequence: Int64 = 0
    /// Lots received, by identifier.
    public private(set) var lots: [LotID: Lot] = [:]
    /// Containers received per lot (containers are numbered 1…n in order of receipt).
    public private(set) var containersReceived: [LotID: Int] = [:]
    /// Amount taken out of each numbered container so far.
    public private(set) var containerUse: [LotID: [Int: Decimal]] = [:]
    private var stock: [StockKey: Decimal] = [:]
    private var submissions: [String: Int64] = [:]

    /// An empty ledger over `catalog`.
    public init(catalog: LedgerCatalog) {
        self.catalog = catalog
    }

    /// The sequence the next entry must carry.
    public var nextSequence: Int64 { lastSequence + 1 }

    /// Folds `entries` in order, refusing the first that breaks an invariant.
    public static func fold(_ entries: some Sequence<LedgerEntry>, catalog: LedgerCatalog) throws(LedgerError) -> LedgerState {
        var state = LedgerState(catalog: catalog)
        for entry in entries {
            try state.record(entry)
        }
        return state
    }

    /// The state after `entry`, or the refusal naming the field; `self` is unchanged.
    public func applying(_ entry: LedgerEntry) throws(LedgerError) -> LedgerState {
        var next = self
        try next.record(entry)
        return next
    }

    /// Folds `entry` in after checking the ledger's invariants (not policy: see ``LedgerRules``).
    public mutating func record(_ entry: LedgerEntry) throws(LedgerError) {
        try checkInvariants(entry)
        post(entry)
    }

    // MARK: - Reading

    /// The balance at one product/lot/location (zero when nothing is there), in the product's unit.
    public func amount(at key: StockKey) -> Decimal {
        stock[key] ?? 0
    }

    /// The product's balance across every lot and location.
    public func total(of product: ProductID) -> Decimal {
        stock.filter { $0.key.product == product }.reduce(Decimal(0)) { $0 + $1.value }
    }

    /// The balance of one lot across every location.
    public func total(ofLot lot: LotID) -> Decimal {
        stock.filter { $0.key.lot == lot }.reduce(Decimal(0)) { $0 + $1.value }
    }

    /// Every non-zero balance, sorted, with expired lots flagged as of `date`.
    public func balances(on date: LocalDate) -> [Balance] {
        stock.keys.sorted().compactMap { key in
            guard let amount = stock[key], amount != 0, let product = catalog.products[key.product], let lot = lots[key.lot] else { return nil }
            return Balance(
                key: key, quantity: LedgerQuantity(amount, product.unit), milligrams: product.milligrams(in: amount), expiresOn: lot.expiresOn,
                isExpired: lot.isExpired(on: date)
            )
        }
    }

    /// Whether `sequence` names an entry already in the ledger.
    public func contains(sequence: Int64) -> Bool {
        sequence >= 1 && sequence <= lastSequence
    }

    /// The sequence that recorded `idempotencyKey`, if any (a double submission).
    public func sequence(forSubmission idempotencyKey: String) -> Int64? {
        submissions[idempotencyKey]
    }

    /// "3.5 mL (175 mg)": an amount of `product` as people read it.
    func describe(_ amount: Decimal, of product: ControlledProduct) -> String {
        "\(amount) \(product.unit.symbol) (\(product.milligrams(in: amount).value) mg)"
    }

    // MARK: - Invariants

    private func checkInvariants(_ entry: LedgerEntry) throws(LedgerError) {
        guard entry.sequence == nextSequence else {
            throw LedgerError(
                .sequenceConflict, field: "sequence",
                message: "expected sequence \(nextSequence), got \(entry.sequence): another entry was recorded first; reload and retry"
            )
        }
        let key = entry.idempotencyKey.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else {
            throw LedgerError(.missing, field: "idempotency_key", message: "every submission needs an idempotency key")
        }
        if let earlier = submissions[key] {
            throw LedgerError(.duplicateSubmission, field: "idempotency_key", message: "this submission was already recorded as entry \(earlier)")
        }
        guard let product = catalog.products[entry.product] else {
            throw LedgerError(.unknownProduct, field: "product_id", message: "unknown product '\(entry.product)'; known: \(knownProducts)")
        }
        try checkLot(entry, product: product)
        for (location, _) in entry.kind.stockChanges {
            try checkLocation(location)
        }
        try checkQuantities(entry.kind, product: product)
        if case .correction(let c) = entry.kind, !contains(sequence: c.corrects) {
            throw LedgerError(
                .unknownEntry, field: "corrects",
                message: "entry \(c.corrects) does not exist; a correction must name an earlier entry (1…\(lastSequence))"
            )
        }
        try checkContainer(entry.kind, lot: entry.kind.lot, product: product)
        try checkBalances(entry, product: product)
    }

    private var knownProducts: String { catalog.products.keys.sorted().map(\.rawValue).joined(separator: ", ") }

    private func checkLot(_ entry: LedgerEntry, product: ControlledProduct) throws(LedgerError) {
        if case .receipt(let receipt) = entry.kind {
            let lot = receipt.lot
            guard lot.product == product.id else {
                throw LedgerError(.lotConflict, field: "lot.product_id", message: "lot \(lot.lotNumber) is of '\(lot.product)', not '\(product.id)'")
            }
            if let known = lots[lot.id], known != lot {
                throw LedgerError(
                    .lotConflict, field: "lot",
                    message:
                        "lot \(known.lotNumber) was received before as \(known.product) expiring \(known.expiresOn); receive it with the same details"
                )
            }
            guard !lot.lotNumber.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw LedgerError(.missing, field: "lot.lot_number", message: "the lot number printed on the container is required")
            }
            return
        }
        let id = entry.kind.lot
        guard let lot = lots[id], lot.product == entry.product else {
            throw LedgerError(.unknownLot, field: "lot_id", message: "lot '\(id)' of '\(entry.product)' has not been received")
        }
    }

    private func checkLocation(_ id: LocationID) throws(LedgerError) {
        guard catalog.locations[id] != nil else {
            let known = catalog.locations.keys.sorted().map(\.rawValue).joined(separator: ", ")
            throw LedgerError(.unknownLocation, field: "location_id", message: "unknown location '\(id)'; known: \(known)")
        }
    }

    /// The most containers one entry can move: a plausibility bound (a clinic's delivery is tens of vials, not millions),
    /// so a mistyped or hostile quantity is refused naming the field instead of being stored.
    public static let maxContainersPerEntry = 1_000

    private func checkQuantities(_ kind: LedgerEntryKind, product: ControlledProduct) throws(LedgerError) {
        let ceiling = Decimal(Self.maxContainersPerEntry) * product.unitsPerContainer
        func unit(_ quantity: LedgerQuantity, _ field: String) throws(LedgerError) {
            guard quantity.unit == product.unit else {
                throw LedgerError(
                    .unitMismatch, field: field, message: "\(product.id) is counted in \(product.unit.symbol), not \(quantity.unit.symbol)")
            }
            guard !quantity.amount.isNaN, quantity.amount.magnitude <= ceiling else {
                throw LedgerError(
                    .outOfRange, field: field,
                    message: "\(field) must be at most \(ceiling) \(product.unit.symbol) (\(Self.maxContainersPerEntry) containers) in one entry; "
                        + "got \(quantity.amount)")
            }
            guard product.unit != .device || quantity.amount == quantity.amount.wholePart else {
                throw LedgerError(.fractionalDevices, field: field, message: "devices are counted whole; got \(quantity.amount)")
            }
        }
        func positive(_ quantity: LedgerQuantity, _ field: String) throws(LedgerError) {
            try unit(quantity, field)
            guard quantity.amount > 0 else {
                throw LedgerError(.nonPositiveQuantity, field: field, message: "\(field) must be greater than zero; got \(quantity.amount)")
            }
        }
        switch kind {
        case .receipt(let r):
            try positive(r.quantity, "quantity")
            guard r.containers > 0 else {
                throw LedgerError(.nonPositiveQuantity, field: "containers", message: "containers must be at least 1; got \(r.containers)")
            }
            guard r.containers <= Self.maxContainersPerEntry else {
                throw LedgerError(
                    .outOfRange, field: "containers",
                    message: "containers must be 1–\(Self.maxContainersPerEntry) in one receipt; got \(r.containers)")
            }
            let expected = Decimal(r.containers) * product.unitsPerContainer
            guard r.quantity.amount == expected else {
                throw LedgerError(
                    .quantityMismatch, field: "quantity",
                    message:
                        "\(r.containers) containers of \(product.unitsPerContainer) \(product.unit.symbol) is \(expected) \(product.unit.symbol); "
                        + "got \(r.quantity.amount)"
                )
            }
        case .administration(let a):
            try positive(a.drawn, "drawn")
            try positive(a.given, "given")
            try unit(a.wasted, "wasted")
            guard a.wasted.amount >= 0 else {
                throw LedgerError(.nonPositiveQuantity, field: "wasted", message: "wasted must be zero or more; got \(a.wasted.amount)")
            }
            guard a.drawn.amount == a.given.amount + a.wasted.amount else {
                throw LedgerError(
                    .quantityMismatch, field: "drawn",
                    message:
                        "drawn must equal given + wasted (\(a.given.amount) + \(a.wasted.amount) = \(a.given.amount + a.wasted.amount)); "
                        + "got \(a.drawn.amount)"
                )
            }
        case .waste(let w): try positive(w.quantity, "quantity")
        case .transfer(let t):
            try positive(t.quantity, "quantity")
            guard t.from != t.to else {
                throw LedgerError(.outOfRange, field: "to_location_id", message: "a transfer must go to a different location than '\(t.from)'")
            }
        case .returnToSupplier(let r): try positive(r.quantity, "quantity")
        case .destruction(let d): try positive(d.quantity, "quantity")
        case .adjustment(let a):
            try unit(a.quantity, "quantity")
            guard a.quantity.amount != 0 else {
                throw LedgerError(.nonPositiveQuantity, field: "quantity", message: "an adjustment must change the balance; got 0")
            }
        case .correction(let c): try unit(c.quantityChange, "quantity_change")
        }
    }

    private func checkContainer(_ kind: LedgerEntryKind, lot: LotID, product: ControlledProduct) throws(LedgerError) {
        let draw = kind.containerDraw
        guard draw > 0, product.unit == .millilitre else { return }
        // DOMAIN.md §9.3 DESIGN DEFAULT: one ledger per container, so a vial's draws are tracked and capped by its volume.
        guard draw <= product.unitsPerContainer else {
            throw LedgerError(
                .beyondContainerVolume, field: kind.name == .administration ? "drawn" : "quantity",
                message: "one container of \(product.id) holds \(product.unitsPerContainer) mL; \(draw) mL cannot come from one container"
            )
        }
        guard let number = kind.container else {
            if case .administration = kind {
                throw LedgerError(.missing, field: "container", message: "name the container (vial number in the lot) the dose was drawn from")
            }
            if case .waste = kind {
                throw LedgerError(.missing, field: "container", message: "name the container (vial number in the lot) the waste came from")
            }
            return
        }
        let received = containersReceived[lot] ?? 0
        guard (1...max(received, 1)).contains(number), received > 0 else {
            throw LedgerError(.unknownContainer, field: "container", message: "lot \(lot) received containers 1…\(received); got \(number)")
        }
        let used = containerUse[lot]?[number] ?? 0
        // DOMAIN.md §9.6: administered + wasted from a container never exceeds the volume received for it.
        guard used + draw <= product.unitsPerContainer else {
            throw LedgerError(
                .containerOverdrawn, field: kind.name == .administration ? "drawn" : "quantity",
                message: "container \(number) of lot \(lot) received \(product.unitsPerContainer) mL and \(used) mL has been taken; "
                    + "\(product.unitsPerContainer - used) mL remains, \(draw) mL asked"
            )
        }
    }

    private func checkBalances(_ entry: LedgerEntry, product: ControlledProduct) throws(LedgerError) {
        for (location, change) in entry.kind.stockChanges where change < 0 {
            let key = StockKey(product: product.id, lot: entry.kind.lot, location: location)
            let current = amount(at: key)
            // DOMAIN.md §9.6: the balance never goes negative.
            guard current + change >= 0 else {
                let field = entry.kind.name == .administration ? "drawn" : (entry.kind.name == .correction ? "quantity_change" : "quantity")
                throw LedgerError(
                    .negativeBalance, field: field,
                    message:
                        "balance of lot \(key.lot) at \(location) is \(describe(current, of: product)); "
                        + "\(-change) \(product.unit.symbol) would take it below zero"
                )
            }
        }
    }

    // MARK: - Posting

    /// Applies an entry's effects without checking (the entry has passed ``checkInvariants``, or a report replays a verified ledger).
    mutating func post(_ entry: LedgerEntry) {
        lastSequence = entry.sequence
        submissions[entry.idempotencyKey.trimmingCharacters(in: .whitespaces)] = entry.sequence
        if case .receipt(let r) = entry.kind {
            lots[r.lot.id] = r.lot
            // Receipts are bounded on the way in; saturating keeps a replayed legacy ledger from trapping all the same.
            let (sum, overflow) = containersReceived[r.lot.id, default: 0].addingReportingOverflow(r.containers)
            containersReceived[r.lot.id] = overflow ? Int.max : sum
        }
        for (location, change) in entry.kind.stockChanges {
            stock[StockKey(product: entry.product, lot: entry.kind.lot, location: location), default: 0] += change
        }
        if let number = entry.kind.container, entry.kind.containerDraw > 0 {
            containerUse[entry.kind.lot, default: [:]][number, default: 0] += entry.kind.containerDraw
        }
    }
}

extension Decimal {
    /// The integer part, truncated toward zero (devices must be whole).
    var wholePart: Decimal {
        var source = self
        var result = Decimal()
        NSDecimalRound(&result, &source, 0, self < 0 ? .up : .down)
        return result
    }
}
