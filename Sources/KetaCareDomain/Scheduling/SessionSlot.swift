public import Foundation

/// A treatment chair or room that can be booked.
public struct ChairID: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The stored identifier.
    public let rawValue: String

    /// Wraps a stored identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A nurse who monitors a session, by username (the same name the audit trail records).
public struct NurseID: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The staff username.
    public let rawValue: String

    /// Wraps a staff username.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A proposed or booked dosing session: when, where, who monitors it and by which route.
public struct SessionSlot: Codable, Sendable, Equatable, Hashable {
    /// How long a chair booking can last, in minutes: from a 15-minute check to a 12-hour clinic day (a physical bound,
    /// not a clinical default: the plan template's chair minutes sets the usual length).
    public static let minutesRange = 15...720

    /// When the patient takes the chair.
    public var start: Date
    /// When the chair is free again (end of observation).
    public var end: Date
    /// The chair or room.
    public var chairID: ChairID
    /// The monitoring nurse.
    public var nurseID: NurseID
    /// The route given in this session.
    public var route: DosingRoute

    /// Creates a slot.
    public init(start: Date, end: Date, chairID: ChairID, nurseID: NurseID, route: DosingRoute) {
        self.start = start
        self.end = end
        self.chairID = chairID
        self.nurseID = nurseID
        self.route = route
    }

    /// Whether this slot's time overlaps `other`'s (touching end-to-start does not overlap).
    public func overlaps(_ other: SessionSlot) -> Bool {
        start < other.end && other.start < end
    }
}

/// A day of the week, numbered as `Calendar` numbers them (Sunday = 1).
public enum Weekday: Int, Codable, Sendable, CaseIterable, Comparable {
    /// Sunday (1) through Saturday (7).
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A wall-clock time in the clinic's time zone.
public struct TimeOfDay: Codable, Sendable, Equatable, Hashable {
    /// Hour, 0–23.
    public var hour: Int
    /// Minute, 0–59.
    public var minute: Int

    /// Creates a time, naming `field` when it is not a real wall-clock time.
    public init(hour: Int, minute: Int = 0, field: String = "time") throws(SchedulingError) {
        guard (0...23).contains(hour), (0...59).contains(minute) else {
            throw SchedulingError(field: field, message: "\(field) must be a time from 00:00 to 23:59; got \(hour):\(minute)")
        }
        self.hour = hour
        self.minute = minute
    }
}
