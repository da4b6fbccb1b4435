import KetaCareDomain

/// Shared fixtures for the assessment and outcome tests.
enum AssessmentFixtures {
    /// The bundled library, loaded once.
    static let loaded: Result<InstrumentLibrary, AssessmentError> = Result { () throws(AssessmentError) in try InstrumentLibrary.bundled() }

    /// The bundled library.
    static func library() throws -> InstrumentLibrary { try loaded.get() }

    /// The bundled instrument with `id`.
    static func instrument(_ id: String) throws -> Instrument { try library().instrument(named: id) }

    /// Answers (scored items only, in order) that add up to `total`, filling each item to its maximum in turn.
    static func answers(for instrument: Instrument, total: Int) -> [Int?] {
        var remaining = total
        return instrument.items.filter(\.scored).map { item in
            let value = min(remaining, item.allowedValues.last ?? 0)
            remaining -= value
            return value
        }
    }

    /// Scores `answers` on instrument `id` with `policy`.
    static func score(_ id: String, _ answers: [Int?], policy: ScoringPolicy = .defaults, bandSetID: String? = nil) throws -> Score {
        try ScoringEngine.score(instrument(id), answers: answers, policy: policy, bandSetID: bandSetID)
    }
}
