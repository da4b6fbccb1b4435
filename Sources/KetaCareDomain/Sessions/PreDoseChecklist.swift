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

/// What a documented pre-dose override covers.
public enum PreDoseOverrideItem: String, Codable, Sendable, CaseIterable {
    /// A blood-pressure caution or hold (a prescriber) or block (the medical director) on the pre-dose set (DOMAIN.md §3.5).
    case vitals
    /// Pregnancy: not recommended, a hard stop overridable by the medical director only (DOMAIN.md §3.3).
    case pregnancy
    /// A C-SSRS high-risk result in the look-back window: no dosing today; the medical director only (DOMAIN.md §1.9, Appendix B).
    case suicideRisk = "suicide_risk"
    /// Consent or eligibility held on paper rather than in KetaCare: the medical director only, naming the paper record.
    case records

    /// Whether only an account holding the medical-director authority may make this override at all (a vitals override
    /// needs it only for a block, which the gate checks).
    public var needsMedicalDirector: Bool { self != .vitals }
}

/// A clinician's documented decision to proceed despite a pre-dose finding, with the authority the server read from their
/// account at that moment (never a box ticked in the request).
public struct PreDoseOverride: Codable, Sendable, Equatable {
    /// What it covers.
    public var item: PreDoseOverrideItem
    /// Who made it.
    public var by: String
    /// Their role.
    public var role: Role
    /// Whether their account held the medical-director authority.
    public var isMedicalDirector: Bool
    /// Why proceeding is acceptable (for `records`: which paper record, where).
    public var reason: String
    /// When.
    public var at: Date

    /// Creates an override record.
    public init(item: PreDoseOverrideItem, by: String, role: Role, isMedicalDirector: Bool, reason: String, at: Date) {
        self.item = item
        self.by = by
        self.role = role
        self.isMedicalDirector = isMedicalDirector
        self.reason = reason
        self.at = at
    }

    /// As the older vitals-override shape.
    public var clinicianOverride: ClinicianOverride { ClinicianOverride(by: by, role: role, reason: reason, isMedicalDirector: isMedicalDirector) }

    /// A prescriber's override with a reason, by an account with the medical-director authority.
    public var isMedicalDirectorsWithReason: Bool { clinicianOverride.isPrescriberWithReason && isMedicalDirector }
}

/// A patient's questionnaire safety alert as the pre-dose gate sees it (DOMAIN.md §1.2 item 9, §1.9 C-SSRS).
public struct PreDoseSafetyAlert: Codable, Sendable, Equatable {
    /// The rule that raised it (`phq9.item9`, `cssrs.high`, `cssrs.moderate`, `cssrs.low`).
    public var ruleID: String
    /// The alert's message.
    public var message: String
    /// When it was raised.
    public var raisedAt: Date
    /// Whether the clinic's policy makes it block dosing.
    public var blocksDosing: Bool
    /// Whether a prescriber has documented a risk review on it (acknowledged it with the action taken).
    public var isReviewed: Bool

    /// Creates an alert view.
    public init(ruleID: String, message: String, raisedAt: Date, blocksDosing: Bool, isReviewed: Bool) {
        self.ruleID = ruleID
        self.message = message
        self.raisedAt = raisedAt
        self.blocksDosing = blocksDosing
        self.isReviewed = isReviewed
    }

    /// A C-SSRS result of any level.
    public var isCSSRS: Bool { ruleID.hasPrefix("cssrs.") }
    /// A C-SSRS high-risk result.
    public var isCSSRSHigh: Bool { ruleID == "cssrs.high" }
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
    /// Whether the patient has any consent record in KetaCare (current, expired or withdrawn).
    public var hasConsentRecord: Bool
    /// The patient's questionnaire safety alerts (open ones, and recent reviewed ones for the look-back window).
    public var safetyAlerts: [PreDoseSafetyAlert]
    /// Documented overrides of pre-dose findings, oldest first.
    public var overrides: [PreDoseOverride]

    /// Creates the checklist input.
    public init(
        identityConfirmed: Bool, consentedRoutes: Set<DosingRoute>, consentExpiresAt: Date?, eligibilityScreenedAt: Date?,
        eligibilityCleared: Bool, doseOrderedBy: String?, doseVerifiedBy: String?, doseVerifierRole: Role?, vitals: VitalSigns?,
        vitalsTakenAt: Date?, vitalsOverride: ClinicianOverride? = nil, questionnaires: [PreSessionQuestionnaire], fastingConfirmed: Bool,
        escortConfirmed: Bool, pregnancy: PregnancyStatus, medicationsReviewedAt: Date?, previousSessionAt: Date?,
        hasConsentRecord: Bool = true, safetyAlerts: [PreDoseSafetyAlert] = [], overrides: [PreDoseOverride] = []
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
        self.hasConsentRecord = hasConsentRecord
        self.safetyAlerts = safetyAlerts
        self.overrides = overrides
    }

    /// The latest override of `item`, if any.
    public func override(_ item: PreDoseOverrideItem) -> PreDoseOverride? { overrides.last { $0.item == item } }
}

/// Which pre-dose item is unmet.
public enum PreDoseItem: String, Codable, Sendable, CaseIterable {
    /// Patient identity.
    case identity
    /// Current consent for the route.
    case consent
    /// A current, clearing eligibility screen.
    case eligibility
    /// An open suicidality alert without a documented risk review, or a C-SSRS high-risk result today (DOMAIN.md §1.2, §1.9).
    case suicideRisk = "suicide_risk"
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
        // Issue #10 "no record, no dose": only a stored consent and screening count; where they are on paper, only the medical
        // director's override naming the paper record stands in for them (a withdrawn consent or a blocking screen never).
        let paperRecord = override(.records).map(\.isMedicalDirectorsWithReason) ?? false
        if !consentedRoutes.contains(route) {
            if !(paperRecord && !hasConsentRecord) {
                unmet.append(
                    .init(
                        .consent,
                        hasConsentRecord
                            ? "no current consent covers the route \(route.rawValue)"
                            : "no consent on record for \(route.rawValue): record it on the chart, or the medical director overrides naming the paper consent"
                    ))
            }
        } else if let consentExpiresAt, consentExpiresAt <= now {
            unmet.append(.init(.consent, "consent for \(route.rawValue) expired"))
        }
        if !(paperRecord && eligibilityScreenedAt == nil) {
            unmet += eligibilityItems(now: now, maxAgeDays: rules.eligibilityMaxAgeDays.value)
        }
        unmet += suicideRiskItems(now: now, lookbackHours: rules.suicideRiskLookbackHours.value)
        unmet += orderItems(policy: policy)
        unmet += vitalsItems(now: now, policy: policy)
        for questionnaire in questionnaires where !questionnaire.isDone && !SessionError.hasContent(questionnaire.waiverReason) {
            unmet.append(.init(.questionnaires, "\(questionnaire.instrument) is neither done nor waived with a reason"))
        }
        if rules.requiresFasting.value && !fastingConfirmed { unmet.append(.init(.fasting, "confirm fasting as instructed")) }
        if rules.requiresEscort.value && !escortConfirmed { unmet.append(.init(.escort, "confirm the escort or transport home")) }
        switch pregnancy {
        case .notApplicable, .notPregnant: break
        // DOMAIN.md §3.3: not recommended, hard stop by default, overridable by the medical director only.
        case .pregnant where override(.pregnancy)?.isMedicalDirectorsWithReason != true:
            unmet.append(.init(.pregnancy, "patient is pregnant: not recommended; only the medical director's override with a reason allows dosing"))
        case .pregnant: break
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

    private func suicideRiskItems(now: Date, lookbackHours: Int) -> [UnmetPreDoseItem] {
        var unmet: [UnmetPreDoseItem] = []
        let since = now.addingTimeInterval(-Double(lookbackHours) * 3600)
        for alert in safetyAlerts.sorted(by: { $0.raisedAt < $1.raisedAt }) where !alert.isReviewed {
            // DOMAIN.md §1.2 step 4 (Appendix B `safety.phq9Item9.blocksDosing`): an open item-9 alert blocks starting a dose
            // until a clinician documents a risk review; §1.9: so does any C-SSRS result in the look-back window.
            guard alert.blocksDosing || (alert.isCSSRS && alert.raisedAt >= since) else { continue }
            unmet.append(
                .init(
                    .suicideRisk,
                    "open safety alert — \(alert.message) A prescriber must document the risk review: acknowledge the alert with the action taken"
                ))
        }
        // DOMAIN.md §1.9, Appendix B `safety.cssrs.actionsByRisk`: high risk → no dosing today, reviewed or not; only the medical
        // director's override with a reason lets a dose start.
        let high = safetyAlerts.contains { $0.isCSSRSHigh && $0.blocksDosing && $0.raisedAt >= since }
        if high, override(.suicideRisk)?.isMedicalDirectorsWithReason != true {
            unmet.append(
                .init(
                    .suicideRisk,
                    "C-SSRS high risk in the last \(lookbackHours) h: no dosing today (same-day psychiatric evaluation); only the medical director can override"
                ))
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
