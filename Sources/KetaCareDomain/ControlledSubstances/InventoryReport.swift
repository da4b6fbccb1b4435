public import Foundation

/// Which inventory: the first when the registrant starts handling controlled substances, or the biennial one. DOMAIN.md §9.4.
public enum InventoryKind: String, Codable, Sendable, CaseIterable {
    /// On the first day controlled substances are handled (a zero inventory when there is no stock).
    case initial
    /// At least every 2 years after the previous inventory.
    case biennial
}

/// An opened container and the exact volume left in it (DOMAIN.md §9.4 DESIGN DEFAULT: exact mL for opened vials).
public struct OpenedContainer: Sendable, Equatable {
    /// Container number within the lot.
    public var number: Int
    /// What is left, in mL.
    public var remaining: Decimal

    /// Creates an opened-container line.
    public init(number: Int, remaining: Decimal) {
        self.number = number
        self.remaining = remaining
    }
}

/// One product and lot on an inventory: the §9.4 record fields.
public struct InventoryRow: Sendable, Equatable {
    /// Substance name.
    public var substance: String
    /// The product.
    public var product: ProductID
    /// NDC, when known.
    public var ndc: String?
    /// Finished form and strength ("injection solution, 10 mL multi-dose vial; 50 mg/mL").
    public var finishedForm: String
    /// Units or volume per container ("10 mL").
    public var unitsPerContainer: Decimal
    /// The product's unit of count.
    public var unit: CountUnit
    /// The lot number (empty on a zero row for a product with no stock).
    public var lotNumber: String
    /// The lot's expiry.
    public var expiresOn: LocalDate?
    /// Whether the lot is expired on the inventory date.
    public var isExpired: Bool
    /// Unopened containers.
    public var fullContainers: Int
    /// Opened containers with the exact volume left.
    public var openedContainers: [OpenedContainer]
    /// Stock no container accounts for (a positive adjustment, a partial destruction without a container number); normally 0.
    public var unattributed: Decimal
    /// Total on hand, in the product's unit.
    public var total: Decimal
    /// Total on hand, in mg.
    public var totalMilligrams: Decimal
}

/// An initial or biennial inventory, computed from the ledger as it stood at a moment. DOMAIN.md §9.4.
public struct InventoryReport: Sendable, Equatable {
    /// Initial or biennial.
    public var kind: InventoryKind
    /// The inventory's date.
    public var date: LocalDate
    /// Whether taken at opening or close of business.
    public var moment: BusinessMoment
    /// Every product in the catalogue: one row per lot in stock, or a zero row when the product has none.
    public var rows: [InventoryRow]

    /// Takes the inventory from every entry that occurred at or before `asOf` (entries replayed in ledger order).
    public static func take(
        _ kind: InventoryKind, date: LocalDate, moment: BusinessMoment, asOf: Date, entries: [LedgerEntry], catalog: LedgerCatalog
    ) -> InventoryReport {
        var state = LedgerState(catalog: catalog)
        for entry in entries.sorted(by: { $0.sequence < $1.sequence }) where entry.occurredAt <= asOf {
            state.post(entry)
        }
        var rows: [InventoryRow] = []
        for product in catalog.sortedProducts {
            let lots = state.lots.values.filter { $0.product == product.id && state.total(ofLot: $0.id) != 0 }.sorted { $0.lotNumber < $1.lotNumber }
            if lots.isEmpty {
                // DOMAIN.md §9.4: record a zero inventory when there is no stock.
                rows.append(row(product, lot: nil, state: state, date: date))
            }
            for lot in lots {
                rows.append(row(product, lot: lot, state: state, date: date))
            }
        }
        return InventoryReport(kind: kind, date: date, moment: moment, rows: rows)
    }

    private static func row(_ product: ControlledProduct, lot: Lot?, state: LedgerState, date: LocalDate) -> InventoryRow {
        let total = lot.map { state.total(ofLot: $0.id) } ?? 0
        var opened: [OpenedContainer] = []
        if let lot, product.unit == .millilitre {
            for (number, used) in (state.containerUse[lot.id] ?? [:]).sorted(by: { $0.key < $1.key })
            where used > 0 && used < product.unitsPerContainer {
                opened.append(OpenedContainer(number: number, remaining: product.unitsPerContainer - used))
            }
        }
        let inOpened = opened.reduce(Decimal(0)) { $0 + $1.remaining }
        let rest = total - inOpened
        let full = product.unitsPerContainer > 0 && rest > 0 ? (rest / product.unitsPerContainer).wholePart : 0
        let unattributed = rest - full * product.unitsPerContainer
        return InventoryRow(
            substance: product.name, product: product.id, ndc: product.ndc, finishedForm: "\(product.finishedForm); \(product.strength)",
            unitsPerContainer: product.unitsPerContainer, unit: product.unit, lotNumber: lot?.lotNumber ?? "", expiresOn: lot?.expiresOn,
            isExpired: lot?.isExpired(on: date) ?? false, fullContainers: NSDecimalNumber(decimal: full).intValue, openedContainers: opened,
            unattributed: unattributed, total: total, totalMilligrams: product.milligrams(in: total).value
        )
    }

    /// Column names of the CSV export.
    public static let csvHeader = [
        "inventory", "date", "taken_at", "substance", "ndc", "finished_form", "units_per_container", "unit", "lot", "expires", "expired",
        "full_containers", "opened_containers", "unattributed", "total", "total_mg",
    ]

    /// The inventory as CSV (RFC 4180); opened containers as "#3: 4.5 mL; #4: 9 mL".
    public var csv: String {
        CSV.render(
            header: Self.csvHeader,
            rows: rows.map { row in
                [
                    kind.rawValue, date.description, moment.rawValue, row.substance, row.ndc ?? "", row.finishedForm, "\(row.unitsPerContainer)",
                    row.unit.symbol, row.lotNumber, row.expiresOn?.description ?? "", row.isExpired ? "yes" : "no", String(row.fullContainers),
                    row.openedContainers.map { "#\($0.number): \($0.remaining) \(row.unit.symbol)" }.joined(separator: "; "), "\(row.unattributed)",
                    "\(row.total)", "\(row.totalMilligrams)",
                ]
            }
        )
    }
}

/// When the next biennial inventory is due. DOMAIN.md §9.4.
public enum InventorySchedule {
    /// The last day the next biennial inventory may be taken: the previous one plus the policy's years (29 Feb → 28 Feb).
    public static func biennialDue(after previous: LocalDate, policy: LedgerPolicy) -> LocalDate {
        let year = previous.year + policy.biennialInventoryYears.value
        if let date = try? LocalDate(year: year, month: previous.month, day: previous.day) { return date }
        return (try? LocalDate(year: year, month: previous.month, day: 28)) ?? previous
    }

    /// Whether an inventory on `date` is on time: after the previous one and no later than its due date.
    public static func isOnTime(_ date: LocalDate, previous: LocalDate, policy: LedgerPolicy) -> Bool {
        date > previous && date <= biennialDue(after: previous, policy: policy)
    }

    /// Whether, on `today`, the biennial inventory is overdue.
    public static func isOverdue(on today: LocalDate, previous: LocalDate, policy: LedgerPolicy) -> Bool {
        today > biennialDue(after: previous, policy: policy)
    }
}
