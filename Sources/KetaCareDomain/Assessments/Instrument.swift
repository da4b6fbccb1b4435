/// A rating instrument as data, shaped to map 1:1 onto a FHIR R4 `Questionnaire` (DOMAIN.md §1, §10.1).
///
/// Loaded from `Resources/Instruments/<id>.json` by `InstrumentLibrary`. The scoring engine reads `scoring`;
/// outcome calculations read `outcomes`. Nothing about a particular instrument is hard-coded in Swift.
public struct Instrument: Sendable, Equatable, Codable, Identifiable {
    /// Lower-case id without punctuation (`gad7`, `phq9`, `pcl5`, `hama`, …); FHIR `Questionnaire.id`.
    public let id: String
    /// Canonical URL; FHIR `Questionnaire.url`.
    public let url: String
    /// Instrument version; changing any wording creates a new version (DOMAIN.md §1.0).
    public let version: String
    /// FHIR `Questionnaire.status`: `active`, or `draft` while licensed item text is still missing.
    public var status: String
    /// Full title; FHIR `Questionnaire.title`.
    public let title: String
    /// The name clinicians use (`GAD-7`).
    public let shortName: String
    /// Other names accepted on lookup (`GAD-7`, `LSAS-SR`).
    public let aliases: [String]
    /// Language of the stored wording (BCP 47).
    public let language: String
    /// The DOMAIN.md section that defines the instrument (`§1.1`).
    public let section: String
    /// The primary reference.
    public let citation: String
    /// Who completes it: `patient`, `clinician` or `patientAndObserver`.
    public let completedBy: String
    /// Recall period, when one is defined.
    public let recallPeriod: String?
    /// Flag on the recall period when it is UNCONFIRMED.
    public let recallPeriodProvenance: AssessmentProvenance?
    /// Licence terms.
    public var licence: InstrumentLicence
    /// True when item wording is copyrighted or unlicensed: items carry placeholders ("Item 3") until the clinic loads a licensed file.
    public var needsLicensedText: Bool
    /// Instructions shown before the items, when the instrument has them.
    public var instructions: String?
    /// The question stem shared by the items.
    public var stem: String?
    /// Flag on the stem when its exact wording is UNCONFIRMED.
    public let stemProvenance: AssessmentProvenance?
    /// Panel codes; FHIR `Questionnaire.code`.
    public let code: [InstrumentCoding]
    /// Code for the total (or derived risk level) observation, when one exists.
    public let totalCode: InstrumentCoding?
    /// Items in answer order; FHIR `Questionnaire.item`.
    public var items: [InstrumentItem]
    /// Scoring rules driving `ScoringEngine`.
    public let scoring: ScoringRules
    /// Outcome seeds (response, remission, MCID, RCI parameters); nil for instruments without outcome use (CADSS, MOAA/S, C-SSRS).
    public let outcomes: OutcomeSeeds?
    /// Free-text notes for clinicians (variants, what to store).
    public let notes: [String]

    /// The items that count towards the total.
    public var scoredItems: [InstrumentItem] { items.filter(\.scored) }

    /// Numbers of answers accepted: all items, or all but trailing unscored items (the GAD-7/PHQ-9 difficulty item).
    public var acceptedAnswerCounts: [Int] {
        var count = items.count
        var counts = [count]
        while count > 0, !items[count - 1].scored {
            count -= 1
            counts.append(count)
        }
        return counts.sorted()
    }

    /// The 0-based position of the item with `linkId`, if it exists.
    public func position(ofItem linkId: String) -> Int? {
        items.firstIndex { $0.linkId == linkId }
    }

    /// The band set with `id`, or the instrument's default band set when `id` is nil.
    public func bandSet(id: String? = nil) -> BandSet? {
        guard let wanted = id ?? scoring.defaultBandSet else { return nil }
        return scoring.bandSets.first { $0.id == wanted }
    }

    /// A stable fingerprint of the wording (stem, instructions, item text, answer labels): FNV-1a 64-bit, hex.
    ///
    /// DOMAIN.md §1.0 asks to store the instrument version as a wording hash; any wording change changes it.
    public var wordingFingerprint: String {
        var parts = [instructions ?? "", stem ?? ""]
        for item in items {
            parts.append(item.linkId)
            parts.append(item.text)
            parts.append(item.description ?? "")
            parts.append(contentsOf: item.answerOptions.map { "\($0.value)=\($0.label)" })
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Licence terms of an instrument (DOMAIN.md §1.0 licence column).
public struct InstrumentLicence: Sendable, Equatable, Codable {
    /// `publicDomain`, `copyrighted` or `unknown`.
    public let kind: String
    /// What the licence allows and where that is stated.
    public let note: String
}

/// A code for an instrument, item or answer; FHIR `Coding`, plus the provenance of the code assignment.
public struct InstrumentCoding: Sendable, Equatable, Codable {
    /// Code system URI (`http://loinc.org`).
    public let system: String
    /// The code (`70274-6`, `LA6568-5`).
    public let code: String
    /// Optional display text.
    public let display: String?
    /// Flag when the code is UNCONFIRMED (DOMAIN.md §10.3).
    public let provenance: AssessmentProvenance?
}

/// One question; FHIR `Questionnaire.item`.
public struct InstrumentItem: Sendable, Equatable, Codable {
    /// FHIR `linkId` (`1`, `difficulty`, `6b`, `3.fear`).
    public let linkId: String
    /// The printed number or label (`1`, `6b`, `3 fear`); FHIR `prefix`.
    public let prefix: String?
    /// Item wording, verbatim for public-domain instruments, a placeholder ("Item 3") otherwise.
    public var text: String
    /// Descriptors printed under the item (HAM-A); a FHIR display child item.
    public let description: String?
    /// Flag when the wording was confirmed only from secondary sources.
    public let textProvenance: AssessmentProvenance?
    /// FHIR item type (`choice` for every bundled item; answers carry ordinal values).
    public let type: String
    /// Item codes (LOINC where they exist); FHIR `item.code`.
    public let code: [InstrumentCoding]
    /// True when the item counts towards the total.
    public let scored: Bool
    /// True when the item must be answered for the response to be complete; FHIR `required`.
    public let required: Bool
    /// Allowed answers; FHIR `answerOption`.
    public let answerOptions: [AnswerOption]
    /// Skip logic; FHIR `enableWhen` (all conditions must hold).
    public let enableWhen: [EnableCondition]

    /// How the item is named in messages: `item 3`, `item 1 fear`, or the linkId when unnumbered.
    public var displayName: String {
        if let prefix { return "item \(prefix)" }
        return "\(linkId) item"
    }

    /// The allowed answer values in ascending order.
    public var allowedValues: [Int] { answerOptions.map(\.value).sorted() }

    /// The label of the option with `value`, if any.
    public func label(for value: Int) -> String? {
        answerOptions.first { $0.value == value }?.label
    }

    private enum CodingKeys: String, CodingKey {
        case linkId, prefix, text, description, textProvenance, type, code, scored, required
        case answerOptions = "answerOption"
        case enableWhen
    }
}

/// One allowed answer; FHIR `answerOption` with `valueCoding` and an ordinal value.
public struct AnswerOption: Sendable, Equatable, Codable {
    /// The score value.
    public let value: Int
    /// The answer label as printed.
    public let label: String
    /// LOINC answer (LA) code where known.
    public let code: InstrumentCoding?
    /// Flag when the label is secondary or UNCONFIRMED.
    public let provenance: AssessmentProvenance?
}

/// A skip-logic condition; FHIR `enableWhen` with an integer answer.
public struct EnableCondition: Sendable, Equatable, Codable {
    /// The linkId of the item the condition looks at.
    public let question: String
    /// `=` or `!=`.
    public let `operator`: String
    /// The answer value compared against.
    public let answer: Int

    /// Whether the condition holds for `value`; an unanswered controlling item leaves the item enabled.
    public func holds(for value: Int?) -> Bool {
        guard let value else { return true }
        return `operator` == "!=" ? value != answer : value == answer
    }
}
