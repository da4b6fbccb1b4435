/// Change from baseline to a later total (DOMAIN.md §2.2). Lower scores are better on every instrument here.
public struct ScoreChange: Sendable, Equatable, Codable {
    /// Baseline total.
    public let baseline: Int
    /// Later total.
    public let current: Int

    /// Creates the change from `baseline` to `current`.
    public init(baseline: Int, current: Int) {
        self.baseline = baseline
        self.current = current
    }

    /// Absolute change, `current − baseline`: negative means improvement.
    public var absoluteChange: Int { current - baseline }

    /// Points of reduction, `baseline − current`: positive means improvement.
    public var reduction: Int { baseline - current }

    /// DOMAIN.md §2.2 `pct = (baseline − current) / baseline × 100`: positive means improvement; nil ("n/a") when baseline is 0.
    public var percentReduction: Double? {
        // DOMAIN.md §2.2
        guard baseline != 0 else { return nil }
        return Double(reduction) / Double(baseline) * 100
    }
}
