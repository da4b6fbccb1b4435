import Foundation

/// What a rule needs besides the history to decide whether it fires.
struct RuleContext {
    /// The screening date.
    let asOf: LocalDate
    /// The counted treatment resistance against the rule set's threshold.
    let treatmentResistance: TreatmentResistance
    /// The diagnosis catalog, to tell depressive disorders.
    let catalog: DiagnosisCatalog
}

extension RuleCondition {
    /// The evidence text when the condition holds for `history`, or `nil` when it does not.
    func evidence(for history: IntakeHistory, in context: RuleContext) -> String? {
        switch self {
        case .anyFlag(let flags):
            let set = flags.filter { $0.isSet(in: history) }
            return set.isEmpty ? nil : "history: " + set.map(\.label).joined(separator: "; ")
        case .eventWithin(let event, let window):
            let date = event == .myocardialInfarction ? history.cardiovascular.lastMyocardialInfarction : history.cardiovascular.lastStroke
            guard let date else { return nil }
            let days = context.asOf.daysSinceEpoch - date.daysSinceEpoch
            guard (0...window).contains(days) else { return nil }
            return "\(event.label) on \(date), \(days) days ago (within \(window))"
        case .childPugh(let classes):
            return classes.contains(history.hepatic) ? "hepatic impairment Child-Pugh \(history.hepatic.rawValue)" : nil
        case .ageBelow(let years):
            let age = history.dateOfBirth.age(on: context.asOf)
            return age < years ? "age \(age) < \(years)" : nil
        case .ageAtLeast(let years):
            let age = history.dateOfBirth.age(on: context.asOf)
            return age >= years ? "age \(age) ≥ \(years)" : nil
        case .bloodPressure(let comparison, let systolic, let diastolic):
            guard let vitals = history.baselineVitals else { return nil }
            var parts: [String] = []
            if comparison.crosses(vitals.systolic, systolic) { parts.append("systolic \(vitals.systolic) \(comparison.symbol) \(systolic)") }
            if comparison.crosses(vitals.diastolic, diastolic) { parts.append("diastolic \(vitals.diastolic) \(comparison.symbol) \(diastolic)") }
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        case .heartRate(let comparison, let bpm):
            guard let vitals = history.baselineVitals, comparison.crosses(vitals.heartRate, bpm) else { return nil }
            return "heart rate \(vitals.heartRate) \(comparison.symbol) \(bpm)"
        case .bmi(let comparison, let threshold):
            guard let body = history.bodyMeasures, comparison.crosses(body.bmi.value, threshold) else { return nil }
            return "BMI \(body.bmi.value) \(comparison.symbol) \(threshold)"
        case .phq9Item9AtLeast(let minimum):
            guard let item9 = history.suicideRisk.phq9Item9, item9 >= minimum else { return nil }
            return "PHQ-9 item 9 = \(item9) ≥ \(minimum)"
        case .cssrsRiskAtLeast(let minimum):
            guard let risk = history.suicideRisk.cssrsRisk, risk >= minimum else { return nil }
            return "C-SSRS risk \(risk.rawValue) ≥ \(minimum.rawValue)"
        case .missing(let item):
            let isMissing =
                switch item {
                case .baselineVitals: history.baselineVitals == nil
                case .bodyMeasures: history.bodyMeasures == nil
                case .suicideRiskScreen: history.suicideRisk.phq9Item9 == nil && history.suicideRisk.cssrsRisk == nil
                }
            return isMissing ? "no \(item.label) recorded" : nil
        case .bodyMeasuresOlderThan(let window):
            guard let body = history.bodyMeasures else { return nil }
            let days = context.asOf.daysSinceEpoch - body.measuredOn.daysSinceEpoch
            return days > window ? "weight measured \(body.measuredOn), \(days) days ago > \(window)" : nil
        case .notTreatmentResistant:
            let resistance = context.treatmentResistance
            guard !resistance.isTreatmentResistant else { return nil }
            return "\(resistance.failedAdequateTrials) failed adequate antidepressant trial(s) in the current episode < \(resistance.threshold)"
        case .noDepressiveDiagnosis:
            let depressive = history.diagnoses.contains { context.catalog.entry(for: $0.code)?.isDepressiveDisorder == true }
            return depressive ? nil : "no depressive-disorder diagnosis (F32.x/F33.x) on the intake"
        }
    }
}
