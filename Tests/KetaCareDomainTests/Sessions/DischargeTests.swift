import Foundation
import KetaCareDomain
import Testing

@Suite("Discharge: scores (§7.2–7.3), minimum observation and the checklist (§7.1, §7.4), override")
struct DischargeTests {
    typealias F = SessionFixture

    static func aldrete(_ total: Int) throws -> DischargeScore {
        // Lower items one at a time from a full 10.
        var items = [2, 2, 2, 2, 2]
        for index in 0..<(10 - total) { items[index % 5] -= 1 }
        return .aldrete(
            try ModifiedAldrete(activity: items[0], respiration: items[1], circulation: items[2], consciousness: items[3], spo2: items[4]))
    }

    /// Everything met except possibly time; dosing t0–40 min.
    static func input(route: DosingRoute = .intravenous, now: Double, dosingEnd: Double = 40) throws -> DischargeAssessment {
        DischargeAssessment(
            route: route, dosingStart: F.t0, dosingEnd: F.at(dosingEnd), now: F.at(now), latestVitals: F.vitals(), preDoseVitals: F.vitals(),
            latestMOAAS: 5, preDoseMOAAS: 5, score: try aldrete(10), hasUnresolvedCriticalAlert: false, escortPresent: true,
            drivingAdviceAcknowledged: true, remsFormComplete: true)
    }

    static func unmet(_ input: DischargeAssessment, policy: SessionPolicy = F.policy) throws -> [DischargeCriterion] {
        try DischargeAssessment.evaluate(input, policy: policy).unmet.map(\.criterion)
    }

    // MARK: - Minimum observation (§7.1)

    @Test(
        "Minimum observation per product, both sides",
        arguments: [
            (DosingRoute.intranasalEsketamine, 10.0, 119.99, false), (.intranasalEsketamine, 10, 120, true),
            (.intravenous, 40, 99.99, false), (.intravenous, 40, 100, true),
            (.subcutaneous, 0, 59.99, false), (.subcutaneous, 0, 60, true),
            (.intramuscular, 0, 59.99, false), (.intramuscular, 0, 60, true),
        ])
    func minimum(route: DosingRoute, dosingEnd: Double, now: Double, ready: Bool) throws {
        let decision = try DischargeAssessment.evaluate(Self.input(route: route, now: now, dosingEnd: dosingEnd), policy: F.policy)
        #expect(decision.isReady == ready)
        #expect(decision.readyAt == (ready ? F.at(now) : nil))
        #expect(decision.unmet.map(\.criterion) == (ready ? [] : [.minimumObservation]))
    }

    @Test("Spravato counts from the first device, racemic from the end of dosing")
    func anchors() throws {
        let spravato = try DischargeAssessment.evaluate(Self.input(route: .intranasalEsketamine, now: 0, dosingEnd: 10), policy: F.policy)
        #expect(spravato.minimumObservationEndsAt == F.at(120))
        let iv = try DischargeAssessment.evaluate(Self.input(now: 0), policy: F.policy)
        #expect(iv.minimumObservationEndsAt == F.at(100))
        #expect(iv.unmet.first?.reason.contains("100 min to go") == true)
    }

    // MARK: - Score cutoffs

    @Test("Aldrete cutoff ≥9, both sides", arguments: [(9, true), (8, false), (10, true)])
    func aldreteCutoff(total: Int, met: Bool) throws {
        var input = try Self.input(now: 100)
        input.score = try Self.aldrete(total)
        #expect(input.score?.total == total)
        #expect(try Self.unmet(input) == (met ? [] : [.score]))
    }

    @Test("PADSS when the clinic chooses it: cutoff ≥9, and an Aldrete score no longer counts")
    func padssCutoff() throws {
        var policy = F.policy
        policy.discharge.instrument = Sourced(.padss, .designDefault)
        var input = try Self.input(now: 100)
        #expect(try Self.unmet(input, policy: policy) == [.score])
        let rules = policy.discharge.padss
        input.score = .padss(
            try PADSS(vitalSigns: 2, activityMentalStatus: 2, painNauseaVomiting: 1, surgicalBleeding: 2, intakeOutput: 2, rules: rules))
        #expect(input.score?.total == 9)
        #expect(try Self.unmet(input, policy: policy).isEmpty)
        input.score = .padss(
            try PADSS(vitalSigns: 2, activityMentalStatus: 1, painNauseaVomiting: 1, surgicalBleeding: 2, intakeOutput: 2, rules: rules))
        #expect(try Self.unmet(input, policy: policy) == [.score])
        input.score = nil
        #expect(try Self.unmet(input, policy: policy) == [.score])
    }

    static func padss(_ items: [Int], rules: PADSSRules) throws -> DischargeScore {
        .padss(
            try PADSS(
                vitalSigns: items[0], activityMentalStatus: items[1], painNauseaVomiting: items[2], surgicalBleeding: items[3],
                intakeOutput: items.count > 4 ? items[4] : nil, rules: rules))
    }

    static func modified(bleedingNA: Bool = false) -> SessionPolicy {
        var policy = F.policy
        policy.discharge.instrument = Sourced(.padss, .designDefault)
        policy.discharge.padss.includesIntakeOutput = Sourced(false, .designDefault)
        policy.discharge.padss.bleedingNotApplicableScoresTwo = Sourced(bleedingNA, .designDefault)
        return policy
    }

    @Test(
        "§7.3 the modified PADSS (no intake/output) reaches 8, so its cutoff is its own: ≥7 of 8 (DESIGN DEFAULT), both sides",
        arguments: [([2, 2, 2, 2], true), ([2, 2, 1, 2], true), ([2, 1, 1, 2], false), ([1, 2, 2, 1], false)])
    func modifiedPADSSCutoff(items: [Int], met: Bool) throws {
        let policy = Self.modified()
        #expect(policy.discharge.maximum(for: .padss) == 8)
        #expect(policy.discharge.cutoff(for: .padss) == 7)
        #expect(policy.discharge.modifiedPADSSCutoff.provenance == .designDefault)
        var input = try Self.input(now: 100)
        input.score = try Self.padss(items, rules: policy.discharge.padss)
        let unmet = try DischargeAssessment.evaluate(input, policy: policy).unmet
        #expect(unmet.map(\.criterion) == (met ? [] : [.score]))
        if !met { #expect(unmet.first?.reason.contains("modified PADSS total") == true && unmet.first?.reason.contains("of 8") == true) }
    }

    @Test(
        "§7.3 maximum per variant: the N/A = 2 bleeding adaptation scores the item, it does not change the maximum",
        arguments: [(true, false, 10), (true, true, 10), (false, false, 8), (false, true, 8)])
    func padssMaximum(intakeOutput: Bool, bleedingNA: Bool, maximum: Int) throws {
        let rules = PADSSRules(
            includesIntakeOutput: Sourced(intakeOutput, .designDefault), bleedingNotApplicableScoresTwo: Sourced(bleedingNA, .designDefault))
        #expect(rules.maximum == maximum)
        let best = try PADSS(
            vitalSigns: 2, activityMentalStatus: 2, painNauseaVomiting: 2, surgicalBleeding: bleedingNA ? nil : 2,
            intakeOutput: intakeOutput ? 2 : nil,
            rules: rules)
        #expect(best.total == maximum)
    }

    @Test(
        "§7.3 PADSS vital signs vs pre-procedure: within 20% = 2, 20–40% = 1, >40% = 0; the larger of BP and pulse",
        arguments: [
            // Pre-dose 120/80, HR 70.
            (144, 70, 2), (145, 70, 1), (96, 70, 2), (95, 70, 1), (168, 70, 1), (169, 70, 0), (72, 70, 1), (71, 70, 0),
            (120, 84, 2), (120, 85, 1), (120, 98, 1), (120, 99, 0), (120, 56, 2), (144, 85, 1), (130, 41, 0),
        ])
    func padssVitalSigns(systolic: Int, heartRate: Int, item: Int) {
        let rule = F.policy.discharge.padss.vitalSigns
        #expect(PADSS.vitalSignsItem(preDose: F.vitals(), latest: F.vitals(systolic: systolic, heartRate: heartRate), rule: rule) == item)
    }

    @Test("§7.3 PADSS vital signs without a pre-dose or a latest set cannot be shown to be met: 0")
    func padssVitalSignsMissing() {
        let rule = F.policy.discharge.padss.vitalSigns
        #expect(PADSS.vitalSignsItem(preDose: nil, latest: F.vitals(), rule: rule) == 0)
        #expect(PADSS.vitalSignsItem(preDose: F.vitals(), latest: nil, rule: rule) == 0)
    }

    @Test(
        "§7.2–7.3 policy validation: a cutoff the variant cannot reach is refused naming the field",
        arguments: [
            ("sessions.discharge.modifiedPADSSCutoff", 9, true), ("sessions.discharge.modifiedPADSSCutoff", 8, false),
            ("sessions.discharge.padssCutoff", 11, true), ("sessions.discharge.padssCutoff", 10, false),
            ("sessions.discharge.aldreteCutoff", 11, true), ("sessions.discharge.aldreteCutoff", 0, true),
            ("sessions.discharge.aldreteCutoff", 9, false),
        ])
    func cutoffValidation(field: String, value: Int, refused: Bool) {
        var policy = ClinicPolicy.seed
        switch field {
        case "sessions.discharge.modifiedPADSSCutoff": policy.sessions.discharge.modifiedPADSSCutoff.value = value
        case "sessions.discharge.padssCutoff": policy.sessions.discharge.padssCutoff.value = value
        default: policy.sessions.discharge.aldreteCutoff.value = value
        }
        if refused {
            let error = #expect(throws: ValidationError.self) { try policy.validate() }
            #expect(error?.field == field)
            #expect(error?.message.contains("the most") == true, "\(error?.message ?? "")")
        } else {
            #expect(throws: Never.self) { try policy.validate() }
        }
    }

    // MARK: - Other criteria

    @Test(
        "Latest vitals must be below the §6.5 warning thresholds",
        arguments: [
            (F.vitals(systolic: 159), true), (F.vitals(systolic: 160), false), (F.vitals(systolic: 150, diastolic: 99), true),
            (F.vitals(systolic: 150, diastolic: 100), false), (F.vitals(spo2: 92), true), (F.vitals(spo2: 91), false),
        ])
    func vitals(latest: VitalSigns, met: Bool) throws {
        var input = try Self.input(now: 100)
        input.preDoseVitals = F.vitals(systolic: 130, diastolic: 85)
        input.latestVitals = latest
        #expect(try Self.unmet(input) == (met ? [] : [.vitals]))
    }

    @Test(
        "MOAA/S 5 or equal to pre-dose", arguments: [(5, 5, true), (4, 4, true), (5, 4, true), (4, 5, false), (nil, 5, false)] as [(Int?, Int, Bool)])
    func sedation(latest: Int?, preDose: Int, met: Bool) throws {
        var input = try Self.input(now: 100)
        input.latestMOAAS = latest
        input.preDoseMOAAS = preDose
        #expect(try Self.unmet(input) == (met ? [] : [.sedationResolved]))
    }

    @Test("Escort, driving advice, critical alerts, REMS form (Spravato only), missing vitals")
    func checklist() throws {
        var input = try Self.input(now: 100)
        input.escortPresent = false
        input.drivingAdviceAcknowledged = false
        input.hasUnresolvedCriticalAlert = true
        input.remsFormComplete = false
        input.latestVitals = nil
        #expect(try Self.unmet(input) == [.vitals, .alertsResolved, .escort, .drivingAdvice])
        var spravato = try Self.input(route: .intranasalEsketamine, now: 130, dosingEnd: 10)
        spravato.remsFormComplete = false
        #expect(try Self.unmet(spravato) == [.remsForm])
        var noRems = F.policy
        noRems.remsEnabled = Sourced(false, .designDefault)
        #expect(try Self.unmet(spravato, policy: noRems).isEmpty)
    }

    // MARK: - Override

    @Test("A prescriber's reasoned override makes the patient ready and keeps the unmet list")
    func override() throws {
        var input = try Self.input(now: 100)
        input.escortPresent = false
        let override = DischargeOverride(by: "dr-1", role: .prescriber, reason: "taxi booked by clinic", at: F.at(100))
        let decision = try DischargeAssessment.evaluate(input, override: override, policy: F.policy)
        #expect(decision.isReady)
        #expect(decision.override == override)
        #expect(decision.unmet.map(\.criterion) == [.escort])
        #expect(decision.readyAt == F.at(100))
    }

    @Test(
        "An override by a non-prescriber or without a reason is refused",
        arguments: [
            (Role.nurse, "taxi", "override.role"), (.admin, "taxi", "override.role"), (.prescriber, "  ", "override.reason"),
        ])
    func overrideRefused(role: Role, reason: String, field: String) throws {
        var input = try Self.input(now: 100)
        input.escortPresent = false
        let error = #expect(throws: SessionError.self) {
            try DischargeAssessment.evaluate(input, override: DischargeOverride(by: "x", role: role, reason: reason, at: F.at(100)), policy: F.policy)
        }
        #expect(error?.field == field)
    }

    @Test("No override shortens Spravato's 120 min; racemic's 60 min can be overridden")
    func hardMinimum() throws {
        let override = DischargeOverride(by: "dr-1", role: .prescriber, reason: "needs to leave", at: F.at(110))
        let spravato = try DischargeAssessment.evaluate(
            Self.input(route: .intranasalEsketamine, now: 110, dosingEnd: 10), override: override, policy: F.policy)
        #expect(!spravato.isReady)
        #expect(spravato.unmet.map(\.criterion) == [.minimumObservation])
        let iv = try DischargeAssessment.evaluate(Self.input(now: 90), override: override, policy: F.policy)
        #expect(iv.isReady)
    }

    // MARK: - Scorers

    @Test(
        "Aldrete items outside 0–2 are rejected, naming the item",
        arguments: [
            (-1, 2, 2, 2, 2, "aldrete.activity"), (2, 3, 2, 2, 2, "aldrete.respiration"), (2, 2, 3, 2, 2, "aldrete.circulation"),
            (2, 2, 2, -1, 2, "aldrete.consciousness"), (2, 2, 2, 2, 3, "aldrete.spo2"),
        ])
    func aldreteInvalid(a: Int, r: Int, c: Int, k: Int, s: Int, field: String) {
        let error = #expect(throws: SessionError.self) { try ModifiedAldrete(activity: a, respiration: r, circulation: c, consciousness: k, spo2: s) }
        #expect(error?.field == field)
        #expect(error?.message.contains("between 0 and 2") == true)
    }

    @Test("Aldrete totals 0 and 10")
    func aldreteTotals() throws {
        #expect(try ModifiedAldrete(activity: 0, respiration: 0, circulation: 0, consciousness: 0, spo2: 0).total == 0)
        #expect(try ModifiedAldrete(activity: 2, respiration: 1, circulation: 2, consciousness: 1, spo2: 2).total == 8)
    }

    @Test(
        "Aldrete circulation from BP: percent form (default) and mmHg form",
        arguments: [
            (144, 2), (145, 1), (179, 1), (180, 0), (96, 2), (95, 1), (61, 1), (60, 0),
        ])
    func circulationPercent(systolic: Int, item: Int) {
        #expect(ModifiedAldrete.circulationItem(preDoseSystolic: 120, systolic: systolic, rule: F.policy.discharge.aldreteCirculation) == item)
    }

    @Test("Aldrete circulation in mmHg: within 20 → 2, 21–50 → 1, beyond 50 → 0", arguments: [(140, 2), (141, 1), (170, 1), (171, 0)])
    func circulationMmHg(systolic: Int, item: Int) {
        let rule = AldreteCirculationRule(form: .mmHg, fullScoreMax: 20, zeroScoreFrom: 51, provenance: .designDefault)
        #expect(ModifiedAldrete.circulationItem(preDoseSystolic: 120, systolic: systolic, rule: rule) == item)
    }

    @Test("PADSS items: validation, N/A bleeding adaptation, modified PADSS without intake/output")
    func padssItems() throws {
        let standard = F.policy.discharge.padss
        for (field, make) in [
            (
                "padss.vital_signs",
                { try PADSS(vitalSigns: 3, activityMentalStatus: 2, painNauseaVomiting: 2, surgicalBleeding: 2, intakeOutput: 2, rules: standard) }
            ),
            (
                "padss.pain_nausea_vomiting",
                { try PADSS(vitalSigns: 2, activityMentalStatus: 2, painNauseaVomiting: -1, surgicalBleeding: 2, intakeOutput: 2, rules: standard) }
            ),
            (
                "padss.activity_mental_status",
                { try PADSS(vitalSigns: 2, activityMentalStatus: 5, painNauseaVomiting: 2, surgicalBleeding: 2, intakeOutput: 2, rules: standard) }
            ),
            (
                "padss.surgical_bleeding",
                { try PADSS(vitalSigns: 2, activityMentalStatus: 2, painNauseaVomiting: 2, surgicalBleeding: nil, intakeOutput: 2, rules: standard) }
            ),
            (
                "padss.intake_output",
                { try PADSS(vitalSigns: 2, activityMentalStatus: 2, painNauseaVomiting: 2, surgicalBleeding: 2, intakeOutput: nil, rules: standard) }
            ),
            (
                "padss.intake_output",
                { try PADSS(vitalSigns: 2, activityMentalStatus: 2, painNauseaVomiting: 2, surgicalBleeding: 2, intakeOutput: 3, rules: standard) }
            ),
        ] as [(String, () throws -> PADSS)] {
            let error = #expect(throws: SessionError.self) { try make() }
            #expect(error?.field == field)
        }
        let adapted = PADSSRules(includesIntakeOutput: Sourced(false, .designDefault), bleedingNotApplicableScoresTwo: Sourced(true, .designDefault))
        let modified = try PADSS(
            vitalSigns: 2, activityMentalStatus: 2, painNauseaVomiting: 1, surgicalBleeding: nil, intakeOutput: nil, rules: adapted)
        #expect(modified.surgicalBleeding == 2)
        #expect(modified.total == 7)
        let error = #expect(throws: SessionError.self) {
            try PADSS(vitalSigns: 2, activityMentalStatus: 2, painNauseaVomiting: 2, surgicalBleeding: 2, intakeOutput: 2, rules: adapted)
        }
        #expect(error?.field == "padss.intake_output")
    }
}
