import Foundation

// MARK: - Seeded templates (DOMAIN.md §4, §5)

extension PlanTemplate {
    /// Every template KetaCare ships, in the order the picker lists them.
    public static let seeds: [PlanTemplate] = [
        ivRacemicInduction, scRacemicEscalation, scRacemicKADS, imRacemicTitration, spravatoTRD, spravatoMDSI, oralRacemic, sublingualRacemic,
    ]

    /// The seeds a clinic's stored policy held before the policy recorded which seeds it had been offered
    /// (``ClinicPolicy/offeredTemplateSeeds``): a stored template list without that record is offered every other seed once.
    public static let seedsBeforeOfferTracking: [PlanTemplateID] = [
        "iv-racemic-induction", "sc-racemic-escalation", "sc-racemic-kads", "im-racemic-titration", "spravato-trd", "oral-racemic",
        "sublingual-racemic",
    ].map(PlanTemplateID.init)

    /// The seeded template with `id`, or `nil`.
    public static func seed(_ id: PlanTemplateID) -> PlanTemplate? {
        seeds.first { $0.id == id }
    }

    // DOMAIN.md §5.1: "6 sessions over 2–3 weeks, 2–3 per week" (UNCONFIRMED as a standard); §4.1 dose; §4.8 range.
    /// IV racemic ketamine, 0.5 mg/kg over 40 min, 6 infusions over 2–3 weeks.
    public static let ivRacemicInduction = PlanTemplate(
        id: PlanTemplateID("iv-racemic-induction"),
        name: "IV racemic ketamine induction (6 infusions over 2–3 weeks)",
        route: .intravenous,
        isEnabled: Sourced(true, .designDefault),
        dosing: .perKilogram(
            DoseRule(
                starting: Sourced(mgPerKg("0.5"), .sourced("Andrade 2017; Sanacora 2017; Murrough 2013 (DOMAIN.md §4.1)")),
                steps: Sourced(.increment(mgPerKg("0.1")), .sourced("Loo 2016 titration in 0.1 mg/kg steps (DOMAIN.md §4.1)")),
                // Studied 0.1–0.75 [Andrade 2017], 1.0 in RAPID; = §4.8 soft min to hard max. The library still warns above 0.75.
                range: Sourced(mgPerKg("0.1")...mgPerKg("1.0"), .designDefault)
            )
        ),
        sessionsPerWeekMax: Adjustable(3, allowed: 2...3, .unconfirmed),
        spacing: .seed,
        inductionSessions: Adjustable(6, allowed: 1...12, .unconfirmed),
        inductionWeeks: Sourced(2...3, .unconfirmed),
        // DOMAIN.md §5.2: no standard IV maintenance; fixed-interval templates weekly / 2-weekly / 4-weekly (UNCONFIRMED).
        maintenance: [
            MaintenanceBlock(
                fromWeek: 1, throughWeek: nil, cadence: .everyWeeks(2), allowedCadences: [.everyWeeks(1), .everyWeeks(2), .everyWeeks(4)],
                .unconfirmed)
        ],
        integrationSessionsBetweenDoses: Adjustable(1, allowed: 0...3, .designDefault),
        // 40 min infusion + 60 min observation (DOMAIN.md §7.1 racemic) + 20 min preparation.
        chairMinutes: Sourced(120, .designDefault),
        measurementSchedule: .standard
    )

    // DOMAIN.md §4.2 / §5.1: Glue 2017 weekly escalation 0.25 → 0.5 → 1.0 mg/kg; §5.2 Glue 2018 maintenance.
    /// Subcutaneous racemic ketamine, weekly dose escalation for GAD/SAD.
    public static let scRacemicEscalation = PlanTemplate(
        id: PlanTemplateID("sc-racemic-escalation"),
        name: "Subcutaneous racemic ketamine, weekly dose escalation (GAD/SAD)",
        route: .subcutaneous,
        isEnabled: Sourced(true, .designDefault),
        dosing: .perKilogram(
            DoseRule(
                starting: Sourced(mgPerKg("0.25"), .sourced("Glue 2017 (DOMAIN.md §4.2)")),
                steps: Sourced(.levels([mgPerKg("0.25"), mgPerKg("0.5"), mgPerKg("1.0")]), .sourced("Glue 2017 (DOMAIN.md §4.2)")),
                range: Sourced(mgPerKg("0.25")...mgPerKg("1.0"), .sourced("Glue 2017 (DOMAIN.md §4.2)"))
            )
        ),
        sessionsPerWeekMax: Adjustable(1, allowed: 1...1, .sourced("Glue 2017 weekly intervals (DOMAIN.md §5.1)")),
        spacing: .seed,
        inductionSessions: Adjustable(3, allowed: 1...3, .sourced("Glue 2017 (DOMAIN.md §5.1)")),
        inductionWeeks: Sourced(3...3, .sourced("Glue 2017 (DOMAIN.md §5.1)")),
        maintenance: glue2018Maintenance,
        integrationSessionsBetweenDoses: Adjustable(1, allowed: 0...3, .designDefault),
        // 60 min observation (DOMAIN.md §7.1 racemic) + 30 min preparation and injection.
        chairMinutes: Sourced(90, .designDefault),
        measurementSchedule: .standard
    )

    // DOMAIN.md §4.2 / §5.1: KADS twice weekly × 4 weeks, fixed 0.5 or flexible 0.5–0.9 mg/kg.
    /// Subcutaneous racemic ketamine, twice weekly for 4 weeks (KADS).
    public static let scRacemicKADS = PlanTemplate(
        id: PlanTemplateID("sc-racemic-kads"),
        name: "Subcutaneous racemic ketamine, twice weekly × 4 weeks (KADS)",
        route: .subcutaneous,
        isEnabled: Sourced(true, .designDefault),
        dosing: .perKilogram(
            DoseRule(
                starting: Sourced(mgPerKg("0.5"), .sourced("Loo 2023 KADS (DOMAIN.md §4.2)")),
                // KADS does not publish its flexible step size.
                steps: Sourced(.increment(mgPerKg("0.1")), .designDefault),
                range: Sourced(mgPerKg("0.5")...mgPerKg("0.9"), .sourced("Loo 2023 KADS flexible 0.5–0.9 mg/kg (DOMAIN.md §4.2)"))
            )
        ),
        sessionsPerWeekMax: Adjustable(2, allowed: 1...2, .sourced("Loo 2023 KADS (DOMAIN.md §5.1)")),
        spacing: .seed,
        inductionSessions: Adjustable(8, allowed: 1...8, .sourced("Loo 2023 KADS (DOMAIN.md §5.1)")),
        inductionWeeks: Sourced(4...4, .sourced("Loo 2023 KADS (DOMAIN.md §5.1)")),
        maintenance: glue2018Maintenance,
        integrationSessionsBetweenDoses: Adjustable(1, allowed: 0...3, .designDefault),
        chairMinutes: Sourced(90, .designDefault),
        measurementSchedule: .standard
    )

    // DOMAIN.md §4.3: Loo 2016 IM arm 0.1–0.5 mg/kg in 0.1 steps ≥1 week apart; other IM protocol details UNCONFIRMED (Appendix A.17).
    /// Intramuscular racemic ketamine, weekly titration 0.1 → 0.5 mg/kg.
    public static let imRacemicTitration = PlanTemplate(
        id: PlanTemplateID("im-racemic-titration"),
        name: "Intramuscular racemic ketamine, weekly titration 0.1 → 0.5 mg/kg",
        route: .intramuscular,
        isEnabled: Sourced(true, .designDefault),
        dosing: .perKilogram(
            DoseRule(
                starting: Sourced(mgPerKg("0.1"), .sourced("Loo 2016 (DOMAIN.md §4.3)")),
                steps: Sourced(.increment(mgPerKg("0.1")), .sourced("Loo 2016 (DOMAIN.md §4.1)")),
                range: Sourced(mgPerKg("0.1")...mgPerKg("0.5"), .sourced("Loo 2016 (DOMAIN.md §4.3)"))
            )
        ),
        sessionsPerWeekMax: Adjustable(1, allowed: 1...1, .sourced("Loo 2016 steps ≥1 week apart (DOMAIN.md §4.1)")),
        spacing: .seed,
        inductionSessions: Adjustable(5, allowed: 1...5, .unconfirmed),
        inductionWeeks: Sourced(5...5, .unconfirmed),
        maintenance: [
            MaintenanceBlock(
                fromWeek: 1, throughWeek: nil, cadence: .everyWeeks(2), allowedCadences: [.everyWeeks(1), .everyWeeks(2), .everyWeeks(4)],
                .unconfirmed)
        ],
        integrationSessionsBetweenDoses: Adjustable(1, allowed: 0...3, .designDefault),
        chairMinutes: Sourced(90, .designDefault),
        measurementSchedule: .standard
    )

    // DOMAIN.md §4.4 / §5.3: twice weekly weeks 1–4 (56 mg day 1, then 56/84), weekly weeks 5–8, weekly or every 2 weeks from week 9.
    /// Intranasal esketamine (Spravato) for TRD, per the US label's week-by-week schedule.
    public static let spravatoTRD = PlanTemplate(
        id: PlanTemplateID("spravato-trd"),
        name: "Intranasal esketamine (Spravato), TRD label schedule",
        route: .intranasalEsketamine,
        isEnabled: Sourced(true, .sourced("Spravato USPI §2")),
        dosing: .fixed(
            DoseRule(
                starting: Sourced(Milligrams(56), .sourced("Spravato USPI §2: day 1 is 56 mg")),
                steps: Sourced(.levels([Milligrams(56), Milligrams(84)]), .sourced("Spravato USPI §2; DOMAIN.md §4.8 allowed set {56, 84}")),
                range: Sourced(Milligrams(56)...Milligrams(84), .sourced("Spravato USPI §2"))
            )
        ),
        sessionsPerWeekMax: Adjustable(2, allowed: 1...2, .sourced("Spravato USPI §2; DOMAIN.md §4.8 ≤2 per 7 days")),
        spacing: .seed,
        inductionSessions: Adjustable(8, allowed: 8...8, .sourced("Spravato USPI §2: twice weekly, weeks 1–4")),
        inductionWeeks: Sourced(4...4, .sourced("Spravato USPI §2")),
        maintenance: [
            MaintenanceBlock(
                fromWeek: 1, throughWeek: 4, cadence: .everyWeeks(1), allowedCadences: [.everyWeeks(1)], .sourced("Spravato USPI §2: weeks 5–8")),
            MaintenanceBlock(
                fromWeek: 5, throughWeek: nil, cadence: .everyWeeks(1), allowedCadences: [.everyWeeks(1), .everyWeeks(2)],
                .sourced("Spravato USPI §2: week 9 onward, lowest frequency that maintains response")
            ),
        ],
        integrationSessionsBetweenDoses: Adjustable(1, allowed: 0...3, .designDefault),
        // ≥120 min observation (DOMAIN.md §7.1) + devices 5 min apart + preparation.
        chairMinutes: Sourced(150, .designDefault),
        measurementSchedule: .standard
    )

    // DOMAIN.md §4.4 MDSI: 84 mg twice weekly for 4 weeks (56 mg for tolerability); evaluate after 4 weeks; use beyond 4 weeks
    // was not studied, so the template has no maintenance phase. §4.8 row "Spravato, US MDSI": {56, 84} mg, ≤2 per 7 days.
    /// Intranasal esketamine (Spravato) for MDD with acute suicidal ideation or behaviour, per the US label.
    public static let spravatoMDSI = PlanTemplate(
        id: PlanTemplateID("spravato-mdsi"),
        name: "Spravato — MDD with acute suicidal ideation",
        route: .intranasalEsketamine,
        isEnabled: Sourced(true, .sourced("Spravato USPI §2")),
        dosing: .fixed(
            DoseRule(
                starting: Sourced(Milligrams(84), .sourced("Spravato USPI §2: MDSI 84 mg twice weekly")),
                steps: Sourced(.levels([Milligrams(56), Milligrams(84)]), .sourced("Spravato USPI §2: may reduce to 56 mg for tolerability")),
                range: Sourced(Milligrams(56)...Milligrams(84), .sourced("Spravato USPI §2; DOMAIN.md §4.8 allowed set {56, 84}"))
            )
        ),
        sessionsPerWeekMax: Adjustable(2, allowed: 1...2, .sourced("Spravato USPI §2: twice weekly; DOMAIN.md §4.8 ≤2 per 7 days")),
        spacing: .seed,
        inductionSessions: Adjustable(8, allowed: 8...8, .sourced("Spravato USPI §2: twice weekly for 4 weeks")),
        inductionWeeks: Sourced(4...4, .sourced("Spravato USPI §2: evaluate after 4 weeks")),
        maintenance: [],
        integrationSessionsBetweenDoses: Adjustable(1, allowed: 0...3, .designDefault),
        // ≥120 min observation (DOMAIN.md §7.1) + three devices 5 min apart + preparation.
        chairMinutes: Sourced(150, .designDefault),
        measurementSchedule: .standard,
        drugLibraryEntryID: "intranasal-esketamine-us-mdsi",
        note: Sourced(
            "Evaluate after 4 weeks (end-of-induction review). Use beyond 4 weeks was not studied: the template has no maintenance "
                + "phase, and continuing past induction needs a documented reason.",
            .sourced("Spravato USPI §2 (2020–2021 label text; DOMAIN.md §4.4)"))
    )

    // DOMAIN.md §4.5: no consensus dosing; the route ships disabled with no default limits until the clinic enters its protocol.
    /// Oral racemic ketamine: disabled until the clinic configures its protocol.
    public static let oralRacemic = clinicDefined(id: "oral-racemic", name: "Oral racemic ketamine (clinic protocol required)", route: .oral)

    /// Sublingual racemic ketamine: disabled until the clinic configures its protocol.
    public static let sublingualRacemic = clinicDefined(
        id: "sublingual-racemic", name: "Sublingual racemic ketamine (clinic protocol required)", route: .sublingual
    )

    // DOMAIN.md §5.2: SC once or twice weekly for 3 months in anxiety responders [Glue 2018].
    private static let glue2018Maintenance = [
        MaintenanceBlock(
            fromWeek: 1, throughWeek: 12, cadence: .everyWeeks(1), allowedCadences: [.everyWeeks(1), .timesPerWeek(2)],
            .sourced("Glue 2018 (DOMAIN.md §5.2)")
        )
    ]

    private static func clinicDefined(id: String, name: String, route: DosingRoute) -> PlanTemplate {
        PlanTemplate(
            id: PlanTemplateID(id),
            name: name,
            route: route,
            isEnabled: Sourced(false, .sourced("DOMAIN.md §4.5: route ships disabled")),
            dosing: .clinicDefined,
            sessionsPerWeekMax: Adjustable(1, allowed: 1...1, .unconfirmed),
            spacing: .seed,
            inductionSessions: Adjustable(1, allowed: 1...1, .unconfirmed),
            inductionWeeks: Sourced(1...1, .unconfirmed),
            maintenance: [],
            integrationSessionsBetweenDoses: Adjustable(1, allowed: 0...3, .designDefault),
            chairMinutes: Sourced(120, .designDefault),
            measurementSchedule: .standard
        )
    }

    private static func mgPerKg(_ text: String) -> MilligramsPerKilogram {
        MilligramsPerKilogram(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!)
    }
}
