import Foundation
import KetaCareDomain
import Testing

/// A schedule query: minutes are relative to dosing start (t0); `due` nil means nothing more is scheduled.
struct MonitoringDueCase: CustomTestStringConvertible, Sendable {
    let route: DosingRoute
    let measurement: MonitoredMeasurement
    let recorded: [Double]
    let dosingEnd: Double?
    let now: Double
    let due: Double?
    let overdue: Bool
    let note: String
    var testDescription: String { note }
}

@Suite("Monitoring schedules: next set due and overdue (DOMAIN.md §6.2–6.3)")
struct MonitoringScheduleTests {
    typealias F = SessionFixture

    static let cases: [MonitoringDueCase] = [
        // IV (§6.3): BP every 10 min during the infusion, every 15 after.
        MonitoringDueCase(
            route: .intravenous, measurement: .bloodPressure, recorded: [-5], dosingEnd: nil, now: 5, due: 10, overdue: false,
            note: "IV: pre-dose set counts as t0; first set at 10"),
        MonitoringDueCase(
            route: .intravenous, measurement: .bloodPressure, recorded: [-5], dosingEnd: nil, now: 10, due: 10, overdue: false,
            note: "IV: exactly at due is not overdue"),
        MonitoringDueCase(
            route: .intravenous, measurement: .bloodPressure, recorded: [-5], dosingEnd: nil, now: 10.02, due: 10, overdue: true,
            note: "IV: a second past due is overdue"),
        MonitoringDueCase(
            route: .intravenous, measurement: .bloodPressure, recorded: [10, 20, 30], dosingEnd: nil, now: 35, due: 40, overdue: false,
            note: "IV: every 10 during"),
        MonitoringDueCase(
            route: .intravenous, measurement: .bloodPressure, recorded: [10, 20, 30, 40], dosingEnd: 40, now: 41, due: 55, overdue: false,
            note: "IV: a set at infusion end switches to every 15"),
        MonitoringDueCase(
            route: .intravenous, measurement: .bloodPressure, recorded: [10, 20, 30, 40, 55], dosingEnd: 40, now: 71, due: 70, overdue: true,
            note: "IV: after, every 15; overdue"),
        MonitoringDueCase(
            route: .intravenous, measurement: .bloodPressure, recorded: [35], dosingEnd: 40, now: 41, due: 45, overdue: false,
            note: "IV: the in-infusion interval runs until a set after the end"),
        MonitoringDueCase(
            route: .intravenous, measurement: .oximetry, recorded: [5], dosingEnd: nil, now: 6, due: 10, overdue: false,
            note: "IV: oximetry charted every 5 during"),
        MonitoringDueCase(
            route: .intravenous, measurement: .oximetry, recorded: [40], dosingEnd: 40, now: 41, due: 55, overdue: false,
            note: "IV: oximetry every 15 after"),
        MonitoringDueCase(
            route: .intravenous, measurement: .respiratoryRate, recorded: [], dosingEnd: nil, now: 1, due: 15, overdue: false,
            note: "IV: RR every 15 throughout"),
        // SC/IM (§6.3): every 15 for the first hour after the dose, then every 30.
        MonitoringDueCase(
            route: .subcutaneous, measurement: .bloodPressure, recorded: [], dosingEnd: 0, now: 1, due: 15, overdue: false,
            note: "SC: first set at 15"),
        MonitoringDueCase(
            route: .subcutaneous, measurement: .bloodPressure, recorded: [45], dosingEnd: 0, now: 50, due: 60, overdue: false,
            note: "SC: still every 15 at 45"),
        MonitoringDueCase(
            route: .intramuscular, measurement: .bloodPressure, recorded: [60], dosingEnd: 0, now: 61, due: 90, overdue: false,
            note: "IM: from 60 every 30"),
        MonitoringDueCase(
            route: .intramuscular, measurement: .bloodPressure, recorded: [59], dosingEnd: 0, now: 75, due: 74, overdue: true,
            note: "IM: at 59 the 15-min window still rules"),
        // Spravato (§6.2): BP at about 40 min after dosing, then as clinically warranted.
        MonitoringDueCase(
            route: .intranasalEsketamine, measurement: .bloodPressure, recorded: [-5], dosingEnd: 10, now: 20, due: 40, overdue: false,
            note: "Spravato: the 40-min BP"),
        MonitoringDueCase(
            route: .intranasalEsketamine, measurement: .bloodPressure, recorded: [-5], dosingEnd: 10, now: 40, due: 40, overdue: false,
            note: "Spravato: at 40 not yet overdue"),
        MonitoringDueCase(
            route: .intranasalEsketamine, measurement: .bloodPressure, recorded: [-5], dosingEnd: 10, now: 40.5, due: 40, overdue: true,
            note: "Spravato: past 40 overdue"),
        MonitoringDueCase(
            route: .intranasalEsketamine, measurement: .bloodPressure, recorded: [-5, 35], dosingEnd: 10, now: 50, due: nil, overdue: false,
            note: "Spravato: a set 5 min early satisfies the timepoint"),
        MonitoringDueCase(
            route: .intranasalEsketamine, measurement: .bloodPressure, recorded: [-5, 34.9], dosingEnd: 10, now: 36, due: 40, overdue: false,
            note: "Spravato: a set more than 5 min early does not"),
    ]

    @Test("Due and overdue, both sides of each boundary", arguments: cases)
    func due(_ c: MonitoringDueCase) {
        let result = F.policy.monitoring.nextDue(
            route: c.route, measurement: c.measurement, recorded: c.recorded.map(F.at), dosingStart: F.t0, dosingEnd: c.dosingEnd.map(F.at),
            now: F.at(c.now))
        #expect(result?.dueAt == c.due.map(F.at))
        #expect((result?.isOverdue ?? false) == c.overdue)
        if let result, let due = c.due { #expect(abs(result.secondsRemaining - (due - c.now) * 60) < 0.001) }
    }

    @Test("DOMAIN.md §6.1–6.2: Spravato pulse oximetry is charted throughout, every 15 min by default, and falls overdue")
    func spravatoOximetry() {
        let first = F.policy.monitoring.nextDue(
            route: .intranasalEsketamine, measurement: .oximetry, recorded: [], dosingStart: F.t0, dosingEnd: nil, now: F.t0)
        #expect(first?.dueAt == F.at(15))
        let late = F.policy.monitoring.nextDue(
            route: .intranasalEsketamine, measurement: .oximetry, recorded: [F.at(15), F.at(30)], dosingStart: F.t0, dosingEnd: F.t0,
            now: F.at(50))
        #expect(late?.dueAt == F.at(45))
        #expect(late?.isOverdue == true)
    }

    @Test("The overdue grace period is policy")
    func grace() throws {
        var policy = F.policy.monitoring
        policy.overdueGraceMinutes = Sourced(2, .designDefault)
        let args = (recorded: [F.at(-5)], start: F.t0)
        let atTwo = try #require(
            policy.nextDue(
                route: .intravenous, measurement: .bloodPressure, recorded: args.recorded, dosingStart: args.start, dosingEnd: nil, now: F.at(12)))
        #expect(!atTwo.isOverdue)
        let past = try #require(
            policy.nextDue(
                route: .intravenous, measurement: .bloodPressure, recorded: args.recorded, dosingStart: args.start, dosingEnd: nil, now: F.at(12.02)))
        #expect(past.isOverdue)
    }

    @Test(
        "Routes map to profiles",
        arguments: [
            (DosingRoute.intravenous, MonitoringProfile.infusion), (.intravenousEsketamine, .infusion), (.subcutaneous, .injection),
            (.intramuscular, .injection), (.oral, .injection), (.sublingual, .injection), (.intranasalEsketamine, .spravato),
        ])
    func profiles(route: DosingRoute, profile: MonitoringProfile) {
        #expect(MonitoringProfile(route: route) == profile)
    }
}
