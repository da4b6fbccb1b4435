import Foundation
import KetaCareDomain
import Testing

@Suite("Reports: logs with running balance, inventories, CSV, biennial due date (DOMAIN.md §9.3, §9.4, §9.6)")
struct LedgerReportTests {
    typealias F = LedgerFixture

    static let day = 86_400.0
    static let everything = Date(timeIntervalSince1970: 0)..<Date(timeIntervalSince1970: 4_000_000_000)

    /// Base (day 0) + day 1: dose 1.5 mL from vial 1 (0.3 wasted); day 2: waste 0.5 mL from vial 2; day 3: destroy vial 5 (10 mL).
    static let entries: [LedgerEntry] =
        F.baseEntries + [
            F.entry(4, at: F.now.addingTimeInterval(day), F.administration(drawn: F.ml("1.5"), given: F.ml("1.2"), wasted: F.ml("0.3"))),
            F.entry(
                5, at: F.now.addingTimeInterval(2 * day),
                .waste(Waste(lot: F.a, location: "safe", container: 2, quantity: F.ml("0.5"), method: "sink, \"denatured\""))),
            F.entry(
                6, at: F.now.addingTimeInterval(3 * day),
                .destruction(
                    Destruction(
                        lot: F.a, location: "safe", container: 5, quantity: F.ml("10"), method: "kit", form41Reference: "F41-9"))),
        ]

    @Test("dispensing log per product shows the running balance and who did it")
    func dispensingLog() throws {
        let report = LedgerReports.dispensingLog(product: F.p50, entries: Self.entries, catalog: F.catalog, period: Self.everything)
        let row = try #require(report.rows.first)
        #expect(report.rows.count == 1)
        #expect(row.sequence == 4)
        #expect(row.change == F.dec("-1.5"))
        #expect(row.changeMilligrams == -75)
        #expect(row.given == F.dec("1.2"))
        #expect(row.wasted == F.dec("0.3"))
        #expect(row.balance == F.dec("48.5"))
        #expect(row.balanceMilligrams == F.dec("2425"))
        #expect(row.recordedBy == F.alice)
        #expect(row.witness == F.bob)
        #expect(row.patientID == "patient-1")
        #expect(row.lotNumber == "A123")
    }

    @Test(
        "logs by kind and date range",
        arguments: [
            (LedgerReportKind.receipts, everything, [Int64(1), 2, 3]),
            (.wasteAndDestruction, everything, [4, 5, 6]),
            (.all, everything, [1, 2, 3, 4, 5, 6]),
            // Day 2 only (start inclusive, end exclusive).
            (.all, F.now.addingTimeInterval(2 * day)..<F.now.addingTimeInterval(3 * day), [5]),
        ])
    func logs(_ kind: LedgerReportKind, _ period: Range<Date>, _ sequences: [Int64]) {
        let report = LedgerReports.log(kind, product: nil, entries: Self.entries, catalog: F.catalog, period: period)
        #expect(report.rows.map(\.sequence) == sequences)
    }

    @Test("waste and destruction log: balance after destruction, Form 41 in the detail")
    func wasteLog() throws {
        let report = LedgerReports.wasteAndDestructionLog(product: F.p50, entries: Self.entries, catalog: F.catalog, period: Self.everything)
        let last = try #require(report.rows.last)
        #expect(last.balance == F.dec("38"))
        #expect(last.detail.contains("F41-9"))
    }

    @Test("CSV follows RFC 4180: header, CRLF, quoted commas and doubled quotes")
    func csv() throws {
        let report = LedgerReports.log(.all, product: F.p50, entries: Self.entries, catalog: F.catalog, period: Self.everything)
        let lines = report.csv.components(separatedBy: "\r\n")
        #expect(lines.first == LedgerReport.csvHeader.joined(separator: ","))
        #expect(lines.count == 1 + 4 + 1)  // header, four p50 rows, trailing empty after the last CRLF
        let waste = try #require(lines.first { $0.hasPrefix("5,") })
        #expect(waste.contains("\"wasted: sink, \"\"denatured\"\"\""))
        #expect(waste.contains("2025-03-12T15:00:00.000Z"))
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a\nb") == "\"a\nb\"")
        #expect(CSV.render(header: ["a", "b"], rows: [["1", "x,y"]]) == "a,b\r\n1,\"x,y\"\r\n")
    }

    @Test("Issue #11: a cell a spreadsheet would run as a formula stays text; signed numbers stay numbers")
    func csvCellsCannotInjectFormulas() {
        for (typed, written) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("-12.5", "-12.5"), ("+3", "+3"), ("LOT-1", "LOT-1"),
        ] {
            #expect(CSV.field(typed) == written, "\(typed)")
        }
    }

    @Test("biennial inventory: full and opened containers with exact mL, zero rows for products with no stock")
    func biennialInventory() throws {
        let report = InventoryReport.take(
            .biennial, date: F.date("2025-03-14"), moment: .closeOfBusiness, asOf: F.now.addingTimeInterval(4 * Self.day), entries: Self.entries,
            catalog: F.catalog
        )
        #expect(report.rows.count == 4)
        let a = try #require(report.rows.first { $0.lotNumber == "A123" })
        #expect(a.substance == "Ketamine HCl")
        #expect(a.finishedForm.contains("50 mg/mL"))
        #expect(a.unitsPerContainer == 10)
        #expect(a.fullContainers == 2)  // vials 3 and 4; vial 5 destroyed
        #expect(a.openedContainers == [OpenedContainer(number: 1, remaining: F.dec("8.5")), OpenedContainer(number: 2, remaining: F.dec("9.5"))])
        #expect(a.unattributed == 0)
        #expect(a.total == 38)
        #expect(a.totalMilligrams == 1900)
        let x = try #require(report.rows.first { $0.lotNumber == "X9" })
        #expect(x.isExpired)
        #expect(x.fullContainers == 2)
        let empty = try #require(report.rows.first { $0.product == "ketamine-10mg-ml-20ml" })
        #expect(empty.total == 0 && empty.fullContainers == 0 && empty.lotNumber.isEmpty)
        let e = try #require(report.rows.first { $0.product == F.device })
        #expect(e.fullContainers == 6 && e.openedContainers.isEmpty && e.ndc == "50458-028")
        #expect(report.csv.contains("biennial,2025-03-14,close_of_business,Ketamine HCl"))
        #expect(report.csv.contains("#1: 8.5 mL; #2: 9.5 mL"))
    }

    @Test("an inventory as of a moment ignores later entries; an initial inventory with no stock is all zeros")
    func asOf() {
        let before = InventoryReport.take(
            .biennial, date: F.date("2025-03-10"), moment: .closeOfBusiness, asOf: F.now, entries: Self.entries, catalog: F.catalog)
        #expect(before.rows.first { $0.lotNumber == "A123" }?.total == 50)
        let initial = InventoryReport.take(
            .initial, date: F.date("2025-01-02"), moment: .openingOfBusiness, asOf: F.now, entries: [], catalog: F.catalog)
        #expect(initial.rows.count == F.catalog.products.count)
        #expect(initial.rows.allSatisfy { $0.total == 0 && $0.fullContainers == 0 })
    }

    @Test(
        "biennial inventory due within 2 years of the previous one",
        arguments: [
            ("2023-03-10", "2025-03-10", true),
            ("2023-03-10", "2025-03-11", false),
            ("2023-03-10", "2023-03-10", false),
            ("2024-02-29", "2026-02-28", true),
            ("2024-02-29", "2026-03-01", false),
        ])
    func biennialDue(_ previous: String, _ proposed: String, _ onTime: Bool) {
        #expect(InventorySchedule.isOnTime(F.date(proposed), previous: F.date(previous), policy: F.policy) == onTime)
        #expect(
            InventorySchedule.isOverdue(on: F.date(proposed), previous: F.date(previous), policy: F.policy)
                == (F.date(proposed) > InventorySchedule.biennialDue(after: F.date(previous), policy: F.policy)))
    }
}
