import Foundation

/// What kind of drug a past treatment trial used.
public enum TrialCategory: String, StrictlySpelled, Sendable {
    /// An antidepressant (counts toward treatment resistance).
    case antidepressant
    /// An augmenting agent (antipsychotic, lithium, etc.).
    case augmentation
    /// An anxiolytic.
    case anxiolytic
    /// Anything else.
    case other
}

/// How a past treatment trial ended.
public enum TrialOutcome: String, StrictlySpelled, Sendable {
    /// Taken at an adequate dose and duration without adequate response.
    case inadequateResponse
    /// It worked.
    case response
    /// Stopped for side effects.
    case intolerance
    /// Still under way.
    case ongoing
}

/// One past medication trial (issue #4: "medication trials with adequate dose/duration").
public struct MedicationTrial: Codable, Sendable, Equatable {
    /// The drug tried.
    public var drug: String
    /// Its category.
    public var category: TrialCategory
    /// Whether the dose and duration were adequate.
    public var adequateDoseAndDuration: Bool
    /// Whether the trial was in the current depressive episode.
    public var inCurrentEpisode: Bool
    /// How it ended.
    public var outcome: TrialOutcome

    /// Creates a trial.
    public init(drug: String, category: TrialCategory, adequateDoseAndDuration: Bool, inCurrentEpisode: Bool, outcome: TrialOutcome) {
        self.drug = drug
        self.category = category
        self.adequateDoseAndDuration = adequateDoseAndDuration
        self.inCurrentEpisode = inCurrentEpisode
        self.outcome = outcome
    }

    /// Whether this trial counts as a failed adequate antidepressant trial in the current episode.
    public var isFailedAdequateAntidepressantTrial: Bool {
        category == .antidepressant && adequateDoseAndDuration && inCurrentEpisode && outcome == .inadequateResponse
    }
}

/// One past course of psychotherapy.
public struct PsychotherapyCourse: Codable, Sendable, Equatable {
    /// The modality (CBT, prolonged exposure, EMDR …).
    public var modality: String
    /// Sessions attended, if known.
    public var sessions: Int?
    /// Whether the course was completed.
    public var completed: Bool

    /// Creates a psychotherapy course.
    public init(modality: String, sessions: Int? = nil, completed: Bool) {
        self.modality = modality
        self.sessions = sessions
        self.completed = completed
    }
}

/// The treatment-resistance count: distinct antidepressants that failed at adequate dose and duration in the current episode.
///
/// DOMAIN.md does not define TRD; the Spravato trials' definition (≥2 such failures) is the seeded threshold,
/// flagged for the clinic's review in ``EligibilityRuleSet/treatmentResistanceMinimumFailedTrials``.
public struct TreatmentResistance: Codable, Sendable, Equatable {
    /// The number of distinct failed adequate antidepressant trials in the current episode.
    public var failedAdequateTrials: Int
    /// The threshold it was compared with.
    public var threshold: Int
    /// Whether the count reaches the threshold.
    public var isTreatmentResistant: Bool { failedAdequateTrials >= threshold }

    /// Counts the failed trials in `trials` against `threshold`; the same drug tried twice counts once.
    public init(trials: [MedicationTrial], threshold: Int) {
        let drugs = Set(trials.filter(\.isFailedAdequateAntidepressantTrial).map { $0.drug.trimmingCharacters(in: .whitespaces).lowercased() })
        self.failedAdequateTrials = drugs.count
        self.threshold = threshold
    }
}
