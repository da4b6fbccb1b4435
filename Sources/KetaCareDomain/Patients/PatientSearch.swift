import Foundation

/// What a person typed in the patient search box, understood as a date of birth, an MRN prefix or name prefixes.
public enum PatientSearch: Equatable, Sendable {
    case dateOfBirth(LocalDate)
    case mrnPrefix(String)
    /// One word: any name (family, given or preferred) starting with it.
    case anyName(String)
    /// "Family, Given" or two words in either order.
    case fullName(first: String, second: String, ordered: Bool)

    /// Reads the search text; nil when there is nothing to search for.
    public static func parse(_ text: String) -> PatientSearch? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if let date = try? LocalDate.parse(trimmed) { return .dateOfBirth(date) }
        if trimmed.contains(where: \.isNumber) {
            return .mrnPrefix(trimmed.uppercased().filter { $0.isLetter || $0.isNumber || $0 == "-" })
        }
        if let comma = trimmed.firstIndex(of: ",") {
            let family = SearchKey.normalize(String(trimmed[..<comma]))
            let given = SearchKey.normalize(String(trimmed[trimmed.index(after: comma)...]))
            if given.isEmpty { return family.isEmpty ? nil : .anyName(family) }
            return .fullName(first: family, second: given, ordered: true)
        }
        let words = trimmed.split(whereSeparator: \.isWhitespace).map { SearchKey.normalize(String($0)) }.filter { !$0.isEmpty }
        switch words.count {
        case 0: return nil
        case 1: return .anyName(words[0])
        default: return .fullName(first: words.dropLast().joined(separator: " "), second: words.last!, ordered: false)
        }
    }
}

/// The normalised form names are indexed and searched by: lower case, no accents, letters and digits only.
public enum SearchKey {
    /// "Zoë O'Brien-Smith" → "zoe obriensmith".
    public static func normalize(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        var out = ""
        out.reserveCapacity(folded.count)
        var lastWasSpace = true
        for ch in folded {
            if ch.isLetter || ch.isNumber {
                out.append(ch)
                lastWasSpace = false
            } else if ch.isWhitespace, !lastWasSpace {
                out.append(" ")
                lastWasSpace = true
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// The smallest string greater than every string starting with `prefix`: the range `[prefix, upperBound)`
    /// finds prefixes with a plain B-tree index on any database.
    public static func upperBound(ofPrefix prefix: String) -> String {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            // Skip the surrogate gap; a scalar at the very top of Unicode cannot be incremented, so shorten instead.
            var next = last.value + 1
            if (0xD800...0xDFFF).contains(next) { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                return String(String.UnicodeScalarView(scalars))
            }
        }
        return "\u{10FFFF}"
    }
}
