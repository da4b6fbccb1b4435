import Foundation
import KetaCareDomain
import Testing

@Suite("Rescheduling and cancellation carry a reason and are refused when impossible (issue #4)")
struct BookingChangeTests {
    typealias F = PlanFixture
    typealias S = SchedulingFixture

    static let booking = S.booking("b1", S.slot(F.at(2026, 3, 4)))
    static let before = F.at(2026, 3, 3)

    @Test("reschedule moves the slot and keeps from, to, who, when and why")
    func reschedule() throws {
        let to = S.slot(F.at(2026, 3, 5), chair: S.c2)
        let change = try BookingChange.reschedule(
            Self.booking, to: to, reason: " patient unwell ", by: "front.desk", role: .frontdesk, at: Self.before)
        #expect(change.kind == .rescheduled(from: Self.booking.slot, to: to))
        #expect(change.reason == "patient unwell")
        #expect(change.changedBy == "front.desk" && change.role == .frontdesk && change.changedAt == Self.before)
        #expect(try Self.booking.applying(change).slot == to)
    }

    @Test("cancel marks the booking cancelled")
    func cancel() throws {
        let change = try BookingChange.cancel(Self.booking, reason: "no transport", by: "front.desk", role: .frontdesk, at: Self.before)
        let cancelled = try Self.booking.applying(change)
        #expect(cancelled.status == .cancelled && !cancelled.isActive)
        #expect(change.kind == .cancelled(slot: Self.booking.slot))
        do {
            _ = try BookingChange.cancel(cancelled, reason: "again", by: "front.desk", role: .frontdesk, at: Self.before)
            Issue.record("cancelling twice must fail")
        } catch { #expect(error.field == "status") }
        do {
            _ = try cancelled.applying(change)
            Issue.record("changing a cancelled booking must fail")
        } catch { #expect(error.field == "status") }
    }

    /// A bad change and the field its refusal names.
    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        let reason: String
        let at: Date
        let to: SessionSlot?
        let field: String
        var testDescription: String { name }
    }

    static let bad: [BadCase] = [
        BadCase(name: "empty reason", reason: "", at: before, to: nil, field: "reason"),
        BadCase(name: "blank reason", reason: " \n", at: before, to: S.slot(F.at(2026, 3, 5)), field: "reason"),
        BadCase(name: "session already started", reason: "late", at: F.at(2026, 3, 4), to: nil, field: "slot.start"),
        BadCase(name: "new slot ends before it starts", reason: "move", at: before, to: S.slot(F.at(2026, 3, 5), hours: -1), field: "slot.end"),
    ]

    @Test("refusals name the field", arguments: bad)
    func refusals(_ c: BadCase) {
        do {
            if let to = c.to {
                _ = try BookingChange.reschedule(Self.booking, to: to, reason: c.reason, by: "u", role: .nurse, at: c.at)
            } else {
                _ = try BookingChange.cancel(Self.booking, reason: c.reason, by: "u", role: .nurse, at: c.at)
            }
            Issue.record("expected a refusal naming \(c.field)")
        } catch {
            #expect(error.field == c.field)
        }
    }

    @Test("a change for another booking is refused")
    func wrongBooking() throws {
        let change = try BookingChange.cancel(Self.booking, reason: "x", by: "u", role: .nurse, at: Self.before)
        let other = S.booking("b2", S.slot(F.at(2026, 3, 6)))
        #expect(throws: SchedulingError.self) { try other.applying(change) }
    }

    @Test("changes survive a JSON round trip")
    func roundTrip() throws {
        let change = try BookingChange.reschedule(Self.booking, to: S.slot(F.at(2026, 3, 5)), reason: "x", by: "u", role: .nurse, at: Self.before)
        #expect(try JSONDecoder().decode(BookingChange.self, from: JSONEncoder().encode(change)) == change)
    }
}
