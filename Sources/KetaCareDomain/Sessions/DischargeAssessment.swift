public import Foundation

/// The discharge rules for one monitoring profile (DOMAIN.md §7.1).
public struct DischargeRule: Codable, Sendable, Equatable {
    /// The profile.
    public var profile: MonitoringProfile
    /// Minimum observation, in minutes.
    public var minimumMinutes: Sourced<Int>
    /// What the minimum is counted from (Spravato: the first device; racemic: end of infusion or injection).
    public var anchor: MonitoringAnchor
    /// Whether the minimum is a hard rule no override can shorten (Spravato label).
    public var minimumIsHard: Sourced<Bool>
    /// Observation added for this patient by intensified monitoring (DOMAIN.md §3.3, §7.1); never part of a stored policy,
    /// set only by ``SessionPolicy/intensified(by:)``.
    public var extendedBy: ObservationExtension?

    /// Creates a rule.
    public init(
        profile: MonitoringProfile, minimumMinutes: Sourced<Int>, anchor: MonitoringAnchor, minimumIsHard: Sourced<Bool>,
        extendedBy: ObservationExtension? = nil
    ) {
        self.profile = profile
        self.minimumMinutes = minimumMinutes
        self.anchor = anchor
        self.minimumIsHard = minimumIsHard
        self.extendedBy = extendedBy
    }

    /// The minimum observation in force: the product's minimum plus any extension.
    public var effectiveMinutes: Int { minimumMinutes.value + (extendedBy?.minutes ?? 0) }
}

/// Extra observation on top of a product's minimum, and why (DOMAIN.md §7.1: "moderate hepatic impairment: possibly longer
/// monitoring").
public struct ObservationExtension: Codable, Sendable, Equatable {
    /// Minutes added.
    public var minutes: Int
    /// Why, in words for the run-sheet ("Moderate hepatic impairment (Child-Pugh B)").
    public var reasons: [String]
    /// Whether no override may shorten the extension either (else a prescriber may, with a reason; the product's own hard
    /// minimum still stands).
    public var isHard: Bool

    /// Creates an extension.
    public init(minutes: Int, reasons: [String], isHard: Bool) {
        self.minutes = minutes
        self.reasons = reasons
        self.isHard = isHard
    }
}

/// The clinic's discharge settings (DOMAIN.md §7; Appendix B `discharge.*`).
public struct DischargePolicy: Codable, Sendable, Equatable {
    /// Per-profile minimum observation.
    public var rules: [DischargeRule]
    /// The score the clinic uses.
    public var instrument: Sourced<DischargeInstrument>
    /// Aldrete cutoff (≥9).
    public var aldreteCutoff: Sourced<Int>
    /// PADSS cutoff for the original PADSS (≥9 of 10).
    public var padssCutoff: Sourced<Int>
    /// Cutoff for the modified PADSS, which drops intake/output and so reaches 8 at most (DOMAIN.md §7.3).
    public var modifiedPADSSCutoff: Sourced<Int>
    /// The Aldrete circulation item's form and bands.
    public var aldreteCirculation: AldreteCirculationRule
    /// The PADSS variant.
    public var padss: PADSSRules
    /// Thresholds the latest vitals must not cross at discharge (§7.4: below the §6.5 warning thresholds).
    public var vitalThresholds: [VitalThreshold<AlertLevel>]
    /// Roles that may override unmet criteria (prescriber).
    public var overrideRoles: Sourced<[Role]>
    /// How far CADSS may still be above its pre-dose value at discharge (DOMAIN.md §7.1 "back near pre-dose").
    public var cadssToleranceAbovePreDose: Sourced<Int>
    /// "Before discharge" means within this many minutes of the assessment (DOMAIN.md §6.2, §6.4).
    public var preDischargeWindowMinutes: Sourced<Int>

    /// DESIGN DEFAULT: "near" read as "not above" (§7.1 gives no number).
    public static let seedCADSSTolerance = Sourced(0, .designDefault)
    /// DESIGN DEFAULT: a set within the last 15 minutes counts as "before discharge".
    public static let seedPreDischargeWindow = Sourced(15, .designDefault)
    /// DESIGN DEFAULT: DOMAIN.md §7.3 gives ≥9 for the 10-point original only; ≥7 of 8 allows one item at 1, as ≥9 of 10 does.
    public static let seedModifiedPADSSCutoff = Sourced(7, .designDefault)

    /// Creates discharge settings.
    public init(
        rules: [DischargeRule], instrument: Sourced<DischargeInstrument>, aldreteCutoff: Sourced<Int>, padssCutoff: Sourced<Int>,
        aldreteCirculation: AldreteCirculationRule, padss: PADSSRules, vitalThresholds: [VitalThreshold<AlertLevel>],
        overrideRoles: Sourced<[Role]>, cadssToleranceAbovePreDose: Sourced<Int> = DischargePolicy.seedCADSSTolerance,
        preDischargeWindowMinutes: Sourced<Int> = DischargePolicy.seedPreDischargeWindow,
        modifiedPADSSCutoff: Sourced<Int> = DischargePolicy.seedModifiedPADSSCutoff
    ) {
        self.rules = rules
        self.instrument = instrument
        self.aldreteCutoff = aldreteCutoff
        self.padssCutoff = padssCutoff
        self.modifiedPADSSCutoff = modifiedPADSSCutoff
        self.aldreteCirculation = aldreteCirculation
        self.padss = padss
        self.vitalThresholds = vitalThresholds
        self.overrideRoles = overrideRoles
        self.cadssToleranceAbovePreDose = cadssToleranceAbovePreDose
        self.preDischargeWindowMinutes = preDischargeWindowMinutes
    }

    private enum CodingKeys: String, CodingKey {
        case rules, instrument, aldreteCutoff, padssCutoff, aldreteCirculation, padss, vitalThresholds, overrideRoles, cadssToleranceAbovePreDose
        case preDischargeWindowMinutes, modifiedPADSSCutoff
    }

    /// Decodes stored settings; a policy stored before the CADSS and pre-discharge settings existed gets their seeds.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rules = try c.decode([DischargeRule].self, forKey: .rules)
        instrument = try c.decode(Sourced<DischargeInstrument>.self, forKey: .instrument)
        aldreteCutoff = try c.decode(Sourced<Int>.self, forKey: .aldreteCutoff)
        padssCutoff = try c.decode(Sourced<Int>.self, forKey: .padssCutoff)
        aldreteCirculation = try c.decode(AldreteCirculationRule.self, forKey: .aldreteCirculation)
        padss = try c.decode(PADSSRules.self, forKey: .padss)
        vitalThresholds = try c.decode([VitalThreshold<AlertLevel>].self, forKey: .vitalThresholds)
        overrideRoles = try c.decode(Sourced<[Role]>.self, forKey: .overrideRoles)
        cadssToleranceAbovePreDose = try c.decodeIfPresent(Sourced<Int>.self, forKey: .cadssToleranceAbovePreDose) ?? Self.seedCADSSTolerance
        preDischargeWindowMinutes = try c.decodeIfPresent(Sourced<Int>.self, forKey: .preDischargeWindowMinutes) ?? Self.seedPreDischargeWindow
        modifiedPADSSCutoff = try c.decodeIfPresent(Sourced<Int>.self, forKey: .modifiedPADSSCutoff) ?? Self.seedModifiedPADSSCutoff
    }

    /// The rule for a profile.
    public func rule(for profile: MonitoringProfile) -> DischargeRule? { rules.first { $0.profile == profile } }

    /// The cutoff for an instrument, for the PADSS variant the clinic runs (DOMAIN.md §7.3).
    public func cutoff(for instrument: DischargeInstrument) -> Int {
        switch instrument {
        case .aldrete: aldreteCutoff.value
        case .padss: padss.includesIntakeOutput.value ? padssCutoff.value : modifiedPADSSCutoff.value
        }
    }

    /// The highest total the instrument (and the clinic's PADSS variant) can reach (DOMAIN.md §7.2–7.3).
    public func maximum(for instrument: DischargeInstrument) -> Int {
        switch instrument {
        case .aldrete: ModifiedAldrete.maximum
        case .padss: padss.maximum
        }
    }

    /// "modified Aldrete", "PADSS" or "modified PADSS".
    public func name(of instrument: DischargeInstrument) -> String {
        switch instrument {
        case .aldrete: "modified Aldrete"
        case .padss: padss.variantName
        }
    }

    /// Refuses settings no session could meet, naming the field: a cutoff above what its score can reach (DOMAIN.md §7.2–7.3;
    /// the modified PADSS stops at 8, so the original's ≥9 can never be met), a minimum observation below zero, PADSS bands
    /// out of order.
    public func validate() throws(ValidationError) {
        let cutoffs: [(String, Sourced<Int>, Int, String)] = [
            ("aldreteCutoff", aldreteCutoff, ModifiedAldrete.maximum, "the modified Aldrete score"),
            ("padssCutoff", padssCutoff, 10, "the original PADSS (with intake/output)"),
            ("modifiedPADSSCutoff", modifiedPADSSCutoff, 8, "the modified PADSS (without intake/output)"),
        ]
        for (field, cutoff, maximum, what) in cutoffs where !(1...maximum).contains(cutoff.value) {
            throw ValidationError(
                field: field, message: "\(field) must be between 1 and \(maximum), the most \(what) can reach; got \(cutoff.value)")
        }
        for (index, rule) in rules.enumerated() where !(0...1_440).contains(rule.minimumMinutes.value) {
            throw ValidationError(
                field: "rules[\(index)].minimumMinutes", message: "minimumMinutes must be between 0 and 1440; got \(rule.minimumMinutes.value)")
        }
        let bands = padss.vitalSigns
        guard bands.fullScoreMaxPercent.value >= 0, bands.oneScoreMaxPercent.value >= bands.fullScoreMaxPercent.value,
            bands.oneScoreMaxPercent.value <= 1_000
        else {
            throw ValidationError(
                field: "padss.vitalSigns.oneScoreMaxPercent",
                message: "the PADSS vital-signs bands must satisfy 0 ≤ fullScoreMaxPercent ≤ oneScoreMaxPercent ≤ 1000; got "
                    + "\(bands.fullScoreMaxPercent.value) and \(bands.oneScoreMaxPercent.value)")
        }
    }
}

/// A discharge criterion from the checklist (DOMAIN.md §7.4).
public enum DischargeCriterion: String, Codable, Sendable, CaseIterable {
    /// 1. Minimum time elapsed (§7.1).
    case minimumObservation = "minimum_observation"
    /// 2. MOAA/S = 5 or equal to pre-dose.
    case sedationResolved = "sedation_resolved"
    /// §7.1: CADSS back near the pre-dose value (dissociation resolved).
    case dissociationResolved = "dissociation_resolved"
    /// §6.2, §6.4: the monitoring the route asks for was done (a hard rule for Spravato).
    case monitoringComplete = "monitoring_complete"
    /// 3. Discharge score at or above the cutoff, with the clinic's instrument.
    case score
    /// 4. Latest vitals below the warning thresholds.
    case vitals
    /// 5. No unresolved critical alert.
    case alertsResolved = "alerts_resolved"
    /// 6. Escort or transport confirmed.
    case escort
    /// 7. Driving advice acknowledged.
    case drivingAdvice = "driving_advice"
    /// 8. Spravato: REMS form data complete.
    case remsForm = "rems_form"
}

/// One unmet criterion and why.
public struct UnmetDischargeCriterion: Codable, Sendable, Equatable {
    /// The criterion.
    public var criterion: DischargeCriterion
    /// Why it is unmet.
    public var reason: String

    /// Creates an unmet criterion.
    public init(_ criterion: DischargeCriterion, _ reason: String) {
        self.criterion = criterion
        self.reason = reason
    }
}

/// A prescriber's override of unmet discharge criteria (issue #5: "Override needs a prescriber and a reason").
public struct DischargeOverride: Codable, Sendable, Equatable {
    /// Staff identifier.
    public var by: String
    /// Their role.
    public var role: Role
    /// Why discharge is safe anyway.
    public var reason: String
    /// When.
    public var at: Date

    /// Creates an override record (validated by ``DischargeAssessment/evaluate(_:override:policy:)``).
    public init(by: String, role: Role, reason: String, at: Date) {
        self.by = by
        self.role = role
        self.reason = reason
        self.at = at
    }
}

/// The outcome of a discharge assessment.
public struct DischargeDecision: Codable, Sendable, Equatable {
    /// Whether the patient may be discharged now (criteria met, or validly overridden).
    public var isReady: Bool
    /// Unmet criteria (kept even when overridden, for the record).
    public var unmet: [UnmetDischargeCriterion]
    /// When the minimum observation ends.
    public var minimumObservationEndsAt: Date
    /// The time the patient became ready: the assessment time when ready, else `nil`. The caller records the first one.
    public var readyAt: Date?
    /// The override that made the patient ready, if one was needed.
    public var override: DischargeOverride?
}

/// Everything the discharge assessment looks at (DOMAIN.md §7.1, §7.4).
public struct DischargeAssessment: Codable, Sendable, Equatable {
    /// The route given.
    public var route: DosingRoute
    /// Start of dosing (first device for Spravato).
    public var dosingStart: Date
    /// End of dosing (infusion stop or injection).
    public var dosingEnd: Date
    /// The time of the assessment.
    public var now: Date
    /// The latest vitals set.
    public var latestVitals: VitalSigns?
    /// The pre-dose vitals set (for rise thresholds).
    public var preDoseVitals: VitalSigns?
    /// The latest MOAA/S rating.
    public var latestMOAAS: Int?
    /// The pre-dose MOAA/S rating.
    public var preDoseMOAAS: Int?
    /// The discharge score.
    public var score: DischargeScore?
    /// Whether any critical alert is still unacknowledged or unresolved.
    public var hasUnresolvedCriticalAlert: Bool
    /// Escort or transport present.
    public var escortPresent: Bool
    /// Driving advice acknowledged.
    public var drivingAdviceAcknowledged: Bool
    /// Spravato: REMS Patient Monitoring Form data complete (ignored for other products).
    public var remsFormComplete: Bool
    /// The latest CADSS total after dosing.
    public var latestCADSS: Int?
    /// The pre-dose CADSS total.
    public var preDoseCADSS: Int?
    /// Monitoring steps still missing (``SessionObservations/missingForDischarge``); empty when complete.
    public var missingMonitoring: [String]

    /// Creates the assessment input.
    public init(
        route: DosingRoute, dosingStart: Date, dosingEnd: Date, now: Date, latestVitals: VitalSigns?, preDoseVitals: VitalSigns?,
        latestMOAAS: Int?, preDoseMOAAS: Int?, score: DischargeScore?, hasUnresolvedCriticalAlert: Bool, escortPresent: Bool,
        drivingAdviceAcknowledged: Bool, remsFormComplete: Bool, latestCADSS: Int? = nil, preDoseCADSS: Int? = nil,
        missingMonitoring: [String] = []
    ) {
        self.route = route
        self.dosingStart = dosingStart
        self.dosingEnd = dosingEnd
        self.now = now
        self.latestVitals = latestVitals
        self.preDoseVitals = preDoseVitals
        self.latestMOAAS = latestMOAAS
        self.preDoseMOAAS = preDoseMOAAS
        self.score = score
        self.hasUnresolvedCriticalAlert = hasUnresolvedCriticalAlert
        self.escortPresent = escortPresent
        self.drivingAdviceAcknowledged = drivingAdviceAcknowledged
        self.remsFormComplete = remsFormComplete
        self.latestCADSS = latestCADSS
        self.preDoseCADSS = preDoseCADSS
        self.missingMonitoring = missingMonitoring
    }

    /// Ready, or the unmet criteria; an override must come from an allowed role with a reason and cannot shorten a hard minimum.
    public static func evaluate(
        _ input: DischargeAssessment, override: DischargeOverride? = nil, policy: SessionPolicy
    ) throws(SessionError) -> DischargeDecision {
        let profile = MonitoringProfile(route: input.route)
        guard let rule = policy.discharge.rule(for: profile) else {
            throw SessionError(.outOfRange, field: "route", message: "no discharge rule is configured for \(profile.rawValue)")
        }
        let anchor = rule.anchor == .dosingStart ? input.dosingStart : input.dosingEnd
        let endsAt = anchor.addingTimeInterval(Double(rule.effectiveMinutes) * 60)
        // DOMAIN.md §7.1: the product's hard minimum; an extension for intensified monitoring is hard only when the clinic says so.
        let hardEndsAt: Date? =
            rule.extendedBy?.isHard == true
            ? endsAt : (rule.minimumIsHard.value ? anchor.addingTimeInterval(Double(rule.minimumMinutes.value) * 60) : nil)
        let unmet = input.unmetCriteria(minimumEndsAt: endsAt, rule: rule, policy: policy)
        if unmet.isEmpty {
            return DischargeDecision(isReady: true, unmet: [], minimumObservationEndsAt: endsAt, readyAt: input.now, override: nil)
        }
        guard let override else {
            return DischargeDecision(isReady: false, unmet: unmet, minimumObservationEndsAt: endsAt, readyAt: nil, override: nil)
        }
        guard policy.discharge.overrideRoles.value.contains(override.role) else {
            let roles = policy.discharge.overrideRoles.value.map(\.rawValue).joined(separator: ", ")
            throw SessionError(
                .roleNotAllowed, field: "override.role", message: "a discharge override needs one of: \(roles); got \(override.role.rawValue)")
        }
        _ = try SessionError.requireText(override.reason, field: "override.reason", what: "why discharge is safe despite unmet criteria")
        _ = try SessionError.requireText(override.by, field: "override.by", what: "the prescriber overriding")
        // DOMAIN.md §6.2: a Spravato session cannot be discharged while its labelled monitoring is missing; no override.
        if profile == .spravato, unmet.contains(where: { $0.criterion == .monitoringComplete }) {
            return DischargeDecision(isReady: false, unmet: unmet, minimumObservationEndsAt: endsAt, readyAt: nil, override: nil)
        }
        if let hardEndsAt, input.now < hardEndsAt {
            return DischargeDecision(isReady: false, unmet: unmet, minimumObservationEndsAt: endsAt, readyAt: nil, override: nil)
        }
        return DischargeDecision(isReady: true, unmet: unmet, minimumObservationEndsAt: endsAt, readyAt: input.now, override: override)
    }

    private func unmetCriteria(minimumEndsAt: Date, rule: DischargeRule, policy: SessionPolicy) -> [UnmetDischargeCriterion] {
        var unmet: [UnmetDischargeCriterion] = []
        // DOMAIN.md §7.1: the minimum is "at least", so exactly at the end is met.
        if now < minimumEndsAt {
            let remaining = Int((minimumEndsAt.timeIntervalSince(now) / 60).rounded(.up))
            let extended =
                rule.extendedBy.map {
                    " (\(rule.minimumMinutes.value) + \($0.minutes) extended for intensified monitoring: \($0.reasons.joined(separator: "; ")))"
                } ?? ""
            unmet.append(
                .init(.minimumObservation, "minimum observation of \(rule.effectiveMinutes) min\(extended) not reached; \(remaining) min to go"))
        }
        switch (latestMOAAS, preDoseMOAAS) {
        case (let latest?, let pre):
            if latest != 5 && latest != pre { unmet.append(.init(.sedationResolved, "MOAA/S is \(latest); needs 5 or the pre-dose value")) }
        case (nil, _): unmet.append(.init(.sedationResolved, "no MOAA/S rating recorded"))
        }
        // DOMAIN.md §7.1: dissociation resolved — CADSS back near (within the policy's tolerance of) the pre-dose value.
        if let pre = preDoseCADSS, let latest = latestCADSS, latest > pre + policy.discharge.cadssToleranceAbovePreDose.value {
            unmet.append(.init(.dissociationResolved, "CADSS is \(latest), above the pre-dose \(pre); dissociation has not resolved"))
        }
        if !missingMonitoring.isEmpty {
            unmet.append(.init(.monitoringComplete, "monitoring missing: " + missingMonitoring.joined(separator: "; ")))
        }
        let instrument = policy.discharge.instrument.value
        let cutoff = policy.discharge.cutoff(for: instrument)
        let name = policy.discharge.name(of: instrument)
        if let score {
            if score.instrument != instrument {
                unmet.append(.init(.score, "the clinic uses the \(name); got a \(score.instrument.rawValue) score"))
            } else if score.total < cutoff {
                let maximum = policy.discharge.maximum(for: instrument)
                unmet.append(.init(.score, "\(name) total \(score.total) of \(maximum) is below the cutoff \(cutoff)"))
            }
        } else {
            unmet.append(.init(.score, "no \(name) score recorded"))
        }
        if let latestVitals {
            for alert in latestVitals.alerts(policy.discharge.vitalThresholds, baseline: preDoseVitals) {
                unmet.append(.init(.vitals, "latest vitals cross \(alert.threshold)"))
            }
        } else {
            unmet.append(.init(.vitals, "no vitals recorded"))
        }
        if hasUnresolvedCriticalAlert { unmet.append(.init(.alertsResolved, "a critical alert is unresolved")) }
        if !escortPresent { unmet.append(.init(.escort, "escort or transport not present")) }
        if !drivingAdviceAcknowledged { unmet.append(.init(.drivingAdvice, "driving advice not acknowledged")) }
        if route.product == .esketamine, rule.profile == .spravato, policy.remsEnabled.value, !remsFormComplete {
            unmet.append(.init(.remsForm, "REMS Patient Monitoring Form data incomplete"))
        }
        return unmet
    }
}
