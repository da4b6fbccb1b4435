import Foundation

/// What a measurement rule's times are counted from.
public enum QuestionnaireAnchor: Codable, Sendable, Equatable {
    /// The first dosing session of the plan (baseline).
    case firstSession
    /// Every dosing session (before or after it).
    case eachSession
    /// Every `everyDays` days after the start of each period in `phase` (weekly in maintenance).
    case recurring(everyDays: Int, during: PlanPhase)
}

/// One rule of a measurement schedule: which instruments, in which context, and the window around its anchor.
///
/// All offsets are hours relative to the anchor time (negative = before). A completion counts inside `[opens, closes]`;
/// the item is upcoming before `due`, due until `due + grace`, overdue until `closes`, and missed after.
public struct QuestionnaireRule: Codable, Sendable, Equatable {
    /// Stable identifier (`baseline`, `pre-session`, `post-session-24h`, `maintenance-weekly`).
    public var id: String
    /// Instrument ids (`gad7`, `phq9`), one due item each.
    public var instrumentIDs: [String]
    /// The time the rule counts from.
    public var anchor: QuestionnaireAnchor
    /// The clinical context a completion must be recorded with.
    public var context: MeasurementContext
    /// From when a completion counts.
    public var opensHours: Double
    /// When the item becomes due.
    public var dueHours: Double
    /// How long after `due` the item turns overdue.
    public var graceHours: Double
    /// After this a completion no longer counts and the item is missed.
    public var closesHours: Double
    /// Where the timings came from.
    public var provenance: Provenance

    /// Creates a rule.
    public init(
        id: String, instrumentIDs: [String], anchor: QuestionnaireAnchor, context: MeasurementContext,
        opensHours: Double, dueHours: Double, graceHours: Double, closesHours: Double, provenance: Provenance
    ) {
        self.id = id
        self.instrumentIDs = instrumentIDs
        self.anchor = anchor
        self.context = context
        self.opensHours = opensHours
        self.dueHours = dueHours
        self.graceHours = graceHours
        self.closesHours = closesHours
        self.provenance = provenance
    }

    private enum CodingKeys: String, CodingKey {
        case id, instrumentIDs, anchor, context, opensHours, dueHours, graceHours, closesHours, provenance
    }

    /// Decodes the context from its stored form (`post-session+24h`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        instrumentIDs = try c.decode([String].self, forKey: .instrumentIDs)
        anchor = try c.decode(QuestionnaireAnchor.self, forKey: .anchor)
        let contextText = try c.decode(String.self, forKey: .context)
        do {
            context = try MeasurementContext.parse(contextText, field: "context")
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .context, in: c, debugDescription: error.message)
        }
        opensHours = try c.decode(Double.self, forKey: .opensHours)
        dueHours = try c.decode(Double.self, forKey: .dueHours)
        graceHours = try c.decode(Double.self, forKey: .graceHours)
        closesHours = try c.decode(Double.self, forKey: .closesHours)
        provenance = try c.decode(Provenance.self, forKey: .provenance)
    }

    /// Encodes the context in its stored form.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(instrumentIDs, forKey: .instrumentIDs)
        try c.encode(anchor, forKey: .anchor)
        try c.encode(context.description, forKey: .context)
        try c.encode(opensHours, forKey: .opensHours)
        try c.encode(dueHours, forKey: .dueHours)
        try c.encode(graceHours, forKey: .graceHours)
        try c.encode(closesHours, forKey: .closesHours)
        try c.encode(provenance, forKey: .provenance)
    }
}

/// The questionnaires a plan asks for and when (issue #3: baseline, before each session, 24 h after, weekly in maintenance).
public struct QuestionnaireSchedule: Codable, Sendable, Equatable {
    /// The rules, each producing due items.
    public var rules: [QuestionnaireRule]

    /// Creates a schedule.
    public init(rules: [QuestionnaireRule]) {
        self.rules = rules
    }

    /// The DESIGN DEFAULT schedule with GAD-7 and PHQ-9 and a 14-day baseline window.
    public static let standard = standard(instrumentIDs: ["gad7", "phq9"], baselineWindowDays: 14)

    /// The DESIGN DEFAULT schedule for `instrumentIDs`.
    ///
    /// `baselineWindowDays` should be the clinic's `outcomes.baselineWindowDays` (DOMAIN.md §2.1) so a completed baseline
    /// here is also a valid baseline for outcomes.
    public static func standard(instrumentIDs: [String], baselineWindowDays: Int) -> QuestionnaireSchedule {
        QuestionnaireSchedule(rules: [
            // DOMAIN.md §2.1: the baseline is the score closest before the first session, within the window.
            QuestionnaireRule(
                id: "baseline", instrumentIDs: instrumentIDs, anchor: .firstSession, context: .baseline,
                opensHours: -24 * Double(baselineWindowDays), dueHours: -72, graceHours: 72, closesHours: 0, provenance: .designDefault
            ),
            // Before each session: the link goes out two days ahead, chased from 2 h before, too late once dosing starts.
            QuestionnaireRule(
                id: "pre-session", instrumentIDs: instrumentIDs, anchor: .eachSession, context: .preSession,
                opensHours: -48, dueHours: -24, graceHours: 22, closesHours: 0, provenance: .designDefault
            ),
            // Ketamine's effect comes within hours (issue #3): 24 h after each session, accepted 20–72 h after.
            QuestionnaireRule(
                id: "post-session-24h", instrumentIDs: instrumentIDs, anchor: .eachSession, context: .postSession(hours: 24),
                opensHours: 20, dueHours: 24, graceHours: 24, closesHours: 72, provenance: .designDefault
            ),
            // Weekly in maintenance; windows of consecutive weeks do not overlap (opens −48 h, closes +120 h).
            QuestionnaireRule(
                id: "maintenance-weekly", instrumentIDs: instrumentIDs, anchor: .recurring(everyDays: 7, during: .maintenance),
                context: .followUp, opensHours: -48, dueHours: 0, graceHours: 48, closesHours: 120, provenance: .designDefault
            ),
        ])
    }

    /// Checks every rule is coherent (opens ≤ due ≤ due + grace ≤ closes, instruments listed, ids unique), naming the field.
    public func validate() throws(PlanError) {
        var seen: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let field = "measurementSchedule.rules[\(index)]"
            guard seen.insert(rule.id).inserted else {
                throw PlanError(field: "\(field).id", message: "rule ids must be unique; '\(rule.id)' appears twice")
            }
            guard !rule.instrumentIDs.isEmpty else {
                throw PlanError(field: "\(field).instrumentIDs", message: "\(field).instrumentIDs must list at least one instrument")
            }
            guard rule.graceHours >= 0, rule.opensHours <= rule.dueHours, rule.dueHours + rule.graceHours <= rule.closesHours else {
                throw PlanError(
                    field: field,
                    message: "\(field) needs opensHours ≤ dueHours ≤ dueHours + graceHours ≤ closesHours and graceHours ≥ 0; got "
                        + "\(rule.opensHours), \(rule.dueHours), grace \(rule.graceHours), \(rule.closesHours)"
                )
            }
            if case .recurring(let everyDays, _) = rule.anchor, everyDays < 1 {
                throw PlanError(field: "\(field).anchor.everyDays", message: "everyDays must be at least 1; got \(everyDays)")
            }
        }
    }
}
