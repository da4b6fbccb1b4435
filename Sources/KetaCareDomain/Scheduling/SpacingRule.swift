/// The minimum time between two dosing sessions of one patient, measured start to start.
///
/// Below `hardMinHours` a booking is refused; below `softMinHours` it needs a note (Appendix B `schedule.minSpacingHours`).
public struct SpacingRule: Codable, Sendable, Equatable {
    /// Below this gap a booking warns and needs a note.
    public var softMinHours: Sourced<Double>
    /// Below this gap a booking is refused.
    public var hardMinHours: Sourced<Double>

    /// Creates a spacing rule.
    public init(softMinHours: Sourced<Double>, hardMinHours: Sourced<Double>) {
        self.softMinHours = softMinHours
        self.hardMinHours = hardMinHours
    }

    // DOMAIN.md §5.1: ≥48 h soft, ≥20 h hard (one session per day); derived from Mon/Wed/Fri trial schedules, UNCONFIRMED (Appendix A.18).
    /// The seed: 48 h soft, 20 h hard, both UNCONFIRMED.
    public static let seed = SpacingRule(softMinHours: Sourced(48, .unconfirmed), hardMinHours: Sourced(20, .unconfirmed))

    /// What a gap of `hours` between two session starts means under this rule; a gap equal to a minimum satisfies it.
    public func verdict(forGapHours hours: Double) -> SpacingVerdict {
        let gap = abs(hours)
        if gap < hardMinHours.value { return .belowHard }
        if gap < softMinHours.value { return .belowSoft }
        return .sufficient
    }

    /// Checks the rule is coherent: the hard minimum is not above the soft one and neither is negative.
    public func validate(field: String = "spacing") throws(PlanError) {
        guard hardMinHours.value >= 0, softMinHours.value >= hardMinHours.value else {
            throw PlanError(
                field: field,
                message: "\(field) needs 0 ≤ hard minimum ≤ soft minimum; got hard \(hardMinHours.value) h, soft \(softMinHours.value) h"
            )
        }
    }
}

/// How a gap between two sessions compares with a ``SpacingRule``.
public enum SpacingVerdict: String, Codable, Sendable, Equatable {
    /// At or above the soft minimum.
    case sufficient
    /// At or above the hard minimum but below the soft one: warn, needs a note.
    case belowSoft
    /// Below the hard minimum: refused.
    case belowHard
}
