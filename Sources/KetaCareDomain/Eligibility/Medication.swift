public import Foundation

/// One medication on the intake list, with the dates it was taken (DOMAIN.md §3.4, §3.6).
public struct Medication: Codable, Sendable, Equatable {
    /// The drug as written (generic or brand, with strength if known): matched against the interaction table.
    public var name: String
    /// Interaction-class ids staff tagged explicitly (e.g. `benzodiazepine`), in addition to name matching.
    public var classes: [String]?
    /// Dose and frequency as written, for the chart.
    public var dose: String?
    /// For a benzodiazepine: the daily diazepam-equivalent dose in mg (DOMAIN.md §3.4, §3.6).
    public var diazepamEquivalentMgPerDay: Decimal?
    /// The first day taken, if known.
    @OptionalPathNamedDate public var startDate: LocalDate?
    /// The last day taken; absent while the patient still takes it.
    @OptionalPathNamedDate public var stopDate: LocalDate?

    /// Creates a medication entry.
    public init(
        name: String, classes: [String]? = nil, dose: String? = nil, diazepamEquivalentMgPerDay: Decimal? = nil,
        startDate: LocalDate? = nil, stopDate: LocalDate? = nil
    ) {
        self.name = name
        self.classes = classes
        self.dose = dose
        self.diazepamEquivalentMgPerDay = diazepamEquivalentMgPerDay
        self.startDate = startDate
        self.stopDate = stopDate
    }

    /// Whether the patient takes it on `date`: started on or before it and not stopped before it.
    public func isActive(on date: LocalDate) -> Bool {
        if let startDate, startDate > date { return false }
        if let stopDate, stopDate < date { return false }
        return true
    }
}
