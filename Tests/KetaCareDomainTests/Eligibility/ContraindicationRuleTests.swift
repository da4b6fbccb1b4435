import Foundation
import KetaCareDomain
import Testing

/// One intake change and the rules it must fire (exactly), with the decision it must give.
struct RuleCase: CustomTestStringConvertible, Sendable {
    let name: String
    let routes: [DosingRoute]
    let change: @Sendable (inout IntakeHistory) -> Void
    let fired: Set<String>
    let decision: ScreeningDecision

    init(
        _ name: String, routes: [DosingRoute] = [.intravenous], fired: Set<String>, _ decision: ScreeningDecision,
        change: @escaping @Sendable (inout IntakeHistory) -> Void
    ) {
        self.name = name
        self.routes = routes
        self.change = change
        self.fired = fired
        self.decision = decision
    }

    var testDescription: String { "\(name) → \(fired.sorted().joined(separator: ",")) \(decision.rawValue)" }
}

@Suite("Every contraindication rule of DOMAIN.md §3.2–3.3 and §3.6, both sides")
struct ContraindicationRuleTests {
    typealias F = EligibilityFixture
    static let esk: [DosingRoute] = [.intranasalEsketamine]

    @Test("The clean fixture fires nothing")
    func cleanIsEligible() {
        let result = Screening.screen(F.clean(), asOf: F.asOf)
        #expect(result.firedRules.isEmpty)
        #expect(result.decision == .eligible)
        #expect(result.ruleSetVersion == 1)
    }

    // DOMAIN.md §3.2: absolute contraindications are hard stops, not overridable.
    static let absoluteCases: [RuleCase] = [
        RuleCase("aneurysm, racemic", fired: ["abs.aneurysm-avm.racemic"], .blocked) { $0.cardiovascular.aneurysmalVascularDisease = true },
        RuleCase("aneurysm, esketamine", routes: esk, fired: ["abs.aneurysm-avm.esketamine"], .blocked) {
            $0.cardiovascular.aneurysmalVascularDisease = true
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("AVM", fired: ["abs.aneurysm-avm.racemic"], .blocked) { $0.cardiovascular.arteriovenousMalformation = true },
        RuleCase("ICH, racemic", fired: ["abs.intracerebral-hemorrhage.racemic"], .blocked) { $0.cardiovascular.intracerebralHemorrhage = true },
        RuleCase("ICH, esketamine", routes: esk, fired: ["abs.intracerebral-hemorrhage.esketamine"], .blocked) {
            $0.cardiovascular.intracerebralHemorrhage = true
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("ketamine allergy", fired: ["abs.hypersensitivity"], .blocked) { $0.allergies.ketamine = true },
        RuleCase("esketamine allergy", fired: ["abs.hypersensitivity"], .blocked) { $0.allergies.esketamine = true },
        RuleCase("excipient allergy", fired: ["abs.hypersensitivity"], .blocked) { $0.allergies.excipient = true },
        RuleCase("BP rise hazard, racemic", fired: ["abs.bp-rise-hazard"], .blocked) { $0.cardiovascular.bloodPressureRiseHazard = true },
        RuleCase("BP rise hazard is racemic-only", routes: esk, fired: [], .eligible) {
            $0.cardiovascular.bloodPressureRiseHazard = true
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
    ]

    // DOMAIN.md §3.3: relative contraindications and warnings.
    static let relativeCases: [RuleCase] = [
        RuleCase("uncontrolled hypertension", fired: ["rel.cardiovascular-risk"], .needsAcknowledgement) {
            $0.cardiovascular.hypertension = true
            $0.cardiovascular.hypertensionControlled = false
        },
        RuleCase("controlled hypertension", fired: [], .eligible) {
            $0.cardiovascular.hypertension = true
            $0.cardiovascular.hypertensionControlled = true
        },
        RuleCase("heart failure", fired: ["rel.cardiovascular-risk"], .needsAcknowledgement) { $0.cardiovascular.heartFailure = true },
        RuleCase("valvular disease", fired: ["rel.cardiovascular-risk"], .needsAcknowledgement) { $0.cardiovascular.valvularDisease = true },
        RuleCase("raised ICP", fired: ["rel.cardiovascular-risk"], .needsAcknowledgement) { $0.neurological.raisedIntracranialPressure = true },
        RuleCase("MI 90 days ago", fired: ["rel.recent-mi"], .needsAcknowledgement) {
            $0.cardiovascular.lastMyocardialInfarction = F.asOf.adding(days: -90)
        },
        RuleCase("MI 91 days ago", fired: [], .eligible) { $0.cardiovascular.lastMyocardialInfarction = F.asOf.adding(days: -91) },
        RuleCase("MI today", fired: ["rel.recent-mi"], .needsAcknowledgement) { $0.cardiovascular.lastMyocardialInfarction = F.asOf },
        RuleCase("stroke 90 days ago", fired: ["rel.recent-stroke"], .needsAcknowledgement) {
            $0.cardiovascular.lastStroke = F.asOf.adding(days: -90)
        },
        RuleCase("stroke 91 days ago", fired: [], .eligible) { $0.cardiovascular.lastStroke = F.asOf.adding(days: -91) },
        RuleCase("hypertensive encephalopathy", fired: ["rel.hypertensive-encephalopathy"], .needsAcknowledgement) {
            $0.cardiovascular.hypertensiveEncephalopathy = true
        },
        RuleCase("current psychosis", fired: ["rel.psychosis"], .needsAcknowledgement) { $0.psychiatric.currentPsychosis = true },
        RuleCase("psychosis history", fired: ["rel.psychosis"], .needsAcknowledgement) { $0.psychiatric.psychosisHistory = true },
        RuleCase("mania/bipolar", fired: ["rel.mania-bipolar"], .needsAcknowledgement) { $0.psychiatric.maniaOrBipolarHistory = true },
        RuleCase("SUD", fired: ["rel.substance-use"], .needsAcknowledgement) { $0.substanceUse.substanceUseDisorder = true },
        RuleCase("ketamine misuse", fired: ["rel.substance-use"], .needsAcknowledgement) { $0.substanceUse.ketamineMisuse = true },
        RuleCase("PCP misuse", fired: ["rel.substance-use"], .needsAcknowledgement) { $0.substanceUse.pcpMisuse = true },
        RuleCase("Child-Pugh A", routes: esk, fired: [], .eligible) {
            $0.hepatic = .a
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("Child-Pugh B, esketamine", routes: esk, fired: ["info.hepatic-moderate"], .eligible) {
            $0.hepatic = .b
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("Child-Pugh C, esketamine", routes: esk, fired: ["abs.hepatic-severe.esketamine"], .blocked) {
            $0.hepatic = .c
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("Child-Pugh C, racemic", fired: [], .eligible) { $0.hepatic = .c },
        RuleCase("pregnant", fired: ["abs.pregnancy"], .blocked) { $0.reproductive.pregnant = true },
        RuleCase("breastfeeding", fired: ["rel.breastfeeding"], .needsAcknowledgement) { $0.reproductive.breastfeeding = true },
        RuleCase("could become pregnant", fired: ["info.pregnancy-potential"], .eligible) { $0.reproductive.couldBecomePregnant = true },
        RuleCase("PHQ-9 item 9 = 1", fired: ["rel.suicidal-ideation"], .needsAcknowledgement) { $0.suicideRisk.phq9Item9 = 1 },
        RuleCase("PHQ-9 item 9 = 0", fired: [], .eligible) { $0.suicideRisk.phq9Item9 = 0 },
        RuleCase("C-SSRS high", fired: ["rel.cssrs-high"], .needsAcknowledgement) { $0.suicideRisk.cssrsRisk = .high },
        RuleCase("C-SSRS moderate", fired: [], .eligible) { $0.suicideRisk.cssrsRisk = .moderate },
        RuleCase("no suicide screen", fired: ["info.no-suicide-screen"], .eligible) { $0.suicideRisk = SuicideRiskScreen() },
        RuleCase("urinary symptoms", fired: ["info.urinary"], .eligible) { $0.urinary.urinarySymptoms = true },
        RuleCase("cystitis", fired: ["info.urinary"], .eligible) { $0.urinary.cystitis = true },
        RuleCase("cognitive impairment", fired: ["info.cognitive"], .eligible) { $0.neurological.cognitiveImpairment = true },
        RuleCase("no escort", fired: ["abs.no-escort"], .blocked) { $0.transport.escortArranged = false },
        RuleCase("age 17, esketamine", routes: esk, fired: ["abs.age-under-18.esketamine"], .blocked) {
            $0.dateOfBirth = F.day("2007-06-16")
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("age 18, esketamine", routes: esk, fired: [], .eligible) {
            $0.dateOfBirth = F.day("2007-06-15")
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("age 17, racemic", fired: [], .eligible) { $0.dateOfBirth = F.day("2007-06-16") },
        RuleCase("age 64, esketamine", routes: esk, fired: [], .eligible) {
            $0.dateOfBirth = F.day("1960-06-16")
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("age 65, esketamine", routes: esk, fired: ["info.age-65-plus"], .eligible) {
            $0.dateOfBirth = F.day("1960-06-15")
            $0.diagnoses = [Diagnosis(code: "F33.1", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("raised IOP", fired: ["rel.raised-intraocular-pressure"], .needsAcknowledgement) {
            $0.neurological.raisedIntraocularPressure = true
        },
        RuleCase("seizures", fired: ["info.seizures"], .eligible) { $0.neurological.seizureDisorder = true },
        RuleCase("prior ketamine", fired: ["info.prior-ketamine"], .eligible) {
            $0.priorKetamine = PriorKetamineExposure(treatedBefore: true, response: .responded)
        },
    ]

    // DOMAIN.md §3.1 and §3.6/§4.6: indication and completeness.
    static let completenessCases: [RuleCase] = [
        RuleCase("esketamine, GAD only, no trials", routes: esk, fired: ["info.esketamine-trd-not-met", "info.esketamine-off-label"], .eligible) {
            _ in
        },
        RuleCase("esketamine, MDD, 1 failed trial", routes: esk, fired: ["info.esketamine-trd-not-met"], .eligible) {
            $0.diagnoses = [Diagnosis(code: "F32.2", isPrimary: true)]
            $0.treatmentTrials = Array(ContraindicationRuleTests.twoFailedTrials.prefix(1))
        },
        RuleCase("esketamine, MDD, 2 failed trials", routes: esk, fired: [], .eligible) {
            $0.diagnoses = [Diagnosis(code: "F32.2", isPrimary: true)]
            $0.treatmentTrials = ContraindicationRuleTests.twoFailedTrials
        },
        RuleCase("no vitals", fired: ["rel.no-baseline-vitals"], .needsAcknowledgement) { $0.baselineVitals = nil },
        RuleCase("no body measures", fired: ["info.no-body-measures"], .eligible) { $0.bodyMeasures = nil },
        RuleCase("weight 30 days old", fired: [], .eligible) { $0.bodyMeasures?.measuredOn = F.asOf.adding(days: -30) },
        RuleCase("weight 31 days old", fired: ["info.weight-stale"], .eligible) { $0.bodyMeasures?.measuredOn = F.asOf.adding(days: -31) },
        RuleCase("BMI 30.0", fired: [], .eligible) { $0.bodyMeasures = BodyMeasures(weightKg: 120, heightCm: 200, measuredOn: F.asOf) },
        RuleCase("BMI 30.1", fired: ["info.bmi-over-30"], .eligible) {
            $0.bodyMeasures = BodyMeasures(weightKg: Kilograms("120.4")!, heightCm: 200, measuredOn: F.asOf)
        },
    ]

    static let twoFailedTrials = [
        MedicationTrial(
            drug: "sertraline", category: .antidepressant, adequateDoseAndDuration: true, inCurrentEpisode: true, outcome: .inadequateResponse),
        MedicationTrial(
            drug: "bupropion", category: .antidepressant, adequateDoseAndDuration: true, inCurrentEpisode: true, outcome: .inadequateResponse),
    ]

    @Test("Absolute contraindications (DOMAIN.md §3.2)", arguments: absoluteCases)
    func absolute(_ c: RuleCase) { check(c) }

    @Test("Relative contraindications and warnings (DOMAIN.md §3.3)", arguments: relativeCases)
    func relative(_ c: RuleCase) { check(c) }

    @Test("Indication and completeness rules (DOMAIN.md §3.1, §3.6, §4.6)", arguments: completenessCases)
    func completeness(_ c: RuleCase) { check(c) }

    @Test("§3.2 rules are not overridable by default; §3.3 hard stops are")
    func overridability() throws {
        let seed = EligibilityRuleSet.seed
        for id in ["abs.aneurysm-avm.esketamine", "abs.aneurysm-avm.racemic", "abs.intracerebral-hemorrhage.esketamine", "abs.hypersensitivity"] {
            let rule = try #require(seed.rule(id))
            #expect(rule.severity == .absolute && !rule.overridable, "\(id)")
        }
        #expect(seed.rule("abs.pregnancy")?.overrideAuthority == .medicalDirector)
        #expect(seed.rule("abs.hepatic-severe.esketamine")?.overridable == true)
        #expect(seed.rule("abs.no-escort")?.overridable == false)
    }

    @Test("A rule that fires for one product blocks only that product")
    func perProductDecision() {
        var history = F.clean(routes: [])
        history.hepatic = .c
        let result = Screening.screen(history, asOf: F.asOf)
        #expect(result.decision(for: .esketamine) == .blocked)
        #expect(result.decision(for: .racemicKetamine) == .eligible)
        #expect(result.decision == .blocked)
    }

    @Test("Evidence names what fired")
    func evidenceText() throws {
        var history = F.clean()
        history.cardiovascular.lastMyocardialInfarction = F.asOf.adding(days: -45)
        history.psychiatric.psychosisHistory = true
        let result = Screening.screen(history, asOf: F.asOf)
        let mi = try #require(result.firedRules.first { $0.ruleID == "rel.recent-mi" })
        #expect(mi.evidence == "myocardial infarction on 2025-05-01, 45 days ago (within 90)")
        #expect(result.firedRules.first { $0.ruleID == "rel.psychosis" }?.evidence == "history: history of psychosis")
        #expect(result.reasons.count == 2)
    }

    private func check(_ c: RuleCase) {
        var history = F.clean(routes: c.routes)
        c.change(&history)
        let result = Screening.screen(history, asOf: F.asOf)
        #expect(Set(result.firedRules.map(\.ruleID)) == c.fired)
        #expect(result.decision == c.decision)
        for rule in result.firedRules { #expect(!rule.evidence.isEmpty && (rule.source.contains("§") || rule.source.contains("Issue #4"))) }
    }
}
