import Foundation
import KetaCareDomain
import Testing

@Suite("The rule set and the policy are data: Codable, versioned, validated, provenance-flagged")
struct RuleSetDataTests {
    @Test("The seed validates and survives a JSON round trip through the strict decoder")
    func roundTrip() throws {
        try EligibilityRuleSet.seed.validate()
        let data = try JSONEncoder().encode(EligibilityRuleSet.seed)
        #expect(try EligibilityRuleSet.decode(data) == .seed)
        let policy = try JSONDecoder().decode(EligibilityPolicy.self, from: JSONEncoder().encode(EligibilityPolicy.seed))
        #expect(policy == .seed)
    }

    @Test("Conditions encode with a kind and their parameters")
    func conditionShape() throws {
        let data = try JSONEncoder().encode(RuleCondition.bloodPressure(.atLeast, systolic: 180, diastolic: 110))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["kind"] as? String == "bloodPressure")
        #expect(object["systolic"] as? Int == 180)
        #expect(object["diastolic"] as? Int == 110)
    }

    @Test("Every seeded rule cites DOMAIN.md (or the issue) and flags values that need review")
    func provenance() {
        for rule in EligibilityRuleSet.seed.rules {
            #expect(rule.source.contains("§") || rule.source.contains("Issue #4"), "\(rule.id)")
            if rule.source.contains("DESIGN DEFAULT") || rule.source.contains("UNCONFIRMED") {
                #expect(rule.provenance.needsReview || rule.id == "rel.substance-use", "\(rule.id)")
            }
        }
        #expect(EligibilityRuleSet.seed.rule("bp.hold")?.provenance == .designDefault)
        #expect(EligibilityRuleSet.seed.rule("bp.warn")?.provenance.needsReview == false)
    }

    // (text to find, its replacement, the rule whose field is at fault, the field within it); the first match is edited.
    static let badEdits: [(String, String, String?, String)] = [
        (#""kind":"bloodPressure""#, #""kind":"bloodPresure""#, "bp.warn", "condition.kind"),
        (#""id":"info.urinary""#, #""id":"info.cognitive""#, "info.cognitive", "id"),
        (#""supersededBy":["bp.block"]"#, #""supersededBy":["bp.blok"]"#, "bp.hold", "supersededBy[0]"),
        (#""severity":"info""#, #""severity":"minor""#, "info.hepatic-moderate", "severity"),
        (#""version":1"#, #""version":1,"author":"x""#, nil, "author"),
    ]

    @Test("A bad edit names the field", arguments: badEdits)
    func badEdit(_ find: String, _ replace: String, _ ruleID: String?, _ suffix: String) throws {
        let index = ruleID.flatMap { id in EligibilityRuleSet.seed.rules.firstIndex { $0.id == id } }
        let field = index.map { "rules[\($0)].\(suffix)" } ?? suffix
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(EligibilityRuleSet.seed), as: UTF8.self)
        #expect(text.contains(find))
        let edited = text.replacingOccurrences(of: find, with: replace, options: [], range: text.range(of: find))
        let error = try #require(throws: EligibilityError.self) { try EligibilityRuleSet.decode(Data(edited.utf8)) }
        #expect(error.field == field, "\(error.message)")
    }

    @Test(
        "Threshold sanity checks",
        arguments: [
            (RuleCondition.eventWithin(.stroke, days: -1), "rules[0].condition.days"),
            (.bloodPressure(.atLeast, systolic: 18, diastolic: 110), "rules[0].condition.systolic"),
            (.anyFlag([]), "rules[0].condition.flags"),
            (.phq9Item9AtLeast(4), "rules[0].condition.value"),
        ])
    func sanity(_ condition: RuleCondition, _ field: String) {
        var ruleSet = EligibilityRuleSet.seed
        ruleSet.rules[0].condition = condition
        #expect(throws: EligibilityError.self) { try ruleSet.validate() }
        do { try ruleSet.validate() } catch { #expect(error.field == field) }
    }
}
