import KetaCareDomain
import Testing

@Suite("Severity bands: every boundary, both sides (DOMAIN.md §1.1–1.6)")
struct SeverityBandTests {
    @Test(
        "band label at each boundary",
        arguments: [
            // GAD-7 [Spitzer 2006]: 0–4 minimal · 5–9 mild · 10–14 moderate · 15–21 severe
            ("gad7", nil, 0, "minimal"), ("gad7", nil, 4, "minimal"), ("gad7", nil, 5, "mild"), ("gad7", nil, 9, "mild"),
            ("gad7", nil, 10, "moderate"), ("gad7", nil, 14, "moderate"), ("gad7", nil, 15, "severe"), ("gad7", nil, 21, "severe"),
            // PHQ-9 [Kroenke 2001]: 0–4 none/minimal · 5–9 mild · 10–14 moderate · 15–19 moderately severe · 20–27 severe
            ("phq9", nil, 0, "none/minimal"), ("phq9", nil, 4, "none/minimal"), ("phq9", nil, 5, "mild"), ("phq9", nil, 9, "mild"),
            ("phq9", nil, 10, "moderate"), ("phq9", nil, 14, "moderate"), ("phq9", nil, 15, "moderately severe"),
            ("phq9", nil, 19, "moderately severe"), ("phq9", nil, 20, "severe"), ("phq9", nil, 27, "severe"),
            // HAM-A [Matza 2010]: ≤7 none/minimal · 8–14 mild · 15–23 moderate · ≥24 severe
            ("hama", nil, 0, "none/minimal"), ("hama", nil, 7, "none/minimal"), ("hama", nil, 8, "mild"), ("hama", nil, 14, "mild"),
            ("hama", nil, 15, "moderate"), ("hama", nil, 23, "moderate"), ("hama", nil, 24, "severe"), ("hama", nil, 56, "severe"),
            // HAM-A circulated preset (UNCONFIRMED): <17 mild · 18–24 mild-to-moderate · 25–30 moderate-to-severe; 17 and >30 unbanded
            ("hama", "circulated", 16, "mild"), ("hama", "circulated", 17, nil), ("hama", "circulated", 18, "mild-to-moderate"),
            ("hama", "circulated", 24, "mild-to-moderate"), ("hama", "circulated", 25, "moderate-to-severe"),
            ("hama", "circulated", 30, "moderate-to-severe"), ("hama", "circulated", 31, nil),
            // LSAS convention (UNCONFIRMED): 55–64 moderate · 65–79 marked · 80–95 severe · >95 very severe; <55 unbanded
            ("lsas", nil, 54, nil), ("lsas", nil, 55, "moderate"), ("lsas", nil, 64, "moderate"), ("lsas", nil, 65, "marked"),
            ("lsas", nil, 79, "marked"), ("lsas", nil, 80, "severe"), ("lsas", nil, 95, "severe"), ("lsas", nil, 96, "very severe"),
            ("lsas", nil, 144, "very severe"),
            // PDSS without agoraphobia [Furukawa 2009]: 0–1 · 2–5 · 6–9 · 10–13 · ≥14
            ("pdss", nil, 0, "Normal"), ("pdss", nil, 1, "Normal"), ("pdss", nil, 2, "Borderline ill"), ("pdss", nil, 5, "Borderline ill"),
            ("pdss", nil, 6, "Slightly ill"), ("pdss", nil, 9, "Slightly ill"), ("pdss", nil, 10, "Moderately ill"),
            ("pdss", nil, 13, "Moderately ill"), ("pdss", nil, 14, "Markedly ill"), ("pdss", nil, 28, "Markedly ill"),
            // PDSS with agoraphobia [Furukawa 2009]: 0–2 (UNCONFIRMED) · 3–7 · 8–10 · 11–15 · ≥16
            ("pdss", "withAgoraphobia", 2, "Normal"), ("pdss", "withAgoraphobia", 3, "Borderline ill"),
            ("pdss", "withAgoraphobia", 7, "Borderline ill"), ("pdss", "withAgoraphobia", 8, "Slightly ill"),
            ("pdss", "withAgoraphobia", 10, "Slightly ill"), ("pdss", "withAgoraphobia", 11, "Moderately ill"),
            ("pdss", "withAgoraphobia", 15, "Moderately ill"), ("pdss", "withAgoraphobia", 16, "Markedly ill"),
        ] as [(String, String?, Int, String?)]
    )
    func bandAtBoundary(id: String, bandSet: String?, total: Int, label: String?) throws {
        let instrument = try AssessmentFixtures.instrument(id)
        let answers = AssessmentFixtures.answers(for: instrument, total: total)
        let score = try ScoringEngine.score(instrument, answers: answers, bandSetID: bandSet)
        #expect(score.total == total)
        #expect(score.severity == label)
        #expect(score.bandSetID == (bandSet ?? instrument.scoring.defaultBandSet))
    }

    @Test("the band set can come from policy (Appendix B instruments.hama.bands)")
    func bandSetFromPolicy() throws {
        let instrument = try AssessmentFixtures.instrument("hama")
        var policy = ScoringPolicy.defaults
        policy.bandSets["hama"] = "circulated"
        let score = try ScoringEngine.score(instrument, answers: AssessmentFixtures.answers(for: instrument, total: 20), policy: policy)
        #expect(score.severity == "mild-to-moderate")
        #expect(instrument.bandSet(id: "circulated")?.provenance.needsClinicReview == true)
        #expect(instrument.bandSet()?.provenance.needsClinicReview == false)
    }

    @Test("an unknown band set names the field `bandSet` and lists the choices")
    func unknownBandSet() throws {
        let error = #expect(throws: AssessmentError.self) {
            try AssessmentFixtures.score("pdss", [0, 0, 0, 0, 0, 0, 0], bandSetID: "agoraphobia")
        }
        #expect(error == .unknownBandSet(instrument: "PDSS", requested: "agoraphobia", known: ["withoutAgoraphobia", "withAgoraphobia"]))
        #expect(error?.field == "bandSet")
    }
}
