import Foundation

/// Checks an order's delivered values against one library entry and the session rules (DOMAIN.md §4.8).
///
/// Per-dose, per-session and per-window mg/kg limits are compared in mg against limit × weight used (exact
/// multiplication), on the dose the rounded values deliver, so what is checked is what the patient gets.
struct DoseLimitChecker {
    /// The order being checked, with its history.
    let request: DoseRequest
    /// The library entry whose limits apply.
    let entry: DrugLibraryEntry
    /// Session rules.
    let policy: DosingPolicy
    /// The weight used, for mg/kg limits.
    let weight: DosingWeight?

    private var limits: DoseLimits { entry.limits.value }
    private var provenance: Provenance { entry.limits.provenance }
    private var product: ProductFamily { entry.route.product }

    /// Every limit crossed, in the order they are listed; the first hard (else first soft) decides.
    func findings(delivered: Milligrams, volume: Millilitres?) throws(DoseError) -> [DoseLimit] {
        var findings: [DoseLimit] = []
        let sameProduct = request.priorDoses.filter { $0.product == product }
        let thisSession = sameProduct.filter { request.sessionID != nil && $0.sessionID == request.sessionID }
        let inWindow = sameProduct.filter { isInWindow($0.administeredAt) }

        // Per dose (DOMAIN.md §4.8 soft min / soft max / hard max).
        findings += band(limits.perDoseMgPerKg, limits.perDoseMg, amount: delivered, category: .perDose)

        // Allowed set and whole devices (Spravato: {56, 84} mg in 28 mg devices).
        if let allowed = limits.allowedDoses, !allowed.contains(delivered) {
            findings.append(finding(.allowedDoses, .allowedSet, .hard, allowed: allowed.map(\.value), unit: "mg", observed: delivered.value))
        }
        if let device = entry.nasalDevice, delivered.value / device.strength.value != (delivered.value / device.strength.value).integralPart {
            findings.append(finding(.deviceMultiple, .rule, .hard, value: device.strength.value, unit: "mg", observed: delivered.value))
        }

        // First dose of the product (DOMAIN.md §4.4: first dose 56 mg; 84 mg only after a prior 56 mg).
        if let rule = limits.firstDose, sameProduct.isEmpty {
            if rule.olderPatientFromAge != nil, request.ageYears == nil {
                throw DoseError(.missing, field: "age_years", message: "\(entry.name)'s first dose depends on age: give age_years")
            }
            let required = rule.requiredDose(ageYears: request.ageYears)
            if delivered != required {
                findings.append(finding(.firstDose, .rule, .hard, value: required.value, unit: "mg", observed: delivered.value))
            }
        }

        // Cumulative per session and per window.
        findings += band(limits.perSessionMgPerKg, limits.perSessionMg, amount: total(thisSession) + delivered, category: .perSession)
        findings += band(limits.per7DaysMgPerKg, limits.per7DaysMg, amount: total(inWindow) + delivered, category: .per7Days)
        if let countLimit = limits.administrationsPer7Days {
            let sessions = Set(inWindow.map(\.sessionID)).subtracting([request.sessionID].compactMap { $0 }).count + 1
            if let hard = countLimit.hardMax, sessions > hard {
                findings.append(
                    finding(.administrationsPer7Days, .maximum, .hard, value: Decimal(hard), unit: "sessions", observed: Decimal(sessions)))
            } else if let soft = countLimit.softMax, sessions > soft {
                findings.append(
                    finding(.administrationsPer7Days, .maximum, .soft, value: Decimal(soft), unit: "sessions", observed: Decimal(sessions)))
            }
        }

        // Session-level hard rules (DOMAIN.md §4.8).
        let today = request.priorDoses.filter { dayIndex($0.administeredAt) == dayIndex(request.now) }
        let otherSessionsToday = Set(today.map(\.sessionID)).subtracting([request.sessionID].compactMap { $0 }).count
        let rules = policy.sessions
        if otherSessionsToday + 1 > rules.maxSessionsPerCalendarDay.value {
            findings.append(
                DoseLimit(
                    category: .sessionsPerCalendarDay, bound: .maximum, severity: .hard, value: Decimal(rules.maxSessionsPerCalendarDay.value),
                    unit: "sessions", observed: Decimal(otherSessionsToday + 1), provenance: rules.maxSessionsPerCalendarDay.provenance
                )
            )
        }
        if rules.forbidsRacemicAndEsketamineSameDay.value, today.contains(where: { $0.product != product }) {
            findings.append(
                DoseLimit(
                    category: .racemicAndEsketamineSameDay, bound: .rule, severity: .hard, unit: "",
                    provenance: rules.forbidsRacemicAndEsketamineSameDay.provenance
                )
            )
        }

        // Infusion duration (DOMAIN.md §4.8 IV: soft < 40 min, hard < 20 min), on the ordered duration.
        if let band = limits.infusionMinutes, let duration = request.infusionDuration, let crossing = band.crossing(duration) {
            findings.append(finding(.infusionDuration, crossing.1, crossing.0, value: crossing.2.value, unit: "min", observed: duration.value))
        }
        // Volume per site (DOMAIN.md §4.2 SC soft > 2 mL, §4.8 IM soft > 5 mL).
        if let band = limits.volume, let volume, let crossing = band.crossing(volume) {
            findings.append(finding(.volume, crossing.1, crossing.0, value: crossing.2.value, unit: "mL", observed: volume.value))
        }
        return findings
    }

    // MARK: - Helpers

    private func total(_ doses: [PriorDose]) -> Milligrams {
        doses.reduce(Milligrams.zero) { $0 + $1.dose }
    }

    /// A mg/kg band becomes a mg band by multiplying each bound by the weight used; the finding reports mg/kg.
    private func band(
        _ perKg: LimitBand<MilligramPerKilogramUnit>?,
        _ perDose: LimitBand<MilligramUnit>?,
        amount: Milligrams,
        category: DoseLimitCategory
    ) -> [DoseLimit] {
        if let perKg, let used = weight?.used {
            let inMg = LimitBand<MilligramUnit>(
                hardMin: perKg.hardMin.map { $0 * used },
                softMin: perKg.softMin.map { $0 * used },
                softMax: perKg.softMax.map { $0 * used },
                hardMax: perKg.hardMax.map { $0 * used }
            )
            guard let crossing = inMg.crossing(amount) else { return [] }
            let limit = perKg.bound(crossing.0, crossing.1)?.value
            let observed = RoundingRule(step: Decimal(string: "0.001")!).apply(to: amount.value / used.value)
            return [finding(category, crossing.1, crossing.0, value: limit, unit: "mg/kg", observed: observed)]
        }
        if let perDose, let crossing = perDose.crossing(amount) {
            return [finding(category, crossing.1, crossing.0, value: crossing.2.value, unit: "mg", observed: amount.value)]
        }
        return []
    }

    private func finding(
        _ category: DoseLimitCategory,
        _ bound: LimitBound,
        _ severity: LimitSeverity,
        value: Decimal? = nil,
        allowed: [Decimal]? = nil,
        unit: String,
        observed: Decimal?
    ) -> DoseLimit {
        DoseLimit(
            category: category, bound: bound, severity: severity, value: value, allowedValues: allowed, unit: unit, observed: observed,
            provenance: provenance
        )
    }

    /// The clinic-local calendar day number of `date` (days since 1970-01-01 in the clinic's time zone).
    private func dayIndex(_ date: Date) -> Int {
        let local = date.timeIntervalSince1970 + Double(request.timeZone.secondsFromGMT(for: date))
        return Int((local / 86_400).rounded(.down))
    }

    /// Whether a dose falls on today or one of the previous `windowDays − 1` calendar days.
    private func isInWindow(_ date: Date) -> Bool {
        let age = dayIndex(request.now) - dayIndex(date)
        return age >= 0 && age < policy.sessions.windowDays.value
    }
}
