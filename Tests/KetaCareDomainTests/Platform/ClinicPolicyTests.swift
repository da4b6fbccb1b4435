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

    /// A policy document as a clinic stored it before the Spravato MDSI template (DOMAIN.md §4.4) and offer tracking existed.
    static func storedBeforeMDSI(edit: (inout [PlanTemplate]) -> Void) throws -> Data {
        var templates = PlanTemplate.seeds.filter { $0.id != PlanTemplate.spravatoMDSI.id }
        edit(&templates)
        var object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(ClinicPolicy.seed)) as? [String: Any])
        object["planTemplates"] = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(templates))
        object.removeValue(forKey: "offeredTemplateSeeds")
        object.removeValue(forKey: "lossOfResponse")
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test("A clinic's stored templates gain a new seed once, keeping its own edits, order and removals (DOMAIN.md §4.4)")
    func newSeedTemplatesReachStoredPolicies() throws {
        // The clinic renamed the IV template and removed the KADS one before the MDSI template shipped.
        let stored = try Self.storedBeforeMDSI { templates in
            templates[0].name = "IV induction (our protocol)"
            templates.removeAll { $0.id == PlanTemplate.scRacemicKADS.id }
        }
        let decoded = try JSONDecoder().decode(ClinicPolicy.self, from: stored)
        let ids = decoded.planTemplates.map(\.id.rawValue)
        #expect(ids.last == "spravato-mdsi" && ids.filter { $0 == "spravato-mdsi" }.count == 1)
        #expect(decoded.planTemplates[0].name == "IV induction (our protocol)")
        #expect(!ids.contains("sc-racemic-kads"))
        #expect(decoded.offeredTemplateSeeds == PlanTemplate.seedsBeforeOfferTracking + [PlanTemplate.spravatoMDSI.id])
        #expect(decoded.lossOfResponse == .seed)
        // Saved again and reloaded: nothing is added twice.
        let again = try JSONDecoder().decode(ClinicPolicy.self, from: try JSONEncoder().encode(decoded))
        #expect(again == decoded)
        // Once offered, a template the clinic removes stays removed.
        var removed = decoded
        removed.planTemplates.removeAll { $0.id == PlanTemplate.spravatoMDSI.id }
        let reloaded = try JSONDecoder().decode(ClinicPolicy.self, from: try JSONEncoder().encode(removed))
        #expect(!reloaded.planTemplates.contains { $0.id == PlanTemplate.spravatoMDSI.id })
        // A template the clinic already had under that id is kept as the clinic edited it, not duplicated.
        let own = try Self.storedBeforeMDSI { templates in
            var mine = PlanTemplate.spravatoMDSI
            mine.name = "Our MDSI protocol"
            templates.append(mine)
        }
        let kept = try JSONDecoder().decode(ClinicPolicy.self, from: own).planTemplates.filter { $0.id == PlanTemplate.spravatoMDSI.id }
        #expect(kept.map(\.name) == ["Our MDSI protocol"])
    }

    @Test("A plan stored with a template copy from before the new template fields decodes (no note, route-default library entry)")
    func olderTemplateCopiesDecode() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(PlanTemplate.spravatoTRD)) as? [String: Any])
        #expect(object["note"] == nil && object["drugLibraryEntryID"] == nil)
        object["name"] = "stored"
        let decoded = try JSONDecoder().decode(PlanTemplate.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(decoded.note == nil && decoded.drugLibraryEntryID == nil && decoded.name == "stored")
    }

    @Test func seedFlagsDesignDefaultsForReview() {
        #expect(ClinicPolicy.seed.registry.maxAgeYears.provenance.needsReview)
        #expect(!Provenance.sourced("DOMAIN.md §1.1").needsReview)
    }
}
