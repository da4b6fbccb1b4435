public import Foundation

/// One yes/no question of a periodic check-in, as data the clinic can change (DOMAIN.md §3.3 urinary symptoms, §8.1 bladder and
/// cognition).
public struct CheckInQuestion: Codable, Sendable, Equatable {
    /// Which check-in asks it.
    public var kind: CheckInKind
    /// Stable code, the API's answer key (`blood`).
    public var code: String
    /// What the clinician asks.
    public var text: String
    /// Whether a "yes" puts a flag on the chart for clinician review.
    public var flagsWhenYes: Bool
    /// Where the question and its flag came from.
    public var provenance: Provenance

    /// Creates a question.
    public init(kind: CheckInKind, code: String, text: String, flagsWhenYes: Bool = false, provenance: Provenance) {
        self.kind = kind
        self.code = code
        self.text = text
        self.flagsWhenYes = flagsWhenYes
        self.provenance = provenance
    }

    /// DESIGN DEFAULT questions. DOMAIN.md §3.3 says only "ask at baseline and periodically" about urinary tract symptoms and
    /// lists cognitive impairment as a label warning; the four bladder symptoms are the common cystitis symptoms, and a "yes" to
    /// pain or blood flags the chart for review. The cognition check is deliberately modest: two yes/no questions and a note, no
    /// scored instrument.
    public static let seed: [CheckInQuestion] = [
        CheckInQuestion(
            kind: .bladder, code: "frequency", text: "Passing urine more often than usual", provenance: .designDefault),
        CheckInQuestion(kind: .bladder, code: "urgency", text: "Sudden urgent need to pass urine", provenance: .designDefault),
        CheckInQuestion(
            kind: .bladder, code: "pain", text: "Pain or burning passing urine, or bladder pain", flagsWhenYes: true,
            provenance: .designDefault),
        CheckInQuestion(kind: .bladder, code: "blood", text: "Blood in the urine", flagsWhenYes: true, provenance: .designDefault),
        CheckInQuestion(
            kind: .cognition, code: "memory", text: "New memory problems noticed by the patient or family", provenance: .designDefault),
        CheckInQuestion(
            kind: .cognition, code: "concentration", text: "New difficulty concentrating or following a conversation",
            provenance: .designDefault),
    ]
}

/// One answer of a check-in, with the question as it was asked.
public struct CheckInAnswer: Codable, Sendable, Equatable {
    /// The question's code.
    public var code: String
    /// The question's text when asked.
    public var text: String
    /// The answer.
    public var isYes: Bool
    /// Whether this answer flags the chart.
    public var isFlag: Bool

    /// Creates an answer.
    public init(code: String, text: String, isYes: Bool, isFlag: Bool) {
        self.code = code
        self.text = text
        self.isYes = isYes
        self.isFlag = isFlag
    }
}

/// A completed bladder or cognition check-in (issue #5 long-term safety watch).
public struct SafetyCheckIn: Codable, Sendable, Equatable {
    /// Which check-in.
    public var kind: CheckInKind
    /// Every question of the kind, answered, in the policy's order.
    public var answers: [CheckInAnswer]
    /// A free-text note (the cognition observations, a urine test result …).
    public var note: String?
    /// When it was done.
    public var completedAt: Date
    /// Who did it.
    public var completedBy: String

    /// The longest note accepted.
    public static let maxNoteLength = 1000

    /// The answers that flag the chart.
    public var flags: [CheckInAnswer] { answers.filter(\.isFlag) }

    /// A validated check-in: every question of `kind` answered, no unknown answer, not completed after `now`. Errors name the
    /// API field (`answers.blood`, `completed_at`, `note`).
    public init(
        kind: CheckInKind, answers: [String: Bool], note: String?, completedAt: Date, completedBy: String, now: Date,
        questions: [CheckInQuestion]
    ) throws(SessionError) {
        let asked = questions.filter { $0.kind == kind }
        let codes = asked.map(\.code).joined(separator: ", ")
        for key in answers.keys.sorted() where !asked.contains(where: { $0.code == key }) {
            throw SessionError(
                .outOfRange, field: "answers.\(key)", message: "answers.\(key) is not a \(kind.rawValue) question; the questions are \(codes)")
        }
        var recorded: [CheckInAnswer] = []
        for question in asked {
            guard let answer = answers[question.code] else {
                throw SessionError(
                    .missing, field: "answers.\(question.code)",
                    message: "answers.\(question.code) is required (yes or no): \(question.text)")
            }
            recorded.append(
                CheckInAnswer(code: question.code, text: question.text, isYes: answer, isFlag: answer && question.flagsWhenYes))
        }
        guard completedAt <= now else {
            throw SessionError(.outOfRange, field: "completed_at", message: "completed_at must not be in the future")
        }
        let text = note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard text.count <= Self.maxNoteLength else {
            throw SessionError(
                .outOfRange, field: "note", message: "note must be at most \(Self.maxNoteLength) characters; got \(text.count)")
        }
        self.kind = kind
        self.answers = recorded
        self.note = text.isEmpty ? nil : text
        self.completedAt = completedAt
        self.completedBy = try SessionError.requireText(completedBy, field: "completed_by", what: "who did the check-in")
    }
}

extension [SafetyCheckIn] {
    /// The latest completion per kind, for ``SafetyWatch/compute(sessions:lastCheckIns:now:policy:)``.
    public var latestByKind: [CheckInKind: SafetyCheckIn] {
        var latest: [CheckInKind: SafetyCheckIn] = [:]
        for checkIn in self where latest[checkIn.kind].map({ checkIn.completedAt > $0.completedAt }) ?? true {
            latest[checkIn.kind] = checkIn
        }
        return latest
    }
}
