public import Foundation

/// The clinic's versioned set of eligibility rules: data, reviewed and tuned on the admin page (issue #4).
public struct EligibilityRuleSet: Codable, Sendable, Equatable {
    /// Increases with every edit; screening results record it.
    public var version: Int
    /// Failed adequate antidepressant trials in the current episode that make depression treatment-resistant.
    public var treatmentResistanceMinimumFailedTrials: Sourced<Int>
    /// The rules, in display order.
    public var rules: [EligibilityRule]

    /// Creates a rule set.
    public init(version: Int, treatmentResistanceMinimumFailedTrials: Sourced<Int>, rules: [EligibilityRule]) {
        self.version = version
        self.treatmentResistanceMinimumFailedTrials = treatmentResistanceMinimumFailedTrials
        self.rules = rules
    }

    /// Reads a clinic-edited rule set strictly and validates it.
    public static func decode(_ data: Data) throws(EligibilityError) -> EligibilityRuleSet {
        let ruleSet = try StrictJSON.decode(EligibilityRuleSet.self, from: data)
        try ruleSet.validate()
        return ruleSet
    }

    /// The rule with `id`.
    public func rule(_ id: String) -> EligibilityRule? {
        rules.first { $0.id == id }
    }

    /// Checks the set is usable: unique ids, known supersessions, sensible parameters.
    public func validate() throws(EligibilityError) {
        guard version >= 1 else { throw EligibilityError(field: "version", message: "version must be 1 or more") }
        guard treatmentResistanceMinimumFailedTrials.value >= 1 else {
            throw EligibilityError(
                field: "treatmentResistanceMinimumFailedTrials.value", message: "treatmentResistanceMinimumFailedTrials.value must be 1 or more")
        }
        let ids = rules.map(\.id)
        for (index, rule) in rules.enumerated() {
            let prefix = "rules[\(index)]"
            guard !rule.id.trimmingCharacters(in: .whitespaces).isEmpty, ids.firstIndex(of: rule.id) == index else {
                throw EligibilityError(field: "\(prefix).id", message: "\(prefix).id must be present and unique; '\(rule.id)' is not")
            }
            guard !rule.title.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw EligibilityError(field: "\(prefix).title", message: "\(prefix).title must not be blank")
            }
            guard !rule.appliesTo.isEmpty else {
                throw EligibilityError(field: "\(prefix).appliesTo", message: "\(prefix).appliesTo must name at least one product")
            }
            for (position, other) in rule.supersededBy.enumerated() where !ids.contains(other) || other == rule.id {
                throw EligibilityError(
                    field: "\(prefix).supersededBy[\(position)]", message: "\(prefix).supersededBy[\(position)] '\(other)' is not another rule's id")
            }
            try validate(rule.condition, "\(prefix).condition")
        }
    }

    private func validate(_ condition: RuleCondition, _ field: String) throws(EligibilityError) {
        switch condition {
        case .anyFlag(let flags) where flags.isEmpty:
            throw EligibilityError(field: "\(field).flags", message: "\(field).flags must list at least one of \(HistoryFlag.spellings)")
        case .childPugh(let classes) where classes.isEmpty:
            throw EligibilityError(field: "\(field).classes", message: "\(field).classes must list at least one of \(ChildPughClass.spellings)")
        case .eventWithin(_, let days) where days < 0, .bodyMeasuresOlderThan(let days) where days < 0:
            throw EligibilityError(field: "\(field).days", message: "\(field).days must be 0 or more")
        case .ageBelow(let years) where !(0...130).contains(years), .ageAtLeast(let years) where !(0...130).contains(years):
            throw EligibilityError(field: "\(field).years", message: "\(field).years must be between 0 and 130")
        case .bloodPressure(_, let systolic, _) where !(50...300).contains(systolic):
            throw EligibilityError(field: "\(field).systolic", message: "\(field).systolic must be between 50 and 300 mmHg")
        case .bloodPressure(_, _, let diastolic) where !(20...200).contains(diastolic):
            throw EligibilityError(field: "\(field).diastolic", message: "\(field).diastolic must be between 20 and 200 mmHg")
        case .heartRate(_, let bpm) where !(20...250).contains(bpm):
            throw EligibilityError(field: "\(field).bpm", message: "\(field).bpm must be between 20 and 250")
        case .bmi(_, let value) where value <= 0:
            throw EligibilityError(field: "\(field).kgPerM2", message: "\(field).kgPerM2 must be above 0")
        case .phq9Item9AtLeast(let value) where !(0...3).contains(value):
            throw EligibilityError(field: "\(field).value", message: "\(field).value must be 0, 1, 2 or 3")
        default:
            return
        }
    }
}
