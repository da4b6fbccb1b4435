public import Foundation

/// Opening hours for chairs and nurses until the clinic keeps a roster: the same hours every open weekday, in clinic time.
public struct OpeningHours: Codable, Sendable, Equatable {
    /// Hour of the day the first session may start (0–23).
    public var opensAtHour: Int
    /// Hour of the day the last session must end (1–24, after `opensAtHour`).
    public var closesAtHour: Int
    /// Open weekdays, 1 = Sunday … 7 = Saturday (Gregorian calendar numbering).
    public var weekdays: [Int]
    /// Where the hours came from.
    public var provenance: Provenance

    /// Creates opening hours.
    public init(opensAtHour: Int, closesAtHour: Int, weekdays: [Int], provenance: Provenance) {
        self.opensAtHour = opensAtHour
        self.closesAtHour = closesAtHour
        self.weekdays = weekdays
        self.provenance = provenance
    }

    /// Monday–Saturday 07:00–19:00: a DESIGN DEFAULT for the clinic to set.
    public static let seed = OpeningHours(opensAtHour: 7, closesAtHour: 19, weekdays: [2, 3, 4, 5, 6, 7], provenance: .designDefault)

    /// Opening intervals for every day from `start` to `end` in `calendar`'s time zone.
    public func intervals(from start: Date, to end: Date, calendar: Calendar) -> [DateInterval] {
        var out: [DateInterval] = []
        var day = calendar.startOfDay(for: start)
        while day < end {
            if weekdays.contains(calendar.component(.weekday, from: day)),
                let open = calendar.date(bySettingHour: opensAtHour, minute: 0, second: 0, of: day),
                let close = closesAtHour == 24
                    ? calendar.date(byAdding: .day, value: 1, to: day)
                    : calendar.date(bySettingHour: closesAtHour, minute: 0, second: 0, of: day)
            {
                out.append(DateInterval(start: open, end: close))
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return out
    }

    /// The first problem, naming its field.
    public func validate() throws(ValidationError) {
        guard (0...23).contains(opensAtHour) else {
            throw ValidationError(field: "opensAtHour", message: "opensAtHour must be 0–23; got \(opensAtHour)")
        }
        guard (opensAtHour + 1...24).contains(closesAtHour) else {
            throw ValidationError(
                field: "closesAtHour", message: "closesAtHour must be \(opensAtHour + 1)–24 (after opensAtHour); got \(closesAtHour)")
        }
        for (index, day) in weekdays.enumerated() where !(1...7).contains(day) {
            throw ValidationError(field: "weekdays[\(index)]", message: "weekdays[\(index)] must be 1 (Sunday) – 7 (Saturday); got \(day)")
        }
    }
}

/// A message queued for the patient before each booked session (the outbox sends it), as clinic-editable text.
public struct ReminderTemplate: Codable, Sendable, Equatable {
    /// Stable kind shown on the outbox page (`fasting-and-escort`, `appointment-reminder`).
    public var kind: String
    /// Hours before the session start it is due (sent at once when the booking is made later than that).
    public var hoursBefore: Int
    /// Subject line (e-mail).
    public var subject: String
    /// Message text; `{when}` is replaced by the session's start time.
    public var body: String
    /// Where the wording came from.
    public var provenance: Provenance

    /// Creates a reminder.
    public init(kind: String, hoursBefore: Int, subject: String, body: String, provenance: Provenance) {
        self.kind = kind
        self.hoursBefore = hoursBefore
        self.subject = subject
        self.body = body
        self.provenance = provenance
    }

    /// The text with the session time filled in.
    public func text(when: String) -> String {
        body.replacingOccurrences(of: "{when}", with: when)
    }

    /// The seeded reminders. The escort and no-driving wording follows DOMAIN.md §3.5 (no safe transport home) and §7.4;
    /// the fasting interval and both lead times are DESIGN DEFAULTS for the clinic to review.
    public static let seeds: [ReminderTemplate] = [
        ReminderTemplate(
            kind: "fasting-and-escort", hoursBefore: 48, subject: "Before your treatment",
            body:
                "Please do not eat for 2 hours before your session, and arrange for someone to take you home: you must not drive until the next day. Session: {when}.",
            provenance: .designDefault),
        ReminderTemplate(
            kind: "appointment-reminder", hoursBefore: 24, subject: "Appointment reminder",
            body: "Reminder: your treatment session is at {when}. Reply or call the clinic to change it.", provenance: .designDefault),
    ]

    /// The first problem, naming its field.
    public func validate() throws(ValidationError) {
        guard !kind.isEmpty, kind.count <= 40 else { throw ValidationError(field: "kind", message: "kind must be 1–40 characters") }
        guard (0...720).contains(hoursBefore) else {
            throw ValidationError(field: "hoursBefore", message: "hoursBefore must be 0–720 hours; got \(hoursBefore)")
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, body.count <= 1_000 else {
            throw ValidationError(field: "body", message: "body must be 1–1000 characters")
        }
    }
}
