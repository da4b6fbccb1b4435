import Foundation

/// What a screening finding asks of the session's monitoring (DOMAIN.md §3.3, §3.4, §7.1).
public enum IntensificationKind: String, Codable, Sendable, CaseIterable {
    /// §3.3 hypertensive encephalopathy "more intensive BP monitoring"; §3.4 MAOIs and psychostimulants "close BP monitoring".
    case closerBloodPressure = "closer_blood_pressure"
    /// §3.4 benzodiazepines, opioids, alcohol and other CNS depressants: "closer sedation monitoring".
    case closerSedation = "closer_sedation"
    /// §3.3 moderate hepatic impairment (Child-Pugh B): "extend monitoring period"; §7.1 "possibly longer monitoring".
    case extendedObservation = "extended_observation"

    /// How the run-sheet says it.
    public var label: String {
        switch self {
        case .closerBloodPressure: "closer BP monitoring"
        case .closerSedation: "closer sedation monitoring"
        case .extendedObservation: "extended observation"
        }
    }
}

/// Which stored screening finding a trigger looks for.
public enum IntensificationFinding: String, Codable, Sendable, CaseIterable {
    /// A rule of the clinic's eligibility rule set that fired (by rule id, e.g. `rel.hypertensive-encephalopathy`).
    case screeningRule = "screening_rule"
    /// A class of the clinic's interaction table flagged on the medication list (by row id, e.g. `maoi`).
    case interactionClass = "interaction_class"
}

/// One screening finding and what it does to the monitoring; clinic-editable policy data.
public struct IntensificationTrigger: Codable, Sendable, Equatable {
    /// A stable key (`intensify.maoi`).
    public var key: String
    /// What kind of finding.
    public var finding: IntensificationFinding
    /// The rule id or interaction-table row id.
    public var findingID: String
    /// What it does.
    public var effects: [IntensificationKind]
    /// The monitoring profiles it applies to; empty means every profile.
    public var profiles: [MonitoringProfile]
    /// How the run-sheet names the reason ("MAOI on the medication list").
    public var label: String
    /// The DOMAIN.md section and citation.
    public var source: String
    /// Provenance of the mapping.
    public var provenance: Provenance

    /// Creates a trigger.
    public init(
        key: String, finding: IntensificationFinding, findingID: String, effects: [IntensificationKind], profiles: [MonitoringProfile] = [],
        label: String, source: String, provenance: Provenance
    ) {
        self.key = key
        self.finding = finding
        self.findingID = findingID
        self.effects = effects
        self.profiles = profiles
        self.label = label
        self.source = source
        self.provenance = provenance
    }

    /// Whether it applies to a session of `profile`.
    public func applies(to profile: MonitoringProfile) -> Bool { profiles.isEmpty || profiles.contains(profile) }
}

/// What intensified monitoring means in numbers, and which findings call for it (DOMAIN.md §3.3, §3.4, §7.1).
///
/// The findings and their effects are sourced; the numbers are DESIGN DEFAULTS (no source gives them) the clinic must review.
public struct IntensificationPolicy: Codable, Sendable, Equatable {
    /// Which findings intensify what.
    public var triggers: [IntensificationTrigger]
    /// Closer BP: a BP set at least this often from the start of dosing until discharge.
    public var bloodPressureEveryMinutes: Sourced<Int>
    /// Closer sedation: MOAA/S, the oximeter chart and the respiratory rate at least this often.
    public var sedationEveryMinutes: Sourced<Int>
    /// Extended observation: minutes added to the product's minimum observation (Spravato 120 → 180).
    public var extraObservationMinutes: Sourced<Int>
    /// Whether no override may shorten the extension (the product's own hard minimum always stands).
    public var extraObservationIsHard: Sourced<Bool>

    /// Creates the settings.
    public init(
        triggers: [IntensificationTrigger], bloodPressureEveryMinutes: Sourced<Int>, sedationEveryMinutes: Sourced<Int>,
        extraObservationMinutes: Sourced<Int>, extraObservationIsHard: Sourced<Bool>
    ) {
        self.triggers = triggers
        self.bloodPressureEveryMinutes = bloodPressureEveryMinutes
        self.sedationEveryMinutes = sedationEveryMinutes
        self.extraObservationMinutes = extraObservationMinutes
        self.extraObservationIsHard = extraObservationIsHard
    }

    /// The interval and minute settings' allowed range.
    public static let intervalRange = 1...120
    /// How much observation an extension may add.
    public static let extraMinutesRange = 0...720

    /// Refuses settings that would make no sense, naming the field.
    public func validate() throws(ValidationError) {
        for (field, value) in [("bloodPressureEveryMinutes", bloodPressureEveryMinutes), ("sedationEveryMinutes", sedationEveryMinutes)]
        where !Self.intervalRange.contains(value.value) {
            throw ValidationError(
                field: field,
                message: "\(field) must be between \(Self.intervalRange.lowerBound) and \(Self.intervalRange.upperBound) min; got \(value.value)")
        }
        guard Self.extraMinutesRange.contains(extraObservationMinutes.value) else {
            throw ValidationError(
                field: "extraObservationMinutes",
                message:
                    "extraObservationMinutes must be between 0 and \(Self.extraMinutesRange.upperBound) min; got \(extraObservationMinutes.value)")
        }
        var keys: Set<String> = []
        for (index, trigger) in triggers.enumerated() {
            guard keys.insert(trigger.key).inserted else {
                throw ValidationError(field: "triggers[\(index)].key", message: "trigger key '\(trigger.key)' is used twice")
            }
            guard !trigger.findingID.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError(field: "triggers[\(index)].findingID", message: "findingID must name a rule id or an interaction class")
            }
            guard !trigger.effects.isEmpty else {
                throw ValidationError(
                    field: "triggers[\(index)].effects",
                    message: "effects must list at least one of " + IntensificationKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
    }

    /// DOMAIN.md §3.3 (hypertensive encephalopathy, Child-Pugh B), §3.4 (the interaction table's monitoring flags), §7.1.
    public static let seed: IntensificationPolicy = {
        let sedation = "DOMAIN.md §3.4 [Spravato USPI §7 / W&P]: closer sedation monitoring flag"
        func sedating(_ id: String, _ label: String) -> IntensificationTrigger {
            IntensificationTrigger(
                key: "intensify.\(id)", finding: .interactionClass, findingID: id, effects: [.closerSedation], label: label, source: sedation,
                provenance: .sourced("Spravato USPI §7 / W&P"))
        }
        return IntensificationPolicy(
            triggers: [
                IntensificationTrigger(
                    key: "intensify.hypertensive-encephalopathy", finding: .screeningRule, findingID: "rel.hypertensive-encephalopathy",
                    effects: [.closerBloodPressure], label: "History of hypertensive encephalopathy",
                    source: "DOMAIN.md §3.3 [Spravato USPI W&P]: more intensive BP monitoring", provenance: .sourced("Spravato USPI W&P")),
                IntensificationTrigger(
                    key: "intensify.maoi", finding: .interactionClass, findingID: "maoi", effects: [.closerBloodPressure], label: "MAOI",
                    source: "DOMAIN.md §3.4 [Spravato USPI §7]: close BP monitoring", provenance: .sourced("Spravato USPI §7")),
                IntensificationTrigger(
                    key: "intensify.psychostimulant", finding: .interactionClass, findingID: "psychostimulant", effects: [.closerBloodPressure],
                    label: "Psychostimulant", source: "DOMAIN.md §3.4 [Spravato USPI §7]: close BP monitoring",
                    provenance: .sourced("Spravato USPI §7")),
                sedating("benzodiazepine", "Benzodiazepine"),
                sedating("opioid", "Opioid"),
                sedating("sedative-hypnotic", "Non-benzodiazepine sedative-hypnotic"),
                sedating("alcohol", "Alcohol"),
                sedating("cns-depressant", "Other CNS depressant"),
                // DOMAIN.md §3.3 and §7.1 name Spravato only: the extension applies to esketamine nasal spray sessions.
                IntensificationTrigger(
                    key: "intensify.hepatic-moderate", finding: .screeningRule, findingID: "info.hepatic-moderate",
                    effects: [.extendedObservation], profiles: [.spravato], label: "Moderate hepatic impairment (Child-Pugh B)",
                    source: "DOMAIN.md §3.3, §7.1 [Spravato USPI Hepatic impairment]: extend the monitoring period",
                    provenance: .sourced("Spravato USPI Hepatic impairment")),
            ],
            // DESIGN DEFAULT: §6.3's in-infusion BP interval, kept from the start of dosing until discharge.
            bloodPressureEveryMinutes: Sourced(10, .designDefault),
            // DESIGN DEFAULT: §6.4's 15-minute MOAA/S interval shortened by a third; no source gives a number.
            sedationEveryMinutes: Sourced(10, .designDefault),
            // DESIGN DEFAULT: the label says "possibly longer" without a number; 120 → 180 min for Spravato.
            extraObservationMinutes: Sourced(60, .designDefault),
            extraObservationIsHard: Sourced(false, .designDefault)
        )
    }()
}

/// One reason a patient's sessions are monitored more closely, with the finding and its DOMAIN.md source.
public struct IntensificationReason: Codable, Sendable, Equatable {
    /// The trigger's key.
    public var key: String
    /// The reason in words, with the evidence ("MAOI: Nardil 15 mg").
    public var label: String
    /// What it does.
    public var effects: [IntensificationKind]
    /// The DOMAIN.md section and citation.
    public var source: String

    /// Creates a reason.
    public init(key: String, label: String, effects: [IntensificationKind], source: String) {
        self.key = key
        self.label = label
        self.effects = effects
        self.source = source
    }
}

/// The closer monitoring a patient's screening calls for in a session of one profile (DOMAIN.md §3.3, §3.4, §7.1).
public struct MonitoringIntensification: Codable, Sendable, Equatable {
    /// The session's monitoring profile.
    public var profile: MonitoringProfile
    /// Every reason, in the policy's trigger order.
    public var reasons: [IntensificationReason]

    /// Creates an intensification from its reasons.
    public init(profile: MonitoringProfile, reasons: [IntensificationReason]) {
        self.profile = profile
        self.reasons = reasons
    }

    /// What the patient's current screening asks of a session of `profile`: each trigger whose rule fired or whose
    /// interaction class is on the medication list, whether or not a prescriber has since acknowledged it (an
    /// acknowledgement accepts the risk; the closer monitoring is how it is managed). No screening, no intensification.
    public init(screening: ScreeningResult?, profile: MonitoringProfile, policy: IntensificationPolicy) {
        self.profile = profile
        guard let screening else {
            reasons = []
            return
        }
        reasons = policy.triggers.filter { $0.applies(to: profile) }.compactMap { trigger -> IntensificationReason? in
            let evidence: [String]
            switch trigger.finding {
            case .screeningRule:
                evidence = screening.firedRules.filter { $0.ruleID == trigger.findingID }.map(\.evidence)
            case .interactionClass:
                evidence = screening.interactionFlags.filter { $0.entryID == trigger.findingID }.map(\.medication)
            }
            guard !evidence.isEmpty else { return nil }
            let detail = trigger.finding == .interactionClass ? ": " + Self.unique(evidence).joined(separator: ", ") : ""
            return IntensificationReason(key: trigger.key, label: trigger.label + detail, effects: trigger.effects, source: trigger.source)
        }
    }

    /// Whether anything is intensified.
    public var isEmpty: Bool { reasons.isEmpty }

    /// Every effect, once, in ``IntensificationKind`` order.
    public var kinds: [IntensificationKind] {
        IntensificationKind.allCases.filter { kind in reasons.contains { $0.effects.contains(kind) } }
    }

    /// The reasons that call for `kind`.
    public func reasons(for kind: IntensificationKind) -> [IntensificationReason] { reasons.filter { $0.effects.contains(kind) } }

    private static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

extension SessionPolicy {
    /// The policy a session runs under once its patient's intensification is applied (DOMAIN.md §3.3, §3.4, §7.1): BP,
    /// oximetry, respiratory-rate and MOAA/S intervals no longer than the intensified ones, and the product's minimum
    /// observation extended. Everything that reads the policy (the next set due, the discharge monitoring check, the
    /// discharge assessment) then follows the closer schedule without knowing why.
    public func intensified(by intensification: MonitoringIntensification) -> SessionPolicy {
        guard !intensification.isEmpty else { return self }
        var policy = self
        let profile = intensification.profile
        let rules = self.intensification
        let kinds = intensification.kinds
        if kinds.contains(.closerBloodPressure) {
            policy.monitoring.tighten(profile, .bloodPressure, every: rules.bloodPressureEveryMinutes.value, addIfMissing: true)
        }
        if kinds.contains(.closerSedation) {
            let every = rules.sedationEveryMinutes.value
            policy.monitoring.tighten(profile, .oximetry, every: every, addIfMissing: true)
            policy.monitoring.tighten(profile, .respiratoryRate, every: every, addIfMissing: false)
            policy.assessments.moaasEveryMinutes = Sourced(
                min(policy.assessments.moaasEveryMinutes.value, every), rules.sedationEveryMinutes.provenance)
        }
        if kinds.contains(.extendedObservation), rules.extraObservationMinutes.value > 0,
            let index = policy.discharge.rules.firstIndex(where: { $0.profile == profile })
        {
            policy.discharge.rules[index].extendedBy = ObservationExtension(
                minutes: rules.extraObservationMinutes.value, reasons: intensification.reasons(for: .extendedObservation).map(\.label),
                isHard: rules.extraObservationIsHard.value)
        }
        return policy
    }
}

extension MonitoringPolicy {
    /// Every interval of the profile's schedule for `measurement` at most `every` minutes apart; a schedule with timepoints
    /// only (Spravato BP at 40 min) gains an interval from the start of dosing, and a missing schedule is added when asked.
    mutating func tighten(_ profile: MonitoringProfile, _ measurement: MonitoredMeasurement, every: Int, addIfMissing: Bool) {
        if let index = schedules.firstIndex(where: { $0.profile == profile && $0.measurement == measurement }) {
            var schedule = schedules[index]
            schedule.intervals = schedule.intervals.map { interval in
                var tightened = interval
                tightened.everyMinutes = min(interval.everyMinutes, every)
                return tightened
            }
            if schedule.intervals.isEmpty { schedule.intervals = [MonitoringInterval(anchor: .dosingStart, everyMinutes: every)] }
            schedules[index] = schedule
        } else if addIfMissing {
            schedules.append(
                MeasurementSchedule(
                    profile: profile, measurement: measurement, intervals: [MonitoringInterval(anchor: .dosingStart, everyMinutes: every)],
                    provenance: .designDefault))
        }
    }
}

extension SessionCommand {
    /// Whether the command reads the monitoring schedule or the discharge rules, and so must run on the patient's intensified
    /// policy (DOMAIN.md §3.3, §3.4, §7.1): the store loads the screening for it.
    public var readsMonitoringSchedule: Bool {
        switch self {
        case .assessDischarge, .tick: true
        default: false
        }
    }
}
