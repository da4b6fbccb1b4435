/// The one scoring engine: validates answers against the instrument data and applies the instrument's rule kind.
///
/// There is no per-instrument code. Each rule kind (sum, mean item, subscale sums, ordinal rating, triage,
/// item safety rules, pre-dose comparison) has one function in `ScoringEngine+RuleKinds.swift`.
public enum ScoringEngine {
    /// Scores one administration.
    ///
    /// - Parameters:
    ///   - instrument: the instrument definition.
    ///   - answers: one value per item in order (nil = missing); trailing unscored items (the difficulty item) may be omitted.
    ///   - policy: the clinic's scoring settings.
    ///   - bandSetID: a band set for this patient (PDSS `withAgoraphobia`); nil uses the policy's, else the instrument's default.
    /// - Throws: `AssessmentError` naming `answers`, `answers[i]` or `bandSet`.
    public static func score(
        _ instrument: Instrument,
        answers: [Int?],
        policy: ScoringPolicy = .defaults,
        bandSetID: String? = nil
    ) throws(AssessmentError) -> Score {
        let answers = try validated(answers, for: instrument)
        let bandSet = try resolvedBandSet(instrument, policy: policy, requested: bandSetID)
        let scoring = instrument.scoring
        let missing = missingItems(instrument, answers: answers)
        let alerts = safetyAlerts(instrument, answers: answers, policy: policy)

        switch scoring.method {
        case .sum, .ordinal:
            let scoredValues = zip(instrument.items, answers).filter { $0.0.scored }.map(\.1)
            let mayProrate = scoring.missingItems.prorateAllowed && policy.prorateMissingItems.value
            let fraction = policy.prorateMaxMissingFraction.value
            var total: Int?
            var isProrated = false
            var severity: String?
            if scoring.method == .ordinal {
                total = ordinalRating(scoredValues)
                severity = total.flatMap { value in instrument.scoredItems.first?.label(for: value) }
            } else {
                (total, isProrated) = sum(scoredValues, prorate: mayProrate, maxMissingFraction: fraction)
                severity = total.flatMap { bandSet?.band(for: $0)?.label }
            }
            let cutoff = policy.positiveScreenCutoff(for: instrument)
            return Score(
                instrumentID: instrument.id,
                instrumentVersion: instrument.version,
                answers: answers,
                total: total,
                totalRange: scoring.totalRange,
                isProrated: isProrated,
                isComplete: missing.isEmpty,
                missingItems: missing,
                severity: severity,
                bandSetID: bandSet?.id,
                subscales: subscaleSums(instrument, answers: answers, prorate: mayProrate, maxMissingFraction: fraction),
                meanItem: scoring.meanItem == nil ? nil : total.map { meanItem(total: $0, itemCount: scoredValues.count) },
                positiveScreen: positiveScreen(total: total, cutoff: cutoff),
                positiveScreenCutoff: cutoff,
                endorsementMet: scoring.endorsement.flatMap { endorsement($0, instrument: instrument, answers: answers) },
                riskLevel: nil,
                alerts: sorted(alerts)
            )
        case .triage:
            let result = scoring.triage.map { triage($0, instrument: instrument, answers: answers, missing: missing, policy: policy) }
            return Score(
                instrumentID: instrument.id,
                instrumentVersion: instrument.version,
                answers: answers,
                total: nil,
                totalRange: scoring.totalRange,
                isProrated: false,
                isComplete: missing.isEmpty,
                missingItems: missing,
                severity: result?.label,
                bandSetID: nil,
                subscales: [],
                meanItem: nil,
                positiveScreen: nil,
                positiveScreenCutoff: nil,
                endorsementMet: nil,
                riskLevel: result?.levelID,
                alerts: sorted(alerts + (result?.alert.map { [$0] } ?? []))
            )
        }
    }

    /// Scores an instrument looked up by name (`GAD-7`, `gad7`).
    /// - Throws: `AssessmentError.unknownInstrument` (field `instrument`) or any error of `score(_:answers:policy:bandSetID:)`.
    public static func score(
        instrumentNamed name: String,
        in library: InstrumentLibrary,
        answers: [Int?],
        policy: ScoringPolicy = .defaults,
        bandSetID: String? = nil
    ) throws(AssessmentError) -> Score {
        try score(library.instrument(named: name), answers: answers, policy: policy, bandSetID: bandSetID)
    }

    // MARK: - Validation

    /// Checks the answer count, each value against its item's options, and skip logic; pads omitted trailing unscored items.
    static func validated(_ answers: [Int?], for instrument: Instrument) throws(AssessmentError) -> [Int?] {
        guard !answers.isEmpty else { throw .noAnswers }
        let accepted = instrument.acceptedAnswerCounts
        guard accepted.contains(answers.count) else {
            throw .wrongAnswerCount(instrument: instrument.shortName, expected: accepted, got: answers.count)
        }
        let padded = answers + Array(repeating: nil, count: instrument.items.count - answers.count)
        for (index, item) in instrument.items.enumerated() {
            guard let value = padded[index] else { continue }
            guard item.allowedValues.contains(value) else {
                throw .answerOutOfRange(position: index + 1, item: item.displayName, value: value, allowed: item.allowedValues)
            }
        }
        for (index, item) in instrument.items.enumerated() where padded[index] != nil {
            if let failed = item.enableWhen.first(where: { !$0.holds(for: answer(to: $0.question, in: instrument, answers: padded)) }) {
                throw .answerForSkippedItem(position: index + 1, item: item.displayName, condition: describe(failed, in: instrument))
            }
        }
        return padded
    }

    private static func resolvedBandSet(
        _ instrument: Instrument,
        policy: ScoringPolicy,
        requested: String?
    ) throws(AssessmentError) -> BandSet? {
        guard let id = requested ?? policy.bandSetID(for: instrument) else { return nil }
        guard let bandSet = instrument.bandSet(id: id) else {
            throw .unknownBandSet(instrument: instrument.shortName, requested: id, known: instrument.scoring.bandSets.map(\.id))
        }
        return bandSet
    }

    /// Required items that skip logic turns on and that have no answer.
    ///
    /// An item whose controlling item is itself unanswered is not listed: the controlling item already is.
    static func missingItems(_ instrument: Instrument, answers: [Int?]) -> [String] {
        zip(instrument.items, answers).compactMap { item, value in
            guard item.required, value == nil else { return nil }
            let isAsked = item.enableWhen.allSatisfy { condition in
                answer(to: condition.question, in: instrument, answers: answers).map { condition.holds(for: $0) } ?? false
            }
            return isAsked ? item.linkId : nil
        }
    }

    /// The answer to the item with `linkId`, nil when unanswered or unknown.
    static func answer(to linkId: String, in instrument: Instrument, answers: [Int?]) -> Int? {
        guard let position = instrument.position(ofItem: linkId), position < answers.count else { return nil }
        return answers[position]
    }

    private static func describe(_ condition: EnableCondition, in instrument: Instrument) -> String {
        guard let position = instrument.position(ofItem: condition.question) else {
            return "\(condition.question) \(condition.operator) \(condition.answer)"
        }
        let item = instrument.items[position]
        let label = item.label(for: condition.answer) ?? String(condition.answer)
        return condition.operator == "!=" ? "\(item.displayName) is not \(label)" : "\(item.displayName) is \(label)"
    }

    private static func sorted(_ alerts: [SafetyAlert]) -> [SafetyAlert] {
        alerts.enumerated().sorted { lhs, rhs in
            lhs.element.priority != rhs.element.priority ? lhs.element.priority > rhs.element.priority : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
