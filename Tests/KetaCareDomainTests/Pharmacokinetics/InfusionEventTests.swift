import Foundation
import KetaCareDomain
import Testing

@Suite("Actual dosing events: start, pause, resume, rate change, stop (PK.md §6.1)")
struct InfusionEventTests {
    typealias F = PKFixture
    static let times = F.grid(through: 240, step: 1)
    static let rate = MilligramsPerHour(Decimal(string: "52.5")!)  // 35 mg over 40 min

    func simulate(_ administrations: [PKAdministration]) throws -> [Double] {
        try PKSimulator.simulate(model: .fantaOtto2021, administrations: administrations, weight: 70, timesMinutes: Self.times).parent
            .concentrationsNgPerML
    }

    func agree(_ a: [Double], _ b: [Double]) {
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-9 * max(abs(y), 1)) }
    }

    @Test("A 10-minute pause equals two back-to-back infusions (superposition); the peak moves to the real end")
    func pause() throws {
        let record = InfusionRecord(events: [
            InfusionEvent(atMinute: 0, action: .start(Self.rate)),
            InfusionEvent(atMinute: 20, action: .pause),
            InfusionEvent(atMinute: 30, action: .resume),
            InfusionEvent(atMinute: 50, action: .stop),
        ])
        #expect(abs(try record.deliveredMilligrams() - 35) < 1e-9)
        let paused = try simulate([.intravenousInfusion(record)])
        let pieces = try simulate([
            .infusion(atMinute: 0, dose: Milligrams(Decimal(string: "17.5")!), minutes: 20),
            .infusion(atMinute: 30, dose: Milligrams(Decimal(string: "17.5")!), minutes: 20),
        ])
        agree(paused, pieces)
        #expect(paused[25] < paused[20])  // falling during the pause
        let top = paused.indices.max { paused[$0] < paused[$1] }!
        #expect(Self.times[top] == 50)
    }

    @Test("A rate change equals a base infusion plus a second one on top")
    func rateChange() throws {
        let record = InfusionRecord(events: [
            InfusionEvent(atMinute: 0, action: .start(Self.rate)),
            InfusionEvent(atMinute: 20, action: .rateChange(Self.rate + Self.rate)),
            InfusionEvent(atMinute: 40, action: .stop),
        ])
        #expect(abs(try record.deliveredMilligrams() - 52.5) < 1e-9)
        let changed = try simulate([.intravenousInfusion(record)])
        let summed = try simulate([
            .infusion(atMinute: 0, dose: 35, minutes: 40),
            .infusion(atMinute: 20, dose: Milligrams(Decimal(string: "17.5")!), minutes: 20),
        ])
        agree(changed, summed)
    }

    @Test("A rate changed while paused applies on resume; stop while paused ends it")
    func changeWhilePaused() throws {
        let record = InfusionRecord(events: [
            InfusionEvent(atMinute: 0, action: .start(60)),
            InfusionEvent(atMinute: 10, action: .pause),
            InfusionEvent(atMinute: 12, action: .rateChange(120)),
            InfusionEvent(atMinute: 15, action: .resume),
            InfusionEvent(atMinute: 25, action: .pause),
            InfusionEvent(atMinute: 30, action: .stop),
        ])
        let segments = try record.segments()
        #expect(segments.map(\.start) == [0, 15])
        #expect(segments.map(\.end) == [10, 25])
        #expect(segments.map(\.mgPerMinute) == [1, 2])
        #expect(try record.deliveredMilligrams() == 30)
    }

    @Test("The predictor uses the actual record instead of the planned duration")
    func predictorUsesRecord() throws {
        let events = [
            InfusionEvent(atMinute: 0, action: .start(Self.rate)),
            InfusionEvent(atMinute: 20, action: .pause),
            InfusionEvent(atMinute: 30, action: .resume),
            InfusionEvent(atMinute: 50, action: .stop),
        ]
        let prediction = try PKPredictor.predict(
            PKRequest(route: .intravenous, dose: .fixed(35), weight: 70, infusionEvents: events, timesMinutes: [20, 50])
        )
        #expect(prediction.peak.minute == 50)
    }

    struct BadRecord: Sendable, CustomTestStringConvertible {
        let label: String
        let events: [InfusionEvent]
        let field: String
        var testDescription: String { label }
    }

    static let bad: [BadRecord] = [
        BadRecord(label: "no start", events: [InfusionEvent(atMinute: 0, action: .pause)], field: "infusion_events[0]"),
        BadRecord(label: "no stop", events: [InfusionEvent(atMinute: 0, action: .start(60))], field: "infusion_events"),
        BadRecord(
            label: "resume while running", events: [InfusionEvent(atMinute: 0, action: .start(60)), InfusionEvent(atMinute: 5, action: .resume)],
            field: "infusion_events[1]"),
        BadRecord(
            label: "out of order", events: [InfusionEvent(atMinute: 10, action: .start(60)), InfusionEvent(atMinute: 5, action: .stop)],
            field: "infusion_events[1]"),
        BadRecord(
            label: "zero rate", events: [InfusionEvent(atMinute: 0, action: .start(0)), InfusionEvent(atMinute: 5, action: .stop)],
            field: "infusion_events[0]"),
        BadRecord(
            label: "negative time", events: [InfusionEvent(atMinute: -1, action: .start(60)), InfusionEvent(atMinute: 5, action: .stop)],
            field: "infusion_events[0]"),
        BadRecord(
            label: "event after stop",
            events: [
                InfusionEvent(atMinute: 0, action: .start(60)), InfusionEvent(atMinute: 5, action: .stop),
                InfusionEvent(atMinute: 6, action: .start(60)),
            ], field: "infusion_events[2]"),
    ]

    @Test("Impossible records name the event", arguments: bad)
    func badRecords(_ c: BadRecord) {
        do {
            _ = try InfusionRecord(events: c.events).segments()
            Issue.record("expected an error")
        } catch {
            #expect(error.field == c.field)
        }
    }
}
