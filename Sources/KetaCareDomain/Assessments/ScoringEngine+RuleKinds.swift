/// One function per rule kind; each reads its parameters from the instrument data and the policy.
extension ScoringEngine {
    // MARK: - Totals

    /// Sum rule: the sum of `values`; with a missing value, nil unless prorating is on and few enough are missing.
    ///
    /// DOMAIN.md §1.0: by default no total when any scored item is missing. A prorated total is
    /// sum × n ÷ answered, rounded half up, allowed when missing ≤ ⌊`maxMissingFraction` × n⌋.
    public static func sum(_ values: [Int?], prorate: Bool, maxMissingFraction: Double) -> (value: Int?, isProrated: Bool) {
        // DOMAIN.md §1.0
        let answered = values.compactMap(\.self)
        let total = answered.reduce(0, +)
        let missing = values.count - answered.count
        if missing == 0 { return (total, false) }
        // A tiny epsilon so 0.2 × 5 counts as 1, not 0.999….
        let allowedMissing = Int((maxMissingFraction * Double(values.count) + 1e-9).rounded(.down))
        guard prorate, !answered.isEmpty, missing <= allowedMissing else { return (nil, false) }
        let prorated = (2 * total * values.count + answered.count) / (2 * answered.count)
        return (prorated, true)
    }

    /// Mean-item rule: total ÷ number of scored items (PDSS, DOMAIN.md §1.6: store the total, derive the mean).
    public static func meanItem(total: Int, itemCount: Int) -> Double {
        // DOMAIN.md §1.6
        itemCount == 0 ? 0 : Double(total) / Double(itemCount)
    }

    /// Ordinal rule: a single rating is its own score (MOAA/S, DOMAIN.md §1.8); nil when missing.
    public static func ordinalRating(_ values: [Int?]) -> Int? {
        // DOMAIN.md §1.8
        values.count == 1 ? values[0] : nil
    }

    /// Subscale-sum rule: each subscale is the sum rule over its items.
    public static func subscaleSums(_ instrument: Instrument, answers: [Int?], prorate: Bool, maxMissingFraction: Double) -> [SubscaleScore] {
        // DOMAIN.md §1.3 (PCL-5 clusters), §1.4 (HAM-A psychic/somatic), §1.5 (LSAS), §1.7 (CADSS-6)
        instrument.scoring.subscales.map { definition in
            let values = definition.items.map { answer(to: $0, in: instrument, answers: answers) }
            let (value, isProrated) = sum(values, prorate: prorate, maxMissingFraction: maxMissingFraction)
            return SubscaleScore(id: definition.id, name: definition.name, value: value, range: definition.range, isProrated: isProrated)
        }
    }

    /// Positive screen: total ≥ cutoff; nil without a total or a cutoff.
    public static func positiveScreen(total: Int?, cutoff: Int?) -> Bool? {
        // DOMAIN.md §1.1–1.3, §1.5
        guard let total, let cutoff else { return nil }
        return total >= cutoff
    }

    /// Endorsement rule (PCL-5 provisional DSM-5 diagnosis, DOMAIN.md §1.3): enough items ≥ the value in each subscale.
    ///
    /// True when met by the answered items, false when it cannot be met even if missing items were endorsed, nil otherwise.
    public static func endorsement(_ rule: EndorsementRule, instrument: Instrument, answers: [Int?]) -> Bool? {
        // DOMAIN.md §1.3
        var isUndecided = false
        for requirement in rule.requirements {
            guard let subscale = instrument.scoring.subscales.first(where: { $0.id == requirement.subscale }) else { return nil }
            let values = subscale.items.map { answer(to: $0, in: instrument, answers: answers) }
            let endorsed = values.filter { ($0 ?? Int.min) >= rule.minItemValue }.count
            let unknown = values.filter { $0 == nil }.count
            if endorsed >= requirement.minEndorsed { continue }
            if endorsed + unknown >= requirement.minEndorsed {
                isUndecided = true
            } else {
                return false
            }
        }
        return isUndecided ? nil : true
    }

    // MARK: - Triage

    /// Triage rule (C-SSRS screener, DOMAIN.md §1.9): the highest level with a yes on any of its items.
    ///
    /// With unanswered items the level found is a lower bound and the alert says so; with no yes and unanswered
    /// items, no level is reported.
    static func triage(
        _ rule: TriageRule,
        instrument: Instrument,
        answers: [Int?],
        missing: [String],
        policy: ScoringPolicy
    ) -> (levelID: String?, label: String?, alert: SafetyAlert?) {
        // DOMAIN.md §1.9
        for level in rule.levels {
            guard let yes = level.anyYes.first(where: { answer(to: $0, in: instrument, answers: answers) == rule.yesValue }) else { continue }
            let position = instrument.position(ofItem: yes)
            let itemName = position.map { instrument.items[$0].displayName } ?? yes
            let caveat = missing.isEmpty ? "" : " Incomplete: unanswered items could raise the level."
            let alert = SafetyAlert(
                ruleID: "\(instrument.id).\(level.id)",
                kind: .suicideRisk,
                priority: level.priority,
                item: position.map { $0 + 1 },
                linkId: yes,
                value: rule.yesValue,
                message: "\(instrument.shortName) \(level.label) (yes to \(itemName)): \(level.message).\(caveat)",
                section: rule.section,
                actions: level.actions,
                blocksDosing: policy.value(of: level.blocksDosing),
                provenance: level.provenance
            )
            return (level.id, level.label, alert)
        }
        guard missing.isEmpty else { return (nil, nil, nil) }
        return ("none", rule.noneLabel, nil)
    }

    // MARK: - Safety items

    /// Item safety rules (PHQ-9 item 9, MOAA/S levels): independent of the total, so a low total never suppresses them.
    static func safetyAlerts(_ instrument: Instrument, answers: [Int?], policy: ScoringPolicy) -> [SafetyAlert] {
        // DOMAIN.md §1.2 (PHQ-9 item 9), §1.8 and §6.5 (MOAA/S)
        instrument.scoring.safetyRules.compactMap { rule in
            guard let position = instrument.position(ofItem: rule.item) else { return nil }
            let item = instrument.items[position]
            guard let value = answers[position] else {
                guard rule.alertWhenUnanswered else { return nil }
                return SafetyAlert(
                    ruleID: "\(rule.id).unanswered",
                    kind: .safetyItemUnanswered,
                    priority: .warning,
                    item: position + 1,
                    linkId: rule.item,
                    value: nil,
                    message:
                        "\(instrument.shortName) \(item.displayName) is a safety item and was not answered; its alert rule could not be checked.",
                    section: rule.section,
                    actions: [],
                    blocksDosing: false,
                    provenance: .designDefault("Not in DOMAIN.md: warn when a safety item is unanswered")
                )
            }
            guard passes(value, policy.value(of: rule.trigger), rule.direction) else { return nil }
            let tier = rule.tiers.last { passes(value, policy.value(of: $0.threshold), rule.direction) } ?? rule.tiers.first
            let label = item.label(for: value).map { " (\"\($0)\")" } ?? ""
            let headline = tier?.label ?? "\(instrument.shortName) \(item.displayName)"
            return SafetyAlert(
                ruleID: rule.id,
                kind: rule.kind,
                priority: tier?.priority ?? .warning,
                item: position + 1,
                linkId: rule.item,
                value: value,
                message: "\(headline): \(value)\(label). \(rule.message).",
                section: rule.section,
                actions: rule.actions + (tier?.actions ?? []),
                blocksDosing: rule.blocksDosing.map { policy.value(of: $0) } ?? false,
                provenance: rule.provenance
            )
        }
    }

    private static func passes(_ value: Int, _ threshold: Int, _ direction: ThresholdDirection) -> Bool {
        switch direction {
        case .atLeast: value >= threshold
        case .atMost: value <= threshold
        }
    }

    // MARK: - Pre-dose comparison

    /// Pre-dose comparison rule (CADSS rise, MOAA/S decrease; DOMAIN.md §1.7, §1.8, §6.5): an alert or nil.
    ///
    /// - Throws: `AssessmentError.instrumentMismatch` when either score is not for `instrument`.
    public static func compare(
        _ current: Score,
        toPreDose preDose: Score,
        instrument: Instrument,
        policy: ScoringPolicy = .defaults
    ) throws(AssessmentError) -> SafetyAlert? {
        guard current.instrumentID == instrument.id else {
            throw .instrumentMismatch(field: "current", expected: instrument.id, got: current.instrumentID)
        }
        guard preDose.instrumentID == instrument.id else {
            throw .instrumentMismatch(field: "preDose", expected: instrument.id, got: preDose.instrumentID)
        }
        guard let rule = instrument.scoring.preDoseComparison, let now = current.total, let before = preDose.total else { return nil }
        // DOMAIN.md §1.7, §1.8, §6.5
        let fires: Bool
        switch rule.comparison {
        case .riseAbove: fires = now - before > (rule.threshold.map { policy.value(of: $0) } ?? 0)
        case .anyDecrease: fires = now < before
        }
        guard fires else { return nil }
        return SafetyAlert(
            ruleID: rule.id,
            kind: rule.kind,
            priority: rule.priority,
            item: nil,
            linkId: nil,
            value: now,
            message: "\(instrument.shortName) \(now), pre-dose \(before) (change \(now - before >= 0 ? "+" : "")\(now - before)). \(rule.message).",
            section: rule.section,
            actions: [.document],
            blocksDosing: false,
            provenance: rule.provenance
        )
    }
}
