public import Foundation

/// One scored administration as outcome calculations see it.
public struct ScoredAdministration: Sendable, Equatable {
    /// When the patient answered.
    public var date: Date
    /// The total score.
    public var total: Int
    /// Whether it was recorded as the baseline measurement.
    public var isBaseline: Bool

    /// Creates an administration.
    public init(date: Date, total: Int, isBaseline: Bool) {
        self.date = date
        self.total = total
        self.isBaseline = isBaseline
    }
}

/// A patient's outcome on one instrument, evaluated against the clinic's criteria (DOMAIN.md §2).
public enum PatientOutcome {
    /// The outcome report for `scores` (any order).
    ///
    /// DOMAIN.md §2.1: the baseline is the score closest before the first treatment, within the window. When no session
    /// has been given yet (`firstTreatment` nil), treatment is taken to start just after the last score recorded as
    /// baseline (else the first score), so a clinic measuring before sessions exist still sees change from baseline and
    /// time to response counts from that baseline.
    public static func evaluate(_ scores: [ScoredAdministration], firstTreatment: Date?, criteria: OutcomeCriteria, windowDays: Int)
        -> OutcomeReport
    {
        let ordered = scores.sorted { $0.date < $1.date }
        let start: Date
        if let firstTreatment {
            start = firstTreatment
        } else if let anchor = ordered.last(where: \.isBaseline) ?? ordered.first {
            start = anchor.date.addingTimeInterval(1)
        } else {
            start = Date(timeIntervalSince1970: 0)
        }
        return Trajectory(ordered.map { ScorePoint(date: $0.date, total: $0.total) })
            .evaluate(firstTreatment: start, criteria: criteria, windowDays: windowDays)
    }
}

/// The diagnosis groups outcomes are reported by: the clinic's four anxiety disorders and depression (DOMAIN.md §10.5).
public enum DiagnosisGroup: String, Codable, Sendable, CaseIterable {
    case generalizedAnxiety = "gad"
    case socialAnxiety = "social-anxiety"
    case ptsd
    case panic
    case depression
    case other

    /// The label on reports.
    public var label: String {
        switch self {
        case .generalizedAnxiety: "Generalized anxiety disorder"
        case .socialAnxiety: "Social anxiety disorder"
        case .ptsd: "PTSD"
        case .panic: "Panic disorder"
        case .depression: "Depressive disorder"
        case .other: "Other or not recorded"
        }
    }

    /// The group of an ICD-10-CM code (`F41.1` → GAD); `other` for codes outside the clinic's groups.
    // DOMAIN.md §10.5: F41.1 GAD; F40.10/F40.11 social phobia; F43.10–F43.12 PTSD; F41.0 and F40.01 panic; F32.x/F33.x MDD.
    public static func of(icd10 code: String) -> DiagnosisGroup {
        let c = code.uppercased().trimmingCharacters(in: .whitespaces)
        if c == "F41.1" || c.hasPrefix("F41.1") { return .generalizedAnxiety }
        if c.hasPrefix("F40.1") { return .socialAnxiety }
        if c.hasPrefix("F43.1") { return .ptsd }
        if c.hasPrefix("F41.0") || c == "F40.01" { return .panic }
        if c.hasPrefix("F32") || c.hasPrefix("F33") { return .depression }
        return .other
    }
}
