import Foundation
import KetaCareDomain
import Testing

/// Issue #10: discharge reflects the patient and the route's monitoring (DOMAIN.md §6.2, §6.4, §7.1, §7.2).
@Suite("Discharge monitoring: Spravato timepoints and oximetry (§6.2), CADSS and MOAA/S (§6.4), dissociation (§7.1), SpO2 item (§7.2)")
struct DischargeMonitoringTests {
    typealias F = SessionFixture

    static func rating(_ minute: Double, _ score: Int, pre: Bool = false) -> TimedRating {
        TimedRating(at: F.at(minute), score: score, isPreDose: pre)
    }

    /// A Spravato session done by the book, discharged at 125 min.
    static let spravatoComplete = SessionObservations(
        preDoseVitalsAt: F.at(-10), vitalsAt: [15, 30, 41, 55, 70, 85, 100, 115].map(F.at),
        moaas: [rating(-10, 5, pre: true), rating(15, 4), rating(30, 5), rating(45, 5), rating(118, 5)],
        cadss: [rating(-10, 0, pre: true), rating(40, 6), rating(118, 0)])

    static func missing(_ o: SessionObservations, profile: MonitoringProfile = .spravato, now: Double = 125, end: Double = 0) -> [String] {
        o.missingForDischarge(
            profile: profile, dosingStart: F.t0, dosingEnd: F.at(end), now: F.at(now), monitoring: F.policy.monitoring,
            assessments: F.policy.assessments, discharge: F.policy.discharge)
    }

    @Test("A Spravato session monitored by the label misses nothing")
    func complete() { #expect(Self.missing(Self.spravatoComplete).isEmpty) }

    @Test("§6.2: each Spravato BP timepoint and the oximeter throughout are required")
    func spravatoTimepoints() {
        var noPre = Self.spravatoComplete
        noPre.preDoseVitalsAt = nil
        #expect(Self.missing(noPre).contains("BP before the dose (§6.2)"))
        var no40 = Self.spravatoComplete
        no40.vitalsAt = [15, 30, 34, 60, 75, 90, 105, 118].map(F.at)
        #expect(Self.missing(no40).contains("BP at 40 min (§6.2)"))
        var gap = Self.spravatoComplete
        gap.vitalsAt = [15, 41, 55, 70, 85, 100, 115].map(F.at)  // 26 min without a reading after 15
        #expect(Self.missing(gap).contains { $0.hasPrefix("pulse oximetry charted every 15 min throughout (§6.2): a gap of 26 min") })
        #expect(Self.missing(Self.spravatoComplete, now: 140).contains { $0.hasPrefix("BP in the last 15 min") })
    }

    @Test("§6.4: CADSS before, at about 40 min and before discharge; MOAA/S settles twice at the pre-dose value")
    func ratings() {
        var noCADSS40 = Self.spravatoComplete
        noCADSS40.cadss = [Self.rating(-10, 0, pre: true), Self.rating(20, 2), Self.rating(118, 0)]
        #expect(Self.missing(noCADSS40).contains("CADSS at 40 min (§6.4)"))
        var unsettled = Self.spravatoComplete
        unsettled.moaas = [Self.rating(-10, 5, pre: true), Self.rating(30, 4), Self.rating(60, 5), Self.rating(90, 4), Self.rating(118, 5)]
        #expect(Self.missing(unsettled).contains("2 consecutive MOAA/S ratings equal to the pre-dose 5 (§6.4)"))
        // An infusion's "about 40 min" is the end of the infusion.
        let infusion = SessionObservations(
            preDoseVitalsAt: F.at(-5), vitalsAt: [], moaas: [Self.rating(-5, 5, pre: true), Self.rating(45, 5), Self.rating(100, 5)],
            cadss: [Self.rating(-5, 0, pre: true), Self.rating(38, 3), Self.rating(100, 0)])
        #expect(Self.missing(infusion, profile: .infusion, now: 105, end: 50).contains("CADSS at 50 min (§6.4)"))
        #expect(Self.missing(infusion, profile: .infusion, now: 105, end: 40).isEmpty)
    }

    static func assessment(route: DosingRoute, now: Double, cadss: Int?, missing: [String]) throws -> DischargeAssessment {
        DischargeAssessment(
            route: route, dosingStart: F.t0, dosingEnd: F.at(route == .intravenous ? 40 : 0), now: F.at(now), latestVitals: F.vitals(),
            preDoseVitals: F.vitals(), latestMOAAS: 5, preDoseMOAAS: 5, score: try DischargeTests.aldrete(10), hasUnresolvedCriticalAlert: false,
            escortPresent: true, drivingAdviceAcknowledged: true, remsFormComplete: missing.isEmpty, latestCADSS: cadss, preDoseCADSS: 1,
            missingMonitoring: missing)
    }

    @Test("§7.1: discharge waits while CADSS is above its pre-dose value (tolerance is policy)")
    func dissociation() throws {
        let above = try Self.assessment(route: .intravenous, now: 120, cadss: 3, missing: [])
        #expect(try DischargeAssessment.evaluate(above, policy: F.policy).unmet.map(\.criterion) == [.dissociationResolved])
        var policy = F.policy
        policy.discharge.cadssToleranceAbovePreDose = Sourced(2, .designDefault)
        #expect(try DischargeAssessment.evaluate(above, policy: policy).isReady)
        #expect(try DischargeAssessment.evaluate(try Self.assessment(route: .intravenous, now: 120, cadss: 1, missing: []), policy: F.policy).isReady)
    }

    @Test("§6.2: missing Spravato monitoring refuses discharge even with a prescriber's override; for an infusion the override may proceed")
    func spravatoMonitoringIsHard() throws {
        let override = DischargeOverride(by: "dr-1", role: .prescriber, reason: "clinically well", at: F.at(130))
        let spravato = try Self.assessment(route: .intranasalEsketamine, now: 130, cadss: 1, missing: ["BP at 40 min (§6.2)"])
        let decision = try DischargeAssessment.evaluate(spravato, override: override, policy: F.policy)
        #expect(!decision.isReady)
        #expect(decision.unmet.map(\.criterion).contains(.monitoringComplete) && decision.unmet.map(\.criterion).contains(.remsForm))
        let infusion = try Self.assessment(route: .intravenous, now: 130, cadss: 1, missing: ["CADSS at 40 min (§6.4)"])
        #expect(try DischargeAssessment.evaluate(infusion, override: override, policy: F.policy).isReady)
        #expect(!(try DischargeAssessment.evaluate(infusion, policy: F.policy).isReady))
    }

    @Test(
        "§7.2: the Aldrete SpO2 item reads the saturation and whether oxygen was on",
        arguments: [
            (95, false, 2), (93, false, 2), (92, false, 1), (95, true, 1), (91, true, 1), (90, true, 1), (89, true, 0), (89, false, 0),
        ])
    func spo2Item(_ c: (Int, Bool, Int)) {
        #expect(ModifiedAldrete.spo2Item(spo2: c.0, onSupplementalOxygen: c.1) == c.2)
    }
}
