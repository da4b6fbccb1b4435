/// How often maintenance sessions recur.
public enum MaintenanceCadence: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// N sessions in each week.
    case timesPerWeek(Int)
    /// One session every N weeks.
    case everyWeeks(Int)

    /// Days between sessions on average (twice weekly = 3.5).
    public var averageIntervalDays: Double {
        switch self {
        case .timesPerWeek(let n): 7 / Double(max(n, 1))
        case .everyWeeks(let n): 7 * Double(n)
        }
    }

    public var description: String {
        switch self {
        case .timesPerWeek(1), .everyWeeks(1): "weekly"
        case .timesPerWeek(let n): "\(n) times a week"
        case .everyWeeks(let n): "every \(n) weeks"
        }
    }
}

/// One stretch of maintenance with its cadence; weeks count from the first maintenance week (Spravato week 5 = week 1).
public struct MaintenanceBlock: Codable, Sendable, Equatable {
    /// First maintenance week of the block (1-based).
    public var fromWeek: Int
    /// Last maintenance week of the block; `nil` = open-ended.
    public var throughWeek: Int?
    /// The template's default cadence.
    public var cadence: MaintenanceCadence
    /// The cadences a plan may choose instead.
    public var allowedCadences: [MaintenanceCadence]
    /// Where the cadence came from.
    public var provenance: Provenance

    /// Creates a maintenance block.
    public init(fromWeek: Int, throughWeek: Int?, cadence: MaintenanceCadence, allowedCadences: [MaintenanceCadence], _ provenance: Provenance) {
        self.fromWeek = fromWeek
        self.throughWeek = throughWeek
        self.cadence = cadence
        self.allowedCadences = allowedCadences
        self.provenance = provenance
    }

    /// Throws naming `field` and the allowed cadences when `candidate` is not one of them.
    public func validate(_ candidate: MaintenanceCadence, field: String) throws(PlanError) {
        guard allowedCadences.contains(candidate) else {
            throw PlanError(
                field: field,
                message: "\(field) must be one of \(allowedCadences.map(\.description).joined(separator: ", ")); got \(candidate)"
            )
        }
    }
}
