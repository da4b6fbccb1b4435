/// The models KetaCare can simulate and which one each route uses by default (PK.md §0), as data.
public struct PKModelCatalog: Codable, Sendable, Equatable {
    /// Every model.
    public var models: [PKModel]
    /// One default per route.
    public var routes: [PKRouteDefault]

    /// Creates a catalog.
    public init(models: [PKModel], routes: [PKRouteDefault]) {
        self.models = models
        self.routes = routes
    }

    /// The model with `id`.
    public func model(id: String) -> PKModel? {
        models.first { $0.id == id }
    }

    /// The route's default settings.
    public func route(_ route: DosingRoute) -> PKRouteDefault? {
        routes.first { $0.route == route }
    }
}

/// How a route is simulated by default (PK.md §0).
public struct PKRouteDefault: Codable, Sendable, Equatable {
    /// The route.
    public var route: DosingRoute
    /// The default model.
    public var modelID: String
    /// Other models that may be chosen instead.
    public var alternativeModelIDs: [String]
    /// First-order absorption, for extravascular racemic routes.
    public var absorption: FirstOrderAbsorption?
    /// The nasal device (strength and spacing), for esketamine nasal spray.
    public var nasalDevice: NasalDevice?
    /// Whether the metabolite curve is shown for this route.
    public var showsMetabolite: Bool
    /// Multiplier on the parent clearance (PK.md §2.2's optional racemic knob is 0.92 [A]; the default is 1).
    public var clearanceFactor: Double
    /// What the clinician must be told with every curve for this route (PK.md §7).
    public var caveats: [String]

    /// Creates route settings.
    public init(
        route: DosingRoute,
        modelID: String,
        alternativeModelIDs: [String] = [],
        absorption: FirstOrderAbsorption? = nil,
        nasalDevice: NasalDevice? = nil,
        showsMetabolite: Bool,
        clearanceFactor: Double = 1,
        caveats: [String]
    ) {
        self.route = route
        self.modelID = modelID
        self.alternativeModelIDs = alternativeModelIDs
        self.absorption = absorption
        self.nasalDevice = nasalDevice
        self.showsMetabolite = showsMetabolite
        self.clearanceFactor = clearanceFactor
        self.caveats = caveats
    }
}

/// Settings for the summary (peak, time below a level) and the clinic's reference level.
public struct PKPolicy: Codable, Sendable, Equatable {
    /// Models and route defaults.
    public var catalog: PKModelCatalog
    /// Step of the internal grid used for the peak and level crossing, min (design default 0.25).
    public var summaryStepMinutes: Double
    /// How far the internal grid reaches after time 0, min (design default 1440 = 24 h).
    public var summaryHorizonMinutes: Double
    /// The level whose crossing is reported when the request names none (clinic-set; none by default).
    public var referenceLevel: Sourced<NanogramsPerMillilitre>?
    /// A fixed ± fraction to draw around the curve (PK.md §6.3 suggests ±40% [A]).
    public var variabilityBand: Sourced<Double>

    /// Creates PK settings.
    public init(
        catalog: PKModelCatalog,
        summaryStepMinutes: Double,
        summaryHorizonMinutes: Double,
        referenceLevel: Sourced<NanogramsPerMillilitre>?,
        variabilityBand: Sourced<Double>
    ) {
        self.catalog = catalog
        self.summaryStepMinutes = summaryStepMinutes
        self.summaryHorizonMinutes = summaryHorizonMinutes
        self.referenceLevel = referenceLevel
        self.variabilityBand = variabilityBand
    }

    /// Seeds from PK.md §0 and §6.3.
    public static let seed = PKPolicy(
        catalog: .seed,
        summaryStepMinutes: 0.25,
        summaryHorizonMinutes: 1_440,
        referenceLevel: nil,
        variabilityBand: Sourced(0.4, .designDefault)  // PK.md §6.3 "a fixed ±40% band" [A]
    )
}
