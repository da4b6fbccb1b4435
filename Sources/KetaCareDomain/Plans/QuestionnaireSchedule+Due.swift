public import Foundation

/// A questionnaire already answered: which instrument, when, and in which context.
public struct CompletedMeasurement: Sendable, Equatable {
    /// Instrument id (`gad7`; `GAD-7` is accepted too).
    public var instrumentID: String
    /// When it was completed.
    public var completedAt: Date
    /// The context it was recorded with.
    public var context: MeasurementContext

    /// Creates a completion record.
    public init(instrumentID: String, completedAt: Date, context: MeasurementContext) {
        self.instrumentID = instrumentID
        self.completedAt = completedAt
        self.context = context
    }
}

/// Where a scheduled questionnaire stands at `now`.
public enum DueStatus: Sendable, Equatable {
    /// Not yet due (it may already be open for answering).
    case upcoming
    /// Due, within its grace period.
    case due
    /// Past its grace period and still accepted.
    case overdue
    /// Its window closed without a completion.
    case missed
    /// Answered inside its window.
    case completed(at: Date)

    /// The stored and API form.
    public var code: String {
        switch self {
        case .upcoming: "upcoming"
        case .due: "due"
        case .overdue: "overdue"
        case .missed: "missed"
        case .completed: "completed"
        }
    }
}

/// One instrument the schedule asks for, with its window and status at `now`.
public struct DueMeasurement: Sendable, Equatable {
    /// The rule that produced it.
    public var ruleID: String
    /// Normalised instrument id (`gad7`).
    public var instrumentID: String
    /// The context a completion must carry.
    public var context: MeasurementContext
    /// The session start or weekly occurrence the window is counted from.
    public var anchor: Date
    /// From when a completion counts.
    public var opensAt: Date
    /// When it is due.
    public var dueAt: Date
    /// When it turns overdue (due + grace).
    public var overdueFrom: Date
    /// When a completion no longer counts.
    public var closesAt: Date
    /// Where it stands at `now`.
    public var status: DueStatus

    /// Creates a due item.
    public init(
        ruleID: String, instrumentID: String, context: MeasurementContext, anchor: Date,
        opensAt: Date, dueAt: Date, overdueFrom: Date, closesAt: Date, status: DueStatus
    ) {
        self.ruleID = ruleID
        self.instrumentID = instrumentID
        self.context = context
        self.anchor = anchor
        self.opensAt = opensAt
        self.dueAt = dueAt
        self.overdueFrom = overdueFrom
        self.closesAt = closesAt
        self.status = status
    }

    /// Whether a completion may be entered now.
    public func isOpen(at now: Date) -> Bool { opensAt <= now && now <= closesAt }
}

/// A span of time a plan spent in one phase; `end` is `nil` while it lasts.
public struct PhasePeriod: Sendable, Equatable, Codable {
    /// The phase.
    public var phase: PlanPhase
    /// When the plan entered it.
    public var start: Date
    /// When the plan left it.
    public var end: Date?

    /// Creates a period.
    public init(phase: PlanPhase, start: Date, end: Date?) {
        self.phase = phase
        self.start = start
        self.end = end
    }
}

extension QuestionnaireSchedule {
    /// Every questionnaire the schedule asks for around `sessions` and `phases`, with its status at `now`, sorted by due time.
    ///
    /// A completion satisfies at most one item: the earliest-due open item with the same instrument and context whose window
    /// contains it. Boundaries: at `dueAt` an item is due, at `overdueFrom` overdue, after `closesAt` missed.
    public func dueItems(sessions: [Date], phases: [PhasePeriod], completed: [CompletedMeasurement], now: Date) -> [DueMeasurement] {
        let sortedSessions = sessions.sorted()
        var items: [DueMeasurement] = []
        for rule in rules {
            for anchor in Self.anchors(for: rule, sessions: sortedSessions, phases: phases, now: now) {
                for instrument in rule.instrumentIDs {
                    items.append(
                        DueMeasurement(
                            ruleID: rule.id,
                            instrumentID: Self.normalise(instrument),
                            context: rule.context,
                            anchor: anchor,
                            opensAt: anchor.addingTimeInterval(rule.opensHours * 3600),
                            dueAt: anchor.addingTimeInterval(rule.dueHours * 3600),
                            overdueFrom: anchor.addingTimeInterval((rule.dueHours + rule.graceHours) * 3600),
                            closesAt: anchor.addingTimeInterval(rule.closesHours * 3600),
                            status: .upcoming
                        )
                    )
                }
            }
        }
        items.sort { ($0.dueAt, $0.ruleID, $0.instrumentID) < ($1.dueAt, $1.ruleID, $1.instrumentID) }

        var unused = completed.filter { $0.completedAt <= now }.sorted { $0.completedAt < $1.completedAt }
        for index in items.indices {
            let item = items[index]
            if let match = unused.firstIndex(where: {
                Self.normalise($0.instrumentID) == item.instrumentID && $0.context == item.context
                    && item.opensAt <= $0.completedAt && $0.completedAt <= item.closesAt
            }) {
                items[index].status = .completed(at: unused[match].completedAt)
                unused.remove(at: match)
            } else if now > item.closesAt {
                items[index].status = .missed
            } else if now >= item.overdueFrom {
                items[index].status = .overdue
            } else if now >= item.dueAt {
                items[index].status = .due
            }
        }
        return items
    }

    /// `GAD-7` → `gad7`: lower case, letters and digits only (issue #3 instrument ids).
    public static func normalise(_ instrumentID: String) -> String {
        String(instrumentID.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    private static func anchors(for rule: QuestionnaireRule, sessions: [Date], phases: [PhasePeriod], now: Date) -> [Date] {
        switch rule.anchor {
        case .firstSession:
            return sessions.first.map { [$0] } ?? []
        case .eachSession:
            return sessions
        case .recurring(let everyDays, let phase):
            guard everyDays > 0 else { return [] }
            let step = Double(everyDays) * 86_400
            var anchors: [Date] = []
            for period in phases where period.phase == phase {
                var k = 1.0
                // Every occurrence inside the period up to the first one not yet open at `now` (the next upcoming one).
                while k <= 1_000 {
                    let occurrence = period.start.addingTimeInterval(k * step)
                    if let end = period.end, occurrence > end { break }
                    anchors.append(occurrence)
                    if occurrence.addingTimeInterval(rule.opensHours * 3600) > now { break }
                    k += 1
                }
            }
            return anchors
        }
    }
}
