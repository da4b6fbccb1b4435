public import Foundation

/// When a count or inventory was taken relative to the business day (21 CFR 1304.11, DOMAIN.md §9.4).
public enum BusinessMoment: String, Codable, Sendable, CaseIterable {
    /// Before the day's first transaction.
    case openingOfBusiness = "opening_of_business"
    /// After the day's last transaction.
    case closeOfBusiness = "close_of_business"
}

/// What two people counted, each without seeing the ledger's balance, for one product/lot/location.
public struct CountLine: Codable, Sendable, Equatable {
    /// Where.
    public var key: StockKey
    /// The first counter's figure.
    public var firstCount: LedgerQuantity
    /// The second counter's figure.
    public var secondCount: LedgerQuantity

    /// Creates a line.
    public init(key: StockKey, firstCount: LedgerQuantity, secondCount: LedgerQuantity) {
        self.key = key
        self.firstCount = firstCount
        self.secondCount = secondCount
    }
}

/// A blind count by two different people (end of day, shift change, ad hoc). DOMAIN.md §9.4 DESIGN DEFAULT.
public struct Count: Codable, Sendable, Equatable {
    /// Stable identifier.
    public var id: String
    /// When it was taken.
    public var takenAt: Date
    /// Opening or close of business.
    public var moment: BusinessMoment
    /// The first counter.
    public var firstCounter: StaffMember
    /// The second counter (must be a different person).
    public var secondCounter: StaffMember
    /// Locations counted: stock there that no line mentions counts as found to be zero.
    public var locations: [LocationID]
    /// What was counted.
    public var lines: [CountLine]

    /// Creates a count.
    public init(
        id: String, takenAt: Date, moment: BusinessMoment, firstCounter: StaffMember, secondCounter: StaffMember, locations: [LocationID],
        lines: [CountLine]
    ) {
        self.id = id
        self.takenAt = takenAt
        self.moment = moment
        self.firstCounter = firstCounter
        self.secondCounter = secondCounter
        self.locations = locations
        self.lines = lines
    }

    /// Compares the count with the ledger's balances and, when anything differs, opens a discrepancy with `discrepancyID`.
    public func compare(with state: LedgerState, discrepancyID: String) throws(LedgerError) -> CountResult {
        guard !firstCounter.isSamePerson(as: secondCounter) else {
            throw LedgerError(
                .sameCounter, field: "second_counter", message: "a blind count needs two different people; \(firstCounter.username) counted twice")
        }
        guard !locations.isEmpty else {
            throw LedgerError(.missing, field: "locations", message: "name at least one location counted")
        }
        for location in locations where state.catalog.locations[location] == nil {
            throw LedgerError(.unknownLocation, field: "locations", message: "unknown location '\(location)'")
        }
        var counted: [StockKey: CountLine] = [:]
        for (index, line) in lines.enumerated() {
            let field = "lines[\(index)]"
            guard let product = state.catalog.products[line.key.product] else {
                throw LedgerError(.unknownProduct, field: "\(field).product_id", message: "unknown product '\(line.key.product)'")
            }
            guard state.lots[line.key.lot]?.product == product.id else {
                throw LedgerError(.unknownLot, field: "\(field).lot_id", message: "lot '\(line.key.lot)' of '\(product.id)' has not been received")
            }
            guard locations.contains(line.key.location) else {
                throw LedgerError(
                    .unknownLocation, field: "\(field).location_id", message: "'\(line.key.location)' is not one of the locations counted")
            }
            for (quantity, name) in [(line.firstCount, "first_count"), (line.secondCount, "second_count")] {
                guard quantity.unit == product.unit else {
                    throw LedgerError(.unitMismatch, field: "\(field).\(name)", message: "\(product.id) is counted in \(product.unit.symbol)")
                }
                guard quantity.amount >= 0 else {
                    throw LedgerError(.nonPositiveQuantity, field: "\(field).\(name)", message: "a count is zero or more; got \(quantity.amount)")
                }
            }
            guard counted.updateValue(line, forKey: line.key) == nil else {
                throw LedgerError(.outOfRange, field: field, message: "lot \(line.key.lot) at \(line.key.location) is counted twice")
            }
        }
        var keys = Set(counted.keys)
        for balance in state.balances(on: LedgerCalendar.localDate(of: takenAt, in: .gmt)) where locations.contains(balance.key.location) {
            keys.insert(balance.key)
        }
        let comparisons = keys.sorted().map { key in
            let expected = state.amount(at: key)
            let line = counted[key]
            return CountComparison(
                key: key, unit: state.catalog.products[key.product]?.unit ?? .millilitre, expected: expected,
                firstCount: line?.firstCount.amount ?? 0, secondCount: line?.secondCount.amount ?? 0, wasCounted: line != nil
            )
        }
        let variances = comparisons.filter(\.hasVariance)
        let discrepancy = variances.isEmpty ? nil : Discrepancy(id: discrepancyID, countID: id, openedAt: takenAt, lines: variances)
        return CountResult(countID: id, comparisons: comparisons, discrepancy: discrepancy)
    }
}

/// One product/lot/location of a count beside the ledger's balance.
public struct CountComparison: Codable, Sendable, Equatable {
    /// Where.
    public var key: StockKey
    /// The product's unit of count.
    public var unit: CountUnit
    /// The ledger's balance.
    public var expected: Decimal
    /// The first counter's figure (zero when the stock was not found).
    public var firstCount: Decimal
    /// The second counter's figure.
    public var secondCount: Decimal
    /// Whether a line was entered (false: stock on the ledger that nobody counted).
    public var wasCounted: Bool

    /// Whether either counter differs from the balance (or from each other).
    public var hasVariance: Bool { firstCount != expected || secondCount != expected }

    /// The first counter's figure minus the balance.
    public var variance: Decimal { firstCount - expected }
}

/// The outcome of comparing a count with the ledger.
public struct CountResult: Codable, Sendable, Equatable {
    /// The count compared.
    public var countID: String
    /// Every line, variance or not.
    public var comparisons: [CountComparison]
    /// The discrepancy opened when anything differed; `nil` when the count agreed.
    public var discrepancy: Discrepancy?
}

/// How a discrepancy was closed.
public struct DiscrepancyResolution: Codable, Sendable, Equatable {
    /// What the investigation found.
    public var note: String
    /// The adjustment entry that corrected the balance, when one was needed (a recount may find no loss).
    public var adjustmentSequence: Int64?
    /// Who resolved it (an approver role).
    public var resolvedBy: StaffMember
    /// When.
    public var resolvedAt: Date

    /// Creates a resolution (the store rebuilds stored ones; new ones come from ``Discrepancy/resolved(note:adjustment:by:at:policy:)``).
    public init(note: String, adjustmentSequence: Int64?, resolvedBy: StaffMember, resolvedAt: Date) {
        self.note = note
        self.adjustmentSequence = adjustmentSequence
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
    }
}

/// A variance between a count and the ledger: it stays open until resolved. DOMAIN.md §9.4 DESIGN DEFAULT.
public struct Discrepancy: Codable, Sendable, Equatable {
    /// Whether the case is still open.
    public enum Status: Codable, Sendable, Equatable {
        /// Under investigation.
        case open
        /// Closed with a resolution.
        case resolved(DiscrepancyResolution)
    }

    /// Stable identifier (passed in; the domain makes no identifiers).
    public var id: String
    /// The count that found it.
    public var countID: String
    /// When it was opened.
    public var openedAt: Date
    /// The lines that differed.
    public var lines: [CountComparison]
    /// Open or resolved.
    public var status: Status

    /// Opens a case.
    public init(id: String, countID: String, openedAt: Date, lines: [CountComparison], status: Status = .open) {
        self.id = id
        self.countID = countID
        self.openedAt = openedAt
        self.lines = lines
        self.status = status
    }

    /// Whether the case is still open.
    public var isOpen: Bool { status == .open }

    /// The resolved case; refuses an empty note, a resolver without an approver role, a resolving entry that is not an
    /// adjustment for this discrepancy, or a case already resolved.
    public func resolved(
        note: String, adjustment: LedgerEntry?, by resolver: StaffMember, at date: Date, policy: LedgerPolicy
    ) throws(LedgerError) -> Discrepancy {
        guard isOpen else {
            throw LedgerError(.alreadyResolved, field: "discrepancy_id", message: "discrepancy \(id) is already resolved")
        }
        guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LedgerError(.missing, field: "resolution_note", message: "say what the investigation found")
        }
        try LedgerRules.checkApprover(resolver, field: "resolved_by", policy: policy)
        if let adjustment {
            guard case .adjustment(let details) = adjustment.kind, details.discrepancyID == nil || details.discrepancyID == id else {
                throw LedgerError(
                    .outOfRange, field: "adjustment_sequence", message: "entry \(adjustment.sequence) is not an adjustment for discrepancy \(id)"
                )
            }
        }
        var copy = self
        copy.status = .resolved(DiscrepancyResolution(note: note, adjustmentSequence: adjustment?.sequence, resolvedBy: resolver, resolvedAt: date))
        return copy
    }
}
