import Foundation

/// A plan template's identifier (`iv-racemic-induction`).
public struct PlanTemplateID: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The stored identifier.
    public let rawValue: String

    /// Wraps a stored identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A clinic-editable course protocol a prescriber starts a ``TreatmentPlan`` from (DOMAIN.md §4, §5).
///
/// Each value carries its provenance so the admin page can flag the ones DOMAIN.md marks UNCONFIRMED or DESIGN DEFAULT.
public struct PlanTemplate: Codable, Sendable, Equatable, Identifiable {
    /// Stable identifier.
    public var id: PlanTemplateID
    /// The name shown to prescribers.
    public var name: String
    /// The route and product every session uses.
    public var route: DosingRoute
    /// Whether plans may be created from it (oral/SL ships disabled, DOMAIN.md §4.5).
    public var isEnabled: Sourced<Bool>
    /// Starting dose, titration steps and dose range, in the route's unit.
    public var dosing: PlanDosing
    /// Most dosing sessions in any rolling week; a plan may lower it within `allowed`.
    public var sessionsPerWeekMax: Adjustable<Int>
    /// Minimum start-to-start spacing (Appendix B `schedule.minSpacingHours`).
    public var spacing: SpacingRule
    /// Dosing sessions in the induction course.
    public var inductionSessions: Adjustable<Int>
    /// How many calendar weeks the induction course is expected to span.
    public var inductionWeeks: Sourced<ClosedRange<Int>>
    /// Maintenance cadence by maintenance week; empty when the clinic defines it.
    public var maintenance: [MaintenanceBlock]
    /// Psychotherapy integration sessions between consecutive dosing sessions.
    public var integrationSessionsBetweenDoses: Adjustable<Int>
    /// Chair time a session books: preparation, dosing and observation, in minutes.
    public var chairMinutes: Sourced<Int>
    /// Which questionnaires are due when.
    public var measurementSchedule: QuestionnaireSchedule
    /// The drug-library entry its dose orders should be checked against (`intranasal-esketamine-us-mdsi`); `nil` uses the
    /// route's default entry (DOMAIN.md §4.8). Absent in templates stored before it existed.
    public var drugLibraryEntryID: String?
    /// What prescribers must know about the protocol (the Spravato MDSI label's "beyond 4 weeks was not studied"), shown
    /// with the plan. Absent in templates stored before it existed.
    public var note: Sourced<String>?

    /// Creates a template.
    public init(
        id: PlanTemplateID,
        name: String,
        route: DosingRoute,
        isEnabled: Sourced<Bool>,
        dosing: PlanDosing,
        sessionsPerWeekMax: Adjustable<Int>,
        spacing: SpacingRule,
        inductionSessions: Adjustable<Int>,
        inductionWeeks: Sourced<ClosedRange<Int>>,
        maintenance: [MaintenanceBlock],
        integrationSessionsBetweenDoses: Adjustable<Int>,
        chairMinutes: Sourced<Int>,
        measurementSchedule: QuestionnaireSchedule,
        drugLibraryEntryID: String? = nil,
        note: Sourced<String>? = nil
    ) {
        self.id = id
        self.name = name
        self.route = route
        self.isEnabled = isEnabled
        self.dosing = dosing
        self.sessionsPerWeekMax = sessionsPerWeekMax
        self.spacing = spacing
        self.inductionSessions = inductionSessions
        self.inductionWeeks = inductionWeeks
        self.maintenance = maintenance
        self.integrationSessionsBetweenDoses = integrationSessionsBetweenDoses
        self.chairMinutes = chairMinutes
        self.measurementSchedule = measurementSchedule
        self.drugLibraryEntryID = drugLibraryEntryID
        self.note = note
    }

    /// Whether the template defines no maintenance phase (the Spravato MDSI label schedule ends after induction).
    public var hasMaintenance: Bool { !maintenance.isEmpty }

    /// Checks an edited template is coherent before it is saved, naming the first field at fault.
    public func validate() throws(PlanError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw PlanError(field: "name", message: "name must not be empty")
        }
        switch dosing {
        case .perKilogram(let rule): try rule.validate(field: "dosing")
        case .fixed(let rule): try rule.validate(field: "dosing")
        case .clinicDefined:
            guard !isEnabled.value else {
                throw PlanError(field: "isEnabled", message: "a template without a dosing protocol must stay disabled until the clinic enters one")
            }
        }
        try sessionsPerWeekMax.validate(sessionsPerWeekMax.value, field: "sessionsPerWeekMax")
        guard sessionsPerWeekMax.allowed.lowerBound >= 1 else {
            throw PlanError(field: "sessionsPerWeekMax", message: "sessionsPerWeekMax must allow at least 1 session a week")
        }
        try inductionSessions.validate(inductionSessions.value, field: "inductionSessions")
        try integrationSessionsBetweenDoses.validate(integrationSessionsBetweenDoses.value, field: "integrationSessionsBetweenDoses")
        try spacing.validate()
        guard chairMinutes.value > 0 else {
            throw PlanError(field: "chairMinutes", message: "chairMinutes must be more than 0; got \(chairMinutes.value)")
        }
        for (index, block) in maintenance.enumerated() {
            try block.validate(block.cadence, field: "maintenance[\(index)].cadence")
            if let through = block.throughWeek, through < block.fromWeek {
                throw PlanError(field: "maintenance[\(index)].throughWeek", message: "throughWeek must be on or after fromWeek \(block.fromWeek)")
            }
        }
        try measurementSchedule.validate()
    }
}
