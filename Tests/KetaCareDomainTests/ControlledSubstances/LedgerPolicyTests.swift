import Foundation
import KetaCareDomain
import Testing

@Suite("Ledger policy and catalogue seeds carry their provenance (DOMAIN.md §9, §10.4, Appendix B)")
struct LedgerPolicyTests {
    typealias F = LedgerFixture

    @Test("Appendix B values and their flags")
    func seed() {
        let p = LedgerPolicy.seed
        #expect(p.wasteWitnesses == Sourced(2, .designDefault))  // cs.wasteWitnesses; federal rule UNCONFIRMED
        #expect(p.destructionWitnesses.value == 2 && !p.destructionWitnesses.provenance.needsReview)
        #expect(p.retentionYears.value == 2 && !p.retentionYears.provenance.needsReview)  // cs.retentionYears
        #expect(p.biennialInventoryYears.value == 2)
        #expect(p.approverRoles.value == [.compliance, .prescriber])  // issue #11: an approver other than the compliance lead recording
    }

    @Test("the policy round-trips through JSON")
    func codable() throws {
        let data = try JSONEncoder().encode(LedgerPolicy.seed)
        #expect(try JSONDecoder().decode(LedgerPolicy.self, from: data) == LedgerPolicy.seed)
        let catalog = try JSONDecoder().decode(LedgerCatalog.self, from: try JSONEncoder().encode(LedgerCatalog.seed))
        #expect(catalog == LedgerCatalog.seed)
    }

    @Test(
        "seed products: strength, container, schedule, code 7285; unconfirmed NDCs flagged",
        arguments: [
            ("ketamine-50mg-ml-10ml", "50", "10", CountUnit.millilitre, "500", true),
            ("ketamine-100mg-ml-5ml", "100", "5", .millilitre, "500", true),
            ("ketamine-10mg-ml-20ml", "10", "20", .millilitre, "200", true),
            ("esketamine-28mg-device", "28", "1", .device, "28", false),
        ])
    func products(_ id: String, _ mgPerUnit: String, _ perContainer: String, _ unit: CountUnit, _ mgPerContainer: String, _ ndcNeedsReview: Bool)
        throws
    {
        let product = try #require(LedgerCatalog.seed.products[ProductID(id)])
        #expect(product.strength.milligramsPerUnit == F.dec(mgPerUnit))
        #expect(product.unitsPerContainer == F.dec(perContainer))
        #expect(product.unit == unit)
        #expect(product.milligrams(in: product.containerQuantity).value == F.dec(mgPerContainer))
        #expect(product.schedule == .iii)
        #expect(product.controlledSubstanceCode == "7285")
        #expect(product.ndcProvenance.needsReview == ndcNeedsReview)
    }
}
