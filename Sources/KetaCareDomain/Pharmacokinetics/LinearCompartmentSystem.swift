import Foundation

/// dx/dt = A·x + u(t) with x in mg per compartment and time in minutes (PK.md §6.1), built from a model and a patient.
struct LinearCompartmentSystem {
    /// One observed analyte: amount in `state` ÷ `volumeL` × 1000 = ng/mL.
    struct Output {
        /// The analyte's name.
        let analyte: String
        /// Its compartment.
        let state: Int
        /// That compartment's volume, L.
        let volumeL: Double
    }

    /// Named input ports administrations map onto.
    enum Port: Hashable {
        /// IV input.
        case central
        /// A first-order depot draining into central at `ka` /min.
        case firstOrderDepot(ka: Double)
        /// Perez-Ruixo nasal depot (→ central).
        case nasalDepot
        /// Perez-Ruixo swallowed-spray depot (→ liver).
        case swallowedDepot
        /// Perez-Ruixo oral-solution depot (→ liver).
        case oralDepot
    }

    private(set) var size = 0
    private var flows: [(from: Int, to: Int?, rate: Double)] = []
    private(set) var ports: [Port: Int] = [:]
    private(set) var parent: Output
    private(set) var metabolite: Output?
    /// Perez-Ruixo's liver state and parameters, for depots created on demand.
    private var hepatoPortal: (model: HepatoPortalEsketamineModel, liver: Int)?

    /// A(row, column), row-major.
    var matrix: [Double] {
        var a = [Double](repeating: 0, count: size * size)
        for flow in flows {
            a[flow.from * size + flow.from] -= flow.rate
            if let to = flow.to { a[to * size + flow.from] += flow.rate }
        }
        return a
    }

    private mutating func addState() -> Int {
        size += 1
        return size - 1
    }

    private mutating func flow(_ from: Int, _ to: Int?, _ rate: Double) {
        if rate != 0 { flows.append((from, to, rate)) }
    }

    /// The state index for a first-order depot with rate `ka` (/min) into the central compartment, created on first use.
    mutating func depot(ka: Double) -> Int {
        if let state = ports[.firstOrderDepot(ka: ka)] { return state }
        let state = addState()
        flow(state, ports[.central], ka)
        ports[.firstOrderDepot(ka: ka)] = state
        return state
    }

    /// The state for an esketamine nasal, swallowed or oral depot (Perez-Ruixo models only), created on first use,
    /// so unused routes add no states.
    mutating func hepatoPortalDepot(_ port: Port) -> Int? {
        if let state = ports[port] { return state }
        guard let (m, liver) = hepatoPortal, let central = ports[.central] else { return nil }
        let perMinute = PKTimeUnit.hour.perMinute
        let state: Int
        switch port {
        case .nasalDepot:
            state = addState()
            flow(state, central, m.nasalAbsorptionPerHour * perMinute)
        case .swallowedDepot:
            state = addState()
            flow(state, liver, m.swallowedAbsorptionPerHour * perMinute)
        case .oralDepot:
            state = addState()
            flow(state, liver, m.oralAbsorptionPerHour * perMinute)
        case .central, .firstOrderDepot:
            return nil
        }
        ports[port] = state
        return state
    }

    // MARK: - Building

    /// Builds the system for a model and patient; mammillary models need the weight.
    init(_ model: PKModel, weightKg: Double?, covariates: PKCovariates, clearanceFactor: Double) throws(PKError) {
        parent = Output(analyte: model.analyte, state: 0, volumeL: 1)
        switch model.structure {
        case .mammillary(let mammillary):
            guard let weightKg, weightKg > 0 else {
                throw PKError(field: "weight_kg", message: "\(model.name) scales with body weight: give weight_kg")
            }
            try buildMammillary(mammillary, weightKg: weightKg, clearanceFactor: clearanceFactor)
        case .hepatoPortalEsketamine(let hepatoPortal):
            buildHepatoPortal(hepatoPortal, covariates: covariates, clearanceFactor: clearanceFactor)
        }
    }

    private mutating func buildMammillary(_ model: MammillaryModel, weightKg: Double, clearanceFactor: Double) throws(PKError) {
        let central = addState()
        ports[.central] = central
        let compartments = Self.disposition(model.parameters, weightKg: weightKg)
        parent = Output(analyte: parent.analyte, state: central, volumeL: compartments.centralVolume)
        let eliminationRate = compartments.elimination * clearanceFactor
        for peripheral in compartments.peripherals {
            let state = addState()
            flow(central, state, peripheral.out)
            flow(state, central, peripheral.back)
        }
        guard let metaboliteModel = model.metabolite else {
            flow(central, nil, eliminationRate)
            return
        }
        let metabolite = Self.disposition(.clearances(metaboliteModel.disposition), weightKg: weightKg)
        let metaboliteCentral = addState()
        // PK.md §4: a fraction fm of parent elimination forms the metabolite; the rest leaves.
        flow(central, metaboliteCentral, eliminationRate * metaboliteModel.fractionFormed)
        flow(central, nil, eliminationRate * (1 - metaboliteModel.fractionFormed))
        flow(metaboliteCentral, nil, metabolite.elimination)
        for peripheral in metabolite.peripherals {
            let state = addState()
            flow(metaboliteCentral, state, peripheral.out)
            flow(state, metaboliteCentral, peripheral.back)
        }
        self.metabolite = Output(analyte: metaboliteModel.analyte, state: metaboliteCentral, volumeL: metabolite.centralVolume)
    }

    /// Central volume (L) and rate constants (/min) for a patient's weight.
    static func disposition(_ parameters: MammillaryParameters, weightKg: Double)
        -> (centralVolume: Double, elimination: Double, peripherals: [(out: Double, back: Double)])
    {
        switch parameters {
        case .clearances(let p):
            let s = p.scaling
            let perMinute = p.timeUnit.perMinute
            let v1 = p.centralVolumeL * s.factor(s.centralVolume, weightKg: weightKg)
            let cl = p.clearance * s.factor(s.clearance, weightKg: weightKg) * perMinute
            let peripherals = p.peripherals.map { peripheral -> (out: Double, back: Double) in
                let v = peripheral.volumeL * s.factor(s.peripheralVolume, weightKg: weightKg)
                let q = peripheral.clearance * s.factor(s.intercompartmentalClearance, weightKg: weightKg) * perMinute
                return (q / v1, q / v)
            }
            return (v1, cl / v1, peripherals)
        case .microConstants(let m):
            var peripherals: [(out: Double, back: Double)] = []
            if m.k12 > 0 { peripherals.append((m.k12, m.k21)) }
            if m.k13 > 0 { peripherals.append((m.k13, m.k31)) }
            return (m.centralVolumeLPerKg * weightKg, m.k10, peripherals)
        }
    }

    /// PK.md §2.4 structure: central ↔ liver (Qh); liver → elimination (kel) and → noresketamine (kmet). The nasal
    /// depot (→ central) and the swallowed and oral depots (→ liver) are added by ``hepatoPortalDepot(_:)``.
    private mutating func buildHepatoPortal(_ m: HepatoPortalEsketamineModel, covariates: PKCovariates, clearanceFactor: Double) {
        let perMinute = PKTimeUnit.hour.perMinute
        let central = addState()
        let peripheral1 = addState()
        let peripheral2 = addState()
        let liver = addState()
        let metaboliteCentral = addState()
        let metabolitePeripheral = addState()
        ports = [.central: central]
        hepatoPortal = (m, liver)
        parent = Output(analyte: parent.analyte, state: central, volumeL: m.centralVolumeL)
        metabolite = Output(analyte: "noresketamine", state: metaboliteCentral, volumeL: m.metaboliteCentralVolumeL)

        let qh = m.hepaticFlow(ageYears: covariates.ageYears)
        let kel = m.eliminationPerHour * (covariates.isAsian ? m.asianEliminationFactor : 1) * clearanceFactor
        let kmet = m.metabolismPerHour * clearanceFactor
        let cln = m.metaboliteClearance * (covariates.isAsian ? m.asianMetaboliteClearanceFactor : 1)
        flow(central, peripheral1, m.q1 / m.centralVolumeL * perMinute)
        flow(peripheral1, central, m.q1 / m.peripheral1VolumeL * perMinute)
        flow(central, peripheral2, m.q2 / m.centralVolumeL * perMinute)
        flow(peripheral2, central, m.q2 / m.peripheral2VolumeL * perMinute)
        flow(central, liver, qh / m.centralVolumeL * perMinute)
        flow(liver, central, qh / m.hepaticVolumeL * perMinute)
        flow(liver, nil, kel * perMinute)
        flow(liver, metaboliteCentral, kmet * perMinute)
        flow(metaboliteCentral, nil, cln / m.metaboliteCentralVolumeL * perMinute)
        flow(metaboliteCentral, metabolitePeripheral, m.metaboliteIntercompartmentalClearance / m.metaboliteCentralVolumeL * perMinute)
        flow(metabolitePeripheral, metaboliteCentral, m.metaboliteIntercompartmentalClearance / m.metabolitePeripheralVolumeL * perMinute)
    }
}
