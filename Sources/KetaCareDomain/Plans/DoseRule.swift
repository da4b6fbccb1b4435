import Foundation

/// How a template's dose may move between sessions: a fixed increment across its range, or a list of levels.
public enum TitrationSteps<Unit: QuantityUnit>: Codable, Sendable, Equatable {
    /// Any dose in the range that is `range.lowerBound` plus a whole number of this increment.
    case increment(DecimalQuantity<Unit>)
    /// Only these doses (an escalation ladder or a device-size set).
    case levels([DecimalQuantity<Unit>])
}

/// The starting dose, titration steps and dose range of one template, in one unit.
public struct DoseRule<Unit: QuantityUnit>: Codable, Sendable, Equatable {
    /// The dose of the first session.
    public var starting: Sourced<DecimalQuantity<Unit>>
    /// Which doses a titration may land on.
    public var steps: Sourced<TitrationSteps<Unit>>
    /// The lowest and highest dose the plan may use (the drug library's per-dose limits still apply at ordering).
    public var range: Sourced<ClosedRange<DecimalQuantity<Unit>>>

    /// Creates a dose rule.
    public init(
        starting: Sourced<DecimalQuantity<Unit>>,
        steps: Sourced<TitrationSteps<Unit>>,
        range: Sourced<ClosedRange<DecimalQuantity<Unit>>>
    ) {
        self.starting = starting
        self.steps = steps
        self.range = range
    }

    /// Whether `dose` is within the range and on a titration step.
    public func allows(_ dose: DecimalQuantity<Unit>) -> Bool {
        guard range.value.contains(dose) else { return false }
        switch steps.value {
        case .levels(let levels):
            return levels.contains(dose)
        case .increment(let step):
            guard step.value > 0 else { return false }
            var quotient = (dose.value - range.value.lowerBound.value) / step.value
            var whole = Decimal()
            NSDecimalRound(&whole, &quotient, 0, .plain)
            return whole == quotient
        }
    }

    /// The allowed doses in words: "0.1 mg/kg to 0.75 mg/kg in steps of 0.1 mg/kg" or "one of 56 mg, 84 mg".
    public var allowedDescription: String {
        switch steps.value {
        case .levels(let levels):
            "one of \(levels.map(\.description).joined(separator: ", "))"
        case .increment(let step):
            "\(range.value.lowerBound) to \(range.value.upperBound) in steps of \(step)"
        }
    }

    /// Checks the rule is coherent: the start is allowed and every level lies in the range.
    public func validate(field: String) throws(PlanError) {
        if case .levels(let levels) = steps.value, levels.isEmpty || levels.contains(where: { !range.value.contains($0) }) {
            throw PlanError(field: "\(field).steps", message: "\(field).steps must list at least one dose, all within \(range.value)")
        }
        if case .increment(let step) = steps.value, step.value <= 0 {
            throw PlanError(field: "\(field).steps", message: "\(field).steps must be a positive increment; got \(step)")
        }
        guard allows(starting.value) else {
            throw PlanError(field: "\(field).starting", message: "\(field).starting must be \(allowedDescription); got \(starting.value)")
        }
    }
}

/// A template's dosing, in the unit its route is prescribed in (DOMAIN.md §4.7: units are typed).
public enum PlanDosing: Codable, Sendable, Equatable {
    /// Weight-based racemic ketamine, in mg/kg.
    case perKilogram(DoseRule<MilligramPerKilogramUnit>)
    /// Fixed doses, in mg (esketamine devices).
    case fixed(DoseRule<MilligramUnit>)
    /// No default: the clinic must enter its own protocol before the route can be planned (DOMAIN.md §4.5).
    case clinicDefined

    /// The unit doses are written in, or `nil` when the clinic has not defined one.
    public var unit: DoseUnit? {
        switch self {
        case .perKilogram: .milligramsPerKilogram
        case .fixed: .milligrams
        case .clinicDefined: nil
        }
    }

    /// The template's starting dose, or `nil` when the clinic has not defined one.
    public var startingDose: OrderedDose? {
        switch self {
        case .perKilogram(let rule): .perKilogram(rule.starting.value)
        case .fixed(let rule): .fixed(rule.starting.value)
        case .clinicDefined: nil
        }
    }

    /// Throws naming the dose field and the allowed doses when `dose` is in the wrong unit, off-step or out of range.
    public func validate(_ dose: OrderedDose) throws(PlanError) {
        switch (self, dose) {
        case (.perKilogram(let rule), .perKilogram(let value)):
            guard rule.allows(value) else {
                throw PlanError(field: dose.field, message: "\(dose.field) must be \(rule.allowedDescription) for this template; got \(value)")
            }
        case (.fixed(let rule), .fixed(let value)):
            guard rule.allows(value) else {
                throw PlanError(field: dose.field, message: "\(dose.field) must be \(rule.allowedDescription) for this template; got \(value)")
            }
        case (.clinicDefined, _):
            throw PlanError(field: dose.field, message: "this route has no dosing protocol yet; the clinic must configure one first")
        default:
            throw PlanError(
                field: dose.field,
                message: "this template doses in \(unit?.rawValue ?? "-"), not \(dose.unit.rawValue); use the matching dose field"
            )
        }
    }
}
