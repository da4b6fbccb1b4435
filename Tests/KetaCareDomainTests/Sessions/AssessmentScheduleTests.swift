import Foundation
import KetaCareDomain
import Testing

@Suite("CADSS and MOAA/S: timing (§6.4) and thresholds (§6.5, §1.7, §1.8)")
struct AssessmentScheduleTests {
    typealias F = SessionFixture
    let policy = SessionFixture.policy.assessments

    @Test(
        "MOAA/S thresholds, both sides of each",
        arguments: [
            (5, nil), (4, AlertLevel.info), (3, .warning), (2, .urgent), (1, .emergency), (0, .emergency),
        ] as [(Int, AlertLevel?)])
    func moaas(score: Int, level: AlertLevel?) throws {
        let alert = try policy.moaasAlert(score)
        #expect(alert?.level == level)
        if let alert { #expect(alert.signal == "moaas") }
    }

    @Test("MOAA/S outside 0–5 is rejected", arguments: [-1, 6])
    func moaasRange(score: Int) {
        let error = #expect(throws: SessionError.self) { try policy.moaasAlert(score) }
        #expect(error?.field == "moaas")
        #expect(error?.message.contains("between 0 and 5") == true)
    }

    @Test("CADSS: informational alert only when more than 4 above pre-dose", arguments: [(6, 2, false), (7, 2, true), (4, 0, false), (5, 0, true)])
    func cadss(total: Int, preDose: Int, alerts: Bool) throws {
        let alert = try policy.cadssAlert(total: total, preDose: preDose)
        #expect((alert != nil) == alerts)
        if let alert {
            #expect(alert.level == .info)
            #expect(alert.provenance == .unconfirmed)
        }
    }

    @Test("CADSS totals outside 0–92 are rejected", arguments: [(93, 0, "cadss"), (-1, 0, "cadss"), (10, 93, "cadss_pre_dose")])
    func cadssRange(total: Int, preDose: Int, field: String) {
        let error = #expect(throws: SessionError.self) { try policy.cadssAlert(total: total, preDose: preDose) }
        #expect(error?.field == field)
    }

    @Test("CADSS is due at the end of an IV infusion, and 40 min after Spravato or an injection")
    func cadssTimes() {
        #expect(policy.cadssTimes(profile: .infusion, dosingStart: F.t0, dosingEnd: F.at(40)).map(\.dueAt) == [F.at(40)])
        #expect(policy.cadssTimes(profile: .infusion, dosingStart: F.t0, dosingEnd: nil).isEmpty)
        #expect(policy.cadssTimes(profile: .spravato, dosingStart: F.t0, dosingEnd: F.at(10)).map(\.dueAt) == [F.at(40)])
        #expect(policy.cadssTimes(profile: .injection, dosingStart: F.t0, dosingEnd: F.t0).map(\.dueAt) == [F.at(40)])
    }

    @Test("MOAA/S every 15 min until two consecutive ratings equal pre-dose")
    func moaasSeries() {
        #expect(policy.nextMOAASDue(preDose: 5, ratings: [], dosingStart: F.t0) == F.at(15))
        #expect(policy.nextMOAASDue(preDose: 5, ratings: [(F.at(15), 3)], dosingStart: F.t0) == F.at(30))
        #expect(policy.nextMOAASDue(preDose: 5, ratings: [(F.at(15), 3), (F.at(30), 5)], dosingStart: F.t0) == F.at(45))
        #expect(policy.nextMOAASDue(preDose: 5, ratings: [(F.at(45), 5), (F.at(15), 3), (F.at(30), 5)], dosingStart: F.t0) == nil)
        #expect(policy.nextMOAASDue(preDose: 5, ratings: [(F.at(30), 5), (F.at(45), 4)], dosingStart: F.t0) == F.at(60))
        // A pre-dose rating does not count toward resolution.
        #expect(policy.nextMOAASDue(preDose: 5, ratings: [(F.at(-5), 5), (F.at(15), 5)], dosingStart: F.t0) == F.at(30))
    }

    @Test("Side-effect checklist: vomiting warns, crisis symptoms are an emergency, unknown codes are rejected")
    func sideEffects() throws {
        let items = F.policy.sideEffects
        for code in ["nausea", "vomiting", "dizziness", "headache", "anxiety", "dissociation", "hypertension"] {
            #expect(items.contains { $0.code == code }, "\(code) is on the checklist")
        }
        let alerts = try items.alerts(forTicked: ["nausea", "vomiting", "hypertensive_crisis_symptoms"])
        #expect(alerts.map(\.level) == [.emergency, .warning])
        #expect(try items.alerts(forTicked: ["headache"]).isEmpty)
        let error = #expect(throws: SessionError.self) { try items.alerts(forTicked: ["nausea", "hiccups"]) }
        #expect(error?.field == "side_effects[1]")
    }

    @Test("Rescue medication: validated record in typed mg; a blank indication is no indication")
    func rescue() throws {
        let rescue = F.policy.rescueMedications
        let given = try RescueMedication(
            drug: "ondansetron", dose: 4, route: "iv", indication: "nausea", givenAt: F.at(30), givenBy: "nurse-2", policy: rescue)
        #expect(given.dose == Milligrams(4))
        #expect(throws: SessionError.self) {
            try RescueMedication(
                drug: "ondansetron", dose: .zero, route: "iv", indication: "nausea", givenAt: F.at(30), givenBy: "n", policy: rescue)
        }
        let unexplained = try RescueMedication(
            drug: "midazolam", dose: 1, route: "iv", indication: " ", givenAt: F.at(30), givenBy: "n", policy: rescue)
        #expect(unexplained.indication == nil)
    }
}
