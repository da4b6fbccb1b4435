/// When in the care pathway a questionnaire was answered (DOMAIN.md §2.1 baseline; issue: pre/post-session, follow-up).
public enum MeasurementContext: Sendable, Equatable, Hashable, CustomStringConvertible {
    case baseline
    case preSession
    /// Hours after the session (e.g. +24 h).
    case postSession(hours: Int)
    case followUp

    /// The stored and API form: `baseline`, `pre-session`, `post-session+24h`, `follow-up`.
    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .preSession: "pre-session"
        case .postSession(let hours): "post-session+\(hours)h"
        case .followUp: "follow-up"
        }
    }

    /// A label for people.
    public var label: String {
        switch self {
        case .baseline: "Baseline"
        case .preSession: "Before session"
        case .postSession(let hours): "\(hours) h after session"
        case .followUp: "Follow-up"
        }
    }

    /// Parses the stored form, naming `field` and the allowed values when it is not one.
    public static func parse(_ text: String, field: String = "context") throws(ValidationError) -> MeasurementContext {
        switch text {
        case "baseline": return .baseline
        case "pre-session": return .preSession
        case "follow-up": return .followUp
        default:
            if text.hasPrefix("post-session+"), text.hasSuffix("h"), let hours = Int(text.dropFirst(13).dropLast()), (0...720).contains(hours) {
                return .postSession(hours: hours)
            }
            throw ValidationError(
                field: field, message: "\(field) must be baseline, pre-session, post-session+Nh (N from 0 to 720) or follow-up; got '\(text)'"
            )
        }
    }

    /// The choices offered on forms.
    public static let common: [MeasurementContext] = [.baseline, .preSession, .postSession(hours: 24), .followUp]
}

/// How an answer set reached KetaCare.
public enum ResponseMode: String, Sendable, Codable, CaseIterable {
    /// Entered by staff during an interview (clinician-rated instruments).
    case interview
    /// Transcribed by staff from a paper form.
    case paper
    /// Answered by the patient through a self-report link.
    case selfReport = "self"

    /// A label for people.
    public var label: String {
        switch self {
        case .interview: "Interview"
        case .paper: "Paper transcription"
        case .selfReport: "Patient (link)"
        }
    }
}

/// Self-report link behaviour: design defaults the clinic can change.
public struct SelfReportPolicy: Codable, Sendable, Equatable {
    /// How long a questionnaire link stays valid.
    public var linkExpiryHours: Sourced<Int>
    /// Text shown to a patient who reports thoughts of self-harm; the clinic words it. It never promises live monitoring.
    public var crisisText: Sourced<String>
    /// Unknown or expired link attempts from one address, per window, before further attempts are refused.
    public var maxFailedAttempts: Sourced<Int>
    /// The window for ``maxFailedAttempts``, in minutes.
    public var attemptWindowMinutes: Sourced<Int>

    /// Creates a self-report policy.
    public init(linkExpiryHours: Sourced<Int>, crisisText: Sourced<String>, maxFailedAttempts: Sourced<Int>, attemptWindowMinutes: Sourced<Int>) {
        self.linkExpiryHours = linkExpiryHours
        self.crisisText = crisisText
        self.maxFailedAttempts = maxFailedAttempts
        self.attemptWindowMinutes = attemptWindowMinutes
    }

    /// Design defaults (issue: 72-hour links).
    public static let seed = SelfReportPolicy(
        linkExpiryHours: Sourced(72, .designDefault),
        crisisText: Sourced(
            "If you are thinking about harming yourself, or feel unsafe right now, call or text 988 (Suicide & Crisis Lifeline, US) or your "
                + "local emergency number, or go to the nearest emergency department. This form is not watched in real time; "
                + "your care team will review your answers, but not immediately.",
            .designDefault
        ),
        maxFailedAttempts: Sourced(20, .designDefault),
        attemptWindowMinutes: Sourced(15, .designDefault)
    )
}
