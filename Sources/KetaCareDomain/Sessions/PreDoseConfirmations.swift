public import Foundation

/// What the nurse confirmed at the chair before dosing, with who confirmed it (issue #5 pre-dose checks).
public struct PreDoseConfirmations: Codable, Sendable, Equatable {
    public var identity: Bool
    /// Current consent covering the session's route, as confirmed by the nurse.
    public var consent: Bool
    /// A current eligibility screen that cleared the patient, as confirmed by the nurse.
    public var eligibility: Bool
    public var fasting: Bool
    public var escort: Bool
    public var pregnancy: PregnancyStatus
    /// New medications since the last session reviewed and interactions re-checked.
    public var medicationsReviewed: Bool
    public var questionnairesDone: Bool
    public var questionnaireWaiver: String?
    public var confirmedBy: String
    public var confirmedAt: Date

    /// Creates a confirmation record.
    public init(
        identity: Bool, consent: Bool, eligibility: Bool, fasting: Bool, escort: Bool, pregnancy: PregnancyStatus, medicationsReviewed: Bool,
        questionnairesDone: Bool, questionnaireWaiver: String?, confirmedBy: String, confirmedAt: Date
    ) {
        self.identity = identity
        self.consent = consent
        self.eligibility = eligibility
        self.fasting = fasting
        self.escort = escort
        self.pregnancy = pregnancy
        self.medicationsReviewed = medicationsReviewed
        self.questionnairesDone = questionnairesDone
        self.questionnaireWaiver = questionnaireWaiver
        self.confirmedBy = confirmedBy
        self.confirmedAt = confirmedAt
    }
}
