import Foundation
import KetaCareDomain
import Testing

/// One vitals entry and the expected outcome.
struct PlausibilityCase: CustomTestStringConvertible, Sendable {
    let vitals: VitalSigns
    let expected: String?  // the field rejected, or nil when accepted
    let note: String
    var testDescription: String { note }
}

/// One threshold case: a set, an optional baseline, and the alert key and level expected (nil = no alert on that signal).
struct VitalAlertCase: CustomTestStringConvertible, Sendable {
    let vitals: VitalSigns
    let baseline: VitalSigns?
    let signal: String
    let key: String?
    let level: AlertLevel?
    let note: String
    var testDescription: String { note }
}

@Suite("Vital signs: plausibility and the §6.5 alert thresholds")
struct VitalSignsTests {
    typealias F = SessionFixture

    static let plausibility: [PlausibilityCase] = [
        PlausibilityCase(vitals: F.vitals(), expected: nil, note: "normal set accepted"),
        PlausibilityCase(vitals: F.vitals(spo2: 100), expected: nil, note: "SpO2 100 accepted"),
        PlausibilityCase(vitals: F.vitals(spo2: 101), expected: "spo2", note: "SpO2 101 rejected"),
        PlausibilityCase(vitals: F.vitals(spo2: 50), expected: nil, note: "SpO2 50 accepted"),
        PlausibilityCase(vitals: F.vitals(spo2: 49), expected: "spo2", note: "SpO2 49 rejected"),
        PlausibilityCase(vitals: F.vitals(systolic: 300, diastolic: 150), expected: nil, note: "SBP 300 accepted"),
        PlausibilityCase(vitals: F.vitals(systolic: 301), expected: "systolic", note: "SBP 301 rejected"),
        PlausibilityCase(vitals: F.vitals(systolic: 40, diastolic: 20), expected: nil, note: "SBP 40 accepted"),
        PlausibilityCase(vitals: F.vitals(systolic: 39, diastolic: 20), expected: "systolic", note: "SBP 39 rejected"),
        PlausibilityCase(vitals: F.vitals(systolic: -120), expected: "systolic", note: "negative SBP rejected"),
        PlausibilityCase(vitals: F.vitals(diastolic: 19), expected: "diastolic", note: "DBP 19 rejected"),
        PlausibilityCase(vitals: F.vitals(systolic: 250, diastolic: 200), expected: nil, note: "DBP 200 accepted"),
        PlausibilityCase(vitals: F.vitals(systolic: 250, diastolic: 201), expected: "diastolic", note: "DBP 201 rejected"),
        PlausibilityCase(vitals: F.vitals(systolic: 120, diastolic: 119), expected: nil, note: "DBP just below SBP accepted"),
        PlausibilityCase(vitals: F.vitals(systolic: 120, diastolic: 120), expected: "diastolic", note: "DBP equal to SBP rejected"),
        PlausibilityCase(vitals: F.vitals(systolic: 110, diastolic: 130), expected: "diastolic", note: "DBP above SBP rejected"),
        PlausibilityCase(vitals: F.vitals(heartRate: 20), expected: nil, note: "HR 20 accepted"),
        PlausibilityCase(vitals: F.vitals(heartRate: 19), expected: "heart_rate", note: "HR 19 rejected"),
        PlausibilityCase(vitals: F.vitals(heartRate: 250), expected: nil, note: "HR 250 accepted"),
        PlausibilityCase(vitals: F.vitals(heartRate: 251), expected: "heart_rate", note: "HR 251 rejected"),
        PlausibilityCase(vitals: F.vitals(respiratoryRate: 0), expected: nil, note: "RR 0 (apnoea) accepted so it can alert"),
        PlausibilityCase(vitals: F.vitals(respiratoryRate: -1), expected: "respiratory_rate", note: "RR -1 rejected"),
        PlausibilityCase(vitals: F.vitals(respiratoryRate: 80), expected: nil, note: "RR 80 accepted"),
        PlausibilityCase(vitals: F.vitals(respiratoryRate: 81), expected: "respiratory_rate", note: "RR 81 rejected"),
        PlausibilityCase(vitals: F.vitals(temperature: 44), expected: nil, note: "temperature 44 accepted"),
        PlausibilityCase(vitals: F.vitals(temperature: Decimal(string: "44.1")!), expected: "temperature", note: "temperature 44.1 rejected"),
        PlausibilityCase(vitals: F.vitals(temperature: 30), expected: nil, note: "temperature 30 accepted"),
        PlausibilityCase(vitals: F.vitals(temperature: Decimal(string: "29.9")!), expected: "temperature", note: "temperature 29.9 rejected"),
        PlausibilityCase(vitals: F.vitals(temperature: 98), expected: "temperature", note: "Fahrenheit typed as °C rejected"),
    ]

    @Test("Plausibility: accepted or rejected naming the field and its range", arguments: plausibility)
    func plausible(_ c: PlausibilityCase) {
        do {
            let accepted = try c.vitals.validated(F.policy.plausibility)
            #expect(c.expected == nil, "accepted but expected \(c.expected ?? "")")
            #expect(accepted == c.vitals)
        } catch {
            #expect(error.field == c.expected)
            if error.kind == .outOfRange {
                #expect(error.message.contains("must be between"))
            } else {
                #expect(error.kind == .inconsistent)
                #expect(error.message.contains("below systolic"))
            }
        }
    }

    @Test("The SpO2 message names the allowed range")
    func spo2Message() {
        let error = #expect(throws: SessionError.self) { try F.vitals(spo2: 101).validated(F.policy.plausibility) }
        #expect(error?.message == "spo2 must be between 50 and 100 %; got 101 %")
    }

    static let base = F.vitals(systolic: 120, diastolic: 80)
    static let alertCases: [VitalAlertCase] = [
        // SBP warning ≥160, critical ≥180.
        VitalAlertCase(vitals: F.vitals(systolic: 159), baseline: nil, signal: "systolic", key: nil, level: nil, note: "SBP 159 no alert"),
        VitalAlertCase(
            vitals: F.vitals(systolic: 160), baseline: nil, signal: "systolic", key: "alerts.sbp.warning", level: .warning, note: "SBP 160 warning"),
        VitalAlertCase(
            vitals: F.vitals(systolic: 179), baseline: nil, signal: "systolic", key: "alerts.sbp.warning", level: .warning, note: "SBP 179 warning"),
        VitalAlertCase(
            vitals: F.vitals(systolic: 180), baseline: nil, signal: "systolic", key: "alerts.sbp.critical", level: .stopDosing, note: "SBP 180 stop"),
        // DBP warning ≥100, critical ≥110.
        VitalAlertCase(
            vitals: F.vitals(systolic: 150, diastolic: 99), baseline: nil, signal: "diastolic", key: nil, level: nil, note: "DBP 99 no alert"),
        VitalAlertCase(
            vitals: F.vitals(systolic: 150, diastolic: 100), baseline: nil, signal: "diastolic", key: "alerts.dbp.warning", level: .warning,
            note: "DBP 100 warning"),
        VitalAlertCase(
            vitals: F.vitals(systolic: 150, diastolic: 109), baseline: nil, signal: "diastolic", key: "alerts.dbp.warning", level: .warning,
            note: "DBP 109 warning"),
        VitalAlertCase(
            vitals: F.vitals(systolic: 150, diastolic: 110), baseline: nil, signal: "diastolic", key: "alerts.dbp.critical", level: .stopDosing,
            note: "DBP 110 stop"),
        // Rise from pre-dose: SBP +≥40, DBP +≥25.
        VitalAlertCase(vitals: F.vitals(systolic: 159), baseline: base, signal: "systolic_rise", key: nil, level: nil, note: "SBP +39 no alert"),
        VitalAlertCase(
            vitals: F.vitals(systolic: 160), baseline: base, signal: "systolic_rise", key: "alerts.sbp_rise.warning", level: .warning,
            note: "SBP +40 warning"),
        VitalAlertCase(
            vitals: F.vitals(systolic: 160), baseline: nil, signal: "systolic_rise", key: nil, level: nil, note: "no baseline, no rise alert"),
        VitalAlertCase(vitals: F.vitals(diastolic: 104), baseline: base, signal: "diastolic_rise", key: nil, level: nil, note: "DBP +24 no alert"),
        VitalAlertCase(
            vitals: F.vitals(diastolic: 105), baseline: base, signal: "diastolic_rise", key: "alerts.dbp_rise.warning", level: .warning,
            note: "DBP +25 warning"),
        // Heart rate >110 or <50.
        VitalAlertCase(vitals: F.vitals(heartRate: 110), baseline: nil, signal: "heart_rate", key: nil, level: nil, note: "HR 110 no alert"),
        VitalAlertCase(
            vitals: F.vitals(heartRate: 111), baseline: nil, signal: "heart_rate", key: "alerts.hr.high", level: .warning, note: "HR 111 warning"),
        VitalAlertCase(vitals: F.vitals(heartRate: 50), baseline: nil, signal: "heart_rate", key: nil, level: nil, note: "HR 50 no alert"),
        VitalAlertCase(
            vitals: F.vitals(heartRate: 49), baseline: nil, signal: "heart_rate", key: "alerts.hr.low", level: .warning, note: "HR 49 warning"),
        // SpO2 warning <92, critical <90.
        VitalAlertCase(vitals: F.vitals(spo2: 92), baseline: nil, signal: "spo2", key: nil, level: nil, note: "SpO2 92 no alert"),
        VitalAlertCase(
            vitals: F.vitals(spo2: 91), baseline: nil, signal: "spo2", key: "alerts.spo2.warning", level: .warning, note: "SpO2 91 warning"),
        VitalAlertCase(
            vitals: F.vitals(spo2: 90), baseline: nil, signal: "spo2", key: "alerts.spo2.warning", level: .warning, note: "SpO2 90 warning"),
        VitalAlertCase(
            vitals: F.vitals(spo2: 89), baseline: nil, signal: "spo2", key: "alerts.spo2.critical", level: .stopDosing, note: "SpO2 89 stop"),
        // Respiratory rate warning <10, critical <8.
        VitalAlertCase(
            vitals: F.vitals(respiratoryRate: 10), baseline: nil, signal: "respiratory_rate", key: nil, level: nil, note: "RR 10 no alert"),
        VitalAlertCase(
            vitals: F.vitals(respiratoryRate: 9), baseline: nil, signal: "respiratory_rate", key: "alerts.rr.warning", level: .warning,
            note: "RR 9 warning"),
        VitalAlertCase(
            vitals: F.vitals(respiratoryRate: 8), baseline: nil, signal: "respiratory_rate", key: "alerts.rr.warning", level: .warning,
            note: "RR 8 warning"),
        VitalAlertCase(
            vitals: F.vitals(respiratoryRate: 7), baseline: nil, signal: "respiratory_rate", key: "alerts.rr.critical", level: .stopDosing,
            note: "RR 7 stop"),
    ]

    @Test("Each §6.5 threshold, both sides of the boundary", arguments: alertCases)
    func threshold(_ c: VitalAlertCase) {
        let alerts = c.vitals.alerts(F.policy.alerts, baseline: c.baseline)
        let hit = alerts.first { $0.signal == c.signal }
        #expect(hit?.key == c.key)
        #expect(hit?.level == c.level)
        if let hit {
            #expect(!hit.threshold.isEmpty)
            #expect(!hit.action.isEmpty)
        }
    }

    @Test("Only the most severe alert per signal, most severe first, naming the threshold")
    func ordering() throws {
        let alerts = F.vitals(systolic: 185, diastolic: 95, heartRate: 115, spo2: 91).alerts(F.policy.alerts, baseline: Self.base)
        // Ties keep the fixed signal order: absolute signals before rises.
        #expect(alerts.map(\.key) == ["alerts.sbp.critical", "alerts.hr.high", "alerts.spo2.warning", "alerts.sbp_rise.warning"])
        let first = try #require(alerts.first)
        #expect(first.threshold == "systolic ≥ 180 mmHg")
        #expect(first.observed == 185)
        #expect(first.provenance == .designDefault)
    }

    @Test("A normal set raises nothing")
    func normal() {
        #expect(F.vitals().alerts(F.policy.alerts, baseline: F.vitals()).isEmpty)
    }

    @Test("A clinic-edited threshold is what applies")
    func edited() {
        var policy = F.policy
        policy.alerts = policy.alerts.map { threshold in
            var threshold = threshold
            if threshold.key == "alerts.sbp.warning" { threshold.limit = 150 }
            return threshold
        }
        #expect(F.vitals(systolic: 150).alerts(policy.alerts, baseline: nil).first?.key == "alerts.sbp.warning")
        #expect(F.vitals(systolic: 150).alerts(F.policy.alerts, baseline: nil).isEmpty)
    }
}
