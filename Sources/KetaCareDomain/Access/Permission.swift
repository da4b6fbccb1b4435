/// Something a signed-in person may be allowed to do; every route names exactly one.
public enum Permission: String, Codable, Sendable, CaseIterable {
    /// Search the registry and open a patient's chart.
    case readPatient
    /// Register a new patient.
    case createPatient
    /// Amend demographics, contacts and body measurements.
    case amendPatient
    /// Read the audit trail.
    case readAudit
    /// Create, list and disable staff accounts.
    case manageUsers
    /// Read operational metrics.
    case readMetrics
    /// Enter a clinician-rated or paper questionnaire.
    case recordAssessment
    /// Send a patient a questionnaire link.
    case sendSelfReport
    /// Acknowledge a safety alert with the action taken (the prescriber's duty).
    case acknowledgeAlert
    /// Review the clinic's policy: every clinical default, its provenance and its version history.
    case reviewPolicy
    /// Assign the patient's responsible prescriber (safety alerts are routed to them).
    case assignCareTeam
    /// Add or end a diagnosis on the patient's problem list.
    case recordDiagnosis
    /// Read aggregate outcome reports (no patient is named in them).
    case readOutcomes
    /// Upload the licensed wording of an instrument the clinic holds a licence for.
    case manageInstruments
    /// Enter or update the patient's intake history (re-screens eligibility).
    case recordIntake
    /// Override an absolute contraindication or acknowledge a relative one, with a documented reason.
    case overrideScreening
    /// Record a consent signature or its withdrawal.
    case recordConsent
    /// Publish new versions of the clinic's consent documents.
    case manageConsentDocuments
    /// Create, adjust, sign and move treatment plans through their phases.
    case managePlans
    /// Book, reschedule, cancel and check in sessions.
    case manageSchedule
    /// See the outgoing message queue (reminders, instructions, links) and its delivery failures.
    case readOutbox
    /// Read the controlled-substance ledger: balances, entries, counts, discrepancies and reports.
    case readLedger
    /// Record ledger entries (receipts, administrations, waste, transfers, destruction) and blind counts.
    case recordLedger
    /// Approve adjustments, resolve discrepancies and run inventories (the compliance role's duty).
    case manageLedger
    /// Order a dose for a treatment session (DOMAIN.md §4: the prescriber).
    case orderDose
    /// Verify another clinician's dose order: the independent double check (a nurse or prescriber who did not order it).
    case verifyDose
    /// Run a session at the chair: check-in, pre-dose checks, vitals, assessments, alerts, adverse events, transitions.
    case runSession
    /// Sign and lock a completed session record (DOMAIN.md §7.4: a licensed clinician; nurses and prescribers).
    case signSession
    /// Discharge a patient despite unmet discharge criteria, with a reason (issue #5: a prescriber).
    case overrideDischarge
    /// Document a decision to dose despite a pre-dose finding, with a reason (issue #10: a prescriber; the medical-director-only
    /// findings also need the account's medical-director authority).
    case overridePreDose
    /// Change one's own password and revoke one's own API token (every signed-in person).
    case manageOwnAccount
}

/// Which role holds which permission: the one table the server checks on every route.
///
/// Minimum necessary: the administrator runs the system but does not read charts; the compliance lead reads
/// charts and the audit trail (to investigate access) but does not change demographics.
public struct AccessMatrix: Sendable {
    private let grants: [Role: Set<Permission>]

    /// The matrix KetaCare ships with.
    public static let standard = AccessMatrix(grants: [
        .admin: [
            .manageOwnAccount, .readAudit, .manageUsers, .readMetrics, .reviewPolicy, .readOutcomes, .manageInstruments, .manageConsentDocuments,
            .readOutbox,
        ],
        .prescriber: [
            .manageOwnAccount, .readPatient, .createPatient, .amendPatient, .recordAssessment, .sendSelfReport, .acknowledgeAlert, .reviewPolicy,
            .assignCareTeam,
            .recordDiagnosis, .readOutcomes, .recordIntake, .overrideScreening, .recordConsent, .managePlans, .manageSchedule, .readLedger,
            .recordLedger, .orderDose, .verifyDose, .runSession, .signSession, .overrideDischarge, .overridePreDose,
        ],
        .nurse: [
            .manageOwnAccount, .readPatient, .createPatient, .amendPatient, .recordAssessment, .sendSelfReport, .recordIntake, .recordConsent,
            .manageSchedule,
            .readLedger, .recordLedger, .verifyDose, .runSession, .signSession,
        ],
        .frontdesk: [
            .manageOwnAccount, .readPatient, .createPatient, .amendPatient, .sendSelfReport, .assignCareTeam, .recordConsent, .manageSchedule,
            .readOutbox,
        ],
        .compliance: [.manageOwnAccount, .readPatient, .readAudit, .readOutcomes, .readLedger, .recordLedger, .manageLedger],
    ])

    /// Creates a matrix from explicit grants.
    public init(grants: [Role: Set<Permission>]) {
        self.grants = grants
    }

    /// Whether `role` holds `permission`.
    public func allows(_ role: Role, _ permission: Permission) -> Bool {
        grants[role]?.contains(permission) ?? false
    }

    /// The roles that hold `permission`, in display order.
    public func roles(with permission: Permission) -> [Role] {
        Role.allCases.filter { allows($0, permission) }
    }
}
