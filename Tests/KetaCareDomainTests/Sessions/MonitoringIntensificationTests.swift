import Foundation
import KetaCareDomain
import Testing

@Suite("Intensified monitoring from screening (DOMAIN.md §3.3, §3.4, §7.1)")
struct MonitoringIntensificationTests {
    typealias F = SessionFixture
    typealias E = EligibilityFixture

    /// A clean history (planned for IV and Spravato, so both products are screened) with one change.
    static func history(_ change: (inout IntakeHistory) -> Void = { _ in }) -> IntakeHistory {
        var history = E.clean(routes: [.intravenous, .intranasalEsketamine])
        change(&history)
        return history
    }

    static func intensification(_ history: IntakeHistory, _ profile: MonitoringProfile, policy: SessionPolicy = .seed)
        -> MonitoringIntensification
    {
        MonitoringIntensification(screening: Screening.screen(history, asOf: E.asOf), profile: profile, policy: policy.intensification)
    }

    static func taking(_ name: String, stopped: Bool = false) -> (inout IntakeHistory) -> Void {
        { $0.medications = [Medication(name: name, startDate: E.day("2025-01-01"), stopDate: stopped ? E.day("2025-05-01") : nil)] }
    }

    // MARK: - Which findings intensify what

    @Test(
        "§3.3 and §3.4 findings and what each asks for",
        arguments: [
            ("nothing to report", history(), MonitoringProfile.infusion, [IntensificationKind](), [String]()),
            (
                "§3.3 hypertensive encephalopathy", history { $0.cardiovascular.hypertensiveEncephalopathy = true }, .infusion,
                [.closerBloodPressure], ["intensify.hypertensive-encephalopathy"]
            ),
            ("§3.4 MAOI (brand)", history(taking("Nardil 15 mg")), .spravato, [.closerBloodPressure], ["intensify.maoi"]),
            ("§3.4 psychostimulant", history(taking("Adderall XR 20 mg")), .injection, [.closerBloodPressure], ["intensify.psychostimulant"]),
            ("§3.4 benzodiazepine", history(taking("Lorazepam 1 mg")), .infusion, [.closerSedation], ["intensify.benzodiazepine"]),
            ("§3.4 opioid", history(taking("tramadol 50 mg")), .spravato, [.closerSedation], ["intensify.opioid"]),
            ("§3.4 sedative-hypnotic", history(taking("zolpidem 10 mg")), .infusion, [.closerSedation], ["intensify.sedative-hypnotic"]),
            ("§3.4 other CNS depressant", history(taking("Gabapentin 300 mg")), .injection, [.closerSedation], ["intensify.cns-depressant"]),
            ("§3.4 a stopped MAOI no longer counts", history(taking("phenelzine", stopped: true)), .spravato, [], []),
            ("§3.4 lamotrigine is info only", history(taking("lamotrigine 200 mg")), .infusion, [], []),
            (
                "§3.3/§7.1 Child-Pugh B extends Spravato", history { $0.hepatic = .b }, .spravato, [.extendedObservation],
                ["intensify.hepatic-moderate"]
            ),
            ("§7.1 Child-Pugh B: no extension for racemic IV (the label is Spravato's)", history { $0.hepatic = .b }, .infusion, [], []),
            ("§3.3 Child-Pugh A: nothing", history { $0.hepatic = .a }, .spravato, [], []),
            (
                "§3.3 + §3.4 together",
                history {
                    $0.cardiovascular.hypertensiveEncephalopathy = true; MonitoringIntensificationTests.taking("alprazolam")(&$0)
                },
                .infusion, [.closerBloodPressure, .closerSedation], ["intensify.hypertensive-encephalopathy", "intensify.benzodiazepine"]
            ),
        ])
    func findings(name: String, history: IntakeHistory, profile: MonitoringProfile, kinds: [IntensificationKind], keys: [String]) {
        let intensification = Self.intensification(history, profile)
        #expect(intensification.kinds == kinds, "\(name)")
        #expect(intensification.reasons.map(\.key) == keys, "\(name)")
        #expect(intensification.reasons.allSatisfy { $0.source.hasPrefix("DOMAIN.md §3.") }, "\(name)")
    }

    @Test("§3.4: the reason names the medication as written; an acknowledged finding still intensifies")
    func evidence() throws {
        let screening = Screening.screen(Self.history(Self.taking("Nardil 15 mg")), asOf: E.asOf)
        let intensification = MonitoringIntensification(screening: screening, profile: .spravato, policy: SessionPolicy.seed.intensification)
        #expect(intensification.reasons.first?.label == "MAOI: Nardil 15 mg")
        #expect(MonitoringIntensification(screening: nil, profile: .spravato, policy: SessionPolicy.seed.intensification).isEmpty)
    }

    // MARK: - The effective policy

    @Test("No finding, no change: the clinic's policy unchanged")
    func unchanged() {
        let none = Self.intensification(Self.history(), .spravato)
        #expect(F.policy.intensified(by: none) == F.policy)
    }

    @Test(
        "§3.4 closer BP: BP every 10 min instead of the §6.2/§6.3 schedule (DESIGN DEFAULT 10)",
        arguments: [
            // Profile, dosing end, latest set, usual next due (nil = nothing scheduled), intensified next due.
            (MonitoringProfile.infusion, 40.0, 45.0, 60.0 as Double?, 55.0),  // §6.3: every 15 after the infusion → 10
            (.spravato, 1, 41, nil, 51),  // §6.2: after the 40-min set "as clinically warranted" → every 10
            (.injection, 0, 70, 100, 80),  // §6.3 SC/IM: every 30 after the first hour → 10
            (.infusion, 40, 10, 20, 20),  // in the infusion already every 10: unchanged
        ])
    func closerBloodPressure(profile: MonitoringProfile, dosingEnd: Double, latest: Double, usual: Double?, intensified: Double) {
        let route: DosingRoute = profile == .spravato ? .intranasalEsketamine : profile == .infusion ? .intravenous : .subcutaneous
        let history = Self.history(Self.taking("Nardil 15 mg"))
        let effective = F.policy.intensified(by: Self.intensification(history, profile))
        func next(_ policy: SessionPolicy) -> Date? {
            policy.monitoring.nextDue(
                route: route, measurement: .bloodPressure, recorded: [F.at(latest)], dosingStart: F.t0, dosingEnd: F.at(dosingEnd),
                now: F.at(latest))?.dueAt
        }
        #expect(next(F.policy) == usual.map(F.at))
        #expect(next(effective) == F.at(intensified))
    }

    @Test("§3.4 closer sedation: MOAA/S every 10 min instead of 15 (§6.4), the oximeter charted every 10 (§6.2: 15)")
    func closerSedation() throws {
        let effective = F.policy.intensified(by: Self.intensification(Self.history(Self.taking("Lorazepam 1 mg")), .spravato))
        #expect(F.policy.assessments.moaasEveryMinutes.value == 15)
        #expect(effective.assessments.moaasEveryMinutes.value == 10)
        #expect(effective.assessments.moaasEveryMinutes.provenance == .designDefault)
        #expect(effective.assessments.nextMOAASDue(preDose: 5, ratings: [(F.at(20), 4)], dosingStart: F.t0) == F.at(30))
        #expect(effective.monitoring.schedule(.spravato, .oximetry)?.intervals.map(\.everyMinutes) == [10])
        // The Spravato oximetry gap check (§6.2) reads the same schedule: a 12-minute gap is now missing monitoring.
        let observations = SessionObservations(
            preDoseVitalsAt: F.at(-5), vitalsAt: [F.at(10), F.at(22)], moaas: [], cadss: [])
        let usual = observations.missingForDischarge(
            profile: .spravato, dosingStart: F.t0, dosingEnd: F.at(1), now: F.at(30), monitoring: F.policy.monitoring,
            assessments: F.policy.assessments, discharge: F.policy.discharge)
        let closer = observations.missingForDischarge(
            profile: .spravato, dosingStart: F.t0, dosingEnd: F.at(1), now: F.at(30), monitoring: effective.monitoring,
            assessments: effective.assessments, discharge: effective.discharge)
        #expect(!usual.contains { $0.hasPrefix("pulse oximetry") })
        #expect(closer.contains { $0.hasPrefix("pulse oximetry charted every 10 min") })
    }

    // MARK: - §7.1 Child-Pugh B: the Spravato observation extended

    static func spravatoDischarge(now: Double) -> DischargeAssessment {
        DischargeAssessment(
            route: .intranasalEsketamine, dosingStart: F.t0, dosingEnd: F.at(5), now: F.at(now), latestVitals: F.vitals(),
            preDoseVitals: F.vitals(), latestMOAAS: 5, preDoseMOAAS: 5,
            score: .aldrete(try! ModifiedAldrete(activity: 2, respiration: 2, circulation: 2, consciousness: 2, spo2: 2)),
            hasUnresolvedCriticalAlert: false, escortPresent: true, drivingAdviceAcknowledged: true, remsFormComplete: true)
    }

    @Test(
        "§7.1 Child-Pugh B: Spravato discharge refused at 120 min, allowed at 180 (DESIGN DEFAULT +60)",
        arguments: [(119.0, false, false), (120, false, true), (179.99, false, true), (180, true, true)])
    func extendedObservation(now: Double, ready: Bool, usualReady: Bool) throws {
        let effective = F.policy.intensified(by: Self.intensification(Self.history { $0.hepatic = .b }, .spravato))
        #expect(effective.discharge.rule(for: .spravato)?.effectiveMinutes == 180)
        let decision = try DischargeAssessment.evaluate(Self.spravatoDischarge(now: now), policy: effective)
        #expect(decision.isReady == ready)
        #expect(decision.minimumObservationEndsAt == F.at(180))
        if !ready {
            let reason = try #require(decision.unmet.first { $0.criterion == .minimumObservation }?.reason)
            #expect(reason.contains("180 min") && reason.contains("Child-Pugh B"), "\(reason)")
        }
        #expect(try DischargeAssessment.evaluate(Self.spravatoDischarge(now: now), policy: F.policy).isReady == usualReady)
    }

    @Test("§7.1: a prescriber may override the extension (DESIGN DEFAULT), never the label's 120 min; a clinic can make it hard")
    func extensionOverride() throws {
        let intensification = Self.intensification(Self.history { $0.hepatic = .b }, .spravato)
        let override = DischargeOverride(by: "dr-1", role: .prescriber, reason: "stable, reviewed at bedside", at: F.at(150))
        let effective = F.policy.intensified(by: intensification)
        #expect(try DischargeAssessment.evaluate(Self.spravatoDischarge(now: 150), override: override, policy: effective).isReady)
        #expect(try !DischargeAssessment.evaluate(Self.spravatoDischarge(now: 110), override: override, policy: effective).isReady)
        var strict = F.policy
        strict.intensification.extraObservationIsHard = Sourced(true, .designDefault)
        let hard = strict.intensified(by: intensification)
        #expect(try !DischargeAssessment.evaluate(Self.spravatoDischarge(now: 150), override: override, policy: hard).isReady)
    }

    // MARK: - The session machine on the intensified policy

    @Test("§3.3/§7.1 the session machine run on the intensified policy: a Child-Pugh B Spravato patient is not ready at 175 min, ready at 180")
    func machineExtendedObservation() throws {
        let record = SessionMachineTests.recovering(route: .intranasalEsketamine)
        let effective = F.policy.intensified(by: Self.intensification(Self.history { $0.hepatic = .b }, .spravato))
        var usual = SessionMachine(record: record, policy: F.policy)
        _ = try usual.handle(.assessDischarge(SessionMachineTests.discharge), by: SessionMachineTests.nurse, at: F.at(175))
        #expect(usual.record.state == .readyForDischarge)
        var machine = SessionMachine(record: record, policy: effective)
        let error = SessionMachineTests.refusal {
            _ = try machine.handle(.assessDischarge(SessionMachineTests.discharge), by: SessionMachineTests.nurse, at: F.at(175))
        }
        #expect(error?.field == "discharge" && error?.message.contains("minimum observation of 180 min") == true, "\(error?.message ?? "")")
        _ = try machine.handle(.assessDischarge(SessionMachineTests.discharge), by: SessionMachineTests.nurse, at: F.at(180))
        #expect(machine.record.state == .readyForDischarge)
    }

    @Test("§3.4 + §6.5 the overdue tick follows the closer schedule: with an MAOI the BP is overdue at 12 min, not before the oximeter's 15")
    func machineOverdueCloserBP() throws {
        var record = SessionMachineTests.ready(route: .intranasalEsketamine)
        record.state = .dosing
        record.dosingStart = F.t0
        var usual = SessionMachine(record: record, policy: F.policy)
        #expect(try usual.handle(.tick, by: .system, at: F.at(12)).isEmpty)
        let effective = F.policy.intensified(by: Self.intensification(Self.history(Self.taking("phenelzine 15 mg")), .spravato))
        var machine = SessionMachine(record: record, policy: effective)
        #expect(SessionMachineTests.mentions(try machine.handle(.tick, by: .system, at: F.at(12)), "monitoring.blood_pressure"))
        #expect(SessionCommand.tick.readsMonitoringSchedule && SessionCommand.assessDischarge(SessionMachineTests.discharge).readsMonitoringSchedule)
        #expect(!SessionCommand.sign.readsMonitoringSchedule)
    }

    @Test("§7.3 the session machine scores the modified PADSS a clinic chose: vital signs from the readings, ≥7 of 8")
    func machinePADSS() throws {
        var policy = F.policy
        policy.discharge.instrument = Sourced(.padss, .designDefault)
        policy.discharge.padss.includesIntakeOutput = Sourced(false, .designDefault)
        func request(_ activity: Int, _ pain: Int) -> DischargeRequest {
            DischargeRequest(
                items: .padss(activityMentalStatus: activity, painNauseaVomiting: pain, surgicalBleeding: 2, intakeOutput: nil), escortPresent: true,
                drivingAdviceAcknowledged: true, overrideReason: nil)
        }
        var machine = SessionMachine(record: SessionMachineTests.recovering(), policy: policy)
        let error = SessionMachineTests.refusal {
            _ = try machine.handle(.assessDischarge(request(1, 1)), by: SessionMachineTests.nurse, at: F.at(180))
        }
        #expect(error?.message.contains("modified PADSS total 6 of 8 is below the cutoff 7") == true, "\(error?.message ?? "")")
        let effects = try machine.handle(.assessDischarge(request(2, 1)), by: SessionMachineTests.nurse, at: F.at(180))
        let score = effects.compactMap { effect -> DischargeScore? in if case .discharge(_, let score) = effect { score } else { nil } }.first
        #expect(score?.instrument == .padss && score?.total == 7)
        if case .padss(let padss) = score { #expect(padss.vitalSigns == 2 && padss.intakeOutput == nil) }
    }

    // MARK: - Policy data

    @Test("Seeds: the findings are sourced, the numbers are DESIGN DEFAULTS flagged for review")
    func seeds() {
        let seed = SessionPolicy.seed.intensification
        #expect(seed.triggers.allSatisfy { !$0.provenance.needsReview })
        #expect(seed.bloodPressureEveryMinutes == Sourced(10, .designDefault))
        #expect(seed.sedationEveryMinutes == Sourced(10, .designDefault))
        #expect(seed.extraObservationMinutes == Sourced(60, .designDefault))
        #expect(seed.extraObservationIsHard == Sourced(false, .designDefault))
        #expect(throws: Never.self) { try ClinicPolicy.seed.validate() }
    }

    @Test(
        "Policy validation refuses closer-monitoring settings that make no sense, naming the field",
        arguments: [
            "sessions.intensification.bloodPressureEveryMinutes", "sessions.intensification.sedationEveryMinutes",
            "sessions.intensification.extraObservationMinutes", "sessions.intensification.triggers[1].findingID",
            "sessions.intensification.triggers[0].findingID", "sessions.intensification.triggers[2].key",
            "sessions.intensification.triggers[3].effects",
        ])
    func validation(field: String) {
        var policy = ClinicPolicy.seed
        switch field {
        case "sessions.intensification.bloodPressureEveryMinutes": policy.sessions.intensification.bloodPressureEveryMinutes.value = 0
        case "sessions.intensification.sedationEveryMinutes": policy.sessions.intensification.sedationEveryMinutes.value = 121
        case "sessions.intensification.extraObservationMinutes": policy.sessions.intensification.extraObservationMinutes.value = -1
        case "sessions.intensification.triggers[1].findingID": policy.sessions.intensification.triggers[1].findingID = "maoi-typo"
        case "sessions.intensification.triggers[0].findingID": policy.sessions.intensification.triggers[0].findingID = "rel.nothing"
        case "sessions.intensification.triggers[2].key": policy.sessions.intensification.triggers[2].key = "intensify.maoi"
        default: policy.sessions.intensification.triggers[3].effects = []
        }
        let error = #expect(throws: ValidationError.self) { try policy.validate() }
        #expect(error?.field == field, "\(error?.message ?? "")")
    }

    @Test("A policy stored before intensified monitoring and the PADSS cutoffs existed still loads, with the seeds")
    func oldStoredPolicy() throws {
        // The seed as an existing clinic stored it: without the fields this change adds.
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(ClinicPolicy.seed)) as? [String: Any])
        var sessions = try #require(object["sessions"] as? [String: Any])
        var discharge = try #require(sessions["discharge"] as? [String: Any])
        var padss = try #require(discharge["padss"] as? [String: Any])
        #expect(sessions.removeValue(forKey: "intensification") != nil)
        #expect(discharge.removeValue(forKey: "modifiedPADSSCutoff") != nil)
        #expect(padss.removeValue(forKey: "vitalSigns") != nil)
        discharge["padss"] = padss
        sessions["discharge"] = discharge
        object["sessions"] = sessions
        let old = try JSONSerialization.data(withJSONObject: object)
        let decoded = try JSONDecoder().decode(ClinicPolicy.self, from: old)
        #expect(decoded == ClinicPolicy.seed)
        #expect(decoded.sessions.intensification == .seed)
        #expect(decoded.sessions.discharge.modifiedPADSSCutoff == Sourced(7, .designDefault))
        #expect(decoded.sessions.discharge.padss.vitalSigns == .seed)
    }
}
