import Foundation

/// A linear 1–3-compartment disposition model with elimination from the central compartment (PK.md §1–§2, §6.2),
/// optionally with a metabolite formed from that elimination (PK.md §4).
public struct MammillaryModel: Codable, Sendable, Equatable {
    /// Parameters as published.
    public var parameters: MammillaryParameters
    /// A metabolite formed from central elimination (norketamine in Otto 2021).
    public var metabolite: MetaboliteModel?

    /// Creates a model.
    public init(parameters: MammillaryParameters, metabolite: MetaboliteModel? = nil) {
        self.parameters = parameters
        self.metabolite = metabolite
    }
}

/// The two ways published mammillary models are written.
public enum MammillaryParameters: Codable, Sendable, Equatable {
    /// Volumes and clearances with allometric scaling (Fanta/Otto, Simons).
    case clearances(ClearanceParameters)
    /// A weight-proportional central volume and fixed micro-constants in /min (Domino, Clements, Hijazi in opentiva).
    case microConstants(MicroConstantParameters)
}

/// The time unit a parameter set was published in.
public enum PKTimeUnit: String, Codable, Sendable {
    /// Per minute (L/min, /min).
    case minute
    /// Per hour (L/h, /h).
    case hour

    /// Factor converting a per-unit rate to per-minute.
    var perMinute: Double { self == .hour ? 1.0 / 60.0 : 1.0 }
}

/// Allometric scaling: value × (WT / reference)^exponent (PK.md §6.3).
public struct AllometricScaling: Codable, Sendable, Equatable {
    /// Reference weight, kg.
    public var referenceWeightKg: Double
    /// Exponent on the central volume.
    public var centralVolume: Double
    /// Exponent on the elimination clearance.
    public var clearance: Double
    /// Exponent on peripheral volumes.
    public var peripheralVolume: Double
    /// Exponent on intercompartmental clearances.
    public var intercompartmentalClearance: Double

    /// Creates scaling exponents.
    public init(referenceWeightKg: Double, centralVolume: Double, clearance: Double, peripheralVolume: Double, intercompartmentalClearance: Double) {
        self.referenceWeightKg = referenceWeightKg
        self.centralVolume = centralVolume
        self.clearance = clearance
        self.peripheralVolume = peripheralVolume
        self.intercompartmentalClearance = intercompartmentalClearance
    }

    /// Otto 2021 as run: V1 × (WT/70), CL × (WT/70)^0.75, peripheral terms not scaled (PK.md §2.1).
    public static let ottoAsRun = AllometricScaling(
        referenceWeightKg: 70, centralVolume: 1, clearance: 0.75, peripheralVolume: 0, intercompartmentalClearance: 0
    )
    /// Standard allometry on every volume and clearance (Simons 2022 as coded; PK.md §2.3).
    public static let standard = AllometricScaling(
        referenceWeightKg: 70, centralVolume: 1, clearance: 0.75, peripheralVolume: 1, intercompartmentalClearance: 0.75
    )

    /// (WT / reference)^exponent.
    func factor(_ exponent: Double, weightKg: Double) -> Double {
        exponent == 0 ? 1 : pow(weightKg / referenceWeightKg, exponent)
    }
}

/// A peripheral compartment: its volume and the clearance exchanging with the central compartment.
public struct PeripheralCompartment: Codable, Sendable, Equatable {
    /// Volume, L (at the reference weight).
    public var volumeL: Double
    /// Intercompartmental clearance in L per the parameter set's time unit.
    public var clearance: Double

    /// Creates a peripheral compartment.
    public init(volumeL: Double, clearance: Double) {
        self.volumeL = volumeL
        self.clearance = clearance
    }
}

/// Volumes and clearances (Fanta/Otto in L and L/h, Simons in L and L/min).
public struct ClearanceParameters: Codable, Sendable, Equatable {
    /// Unit of `clearance` and peripheral clearances.
    public var timeUnit: PKTimeUnit
    /// Central volume, L, at the reference weight.
    public var centralVolumeL: Double
    /// Elimination clearance from the central compartment.
    public var clearance: Double
    /// Zero to two peripheral compartments.
    public var peripherals: [PeripheralCompartment]
    /// Weight scaling.
    public var scaling: AllometricScaling

    /// Creates a parameter set.
    public init(timeUnit: PKTimeUnit, centralVolumeL: Double, clearance: Double, peripherals: [PeripheralCompartment], scaling: AllometricScaling) {
        self.timeUnit = timeUnit
        self.centralVolumeL = centralVolumeL
        self.clearance = clearance
        self.peripherals = peripherals
        self.scaling = scaling
    }
}

/// V1 in L/kg and micro-constants in /min, as opentiva codes Domino and the others (PK.md §1.1).
public struct MicroConstantParameters: Codable, Sendable, Equatable {
    /// Central volume per kg.
    public var centralVolumeLPerKg: Double
    /// Elimination rate constant.
    public var k10: Double
    /// Central → first peripheral.
    public var k12: Double
    /// First peripheral → central.
    public var k21: Double
    /// Central → second peripheral (0 for two-compartment models).
    public var k13: Double
    /// Second peripheral → central.
    public var k31: Double

    /// Creates micro-constants (per minute).
    public init(centralVolumeLPerKg: Double, k10: Double, k12: Double, k21: Double, k13: Double = 0, k31: Double = 0) {
        self.centralVolumeLPerKg = centralVolumeLPerKg
        self.k10 = k10
        self.k12 = k12
        self.k21 = k21
        self.k13 = k13
        self.k31 = k31
    }
}

/// A metabolite formed from the parent's central elimination (PK.md §4: Otto 2021 norketamine, fm = 1).
public struct MetaboliteModel: Codable, Sendable, Equatable {
    /// The metabolite's name (`norketamine`).
    public var analyte: String
    /// Fraction of parent elimination that forms it (mass units).
    public var fractionFormed: Double
    /// Its disposition, as volumes and clearances.
    public var disposition: ClearanceParameters
    /// Source.
    public var citation: PKCitation

    /// Creates a metabolite model.
    public init(analyte: String, fractionFormed: Double, disposition: ClearanceParameters, citation: PKCitation) {
        self.analyte = analyte
        self.fractionFormed = fractionFormed
        self.disposition = disposition
        self.citation = citation
    }
}
