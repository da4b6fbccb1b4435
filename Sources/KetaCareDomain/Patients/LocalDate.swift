public import Foundation

/// A calendar date with no time zone (a date of birth, a measurement day), written `YYYY-MM-DD`.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, refusing impossible ones (30 February) with the field named.
    public init(year: Int, month: Int, day: Int, field: String = "date") throws(ValidationError) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...LocalDate.daysIn(month: month, year: year)).contains(day) else {
            throw ValidationError(field: field, message: "\(field) is not a real calendar date (use YYYY-MM-DD)")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (or the US `MM/DD/YYYY`), naming `field` when the text is not a date.
    public static func parse(_ text: String, field: String = "date") throws(ValidationError) -> LocalDate {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let iso = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if iso.count == 3, iso[0].count == 4, let y = Int(iso[0]), let m = Int(iso[1]), let d = Int(iso[2]), iso[1].count == 2, iso[2].count == 2 {
            return try LocalDate(year: y, month: m, day: d, field: field)
        }
        let us = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if us.count == 3, us[2].count == 4, let m = Int(us[0]), let d = Int(us[1]), let y = Int(us[2]) {
            return try LocalDate(year: y, month: m, day: d, field: field)
        }
        throw ValidationError(field: field, message: "\(field) must be a date written YYYY-MM-DD; got '\(text)'")
    }

    /// The UTC calendar day containing `date`.
    public init(utcDayOf date: Date) {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let (y, m, d) = LocalDate.civil(fromDays: days)
        self.year = y
        self.month = m
        self.day = d
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Whole years from this date to `today` (birthdays count on the day).
    public func age(on today: LocalDate) -> Int {
        var years = today.year - year
        if (today.month, today.day) < (month, day) { years -= 1 }
        return years
    }

    /// Days since 1970-01-01, for arithmetic.
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` later (or earlier when negative).
    public func adding(days: Int) -> LocalDate {
        let (y, m, d) = LocalDate.civil(fromDays: daysSinceEpoch + days)
        return LocalDate(unchecked: y, m, d)
    }

    /// The instant this day begins in `timeZone` (local midnight).
    public func startOfDay(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let utcMidnight = Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400)
        let components = DateComponents(year: year, month: month, day: day)
        return calendar.date(from: components) ?? utcMidnight
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let field = decoder.codingPath.last?.stringValue ?? "date"
        self = try LocalDate.parse(text, field: field)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
