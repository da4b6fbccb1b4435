import Foundation
import KetaCareDomain
import Testing

/// Issue #10: the long-term safety watch must not flag the clinic's own seeded templates at their standard doses, for
/// patients up to the drug library's weight cap; thresholds are policy data with provenance.
@Suite("Safety watch against every seeded plan template (DOMAIN.md §4.4, §4.8, §5.1)")
struct SafetyWatchTemplateTests {
    typealias F = SessionFixture

    /// Every seeded template with a dosing protocol: its induction course at the starting dose and the most sessions a week.
    static let templates = PlanTemplate.seeds.filter { $0.dosing.startingDose != nil }

    @Test("No flag at the starting dose, the most sessions a week and any weight up to the 150 kg cap", arguments: templates.map(\.id.rawValue))
    func seededTemplatesDoNotFlag(_ id: String) throws {
        let template = try #require(PlanTemplate.seed(PlanTemplateID(id)))
        let dose = try #require(template.dosing.startingDose)
        let perWeek = template.sessionsPerWeekMax.value
        let sessions = template.inductionSessions.value
        for kilograms in [45, 80, 120, 150] {
            let weight = Kilograms(Decimal(kilograms))
            let mg: Milligrams =
                switch dose {
                case .perKilogram(let perKg): Milligrams(perKg.value * Decimal(kilograms))
                case .fixed(let fixed): fixed
                }
            // Sessions as evenly as the week allows (3 a week: every 56 h, as Mon/Wed/Fri).
            let spacing = 7 * 86_400 / Double(perWeek)
            let course = (0..<sessions).map {
                PastSession(
                    date: F.t0.addingTimeInterval(Double($0) * spacing), dose: mg, weight: weight, attended: true, product: template.route.product)
            }
            for (index, session) in course.enumerated() {
                let watch = SafetyWatch.compute(
                    sessions: Array(course.prefix(index + 1)), lastCheckIns: [:], now: session.date, policy: F.policy.safetyWatch)
                #expect(watch.flags.isEmpty, "\(id) at \(kilograms) kg, session \(index + 1): \(watch.flags.map(\.key))")
            }
        }
    }

    @Test("The mg threshold counts esketamine only; a third 84 mg Spravato session in a week still flags")
    func esketamineMilligrams() {
        let spravato = (0..<3).map {
            PastSession(
                date: F.t0.addingTimeInterval(Double($0) * 2 * 86_400), dose: Milligrams(84), weight: nil, attended: true, product: .esketamine)
        }
        let watch = SafetyWatch.compute(sessions: spravato, lastCheckIns: [:], now: F.at(5 * 1440), policy: F.policy.safetyWatch)
        #expect(watch.flags.map(\.key).contains("watch.mg.7d"))
        #expect(F.policy.safetyWatch.thresholds.allSatisfy { $0.provenance == .designDefault })
    }
}
