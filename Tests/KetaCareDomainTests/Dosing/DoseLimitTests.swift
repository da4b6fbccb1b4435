import Foundation
import KetaCareDomain
import Testing

/// One boundary case: a dose and what the library must say about it.
struct LimitCase: CustomTestStringConvertible, Sendable {
    let route: DosingRoute
    let dose: String
    let weight: String
    let concentration: String
    let minutes: String?
    let status: String
    let limitName: String?

    var testDescription: String {
        "\(route.rawValue) \(dose) mg/kg @\(weight) kg \(minutes.map { "\($0) min" } ?? "") → \(status) \(limitName ?? "")"
    }
}

@Suite("Drug-library soft and hard limits, both sides of every boundary (DOMAIN.md §4.8)")
struct DoseLimitTests {
    typealias F = DosingFixture
    let policy = DosingPolicy.seed

    // Weight and concentration are chosen so every volume is exact at its step: the delivered dose equals the ordered one.
    static let perDoseCases: [LimitCase] = [
        // IV racemic: soft min 0.1, soft max 0.75, hard max 1.0 mg/kg (per session).
        LimitCase(route: .intravenous, dose: "0.1", weight: "100", concentration: "1", minutes: "40", status: "within", limitName: nil),
        LimitCase(route: .intravenous, dose: "0.09", weight: "100", concentration: "1", minutes: "40", status: "soft", limitName: "per_dose_min"),
        LimitCase(route: .intravenous, dose: "0.75", weight: "100", concentration: "1", minutes: "40", status: "within", limitName: nil),
        LimitCase(route: .intravenous, dose: "0.76", weight: "100", concentration: "1", minutes: "40", status: "soft", limitName: "per_dose_max"),
        LimitCase(route: .intravenous, dose: "1.0", weight: "100", concentration: "1", minutes: "40", status: "soft", limitName: "per_dose_max"),
        LimitCase(route: .intravenous, dose: "1.01", weight: "100", concentration: "1", minutes: "40", status: "hard", limitName: "per_dose_max"),
        // IV duration: soft < 40 min, hard < 20 min.
        LimitCase(route: .intravenous, dose: "0.5", weight: "100", concentration: "1", minutes: "40", status: "within", limitName: nil),
        LimitCase(
            route: .intravenous, dose: "0.5", weight: "100", concentration: "1", minutes: "39.9", status: "soft", limitName: "infusion_duration_min"),
        LimitCase(
            route: .intravenous, dose: "0.5", weight: "100", concentration: "1", minutes: "20", status: "soft", limitName: "infusion_duration_min"),
        LimitCase(
            route: .intravenous, dose: "0.5", weight: "100", concentration: "1", minutes: "19.9", status: "hard", limitName: "infusion_duration_min"),
        // SC racemic: soft min 0.1, soft max 0.9, hard max 1.0 mg/kg.
        LimitCase(route: .subcutaneous, dose: "0.1", weight: "100", concentration: "10", minutes: nil, status: "within", limitName: nil),
        LimitCase(route: .subcutaneous, dose: "0.09", weight: "100", concentration: "10", minutes: nil, status: "soft", limitName: "per_dose_min"),
        LimitCase(route: .subcutaneous, dose: "0.9", weight: "100", concentration: "100", minutes: nil, status: "within", limitName: nil),
        LimitCase(route: .subcutaneous, dose: "0.91", weight: "100", concentration: "100", minutes: nil, status: "soft", limitName: "per_dose_max"),
        LimitCase(route: .subcutaneous, dose: "1.0", weight: "100", concentration: "100", minutes: nil, status: "soft", limitName: "per_dose_max"),
        LimitCase(route: .subcutaneous, dose: "1.01", weight: "100", concentration: "10", minutes: nil, status: "hard", limitName: "per_dose_max"),
        // SC volume: soft > 2 mL; from 1 mL volumes go in 0.1 mL steps (0.5 mg/kg at 50 mg/mL: 200 kg → 2.0 mL; 210 kg → 2.1 mL).
        LimitCase(route: .subcutaneous, dose: "0.5", weight: "200", concentration: "50", minutes: nil, status: "within", limitName: nil),
        LimitCase(route: .subcutaneous, dose: "0.5", weight: "210", concentration: "50", minutes: nil, status: "soft", limitName: "volume_max"),
        // IM racemic: soft min 0.1, soft max 0.5, hard max 1.0 mg/kg.
        LimitCase(route: .intramuscular, dose: "0.1", weight: "100", concentration: "10", minutes: nil, status: "within", limitName: nil),
        LimitCase(route: .intramuscular, dose: "0.09", weight: "100", concentration: "10", minutes: nil, status: "soft", limitName: "per_dose_min"),
        LimitCase(route: .intramuscular, dose: "0.5", weight: "100", concentration: "100", minutes: nil, status: "within", limitName: nil),
        LimitCase(route: .intramuscular, dose: "0.51", weight: "100", concentration: "100", minutes: nil, status: "soft", limitName: "per_dose_max"),
        LimitCase(route: .intramuscular, dose: "1.0", weight: "100", concentration: "100", minutes: nil, status: "soft", limitName: "per_dose_max"),
        LimitCase(route: .intramuscular, dose: "1.01", weight: "100", concentration: "10", minutes: nil, status: "hard", limitName: "per_dose_max"),
        // IM volume: soft > 5 mL (0.5 mg/kg at 10 mg/mL: 100 kg → 5.0 mL; 102 kg → 5.1 mL).
        LimitCase(route: .intramuscular, dose: "0.5", weight: "100", concentration: "10", minutes: nil, status: "within", limitName: nil),
        LimitCase(route: .intramuscular, dose: "0.5", weight: "102", concentration: "10", minutes: nil, status: "soft", limitName: "volume_max"),
    ]

    @Test("Racemic per-dose, duration and volume limits", arguments: perDoseCases)
    func racemicLimits(_ c: LimitCase) throws {
        let request = F.weightBased(c.route, dose: c.dose, weightKg: c.weight, concentration: c.concentration, minutes: c.minutes)
        let result = try DoseCalculator.calculate(request, policy: policy)
        #expect(result.check.status == c.status)
        #expect(result.check.limit?.name == c.limitName)
        #expect(result.check.isOrderable == (c.status != "hard"))
        #expect(result.check.requiresOverrideReason == (c.status == "soft"))
    }

    @Test("The applied limit names its value and unit")
    func limitValueAndUnit() throws {
        let result = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "1.01", weightKg: "100", concentration: "1", minutes: "40"), policy: policy)
        let limit = try #require(result.check.limit)
        #expect(limit.value == 1)
        #expect(limit.unit == "mg/kg")
        #expect(limit.observed == F.dec("1.01"))
        #expect(limit.severity == .hard)
        #expect(limit.provenance == .designDefault)
        #expect(limit.message.contains("above 1 mg/kg"))
        // The soft maximum is crossed too, and listed.
        #expect(result.findings.contains { $0.name == "per_dose_max" && $0.severity == .hard })
    }

    @Test("A rounded volume that delivers more than the hard maximum is blocked (limits check what is delivered)")
    func deliveredDoseIsChecked() throws {
        // 1.0 mg/kg × 71.5 kg = 71.5 mg; at 10 mg/mL 7.15 mL rounds to 7.2 mL = 72 mg = 1.007 mg/kg.
        let result = try DoseCalculator.calculate(F.weightBased(.subcutaneous, dose: "1.0", weightKg: "71.5", concentration: "10"), policy: policy)
        #expect(result.dose == 72)
        #expect(result.check.status == "hard")
        #expect(result.check.limit?.observed == F.dec("1.007"))
    }

    // MARK: - Per session (cumulative)

    @Test(
        "IV per-session total: earlier doses in the same session count",
        arguments: [
            // (earlier mg at 100 kg, this mg/kg, status, limit)
            (50, "0.25", "within", nil as String?),
            (50, "0.26", "soft", "per_session_max"),
            (50, "0.5", "soft", "per_session_max"),
            (50, "0.51", "hard", "per_session_max"),
        ])
    func perSession(earlierMg: Int, dose: String, status: String, limit: String?) throws {
        let earlier = PriorDose(
            administeredAt: F.now.addingTimeInterval(-1_800), sessionID: "s1", product: .racemicKetamine, dose: Milligrams(earlierMg))
        let request = F.weightBased(
            .intravenous, dose: dose, weightKg: "100", concentration: "1", minutes: "40", priorDoses: [earlier], sessionID: "s1")
        let result = try DoseCalculator.calculate(request, policy: policy)
        #expect(result.check.status == status)
        #expect(result.check.limit?.name == limit)
    }

    // MARK: - Per 7 days

    @Test(
        "Per-7-days amount: a clinic-configured cumulative limit, both sides",
        arguments: [
            // (earlier mg in window at 100 kg, this mg/kg, status)
            (100, "0.5", "within"),  // 150 mg = 1.5 mg/kg: at the soft max
            (101, "0.5", "soft"),
            (150, "0.5", "soft"),  // 2.0 mg/kg: at the hard max
            (151, "0.5", "hard"),
        ])
    func perSevenDays(earlierMg: Int, dose: String, status: String) throws {
        var policy = self.policy
        let index = try #require(policy.library.entries.firstIndex { $0.id == "iv-racemic" })
        policy.library.entries[index].limits.value.per7DaysMgPerKg = LimitBand(softMax: F.mgPerKg("1.5"), hardMax: 2)
        let earlier = F.prior(.racemicKetamine, mg: earlierMg, daysAgo: 3, session: "monday")
        let request = F.weightBased(.intravenous, dose: dose, weightKg: "100", concentration: "1", minutes: "40", priorDoses: [earlier])
        let result = try DoseCalculator.calculate(request, policy: policy)
        #expect(result.check.status == status)
        if status != "within" { #expect(result.check.limit?.name == "per_7_days_max") }
    }

    @Test("Doses outside the 7-calendar-day window do not count", arguments: [(6.0, "soft"), (7.0, "within")])
    func windowEdge(daysAgo: Double, status: String) throws {
        var policy = self.policy
        let index = try #require(policy.library.entries.firstIndex { $0.id == "iv-racemic" })
        policy.library.entries[index].limits.value.per7DaysMgPerKg = LimitBand(softMax: F.mgPerKg("0.75"))
        let earlier = F.prior(.racemicKetamine, mg: 50, daysAgo: daysAgo, session: "earlier")
        let result = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.5", weightKg: "100", concentration: "1", minutes: "40", priorDoses: [earlier]), policy: policy
        )
        #expect(result.check.status == status)
    }

    // MARK: - Esketamine (DOMAIN.md §4.4, §4.8)

    @Test(
        "US TRD allowed set {56, 84} after a first dose",
        arguments: [
            (56, "within", nil as String?),
            (84, "within", nil),
            (28, "hard", "allowed_doses"),
            (112, "hard", "allowed_doses"),
            (70, "hard", "allowed_doses"),
        ])
    func usTRDAllowedSet(dose: Int, status: String, limit: String?) throws {
        let first = F.prior(.esketamine, mg: 56, daysAgo: 3, session: "first")
        let result = try DoseCalculator.calculate(F.esketamine(mg: dose, priorDoses: [first]), policy: policy)
        #expect(result.check.status == status)
        #expect(result.check.limit?.name == limit)
    }

    @Test("70 mg is not a whole number of 28 mg devices")
    func deviceMultiple() throws {
        let first = F.prior(.esketamine, mg: 56, daysAgo: 3, session: "first")
        let result = try DoseCalculator.calculate(F.esketamine(mg: 70, priorDoses: [first]), policy: policy)
        #expect(result.devices == nil)
        #expect(result.findings.contains { $0.name == "device_multiple" })
    }

    @Test(
        "US TRD first dose must be 56 mg; 84 mg only after a prior 56 mg",
        arguments: [
            (56, "within", nil as String?),
            (84, "hard", "first_dose"),
        ])
    func usTRDFirstDose(dose: Int, status: String, limit: String?) throws {
        let result = try DoseCalculator.calculate(F.esketamine(mg: dose), policy: policy)
        #expect(result.check.status == status)
        #expect(result.check.limit?.name == limit)
        if status == "hard" { #expect(result.check.limit?.value == 56) }
    }

    @Test("US MDSI: 84 mg may be the first dose; the set is {56, 84}", arguments: [(84, "within"), (56, "within"), (28, "hard")])
    func usMDSI(dose: Int, status: String) throws {
        let result = try DoseCalculator.calculate(F.esketamine(mg: dose, entryID: "intranasal-esketamine-us-mdsi"), policy: policy)
        #expect(result.check.status == status)
    }

    @Test(
        "EU profile: {28, 56, 84}; first dose 56 mg, or 28 mg from age 65",
        arguments: [
            (28, 64, "hard"),
            (56, 64, "within"),
            (28, 65, "within"),
            (56, 65, "hard"),
        ])
    func euFirstDose(dose: Int, age: Int, status: String) throws {
        let result = try DoseCalculator.calculate(F.esketamine(mg: dose, entryID: "intranasal-esketamine-eu", ageYears: age), policy: policy)
        #expect(result.check.status == status)
        if status == "hard" { #expect(result.check.limit?.name == "first_dose") }
    }

    @Test("EU first dose needs an age")
    func euNeedsAge() {
        #expect(
            throws: DoseError(
                .missing, field: "age_years", message: "Esketamine nasal spray (Spravato), EU profile's first dose depends on age: give age_years")
        ) {
            try DoseCalculator.calculate(F.esketamine(mg: 56, entryID: "intranasal-esketamine-eu"), policy: policy)
        }
    }

    @Test(
        "Spravato ≤2 sessions per 7 days (hard), counted over calendar days",
        arguments: [
            // (days ago of the two earlier sessions, status)
            ([3.0, 6.0], "hard"),
            ([3.0, 7.0], "within"),
            ([3.0], "within"),
            ([1.0, 2.0, 3.0], "hard"),
        ])
    func frequency(earlierDays: [Double], status: String) throws {
        let earlier = earlierDays.enumerated().map { F.prior(.esketamine, mg: 56, daysAgo: $0.element, session: "s\($0.offset)") }
        let result = try DoseCalculator.calculate(F.esketamine(mg: 56, priorDoses: earlier), policy: policy)
        #expect(result.check.status == status)
        if status == "hard" {
            #expect(result.check.limit?.name == "administrations_per_7_days_max")
            #expect(result.check.limit?.value == 2)
        }
    }

    @Test("Per-session esketamine total above 84 mg is blocked")
    func esketamineSessionTotal() throws {
        let first = F.prior(.esketamine, mg: 56, daysAgo: 3, session: "first")
        let sameSession = PriorDose(administeredAt: F.now.addingTimeInterval(-600), sessionID: "today", product: .esketamine, dose: 56)
        let result = try DoseCalculator.calculate(F.esketamine(mg: 56, priorDoses: [first, sameSession]), policy: policy)
        #expect(result.findings.contains { $0.name == "per_session_max" && $0.severity == .hard })
        #expect(result.check.status == "hard")
    }

    // MARK: - Session-level hard rules

    @Test("One session per calendar day: a second session the same day is blocked; the same session is not")
    func oneSessionPerDay() throws {
        let morning = PriorDose(administeredAt: F.now.addingTimeInterval(-4 * 3_600), sessionID: "am", product: .racemicKetamine, dose: 35)
        let other = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.1", weightKg: "100", concentration: "1", minutes: "40", priorDoses: [morning], sessionID: "pm"),
            policy: policy
        )
        #expect(other.check.limit?.name == "sessions_per_calendar_day_max")
        #expect(other.check.status == "hard")
        let same = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.1", weightKg: "100", concentration: "1", minutes: "40", priorDoses: [morning], sessionID: "am"),
            policy: policy
        )
        #expect(same.check.status == "within")
    }

    @Test("Racemic and esketamine on the same calendar day are blocked")
    func noMixedProducts() throws {
        let first = F.prior(.esketamine, mg: 56, daysAgo: 4, session: "first")
        let racemic = PriorDose(administeredAt: F.now.addingTimeInterval(-3_600), sessionID: "today", product: .racemicKetamine, dose: 35)
        let result = try DoseCalculator.calculate(F.esketamine(mg: 56, priorDoses: [first, racemic], sessionID: "today"), policy: policy)
        #expect(result.findings.contains { $0.name == "racemic_and_esketamine_same_day" })
        #expect(result.check.status == "hard")
    }

    @Test(
        "Calendar days follow the clinic's time zone",
        arguments: [
            // (clinic offset from UTC in hours, hours before `now` of the earlier session, same day so blocked?)
            (0, 14.9, true),  // now is 15:00 UTC: 00:06 the same day
            (0, 15.1, false),  // 23:54 the day before
            (-5, 9.9, true),  // now is 10:00 local: 00:06 local the same day
            (-5, 10.1, false),  // 23:54 local the day before
            (9, 0.1, false),  // now is 00:00 local: six minutes earlier was yesterday
        ])
    func timeZoneDays(offset: Int, hoursBefore: Double, blocked: Bool) throws {
        let earlier = PriorDose(
            administeredAt: F.now.addingTimeInterval(-hoursBefore * 3_600), sessionID: "earlier", product: .racemicKetamine, dose: 35)
        var request = F.weightBased(
            .intravenous, dose: "0.5", weightKg: "100", concentration: "1", minutes: "40", priorDoses: [earlier], sessionID: "now")
        request.timeZone = TimeZone(secondsFromGMT: offset * 3_600)!
        let result = try DoseCalculator.calculate(request, policy: policy)
        #expect(result.findings.contains { $0.name == "sessions_per_calendar_day_max" } == blocked)
    }

    // MARK: - Library data

    @Test("The seed library is consistent, and every §4.8 limit is flagged for review")
    func seedLibrary() {
        let library = DrugLibrary.seed
        #expect(library.validationIssues.isEmpty)
        for entry in library.entries {
            #expect(entry.limits.provenance.needsReview, "\(entry.id)")
        }
        #expect(library.defaultEntry(for: .oral)?.isEnabled == false)
        #expect(library.defaultEntry(for: .sublingual)?.isEnabled == false)
        #expect(library.defaultEntry(for: .intranasalEsketamine)?.id == "intranasal-esketamine-us-trd")
        #expect(library.defaultEntry(for: .intravenousEsketamine) == nil)
        #expect(DosingPolicy.seed.weight.maxAgeDays.value == 30)
        #expect(DosingPolicy.seed.rounding.rate.step == F.dec("0.1"))
        #expect(DosingPolicy.seed.rounding.dose.step == F.dec("0.1"))
    }

    @Test("A library that mixes units is reported")
    func mixedUnitsRejected() {
        var entry = DrugLibrary.seed.entry(id: "iv-racemic")!
        entry.limits.value.perDoseMg = LimitBand(hardMax: 100)
        #expect(entry.validationIssues.contains { $0.contains("mg limits on an entry dosed in mg/kg") })
        entry = DrugLibrary.seed.entry(id: "iv-racemic")!
        entry.limits.value.perDoseMgPerKg = LimitBand(softMax: 2, hardMax: 1)
        #expect(!entry.validationIssues.isEmpty)
    }

    @Test("The policy round-trips through JSON (it is stored as data)")
    func policyCodable() throws {
        let data = try JSONEncoder().encode(DosingPolicy.seed)
        #expect(try JSONDecoder().decode(DosingPolicy.self, from: data) == DosingPolicy.seed)
    }
}
