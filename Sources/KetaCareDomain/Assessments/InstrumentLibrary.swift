public import Foundation

/// The instruments the clinic can administer, loaded from `Resources/Instruments/*.json` (DOMAIN.md §1).
///
/// Lookup is forgiving: `GAD-7`, `gad7` and `Gad 7` all find `gad7` (lower-cased, punctuation and spaces removed).
public struct InstrumentLibrary: Sendable, Equatable {
    /// All instruments, ordered by id.
    public let instruments: [Instrument]

    /// Creates a library from instruments (bundled, or clinic-supplied licensed versions).
    public init(instruments: [Instrument]) {
        self.instruments = instruments.sorted { $0.id < $1.id }
    }

    /// The ids of all instruments, sorted.
    public var ids: [String] { instruments.map(\.id) }

    /// Loads every bundled instrument file.
    /// - Throws: `AssessmentError.unreadableInstrumentFile` when a file is missing or malformed.
    public static func bundled() throws(AssessmentError) -> InstrumentLibrary {
        // `paths(forResourcesOfType:inDirectory:)` has the same signature on Linux and Darwin; `urls(…)` does not.
        let urls = Bundle.module.paths(forResourcesOfType: "json", inDirectory: "Resources/Instruments").map { URL(fileURLWithPath: $0) }
        guard !urls.isEmpty else {
            throw .unreadableInstrumentFile(name: "Resources/Instruments", reason: "no instrument files are bundled")
        }
        var instruments: [Instrument] = []
        for url in urls.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .unreadableInstrumentFile(name: url.lastPathComponent, reason: "\(error)")
            }
            instruments.append(try decode(data, name: url.lastPathComponent))
        }
        return InstrumentLibrary(instruments: instruments)
    }

    /// Decodes one instrument file (for clinic-supplied licensed versions of LSAS, PDSS, CADSS, C-SSRS).
    /// - Throws: `AssessmentError.unreadableInstrumentFile` naming the file and the decoding problem.
    public static func decode(_ data: Data, name: String) throws(AssessmentError) -> Instrument {
        do {
            return try JSONDecoder().decode(Instrument.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .unreadableInstrumentFile(name: name, reason: "missing \(path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .unreadableInstrumentFile(name: name, reason: "wrong type at \(path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw .unreadableInstrumentFile(name: name, reason: "\(context.debugDescription) at \(path(context.codingPath))")
        } catch {
            throw .unreadableInstrumentFile(name: name, reason: "\(error)")
        }
    }

    /// Normalises a name for lookup: lower-case letters and digits only (`GAD-7` → `gad7`, `MOAA/S` → `moaas`).
    public static func normalizedName(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// The instrument whose id or alias matches `name` after normalising.
    /// - Throws: `AssessmentError.unknownInstrument` (field `instrument`) listing the known ids.
    public func instrument(named name: String) throws(AssessmentError) -> Instrument {
        let wanted = Self.normalizedName(name)
        let match = instruments.first { instrument in
            ([instrument.id, instrument.shortName] + instrument.aliases).contains { Self.normalizedName($0) == wanted }
        }
        guard let match, !wanted.isEmpty else { throw .unknownInstrument(name: name, known: ids) }
        return match
    }

    /// A copy with `instrument` replacing the one with the same id (or added), e.g. a licensed LSAS item file.
    public func replacing(_ instrument: Instrument) -> InstrumentLibrary {
        InstrumentLibrary(instruments: instruments.filter { $0.id != instrument.id } + [instrument])
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
