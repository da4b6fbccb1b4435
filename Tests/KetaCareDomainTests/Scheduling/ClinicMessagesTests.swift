import Foundation
import KetaCareDomain
import Testing

@Suite("Opening hours and patient reminders are clinic data: seeded, validated naming the field, older policies decode")
struct ClinicMessagesTests {
    @Test("the seeds are flagged as design defaults and valid")
    func seeds() throws {
        #expect(OpeningHours.seed.provenance == .designDefault)
        #expect(ReminderTemplate.seeds.map(\.kind) == ["fasting-and-escort", "appointment-reminder"])
        #expect(ReminderTemplate.seeds.map(\.hoursBefore) == [48, 24])
        #expect(ReminderTemplate.seeds.allSatisfy { $0.provenance == .designDefault })
        try SchedulePolicy.seed.validate()
        try ClinicPolicy.seed.validate()
    }

    @Test("{when} is filled in")
    func fillsInTheTime() {
        let reminder = ReminderTemplate(kind: "k", hoursBefore: 2, subject: "s", body: "At {when}, bring {when}.", provenance: .designDefault)
        #expect(reminder.text(when: "09:00") == "At 09:00, bring 09:00.")
    }

    static let badHours: [(OpeningHours, String)] = [
        (OpeningHours(opensAtHour: -1, closesAtHour: 19, weekdays: [2], provenance: .designDefault), "schedule.openingHours.opensAtHour"),
        (OpeningHours(opensAtHour: 24, closesAtHour: 25, weekdays: [2], provenance: .designDefault), "schedule.openingHours.opensAtHour"),
        (OpeningHours(opensAtHour: 9, closesAtHour: 9, weekdays: [2], provenance: .designDefault), "schedule.openingHours.closesAtHour"),
        (OpeningHours(opensAtHour: 9, closesAtHour: 25, weekdays: [2], provenance: .designDefault), "schedule.openingHours.closesAtHour"),
        (OpeningHours(opensAtHour: 9, closesAtHour: 17, weekdays: [2, 8], provenance: .designDefault), "schedule.openingHours.weekdays[1]"),
        (OpeningHours(opensAtHour: 9, closesAtHour: 17, weekdays: [0], provenance: .designDefault), "schedule.openingHours.weekdays[0]"),
    ]

    @Test("bad opening hours are refused naming the field", arguments: badHours)
    func badOpeningHours(_ hours: OpeningHours, field: String) {
        var policy = ClinicPolicy.seed
        policy.schedule.openingHours = hours
        #expect(throws: ValidationError.self) { try policy.validate() }
        do {
            try policy.validate()
        } catch {
            #expect(error.field == field)
        }
    }

    @Test("the edges of the allowed hours are accepted")
    func edges() throws {
        try OpeningHours(opensAtHour: 0, closesAtHour: 24, weekdays: [1, 7], provenance: .designDefault).validate()
        try OpeningHours(opensAtHour: 23, closesAtHour: 24, weekdays: [], provenance: .designDefault).validate()
        try ReminderTemplate(kind: "k", hoursBefore: 0, subject: "", body: "x", provenance: .designDefault).validate()
        try ReminderTemplate(kind: "k", hoursBefore: 720, subject: "", body: "x", provenance: .designDefault).validate()
    }

    static let badReminders: [(ReminderTemplate, String)] = [
        (ReminderTemplate(kind: "k", hoursBefore: -1, subject: "", body: "x", provenance: .designDefault), "schedule.reminders[1].hoursBefore"),
        (ReminderTemplate(kind: "k", hoursBefore: 721, subject: "", body: "x", provenance: .designDefault), "schedule.reminders[1].hoursBefore"),
        (ReminderTemplate(kind: "", hoursBefore: 1, subject: "", body: "x", provenance: .designDefault), "schedule.reminders[1].kind"),
        (ReminderTemplate(kind: "k", hoursBefore: 1, subject: "", body: "  ", provenance: .designDefault), "schedule.reminders[1].body"),
    ]

    @Test("bad reminders are refused naming the field", arguments: badReminders)
    func badReminder(_ reminder: ReminderTemplate, field: String) {
        var policy = ClinicPolicy.seed
        policy.schedule.reminders = [ReminderTemplate.seeds[0], reminder]
        do {
            try policy.validate()
            Issue.record("accepted \(reminder)")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test("a policy stored before opening hours and reminders existed decodes with their seeds")
    func olderPolicyDecodes() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(ClinicPolicy.seed)) as? [String: Any])
        var schedule = try #require(object["schedule"] as? [String: Any])
        schedule.removeValue(forKey: "openingHours")
        schedule.removeValue(forKey: "reminders")
        object["schedule"] = schedule
        let decoded = try JSONDecoder().decode(ClinicPolicy.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.schedule.openingHours == .seed)
        #expect(decoded.schedule.reminders == ReminderTemplate.seeds)
        #expect(decoded == ClinicPolicy.seed)
    }

    @Test("opening intervals: open weekdays only, at the clinic's hours, a 24:00 close ends at midnight")
    func intervals() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let sunday = try #require(calendar.date(from: DateComponents(year: 2026, month: 11, day: 22)))  // a Sunday
        let week = OpeningHours.seed.intervals(from: sunday, to: sunday.addingTimeInterval(7 * 86_400), calendar: calendar)
        #expect(week.count == 6)  // Monday–Saturday
        #expect(week.first?.start == sunday.addingTimeInterval(86_400 + 7 * 3600))
        #expect(week.first?.end == sunday.addingTimeInterval(86_400 + 19 * 3600))
        let late = OpeningHours(opensAtHour: 20, closesAtHour: 24, weekdays: [1], provenance: .designDefault)
        #expect(
            late.intervals(from: sunday, to: sunday.addingTimeInterval(86_400), calendar: calendar)
                == [DateInterval(start: sunday.addingTimeInterval(20 * 3600), end: sunday.addingTimeInterval(86_400))])
    }
}
