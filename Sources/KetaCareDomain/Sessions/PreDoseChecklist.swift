public import Foundation

/// What the pre-dose gate says about blood pressure (DOMAIN.md §3.5), least severe first.
public enum PreDoseBloodPressureGate: String, Codable, Sendable, CaseIterable, Comparable {
    /// SBP >140 or DBP >90: weigh risk; the prescriber acknowledges.
    case caution
    /// SBP ≥160 or DBP ≥100: repeat after rest; dosing needs a prescriber override with a reason.
    case hold
    /// SBP ≥180 or DBP ≥110: no dosing today (medical-director override only).
    case block

    /// Declaration order is severity order.
    public static func < (lhs: Self, rhs: Self) -> Bool { allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)! }
}

/// A clinician's documented decision to proceed despite a finding.
public struct ClinicianOverride: Codable, Sendable, Equatable {
    /// Staff identifier.
    public var by: String
    /// Their role.
    public var role: Role
    /// Why proceeding is acceptable.
    public var reason: String
    /// Whether the clinician acts as the medical director (only they may override a pre-dose block).
    public var isMedicalDirector: Bool

    /// Creates an override record.
    public init(by: String, role: Role, reason: String, isMedicalDirector: Bool = false) {
        self.by = by
        self.role = role
        self.reason = reason
        self.isMedicalDirector = isMedicalDirector
    }

    /// Whether this is a prescriber's override with a reason (the minimum any override needs).
    public var isPrescriberWithReason: Bool { role == .prescriber && SessionError.hasContent(reason) }
}

/// A questionnaire due before the session and what happened to it.
public struct PreSessionQuestionnaire: Codable, Sendable, Equatable {
    /// The instrument (`gad7`, `phq9`, `cssrs`).
    public var instrument: String
    /// Whether it was completed.
    public var isDone: Bool
    /// Why it was waived, when it was not done.
    public var waiverReason: String?

    /// Creates a questionnaire status.
    public init(instrument: String, isDone: Bool, waiverReason: String? = nil) {
        self.instrument = instrument
        self.isDone = isDone
        self.waiverReason = waiverReason
    }
}

/// Pregnancy status as far as the pre-dose check needs it (DOMAIN.md §3.3).
public enum PregnancyStatus: String, Codable, Sendable {
    /// The patient cannot become pregnant; the check does not apply.
    case notApplicable = "not_applicable"
    /// Not pregnant (test or documented statement per clinic policy).
    case notPregnant = "not_pregnant"
    /// Pregnant: not recommended, hard stop by default.
    case pregnant
    /// Not yet established.
    case unknown
}

/// Everything the nurse confirms before dosing (issue #5 pre-dose checks).
public struct PreDoseChecks: Codable, Sendable, Equatable {
    /// Identity confirmed (two identifiers).
    public var identityConfirmed: Bool
    /// The routes the current treatment consent covers.
    public var consentedRoutes: Set<DosingRoute>
    /// When that consent expires, if it does.
    public var consentExpiresAt: Date?
    /// When the eligibility screen was last completed, if ever.
    public var eligibilityScreenedAt: Date?
    /// Whether that screen cleared the patient (no hard stop; soft stops acknowledged).
    public var eligibilityCleared: Bool
    /// Who ordered the dose (staff identifier).
    public var doseOrderedBy: String?
    /// Who verified it (the independent double check), if anyone.
    public var doseVerifiedBy: String?
    /// The verifier's role.
    public var doseVerifierRole: Role?
    /// The pre-dose vitals set, validated.
    public var vitals: VitalSigns?
    /// When the pre-dose vitals were taken.
    public var vitalsTakenAt: Date?
    /// Override for a blood-pressure caution/hold/block or another vitals alert.
    public var vitalsOverride: ClinicianOverride?
    /// The questionnaires due before this session.
    public var questionnaires: [PreSessionQuestionnaire]
    /// Fasting as instructed (Spravato: no food 2 h, no liquids 30 min; DOMAIN.md §4.4).
    public var fastingConfirmed: Bool
    /// Escort or transport home confirmed (DOMAIN.md §3.3: hard stop until arranged).
    public var escortConfirmed: Bool
    /// Pregnancy status.
    public var pregnancy: PregnancyStatus
    /// When the medication list was last reviewed with interactions re-checked, if ever.
    public var medicationsReviewedAt: Date?
    /// When the patient's previous session took place, if any.
    public var previousSessionAt: Date?

    /// Creates the checklist input.
    public init(
        identityConfirmed: Bool, consentedRoutes: Set<DosingRoute>, consentExpiresAt: Date?, eligibilityScreenedAt: Date?,
        eligibilityCleared: Bool, doseOrderedBy: String?, doseVerifiedBy: String?, doseVerifierRole: Role?, vitals: VitalSigns?,
        vitalsTakenAt: Date?, vitalsOverride: ClinicianOverride? = nil, questionnaires: [PreSessionQuestionnaire], fastingConfirmed: Bool,
        escortConfirmed: Bool, pregnancy: PregnancyStatus, medicationsReviewedAt: Date?, previousSessionAt: Date?
    ) {
        self.identityConfirmed = identityConfirmed
        self.consentedRoutes = consentedRoutes
        self.consentExpiresAt = consentExpiresAt
        self.eligibilityScreenedAt = eligibilityScreenedAt
        self.eligibilityCleared = eligibilityCleared
        self.doseOrderedBy = doseOrderedBy
        self.doseVerifiedBy = doseVerifiedBy
        self.doseVerifierRole = doseVerifierRole
        self.vitals = vitals
        self.vitalsTakenAt = vitalsTakenAt
        self.vitalsOverride = vitalsOverride
        self.questionnaires = questionnaires
        self.fastingConfirmed = fastingConfirmed
        self.escortConfirmed = escortConfirmed
        self.pregnancy = pregnancy
        self.medicationsReviewedAt = medicationsReviewedAt
        self.previousSessionAt = previousSessionAt
    }
}

/// Which pre-dose item is unmet.
public enum PreDoseItem: String, Codable, Sendable, CaseIterable {
    /// Patient identity.
    case identity
    /// Current consent for the route.
    case consent
    /// A current, clearing eligibility screen.
    case eligibility
    /// The dose order's independent double check.
    case doseOrderVerified = "dose_order_verified"
    /// Pre-dose vitals within the start thresholds.
    case vitals
    /// Pre-session questionnaires done or waived with a reason.
    case questionnaires
    /// Fasting confirmed.
    case fasting
    /// Escort or transport confirmed.
    case escort
    /// Pregnancy status, where relevant.
    case pregnancy
    /// New medications since the last session re-checked for interactions.
    case medications
}

/// One unmet pre-dose item and why, in words a nurse can act on.
public struct UnmetPreDoseItem: Codable, Sendable, Equatable {
    /// The item.
    public var item: PreDoseItem
    /// Why it is unmet.
    public var reason: String

    /// Creates an unmet item.
    public init(_ item: PreDoseItem, _ reason: String) {
        self.item = item
        self.reason = reason
    }
}

/// The blood-pressure gate and the other alerts found in a pre-dose vitals set.
public struct PreDoseVitalsFinding: Codable, Sendable, Equatable {
    /// The most severe §3.5 gate crossed, or `nil` to proceed.
    public var bloodPressure: PreDoseBloodPressureGate?
    /// The threshold name that set the gate.
    public var bloodPressureThreshold: String?
    /// Non-blood-pressure §6.5 alerts (HR, SpO2, RR) on the pre-dose set.
    public var alerts: [SessionAlert]
}

extension PreDoseChecks {
    /// The pre-dose vitals against the start thresholds (DOMAIN.md §3.5 for BP; §6.5 for the other signals).
    public static func evaluateVitals(_ vitals: VitalSigns, policy: SessionPolicy) -> PreDoseVitalsFinding {
        let crossed = policy.preDose.bloodPressureGate.filter { $0.isCrossed(by: vitals, baseline: nil) }
        let worst = crossed.max { $0.level < $1.level }
        let others = vitals.alerts(policy.alerts.filter { !$0.signal.isBloodPressure }, baseline: nil)
        return PreDoseVitalsFinding(bloodPressure: worst?.level, bloodPressureThreshold: worst?.name, alerts: others)
    }

    /// Every unmet item with its reason, in checklist order; empty means dosing may start.
    public func unmetItems(route: DosingRoute, now: Date, policy: SessionPolicy) -> [UnmetPreDoseItem] {
        var unmet: [UnmetPreDoseItem] = []
        let rules = policy.preDose
        if !identityConfirmed { unmet.append(.init(.identity, "confirm the patient's identity")) }
        if !consentedRoutes.contains(route) {
            unmet.append(.init(.consent, "no current consent covers the route \(route.rawValue)"))
        } else if let consentExpiresAt, consentExpiresAt <= now {
            unmet.append(.init(.consent, "consent for \(route.rawValue) expired"))
        }
        unmet += eligibilityItems(now: now, maxAgeDays: rules.eligibilityMaxAgeDays.value)
        unmet += orderItems(policy: policy)
        unmet += vitalsItems(now: now, policy: policy)
        for questionnaire in questionnaires where !questionnaire.isDone && !SessionError.hasContent(questionnaire.waiverReason) {
            unmet.append(.init(.questionnaires, "\(questionnaire.instrument) is neither done nor waived with a reason"))
        }
        if rules.requiresFasting.value && !fastingConfirmed { unmet.append(.init(.fasting, "confirm fasting as instructed")) }
        if rules.requiresEscort.value && !escortConfirmed { unmet.append(.init(.escort, "confirm the escort or transport home")) }
        switch pregnancy {
        case .notApplicable, .notPregnant: break
        case .pregnant: unmet.append(.init(.pregnancy, "patient is pregnant: not recommended; medical-director decision required"))
        case .unknown: unmet.append(.init(.pregnancy, "pregnancy status is not established"))
        }
        if let reviewed = medicationsReviewedAt {
            if let previous = previousSessionAt, reviewed < previous {
                unmet.append(.init(.medications, "medications were not reviewed since the previous session; re-check interactions"))
            }
        } else {
            unmet.append(.init(.medications, "medications were never reviewed; check new medications and interactions"))
        }
        return unmet
    }

    private func eligibilityItems(now: Date, maxAgeDays: Int) -> [UnmetPreDoseItem] {
        guard let screenedAt = eligibilityScreenedAt else { return [.init(.eligibility, "no eligibility screen on record")] }
        if now.timeIntervalSince(screenedAt) > Double(maxAgeDays) * 86_400 {
            return [.init(.eligibility, "eligibility screen is older than \(maxAgeDays) days; screen again")]
        }
        return eligibilityCleared ? [] : [.init(.eligibility, "eligibility screen did not clear the patient")]
    }

    private func orderItems(policy: SessionPolicy) -> [UnmetPreDoseItem] {
        guard let orderedBy = doseOrderedBy, SessionError.hasContent(orderedBy) else { return [.init(.doseOrderVerified, "no dose order")] }
        guard let verifiedBy = doseVerifiedBy, SessionError.hasContent(verifiedBy), let role = doseVerifierRole else {
            return [.init(.doseOrderVerified, "the dose order has not been verified by a second clinician")]
        }
        if verifiedBy == orderedBy {
            return [.init(.doseOrderVerified, "the dose order was verified by the clinician who ordered it; a second clinician must verify")]
        }
        if !policy.preDose.verifierRoles.value.contains(role) {
            let roles = policy.preDose.verifierRoles.value.map(\.rawValue).joined(separator: ", ")
            return [.init(.doseOrderVerified, "the verifier's role \(role.rawValue) may not verify dose orders; needs one of: \(roles)")]
        }
        return []
    }

    private func vitalsItems(now: Date, policy: SessionPolicy) -> [UnmetPreDoseItem] {
        guard let vitals, let takenAt = vitalsTakenAt else { return [.init(.vitals, "no pre-dose vitals recorded")] }
        let maxAge = policy.preDose.vitalsMaxAgeMinutes.value
        if now.timeIntervalSince(takenAt) > Double(maxAge) * 60 {
            return [.init(.vitals, "pre-dose vitals are older than \(maxAge) minutes; take a new set")]
        }
        let finding = Self.evaluateVitals(vitals, policy: policy)
        var unmet: [UnmetPreDoseItem] = []
        // DOMAIN.md §3.5: caution needs an acknowledgement, hold a prescriber override, block the medical director.
        if let gate = finding.bloodPressure, let threshold = finding.bloodPressureThreshold {
            switch gate {
            case .caution where vitalsOverride?.isPrescriberWithReason != true:
                unmet.append(.init(.vitals, "blood pressure \(threshold) (caution): the prescriber must acknowledge with a reason"))
            case .hold where vitalsOverride?.isPrescriberWithReason != true:
                unmet.append(.init(.vitals, "blood pressure \(threshold) (hold): repeat after rest, or a prescriber override with a reason"))
            case .block where !(vitalsOverride?.isPrescriberWithReason == true && vitalsOverride?.isMedicalDirector == true):
                unmet.append(.init(.vitals, "blood pressure \(threshold) (block): no dosing today without the medical director's override"))
            default: break
            }
        }
        for alert in finding.alerts where alert.level >= .stopDosing || vitalsOverride?.isPrescriberWithReason != true {
            unmet.append(.init(.vitals, "\(alert.threshold) (\(alert.level.rawValue)): \(alert.action)"))
        }
        return unmet
    }
}
