/// A named population PK model: its structure, the analyte it predicts, sampling site and source.
public struct PKModel: Codable, Sendable, Equatable, Identifiable {
    /// Stable key (`fanta-otto-2021`).
    public var id: String
    /// Name shown in reports.
    public var name: String
    /// What the central compartment predicts (`ketamine (S-ketamine model)`).
    public var analyte: String
    /// Venous or arterial: clinic blood draws are venous (PK.md §6.3).
    public var sampling: Sampling
    /// The structure and parameters.
    public var structure: PKStructure
    /// Source.
    public var citation: PKCitation

    /// Creates a model.
    public init(id: String, name: String, analyte: String, sampling: Sampling, structure: PKStructure, citation: PKCitation) {
        self.id = id
        self.name = name
        self.analyte = analyte
        self.sampling = sampling
        self.structure = structure
        self.citation = citation
    }

    /// Whether the model needs the patient's weight.
    public var usesWeight: Bool {
        if case .mammillary = structure { return true }
        return false
    }

    /// The metabolite the model predicts, if any.
    public var metaboliteName: String? {
        switch structure {
        case .mammillary(let model): model.metabolite?.analyte
        case .hepatoPortalEsketamine: "noresketamine"
        }
    }
}

/// Blood sampled from an artery or a vein.
public enum Sampling: String, Codable, Sendable {
    /// Venous, like clinic draws.
    case venous
    /// Arterial: higher during infusions and just after a bolus.
    case arterial
}

/// The model families the simulator knows.
public enum PKStructure: Codable, Sendable, Equatable {
    /// Central elimination with up to two peripherals and an optional metabolite.
    case mammillary(MammillaryModel)
    /// Perez-Ruixo 2021 (hepato-portal compartment, nasal/swallowed/oral inputs).
    case hepatoPortalEsketamine(HepatoPortalEsketamineModel)
}

/// First-order absorption from a depot into the central compartment with bioavailability F (PK.md §3).
public struct FirstOrderAbsorption: Codable, Sendable, Equatable {
    /// Fraction of the dose reaching the circulation.
    public var bioavailability: Double
    /// Where F comes from.
    public var bioavailabilitySource: PKCitation
    /// Absorption rate constant, /min.
    public var kaPerMinute: Double
    /// Where ka comes from.
    public var kaSource: PKCitation

    /// Creates absorption parameters.
    public init(bioavailability: Double, bioavailabilitySource: PKCitation, kaPerMinute: Double, kaSource: PKCitation) {
        self.bioavailability = bioavailability
        self.bioavailabilitySource = bioavailabilitySource
        self.kaPerMinute = kaPerMinute
        self.kaSource = kaSource
    }

    /// Whether either parameter is a placeholder.
    public var hasPlaceholder: Bool { bioavailabilitySource.evidence.isPlaceholder || kaSource.evidence.isPlaceholder }
}
