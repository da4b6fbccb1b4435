import Foundation
import KetaCareDomain
import Testing

@Suite("Session policy: data, provenance, round-trip")
struct SessionPolicyTests {
    let seed = SessionPolicy.seed

    @Test("The seed round-trips through JSON unchanged")
    func roundTrip() throws {
        let data = try JSONEncoder().encode(seed)
        #expect(try JSONDecoder().decode(SessionPolicy.self, from: data) == seed)
    }

    @Test("A stored policy missing fields decodes with the seed for them")
    func partial() throws {
        let decoded = try JSONDecoder().decode(
            SessionPolicy.self, from: Data(#"{"remsEnabled":{"value":false,"provenance":{"designDefault":{}}}}"#.utf8))
        #expect(decoded.remsEnabled.value == false)
        #expect(decoded.discharge == seed.discharge)
    }

    @Test("Seed values carry the provenance DOMAIN.md gives them")
    func provenance() throws {
        let spravato = try #require(seed.discharge.rule(for: .spravato))
        #expect(spravato.minimumMinutes.value == 120)
        #expect(!spravato.minimumMinutes.provenance.needsReview)
        let iv = try #require(seed.discharge.rule(for: .infusion))
        #expect(iv.minimumMinutes.value == 60)
        #expect(iv.minimumMinutes.provenance == .designDefault)
        #expect(seed.alerts.first { $0.key == "alerts.hr.high" }?.provenance == .unconfirmed)
        #expect(seed.alerts.first { $0.key == "alerts.sbp_rise.warning" }?.provenance.needsReview == false)
        #expect(seed.safetyWatch.thresholds.allSatisfy { $0.provenance == .designDefault })
        #expect(seed.discharge.aldreteCutoff.value == 9)
        #expect(seed.discharge.padssCutoff.value == 9)
    }

    @Test("Every alert key is unique")
    func uniqueKeys() {
        let keys = seed.alerts.map(\.key) + seed.preDose.bloodPressureGate.map(\.key) + seed.assessments.moaasThresholds.map(\.key)
        #expect(Set(keys).count == keys.count)
    }

    @Test("§6.1–6.2: a policy stored before the Spravato oximetry schedule gets the seed's, keeps its own; removing it is refused")
    func labelRequiredSchedules() throws {
        var old = seed.monitoring
        old.schedules.removeAll { $0.profile == .spravato && $0.measurement == .oximetry }
        var custom = try #require(old.schedules.first { $0.profile == .spravato && $0.measurement == .bloodPressure })
        custom.timepoints.append(MonitoringTimepoint(anchor: .dosingStart, minute: 90))
        old.schedules.removeAll { $0.profile == .spravato && $0.measurement == .bloodPressure }
        old.schedules.append(custom)
        let decoded = try JSONDecoder().decode(MonitoringPolicy.self, from: try JSONEncoder().encode(old))
        #expect(decoded.schedule(.spravato, .oximetry) == seed.monitoring.schedule(.spravato, .oximetry))
        #expect(decoded.schedule(.spravato, .bloodPressure) == custom, "the clinic's own schedule is kept")
        var policy = seed
        policy.monitoring = old
        #expect(throws: ValidationError.self) { try policy.validate() }
        do {
            try policy.validate()
        } catch {
            #expect(error.field == "monitoring.schedules")
        }
        #expect(throws: Never.self) { try seed.validate() }
    }
}
