public import Foundation

/// One line of a ledger log: what happened, the running balance after it, and who did it. DOMAIN.md §9.3, §9.6.
public struct LedgerReportRow: Sendable, Equatable {
    /// The entry's sequence.
    public var sequence: Int64
    /// When it happened.
    public var occurredAt: Date
    /// What kind of entry.
    public var kind: LedgerEntryKindName
    /// The product.
    public var product: ProductID
    /// The lot number printed on the container.
    public var lotNumber: String
    /// The lot's expiry.
    public var expiresOn: LocalDate?
    /// Location(s): "safe" or "safe → cabinet".
    public var location: String
    /// Container number, when named.
    public var container: Int?
    /// Signed change to the product's balance, in its unit (a transfer is 0 overall).
    public var change: Decimal
    /// The change in mg.
    public var changeMilligrams: Decimal
    /// Amount given to the patient (administrations).
    public var given: Decimal?
    /// Amount wasted (administrations and waste).
    public var wasted: Decimal?
    /// The product's unit.
    public var unit: CountUnit
    /// The product's balance across lots and locations after the entry.
    public var balance: Decimal
    /// The balance in mg.
    public var balanceMilligrams: Decimal
    /// Who recorded.
    public var recordedBy: StaffMember
    /// Who witnessed.
    public var witness: StaffMember?
    /// The patient (administrations); the adapter adds name and address (§9.3).
    public var patientID: String?
    /// The session (administrations).
    public var sessionID: String?
    /// Supplier, method, Form 41 reference, note: the kind's other facts as one readable text.
    public var detail: String
}

/// Which entries a report lists.
public enum LedgerReportKind: String, Codable, Sendable, CaseIterable {
    /// Administrations of one product (the per-product dispensing log).
    case dispensing
    /// Receipts.
    case receipts
    /// Waste (including administration remainders) and destruction.
    case wasteAndDestruction = "waste_and_destruction"
    /// Every entry.
    case all

    /// Whether `entry` belongs on the report.
    func includes(_ kind: LedgerEntryKind) -> Bool {
        switch (self, kind) {
        case (.all, _), (.dispensing, .administration), (.receipts, .receipt), (.wasteAndDestruction, .waste),
            (.wasteAndDestruction, .destruction):
            true
        case (.wasteAndDestruction, .administration(let a)): a.wasted.amount > 0
        default: false
        }
    }
}

/// A ledger log for a date range, printable and exportable.
public struct LedgerReport: Sendable, Equatable {
    /// Which log.
    public var kind: LedgerReportKind
    /// The product, or `nil` for every product.
    public var product: ProductID?
    /// The range covered (start inclusive, end exclusive).
    public var period: Range<Date>
    /// The lines, in ledger order.
    public var rows: [LedgerReportRow]

    /// Column names of the CSV export.
    public static let csvHeader = [
        "sequence", "occurred_at", "kind", "product", "lot", "expires", "location", "container", "change", "unit", "change_mg", "given",
        "wasted", "balance", "balance_mg", "recorded_by", "recorded_by_role", "witness", "witness_role", "patient_id", "session_id", "detail",
    ]

    /// The report as CSV (RFC 4180), times in UTC ISO 8601.
    public var csv: String {
        CSV.render(
            header: Self.csvHeader,
            rows: rows.map { row in
                [
                    String(row.sequence), CSV.timestamp(row.occurredAt), row.kind.rawValue, row.product.rawValue, row.lotNumber,
                    row.expiresOn?.description ?? "", row.location, row.container.map(String.init) ?? "", "\(row.change)", row.unit.symbol,
                    "\(row.changeMilligrams)", row.given.map { "\($0)" } ?? "", row.wasted.map { "\($0)" } ?? "", "\(row.balance)",
                    "\(row.balanceMilligrams)", row.recordedBy.username, row.recordedBy.role.rawValue, row.witness?.username ?? "",
                    row.witness?.role.rawValue ?? "", row.patientID ?? "", row.sessionID ?? "", row.detail,
                ]
            }
        )
    }
}

/// Builds the ledger's logs as pure functions of the (verified) entries.
public enum LedgerReports {
    /// The per-product dispensing log: every administration of `product` in `period`.
    public static func dispensingLog(product: ProductID, entries: [LedgerEntry], catalog: LedgerCatalog, period: Range<Date>) -> LedgerReport {
        log(.dispensing, product: product, entries: entries, catalog: catalog, period: period)
    }

    /// The receipts log for one product or all.
    public static func receiptsLog(product: ProductID?, entries: [LedgerEntry], catalog: LedgerCatalog, period: Range<Date>) -> LedgerReport {
        log(.receipts, product: product, entries: entries, catalog: catalog, period: period)
    }

    /// The waste and destruction log (administration remainders included) for one product or all.
    public static func wasteAndDestructionLog(
        product: ProductID?, entries: [LedgerEntry], catalog: LedgerCatalog, period: Range<Date>
    ) -> LedgerReport {
        log(.wasteAndDestruction, product: product, entries: entries, catalog: catalog, period: period)
    }

    /// Any log: replays every entry in order so the running balance is right, then keeps the rows of `kind` in `period`.
    public static func log(
        _ kind: LedgerReportKind, product: ProductID?, entries: [LedgerEntry], catalog: LedgerCatalog, period: Range<Date>
    ) -> LedgerReport {
        var state = LedgerState(catalog: catalog)
        var rows: [LedgerReportRow] = []
        for entry in entries.sorted(by: { $0.sequence < $1.sequence }) {
            state.post(entry)
            guard product == nil || entry.product == product, kind.includes(entry.kind), period.contains(entry.occurredAt),
                let details = catalog.products[entry.product]
            else { continue }
            rows.append(row(entry, product: details, state: state))
        }
        return LedgerReport(kind: kind, product: product, period: period, rows: rows)
    }

    private static func row(_ entry: LedgerEntry, product: ControlledProduct, state: LedgerState) -> LedgerReportRow {
        let lot = state.lots[entry.kind.lot]
        let balance = state.total(of: product.id)
        let change = entry.kind.netChange
        var given: Decimal?
        var wasted: Decimal?
        var patient: String?
        var session: String?
        let location: String
        let detail: String
        switch entry.kind {
        case .receipt(let r):
            location = r.location.rawValue
            detail =
                "\(r.containers) containers from \(r.supplier.name), \(r.supplier.address), DEA \(r.supplier.deaNumber); "
                + "invoice \(r.invoiceReference)"
        case .administration(let a):
            location = a.location.rawValue
            given = a.given.amount
            wasted = a.wasted.amount
            patient = a.patientID
            session = a.sessionID
            detail = ["dose order \(a.doseOrderID ?? "-")", a.wasted.amount > 0 ? "remainder wasted: \(a.wasteMethod ?? "")" : nil]
                .compactMap(\.self).joined(separator: "; ")
        case .waste(let w):
            location = w.location.rawValue
            wasted = w.quantity.amount
            detail = "wasted: \(w.method)"
        case .transfer(let t):
            location = "\(t.from.rawValue) → \(t.to.rawValue)"
            detail = "moved \(t.quantity)"
        case .returnToSupplier(let r):
            location = r.location.rawValue
            detail = "returned to \(r.supplier.name), DEA \(r.supplier.deaNumber); reference \(r.reference)"
        case .destruction(let d):
            location = d.location.rawValue
            detail = "destroyed: \(d.method); DEA Form 41 \(d.form41Reference)"
        case .adjustment(let a):
            location = a.location.rawValue
            detail = "approved by \(a.approvedBy); \(a.investigationNote)" + (a.discrepancyID.map { "; discrepancy \($0)" } ?? "")
        case .correction(let c):
            location = c.location.rawValue
            detail = "corrects entry \(c.corrects): \(c.reason)"
        }
        return LedgerReportRow(
            sequence: entry.sequence, occurredAt: entry.occurredAt, kind: entry.kind.name, product: product.id,
            lotNumber: lot?.lotNumber ?? entry.kind.lot.rawValue,
            expiresOn: lot?.expiresOn, location: location, container: entry.kind.container, change: change,
            changeMilligrams: product.milligrams(in: change).value, given: given, wasted: wasted, unit: product.unit, balance: balance,
            balanceMilligrams: product.milligrams(in: balance).value, recordedBy: entry.recordedBy, witness: entry.witness, patientID: patient,
            sessionID: session, detail: entry.note.isEmpty ? detail : "\(detail); note: \(entry.note)"
        )
    }
}

/// RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted and quotes doubled; lines end CRLF.
///
/// A text cell that a spreadsheet would run as a formula (a leading `=`, `+`, `-`, `@`, tab or CR that is not a plain
/// number) is prefixed with `'`, so a lot number or a note typed as `=HYPERLINK(…)` stays text (OWASP CSV injection).
public enum CSV {
    /// Renders a header and rows.
    public static func render(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted when it must be.
    public static func field(_ raw: String) -> String {
        var text = raw
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `2025-03-10T15:00:00.000Z`: an instant in UTC with milliseconds, locale-free.
    public static func timestamp(_ date: Date) -> String {
        let ms = AuditEvent.milliseconds(date)
        let dayNumber = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let day = LocalDate(utcDayOf: Date(timeIntervalSince1970: Double(dayNumber) * 86_400))
        let msOfDay = Int(ms - dayNumber * 86_400_000)
        let (h, rest) = (msOfDay / 3_600_000, msOfDay % 3_600_000)
        return "\(day)T" + String(format: "%02d:%02d:%02d.%03dZ", h, rest / 60_000, (rest % 60_000) / 1000, rest % 1000)
    }
}
