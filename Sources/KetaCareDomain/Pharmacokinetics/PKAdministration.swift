import Foundation

/// Why a concentration curve could not be computed, naming the input and what is allowed.
public struct PKError: FieldNamingError, Equatable {
    /// The input at fault (`weight_kg`, `times_min[2]`, `infusion_events[3]`).
    public let field: String
    /// What is wrong and what would be allowed.
    public let message: String

    /// Creates an error.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// One drug input, in minutes from the curve's time 0.
public enum PKAdministration: Sendable, Equatable {
    /// An IV bolus into the central compartment.
    case intravenousBolus(atMinute: Double, dose: Milligrams)
    /// An IV infusion as the pump ran it: start, pauses, rate changes, stop.
    case intravenousInfusion(InfusionRecord)
    /// An extravascular dose absorbed first-order (IM, SC, oral, sublingual; PK.md §3).
    case absorbed(atMinute: Double, dose: Milligrams, absorption: FirstOrderAbsorption)
    /// One esketamine nasal device; `deviceIndex` is its place in the session (0 = first) (PK.md §2.4).
    case nasalDevice(atMinute: Double, dose: Milligrams, deviceIndex: Int)
    /// An esketamine oral solution (Perez-Ruixo's PO arm).
    case oralSolution(atMinute: Double, dose: Milligrams)

    /// A constant-rate infusion of `dose` over `minutes`, starting at `atMinute`.
    public static func infusion(atMinute start: Double, dose: Milligrams, minutes: Double) -> PKAdministration {
        let rate = MilligramsPerHour(dose.value * 60 / Decimal(minutes))
        return .intravenousInfusion(
            InfusionRecord(events: [InfusionEvent(atMinute: start, action: .start(rate)), InfusionEvent(atMinute: start + minutes, action: .stop)])
        )
    }
}

/// What the pump did, in order (PK.md §6.1: piecewise-constant zero-order input).
public struct InfusionRecord: Sendable, Equatable {
    /// The events, in time order; the first must start the infusion and the last stop it.
    public var events: [InfusionEvent]

    /// Creates a record.
    public init(events: [InfusionEvent]) {
        self.events = events
    }

    /// The constant-rate pieces (start, end, mg/min) the events describe, or an error naming the bad event.
    public func segments() throws(PKError) -> [(start: Double, end: Double, mgPerMinute: Double)] {
        enum State { case idle, running(Double), paused(Double), stopped }
        var state = State.idle
        var segments: [(start: Double, end: Double, mgPerMinute: Double)] = []
        var runningSince = 0.0
        var previousTime = -Double.infinity
        for (index, event) in events.enumerated() {
            let field = "infusion_events[\(index)]"
            guard event.atMinute.isFinite, event.atMinute >= 0 else {
                throw PKError(field: field, message: "event times must be minutes ≥ 0")
            }
            guard event.atMinute >= previousTime else {
                throw PKError(field: field, message: "events must be in time order")
            }
            previousTime = event.atMinute
            func close(_ rate: Double) {
                if event.atMinute > runningSince { segments.append((runningSince, event.atMinute, rate)) }
            }
            switch (state, event.action) {
            case (.idle, .start(let rate)):
                state = .running(try Self.perMinute(rate, field: field))
                runningSince = event.atMinute
            case (.running(let rate), .rateChange(let new)):
                close(rate)
                state = .running(try Self.perMinute(new, field: field))
                runningSince = event.atMinute
            case (.paused, .rateChange(let new)):
                state = .paused(try Self.perMinute(new, field: field))
            case (.running(let rate), .pause):
                close(rate)
                state = .paused(rate)
            case (.paused(let rate), .resume):
                state = .running(rate)
                runningSince = event.atMinute
            case (.running(let rate), .stop):
                close(rate)
                state = .stopped
            case (.paused, .stop):
                state = .stopped
            default:
                throw PKError(field: field, message: "\(event.action.name) is not allowed here: start → (pause → resume | rate change)* → stop")
            }
        }
        guard case .stopped = state else {
            throw PKError(field: "infusion_events", message: "the record must start and end with stop (add the planned stop for a running infusion)")
        }
        return segments
    }

    /// The drug the record delivers, mg.
    public func deliveredMilligrams() throws(PKError) -> Double {
        try segments().reduce(0) { $0 + ($1.end - $1.start) * $1.mgPerMinute }
    }

    private static func perMinute(_ rate: MilligramsPerHour, field: String) throws(PKError) -> Double {
        guard rate.value > 0 else { throw PKError(field: field, message: "the rate must be greater than 0 mg/h") }
        return rate.doubleValue / 60
    }
}

/// One pump event.
public struct InfusionEvent: Sendable, Equatable {
    /// What the pump did.
    public enum Action: Sendable, Equatable {
        /// Started at a rate.
        case start(MilligramsPerHour)
        /// Changed rate (while running, or set the rate to resume with while paused).
        case rateChange(MilligramsPerHour)
        /// Paused.
        case pause
        /// Resumed at the last rate.
        case resume
        /// Stopped for good.
        case stop

        /// The action's name, for messages.
        var name: String {
            switch self {
            case .start: "start"
            case .rateChange: "rate change"
            case .pause: "pause"
            case .resume: "resume"
            case .stop: "stop"
            }
        }
    }

    /// Minutes from the curve's time 0.
    public var atMinute: Double
    /// The action.
    public var action: Action

    /// Creates an event.
    public init(atMinute: Double, action: Action) {
        self.atMinute = atMinute
        self.action = action
    }
}
