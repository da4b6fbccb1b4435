import Foundation
import KetaCareDomain
import Testing

@Suite("PK predictions and the `ketacare pk` report")
struct PKPredictorTests {
    typealias F = PKFixture

    static let cliRequest = PKRequest(
        route: .intravenous, dose: .perKilogram(PKFixture.mgPerKg("0.5")), weight: 70, infusionDuration: 40, timesMinutes: [20, 40, 60, 120]
    )

    @Test("CLI example: iv 0.5 mg/kg, 70 kg, 40 min, at 20/40/60/120 → 98 / 158 / 104 / 55, peak 158 at 40 min")
    func cliExample() throws {
        let prediction = try PKPredictor.predict(Self.cliRequest)
        #expect(prediction.model.id == "fanta-otto-2021")
        let printed = ["98", "158", "104", "55"]
        for (value, text) in zip(prediction.curve.concentrationsNgPerML, printed) {
            #expect(abs(value - Double(text)!) <= F.halfUnit(text))
        }
        #expect(prediction.peak.minute == 40)
        #expect(abs(prediction.peak.concentration.value - 158) <= 0.5)
        #expect(prediction.metaboliteCurve?.analyte == "norketamine")
        #expect(prediction.dose == 35)
    }

    @Test("Report JSON: times and concentrations have the same length; peak, model and metabolite keys present")
    func reportJSON() throws {
        let report = PKReport(try PKPredictor.predict(Self.cliRequest))
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let times = try #require(object["times_min"] as? [Double])
        let values = try #require(object["concentration_ng_per_ml"] as? [Double])
        #expect(times == [20, 40, 60, 120])
        #expect(values.count == times.count)
        #expect(object["peak_ng_per_ml"] as? Double == 158)
        #expect(object["peak_min"] as? Double == 40)
        #expect(object["model"] as? String == "fanta-otto-2021")
        #expect((object["model_name"] as? String)?.contains("Fanta") == true)
        #expect((object["metabolite_ng_per_ml"] as? [Double])?.count == 4)
        #expect(object["below_level"] is NSNull)
        #expect(report.summary.contains("Peak 158 ng/mL at 40 min"))
    }

    @Test("Intranasal esketamine --dose-mg 84 → three devices, Perez-Ruixo, noresketamine shown")
    func esketamine() throws {
        let prediction = try PKPredictor.predict(PKRequest(route: .intranasalEsketamine, dose: .fixed(84), timesMinutes: [40, 120]))
        #expect(prediction.model.id == "perez-ruixo-2021")
        #expect(abs(prediction.peak.concentration.value - 101.2) <= 0.05)
        #expect(prediction.metaboliteCurve?.analyte == "noresketamine")
        let report = PKReport(prediction)
        #expect(report.placeholders.isEmpty)
    }

    @Test(
        "Extravascular reports flag placeholder parameters",
        arguments: [
            (DosingRoute.intramuscular, ["ka = 0.1 /min"]),
            (.subcutaneous, ["F = 0.9", "ka = 0.05 /min"]),
            (.sublingual, ["ka = 0.03 /min"]),
        ])
    func placeholders(route: DosingRoute, expected: [String]) throws {
        let report = PKReport(try PKPredictor.predict(PKRequest(route: route, dose: .fixed(35), weight: 70, timesMinutes: [30])))
        #expect(report.placeholders == expected)
        #expect(report.metabolite == nil)
    }

    @Test("Oral warns that norketamine dominates")
    func oralCaveat() throws {
        let prediction = try PKPredictor.predict(PKRequest(route: .oral, dose: .fixed(150), weight: 70, timesMinutes: [60]))
        #expect(prediction.caveats.contains { $0.contains("norketamine") })
        #expect(prediction.metaboliteCurve == nil)
    }

    @Test("An IV bolus carries the mixing-phase caveat")
    func bolusCaveat() throws {
        let prediction = try PKPredictor.predict(PKRequest(route: .intravenous, dose: .fixed(35), weight: 70, timesMinutes: [1, 5]))
        #expect(prediction.caveats.contains(PKPredictor.bolusCaveat))
    }

    @Test("IV esketamine: Fanta/Otto by default, Perez-Ruixo IV as the alternative (100 ng/mL at 40 min for 28 mg)")
    func intravenousEsketamine() throws {
        let fanta = try PKPredictor.predict(
            PKRequest(route: .intravenousEsketamine, dose: .fixed(28), weight: 70, infusionDuration: 40, timesMinutes: [40]))
        #expect(fanta.model.id == "fanta-otto-2021")
        let perez = try PKPredictor.predict(
            PKRequest(route: .intravenousEsketamine, dose: .fixed(28), infusionDuration: 40, timesMinutes: [40], modelID: "perez-ruixo-2021")
        )
        #expect(abs(perez.curve.concentrationsNgPerML[0] - 100) <= 0.5)
    }

    // MARK: - Level crossing

    @Test(
        "Time below a clinic-set level",
        arguments: [
            // (level, status)
            (50.0, "falls_below"),
            (200.0, "never_reached"),
            (0.001, "still_above"),
        ])
    func level(level: Double, status: String) throws {
        var request = Self.cliRequest
        request.level = NanogramsPerMillilitre(level)
        let prediction = try PKPredictor.predict(request)
        let below = try #require(prediction.belowLevel)
        #expect(below.crossing.status == status)
        if case .fallsBelow(let minute) = below.crossing {
            // Linear interpolation on the 15-s grid: the curve at that minute is the level within 0.05 ng/mL.
            let check = try F.intravenous(.fantaOtto2021, weight: 70, times: [minute]).parent.concentrationsNgPerML[0]
            #expect(abs(check - level) < 0.05)
            #expect(minute > 40)
        }
        if case .stillAbove(let minute) = below.crossing { #expect(minute == 1_440) }
    }

    @Test("The policy's reference level is used when the request names none")
    func policyLevel() throws {
        var policy = PKPolicy.seed
        policy.referenceLevel = Sourced(NanogramsPerMillilitre(50), .designDefault)
        let prediction = try PKPredictor.predict(Self.cliRequest, policy: policy)
        #expect(prediction.belowLevel?.level == NanogramsPerMillilitre(50))
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(PKReport(prediction, policy: policy))) as? [String: Any]
        )
        let below = try #require(object["below_level"] as? [String: Any])
        #expect(below["status"] as? String == "falls_below")
        #expect(below["time_min"] is Double)
    }

    @Test("A curve that rises again falls below for good only after the last crossing")
    func lastCrossing() {
        let curve = ConcentrationCurve(analyte: "x", timesMinutes: [0, 1, 2, 3, 4, 5], concentrationsNgPerML: [0, 10, 2, 10, 6, 2])
        #expect(curve.timeFallingBelow(NanogramsPerMillilitre(5)) == .fallsBelow(atMinute: 4.25))
        #expect(curve.timeFallingBelow(NanogramsPerMillilitre(11)) == .neverReached)
        #expect(curve.peak == CurvePoint(minute: 1, concentration: NanogramsPerMillilitre(10)))
        #expect(curve.areaUnderCurve == 29)  // trapezoids: 5 + 6 + 6 + 8 + 4
    }

    // MARK: - Errors

    struct BadRequest: Sendable, CustomTestStringConvertible {
        let label: String
        let request: PKRequest
        let field: String
        var testDescription: String { label }
    }

    static let bad: [BadRequest] = [
        BadRequest(
            label: "mg/kg without weight", request: PKRequest(route: .intravenous, dose: .perKilogram(1), infusionDuration: 40, timesMinutes: [10]),
            field: "weight_kg"),
        BadRequest(
            label: "weight-scaled model without weight", request: PKRequest(route: .intramuscular, dose: .fixed(35), timesMinutes: [10]),
            field: "weight_kg"),
        BadRequest(
            label: "70 mg is not whole devices", request: PKRequest(route: .intranasalEsketamine, dose: .fixed(70), timesMinutes: [10]),
            field: "dose_mg"),
        BadRequest(
            label: "infusion on oral", request: PKRequest(route: .oral, dose: .fixed(50), weight: 70, infusionDuration: 40, timesMinutes: [10]),
            field: "infusion_min"),
        BadRequest(
            label: "descending times", request: PKRequest(route: .oral, dose: .fixed(50), weight: 70, timesMinutes: [20, 10]), field: "times_min[1]"),
        BadRequest(label: "negative time", request: PKRequest(route: .oral, dose: .fixed(50), weight: 70, timesMinutes: [-1]), field: "times_min[0]"),
        BadRequest(
            label: "model not offered for the route",
            request: PKRequest(route: .oral, dose: .fixed(50), weight: 70, timesMinutes: [10], modelID: "domino"), field: "model"),
        BadRequest(label: "zero dose", request: PKRequest(route: .oral, dose: .fixed(0), weight: 70, timesMinutes: [10]), field: "dose_mg"),
    ]

    @Test("Bad requests name the field", arguments: bad)
    func errors(_ c: BadRequest) {
        do {
            _ = try PKPredictor.predict(c.request)
            Issue.record("expected an error on \(c.field)")
        } catch {
            #expect(error.field == c.field)
            #expect(!error.message.isEmpty)
        }
    }

    @Test("Catalog data: every route has a default model that exists; parameters round-trip through JSON")
    func catalog() throws {
        let catalog = PKModelCatalog.seed
        for route in DosingRoute.allCases {
            let settings = try #require(catalog.route(route), "\(route)")
            #expect(catalog.model(id: settings.modelID) != nil)
            for alternative in settings.alternativeModelIDs { #expect(catalog.model(id: alternative) != nil) }
        }
        let data = try JSONEncoder().encode(PKPolicy.seed)
        #expect(try JSONDecoder().decode(PKPolicy.self, from: data) == PKPolicy.seed)
    }

    // MARK: - Speed

    @Test("A 480-point curve: well under 1 ms optimised (best of 20 runs; debug builds get 20 ms)")
    func speed() throws {
        let times = ConcentrationCurve.uniformTimes(through: 719.5, count: 480)
        #expect(times.count == 480)
        #if DEBUG
            let budget = Duration.milliseconds(20)
        #else
            let budget = Duration.microseconds(500)
        #endif
        let clock = ContinuousClock()
        for (model, administrations) in [
            (PKModel.fantaOtto2021, [PKAdministration.infusion(atMinute: 0, dose: 35, minutes: 40)]),
            (.perezRuixo2021, (0..<3).map { PKAdministration.nasalDevice(atMinute: Double($0) * 5, dose: 28, deviceIndex: $0) }),
        ] {
            var best = Duration.seconds(1)
            for _ in 0..<20 {
                let elapsed = try clock.measure {
                    let curve = try PKSimulator.simulate(model: model, administrations: administrations, weight: 70, timesMinutes: times)
                    #expect(curve.parent.concentrationsNgPerML.count == 480)
                }
                best = min(best, elapsed)
            }
            #expect(best < budget, "\(model.id): \(best)")
        }
    }
}
