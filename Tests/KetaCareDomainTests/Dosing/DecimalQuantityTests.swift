import Foundation
import KetaCareDomain
import Testing

@Suite("Typed dose units and decimal rounding (DOMAIN.md §4.7)")
struct DecimalQuantityTests {
    typealias F = DosingFixture

    @Test(
        "mg/kg × kg is exact mg",
        arguments: [
            ("0.5", "82", "41"),
            ("0.5", "70", "35"),
            ("0.1", "3", "0.3"),
            ("0.75", "71.3", "53.475"),
            ("1.0", "150", "150"),
        ])
    func doseIsExact(perKg: String, weight: String, expected: String) {
        let dose: Milligrams = F.mgPerKg(perKg) * F.kg(weight)
        #expect(dose == F.mg(expected))
        #expect(dose.formatted(places: 1) == F.mg(expected).formatted(places: 1))
    }

    @Test("0.5 mg/kg × 82 kg displays as 41.0 mg")
    func workedDisplay() {
        #expect((F.mgPerKg("0.5") * F.kg("82")).formatted(places: 1) == "41.0 mg")
        #expect((F.mgPerKg("0.1") * F.kg("3")).value == F.dec("0.3"))  // 0.1 × 3 is not 0.30000000000000004
    }

    @Test(
        "Cross-unit relations",
        arguments: [
            // (dose mg, concentration mg/mL, expected mL)
            ("35", "50", "0.7"),
            ("35", "1", "35"),
            ("41", "10", "4.1"),
        ])
    func volume(dose: String, concentration: String, expected: String) {
        #expect(F.mg(dose) / F.mgPerMl(concentration) == F.ml(expected))
        #expect(F.ml(expected) * F.mgPerMl(concentration) == F.mg(dose))
    }

    @Test("Rate uses volume × 60 ÷ minutes, so no repeating 40/60 creeps in")
    func rate() {
        #expect(F.ml("35") / F.minutes("40") == MillilitresPerHour(F.dec("52.5")))
        #expect(F.mgPerKg("0.5") / F.minutes("40") == MilligramsPerKilogramPerHour(F.dec("0.75")))
        #expect(F.ml("4.1") / MillilitresPerHour(F.dec("6.2")) == Minutes(F.dec("4.1") * 60 / F.dec("6.2")))
        #expect(MillilitresPerHour(F.dec("52.5")) * F.mgPerMl("1") == MilligramsPerHour(F.dec("52.5")))
    }

    @Test(
        "Rounding rules",
        arguments: [
            ("6.15", "0.1", RoundingMode.halfUp, "6.2"),
            ("6.15", "0.1", .halfEven, "6.2"),
            ("6.25", "0.1", .halfEven, "6.2"),
            ("6.25", "0.1", .halfUp, "6.3"),
            ("6.19", "0.1", .down, "6.1"),
            ("6.11", "0.1", .up, "6.2"),
            ("0.713", "0.01", .halfUp, "0.71"),
            ("0.715", "0.01", .halfUp, "0.72"),
            ("151.05", "0.1", .halfUp, "151.1"),
            ("-2.25", "0.1", .halfUp, "-2.3"),
            ("7", "0.5", .halfUp, "7"),
            ("7.3", "0.5", .halfUp, "7.5"),
        ])
    func rounding(value: String, step: String, mode: RoundingMode, expected: String) {
        #expect(RoundingRule(step: F.dec(step), mode: mode).apply(to: F.dec(value)) == F.dec(expected))
    }

    @Test("Rule places", arguments: [("0.1", 1), ("0.01", 2), ("1", 0), ("0.001", 3), ("0.5", 1)])
    func places(step: String, expected: Int) {
        #expect(RoundingRule(step: F.dec(step)).places == expected)
    }

    @Test(
        "Fixed-decimal formatting is locale-free and pads",
        arguments: [
            ("41", 1, "41.0 mg"),
            ("0.7", 2, "0.70 mg"),
            ("52.45", 1, "52.5 mg"),
            ("0.05", 1, "0.1 mg"),
            ("0", 2, "0.00 mg"),
            ("123.456", 0, "123 mg"),
            ("-1.25", 1, "-1.3 mg"),
        ])
    func formatting(value: String, places: Int, expected: String) {
        #expect(F.mg(value).formatted(places: places) == expected)
    }

    @Test("Centimetres convert to inches exactly at 2.54")
    func inches() {
        #expect(Centimetres(F.dec("152.4")).inches == 60)
        #expect(Centimetres(F.dec("2.54")).inches == 1)
    }

    @Test("Quantities encode as bare JSON numbers and decode back")
    func codable() throws {
        let encoded = try JSONEncoder().encode([F.mgPerKg("0.75")])
        #expect(String(decoding: encoded, as: UTF8.self) == "[0.75]")
        let decoded = try JSONDecoder().decode([MilligramsPerKilogram].self, from: encoded)
        #expect(decoded == [F.mgPerKg("0.75")])
    }

    @Test("Parsing text", arguments: [("0.5", true), ("abc", false), ("82", true)])
    func parsing(text: String, parses: Bool) {
        #expect((Kilograms(text) != nil) == parses)
    }
}
