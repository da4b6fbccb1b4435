import Foundation

/// Simulates a model's concentrations at given times for a list of administrations (PK.md §6.1, general linear approach).
///
/// Between consecutive event or sample times the state moves exactly: x(t+Δ) = E(Δ)·x(t) + G(Δ)·u, where E = expm(A·Δ),
/// G = ∫₀^Δ expm(A·s) ds = A⁻¹(E − I), and u is the piecewise-constant zero-order input (mg/min). (For a singular A,
/// [[E, G], [0, I]] = expm([[A, I], [0, 0]]·Δ) instead.) Propagators are cached per step length, so a uniform grid
/// costs one matrix exponential plus a matrix–vector product per point.
public enum PKSimulator {
    /// The parent (and metabolite, when the model has one) curves at `timesMinutes` (ascending, ≥ 0).
    public static func simulate(
        model: PKModel,
        administrations: [PKAdministration],
        weight: Kilograms?,
        covariates: PKCovariates = PKCovariates(),
        clearanceFactor: Double = 1,
        timesMinutes: [Double]
    ) throws(PKError) -> PKSimulation {
        for (index, time) in timesMinutes.enumerated() {
            guard time.isFinite, time >= 0 else { throw PKError(field: "times_min[\(index)]", message: "times must be minutes ≥ 0") }
            if index > 0, time < timesMinutes[index - 1] {
                throw PKError(field: "times_min[\(index)]", message: "times must be in ascending order")
            }
        }
        var system = try LinearCompartmentSystem(model, weightKg: weight?.doubleValue, covariates: covariates, clearanceFactor: clearanceFactor)
        let inputs = try Inputs(administrations, model: model, system: &system, covariates: covariates)
        var engine = Engine(system: system)
        return engine.run(inputs: inputs, times: timesMinutes)
    }
}

/// Simulated curves.
public struct PKSimulation: Sendable, Equatable {
    /// The parent drug.
    public var parent: ConcentrationCurve
    /// The metabolite, when the model has one.
    public var metabolite: ConcentrationCurve?
}

// MARK: - Inputs

/// Administrations as boluses and zero-order pieces on state indices.
struct Inputs {
    /// Instant additions, mg.
    var boluses: [(time: Double, state: Int, amount: Double)] = []
    /// Constant-rate pieces, mg/min.
    var zeroOrder: [(start: Double, end: Double, state: Int, rate: Double)] = []

    /// Maps administrations onto the system's ports, creating depots as needed.
    init(_ administrations: [PKAdministration], model: PKModel, system: inout LinearCompartmentSystem, covariates: PKCovariates) throws(PKError) {
        for (index, administration) in administrations.enumerated() {
            let field = "administrations[\(index)]"
            switch administration {
            case .intravenousBolus(let time, let dose):
                try Self.check(time, dose, field)
                boluses.append((time, system.ports[.central]!, dose.doubleValue))
            case .intravenousInfusion(let record):
                for segment in try record.segments() {
                    zeroOrder.append((segment.start, segment.end, system.ports[.central]!, segment.mgPerMinute))
                }
            case .absorbed(let time, let dose, let absorption):
                try Self.check(time, dose, field)
                guard absorption.kaPerMinute > 0, (0...1).contains(absorption.bioavailability) else {
                    throw PKError(field: field, message: "absorption needs ka > 0 /min and 0 ≤ F ≤ 1")
                }
                boluses.append((time, system.depot(ka: absorption.kaPerMinute), dose.doubleValue * absorption.bioavailability))
            case .nasalDevice(let time, let dose, let deviceIndex):
                try Self.check(time, dose, field)
                guard case .hepatoPortalEsketamine(let m) = model.structure, let nasal = system.hepatoPortalDepot(.nasalDepot),
                    let swallowed = system.hepatoPortalDepot(.swallowedDepot)
                else {
                    throw PKError(field: field, message: "\(model.name) has no nasal route; use perez-ruixo-2021")
                }
                // PK.md §2.4: FRn through the nose (first device 0.54, later ×0.62); the rest is swallowed,
                // of which Fgut enters over Dsw as a zero-order input into the gut depot.
                let nasalFraction = m.nasalFraction(deviceIndex: deviceIndex, covariates: covariates)
                boluses.append((time, nasal, dose.doubleValue * nasalFraction))
                let duration = m.swallowedDurationHours * 60
                zeroOrder.append((time, time + duration, swallowed, dose.doubleValue * (1 - nasalFraction) * m.gutFraction / duration))
            case .oralSolution(let time, let dose):
                try Self.check(time, dose, field)
                guard case .hepatoPortalEsketamine(let m) = model.structure, let oral = system.hepatoPortalDepot(.oralDepot) else {
                    throw PKError(field: field, message: "\(model.name) has no oral-solution route; use perez-ruixo-2021")
                }
                let duration = m.oralDurationHours * 60
                zeroOrder.append((time, time + duration, oral, dose.doubleValue * m.gutFraction / duration))
            }
        }
    }

    private static func check(_ time: Double, _ dose: Milligrams, _ field: String) throws(PKError) {
        guard time.isFinite, time >= 0 else { throw PKError(field: field, message: "administration times must be minutes ≥ 0") }
        guard dose.value > 0 else { throw PKError(field: field, message: "the dose must be greater than 0 mg") }
    }

    /// Times at which inputs change, ascending and unique.
    var eventTimes: [Double] {
        Array(Set(boluses.map(\.time) + zeroOrder.flatMap { [$0.start, $0.end] })).sorted()
    }
}

// MARK: - Engine

/// Steps the state between event and sample times with cached propagators.
struct Engine {
    /// The system simulated.
    let system: LinearCompartmentSystem
    /// Number of states.
    let size: Int
    /// A, per minute, row-major.
    let matrix: [Double]
    /// A factorised once, to turn E into G; nil when A is singular (a compartment with no way out).
    let factorized: LUFactorization?
    private var propagators: [Int64: (e: [Double], g: [Double])] = [:]

    /// Prepares the engine (A factorised once).
    init(system: LinearCompartmentSystem) {
        self.system = system
        self.size = system.size
        self.matrix = system.matrix
        self.factorized = LUFactorization(matrix, size: system.size)
    }

    /// Step lengths are keyed to 1e-7 min (6 ms), so grids built by repeated addition share propagators.
    private static let keyScale = 1e7

    /// E(Δ) and G(Δ), cached by Δ.
    mutating func propagator(_ delta: Double) -> (e: [Double], g: [Double]) {
        let key = Int64((delta * Self.keyScale).rounded())
        if let cached = propagators[key] { return cached }
        let step = Double(key) / Self.keyScale
        let n = size
        if let factorized {
            let e = DenseMatrix.exponential(matrix.map { $0 * step }, size: n)
            var eMinusI = e
            for d in 0..<n { eMinusI[d * n + d] -= 1 }
            let g = factorized.solve(eMinusI)
            propagators[key] = (e, g)
            return (e, g)
        }
        let m = 2 * n
        var augmented = [Double](repeating: 0, count: m * m)
        for row in 0..<n {
            for column in 0..<n { augmented[row * m + column] = matrix[row * n + column] * step }
            augmented[row * m + n + row] = step
        }
        let exponential = DenseMatrix.exponential(augmented, size: m)
        var e = [Double](repeating: 0, count: n * n)
        var g = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            for column in 0..<n {
                e[row * n + column] = exponential[row * m + column]
                g[row * n + column] = exponential[row * m + n + column]
            }
        }
        propagators[key] = (e, g)
        return (e, g)
    }

    /// Simulates and samples the outputs at `times`.
    mutating func run(inputs: Inputs, times: [Double]) -> PKSimulation {
        let n = size
        let events = inputs.eventTimes
        var x = [Double](repeating: 0, count: n)
        var next = [Double](repeating: 0, count: n)
        var u = [Double](repeating: 0, count: n)
        var hasInput = false
        var parent = [Double]()
        parent.reserveCapacity(times.count)
        var metabolite = [Double]()
        if system.metabolite != nil { metabolite.reserveCapacity(times.count) }

        var now = 0.0
        var eventIndex = 0
        var timeIndex = 0
        func refreshInputs(at time: Double) {
            for i in 0..<n { u[i] = 0 }
            hasInput = false
            for piece in inputs.zeroOrder where piece.start <= time && time < piece.end {
                u[piece.state] += piece.rate
                hasInput = true
            }
        }
        refreshInputs(at: 0)
        while timeIndex < times.count {
            let nextEvent = eventIndex < events.count ? events[eventIndex] : Double.infinity
            let target = min(nextEvent, times[timeIndex])
            if target > now {
                let (e, g) = propagator(target - now)
                for row in 0..<n {
                    var sum = 0.0
                    let base = row * n
                    for column in 0..<n { sum += e[base + column] * x[column] }
                    if hasInput { for column in 0..<n { sum += g[base + column] * u[column] } }
                    // Amounts cannot be negative; clamp round-off so a zero curve stays exactly zero.
                    next[row] = sum > 0 ? sum : 0
                }
                swap(&x, &next)
                now = target
            }
            if nextEvent <= now {
                for bolus in inputs.boluses where bolus.time == nextEvent { x[bolus.state] += bolus.amount }
                refreshInputs(at: nextEvent)
                eventIndex += 1
                continue  // more events may share this time; samples at it are recorded after all of them
            }
            while timeIndex < times.count, times[timeIndex] <= now {
                parent.append(x[system.parent.state] / system.parent.volumeL * 1000)
                if let output = system.metabolite { metabolite.append(x[output.state] / output.volumeL * 1000) }
                timeIndex += 1
            }
        }
        return PKSimulation(
            parent: ConcentrationCurve(analyte: system.parent.analyte, timesMinutes: times, concentrationsNgPerML: parent),
            metabolite: system.metabolite.map {
                ConcentrationCurve(analyte: $0.analyte, timesMinutes: times, concentrationsNgPerML: metabolite)
            }
        )
    }
}
