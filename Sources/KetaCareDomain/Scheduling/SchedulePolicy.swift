/// Scheduling rules a clinic tunes (Appendix B `schedule.*`); proposed home: `ClinicPolicy.schedule`.
public struct SchedulePolicy: Codable, Sendable, Equatable {
    /// Default spacing copied into plan templates (`schedule.minSpacingHours.soft` / `.hard`).
    public var minSpacing: SpacingRule
    /// Length of the rolling window a weekly maximum counts over, in days.
    public var weeklyWindowDays: Sourced<Int>
    /// How many dosing sessions one nurse may monitor at the same time.
    public var maxConcurrentSessionsPerNurse: Sourced<Int>
    /// Whether a missing escort blocks booking (hard) or only warns (soft).
    public var escortSeverity: Sourced<BookingSeverity>
    /// How many days ahead a course proposal searches before giving up.
    public var proposalSearchDays: Sourced<Int>

    /// Creates a schedule policy.
    public init(
        minSpacing: SpacingRule,
        weeklyWindowDays: Sourced<Int>,
        maxConcurrentSessionsPerNurse: Sourced<Int>,
        escortSeverity: Sourced<BookingSeverity>,
        proposalSearchDays: Sourced<Int>
    ) {
        self.minSpacing = minSpacing
        self.weeklyWindowDays = weeklyWindowDays
        self.maxConcurrentSessionsPerNurse = maxConcurrentSessionsPerNurse
        self.escortSeverity = escortSeverity
        self.proposalSearchDays = proposalSearchDays
    }

    /// The shipped values.
    public static let seed = SchedulePolicy(
        minSpacing: .seed,
        // DOMAIN.md §4.8: "≤2 per 7 days" counts a rolling seven days.
        weeklyWindowDays: Sourced(7, .sourced("DOMAIN.md §4.8 (per 7 days)")),
        maxConcurrentSessionsPerNurse: Sourced(2, .designDefault),
        // An escort can still be confirmed at check-in; the session-start check (Sessions) is where a missing ride home blocks.
        escortSeverity: Sourced(.soft, .designDefault),
        proposalSearchDays: Sourced(56, .designDefault)
    )
}
