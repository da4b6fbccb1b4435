import Foundation
import KetaCareDomain
import Testing

/// PK.md §6.2 closed form for a mammillary model with central input, written independently of the engine so the
/// engine's matrix exponentials can be checked against it.
struct ClosedFormMammillary {
    let v1: Double
    let lambdas: [Double]
    let coefficients: [Double]  // unit-dose A_i, per L

    /// Micro-constants in /min.
    init(v1: Double, k10: Double, k12: Double, k21: Double, k13: Double, k31: Double) {
        // For two compartments k13 = 0 and any positive k31 distinct from the other roots zeroes that root's coefficient.
        let k31 = k13 == 0 ? 1.2345 : k31
        let a2 = k10 + k12 + k13 + k21 + k31
        let a1 = k10 * k21 + k10 * k31 + k21 * k31 + k12 * k31 + k13 * k21
        let a0 = k10 * k21 * k31
        // Roots of λ³ − a2 λ² + a1 λ − a0 = 0 (three real roots): trigonometric method.
        let p = a1 - a2 * a2 / 3
        let q = -2 * a2 * a2 * a2 / 27 + a2 * a1 / 3 - a0
        let r = 2 * (-p / 3).squareRoot()
        let phi = acos(3 * q / (p * r)) / 3
        let lambdas = (0..<3).map { r * cos(phi - 2 * Double.pi * Double($0) / 3) + a2 / 3 }.sorted(by: >)
        self.lambdas = lambdas
        self.v1 = v1
        coefficients = lambdas.indices.map { i in
            let others = lambdas.indices.filter { $0 != i }.reduce(1.0) { $0 * (lambdas[$1] - lambdas[i]) }
            return (k21 - lambdas[i]) * (k31 - lambdas[i]) / (v1 * others)
        }
    }

    func bolus(_ dose: Double, at t: Double) -> Double {
        t < 0 ? 0 : 1000 * dose * zip(coefficients, lambdas).reduce(0) { $0 + $1.0 * exp(-$1.1 * t) }
    }

    func infusion(_ dose: Double, over duration: Double, at t: Double) -> Double {
        let rate = dose / duration
        return 1000
            * zip(coefficients, lambdas).reduce(0) { sum, term in
                let (a, l) = term
                if t <= 0 { return sum }
                if t <= duration { return sum + rate * a / l * (1 - exp(-l * t)) }
                return sum + rate * a / l * (1 - exp(-l * duration)) * exp(-l * (t - duration))
            }
    }

    func absorbed(_ dose: Double, f: Double, ka: Double, at t: Double) -> Double {
        t < 0 ? 0 : 1000 * f * dose * ka * zip(coefficients, lambdas).reduce(0) { $0 + $1.0 * (exp(-$1.1 * t) - exp(-ka * t)) / (ka - $1.1) }
    }
}

@Suite("Engine vs PK.md §6.2 closed form, and derived quantities")
struct ClosedFormCrossCheckTests {
    typealias F = PKFixture

    /// Fanta/Otto at 70 kg as micro-constants per minute (parent only: the metabolite does not feed back).
    static let fanta = ClosedFormMammillary(
        v1: 133, k10: 95.2 / 133 / 60, k12: 23.2 / 133 / 60, k21: 23.2 / 187 / 60, k13: 157 / 133 / 60, k31: 157 / 98.8 / 60
    )
    static let domino = ClosedFormMammillary(v1: 0.063 * 70, k10: 0.4381, k12: 0.5921, k21: 0.2470, k13: 0.5900, k31: 0.0146)
    static let times: [Double] = [0, 0.5, 1, 5, 10, 20, 39.9, 40, 40.1, 60, 120, 240, 480, 720, 1_440]

    // Tolerance 1e-9 relative (+1e-9 ng/mL absolute): both are exact solutions of the same linear ODE; the
    // difference is floating-point round-off in the Padé exponential and its squarings.
    func agree(_ engine: [Double], _ reference: [Double]) {
        for (index, (a, b)) in zip(engine, reference).enumerated() {
            #expect(abs(a - b) <= 1e-9 * abs(b) + 1e-9, "t = \(Self.times[index]): \(a) vs \(b)")
        }
    }

    @Test("IV bolus")
    func bolus() throws {
        let engine = try PKSimulator.simulate(
            model: .fantaOtto2021, administrations: [.intravenousBolus(atMinute: 0, dose: 35)], weight: 70, timesMinutes: Self.times)
        agree(engine.parent.concentrationsNgPerML, Self.times.map { Self.fanta.bolus(35, at: $0) })
    }

    @Test("IV infusion (zero-order input)", arguments: [(PKModel.fantaOtto2021, fanta), (.domino, domino)])
    func infusion(model: PKModel, reference: ClosedFormMammillary) throws {
        let engine = try F.intravenous(model, weight: 70, times: Self.times)
        agree(engine.parent.concentrationsNgPerML, Self.times.map { reference.infusion(35, over: 40, at: $0) })
    }

    @Test("First-order absorption (ka 0.1 /min, F 0.93)")
    func absorption() throws {
        let absorption = try #require(PKModelCatalog.seed.route(.intramuscular)?.absorption)
        let engine = try PKSimulator.simulate(
            model: .fantaOtto2021, administrations: [.absorbed(atMinute: 0, dose: 35, absorption: absorption)], weight: 70, timesMinutes: Self.times
        )
        agree(engine.parent.concentrationsNgPerML, Self.times.map { Self.fanta.absorbed(35, f: 0.93, ka: 0.1, at: $0) })
    }

    @Test("Two-compartment models through the k13 = 0 trick")
    func twoCompartment() throws {
        let clements = ClosedFormMammillary(v1: 1.7522 * 70, k10: 0.0109, k12: 0.0186, k21: 0.0137, k13: 0, k31: 0)
        let engine = try F.intravenous(.clements250, weight: 70, times: Self.times)
        agree(engine.parent.concentrationsNgPerML, Self.times.map { clements.infusion(35, over: 40, at: $0) })
    }

    @Test(
        "Half-lives: Fanta 12.9 / 89 / 442 min; Domino 0.4 / 4.6 / 115 min (PK.md §1.1, §2.1)",
        arguments: [
            (fanta, [12.9, 89.0, 442.0], [0.05, 0.5, 0.5]),
            (domino, [0.4, 4.6, 115.0], [0.05, 0.05, 0.5]),
        ])
    func halfLives(model: ClosedFormMammillary, expected: [Double], tolerance: [Double]) {
        let halfLives = model.lambdas.map { log(2) / $0 }
        for index in 0..<3 {
            #expect(abs(halfLives[index] - expected[index]) <= tolerance[index], "\(halfLives[index])")
        }
    }

    @Test("Domino derived at 70 kg: V2 10.6 L, V3 178 L, Vss 193 L, CL 116 L/h (PK.md §1.1)")
    func dominoDerived() throws {
        guard case .mammillary(let model) = PKModel.domino.structure, case .microConstants(let k) = model.parameters else {
            Issue.record("Domino is a micro-constant model")
            return
        }
        let v1 = k.centralVolumeLPerKg * 70
        let v2 = v1 * k.k12 / k.k21
        let v3 = v1 * k.k13 / k.k31
        #expect(abs(v1 - 4.41) < 0.005)
        #expect(abs(v2 - 10.6) < 0.05)
        #expect(abs(v3 - 178) < 0.5)
        #expect(abs(v1 + v2 + v3 - 193) < 0.5)
        #expect(abs(k.k10 * v1 * 60 - 116) < 0.5)
    }

    static func microModel(k10: Double, k12: Double, k21: Double) -> PKModel {
        PKModel(
            id: "test", name: "test", analyte: "x", sampling: .venous,
            structure: .mammillary(
                MammillaryModel(parameters: .microConstants(MicroConstantParameters(centralVolumeLPerKg: 1, k10: k10, k12: k12, k21: k21)))),
            citation: PKCitation("test", evidence: .assumption, section: "test")
        )
    }

    @Test("A one-compartment bolus decays exactly as D/V·e^(−kt), even at k·t = 20 (many squarings)")
    func oneCompartment() throws {
        let times: [Double] = [0, 0.1, 1, 10]
        let curve = try PKSimulator.simulate(
            model: Self.microModel(k10: 2, k12: 0, k21: 0), administrations: [.intravenousBolus(atMinute: 0, dose: 10)], weight: 10,
            timesMinutes: times)
        for (time, value) in zip(times, curve.parent.concentrationsNgPerML) {
            let exact = 1000 * exp(-2 * time)
            #expect(abs(value - exact) <= 1e-10 * exact + 1e-12, "t = \(time)")
        }
    }

    @Test("A compartment with no way out (singular A) takes the augmented-matrix path and stays exact")
    func singularSystem() throws {
        // Central loses drug to elimination (0.1 /min) and irreversibly to a trap (0.2 /min): C = D/V·e^(−0.3t).
        let times: [Double] = [0, 1, 5, 20, 40, 60]
        let curve = try PKSimulator.simulate(
            model: Self.microModel(k10: 0.1, k12: 0.2, k21: 0), administrations: [.infusion(atMinute: 0, dose: 10, minutes: 20)], weight: 10,
            timesMinutes: times
        )
        let k = 0.3
        let rate = 10.0 / 20 / 10  // mg/min per L
        for (time, value) in zip(times, curve.parent.concentrationsNgPerML) {
            let exact = time <= 20 ? 1000 * rate / k * (1 - exp(-k * time)) : 1000 * rate / k * (1 - exp(-k * 20)) * exp(-k * (time - 20))
            #expect(abs(value - exact) <= 1e-9 * exact + 1e-12, "t = \(time)")
        }
    }
}
