import Foundation
import KetaCareDomain
import Testing

@Suite("Instrument library (DOMAIN.md §1, §10.3)")
struct InstrumentLibraryTests {
    @Test("bundles exactly the nine instruments of DOMAIN.md §1")
    func bundlesAllInstruments() throws {
        let library = try AssessmentFixtures.library()
        #expect(library.ids == ["cadss", "cssrs", "gad7", "hama", "lsas", "moaas", "pcl5", "pdss", "phq9"])
    }

    @Test(
        "every bundled instrument passes the consistency checks",
        arguments: ["gad7", "phq9", "pcl5", "hama", "lsas", "pdss", "cadss", "moaas", "cssrs"])
    func bundledInstrumentsAreConsistent(id: String) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        #expect(instrument.problems().isEmpty, "\(instrument.problems().map(\.message))")
        #expect(instrument.id == id)
    }

    @Test(
        "lookup lower-cases and strips punctuation and spaces",
        arguments: [
            ("GAD-7", "gad7"), ("gad7", "gad7"), ("Gad 7", "gad7"), ("PHQ-9", "phq9"), ("PCL-5", "pcl5"), ("HAM-A", "hama"),
            ("HARS", "hama"), ("LSAS-SR", "lsas"), ("PDSS", "pdss"), ("CADSS", "cadss"), ("MOAA/S", "moaas"), ("C-SSRS", "cssrs"),
            ("  c.s.s.r.s ", "cssrs"),
        ]
    )
    func lookupNormalisesNames(name: String, id: String) throws {
        #expect(try AssessmentFixtures.library().instrument(named: name).id == id)
    }

    @Test("an unknown instrument names the field `instrument` and lists the known ids", arguments: ["BDI-II", "", "---"])
    func unknownInstrument(name: String) throws {
        let library = try AssessmentFixtures.library()
        let error = try #require(throws: AssessmentError.self) { try library.instrument(named: name) }
        #expect(error == .unknownInstrument(name: name, known: library.ids))
        #expect(error.field == "instrument")
        for id in library.ids { #expect(error.message.contains(id)) }
    }

    @Test(
        "item counts, scored items and accepted answer counts",
        arguments: [
            ("gad7", 8, 7, [7, 8]), ("phq9", 10, 9, [9, 10]), ("pcl5", 20, 20, [20]), ("hama", 14, 14, [14]), ("lsas", 48, 48, [48]),
            ("pdss", 7, 7, [7]), ("cadss", 23, 23, [23]), ("moaas", 1, 1, [1]), ("cssrs", 7, 7, [7]),
        ]
    )
    func itemCounts(id: String, items: Int, scored: Int, accepted: [Int]) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        #expect(instrument.items.count == items)
        #expect(instrument.scoredItems.count == scored)
        #expect(instrument.acceptedAnswerCounts == accepted)
    }

    @Test(
        "copyrighted or unlicensed instruments ship placeholders only (DOMAIN.md §1.5–1.7, §1.9)",
        arguments: [
            ("lsas", true), ("pdss", true), ("cadss", true), ("cssrs", true), ("gad7", false), ("phq9", false), ("pcl5", false), ("hama", false),
            ("moaas", false),
        ]
    )
    func licensedTextIsNotShipped(id: String, needsLicensedText: Bool) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        #expect(instrument.needsLicensedText == needsLicensedText)
        if needsLicensedText {
            #expect(instrument.status == "draft")
            #expect(instrument.items.allSatisfy { $0.text.hasPrefix("Item ") && $0.description == nil })
            #expect(instrument.stem == nil && instrument.instructions == nil)
        } else {
            #expect(instrument.status == "active")
        }
    }

    @Test(
        "public-domain wording is verbatim (DOMAIN.md §1.1–1.4)",
        arguments: [
            ("gad7", "1", "Feeling nervous, anxious, or on edge"),
            ("gad7", "7", "Feeling afraid, as if something awful might happen"),
            ("phq9", "9", "Thoughts that you would be better off dead or of hurting yourself in some way"),
            ("phq9", "6", "Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
            ("pcl5", "17", "Being \"superalert\" or watchful or on guard?"),
            ("pcl5", "20", "Trouble falling or staying asleep?"),
            ("hama", "14", "Behavior at interview"),
            ("moaas", "rating", "Responsiveness"),
        ]
    )
    func verbatimWording(id: String, linkId: String, text: String) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        let item = try #require(instrument.items.first { $0.linkId == linkId })
        #expect(item.text == text)
    }

    @Test("stems, instructions, descriptors and answer labels")
    func stemsAndLabels() throws {
        let gad7 = try AssessmentFixtures.instrument("gad7")
        #expect(gad7.stem == "Over the last 2 weeks, how often have you been bothered by the following problems?")
        #expect(gad7.stemProvenance?.needsClinicReview == true)
        #expect(gad7.items[0].answerOptions.map(\.label) == ["Not at all", "Several days", "More than half the days", "Nearly every day"])
        let phq9 = try AssessmentFixtures.instrument("phq9")
        #expect(phq9.stem == "Over the last 2 weeks, how often have you been bothered by any of the following problems?")
        let pcl5 = try AssessmentFixtures.instrument("pcl5")
        #expect(pcl5.stem == "In the past month, how much were you bothered by:")
        #expect(pcl5.instructions?.hasPrefix("Below is a list of problems that people sometimes have") == true)
        #expect(pcl5.items[0].answerOptions.map(\.label) == ["Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"])
        let hama = try AssessmentFixtures.instrument("hama")
        #expect(hama.items[0].description == "Worries, anticipation of the worst, fearful anticipation, irritability.")
        #expect(hama.items[0].answerOptions.map(\.label) == ["Not present", "Mild", "Moderate", "Severe", "Very severe"])
        let moaas = try AssessmentFixtures.instrument("moaas")
        #expect(moaas.items[0].label(for: 0) == "No response after painful trapezius squeeze")
        #expect(moaas.items[0].label(for: 5) == "Responds readily to name spoken in normal tone")
    }

    @Test(
        "LOINC panel and total codes (DOMAIN.md §10.3)",
        arguments: [
            ("gad7", "69737-5", "70274-6", false), ("phq9", "44249-1", "44261-6", false), ("pcl5", nil, "91006-2", true),
            ("cssrs", nil, "93374-7", false), ("hama", nil, nil, false), ("moaas", nil, nil, false),
        ] as [(String, String?, String?, Bool)]
    )
    func loincCodes(id: String, panel: String?, total: String?, totalUnconfirmed: Bool) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        #expect(instrument.code.first?.code == panel)
        #expect(instrument.totalCode?.code == total)
        #expect(instrument.totalCode?.system == (total == nil ? nil : "http://loinc.org"))
        if total != nil { #expect(instrument.totalCode?.provenance?.needsClinicReview == totalUnconfirmed) }
    }

    @Test("item and answer LOINC codes, with UNCONFIRMED ones flagged (DOMAIN.md §1.1, §1.2, §1.9, §10.3)")
    func itemAndAnswerCodes() throws {
        let phq9 = try AssessmentFixtures.instrument("phq9")
        #expect(
            phq9.scoredItems.compactMap { $0.code.first?.code }
                == ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
        )
        #expect(phq9.scoredItems.allSatisfy { $0.code.first?.provenance?.needsClinicReview == false })
        let answerCodes = phq9.items[0].answerOptions.map { $0.code?.code }
        #expect(answerCodes == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"])
        #expect(phq9.items[0].answerOptions.map { $0.code?.provenance?.needsClinicReview } == [false, false, false, true])
        let gad7 = try AssessmentFixtures.instrument("gad7")
        #expect(gad7.items[0].code.first?.code == "69725-0")
        #expect(gad7.scoredItems.allSatisfy { $0.code.first?.provenance?.needsClinicReview == true })
        let cssrs = try AssessmentFixtures.instrument("cssrs")
        #expect(cssrs.items.compactMap { $0.code.first?.code } == ["93246-7", "93247-5", "93248-3", "93249-1", "93250-9", "93267-3", "93269-9"])
        #expect(cssrs.items.allSatisfy { $0.answerOptions.first { $0.value == 0 }?.code?.code == "LA32-8" })
    }

    @Test("instruments round-trip through JSON, and a broken definition is reported with its path")
    func roundTripAndValidation() throws {
        let gad7 = try AssessmentFixtures.instrument("gad7")
        let data = try JSONEncoder().encode(gad7)
        #expect(try InstrumentLibrary.decode(data, name: "gad7.json") == gad7)

        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var scoring = try #require(object["scoring"] as? [String: Any])
        scoring["totalRange"] = ["min": 0, "max": 20]
        object["scoring"] = scoring
        let broken = try InstrumentLibrary.decode(try JSONSerialization.data(withJSONObject: object), name: "gad7.json")
        let fields = broken.problems().map(\.field)
        #expect(fields.contains("instruments/gad7.scoring.totalRange"))
        #expect(fields.contains("instruments/gad7.scoring.bandSets[spitzer2006]"))
    }

    @Test("a malformed file names the file and the missing key")
    func malformedFile() {
        let error = #expect(throws: AssessmentError.self) { try InstrumentLibrary.decode(Data("{\"id\": \"x\"}".utf8), name: "x.json") }
        #expect(error?.field == "instruments/x.json")
        #expect(error?.message.contains("missing") == true)
    }

    @Test("wording fingerprints are 16 hex digits and differ between instruments")
    func wordingFingerprints() throws {
        let prints = try AssessmentFixtures.library().instruments.map(\.wordingFingerprint)
        #expect(prints.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isHexDigit) })
        #expect(Set(prints).count == prints.count)
    }

    @Test("seeded policies write out every instrument seed (DOMAIN.md Appendix B)")
    func seededPolicies() throws {
        let library = try AssessmentFixtures.library()
        let scoring = ScoringPolicy.seeded(from: library)
        #expect(scoring.positiveScreenCutoffs.mapValues(\.value) == ["gad7": 10, "phq9": 10, "pcl5": 33, "lsas": 30])
        #expect(scoring.bandSets["hama"] == "matza2010")
        #expect(scoring.bandSets["pdss"] == "withoutAgoraphobia")
        #expect(scoring.thresholds[ScoringPolicy.Key.phq9Item9MinValue]?.value == 1)
        #expect(scoring.thresholds[ScoringPolicy.Key.cadssRiseAbovePreDose]?.value == 4)
        #expect(scoring.thresholds["alerts.moaas.warning"]?.value == 3)
        #expect(scoring.switches[ScoringPolicy.Key.phq9Item9BlocksDosing]?.value == true)
        #expect(scoring.switches[ScoringPolicy.Key.cssrsHighBlocksDosing]?.value == true)
        #expect(scoring.prorateMissingItems.value == false)
        #expect(scoring.thresholds[ScoringPolicy.Key.phq9Item9MinValue]?.provenance == .designDefault)
        #expect(scoring.positiveScreenCutoffs["gad7"]?.provenance == .sourced("Spitzer 2006: sensitivity 89%, specificity 82% for GAD"))
        #expect(scoring.thresholds[ScoringPolicy.Key.cadssRiseAbovePreDose]?.provenance.needsReview == true)
        #expect(scoring.prorateMaxMissingFraction.provenance.needsReview)

        let outcomes = OutcomePolicy.seeded(from: library)
        #expect(outcomes.baselineWindowDays.value == 14)
        #expect(outcomes.mcid.mapValues(\.value) == ["gad7": 4, "phq9": 5, "pcl5": 10])
        #expect(outcomes.response["pdss"]?.threshold == 40)
        #expect(outcomes.response["pdss"]?.provenance.needsClinicReview == true)
        #expect(outcomes.reliableChange["gad7"]?.standardDeviation == 3.5)
        #expect(outcomes.reliableChange["hama"]?.hasJacobsonTruaxValues == false)
        #expect(outcomes.mcid["gad7"]?.provenance == .sourced("Toussaint et al. 2020, J Affect Disord"))
    }

    @Test(
        "instrument provenance maps onto the policy vocabulary; secondary counts as sourced",
        arguments: [
            (AssessmentProvenance.sourced("A"), Provenance.sourced("A")), (.secondary("B"), .sourced("B (secondary)")),
            (.unconfirmed("C"), .unconfirmed), (.designDefault("D"), .designDefault),
        ]
    )
    func provenanceMapping(instrument: AssessmentProvenance, policy: Provenance) {
        #expect(instrument.policyProvenance == policy)
        #expect(instrument.needsClinicReview == policy.needsReview)
    }
}
