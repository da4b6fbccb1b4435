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
    /// Hours chairs and nurses are available until a roster exists.
    public var openingHours: OpeningHours
    /// Messages queued for the patient before each booked session.
    public var reminders: [ReminderTemplate]

    /// Creates a schedule policy.
    public init(
        minSpacing: SpacingRule,
        weeklyWindowDays: Sourced<Int>,
        maxConcurrentSessionsPerNurse: Sourced<Int>,
        escortSeverity: Sourced<BookingSeverity>,
        proposalSearchDays: Sourced<Int>,
        openingHours: OpeningHours = .seed,
        reminders: [ReminderTemplate] = ReminderTemplate.seeds
    ) {
        self.minSpacing = minSpacing
        self.weeklyWindowDays = weeklyWindowDays
        self.maxConcurrentSessionsPerNurse = maxConcurrentSessionsPerNurse
        self.escortSeverity = escortSeverity
        self.proposalSearchDays = proposalSearchDays
        self.openingHours = openingHours
        self.reminders = reminders
    }

    private enum CodingKeys: String, CodingKey {
        case minSpacing, weeklyWindowDays, maxConcurrentSessionsPerNurse, escortSeverity, proposalSearchDays, openingHours, reminders
    }

    /// Decodes a stored policy; areas added after it was saved (opening hours, reminders) take their seeds.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minSpacing = try c.decode(SpacingRule.self, forKey: .minSpacing)
        weeklyWindowDays = try c.decode(Sourced<Int>.self, forKey: .weeklyWindowDays)
        maxConcurrentSessionsPerNurse = try c.decode(Sourced<Int>.self, forKey: .maxConcurrentSessionsPerNurse)
        escortSeverity = try c.decode(Sourced<BookingSeverity>.self, forKey: .escortSeverity)
        proposalSearchDays = try c.decode(Sourced<Int>.self, forKey: .proposalSearchDays)
        openingHours = try c.decodeIfPresent(OpeningHours.self, forKey: .openingHours) ?? .seed
        reminders = try c.decodeIfPresent([ReminderTemplate].self, forKey: .reminders) ?? ReminderTemplate.seeds
    }

    /// The first problem in the opening hours or the reminders, naming its field.
    public func validate() throws(ValidationError) {
        do {
            try openingHours.validate()
        } catch {
            throw ValidationError(field: "openingHours.\(error.field)", message: error.message)
        }
        for (index, reminder) in reminders.enumerated() {
            do {
                try reminder.validate()
            } catch {
                throw ValidationError(field: "reminders[\(index)].\(error.field)", message: error.message)
            }
        }
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
