public import Foundation

/// When chairs are open and nurses are on shift; a slot must lie wholly inside one interval of each.
public struct ResourceAvailability: Sendable, Equatable {
    /// Opening intervals per chair; a chair not listed cannot be booked.
    public var chairs: [ChairID: [DateInterval]]
    /// Shift intervals per nurse; a nurse not listed is not working.
    public var nurses: [NurseID: [DateInterval]]

    /// Creates availability.
    public init(chairs: [ChairID: [DateInterval]], nurses: [NurseID: [DateInterval]]) {
        self.chairs = chairs
        self.nurses = nurses
    }

    /// Whether `chair` is open for the whole of `start..<end`.
    public func isChairOpen(_ chair: ChairID, from start: Date, to end: Date) -> Bool {
        Self.covers(chairs[chair] ?? [], start: start, end: end)
    }

    /// Whether `nurse` is on shift for the whole of `start..<end`.
    public func isNurseOnShift(_ nurse: NurseID, from start: Date, to end: Date) -> Bool {
        Self.covers(nurses[nurse] ?? [], start: start, end: end)
    }

    private static func covers(_ intervals: [DateInterval], start: Date, end: Date) -> Bool {
        intervals.contains { $0.start <= start && end <= $0.end }
    }
}
