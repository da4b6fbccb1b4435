import Foundation
import KetaCareDomain
import Testing

@Suite("Physical sanity of every route and model")
struct PKSanityTests {
    typealias F = PKFixture

    static let routes: [(DosingRoute, OrderedDose, Minutes?)] = [
        (.intravenous, .perKilogram(PKFixture.mgPerKg("0.5")), 40),
        (.intramuscular, .perKilogram(PKFixture.mgPerKg("0.5")), nil),
        (.subcutaneous, .perKilogram(PKFixture.mgPerKg("0.5")), nil),
        (.oral, .fixed(150), nil),
        (.sublingual, .fixed(25), nil),
        (.intranasalEsketamine, .fixed(84), nil),
        (.intravenousEsketamine, .fixed(28), 40),
    ]

    @Test("Concentrations are finite and ≥ 0, and zero at time 0 for non-bolus inputs", arguments: routes.map(\.0))
    func nonNegative(route: DosingRoute) throws {
        let (_, dose, minutes) = try #require(Self.routes.first { $0.0 == route })
        let times = F.grid(through: 1_440, step: 1)
        let prediction = try PKPredictor.predict(PKRequest(route: route, dose: dose, weight: 70, infusionDuration: minutes, timesMinutes: times))
        let all = prediction.curve.concentrationsNgPerML + (prediction.metaboliteCurve?.concentrationsNgPerML ?? [])
        #expect(all.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(prediction.curve.concentrationsNgPerML[0] == 0)
        #expect(prediction.peak.concentration.value > 0)
    }

    @Test(
        "Nothing before the first dose: a dose at 30 min leaves the curve exactly 0 until then", arguments: [PKModel.fantaOtto2021, .perezRuixo2021])
    func zeroBeforeDosing(model: PKModel) throws {
        let times = F.grid(through: 60, step: 0.5)
        let administration: PKAdministration =
            model.usesWeight ? .infusion(atMinute: 30, dose: 35, minutes: 40) : .nasalDevice(atMinute: 30, dose: 28, deviceIndex: 0)
        let simulation = try PKSimulator.simulate(model: model, administrations: [administration], weight: 70, timesMinutes: times)
        for (time, value) in zip(times, simulation.parent.concentrationsNgPerML) where time <= 30 {
            #expect(value == 0)
        }
        #expect(simulation.parent.concentrationsNgPerML.last! > 0)
        #expect(simulation.metabolite?.concentrationsNgPerML.first == 0)
    }

    @Test(
        "IV: the peak is at the end of the infusion; rising during, falling after",
        arguments: [PKModel.fantaOtto2021, .domino, .clements250, .hijazi, .simons2022], [20.0, 40, 100])
    func intravenousShape(model: PKModel, minutes: Double) throws {
        let times = F.grid(through: 480, step: 0.25)
        let curve = try F.intravenous(model, weight: 70, minutes: minutes, times: times).parent
        let peak = try #require(curve.peak)
        #expect(peak.minute == minutes)
        let values = curve.concentrationsNgPerML
        for index in 1..<values.count {
            if times[index] <= minutes {
                #expect(values[index] > values[index - 1])
            } else {
                #expect(values[index] < values[index - 1])
            }
        }
    }

    @Test("Extravascular: one rise, one fall", arguments: [DosingRoute.intramuscular, .subcutaneous, .oral, .sublingual])
    func extravascularShape(route: DosingRoute) throws {
        let times = F.grid(through: 720, step: 0.5)
        let curve = try PKPredictor.predict(PKRequest(route: route, dose: .fixed(35), weight: 70, timesMinutes: times)).curve
        let values = curve.concentrationsNgPerML
        let top = try #require(values.indices.max { values[$0] < values[$1] })
        #expect(top > 0 && top < values.count - 1)
        #expect((1...top).allSatisfy { values[$0] >= values[$0 - 1] })
        #expect(((top + 1)..<values.count).allSatisfy { values[$0] <= values[$0 - 1] })
    }

    @Test("Linearity: twice the dose, twice the concentration", arguments: [PKModel.fantaOtto2021, .perezRuixo2021])
    func linearity(model: PKModel) throws {
        let times: [Double] = [10, 40, 90, 300]
        let single = try PKSimulator.simulate(
            model: model, administrations: [.infusion(atMinute: 0, dose: 28, minutes: 40)], weight: 70, timesMinutes: times)
        let double = try PKSimulator.simulate(
            model: model, administrations: [.infusion(atMinute: 0, dose: 56, minutes: 40)], weight: 70, timesMinutes: times)
        for (one, two) in zip(single.parent.concentrationsNgPerML, double.parent.concentrationsNgPerML) {
            #expect(abs(two - 2 * one) <= 1e-9 * two)
        }
    }

    @Test("Mass balance: with fm = 1, norketamine AUC∞ × its clearance equals the dose (±0.5%)")
    func massBalance() throws {
        // Otto's norketamine CL at 70 kg is 57.7 L/h; AUC in ng·min/mL → mg: AUC/1000 (mg·min/L) × CL (L/min).
        let times = F.grid(through: 10_080, step: 1)
        let simulation = try F.intravenous(.fantaOtto2021, perKg: "0.5", weight: 70, times: times)
        let metaboliteArea = try #require(simulation.metabolite).areaUnderCurve
        let formed = metaboliteArea / 1000 * 57.7 / 60
        #expect(abs(formed / 35 - 1) < 0.005)
        // And the parent: AUC∞ × CL = dose.
        let parentArea = simulation.parent.areaUnderCurve
        #expect(abs(parentArea / 1000 * 95.2 / 60 / 35 - 1) < 0.005)
    }

    @Test("Weight scaling follows Otto: V1 × WT/70, CL × (WT/70)^0.75")
    func weightScaling() throws {
        // A bolus's initial concentration is D/V1, so it scales with 1/WT for the same mg.
        let light = try PKSimulator.simulate(
            model: .fantaOtto2021, administrations: [.intravenousBolus(atMinute: 0, dose: 35)], weight: 70, timesMinutes: [0])
        let heavy = try PKSimulator.simulate(
            model: .fantaOtto2021, administrations: [.intravenousBolus(atMinute: 0, dose: 35)], weight: 140, timesMinutes: [0])
        #expect(abs(light.parent.concentrationsNgPerML[0] - 35.0 / 133 * 1000) < 1e-9)
        #expect(abs(heavy.parent.concentrationsNgPerML[0] * 2 - light.parent.concentrationsNgPerML[0]) < 1e-9)
    }

    @Test("Perez-Ruixo covariates move the curve the published way")
    func covariates() throws {
        let times = F.grid(through: 240, step: 0.5)
        let base = try #require(try F.nasalSession(devices: 2, times: times).parent.peak).concentration.value
        let japanese = try #require(try F.nasalSession(devices: 2, times: times, covariates: PKCovariates(isJapanese: true)).parent.peak)
            .concentration.value
        let older = try #require(try F.nasalSession(devices: 2, times: times, covariates: PKCovariates(ageYears: 75)).parent.peak).concentration.value
        let asian = try F.nasalSession(devices: 2, times: times, covariates: PKCovariates(isAsian: true)).parent.areaUnderCurve
        #expect(japanese > base)  // FRn × 1.34
        #expect(older > base)  // lower hepatic flow, less first-pass of the swallowed part
        #expect(asian > (try F.nasalSession(devices: 2, times: times).parent.areaUnderCurve))  // kel × 0.36
        #expect(HepatoPortalEsketamineModel.perezRuixo2021.hepaticFlow(ageYears: 70) == 151 - 21.9)
        #expect(HepatoPortalEsketamineModel.perezRuixo2021.hepaticFlow(ageYears: 60) == 151)
    }
}
