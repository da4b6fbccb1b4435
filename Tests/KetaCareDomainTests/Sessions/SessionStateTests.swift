import Foundation
import KetaCareDomain
import Testing

@Suite("Session state machine: every legal and illegal transition (issue #5 run-sheet)")
struct SessionStateTests {
    typealias F = SessionFixture
    static let stop = SessionState.stoppedEarly(reason: "patient declined")
    static let all: [SessionState] = SessionState.path + [stop]

    static let legalForward: [(SessionState, SessionState)] = [
        (.checkedIn, .preDoseChecks), (.preDoseChecks, .dosing), (.dosing, .monitoring), (.monitoring, .recovery),
        (.recovery, .readyForDischarge), (.readyForDischarge, .discharged),
    ]
    static let active: [SessionState] = [.checkedIn, .preDoseChecks, .dosing, .monitoring, .recovery, .readyForDischarge]

    static func isLegal(_ from: SessionState, _ to: SessionState) -> Bool {
        if legalForward.contains(where: { $0 == from && $1 == to }) { return true }
        if case .stoppedEarly = to, active.contains(from) { return true }
        return false
    }

    static let allPairs: [(SessionState, SessionState)] = all.flatMap { from in all.map { (from, $0) } }

    @Test("Legal steps return an attributed, timestamped transition", arguments: legalForward + active.map { ($0, stop) })
    func legal(from: SessionState, to: SessionState) throws {
        let step = try from.transition(to: to, by: "nurse-7", role: .nurse, at: F.at(12), reason: nil)
        #expect(step.from == from)
        #expect(step.to == to)
        #expect(step.by == "nurse-7")
        #expect(step.role == .nurse)
        #expect(step.at == F.at(12))
        if case .stoppedEarly = to { #expect(step.reason == "patient declined") } else { #expect(step.reason == nil) }
    }

    @Test("Every other pair is refused, naming from and to", arguments: allPairs.filter { !isLegal($0.0, $0.1) })
    func illegal(from: SessionState, to: SessionState) {
        #expect(!from.canMove(to: to))
        let error = #expect(throws: SessionError.self) {
            try from.transition(to: to, by: "nurse-7", role: .nurse, at: F.at(12))
        }
        #expect(error?.kind == .illegalTransition)
        #expect(error?.field == "state")
        #expect(error?.message.contains("from \(from.name) to \(to.name)") == true)
    }

    @Test("The table covers all 64 pairs: 12 legal, 52 illegal")
    func counts() {
        #expect(Self.allPairs.count == 64)
        #expect(Self.allPairs.filter { Self.isLegal($0.0, $0.1) }.count == 12)
    }

    @Test("Roles outside the policy are refused", arguments: [Role.frontdesk, .compliance, .admin])
    func roleRefused(role: Role) {
        let error = #expect(throws: SessionError.self) {
            try SessionState.checkedIn.transition(to: .preDoseChecks, by: "u1", role: role, at: F.t0)
        }
        #expect(error?.kind == .roleNotAllowed)
        #expect(error?.field == "role")
    }

    @Test("Prescribers may take steps too")
    func prescriber() throws {
        let step = try SessionState.readyForDischarge.transition(to: .discharged, by: "dr-1", role: .prescriber, at: F.at(100))
        #expect(step.to == .discharged)
    }

    @Test("Stopping early needs a non-blank reason", arguments: ["", "   "])
    func blankStopReason(reason: String) {
        let error = #expect(throws: SessionError.self) {
            try SessionState.dosing.transition(to: .stoppedEarly(reason: reason), by: "n1", role: .nurse, at: F.t0)
        }
        #expect(error?.field == "reason")
        #expect(error?.kind == .missing)
    }

    @Test("A blank staff identifier is refused")
    func blankStaff() {
        let error = #expect(throws: SessionError.self) {
            try SessionState.checkedIn.transition(to: .preDoseChecks, by: " ", role: .nurse, at: F.t0)
        }
        #expect(error?.field == "by")
    }

    @Test("Terminal states and the path's order")
    func terminal() {
        #expect(SessionState.discharged.isTerminal)
        #expect(Self.stop.isTerminal)
        #expect(SessionState.initial == .checkedIn)
        #expect(SessionState.discharged.next == nil)
        #expect(SessionState.recovery.next == .readyForDischarge)
    }

    @Test("A transition round-trips through JSON, reason included")
    func codable() throws {
        let step = try SessionState.monitoring.transition(to: Self.stop, by: "n1", role: .nurse, at: F.at(30))
        let decoded = try JSONDecoder().decode(SessionTransition.self, from: JSONEncoder().encode(step))
        #expect(decoded == step)
    }
}
