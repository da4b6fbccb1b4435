import Foundation
import KetaCareDomain
import Testing

@Suite("Long-term safety watch: cumulative windows, flags, check-ins, misuse patterns")
struct SafetyWatchTests {
    typealias F = SessionFixture
    let policy = SessionFixture.policy.safetyWatch

    /// An attended 0.5 mg/kg session at 80 kg (40 mg) `daysAgo` days before t0.
    static func iv(_ daysAgo: Double, early: Bool = false) -> PastSession {
        PastSession(date: F.day(-daysAgo), dose: 40, weight: 80, attended: true, requestedEarly: early, product: .racemicKetamine)
    }

    static func missed(_ daysAgo: Double) -> PastSession {
        PastSession(date: F.day(-daysAgo), dose: nil, weight: nil, attended: false)
    }

    @Test("A window of N days excludes a session exactly N days ago and includes one a second later", arguments: [7.0, 30, 90])
    func boundary(days: Double) throws {
        let sessions = [Self.iv(days), Self.iv(days - 1.0 / 86_400)]
        let watch = SafetyWatch.compute(sessions: sessions, lastCheckIns: [:], now: F.t0, policy: policy)
        let window = try #require(watch.windows.first { $0.days == Int(days) })
        #expect(window.sessions == 1)
        #expect(window.milligrams == Milligrams(40))
        #expect(window.milligramsPerKilogram == MilligramsPerKilogram(Decimal(string: "0.5")!))
    }

    @Test("A session at `now` counts; a future one does not")
    func edges() {
        let watch = SafetyWatch.compute(sessions: [Self.iv(0), Self.iv(-1)], lastCheckIns: [:], now: F.t0, policy: policy)
        #expect(watch.windows.map(\.sessions) == [1, 1, 1])
    }

    @Test("Totals per window in typed mg and mg/kg, with per-session weights")
    func totals() {
        let sessions = [
            Self.iv(1), Self.iv(3), PastSession(date: F.day(-10), dose: 50, weight: 100, attended: true),
            PastSession(date: F.day(-40), dose: 84, weight: nil, attended: true), Self.missed(2), Self.missed(50),
        ]
        let watch = SafetyWatch.compute(sessions: sessions, lastCheckIns: [:], now: F.t0, policy: policy)
        #expect(watch.windows.map(\.days) == [7, 30, 90])
        #expect(watch.windows.map(\.milligrams) == [80, 130, 214])
        #expect(
            watch.windows.map(\.milligramsPerKilogram) == [
                1, MilligramsPerKilogram(Decimal(string: "1.5")!), MilligramsPerKilogram(Decimal(string: "1.5")!),
            ])
        #expect(watch.windows.map(\.sessions) == [2, 3, 4])
        #expect(watch.windows.map(\.missed) == [1, 1, 2])
    }

    @Test(
        "Flags fire only strictly above the limit",
        arguments: [
            // (sessions in the last 7 days, expect sessions.7d flag)
            (3, false), (4, true),
        ])
    func sessionFlag(count: Int, flagged: Bool) {
        let sessions = (0..<count).map { Self.iv(Double($0) + 0.5) }
        let flags = SafetyWatch.compute(sessions: sessions, lastCheckIns: [:], now: F.t0, policy: policy).flags.map(\.key)
        #expect(flags.contains("watch.sessions.7d") == flagged)
    }

    @Test("mg/kg over 7 days: 1.5 is at the limit, above it flags")
    func mgPerKgFlag() {
        let three = [Self.iv(1), Self.iv(2), Self.iv(3)]
        #expect(!SafetyWatch.compute(sessions: three, lastCheckIns: [:], now: F.t0, policy: policy).flags.contains { $0.key == "watch.mg_per_kg.7d" })
        let more = three + [PastSession(date: F.day(-4), dose: 1, weight: 80, attended: true, product: .racemicKetamine)]
        let flag = SafetyWatch.compute(sessions: more, lastCheckIns: [:], now: F.t0, policy: policy).flags.first { $0.key == "watch.mg_per_kg.7d" }
        #expect(flag?.value == Decimal(string: "1.5125"))
        #expect(flag?.provenance == .designDefault)
    }

    @Test("mg over 7 days: two 84 mg sessions at the limit, a third flags")
    func mgFlag() {
        let two = [84, 84].enumerated().map {
            PastSession(date: F.day(-Double($0.offset + 1)), dose: Milligrams($0.element), weight: nil, attended: true, product: .esketamine)
        }
        #expect(!SafetyWatch.compute(sessions: two, lastCheckIns: [:], now: F.t0, policy: policy).flags.contains { $0.key == "watch.mg.7d" })
        let three = two + [PastSession(date: F.day(-3), dose: 28, weight: nil, attended: true, product: .esketamine)]
        #expect(SafetyWatch.compute(sessions: three, lastCheckIns: [:], now: F.t0, policy: policy).flags.contains { $0.key == "watch.mg.7d" })
    }

    @Test("Misuse patterns: missed sessions and early requests in 90 days")
    func misuse() {
        var sessions = [Self.missed(10), Self.missed(20), Self.iv(5, early: true)]
        var keys = SafetyWatch.compute(sessions: sessions, lastCheckIns: [:], now: F.t0, policy: policy).flags.map(\.key)
        #expect(!keys.contains("watch.missed.90d"))
        #expect(!keys.contains("watch.early_requests.90d"))
        sessions += [Self.missed(89), Self.iv(12, early: true)]
        keys = SafetyWatch.compute(sessions: sessions, lastCheckIns: [:], now: F.t0, policy: policy).flags.map(\.key)
        #expect(keys.contains("watch.missed.90d"))
        #expect(keys.contains("watch.early_requests.90d"))
        // The same missed session 90 days ago has left the window.
        sessions[3] = Self.missed(90)
        keys = SafetyWatch.compute(sessions: sessions, lastCheckIns: [:], now: F.t0, policy: policy).flags.map(\.key)
        #expect(!keys.contains("watch.missed.90d"))
    }

    @Test("Check-ins: due at the interval's end, never-done due from the first session")
    func checkIns() throws {
        let due = { (last: Date?) in
            SafetyWatch.compute(
                sessions: [Self.iv(100)], lastCheckIns: last.map { [.bladder: $0, .cognition: $0] } ?? [:], now: F.t0, policy: policy
            )
            .checkIns
        }
        let exactly = due(F.day(-90))
        #expect(exactly.first { $0.kind == .bladder }?.isDue == true)
        #expect(exactly.first { $0.kind == .cognition }?.isDue == false)
        #expect(exactly.first { $0.kind == .cognition }?.dueAt == F.day(90))
        let almost = due(F.day(-89.99))
        #expect(almost.first { $0.kind == .bladder }?.isDue == false)
        let never = due(nil)
        #expect(never.allSatisfy { $0.isDue && $0.dueAt == F.day(-100) })
    }
}
