import Foundation
import KetaCareDomain
import Testing

// Tolerances (stated per test):
// - Figures PK.md computed from the models themselves (default IV curve, §1.3 head-to-head, §2.4 reproduction) are
//   implementation checks. They are printed to 2–4 significant figures, so we require agreement within half a unit of
//   the last printed digit (158 → ±0.5, 7.7 → ±0.05): we reproduce every one to its printed precision. Peak times in
//   PK.md are whole minutes from a 1-min grid; ours come from a 0.25-min grid, so we allow ±1 min.
// - Perez-Ruixo 2021 Table 4 (the paper's own simulation): within 0.5% (we reach 0.2–0.4%; PK.md's reference
//   implementation reached <1%). The residual is the paper's unreported simulation details (grid, rounding of Table 3).
// - Observed data (Zanos 2018 ranges, label Tmax, Rolan 2014 Tmax range, Otto 2021 digitised norketamine) are independent
//   judgements of the model, so we only require the prediction to fall inside the published range (or ±15% for a
//   digitised point).

@Suite("PK figures quoted in PK.md")
struct PKReferenceTests {
    typealias F = PKFixture

    @Test(
        "PK.md §0 default IV curve: Fanta/Otto, 70 kg, 0.5 mg/kg over 40 min (± half a printed unit)",
        arguments: [
            (10.0, "56"), (20, "98"), (30, "131"), (40, "158"), (60, "104"), (80, "79"), (120, "55"), (180, "37"), (240, "25"), (360, "13"),
            (480, "7.7"), (720, "3.8"),
        ])
    func defaultIVCurve(minute: Double, printed: String) throws {
        let value = try F.intravenous(.fantaOtto2021, weight: 70, times: [minute]).parent.concentrationsNgPerML[0]
        #expect(abs(value - Double(printed)!) <= F.halfUnit(printed), "\(minute) min: \(value)")
    }

    @Test(
        "PK.md §1.3 head-to-head, 75 kg, 0.5 mg/kg over 40 min, at 40/80/110/230 min (± half a printed unit)",
        arguments: [
            (PKModel.domino, ["240", "46", "38", "18"]),
            (.clements250, ["177", "85", "63", "36"]),
            (.hijazi, ["225", "46", "17", "4.7"]),
            (.fantaOtto2021, ["161", "82", "62", "27"]),
            (.simons2022, ["292", "64", "43", "21"]),
            (.perezRuixo2021, ["134", "70", "48", "20"]),
        ])
    func headToHead(model: PKModel, printed: [String]) throws {
        let times = [40.0, 80, 110, 230]
        let values: [Double]
        if model.usesWeight {
            values = try F.intravenous(model, weight: 75, times: times).parent.concentrationsNgPerML
        } else {
            // Perez-Ruixo has no weight effect: the 75 kg dose is 37.5 mg.
            values = try PKSimulator.simulate(
                model: model, administrations: [.infusion(atMinute: 0, dose: Milligrams("37.5")!, minutes: 40)], weight: nil, timesMinutes: times
            ).parent.concentrationsNgPerML
        }
        for (value, text) in zip(values, printed) {
            #expect(abs(value - Double(text)!) <= F.halfUnit(text), "\(model.id): \(value) vs \(text)")
        }
    }

    @Test("PK.md §0 sensitivity: CL 79 L/h (Kamp 2020) gives 163 / 63 / 32 at 40 / 120 / 240 min")
    func kampClearance() throws {
        var model = PKModel.fantaOtto2021
        guard case .mammillary(var mammillary) = model.structure, case .clearances(var parameters) = mammillary.parameters else {
            Issue.record("Fanta/Otto is a clearance-parameterised mammillary model")
            return
        }
        parameters.clearance = 79
        mammillary.parameters = .clearances(parameters)
        model.structure = .mammillary(mammillary)
        let values = try F.intravenous(model, weight: 70, times: [40, 120, 240]).parent.concentrationsNgPerML
        for (value, printed) in zip(values, ["163", "63", "32"]) {
            #expect(abs(value - Double(printed)!) <= F.halfUnit(printed))
        }
    }

    @Test(
        "PK.md §2.4 Spravato sessions vs the reference implementation and Perez-Ruixo Table 4",
        arguments: [
            // (devices, PK.md Cmax, PK.md Tmax, PK.md AUC0-24, Table 4 Cmax, Table 4 AUC0-24)
            (1, "43.9", 36.0, "146.9", 43.8, 147.3),
            (2, "72.6", 41.0, "253.8", 72.5, 254.7),
            (3, "101.2", 44.0, "360.6", 101.0, 362.2),
        ])
    func spravato(devices: Int, cmax: String, tmax: Double, auc: String, paperCmax: Double, paperAUC: Double) throws {
        let curve = try F.nasalSession(devices: devices, times: F.grid(through: 1_440, step: 0.25)).parent
        let peak = try #require(curve.peak)
        let areaHours = curve.areaUnderCurve / 60
        #expect(abs(peak.concentration.value - Double(cmax)!) <= F.halfUnit(cmax))
        #expect(abs(peak.minute - tmax) <= 1)
        // AUC: half a printed unit plus 0.1% for the integration grid (trapezoids on 15-s steps).
        #expect(abs(areaHours - Double(auc)!) <= F.halfUnit(auc) + 0.001 * areaHours)
        #expect(abs(peak.concentration.value / paperCmax - 1) < 0.005)
        #expect(abs(areaHours / paperAUC - 1) < 0.005)
    }

    @Test("PK.md §2.4 simulated 84 mg curve: 58 / 25 / 9.9 / 2.0 ng/mL at 2 / 4 / 8 / 24 h")
    func spravatoTail() throws {
        let values = try F.nasalSession(devices: 3, times: [120, 240, 480, 1_440]).parent.concentrationsNgPerML
        for (value, printed) in zip(values, ["58", "25", "9.9", "2.0"]) {
            #expect(abs(value - Double(printed)!) <= F.halfUnit(printed), "\(value) vs \(printed)")
        }
    }

    @Test("PK.md §2.4 esketamine IV 28 mg over 40 min: 100 / 70 / 32 / 14 at 40 / 60 / 120 / 240 min")
    func esketamineIntravenous() throws {
        let values = try PKSimulator.simulate(
            model: .perezRuixo2021, administrations: [.infusion(atMinute: 0, dose: 28, minutes: 40)], weight: nil, timesMinutes: [40, 60, 120, 240]
        ).parent.concentrationsNgPerML
        for (value, printed) in zip(values, ["100", "70", "32", "14"]) {
            #expect(abs(value - Double(printed)!) <= F.halfUnit(printed))
        }
    }

    @Test("PK.md §2.4 esketamine PO 84 mg: Cmax 26 ng/mL at 87 min")
    func esketamineOral() throws {
        let curve = try PKSimulator.simulate(
            model: .perezRuixo2021, administrations: [.oralSolution(atMinute: 0, dose: 84)], weight: nil,
            timesMinutes: F.grid(through: 600, step: 0.25)
        ).parent
        let peak = try #require(curve.peak)
        #expect(abs(peak.concentration.value - 26) <= 0.5)
        #expect(abs(peak.minute - 87) <= 1)
    }

    @Test("PK.md §2.4 derived: E = 0.72, systemic CL ≈ 109 L/h, F_po = 0.178")
    func perezRuixoDerived() {
        let model = HepatoPortalEsketamineModel.perezRuixo2021
        #expect(abs(model.hepaticExtraction() - 0.72) <= 0.005)
        #expect(abs(model.systemicClearance() - 109) <= 0.5)
        #expect(abs(model.oralBioavailability() - 0.178) <= 0.0005)
    }

    @Test("Absolute nasal F from simulated AUC∞ ratios matches the abstract: 54% (56 mg) and 51% (84 mg), ±1 point")
    func nasalBioavailability() throws {
        // AUC to 14 days (terminal t½ 7–12 h leaves < 0.1% beyond), nasal vs the same dose IV.
        let times = F.grid(through: 20_160, step: 2)
        for (devices, expected) in [(2, 0.54), (3, 0.51)] {
            let dose = Milligrams(28 * devices)
            let nasal = try F.nasalSession(devices: devices, times: times).parent.areaUnderCurve
            let intravenous = try PKSimulator.simulate(
                model: .perezRuixo2021, administrations: [.intravenousBolus(atMinute: 0, dose: dose)], weight: nil, timesMinutes: times
            ).parent.areaUnderCurve
            #expect(abs(nasal / intravenous - expected) <= 0.01, "\(devices) devices: F = \(nasal / intravenous)")
        }
    }

    @Test("PK.md §0 placeholders: IM 0.5 mg/kg at 70 kg peaks ≈144 ng/mL at ≈18 min; SC Tmax ≈28 min")
    func extravascularPlaceholders() throws {
        let intramuscular = try PKPredictor.predict(
            PKRequest(route: .intramuscular, dose: .perKilogram(F.mgPerKg("0.5")), weight: 70, timesMinutes: [0]))
        #expect(abs(intramuscular.peak.concentration.value - 144) <= 0.5)
        #expect(abs(intramuscular.peak.minute - 18) <= 1)
        let subcutaneous = try PKPredictor.predict(
            PKRequest(route: .subcutaneous, dose: .perKilogram(F.mgPerKg("0.5")), weight: 70, timesMinutes: [0]))
        #expect(abs(subcutaneous.peak.minute - 28) <= 1)
    }

    // MARK: - Observed data (independent of the models)

    @Test("Krystal 1994 (Zanos 2018 Table 1): 0.5 mg/kg over 40 min gives a peak of 100–250 ng/mL")
    func krystalRange() throws {
        for weight in [60, 70, 90] {
            let peak = try #require(try F.intravenous(.fantaOtto2021, weight: weight, times: F.grid(through: 120, step: 0.25)).parent.peak)
            #expect((100...250).contains(peak.concentration.value))
        }
    }

    @Test("Spravato label: Tmax 20–40 min after the last spray", arguments: [1, 2, 3])
    func spravatoTmax(devices: Int) throws {
        let peak = try #require(try F.nasalSession(devices: devices, times: F.grid(through: 240, step: 0.25)).parent.peak)
        let afterLast = peak.minute - Double(devices - 1) * 5
        #expect((20...40).contains(afterLast))
    }

    @Test("Rolan 2014: sublingual Tmax median 0.75 h, range 0.25–1.0 h (ours ≈40 min with ka 0.03 /min [A])")
    func sublingualTmax() throws {
        let prediction = try PKPredictor.predict(PKRequest(route: .sublingual, dose: .fixed(25), weight: 70, timesMinutes: [0]))
        #expect((15...60).contains(prediction.peak.minute))
    }

    @Test("Otto 2021 (digitised): norketamine peaks ≈1 h after a 30-min 10 mg infusion at ≈23 µg/L (±15%)")
    func norketamine() throws {
        let simulation = try PKSimulator.simulate(
            model: .fantaOtto2021, administrations: [.infusion(atMinute: 0, dose: 10, minutes: 30)], weight: 70,
            timesMinutes: F.grid(through: 300, step: 0.25)
        )
        let peak = try #require(simulation.metabolite?.peak)
        #expect(abs(peak.concentration.value / 23 - 1) <= 0.15)
        #expect((60...120).contains(peak.minute))
    }
}
