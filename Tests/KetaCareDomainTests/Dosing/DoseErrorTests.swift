import Foundation
import KetaCareDomain
import Testing

@Suite("Dose input errors name the field and what is allowed")
struct DoseErrorTests {
    typealias F = DosingFixture

    static func request(
        _ route: DosingRoute,
        dose: OrderedDose,
        preparation: Preparation? = nil,
        minutes: String? = nil,
        withWeight: Bool = true
    ) -> DoseRequest {
        DoseRequest(
            route: route,
            dose: dose,
            weight: withWeight ? WeightMeasurement(70, measuredAt: F.now) : nil,
            preparation: preparation,
            infusionDuration: minutes.map { F.minutes($0) },
            now: F.now,
            timeZone: F.utc
        )
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let label: String
        let request: DoseRequest
        let kind: DoseError.Kind
        let field: String
        var testDescription: String { label }
    }

    static let cases: [ErrorCase] = [
        ErrorCase(
            label: "mg on a mg/kg product", request: request(.intravenous, dose: .fixed(35), preparation: .concentration(1), minutes: "40"),
            kind: .unitMismatch, field: "dose_mg"),
        ErrorCase(
            label: "mg/kg on a mg product", request: request(.intranasalEsketamine, dose: .perKilogram(1)), kind: .unitMismatch,
            field: "dose_mg_per_kg"),
        ErrorCase(label: "oral ships disabled (§4.5)", request: request(.oral, dose: .fixed(50)), kind: .routeDisabled, field: "route"),
        ErrorCase(label: "sublingual ships disabled (§4.5)", request: request(.sublingual, dose: .fixed(25)), kind: .routeDisabled, field: "route"),
        ErrorCase(
            label: "no library entry for IV esketamine", request: request(.intravenousEsketamine, dose: .fixed(28)), kind: .noLibraryEntry,
            field: "route"),
        ErrorCase(
            label: "zero dose", request: request(.intravenous, dose: .perKilogram(0), preparation: .concentration(1), minutes: "40"),
            kind: .outOfRange, field: "dose_mg_per_kg"),
        ErrorCase(
            label: "no weight",
            request: request(.intravenous, dose: .perKilogram(1), preparation: .concentration(1), minutes: "40", withWeight: false),
            kind: .missing, field: "weight_kg"),
        ErrorCase(
            label: "100 mg/mL undiluted IV (§4.1)",
            request: request(.intravenous, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .concentration(100), minutes: "40"),
            kind: .outOfRange, field: "concentration_mg_per_ml"),
        ErrorCase(
            label: "IV at 50 mg/mL is allowed only up to 50",
            request: request(
                .intravenous, dose: .perKilogram(F.mgPerKg("0.5")),
                preparation: .concentration(F.mgPerMl("50.1")), minutes: "40"), kind: .outOfRange, field: "concentration_mg_per_ml"),
        ErrorCase(
            label: "SC concentration not a stock",
            request: request(.subcutaneous, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .concentration(25)),
            kind: .outOfRange, field: "concentration_mg_per_ml"),
        ErrorCase(
            label: "SC without concentration", request: request(.subcutaneous, dose: .perKilogram(F.mgPerKg("0.5"))),
            kind: .missing, field: "concentration_mg_per_ml"),
        ErrorCase(
            label: "IV without duration", request: request(.intravenous, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .concentration(1)),
            kind: .missing, field: "infusion_min"),
        ErrorCase(
            label: "IV with zero duration",
            request: request(.intravenous, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .concentration(1), minutes: "0"),
            kind: .outOfRange, field: "infusion_min"),
        ErrorCase(
            label: "duration on an injection",
            request: request(.intramuscular, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .concentration(50), minutes: "5"),
            kind: .notApplicable, field: "infusion_min"),
        ErrorCase(
            label: "concentration on a nasal device", request: request(.intranasalEsketamine, dose: .fixed(56), preparation: .concentration(10)),
            kind: .notApplicable, field: "concentration_mg_per_ml"),
        ErrorCase(
            label: "fixed bag on an injection",
            request: request(.subcutaneous, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .fixedBag(stock: 50, diluent: 100)),
            kind: .notApplicable, field: "bag_ml"),
        ErrorCase(
            label: "fixed bag from a non-stock concentration",
            request: request(.intravenous, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .fixedBag(stock: 20, diluent: 100), minutes: "40"),
            kind: .outOfRange, field: "stock_concentration_mg_per_ml"),
        ErrorCase(
            label: "dose too small to draw",
            request: request(.subcutaneous, dose: .perKilogram(F.mgPerKg("0.0001")), preparation: .concentration(100)),
            kind: .outOfRange, field: "concentration_mg_per_ml"),
    ]

    @Test("Each bad input fails with its field", arguments: cases)
    func errors(_ c: ErrorCase) {
        do {
            let result = try DoseCalculator.calculate(c.request, policy: .seed)
            Issue.record("expected \(c.kind) on \(c.field), got \(result.dose)")
        } catch {
            #expect(error.kind == c.kind)
            #expect(error.field == c.field)
            #expect(!error.message.isEmpty)
        }
    }

    @Test("Messages name what is allowed")
    func messages() {
        do {
            _ = try DoseCalculator.calculate(
                Self.request(.subcutaneous, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .concentration(25)), policy: .seed)
        } catch {
            #expect(error.message == "concentration must be one of 10, 50, 100 mg/mL")
        }
        do {
            _ = try DoseCalculator.calculate(
                Self.request(.intravenous, dose: .fixed(35), preparation: .concentration(1), minutes: "40"), policy: .seed)
        } catch {
            #expect(error.message.contains("dosed in mg/kg"))
        }
    }

    @Test("Naming an entry of another route is refused")
    func entryRouteMismatch() {
        var request = Self.request(.intravenous, dose: .perKilogram(F.mgPerKg("0.5")), preparation: .concentration(1), minutes: "40")
        request.entryID = "sc-racemic"
        do {
            _ = try DoseCalculator.calculate(request, policy: .seed)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "entry_id")
        }
    }

    @Test("An enabled oral entry computes a liquid volume when a concentration is given")
    func configuredOral() throws {
        var policy = DosingPolicy.seed
        let index = try #require(policy.library.entries.firstIndex { $0.id == "oral-racemic" })
        policy.library.entries[index].isEnabled = true
        policy.library.entries[index].stockConcentrations = [50]
        policy.library.entries[index].limits = Sourced(DoseLimits(perDoseMg: LimitBand(softMax: 150, hardMax: 300)), .designDefault)
        let plain = try DoseCalculator.calculate(Self.request(.oral, dose: .fixed(100)), policy: policy)
        #expect(plain.volume == nil)
        #expect(plain.dose == 100)
        #expect(plain.check == .within)
        let liquid = try DoseCalculator.calculate(Self.request(.oral, dose: .fixed(200), preparation: .concentration(50)), policy: policy)
        #expect(liquid.volume == 4)
        #expect(liquid.check.status == "soft")
    }
}
