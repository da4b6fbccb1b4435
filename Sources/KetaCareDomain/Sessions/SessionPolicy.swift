public import Foundation

/// Every threshold, schedule and cutoff the session run-sheet uses, as data seeded from DOMAIN.md §3.5, §6, §7, §8.
///
/// Each value carries its provenance so the UI can flag what the clinic must review. Decodes field by field with the seed as
/// fallback, so a stored policy written before a field existed still loads.
public struct SessionPolicy: Codable, Sendable, Equatable {
    /// Roles that may move a session between states (nurses and prescribers; discharge is signed by a licensed clinician, §7.4).
    public var transitionRoles: Sourced<[Role]>
    /// Plausibility ranges for vitals entry.
    public var plausibility: VitalPlausibility
    /// In-session alert thresholds (DOMAIN.md §6.5; Appendix B `alerts.*`).
    public var alerts: [VitalThreshold<AlertLevel>]
    /// Pre-dose checklist rules.
    public var preDose: PreDosePolicy
    /// Vitals schedules (DOMAIN.md §6.2–6.3).
    public var monitoring: MonitoringPolicy
    /// CADSS and MOAA/S timing and thresholds (DOMAIN.md §6.4, §1.7–1.8).
    public var assessments: AssessmentPolicy
    /// The side-effect checklist.
    public var sideEffects: [SideEffectItem]
    /// Rescue medications: routes, common drugs, dose ceilings.
    public var rescueMedications: RescueMedicationPolicy
    /// Discharge rules (DOMAIN.md §7).
    public var discharge: DischargePolicy
    /// Adverse-event reporting duties (DOMAIN.md §8.5).
    public var reporting: [ReportingRule]
    /// Long-term safety watch.
    public var safetyWatch: SafetyWatchPolicy
    /// Whether Spravato REMS features are on (Appendix B `rems.enabled`).
    public var remsEnabled: Sourced<Bool>
    /// Minutes after which an unacknowledged critical alert escalates to the prescriber on site (DOMAIN.md §6.5 alert mechanics).
    public var escalationMinutes: Sourced<Int>
    /// Which screening findings call for closer monitoring, and how much closer (DOMAIN.md §3.3, §3.4, §7.1).
    public var intensification: IntensificationPolicy

    /// DOMAIN.md §6.5 alert mechanics: "Unacknowledged critical alerts escalate after 2 min" (DESIGN DEFAULT).
    public static let seedEscalation = Sourced(2, .designDefault)

    /// Creates a session policy.
    public init(
        transitionRoles: Sourced<[Role]>, plausibility: VitalPlausibility, alerts: [VitalThreshold<AlertLevel>], preDose: PreDosePolicy,
        monitoring: MonitoringPolicy, assessments: AssessmentPolicy, sideEffects: [SideEffectItem],
        rescueMedications: RescueMedicationPolicy = .seed, discharge: DischargePolicy, reporting: [ReportingRule],
        safetyWatch: SafetyWatchPolicy, remsEnabled: Sourced<Bool>, escalationMinutes: Sourced<Int> = SessionPolicy.seedEscalation,
        intensification: IntensificationPolicy = .seed
    ) {
        self.transitionRoles = transitionRoles
        self.plausibility = plausibility
        self.alerts = alerts
        self.preDose = preDose
        self.monitoring = monitoring
        self.assessments = assessments
        self.sideEffects = sideEffects
        self.rescueMedications = rescueMedications
        self.discharge = discharge
        self.reporting = reporting
        self.safetyWatch = safetyWatch
        self.remsEnabled = remsEnabled
        self.escalationMinutes = escalationMinutes
        self.intensification = intensification
    }

    private enum CodingKeys: String, CodingKey {
        case transitionRoles, plausibility, alerts, preDose, monitoring, assessments, sideEffects, rescueMedications, discharge, reporting,
            safetyWatch, remsEnabled, escalationMinutes, intensification
    }

    /// Decodes a stored policy; a missing field takes its seed value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let seed = Self.seed
        transitionRoles = try c.decodeIfPresent(Sourced<[Role]>.self, forKey: .transitionRoles) ?? seed.transitionRoles
        plausibility = try c.decodeIfPresent(VitalPlausibility.self, forKey: .plausibility) ?? seed.plausibility
        alerts = try c.decodeIfPresent([VitalThreshold<AlertLevel>].self, forKey: .alerts) ?? seed.alerts
        preDose = try c.decodeIfPresent(PreDosePolicy.self, forKey: .preDose) ?? seed.preDose
        monitoring = try c.decodeIfPresent(MonitoringPolicy.self, forKey: .monitoring) ?? seed.monitoring
        assessments = try c.decodeIfPresent(AssessmentPolicy.self, forKey: .assessments) ?? seed.assessments
        sideEffects = try c.decodeIfPresent([SideEffectItem].self, forKey: .sideEffects) ?? seed.sideEffects
        rescueMedications = try c.decodeIfPresent(RescueMedicationPolicy.self, forKey: .rescueMedications) ?? seed.rescueMedications
        discharge = try c.decodeIfPresent(DischargePolicy.self, forKey: .discharge) ?? seed.discharge
        reporting = try c.decodeIfPresent([ReportingRule].self, forKey: .reporting) ?? seed.reporting
        safetyWatch = try c.decodeIfPresent(SafetyWatchPolicy.self, forKey: .safetyWatch) ?? seed.safetyWatch
        remsEnabled = try c.decodeIfPresent(Sourced<Bool>.self, forKey: .remsEnabled) ?? seed.remsEnabled
        escalationMinutes = try c.decodeIfPresent(Sourced<Int>.self, forKey: .escalationMinutes) ?? Self.seedEscalation
        intensification = try c.decodeIfPresent(IntensificationPolicy.self, forKey: .intensification) ?? .seed
    }

    /// Refuses settings no session could meet, naming the field (`discharge.modifiedPADSSCutoff`).
    public func validate() throws(ValidationError) {
        func within(_ area: String, _ body: () throws(ValidationError) -> Void) throws(ValidationError) {
            do {
                try body()
            } catch {
                throw ValidationError(field: "\(area).\(error.field)", message: error.message)
            }
        }
        try within("discharge") { () throws(ValidationError) in try discharge.validate() }
        try within("intensification") { () throws(ValidationError) in try intensification.validate() }
        try within("monitoring") { () throws(ValidationError) in try monitoring.validate() }
    }

    /// The values KetaCare ships with.
    public static let seed = SessionPolicy(
        transitionRoles: Sourced([.nurse, .prescriber], .designDefault),
        plausibility: .seed,
        alerts: alertSeed,
        preDose: .seed,
        monitoring: .seed,
        assessments: .seed,
        sideEffects: SideEffectItem.seed,
        rescueMedications: .seed,
        discharge: .seed,
        reporting: ReportingRule.seed,
        safetyWatch: .seed,
        remsEnabled: Sourced(true, .sourced("DOMAIN.md Appendix B rems.enabled; §8.5"))
    )

    /// DOMAIN.md §6.5, one row per signal and level.
    static let alertSeed: [VitalThreshold<AlertLevel>] = {
        let bpWarning = "Recheck in 5 min; notify clinician"
        let bpCritical = "Pause/stop infusion (IV); clinician at bedside; consider treatment"
        let rise = Provenance.sourced("DOMAIN.md §6.5 [Spravato USPI W&P]")
        return [
            VitalThreshold(
                key: "alerts.sbp.warning", signal: .systolic, comparison: .atLeast, limit: 160, level: .warning, action: bpWarning,
                provenance: .designDefault),
            VitalThreshold(
                key: "alerts.dbp.warning", signal: .diastolic, comparison: .atLeast, limit: 100, level: .warning, action: bpWarning,
                provenance: .designDefault),
            VitalThreshold(
                key: "alerts.sbp.critical", signal: .systolic, comparison: .atLeast, limit: 180, level: .stopDosing, action: bpCritical,
                provenance: .designDefault),
            VitalThreshold(
                key: "alerts.dbp.critical", signal: .diastolic, comparison: .atLeast, limit: 110, level: .stopDosing, action: bpCritical,
                provenance: .designDefault),
            VitalThreshold(
                key: "alerts.sbp_rise.warning", signal: .systolicRise, comparison: .atLeast, limit: 40, level: .warning, action: "Recheck; notify",
                provenance: rise),
            VitalThreshold(
                key: "alerts.dbp_rise.warning", signal: .diastolicRise, comparison: .atLeast, limit: 25, level: .warning,
                action: "Recheck; notify", provenance: rise),
            VitalThreshold(
                key: "alerts.hr.high", signal: .heartRate, comparison: .above, limit: 110, level: .warning, action: "Recheck; notify",
                provenance: .unconfirmed),  // DOMAIN.md §6.5: 110 attributed to Sanacora 2017 (Appendix A item 1)
            VitalThreshold(
                key: "alerts.hr.low", signal: .heartRate, comparison: .below, limit: 50, level: .warning, action: "Recheck; notify",
                provenance: .designDefault),
            VitalThreshold(
                key: "alerts.spo2.warning", signal: .spo2, comparison: .below, limit: 92, level: .warning,
                action: "Stimulate, reposition, recheck", provenance: .designDefault),
            VitalThreshold(
                key: "alerts.spo2.critical", signal: .spo2, comparison: .below, limit: 90, level: .stopDosing,
                action: "Stop infusion; supplemental O2; clinician at bedside", provenance: .designDefault),
            VitalThreshold(
                key: "alerts.rr.warning", signal: .respiratoryRate, comparison: .below, limit: 10, level: .warning,
                action: "Stimulate; assess airway", provenance: .unconfirmed),  // Appendix A item 23: no source
            VitalThreshold(
                key: "alerts.rr.critical", signal: .respiratoryRate, comparison: .below, limit: 8, level: .stopDosing,
                action: "Stimulate; assess airway; stop dosing", provenance: .unconfirmed),
        ]
    }()
}

/// Pre-dose checklist rules (issue #5; DOMAIN.md §3.3, §3.5, §4.4).
public struct PreDosePolicy: Codable, Sendable, Equatable {
    /// The blood-pressure gate (Appendix B `eligibility.bp.preDose.*`).
    public var bloodPressureGate: [VitalThreshold<PreDoseBloodPressureGate>]
    /// An eligibility screen older than this must be repeated.
    public var eligibilityMaxAgeDays: Sourced<Int>
    /// Pre-dose vitals older than this must be retaken.
    public var vitalsMaxAgeMinutes: Sourced<Int>
    /// Whether fasting must be confirmed.
    public var requiresFasting: Sourced<Bool>
    /// Whether an escort must be confirmed (§3.3 hard stop until arranged).
    public var requiresEscort: Sourced<Bool>
    /// Roles that may verify a dose order (the second clinician).
    public var verifierRoles: Sourced<[Role]>
    /// How far back a C-SSRS result counts for today's dose (DOMAIN.md §1.9: high risk → no dosing today).
    public var suicideRiskLookbackHours: Sourced<Int>

    /// Creates pre-dose rules.
    public init(
        bloodPressureGate: [VitalThreshold<PreDoseBloodPressureGate>], eligibilityMaxAgeDays: Sourced<Int>, vitalsMaxAgeMinutes: Sourced<Int>,
        requiresFasting: Sourced<Bool>, requiresEscort: Sourced<Bool>, verifierRoles: Sourced<[Role]>,
        suicideRiskLookbackHours: Sourced<Int> = PreDosePolicy.seedSuicideRiskLookback
    ) {
        self.bloodPressureGate = bloodPressureGate
        self.eligibilityMaxAgeDays = eligibilityMaxAgeDays
        self.vitalsMaxAgeMinutes = vitalsMaxAgeMinutes
        self.requiresFasting = requiresFasting
        self.requiresEscort = requiresEscort
        self.verifierRoles = verifierRoles
        self.suicideRiskLookbackHours = suicideRiskLookbackHours
    }

    /// DOMAIN.md §1.9 says "today": 24 hours is the DESIGN DEFAULT reading of it.
    public static let seedSuicideRiskLookback = Sourced(24, .designDefault)

    private enum CodingKeys: String, CodingKey {
        case bloodPressureGate, eligibilityMaxAgeDays, vitalsMaxAgeMinutes, requiresFasting, requiresEscort, verifierRoles, suicideRiskLookbackHours
    }

    /// Decodes stored rules; a policy stored before the look-back window existed gets the seed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bloodPressureGate = try c.decode([VitalThreshold<PreDoseBloodPressureGate>].self, forKey: .bloodPressureGate)
        eligibilityMaxAgeDays = try c.decode(Sourced<Int>.self, forKey: .eligibilityMaxAgeDays)
        vitalsMaxAgeMinutes = try c.decode(Sourced<Int>.self, forKey: .vitalsMaxAgeMinutes)
        requiresFasting = try c.decode(Sourced<Bool>.self, forKey: .requiresFasting)
        requiresEscort = try c.decode(Sourced<Bool>.self, forKey: .requiresEscort)
        verifierRoles = try c.decode(Sourced<[Role]>.self, forKey: .verifierRoles)
        suicideRiskLookbackHours = try c.decodeIfPresent(Sourced<Int>.self, forKey: .suicideRiskLookbackHours) ?? Self.seedSuicideRiskLookback
    }

    /// DOMAIN.md §3.5 and the DESIGN DEFAULT freshness rules.
    public static let seed: PreDosePolicy = {
        let guide = Provenance.sourced("DOMAIN.md §3.5 [Spravato USPI §2 / W&P]: >140/90 general guide")
        let caution = "Weigh the short-term BP rise against benefit; consider delaying; prescriber acknowledges"
        let hold = "Repeat after 5–10 min rest; dosing needs a prescriber override with a reason"
        let block = "No dosing today (medical-director override only)"
        return PreDosePolicy(
            bloodPressureGate: [
                VitalThreshold(
                    key: "eligibility.bp.preDose.warn.sbp", signal: .systolic, comparison: .above, limit: 140, level: .caution, action: caution,
                    provenance: guide),
                VitalThreshold(
                    key: "eligibility.bp.preDose.warn.dbp", signal: .diastolic, comparison: .above, limit: 90, level: .caution, action: caution,
                    provenance: guide),
                VitalThreshold(
                    key: "eligibility.bp.preDose.hold.sbp", signal: .systolic, comparison: .atLeast, limit: 160, level: .hold, action: hold,
                    provenance: .designDefault),
                VitalThreshold(
                    key: "eligibility.bp.preDose.hold.dbp", signal: .diastolic, comparison: .atLeast, limit: 100, level: .hold, action: hold,
                    provenance: .designDefault),
                VitalThreshold(
                    key: "eligibility.bp.preDose.block.sbp", signal: .systolic, comparison: .atLeast, limit: 180, level: .block, action: block,
                    provenance: .designDefault),
                VitalThreshold(
                    key: "eligibility.bp.preDose.block.dbp", signal: .diastolic, comparison: .atLeast, limit: 110, level: .block, action: block,
                    provenance: .designDefault),
            ],
            eligibilityMaxAgeDays: Sourced(90, .designDefault),
            vitalsMaxAgeMinutes: Sourced(60, .designDefault),
            requiresFasting: Sourced(true, .designDefault),  // DOMAIN.md §4.4 for Spravato; extended to racemic by design
            requiresEscort: Sourced(true, .designDefault),  // DOMAIN.md §3.3
            verifierRoles: Sourced([.prescriber, .nurse], .designDefault)
        )
    }()
}

/// Vitals schedules and their timing tolerances.
public struct MonitoringPolicy: Codable, Sendable, Equatable {
    /// One schedule per profile and measurement.
    public var schedules: [MeasurementSchedule]
    /// A set this many minutes before a timepoint satisfies it.
    public var timepointToleranceMinutes: Sourced<Int>
    /// A set is flagged overdue this many minutes after its due time.
    public var overdueGraceMinutes: Sourced<Int>
    /// A set this many minutes after a timepoint still counts as taken "at about" it (DOMAIN.md §6.2, §6.4: about 40 min).
    public var timepointLateMinutes: Sourced<Int>

    /// DESIGN DEFAULT: "about 40 min" is 35–55 min with the 5-minute early tolerance.
    public static let seedTimepointLate = Sourced(15, .designDefault)

    /// Creates monitoring settings.
    public init(
        schedules: [MeasurementSchedule], timepointToleranceMinutes: Sourced<Int>, overdueGraceMinutes: Sourced<Int>,
        timepointLateMinutes: Sourced<Int> = MonitoringPolicy.seedTimepointLate
    ) {
        self.schedules = schedules
        self.timepointToleranceMinutes = timepointToleranceMinutes
        self.overdueGraceMinutes = overdueGraceMinutes
        self.timepointLateMinutes = timepointLateMinutes
    }

    private enum CodingKeys: String, CodingKey {
        case schedules, timepointToleranceMinutes, overdueGraceMinutes, timepointLateMinutes
    }

    /// The measurements the Spravato label asks for throughout (DOMAIN.md §6.1–6.2: BP at its timepoints, pulse oximetry
    /// throughout the observation): a clinic sets their intervals, but cannot have none.
    public static let labelRequired: [(MonitoringProfile, MonitoredMeasurement)] = [(.spravato, .bloodPressure), (.spravato, .oximetry)]

    /// Refuses a policy without a schedule the label requires, naming the field.
    public func validate() throws(ValidationError) {
        for (profile, measurement) in Self.labelRequired where schedule(profile, measurement) == nil {
            throw ValidationError(
                field: "schedules",
                message:
                    "a \(measurement.label) schedule for \(profile.rawValue) is required (DOMAIN.md §6.1–6.2); set its interval instead of removing it"
            )
        }
    }

    /// Decodes stored settings; a policy stored before the late allowance existed gets the seed, and one stored before a
    /// label-required schedule existed (Spravato oximetry, issue #10) gets the seed's schedule for it, keeping the clinic's own.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let stored = try c.decode([MeasurementSchedule].self, forKey: .schedules)
        schedules =
            stored
            + Self.labelRequired.compactMap { profile, measurement in
                stored.contains { $0.profile == profile && $0.measurement == measurement } ? nil : Self.seed.schedule(profile, measurement)
            }
        timepointToleranceMinutes = try c.decode(Sourced<Int>.self, forKey: .timepointToleranceMinutes)
        overdueGraceMinutes = try c.decode(Sourced<Int>.self, forKey: .overdueGraceMinutes)
        timepointLateMinutes = try c.decodeIfPresent(Sourced<Int>.self, forKey: .timepointLateMinutes) ?? Self.seedTimepointLate
    }

    /// The schedule for a profile and measurement, if any.
    public func schedule(_ profile: MonitoringProfile, _ measurement: MonitoredMeasurement) -> MeasurementSchedule? {
        schedules.first { $0.profile == profile && $0.measurement == measurement }
    }

    /// The next set due for a route and measurement, with this policy's tolerance and grace (see `MeasurementSchedule.nextDue`).
    public func nextDue(
        route: DosingRoute, measurement: MonitoredMeasurement, recorded: [Date], dosingStart: Date, dosingEnd: Date?, now: Date
    ) -> MonitoringDue? {
        schedule(MonitoringProfile(route: route), measurement)?.nextDue(
            recorded: recorded, dosingStart: dosingStart, dosingEnd: dosingEnd, now: now,
            timepointToleranceMinutes: timepointToleranceMinutes.value, overdueGraceMinutes: overdueGraceMinutes.value)
    }

    /// DOMAIN.md §6.2 (Spravato) and §6.3 (racemic DESIGN DEFAULTS).
    public static let seed: MonitoringPolicy = {
        let during = { (every: Int) in MonitoringInterval(anchor: .dosingStart, duringDosingOnly: true, everyMinutes: every) }
        let after = MonitoringInterval(anchor: .dosingEnd, everyMinutes: 15)
        let injection = [
            MonitoringInterval(anchor: .dosingEnd, fromMinute: 0, untilMinute: 60, everyMinutes: 15),
            MonitoringInterval(anchor: .dosingEnd, fromMinute: 60, everyMinutes: 30),
        ]
        return MonitoringPolicy(
            schedules: [
                MeasurementSchedule(
                    profile: .spravato, measurement: .bloodPressure, timepoints: [MonitoringTimepoint(anchor: .dosingStart, minute: 40)],
                    provenance: .sourced("DOMAIN.md §6.2 [Spravato USPI W&P Increase in BP]")),
                // DOMAIN.md §6.1–6.2: pulse oximetry throughout the ≥2 h observation; charting every 15 min is the DESIGN DEFAULT.
                MeasurementSchedule(
                    profile: .spravato, measurement: .oximetry, intervals: [MonitoringInterval(anchor: .dosingStart, everyMinutes: 15)],
                    provenance: .designDefault),
                MeasurementSchedule(profile: .infusion, measurement: .bloodPressure, intervals: [during(10), after], provenance: .designDefault),
                MeasurementSchedule(profile: .infusion, measurement: .oximetry, intervals: [during(5), after], provenance: .designDefault),
                MeasurementSchedule(
                    profile: .infusion, measurement: .respiratoryRate, intervals: [MonitoringInterval(anchor: .dosingStart, everyMinutes: 15)],
                    provenance: .designDefault),
                MeasurementSchedule(profile: .injection, measurement: .bloodPressure, intervals: injection, provenance: .designDefault),
                MeasurementSchedule(profile: .injection, measurement: .oximetry, intervals: injection, provenance: .designDefault),
                MeasurementSchedule(profile: .injection, measurement: .respiratoryRate, intervals: injection, provenance: .designDefault),
            ],
            timepointToleranceMinutes: Sourced(5, .designDefault),
            overdueGraceMinutes: Sourced(0, .designDefault)
        )
    }()
}

extension AssessmentPolicy {
    /// DOMAIN.md §6.4 timing, §1.8 / §6.5 MOAA/S mapping, §1.7 CADSS rule.
    public static let seed = AssessmentPolicy(
        moaasEveryMinutes: Sourced(15, .designDefault),
        moaasConsecutiveToResolve: Sourced(2, .designDefault),
        cadssTimepoints: [
            ProfileTimepoint(profile: .infusion, timepoint: MonitoringTimepoint(anchor: .dosingEnd, minute: 0), provenance: .designDefault),
            ProfileTimepoint(profile: .spravato, timepoint: MonitoringTimepoint(anchor: .dosingStart, minute: 40), provenance: .designDefault),
            // DOMAIN.md §6.4 names IV and Spravato only; injections borrow "about 40 min" after the dose.
            ProfileTimepoint(profile: .injection, timepoint: MonitoringTimepoint(anchor: .dosingStart, minute: 40), provenance: .designDefault),
        ],
        moaasThresholds: [
            ScoreThreshold(key: "alerts.moaas.note", comparison: .atMost, limit: 4, level: .info, action: "Note", provenance: .designDefault),
            ScoreThreshold(
                key: "alerts.moaas.warning", comparison: .atMost, limit: 3, level: .warning, action: "Alert the nurse", provenance: .designDefault),
            ScoreThreshold(
                key: "alerts.moaas.urgent", comparison: .atMost, limit: 2, level: .urgent,
                action: "Clinician to the bedside; check pulse oximetry", provenance: .designDefault),
            ScoreThreshold(
                key: "alerts.moaas.emergency", comparison: .atMost, limit: 1, level: .emergency, action: "Emergency: airway",
                provenance: .designDefault),
        ],
        cadssRiseAbovePreDose: ScoreThreshold(
            key: "alerts.cadss.info", comparison: .above, limit: 4, level: .info, action: "Document; reassurance", provenance: .unconfirmed),
        moaasRange: 0...5,
        cadssRange: Sourced(0...92, .unconfirmed)  // DOMAIN.md §1.7: 23-item trial version, composition UNCONFIRMED
    )
}

extension DischargePolicy {
    /// DOMAIN.md §7.1–7.4.
    public static let seed = DischargePolicy(
        rules: [
            DischargeRule(
                profile: .spravato, minimumMinutes: Sourced(120, .sourced("DOMAIN.md §7.1 [Spravato USPI §2; REMS]")), anchor: .dosingStart,
                minimumIsHard: Sourced(true, .sourced("DOMAIN.md §7.1 hard rule: ≥120 min after the first device"))),
            DischargeRule(
                profile: .infusion, minimumMinutes: Sourced(60, .designDefault), anchor: .dosingEnd,
                minimumIsHard: Sourced(false, .designDefault)),  // DOMAIN.md §7.1; Appendix A item 23
            DischargeRule(
                profile: .injection, minimumMinutes: Sourced(60, .designDefault), anchor: .dosingEnd,
                minimumIsHard: Sourced(false, .designDefault)),
        ],
        instrument: Sourced(.aldrete, .designDefault),  // DOMAIN.md §7.4 item 3
        aldreteCutoff: Sourced(9, .sourced("DOMAIN.md §7.2 [Aldrete 1995]")),
        padssCutoff: Sourced(9, .sourced("DOMAIN.md §7.3 [Chung 1995]")),
        aldreteCirculation: AldreteCirculationRule(form: .percent, fullScoreMax: 20, zeroScoreFrom: 50, provenance: .designDefault),
        padss: PADSSRules(
            includesIntakeOutput: Sourced(true, .sourced("DOMAIN.md §7.3 [Chung 1995] original PADSS")),
            bleedingNotApplicableScoresTwo: Sourced(false, .designDefault)),
        vitalThresholds: SessionPolicy.alertSeed,  // DOMAIN.md §7.4 item 4: below the §6.5 warning thresholds
        overrideRoles: Sourced([.prescriber], .sourced("issue #5: override needs a prescriber and a reason"))
    )
}

extension SafetyWatchPolicy {
    /// DESIGN DEFAULTS: no source gives cumulative limits; anchored on the trial schedules and label maxima (DOMAIN.md §4.4, §4.8, §5.1).
    public static let seed = SafetyWatchPolicy(
        windowDays: [7, 30, 90],
        thresholds: [
            WatchThreshold(
                key: "watch.sessions.7d", windowDays: 7, metric: .sessions, limit: 3,
                meaning: "more sessions in 7 days than the 3-per-week trial schedules", provenance: .designDefault),
            WatchThreshold(
                key: "watch.mg.7d", windowDays: 7, metric: .milligrams, limit: 168,
                // Esketamine only: racemic doses are weight-based and watched in mg/kg (a 150 kg patient's standard IV
                // course is 225 mg a week, which must not flag).
                meaning: "more than two 84 mg Spravato sessions' worth of esketamine in 7 days", provenance: .designDefault,
                product: .esketamine),
            WatchThreshold(
                key: "watch.mg_per_kg.7d", windowDays: 7, metric: .milligramsPerKilogram, limit: Decimal(string: "1.5")!,
                meaning: "more than three 0.5 mg/kg sessions in 7 days", provenance: .designDefault,
                product: .racemicKetamine),
            WatchThreshold(
                key: "watch.mg_per_kg.30d", windowDays: 30, metric: .milligramsPerKilogram, limit: 4,
                meaning: "more than eight 0.5 mg/kg sessions in 30 days", provenance: .designDefault,
                product: .racemicKetamine),
            WatchThreshold(
                key: "watch.sessions.30d", windowDays: 30, metric: .sessions, limit: 12, meaning: "more than 12 sessions in 30 days",
                provenance: .designDefault),
            WatchThreshold(
                key: "watch.sessions.90d", windowDays: 90, metric: .sessions, limit: 24, meaning: "more than 24 sessions in 90 days",
                provenance: .designDefault),
            WatchThreshold(
                key: "watch.missed.90d", windowDays: 90, metric: .missed, limit: 2, meaning: "3 or more missed sessions in 90 days",
                provenance: .designDefault),
            WatchThreshold(
                key: "watch.early_requests.90d", windowDays: 90, metric: .earlyRequests, limit: 1,
                meaning: "2 or more early-session requests in 90 days: review for misuse", provenance: .designDefault),
        ],
        bladderCheckInDays: Sourced(90, .designDefault),
        cognitionCheckInDays: Sourced(180, .designDefault)
    )
}
