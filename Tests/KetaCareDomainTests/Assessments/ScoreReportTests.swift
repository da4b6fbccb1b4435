import Foundation
import KetaCareDomain
import Testing

@Suite("Score report: the CLI --json object and text summary")
struct ScoreReportTests {
    private func json(_ id: String, _ answers: [Int?], policy: ScoringPolicy = .defaults) throws -> [String: Any] {
        let instrument = try AssessmentFixtures.instrument(id)
        let report = ScoreReport(score: try ScoringEngine.score(instrument, answers: answers, policy: policy), instrument: instrument)
        let data = try JSONEncoder().encode(report)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("keys are exactly instrument, total, severity, subscales, alerts, complete, positive_screen")
    func keys() throws {
        let object = try json("gad7", [2, 2, 2, 2, 2, 2, 0])
        #expect(Set(object.keys) == ["instrument", "total", "severity", "subscales", "alerts", "complete", "positive_screen"])
        #expect(object["instrument"] as? String == "gad7")
        #expect(object["total"] as? Int == 12)
        #expect(object["severity"] as? String == "moderate")
        #expect((object["subscales"] as? [String: Any])?.isEmpty == true)
        #expect((object["alerts"] as? [Any])?.isEmpty == true)
        #expect(object["complete"] as? Bool == true)
        #expect(object["positive_screen"] as? Bool == true)
    }

    @Test("total, severity and positive_screen are null when the missing-item rule forbids a total")
    func nullTotal() throws {
        let object = try json("gad7", [2, 2, nil, 2, 2, 2, 0])
        #expect(object["total"] is NSNull)
        #expect(object["severity"] is NSNull)
        #expect(object["positive_screen"] is NSNull)
        #expect(object["complete"] as? Bool == false)
    }

    @Test("subscales are an object name → value, null when not computable")
    func subscales() throws {
        let object = try json("pcl5", [4, 4, 4, 4, 4, nil, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2])
        let subscales = try #require(object["subscales"] as? [String: Any])
        #expect(Set(subscales.keys) == ["B", "C", "D", "E"])
        #expect(subscales["B"] as? Int == 20)
        #expect(subscales["C"] is NSNull)
        #expect(subscales["D"] as? Int == 7)
        #expect(subscales["E"] as? Int == 12)
    }

    @Test("alerts list kind, priority, item, value, message, source and blocks_dosing")
    func alerts() throws {
        let object = try json("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2])
        let alerts = try #require(object["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(Set(alert.keys) == ["kind", "priority", "item", "value", "message", "source", "blocks_dosing"])
        #expect(alert["kind"] as? String == "selfHarm")
        #expect(alert["priority"] as? String == "urgent")
        #expect(alert["item"] as? Int == 9)
        #expect(alert["value"] as? Int == 2)
        #expect(alert["source"] as? String == "DOMAIN.md §1.2")
        #expect(alert["blocks_dosing"] as? Bool == true)
        #expect((alert["message"] as? String)?.contains("More than half the days") == true)
    }

    @Test("C-SSRS reports a null total and the risk level as severity")
    func cssrs() throws {
        let object = try json("cssrs", [1, 1, 0, 1, 0, 0, nil])
        #expect(object["total"] is NSNull)
        #expect(object["severity"] as? String == "High risk")
        #expect((object["alerts"] as? [Any])?.count == 1)
    }

    @Test("text summary: total, band, screen, subscales, alerts")
    func textSummary() throws {
        let phq9 = try AssessmentFixtures.instrument("phq9")
        let text = ScoreReport(score: try ScoringEngine.score(phq9, answers: [3, 3, 3, 3, 0, 0, 0, 0, 1]), instrument: phq9).textSummary
        #expect(text.contains("PHQ-9 (Patient Health Questionnaire-9)"))
        #expect(text.contains("Total: 13 (range 0–27): moderate"))
        #expect(text.contains("Positive screen (≥10): yes"))
        #expect(text.contains("[HIGH]"))
        #expect(text.contains("Dosing blocked"))

        let gad7 = try AssessmentFixtures.instrument("gad7")
        let missing = ScoreReport(score: try ScoringEngine.score(gad7, answers: [1, 1, nil, 1, 1, 1, 1]), instrument: gad7).textSummary
        #expect(missing.contains("Total: not computed"))
        #expect(missing.contains("Incomplete: missing item 3"))
        #expect(missing.contains("Alerts: none"))

        let pcl5 = try AssessmentFixtures.instrument("pcl5")
        let clusters = ScoreReport(score: try ScoringEngine.score(pcl5, answers: Array(repeating: 2, count: 20)), instrument: pcl5).textSummary
        #expect(clusters.contains("Cluster B (items 1–5): 10 (range 0–20)"))
        #expect(clusters.contains("Provisional DSM-5 PTSD diagnosis"))
        #expect(clusters.contains(": met"))

        let pdss = try AssessmentFixtures.instrument("pdss")
        let mean = ScoreReport(score: try ScoringEngine.score(pdss, answers: [1, 2, 1, 2, 1, 2, 1]), instrument: pdss).textSummary
        #expect(mean.contains("Mean item score: 1.43"))
    }

    @Test("prorated totals say so in the text")
    func proratedText() throws {
        let gad7 = try AssessmentFixtures.instrument("gad7")
        let policy = ScoringPolicy(
            prorateMissingItems: Sourced(true, .designDefault),
            prorateMaxMissingFraction: ScoringPolicy.defaults.prorateMaxMissingFraction
        )
        let text = ScoreReport(score: try ScoringEngine.score(gad7, answers: [1, 1, nil, 1, 1, 1, 1], policy: policy), instrument: gad7).textSummary
        #expect(text.contains("Total: 7 (range 0–21): mild, prorated from 6 of 7 items"))
    }
}
