import Foundation
import KetaCareDomain
import Testing

@Suite("Clinic policy document")
struct ClinicPolicyTests {
    @Test func roundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(ClinicPolicy.seed)
        #expect(try JSONDecoder().decode(ClinicPolicy.self, from: data) == ClinicPolicy.seed)
    }

    @Test("A policy stored before an area existed decodes with that area's seed")
    func olderDocumentsGainNewAreas() throws {
        let registryOnly = try JSONEncoder().encode(["registry": RegistryPolicy.seed])
        let decoded = try JSONDecoder().decode(ClinicPolicy.self, from: registryOnly)
        #expect(decoded == ClinicPolicy.seed)
    }

    @Test func seedFlagsDesignDefaultsForReview() {
        #expect(ClinicPolicy.seed.registry.maxAgeYears.provenance.needsReview)
        #expect(!Provenance.sourced("DOMAIN.md §1.1").needsReview)
    }
}
