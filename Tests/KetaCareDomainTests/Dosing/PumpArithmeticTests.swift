import Foundation
import KetaCareDomain
import Testing

@Suite("Pump-rate and volume arithmetic (DOMAIN.md §4.7 worked examples)")
struct PumpArithmeticTests {
    typealias F = DosingFixture
    let policy = DosingPolicy.seed

    @Test("§4.7 worked example: 70 kg, 0.5 mg/kg, 1 mg/mL, 40 min → 35 mg, 35 mL, 52.5 mL/h, 0.75 mg/kg/h")
    func workedExample() throws {
        let result = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.5", weightKg: "70", concentration: "1", minutes: "40"), policy: policy)
        #expect(result.calculatedDose == 35)
        #expect(result.dose == 35)
        #expect(result.volume == 35)
        let infusion = try #require(result.infusion)
        #expect(infusion.rate == MillilitresPerHour(F.dec("52.5")))
        #expect(infusion.ratePerKilogram == MilligramsPerKilogramPerHour(F.dec("0.75")))
        #expect(infusion.actualDuration == 40)
        #expect(result.check == .within)
    }

    @Test("CLI example: 82 kg, 0.5 mg/kg, 10 mg/mL, 40 min → 41.0 mg, 4.1 mL, 6.2 mL/h (6.15 half-up), pump stops at 39.7 min")
    func cliExample() throws {
        let result = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.5", weightKg: "82", concentration: "10", minutes: "40"), policy: policy)
        #expect(result.dose == 41)
        #expect(result.dose.formatted(places: 1) == "41.0 mg")
        #expect(result.volume == F.ml("4.1"))
        let infusion = try #require(result.infusion)
        #expect(infusion.rate == MillilitresPerHour(F.dec("6.2")))
        #expect(infusion.volumeToBeInfused == F.ml("4.1"))
        #expect(infusion.actualDuration == F.minutes("39.7"))  // 4.1 mL ÷ 6.2 mL/h = 39.68 min
        #expect(infusion.ratePerKilogram == MilligramsPerKilogramPerHour(F.dec("0.75")))
    }

    @Test("§4.7 fixed bag: 35 mg in 100 mL over 40 min → 150 mL/h at 0.35 mg/mL when drug volume is not added")
    func fixedBagExcludingDrugVolume() throws {
        var policy = self.policy
        policy.fixedBag.includesDrugVolume = Sourced(false, .designDefault)
        var request = F.weightBased(.intravenous, dose: "0.5", weightKg: "70", minutes: "40")
        request.preparation = .fixedBag(stock: 50, diluent: 100)
        let result = try DoseCalculator.calculate(request, policy: policy)
        let infusion = try #require(result.infusion)
        let bag = try #require(infusion.bag)
        #expect(result.volume == F.ml("0.7"))  // drawn from 50 mg/mL stock
        #expect(bag.totalVolume == 100)
        #expect(bag.finalConcentration == F.mgPerMl("0.35"))
        #expect(infusion.rate == 150)
        #expect(result.dose == 35)
    }

    @Test("§4.7 fixed bag, DESIGN DEFAULT include drug volume: 0.7 mL of 50 mg/mL → 100.7 mL, 151.05 → 151.1 mL/h")
    func fixedBagIncludingDrugVolume() throws {
        var request = F.weightBased(.intravenous, dose: "0.5", weightKg: "70", minutes: "40")
        request.preparation = .fixedBag(stock: 50, diluent: 100)
        let result = try DoseCalculator.calculate(request, policy: policy)
        let infusion = try #require(result.infusion)
        let bag = try #require(infusion.bag)
        #expect(bag.includesDrugVolume)
        #expect(bag.totalVolume == F.ml("100.7"))
        #expect(infusion.rate == MillilitresPerHour(F.dec("151.1")))
        #expect(bag.finalConcentration == F.mgPerMl("0.348"))  // 35 ÷ 100.7 = 0.34757…
        #expect(infusion.actualDuration == F.minutes("40"))  // 100.7 ÷ 151.1 × 60 = 39.987 → 40.0
    }

    @Test("§4.2 SC example: 70 kg × 0.5 mg/kg = 35 mg; at 50 mg/mL this is 0.7 mL (0.01 mL steps under 1 mL)")
    func subcutaneousExample() throws {
        let result = try DoseCalculator.calculate(F.weightBased(.subcutaneous, dose: "0.5", weightKg: "70", concentration: "50"), policy: policy)
        #expect(result.dose == 35)
        #expect(result.volume == F.ml("0.7"))
        #expect(result.infusion == nil)
        #expect(result.check == .within)
    }

    @Test(
        "Volume steps: 0.01 mL under 1 mL, 0.1 mL from 1 mL; the displayed dose is what the rounded volume delivers",
        arguments: [
            // (weight kg, concentration, expected volume, expected delivered mg)
            ("71.3", "50", "0.71", "35.5"),  // 35.65 mg → 0.713 mL → 0.71 mL → 35.5 mg
            ("73", "10", "3.7", "37"),  // 36.5 mg → 3.65 mL → 3.7 mL (half-up) → 37.0 mg
            ("72.9", "10", "3.6", "36"),  // 36.45 mg → 3.645 → 3.6 mL → 36.0 mg
            ("99.9", "50", "1", "50"),  // 49.95 mg → 0.999 mL (under 1 mL: 0.01 steps) → 1.00 mL
            ("100", "50", "1", "50"),
        ])
    func volumeSteps(weight: String, concentration: String, volume: String, delivered: String) throws {
        let result = try DoseCalculator.calculate(
            F.weightBased(.subcutaneous, dose: "0.5", weightKg: weight, concentration: concentration), policy: policy)
        #expect(result.volume == F.ml(volume))
        #expect(result.dose == F.mg(delivered))
        #expect(result.calculatedDose == F.mgPerKg("0.5") * F.kg(weight))
    }

    @Test("IV weight cap: 160 kg is dosed at 150 kg (DOMAIN.md §4.8)")
    func weightCap() throws {
        let result = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.5", weightKg: "160", concentration: "1", minutes: "40"), policy: policy)
        let weight = try #require(result.weight)
        #expect(weight.isCapped)
        #expect(weight.used == 150)
        #expect(weight.actual == 160)
        #expect(result.dose == 75)
        #expect(result.infusion?.rate == MillilitresPerHour(F.dec("112.5")))
    }

    @Test("No cap at exactly 150 kg")
    func capBoundary() throws {
        let result = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.5", weightKg: "150", concentration: "1", minutes: "40"), policy: policy)
        #expect(result.weight?.isCapped == false)
        #expect(result.dose == 75)
    }

    @Test(
        "Esketamine devices (DOMAIN.md §4.4): 28 → 1, 56 → 2, 84 → 3, 5 min apart",
        arguments: [
            (28, 1, [0]),
            (56, 2, [0, 5]),
            (84, 3, [0, 5, 10]),
        ])
    func devices(dose: Int, count: Int, offsets: [Int]) throws {
        let prior = F.prior(.esketamine, mg: 56, daysAgo: 4, session: "earlier")
        let result = try DoseCalculator.calculate(
            F.esketamine(mg: dose, entryID: "intranasal-esketamine-eu", ageYears: 40, priorDoses: [prior]), policy: policy)
        let devices = try #require(result.devices)
        #expect(devices.count == count)
        #expect(devices.offsets == offsets.map { Minutes($0) })
        #expect(devices.minutesBetweenDevices == 5)
        #expect(result.volume == nil)
        #expect(result.infusion == nil)
        #expect(result.check == .within)
    }
}
