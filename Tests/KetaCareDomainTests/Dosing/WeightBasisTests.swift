import Foundation
import KetaCareDomain
import Testing

@Suite("Weight basis, IBW/AdjBW and weight freshness (DOMAIN.md §4.6)")
struct WeightBasisTests {
    typealias F = DosingFixture

    static func policy(_ basis: WeightBasis) -> DosingPolicy {
        var policy = DosingPolicy.seed
        policy.weight.obeseBasis = Sourced(basis, .designDefault)
        return policy
    }

    static func request(weight: String, height: String?, sex: SexAtBirth?) -> DoseRequest {
        var request = F.weightBased(.intravenous, dose: "0.5", weightKg: weight, concentration: "1", minutes: "40")
        request.height = height.map { Centimetres(F.dec($0)) }
        request.sex = sex
        return request
    }

    @Test(
        "Devine IBW",
        arguments: [
            // (height cm, sex, IBW kg): 152.4 cm = 60 in exactly
            ("152.4", SexAtBirth.male, "50"),
            ("152.4", .female, "45.5"),
            ("180", .male, "75"),  // 70.866 in → 50 + 2.3 × 10.866 = 74.99 → 75.0
            ("165", .female, "56.9"),  // 64.961 in → 45.5 + 2.3 × 4.961 = 56.91
            ("177.8", .male, "73"),  // 70 in exactly → 50 + 23
        ])
    func idealWeight(height: String, sex: SexAtBirth, expected: String) {
        #expect(WeightPolicy.seed.idealWeight(height: Centimetres(F.dec(height)), sex: sex) == F.kg(expected))
    }

    @Test("IBW needs male or female", arguments: [SexAtBirth.intersex, .unknown])
    func idealWeightNeedsSex(sex: SexAtBirth) {
        #expect(WeightPolicy.seed.idealWeight(height: 180, sex: sex) == nil)
    }

    @Test("AdjBW = IBW + 0.4 × (ABW − IBW)", arguments: [("120", "75", "93"), ("100", "50", "70"), ("75", "75", "75")])
    func adjustedWeight(actual: String, ideal: String, expected: String) {
        #expect(WeightPolicy.seed.adjustedWeight(actual: F.kg(actual), ideal: F.kg(ideal)) == F.kg(expected))
    }

    @Test(
        "Basis switches only when BMI exceeds the threshold (30 × 1.8² = 97.2 kg at 180 cm)",
        arguments: [
            // (policy basis, weight, expected basis, expected used kg)
            (WeightBasis.actual, "120", WeightBasis.actual, "120"),
            (.ideal, "97.2", .actual, "97.2"),  // BMI exactly 30: not above
            (.ideal, "97.3", .ideal, "75"),
            (.adjusted, "97.2", .actual, "97.2"),
            (.adjusted, "120", .adjusted, "93"),
        ])
    func basisByBMI(basis: WeightBasis, weight: String, expectedBasis: WeightBasis, used: String) throws {
        let result = try DoseCalculator.calculate(Self.request(weight: weight, height: "180", sex: .male), policy: Self.policy(basis))
        let record = try #require(result.weight)
        #expect(record.basis == expectedBasis)
        #expect(record.used == F.kg(used))
        #expect(record.actual == F.kg(weight))
        #expect(result.calculatedDose == F.mgPerKg("0.5") * F.kg(used))
    }

    @Test("BMI is recorded when a height is given")
    func bmiRecorded() throws {
        let result = try DoseCalculator.calculate(Self.request(weight: "81", height: "180", sex: nil), policy: .seed)
        #expect(result.weight?.bmi == KilogramsPerSquareMetre(25))
        #expect(result.weight?.basis == .actual)
    }

    @Test("IBW/AdjBW policy without a height asks for one")
    func missingHeight() {
        #expect(throws: DoseError.self) {
            try DoseCalculator.calculate(Self.request(weight: "120", height: nil, sex: .male), policy: Self.policy(.ideal))
        }
        do {
            _ = try DoseCalculator.calculate(Self.request(weight: "120", height: nil, sex: .male), policy: Self.policy(.ideal))
        } catch {
            #expect(error.field == "height_cm")
            #expect(error.kind == .missing)
        }
    }

    @Test("IBW policy above the threshold without a usable sex asks for it", arguments: [nil, SexAtBirth.unknown])
    func missingSex(sex: SexAtBirth?) {
        do {
            _ = try DoseCalculator.calculate(Self.request(weight: "120", height: "180", sex: sex), policy: Self.policy(.adjusted))
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "sex")
        }
    }

    @Test(
        "Weight age: at most 30 days (DOMAIN.md §4.6)",
        arguments: [
            (0.0, true),
            (29.9, true),
            (30.0, true),
            (30.0 + 1.0 / 86_400, false),
            (45.0, false),
        ])
    func staleWeight(daysOld: Double, accepted: Bool) {
        var request = F.weightBased(.intravenous, dose: "0.5", weightKg: "70", concentration: "1", minutes: "40")
        request.weight = WeightMeasurement(70, measuredAt: F.daysAgo(daysOld))
        do {
            _ = try DoseCalculator.calculate(request, policy: .seed)
            #expect(accepted)
        } catch {
            #expect(!accepted)
            #expect(error.kind == .staleWeight)
            #expect(error.field == "weight_measured_at")
            #expect(error.message.contains("at most 30 days"))
        }
    }

    @Test("A weight measured after the order time is refused")
    func futureWeight() {
        var request = F.weightBased(.intravenous, dose: "0.5", weightKg: "70", concentration: "1", minutes: "40")
        request.weight = WeightMeasurement(70, measuredAt: F.now.addingTimeInterval(60))
        #expect(throws: DoseError.self) { try DoseCalculator.calculate(request, policy: .seed) }
    }

    @Test(
        "Weight change over 10% needs confirmation",
        arguments: [
            ("88", false, true),  // +10.0%: allowed
            ("88.1", false, false),
            ("88.1", true, true),  // confirmed
            ("71.9", false, false),  // −10.1%
            ("72", false, true),
        ])
    func weightChange(newWeight: String, confirmed: Bool, accepted: Bool) {
        var request = F.weightBased(.intravenous, dose: "0.5", weightKg: newWeight, concentration: "1", minutes: "40")
        request.previousWeight = WeightMeasurement(80, measuredAt: F.daysAgo(20))
        request.isWeightChangeConfirmed = confirmed
        do {
            _ = try DoseCalculator.calculate(request, policy: .seed)
            #expect(accepted)
        } catch {
            #expect(!accepted)
            #expect(error.kind == .weightChangeUnconfirmed)
            #expect(error.field == "weight_kg")
        }
    }

    @Test(
        "Implausible weights and heights name their field",
        arguments: [("19.9", "170", "weight_kg"), ("350.1", "170", "weight_kg"), ("70", "99", "height_cm")])
    func plausibility(weight: String, height: String, field: String) {
        do {
            _ = try DoseCalculator.calculate(Self.request(weight: weight, height: height, sex: .female), policy: .seed)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == field)
            #expect(error.kind == .outOfRange)
        }
    }
}
