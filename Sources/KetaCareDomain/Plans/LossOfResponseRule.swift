/// How a maintenance score counts as worse on the primary instrument (DOMAIN.md §5.2: as-needed sessions triggered by
/// score worsening, e.g. loss of response; DESIGN DEFAULT).
public enum LossOfResponseBasis: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The score no longer meets the instrument's response definition (DOMAIN.md §2.2) against the plan's baseline.
    case responseLost
    /// The score is at least `points` above the best (lowest) score since the plan's baseline.
    case riseFromBest(points: Int)

    public var description: String {
        switch self {
        case .responseLost: "no longer meets the response definition (§2.2) against the plan baseline"
        case .riseFromBest(let points): "at least \(points) points above the best score since the plan baseline"
        }
    }
}

/// The clinic's loss-of-response rule: when a maintenance patient who had responded is proposed an as-needed session.
///
/// DOMAIN.md §5.2 names the trigger ("loss of response on the primary instrument") but no source defines it, so every
/// value here is a DESIGN DEFAULT the clinic must review (Appendix B-style key `lossOfResponse.*`).
public struct LossOfResponseRule: Codable, Sendable, Equatable {
    /// Whether maintenance plans are checked at all.
    public var isEnabled: Sourced<Bool>
    /// What makes a score worse.
    public var basis: Sourced<LossOfResponseBasis>
    /// How many consecutive latest scores in maintenance must be worse (1 = the latest alone).
    public var confirmingScores: Sourced<Int>

    /// The values `confirmingScores` may take: a clinic may wait for up to four weekly scores, never none.
    public static let confirmingScoresAllowed = 1...4
    /// The values `riseFromBest(points:)` may take (the largest instrument total in the library is LSAS's 144).
    public static let risePointsAllowed = 1...144

    /// Creates a rule.
    public init(isEnabled: Sourced<Bool>, basis: Sourced<LossOfResponseBasis>, confirmingScores: Sourced<Int>) {
        self.isEnabled = isEnabled
        self.basis = basis
        self.confirmingScores = confirmingScores
    }

    /// DESIGN DEFAULT (DOMAIN.md §5.2): propose when the latest maintenance score no longer meets the §2.2 response
    /// definition against the plan baseline, after the patient had met it. This reuses the definition the clinic
    /// already reviews for outcomes and the end-of-induction review, rather than a second, unsourced threshold.
    public static let seed = LossOfResponseRule(
        isEnabled: Sourced(true, .designDefault), basis: Sourced(.responseLost, .designDefault), confirmingScores: Sourced(1, .designDefault))

    /// Checks a clinic's edit, naming the field and the allowed range.
    public func validate() throws(PlanError) {
        guard Self.confirmingScoresAllowed.contains(confirmingScores.value) else {
            throw PlanError(
                field: "confirmingScores",
                message: "confirmingScores must be from \(Self.confirmingScoresAllowed.lowerBound) to "
                    + "\(Self.confirmingScoresAllowed.upperBound); got \(confirmingScores.value)")
        }
        if case .riseFromBest(let points) = basis.value, !Self.risePointsAllowed.contains(points) {
            throw PlanError(
                field: "basis.riseFromBest.points",
                message: "points must be from \(Self.risePointsAllowed.lowerBound) to \(Self.risePointsAllowed.upperBound); got \(points)")
        }
    }
}
