import Foundation
import KetaCareDomain
import Testing

@Suite("`ketacare ledger verify`: the chain and the balances, first problem reported")
struct LedgerVerifierTests {
    typealias F = LedgerFixture

    static let good = F.chained(
        F.baseEntries + [
            F.entry(4, F.administration(drawn: F.ml("1.5"), given: F.ml("1.2"), wasted: F.ml("0.3"))),
            F.entry(5, witness: nil, .transfer(Transfer(lot: F.a, from: "safe", to: "cabinet", quantity: F.ml("10")))),
        ])

    @Test("an intact ledger verifies")
    func intact() {
        let result = LedgerVerification.verify(Self.good, catalog: F.catalog, hash: F.fakeHash)
        #expect(result.isValid)
        #expect(result.verifiedCount == 5)
        #expect(Self.good[0].previousHash == LedgerEntry.genesisHash)
    }

    struct Tamper: Sendable, CustomTestStringConvertible {
        let label: String
        let entries: [LedgerEntry]
        let sequence: Int64
        let kind: LedgerChainBreak.Kind
        /// Entries verified before the break (the entry before a gap is the last good one).
        var verified: Int64?
        var testDescription: String { label }
    }

    static func altered(_ index: Int, _ change: (inout LedgerEntry) -> Void) -> [LedgerEntry] {
        var entries = good
        change(&entries[index])
        return entries
    }

    static let tampers: [Tamper] = [
        Tamper(
            label: "quantity given altered after writing",
            entries: altered(3) {
                $0.kind = F.administration(drawn: F.ml("1.5"), given: F.ml("1.5"), wasted: F.ml("0"))
            }, sequence: 4, kind: .chain),
        Tamper(label: "recorder altered", entries: altered(1) { $0.recordedBy = F.pat }, sequence: 2, kind: .chain),
        Tamper(label: "entry removed", entries: good.enumerated().filter { $0.offset != 2 }.map(\.element), sequence: 4, kind: .chain, verified: 2),
        Tamper(
            label: "entry re-hashed but previous hash not",
            entries: altered(1) {
                $0.note = "x"; $0.hash = F.fakeHash($0.chainInput)
            }, sequence: 3, kind: .chain),
        Tamper(
            label: "a step that goes negative (hashes intact)",
            entries: F.chained(
                F.baseEntries + [
                    LedgerEntry(
                        restoringSequence: 4, occurredAt: F.now, idempotencyKey: "k4", product: F.device, recordedBy: F.alice, witness: nil,
                        kind: F.administration(
                            lot: "lot-e", location: "cabinet", container: nil, drawn: F.devices("7"), given: F.devices("7"), wasted: F.devices("0")),
                        note: "", previousHash: "", hash: "")
                ]), sequence: 4, kind: .balance),
    ]

    @Test("tampering is found at the first broken entry", arguments: tampers)
    func tampering(_ t: Tamper) throws {
        let result = LedgerVerification.verify(t.entries, catalog: F.catalog, hash: F.fakeHash)
        let problem = try #require(result.firstProblem)
        #expect(problem.sequence == t.sequence)
        #expect(problem.kind == t.kind)
        #expect(result.verifiedCount == (t.verified ?? t.sequence - 1))
        #expect(problem.description.hasPrefix("ledger entry \(t.sequence)"))
    }
}
