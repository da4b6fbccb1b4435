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

    struct ApproverCase: Sendable, CustomTestStringConvertible {
        let label: String
        let recorder: StaffMember
        let approver: StaffMember
        let counters: [StaffMember]
        /// The refusal expected, or nil when the adjustment is accepted.
        let refusal: LedgerError.Kind?
        var testDescription: String { label }
    }

    static let approverCases: [ApproverCase] = [
        ApproverCase(
            label: "compliance records, a prescriber who did not count approves", recorder: F.carol, approver: F.pat, counters: [F.alice, F.bob],
            refusal: nil),
        ApproverCase(label: "a nurse records, compliance approves", recorder: F.alice, approver: F.carol, counters: [F.bob, F.pat], refusal: nil),
        ApproverCase(
            label: "the recorder approves", recorder: F.carol, approver: F.carol, counters: [F.alice, F.bob], refusal: .approverNotIndependent),
        ApproverCase(
            label: "the first counter approves", recorder: F.carol, approver: F.pat, counters: [F.pat, F.bob], refusal: .approverNotIndependent),
        ApproverCase(
            label: "the second counter approves (another spelling)", recorder: F.carol, approver: F.pat,
            counters: [F.alice, StaffMember(username: "PAT", role: .prescriber)], refusal: .approverNotIndependent),
        ApproverCase(
            label: "a nurse who did not count approves", recorder: F.carol, approver: F.bob, counters: [F.alice, F.pat], refusal: .approverRole),
    ]

    /// Issue #11 (DOMAIN.md §9.4 discrepancies, §9.6 signed entries): an adjustment's approver is neither its recorder nor one of
    /// the two people whose count opened the discrepancy, and holds an approving role.
    @Test("an adjustment's approver is independent of its recorder and the counters (issue #11, DOMAIN.md §9.4)", arguments: approverCases)
    func independentApprover(_ c: ApproverCase) throws {
        let adjustment = F.entry(
            4, by: c.recorder,
            .adjustment(
                Adjustment(
                    lot: F.a, location: "safe", quantity: F.ml("-0.5"), investigationNote: "spill", approvedBy: c.approver, discrepancyID: "d-1"))
        )
        let result = Result<LedgerState, LedgerError> { () throws(LedgerError) -> LedgerState in
            try LedgerRules.validate(adjustment, state: F.baseState, policy: F.policy, now: F.now, timeZone: F.utc, counters: c.counters)
        }
        switch (result, c.refusal) {
        case (.success(let after), nil):
            #expect(after.amount(at: Self.safeA) == F.dec("49.5"))
        case (.failure(let error), let kind?):
            #expect(error.kind == kind)
            #expect(error.field == "approver")
            #expect(error.message.contains(c.approver.username))
        case (.success, let kind?):
            Issue.record("accepted; expected \(kind)")
        case (.failure(let error), nil):
            Issue.record("refused: \(error.message)")
        }
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
