public import Foundation

/// A medication name reduced to the words that name the drug, so the interaction table matches what people type (issue #10).
///
/// Case, accents and punctuation are folded; strengths and units ("1 mg", "0.5mg/ml"), dosage forms and release words
/// ("tab", "XR", "oral solution"), salts ("hydrochloride", "HCl") and dosing words ("daily", "prn") are dropped.
/// `"Lorazepam 1 mg tab"`, `"LORAZEPAM"` and `"lorazepam (Ativan) 0.5mg"` all keep `lorazepam`.
public struct MedicationName: Sendable, Equatable, CustomStringConvertible {
    /// The identifying words, in the order written.
    public let tokens: [String]

    /// Normalises `text`.
    public init(_ text: String) {
        let words = Self.words(text)
        let kept = words.filter { !Self.ignored.contains($0) }
        // A name made only of salt or form words ("potassium citrate") keeps them: they are then the drug.
        tokens = kept.isEmpty ? words : kept
    }

    /// Whether a word is left that is not a unit, form, release word, salt or dosing word ("250 mg" names no drug).
    var namesADrug: Bool { tokens.contains { !Self.ignored.contains($0) } }

    /// The words joined by single spaces.
    public var description: String { tokens.joined(separator: " ") }

    /// Whether `phrase` occurs as whole consecutive words (a word also matches its plural: `opioid` in "opioids").
    ///
    /// Whole words only: `codeine` is not found in "dicodeine", `ativan` not in "lativanex".
    public func contains(_ phrase: MedicationName) -> Bool {
        ranges(of: phrase).first != nil
    }

    /// Every position where `phrase` occurs as whole consecutive words.
    func ranges(of phrase: MedicationName) -> [Range<Int>] {
        let needle = phrase.tokens
        guard !needle.isEmpty, needle.count <= tokens.count else { return [] }
        return (0...(tokens.count - needle.count)).compactMap { start in
            let matches = needle.indices.allSatisfy { offset in
                let word = tokens[start + offset]
                return word == needle[offset] || word == needle[offset] + "s"
            }
            return matches ? start..<(start + needle.count) : nil
        }
    }

    /// Whether every word is covered by one of `phrases` (a whole entry such as "sertraline (Zoloft) 50 mg").
    public func isCovered(by phrases: [MedicationName]) -> Bool {
        guard !tokens.isEmpty else { return false }
        var covered = Array(repeating: false, count: tokens.count)
        for phrase in phrases {
            for range in ranges(of: phrase) { covered.replaceSubrange(range, with: repeatElement(true, count: range.count)) }
        }
        return covered.allSatisfy { $0 }
    }

    // MARK: - Normalisation

    /// Lower-case, accent-free words; strengths and other words starting with a digit are dropped.
    private static func words(_ text: String) -> [String] {
        let folded = text.replacingOccurrences(of: "µ", with: "u").replacingOccurrences(of: "μ", with: "u")
            .folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .lowercased()
        var words: [String] = []
        var current = ""
        func flush() {
            if let first = current.first, !first.isNumber { words.append(current) }
            current = ""
        }
        for scalar in folded.unicodeScalars {
            let character = Character(scalar)
            let isLetter = scalar.properties.isAlphabetic
            let isDigit = ("0"..."9").contains(character)
            if isLetter || isDigit {
                // "d3", "lorazepam1mg": a digit after letters starts a new (dropped) word.
                if isDigit, let last = current.last, last.isLetter { flush() }
                current.append(character)
            } else if character == ".", current.first?.isNumber == true {
                current.append(character)  // a decimal point inside a strength ("0.5mg")
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    /// Words that never identify a drug: units, dosage forms, release words, salts and esters, dosing words.
    static let ignored: Set<String> = units.union(forms).union(releases).union(salts).union(dosing)

    static let units: Set<String> = [
        "mg", "mcg", "ug", "g", "gm", "gram", "grams", "kg", "ml", "l", "iu", "u", "unit", "units", "meq", "mmol", "h", "hr", "hrs", "hour", "hours",
        "mgs", "milligram", "milligrams", "microgram", "micrograms",
    ]
    static let forms: Set<String> = [
        "tablet", "tablets", "tab", "tabs", "caplet", "caplets", "capsule", "capsules", "cap", "caps", "oral", "orally", "solution", "suspension",
        "syrup", "elixir", "liquid", "drops", "concentrate", "lozenge", "film", "films", "sublingual", "buccal", "spray", "patch", "patches",
        "transdermal", "system", "injection", "injectable", "inj", "vial", "pen", "cream", "gel", "ointment", "topical", "suppository", "odt",
        "disintegrating", "dispersible", "chewable", "effervescent", "granules", "powder", "sachet", "iv", "im", "sc", "subcutaneous",
        "intramuscular", "intravenous",
    ]
    static let releases: Set<String> = [
        "er", "xr", "sr", "cr", "la", "xl", "dr", "ir", "ec", "mr", "cd", "xt", "pr", "extended", "immediate", "delayed", "sustained",
        "controlled", "modified", "prolonged", "release", "released", "retard", "depot",
    ]
    static let salts: Set<String> = [
        "hydrochloride", "dihydrochloride", "hcl", "hydrobromide", "hbr", "sulfate", "sulphate", "mesylate", "mesilate", "dimesylate", "maleate",
        "tartrate", "bitartrate", "hemitartrate", "sodium", "potassium", "besylate", "besilate", "succinate", "citrate", "fumarate", "phosphate",
        "acetate", "propionate", "dipropionate", "furoate", "acetonide", "hyclate", "monohydrate", "hemihydrate", "trihydrate", "anhydrous",
        "oxalate", "pamoate", "bisulfate", "dipotassium", "salt", "salts",
    ]
    static let dosing: Set<String> = [
        "daily", "nightly", "weekly", "once", "twice", "bid", "tid", "qid", "qd", "qhs", "hs", "prn", "as", "needed", "at", "night", "bedtime",
        "morning", "a", "day", "per", "and", "with", "plus", "x", "od", "om", "on",
    ]
}
