import Foundation
import KetaCareDomain
import Testing

@Suite("Side-effect checks, rescue medications and safety check-ins (issue #5)")
struct SideEffectCheckTests {
    typealias F = SessionFixture
    let items = F.policy.sideEffects
    let rescue = F.policy.rescueMedications
    let questions = F.policy.safetyWatch.checkInQuestions

    @Test("A check keeps the ticked items with their labels and severities; an empty list is an explicit none")
    func check() throws {
        let check = try items.check(ticked: ["nausea", "vomiting"], severities: ["vomiting": "moderate", "nausea": ""], note: "  after dosing ")
        #expect(
            check.ticked == [
                TickedSideEffect(code: "nausea", label: "Nausea"), TickedSideEffect(code: "vomiting", label: "Vomiting", severity: .moderate),
            ])
        #expect(check.note == "after dosing")
        let none = try items.check(ticked: [], severities: [:], note: nil)
        #expect(none.isNone && none.note == nil)
    }

    @Test(
        "A bad check is refused naming the field and what is allowed",
        arguments: [
            (["nausea", "hiccups"], [String: String](), "side_effects[1]", "vomiting"),
            (["nausea", "nausea"], [:], "side_effects[1]", "twice"),
            (["nausea"], ["vomiting": "mild"], "severities.vomiting", "not ticked"),
            (["nausea"], ["nausea": "awful"], "severities.nausea", "mild, moderate, severe"),
        ])
    func refused(codes: [String], severities: [String: String], field: String, mentions: String) {
        let error = #expect(throws: SessionError.self) { try items.check(ticked: codes, severities: severities, note: nil) }
        #expect(error?.field == field)
        #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
    }

    @Test("A note longer than 1000 characters is refused")
    func longNote() {
        let error = #expect(throws: SessionError.self) { try items.check(ticked: [], severities: [:], note: String(repeating: "x", count: 1001)) }
        #expect(error?.field == "note")
    }

    @Test("DOMAIN.md §6.5: vomiting raises a warning; nausea raises nothing")
    func alerts() throws {
        #expect(try items.alerts(forTicked: ["vomiting"]).map(\.key) == ["alerts.side_effect.vomiting"])
        #expect(try items.alerts(forTicked: ["nausea"]).isEmpty)
    }

    @Test("Rescue medication: a listed drug takes the list's spelling and its dose ceiling; others the general ceiling")
    func rescueCeilings() throws {
        let listed = try RescueMedication(
            drug: " Ondansetron ", dose: 8, route: "IV", indication: nil, givenAt: F.at(20), givenBy: "nurse", policy: rescue)
        #expect(listed.drug == "ondansetron" && listed.route == "iv")
        let error = #expect(throws: SessionError.self) {
            try RescueMedication(drug: "ondansetron", dose: 40, route: "iv", indication: nil, givenAt: F.at(20), givenBy: "n", policy: rescue)
        }
        #expect(error?.field == "dose_mg")
        #expect(error?.message.contains("at most 16 mg for ondansetron") == true, "\(error?.message ?? "")")
        let other = try RescueMedication(
            drug: "diphenhydramine", dose: 25, route: "po", indication: "itch", givenAt: F.at(20), givenBy: "n", policy: rescue)
        #expect(other.drug == "diphenhydramine")
        #expect(throws: SessionError.self) {
            try RescueMedication(drug: "diphenhydramine", dose: 1001, route: "po", indication: nil, givenAt: F.at(20), givenBy: "n", policy: rescue)
        }
    }

    @Test(
        "Rescue medication: each bad value is refused naming its field",
        arguments: [
            ("", Decimal(4), "iv", "drug"),
            (String(repeating: "a", count: 101), Decimal(4), "iv", "drug"),
            ("ondansetron", Decimal(-1), "iv", "dose_mg"),
            ("ondansetron", Decimal(4), "rectal", "route"),
            ("ondansetron", Decimal(4), " ", "route"),
        ])
    func rescueRefused(drug: String, dose: Decimal, route: String, field: String) {
        let error = #expect(throws: SessionError.self) {
            try RescueMedication(
                drug: drug, dose: Milligrams(dose), route: route, indication: nil, givenAt: F.at(20), givenBy: "n", policy: rescue)
        }
        #expect(error?.field == field)
    }

    @Test("The rescue seed is data with design-default provenance, and lists the common drugs")
    func rescueSeed() {
        #expect(rescue.routes.provenance == .designDefault && rescue.maxDoseMg.provenance == .designDefault)
        for name in ["ondansetron", "lorazepam", "midazolam", "labetalol", "clonidine"] {
            #expect(rescue.drug(named: name) != nil, "\(name)")
        }
        #expect(rescue.drugs.allSatisfy { $0.provenance == .designDefault && $0.maxDoseMg > 0 })
    }

    @Test("A stored session policy from before rescue medications and check-in questions decodes with the seed for them")
    func olderPolicy() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(SessionPolicy.seed)) as? [String: Any])
        object["rescueMedications"] = nil
        var watch = try #require(object["safetyWatch"] as? [String: Any])
        watch["checkInQuestions"] = nil
        object["safetyWatch"] = watch
        let decoded = try JSONDecoder().decode(SessionPolicy.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.rescueMedications == RescueMedicationPolicy.seed)
        #expect(decoded.safetyWatch.checkInQuestions == CheckInQuestion.seed)
        #expect(decoded == SessionPolicy.seed)
    }

    @Test("A bladder check-in answers every question; pain or blood flags the chart (DESIGN DEFAULT)")
    func bladder() throws {
        let answers = ["frequency": true, "urgency": false, "pain": false, "blood": true]
        let checkIn = try SafetyCheckIn(
            kind: .bladder, answers: answers, note: nil, completedAt: F.t0, completedBy: "nurse", now: F.t0, questions: questions)
        #expect(checkIn.answers.map(\.code) == ["frequency", "urgency", "pain", "blood"])
        #expect(checkIn.flags.map(\.code) == ["blood"])
        let clean = try SafetyCheckIn(
            kind: .cognition, answers: ["memory": false, "concentration": false], note: "doing well", completedAt: F.t0, completedBy: "n",
            now: F.t0, questions: questions)
        #expect(clean.flags.isEmpty && clean.note == "doing well")
    }

    @Test(
        "A check-in with a missing or unknown answer, or done in the future, is refused naming the field",
        arguments: [
            (["frequency": false, "urgency": false, "pain": false], 0.0, "answers.blood"),
            (["frequency": false, "urgency": false, "pain": false, "blood": false, "memory": true], 0, "answers.memory"),
            (["frequency": false, "urgency": false, "pain": false, "blood": false], 1, "completed_at"),
        ])
    func checkInRefused(answers: [String: Bool], minutesAhead: Double, field: String) {
        let error = #expect(throws: SessionError.self) {
            try SafetyCheckIn(
                kind: .bladder, answers: answers, note: nil, completedAt: F.at(minutesAhead), completedBy: "n", now: F.t0, questions: questions)
        }
        #expect(error?.field == field)
    }

    @Test("The latest check-in per kind moves the next due date by the kind's interval (90 days bladder, 180 cognition)")
    func nextDue() throws {
        func bladder(_ day: Double) throws -> SafetyCheckIn {
            try SafetyCheckIn(
                kind: .bladder, answers: ["frequency": false, "urgency": false, "pain": false, "blood": false], note: nil, completedAt: F.day(day),
                completedBy: "n", now: F.t0, questions: questions)
        }
        let latest = [try bladder(-100), try bladder(-10), try bladder(-50)].latestByKind
        #expect(latest[.bladder]?.completedAt == F.day(-10))
        #expect(latest[.cognition] == nil)
        let watch = SafetyWatch.compute(
            sessions: [PastSession(date: F.day(-120), dose: 40, weight: 80, attended: true)], lastCheckIns: latest.mapValues(\.completedAt),
            now: F.t0, policy: F.policy.safetyWatch)
        let due = try #require(watch.checkIns.first { $0.kind == .bladder })
        #expect(due.dueAt == F.day(80) && !due.isDue)
        #expect(watch.checkIns.first { $0.kind == .cognition }?.isDue == true)
    }
}
