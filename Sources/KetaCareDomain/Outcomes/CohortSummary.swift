/// A proportion with its Wilson score interval.
public struct ProportionEstimate: Sendable, Equatable, Codable {
    /// Number of successes.
    public let successes: Int
    /// Number of trials.
    public let trials: Int
    /// successes ÷ trials.
    public let proportion: Double
    /// Lower bound of the interval.
    public let lower: Double
    /// Upper bound of the interval.
    public let upper: Double

    /// The Wilson score interval (Wilson 1927) at normal quantile `z`; nil when there are no trials.
    ///
    /// centre = (p̂ + z²/2n) / (1 + z²/n); half-width = z / (1 + z²/n) × √(p̂(1 − p̂)/n + z²/4n²).
    /// - Throws: `OutcomeError.invalidParameter` naming `successes` or `trials` when counts are negative or inconsistent.
    public static func wilson(successes: Int, trials: Int, z: Double) throws(OutcomeError) -> ProportionEstimate? {
        guard trials >= 0 else { throw .invalidParameter(field: "trials", value: "\(trials)", allowed: "0 or more") }
        guard successes >= 0, successes <= trials else {
            throw .invalidParameter(field: "successes", value: "\(successes)", allowed: "between 0 and trials (\(trials))")
        }
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let halfWidth = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return ProportionEstimate(
            successes: successes,
            trials: trials,
            proportion: p,
            lower: max(0, centre - halfWidth),
            upper: min(1, centre + halfWidth)
        )
    }
}

/// Cohort outcomes for one instrument: response and remission rates with Wilson 95% intervals, median time to response.
public struct CohortSummary: Sendable, Equatable, Codable {
    /// Patients in the cohort (reports given).
    public let patientCount: Int
    /// Patients with a valid baseline and at least one later score.
    public let evaluableCount: Int
    /// Response at the latest score, over patients whose response could be classified.
    public let response: ProportionEstimate?
    /// Remission at the latest score, over patients whose remission could be classified.
    public let remission: ProportionEstimate?
    /// Patients who met the response definition at any follow-up.
    public let everRespondedCount: Int
    /// Median days from first treatment to first response, over patients who responded (not a survival estimate).
    public let medianDaysToResponse: Double?

    /// Summarises patients' outcome reports.
    /// - Throws: never for reports built by `Trajectory`; `OutcomeError` only if `policy.intervalZ` is invalid upstream.
    public static func summarize(_ reports: [OutcomeReport], policy: OutcomePolicy = .defaults) throws(OutcomeError) -> CohortSummary {
        let z = policy.intervalZ.value
        let responses = reports.compactMap(\.isResponse)
        let remissions = reports.compactMap(\.isRemission)
        let days = reports.compactMap(\.daysToFirstResponse)
        return CohortSummary(
            patientCount: reports.count,
            evaluableCount: reports.filter { $0.baseline != nil && $0.latest != nil }.count,
            response: try ProportionEstimate.wilson(successes: responses.filter(\.self).count, trials: responses.count, z: z),
            remission: try ProportionEstimate.wilson(successes: remissions.filter(\.self).count, trials: remissions.count, z: z),
            everRespondedCount: days.count,
            medianDaysToResponse: median(days)
        )
    }

    /// The median, averaging the middle two of an even count; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
