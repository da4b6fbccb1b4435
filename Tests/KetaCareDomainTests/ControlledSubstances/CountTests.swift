import Foundation
import KetaCareDomain
import Testing

@Suite("Blind counts and discrepancies (DOMAIN.md §9.4 DESIGN DEFAULT)")
struct CountTests {
    typealias F = LedgerFixture

    static let safeA = StockKey(product: F.p50, lot: F.a, location: "safe")
    static let safeX = StockKey(product: F.p100, lot: "lot-x", location: "safe")

    static func count(_ lines: [CountLine], first: StaffMember = F.alice, second: StaffMember = F.bob) -> Count {
        Count(id: "count-1", takenAt: F.now, moment: .closeOfBusiness, firstCounter: first, secondCounter: second, locations: ["safe"], lines: lines)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let lines: [CountLine]
        let varianceKeys: [StockKey]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "both agree with the ledger",
            lines: [
                CountLine(key: safeA, firstCount: F.ml("50"), secondCount: F.ml("50")),
                CountLine(key: safeX, firstCount: F.ml("10"), secondCount: F.ml("10")),
            ], varianceKeys: []),
        Case(
            label: "both find 0.5 mL less",
            lines: [
                CountLine(key: safeA, firstCount: F.ml("49.5"), secondCount: F.ml("49.5")),
                CountLine(key: safeX, firstCount: F.ml("10"), secondCount: F.ml("10")),
            ], varianceKeys: [safeA]),
        Case(
            label: "the counters disagree with each other",
            lines: [
                CountLine(key: safeA, firstCount: F.ml("50"), secondCount: F.ml("49")),
                CountLine(key: safeX, firstCount: F.ml("10"), secondCount: F.ml("10")),
            ], varianceKeys: [safeA]),
        Case(
            label: "stock on the ledger nobody counted",
            lines: [
                CountLine(key: safeA, firstCount: F.ml("50"), secondCount: F.ml("50"))
            ], varianceKeys: [safeX]),
    ]

    @Test("variance opens a discrepancy; agreement opens none", arguments: cases)
    func compare(_ c: Case) throws {
        let result = try Self.count(c.lines).compare(with: F.baseState, discrepancyID: "d-1")
        #expect(result.comparisons.count == 2)
        if c.varianceKeys.isEmpty {
            #expect(result.discrepancy == nil)
        } else {
            let discrepancy = try #require(result.discrepancy)
            #expect(discrepancy.isOpen)
            #expect(discrepancy.lines.map(\.key) == c.varianceKeys)
            #expect(discrepancy.countID == "count-1")
        }
    }

    @Test(
        "counter refusals",
        arguments: [
            ("same person twice", count([], first: F.alice, second: StaffMember(username: "Alice", role: .prescriber)), LedgerError.Kind.sameCounter),
            ("negative count", count([CountLine(key: safeA, firstCount: F.ml("-1"), secondCount: F.ml("0"))]), .nonPositiveQuantity),
            (
                "unknown lot",
                count([CountLine(key: StockKey(product: F.p50, lot: "nope", location: "safe"), firstCount: F.ml("1"), secondCount: F.ml("1"))]),
                .unknownLot
            ),
            ("devices for a mL product", count([CountLine(key: safeA, firstCount: F.devices("1"), secondCount: F.devices("1"))]), .unitMismatch),
        ])
    func refusals(_ label: String, _ count: Count, _ kind: LedgerError.Kind) {
        #expect { try count.compare(with: F.baseState, discrepancyID: "d") } throws: { ($0 as? LedgerError)?.kind == kind }
    }

    @Test("a discrepancy stays open until compliance resolves it with a note and the adjustment")
    func resolve() throws {
        let lines = [
            CountLine(key: Self.safeA, firstCount: F.ml("49.5"), secondCount: F.ml("49.5")),
            CountLine(key: Self.safeX, firstCount: F.ml("10"), secondCount: F.ml("10")),
        ]
        let discrepancy = try #require(try Self.count(lines).compare(with: F.baseState, discrepancyID: "d-1").discrepancy)
        #expect(discrepancy.lines.first?.variance == F.dec("-0.5"))
        let adjustment = F.entry(
            4,
            .adjustment(
                Adjustment(lot: F.a, location: "safe", quantity: F.ml("-0.5"), investigationNote: "spill", approvedBy: F.carol, discrepancyID: "d-1"))
        )
        let after = try LedgerRules.validate(adjustment, state: F.baseState, policy: F.policy, now: F.now, timeZone: F.utc)
        #expect(after.amount(at: Self.safeA) == F.dec("49.5"))

        #expect { try discrepancy.resolved(note: "spill", adjustment: adjustment, by: F.bob, at: F.now, policy: F.policy) } throws: {
            ($0 as? LedgerError)?.kind == .approverRole
        }
        #expect { try discrepancy.resolved(note: " ", adjustment: adjustment, by: F.carol, at: F.now, policy: F.policy) } throws: {
            ($0 as? LedgerError)?.field == "resolution_note"
        }
        let notAdjustment = F.baseEntries[0]
        #expect { try discrepancy.resolved(note: "x", adjustment: notAdjustment, by: F.carol, at: F.now, policy: F.policy) } throws: {
            ($0 as? LedgerError)?.field == "adjustment_sequence"
        }
        let resolved = try discrepancy.resolved(note: "spill during count", adjustment: adjustment, by: F.carol, at: F.now, policy: F.policy)
        #expect(!resolved.isOpen)
        guard case .resolved(let resolution) = resolved.status else { Issue.record("not resolved"); return }
        #expect(resolution.adjustmentSequence == 4)
        #expect(resolution.resolvedBy == F.carol)
        #expect { try resolved.resolved(note: "again", adjustment: nil, by: F.carol, at: F.now, policy: F.policy) } throws: {
            ($0 as? LedgerError)?.kind == .alreadyResolved
        }
    }
}
