/// Perez-Ruixo 2021 esketamine popPK (PK.md §2.4): three compartments plus a hepato-portal compartment, nasal,
/// swallowed and oral inputs, and apparent two-compartment noresketamine. Values as published (time unit h).
public struct HepatoPortalEsketamineModel: Codable, Sendable, Equatable {
    /// FRn: fraction of one 28 mg device absorbed through the nose.
    public var nasalFraction: Double
    /// FRn factor for the 2nd and later devices in a session.
    public var laterDeviceFactor: Double
    /// FRn factor for Japanese patients.
    public var japaneseNasalFactor: Double
    /// ka_n, /h.
    public var nasalAbsorptionPerHour: Double
    /// Dsw: zero-order duration of the swallowed part, h.
    public var swallowedDurationHours: Double
    /// ka_sw → liver, /h.
    public var swallowedAbsorptionPerHour: Double
    /// Fgut.
    public var gutFraction: Double
    /// Dpo: zero-order duration of an oral solution, h.
    public var oralDurationHours: Double
    /// ka_po → liver, /h.
    public var oralAbsorptionPerHour: Double
    /// Vc, L.
    public var centralVolumeL: Double
    /// Q1, L/h.
    public var q1: Double
    /// Vp1, L.
    public var peripheral1VolumeL: Double
    /// Q2, L/h.
    public var q2: Double
    /// Vp2, L.
    public var peripheral2VolumeL: Double
    /// Qh, hepatic blood flow, L/h.
    public var hepaticFlow: Double
    /// Qh falls by this many L/h per year of age above `hepaticFlowAgeFrom`.
    public var hepaticFlowAgeSlope: Double
    /// Age from which Qh falls.
    public var hepaticFlowAgeFrom: Double
    /// Vh, hepato-portal volume, L.
    public var hepaticVolumeL: Double
    /// kel, liver → other metabolites, /h.
    public var eliminationPerHour: Double
    /// kel factor for Asian patients.
    public var asianEliminationFactor: Double
    /// kmet, liver → noresketamine, /h.
    public var metabolismPerHour: Double
    /// Noresketamine Vcn/F, L.
    public var metaboliteCentralVolumeL: Double
    /// Noresketamine CLn/F, L/h.
    public var metaboliteClearance: Double
    /// CLn/F factor for Asian patients.
    public var asianMetaboliteClearanceFactor: Double
    /// Noresketamine Vpn/F, L.
    public var metabolitePeripheralVolumeL: Double
    /// Noresketamine Q3/F, L/h.
    public var metaboliteIntercompartmentalClearance: Double

    /// Creates a parameter set.
    public init(
        nasalFraction: Double,
        laterDeviceFactor: Double,
        japaneseNasalFactor: Double,
        nasalAbsorptionPerHour: Double,
        swallowedDurationHours: Double,
        swallowedAbsorptionPerHour: Double,
        gutFraction: Double,
        oralDurationHours: Double,
        oralAbsorptionPerHour: Double,
        centralVolumeL: Double,
        q1: Double,
        peripheral1VolumeL: Double,
        q2: Double,
        peripheral2VolumeL: Double,
        hepaticFlow: Double,
        hepaticFlowAgeSlope: Double,
        hepaticFlowAgeFrom: Double,
        hepaticVolumeL: Double,
        eliminationPerHour: Double,
        asianEliminationFactor: Double,
        metabolismPerHour: Double,
        metaboliteCentralVolumeL: Double,
        metaboliteClearance: Double,
        asianMetaboliteClearanceFactor: Double,
        metabolitePeripheralVolumeL: Double,
        metaboliteIntercompartmentalClearance: Double
    ) {
        self.nasalFraction = nasalFraction
        self.laterDeviceFactor = laterDeviceFactor
        self.japaneseNasalFactor = japaneseNasalFactor
        self.nasalAbsorptionPerHour = nasalAbsorptionPerHour
        self.swallowedDurationHours = swallowedDurationHours
        self.swallowedAbsorptionPerHour = swallowedAbsorptionPerHour
        self.gutFraction = gutFraction
        self.oralDurationHours = oralDurationHours
        self.oralAbsorptionPerHour = oralAbsorptionPerHour
        self.centralVolumeL = centralVolumeL
        self.q1 = q1
        self.peripheral1VolumeL = peripheral1VolumeL
        self.q2 = q2
        self.peripheral2VolumeL = peripheral2VolumeL
        self.hepaticFlow = hepaticFlow
        self.hepaticFlowAgeSlope = hepaticFlowAgeSlope
        self.hepaticFlowAgeFrom = hepaticFlowAgeFrom
        self.hepaticVolumeL = hepaticVolumeL
        self.eliminationPerHour = eliminationPerHour
        self.asianEliminationFactor = asianEliminationFactor
        self.metabolismPerHour = metabolismPerHour
        self.metaboliteCentralVolumeL = metaboliteCentralVolumeL
        self.metaboliteClearance = metaboliteClearance
        self.asianMetaboliteClearanceFactor = asianMetaboliteClearanceFactor
        self.metabolitePeripheralVolumeL = metabolitePeripheralVolumeL
        self.metaboliteIntercompartmentalClearance = metaboliteIntercompartmentalClearance
    }

    /// PK.md §2.4 table (Perez-Ruixo 2021 Table 3, via nlmixr2lib PerezRuixo_2020_esketamine.R).
    public static let perezRuixo2021 = HepatoPortalEsketamineModel(
        nasalFraction: 0.54,
        laterDeviceFactor: 0.62,
        japaneseNasalFactor: 1.34,
        nasalAbsorptionPerHour: 2.93,
        swallowedDurationHours: 0.53,
        swallowedAbsorptionPerHour: 1.45,
        gutFraction: 0.64,
        oralDurationHours: 0.32,
        oralAbsorptionPerHour: 0.97,
        centralVolumeL: 192,
        q1: 84.3,
        peripheral1VolumeL: 143,
        q2: 37.6,
        peripheral2VolumeL: 417,
        hepaticFlow: 151,
        hepaticFlowAgeSlope: 2.19,
        hepaticFlowAgeFrom: 60,
        hepaticVolumeL: 101,
        eliminationPerHour: 1.11,
        asianEliminationFactor: 0.36,
        metabolismPerHour: 2.77,
        metaboliteCentralVolumeL: 70.0,
        metaboliteClearance: 38.0,
        asianMetaboliteClearanceFactor: 0.81,
        metabolitePeripheralVolumeL: 115,
        metaboliteIntercompartmentalClearance: 26.1
    )

    /// Hepatic flow for a patient's age (falls linearly above 60 years).
    public func hepaticFlow(ageYears: Int?) -> Double {
        guard let age = ageYears.map(Double.init), age > hepaticFlowAgeFrom else { return hepaticFlow }
        return hepaticFlow - hepaticFlowAgeSlope * (age - hepaticFlowAgeFrom)
    }

    /// Hepatic extraction E = Vh(kel + kmet) / (Qh + Vh(kel + kmet)) (PK.md §2.4 derived: 0.72).
    public func hepaticExtraction(_ covariates: PKCovariates = PKCovariates()) -> Double {
        let kel = eliminationPerHour * (covariates.isAsian ? asianEliminationFactor : 1)
        let intrinsic = hepaticVolumeL * (kel + metabolismPerHour)
        return intrinsic / (hepaticFlow(ageYears: covariates.ageYears) + intrinsic)
    }

    /// Systemic clearance Qh × E, L/h (PK.md §2.4 derived: ≈109 L/h).
    public func systemicClearance(_ covariates: PKCovariates = PKCovariates()) -> Double {
        hepaticFlow(ageYears: covariates.ageYears) * hepaticExtraction(covariates)
    }

    /// Oral bioavailability Fgut × (1 − E) (PK.md §2.4 derived: 0.178).
    public func oralBioavailability(_ covariates: PKCovariates = PKCovariates()) -> Double {
        gutFraction * (1 - hepaticExtraction(covariates))
    }

    /// FRn for the device at `index` (0-based) in a session.
    public func nasalFraction(deviceIndex: Int, covariates: PKCovariates = PKCovariates()) -> Double {
        nasalFraction * (deviceIndex == 0 ? 1 : laterDeviceFactor) * (covariates.isJapanese ? japaneseNasalFactor : 1)
    }
}

/// Patient covariates some models use (PK.md §2.4, §7.3). Weight-based scaling takes the weight separately.
public struct PKCovariates: Codable, Sendable, Equatable {
    /// Age in years (Perez-Ruixo: hepatic flow falls above 60).
    public var ageYears: Int?
    /// Perez-Ruixo: kel × 0.36, CLn/F × 0.81.
    public var isAsian: Bool
    /// Perez-Ruixo: FRn × 1.34.
    public var isJapanese: Bool

    /// Creates covariates; all default to "no effect".
    public init(ageYears: Int? = nil, isAsian: Bool = false, isJapanese: Bool = false) {
        self.ageYears = ageYears
        self.isAsian = isAsian
        self.isJapanese = isJapanese
    }
}
