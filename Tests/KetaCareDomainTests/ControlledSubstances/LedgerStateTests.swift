import Foundation
import KetaCareDomain
import Testing

@Suite("Balances fold across lots and locations and never go negative (DOMAIN.md §9.3, §9.6)")
struct LedgerStateTests {
    typealias F = LedgerFixture

    static let lotB = Lot(id: "lot-b", lotNumber: "B1", product: F.p50, expiresOn: F.date("2027-01-01"))

    /// Base + lot B 2 vials in the cabinet, 20 mL of lot A moved to the cabinet, a dose from lot A vial 1 at the safe,
    /// a dose from lot B vial 1 in the cabinet, 3 devices given.
    static let entries: [LedgerEntry] =
        F.baseEntries + [
            F.entry(4, F.receipt(lotB, containers: 2, quantity: F.ml("20"), at: "cabinet")),
            F.entry(5, witness: nil, .transfer(Transfer(lot: F.a, from: "safe", to: "cabinet", quantity: F.ml("20")))),
            F.entry(6, F.administration(drawn: F.ml("1.5"), given: F.ml("1.2"), wasted: F.ml("0.3"))),
            F.entry(
                7, witness: nil,
                F.administration(lot: "lot-b", location: "cabinet", drawn: F.ml("2"), given: F.ml("2"), wasted: F.ml("0"), order: "order-2")),
            F.entry(
                8, F.device, witness: nil,
                F.administration(
                    lot: "lot-e", location: "cabinet", container: nil, drawn: F.devices("3"), given: F.devices("3"), wasted: F.devices("0"),
                    order: "order-3")),
        ]

    @Test(
        "balance per product, lot and location",
        arguments: [
            (F.p50, "lot-a", "safe", "28.5"),
            (F.p50, "lot-a", "cabinet", "20"),
            (F.p50, "lot-b", "cabinet", "18"),
            (F.p50, "lot-b", "safe", "0"),
            (F.device, "lot-e", "cabinet", "3"),
            (F.p100, "lot-x", "safe", "10"),
        ] as [(ProductID, LotID, LocationID, String)])
    func balances(_ product: ProductID, _ lot: LotID, _ location: LocationID, _ expected: String) throws {
        let state = try LedgerState.fold(Self.entries, catalog: F.catalog)
        #expect(state.amount(at: StockKey(product: product, lot: lot, location: location)) == F.dec(expected))
    }

    @Test("totals per product and lot; mg derived from strength")
    func totals() throws {
        let state = try LedgerState.fold(Self.entries, catalog: F.catalog)
        #expect(state.total(of: F.p50) == F.dec("66.5"))
        #expect(state.total(ofLot: "lot-a") == F.dec("48.5"))
        let product = try #require(F.catalog.products[F.p50])
        #expect(product.milligrams(in: F.ml("66.5")) == Milligrams(3325))
        #expect(F.catalog.products[F.device]?.milligrams(in: F.devices("3")) == Milligrams(84))
        #expect(state.containerUse["lot-a"]?[1] == F.dec("1.5"))
        #expect(state.containersReceived["lot-a"] == 5)
        #expect(state.nextSequence == 9)
    }

    @Test("expired lots are flagged in the balances", arguments: [("2025-03-10", false), ("2025-03-11", true)])
    func expiredFlag(_ day: String, _ isExpired: Bool) throws {
        let state = try LedgerState.fold(Self.entries, catalog: F.catalog)
        let x = try #require(state.balances(on: F.date(day)).first { $0.key.lot == "lot-x" })
        #expect(x.isExpired == isExpired)
        #expect(x.milligrams == Milligrams(1000))
        #expect(state.balances(on: F.date(day)).filter { $0.key.lot == "lot-a" }.allSatisfy { !$0.isExpired })
    }

    @Test("applying a refused entry leaves the state unchanged")
    func refusalLeavesStateUnchanged() throws {
        let state = try LedgerState.fold(Self.entries, catalog: F.catalog)
        let tooMuch = F.entry(
            9, witness: nil, F.administration(lot: "lot-b", location: "safe", drawn: F.ml("1"), given: F.ml("1"), wasted: F.ml("0")))
        #expect(throws: LedgerError.self) { try state.applying(tooMuch) }
        #expect(state.lastSequence == 8)
        #expect(state.total(of: F.p50) == F.dec("66.5"))
    }

    @Test("many administrations from one vial end with an exact balance and stop at the vial's volume")
    func drainOneVial() throws {
        var state = F.baseState
        var sequence: Int64 = 4
        var refusals = 0
        // Twelve draws of 0.82 mL (41 mg at 50 mg/mL) = 9.84 mL fit in the 10 mL vial; a thirteenth (10.66 mL) is refused.
        for _ in 0..<13 {
            let entry = F.entry(sequence, witness: nil, F.administration(drawn: F.ml("0.82"), given: F.ml("0.82"), wasted: F.ml("0")))
            do {
                try state.record(entry)
                sequence += 1
            } catch {
                #expect(error.kind == .containerOverdrawn)
                refusals += 1
            }
        }
        #expect(sequence == 16)
        #expect(refusals == 1)
        #expect(state.containerUse["lot-a"]?[1] == F.dec("9.84"))
        #expect(state.amount(at: StockKey(product: F.p50, lot: F.a, location: "safe")) == F.dec("40.16"))
    }
}
