import Foundation
import KetaCareDomain
import Testing

@Suite("Reconciliation: every session dose against a ledger administration and vice versa (issue #6)")
struct ReconciliationTests {
    typealias F = LedgerFixture

    static func admin(_ sequence: Int64, order: String?, session: String? = "s-1", given: String) -> LedgerEntry {
        F.entry(sequence, witness: nil, F.administration(drawn: F.ml(given), given: F.ml(given), wasted: F.ml("0"), order: order, session: session))
    }

    static func dose(_ order: String, mg: Int, session: String = "s-1", patient: String? = nil) -> SessionDose {
        SessionDose(sessionID: session, doseOrderID: order, given: Milligrams(mg), administeredAt: F.now, patientID: patient)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let doses: [SessionDose]
        let entries: [LedgerEntry]
        let matched: Int
        let unmatchedDoses: [String]
        let unmatchedEntries: [Int64]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        // Issue #11: the right order for the wrong patient is a discrepancy on both sides.
        Case(
            label: "same order, another patient's ledger line", doses: [dose("o-1", mg: 41, patient: "someone-else")],
            entries: [admin(4, order: "o-1", given: "0.82")], matched: 0, unmatchedDoses: ["o-1"], unmatchedEntries: [4]),
        Case(
            label: "41 mg = 0.82 mL of 50 mg/mL: matched", doses: [dose("o-1", mg: 41)], entries: [admin(4, order: "o-1", given: "0.82")],
            matched: 1, unmatchedDoses: [], unmatchedEntries: []),
        Case(
            label: "dose with no ledger entry", doses: [dose("o-1", mg: 41), dose("o-2", mg: 35)], entries: [admin(4, order: "o-1", given: "0.82")],
            matched: 1, unmatchedDoses: ["o-2"], unmatchedEntries: []),
        Case(
            label: "ledger entry with no session dose", doses: [], entries: [admin(4, order: "o-9", given: "1")],
            matched: 0, unmatchedDoses: [], unmatchedEntries: [4]),
        Case(
            label: "ledger entry naming no dose order", doses: [], entries: [admin(4, order: nil, given: "1")],
            matched: 0, unmatchedDoses: [], unmatchedEntries: [4]),
        Case(
            label: "amounts differ (41 mg vs 40 mg)", doses: [dose("o-1", mg: 41)], entries: [admin(4, order: "o-1", given: "0.8")],
            matched: 0, unmatchedDoses: ["o-1"], unmatchedEntries: [4]),
        Case(
            label: "same dose order in another session", doses: [dose("o-1", mg: 41, session: "s-2")],
            entries: [admin(4, order: "o-1", given: "0.82")],
            matched: 0, unmatchedDoses: ["o-1"], unmatchedEntries: [4]),
        Case(
            label: "two entries for one dose: the second is unmatched", doses: [dose("o-1", mg: 41)],
            entries: [admin(4, order: "o-1", given: "0.82"), admin(5, order: "o-1", given: "0.82")], matched: 1, unmatchedDoses: [],
            unmatchedEntries: [5]),
    ]

    @Test("matched and unmatched", arguments: cases)
    func match(_ c: Case) {
        let result = Reconciliation.match(sessionDoses: c.doses, administrations: c.entries, catalog: F.catalog, policy: F.policy)
        #expect(result.matched.count == c.matched)
        #expect(result.unmatchedDoses.map(\.dose.doseOrderID) == c.unmatchedDoses)
        #expect(result.unmatchedEntries.map(\.entry.sequence) == c.unmatchedEntries)
        #expect(result.isReconciled == (c.unmatchedDoses.isEmpty && c.unmatchedEntries.isEmpty))
        #expect((result.unmatchedDoses.map(\.reason) + result.unmatchedEntries.map(\.reason)).allSatisfy { !$0.isEmpty })
    }

    @Test("the tolerance is policy: 1 mg lets 41 vs 40 mg match")
    func tolerance() {
        var policy = F.policy
        policy.reconciliationToleranceMg = Sourced(1, .designDefault)
        let result = Reconciliation.match(
            sessionDoses: [Self.dose("o-1", mg: 41)], administrations: [Self.admin(4, order: "o-1", given: "0.8")], catalog: F.catalog, policy: policy
        )
        #expect(result.isReconciled)
    }
}
