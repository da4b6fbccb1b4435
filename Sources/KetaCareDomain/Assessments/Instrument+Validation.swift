/// Consistency checks on an instrument definition, so a bad data file (bundled or clinic-supplied) is caught on load.
extension Instrument {
    /// Every inconsistency found; empty when the definition is sound.
    public func problems() -> [AssessmentError] {
        var found: [AssessmentError] = []
        func report(_ path: String, _ reason: String) {
            found.append(.invalidInstrument(instrument: id, path: path, reason: reason))
        }
        let linkIds = items.map(\.linkId)
        if Set(linkIds).count != linkIds.count { report("items", "linkIds must be unique") }
        if id != InstrumentLibrary.normalizedName(id) { report("id", "must be lower-case letters and digits only") }
        checkItems(report)
        checkRanges(report)
        checkBands(report)
        checkRuleReferences(report)
        return found
    }

    private func checkItems(_ report: (String, String) -> Void) {
        for item in items {
            let values = item.answerOptions.map(\.value)
            if values.isEmpty { report("items[\(item.linkId)].answerOption", "needs at least one option") }
            if Set(values).count != values.count { report("items[\(item.linkId)].answerOption", "values must be unique") }
            for condition in item.enableWhen {
                guard let controlling = position(ofItem: condition.question), let own = position(ofItem: item.linkId) else {
                    report("items[\(item.linkId)].enableWhen", "refers to unknown item \(condition.question)")
                    continue
                }
                if controlling >= own { report("items[\(item.linkId)].enableWhen", "must refer to an earlier item") }
                if !["=", "!="].contains(condition.operator) { report("items[\(item.linkId)].enableWhen", "operator must be = or !=") }
            }
            // Licensed wording must never ship: placeholders only (DOMAIN.md §1.5–1.7, §1.9).
            if needsLicensedText, !item.text.hasPrefix("Item ") {
                report("items[\(item.linkId)].text", "must be a placeholder (\"Item …\") while needsLicensedText is true")
            }
        }
    }

    private func checkRanges(_ report: (String, String) -> Void) {
        let scored = scoredItems
        let minimum = scored.map { $0.allowedValues.first ?? 0 }.reduce(0, +)
        let maximum = scored.map { $0.allowedValues.last ?? 0 }.reduce(0, +)
        if scoring.method != .triage, scoring.totalRange != ScoreRange(min: minimum, max: maximum) {
            report("scoring.totalRange", "must be \(minimum)–\(maximum), the sum of the scored items' ranges")
        }
        if scoring.method == .ordinal, scored.count != 1 { report("scoring.method", "ordinal needs exactly one scored item") }
        for subscale in scoring.subscales {
            let members = subscale.items.compactMap { link in scored.first { $0.linkId == link } }
            if members.count != subscale.items.count {
                report("scoring.subscales[\(subscale.id)].items", "must all be scored items")
                continue
            }
            let range = ScoreRange(
                min: members.map { $0.allowedValues.first ?? 0 }.reduce(0, +),
                max: members.map { $0.allowedValues.last ?? 0 }.reduce(0, +)
            )
            if range != subscale.range { report("scoring.subscales[\(subscale.id)].range", "must be \(range.min)–\(range.max)") }
        }
    }

    private func checkBands(_ report: (String, String) -> Void) {
        if let wanted = scoring.defaultBandSet, bandSet(id: wanted) == nil {
            report("scoring.defaultBandSet", "no band set \(wanted)")
        }
        guard let total = scoring.totalRange else { return }
        for set in scoring.bandSets {
            var previousMax: Int?
            for band in set.bands {
                if band.min > band.max || !total.contains(band.min) || !total.contains(band.max) {
                    report("scoring.bandSets[\(set.id)]", "band \(band.label) must lie within \(total.min)–\(total.max)")
                }
                if let previousMax, band.min <= previousMax {
                    report("scoring.bandSets[\(set.id)]", "bands must ascend without overlap (\(band.label))")
                }
                if set.coversRange, band.min != (previousMax.map { $0 + 1 } ?? total.min) {
                    report("scoring.bandSets[\(set.id)]", "bands must be contiguous from \(total.min) (\(band.label))")
                }
                previousMax = band.max
            }
            if set.coversRange, previousMax != total.max {
                report("scoring.bandSets[\(set.id)]", "bands must reach \(total.max)")
            }
        }
    }

    private func checkRuleReferences(_ report: (String, String) -> Void) {
        for rule in scoring.safetyRules where position(ofItem: rule.item) == nil {
            report("scoring.safetyRules[\(rule.id)].item", "unknown item \(rule.item)")
        }
        for level in scoring.triage?.levels ?? [] {
            for link in level.anyYes where position(ofItem: link) == nil {
                report("scoring.triage.levels[\(level.id)].anyYes", "unknown item \(link)")
            }
        }
        if scoring.method == .triage, scoring.triage == nil { report("scoring.triage", "required for the triage method") }
        for requirement in scoring.endorsement?.requirements ?? [] where !scoring.subscales.contains(where: { $0.id == requirement.subscale }) {
            report("scoring.endorsement", "unknown subscale \(requirement.subscale)")
        }
        if scoring.preDoseComparison?.comparison == .riseAbove, scoring.preDoseComparison?.threshold == nil {
            report("scoring.preDoseComparison.threshold", "required for riseAbove")
        }
    }
}
