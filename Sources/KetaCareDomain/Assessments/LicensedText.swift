public import Foundation

/// The item wording of a licensed instrument (LSAS, PDSS, CADSS, C-SSRS), supplied by a clinic that holds the licence.
///
/// KetaCare ships these instruments as structure and scoring only (DOMAIN.md §1.5–1.7, §1.9); an admin uploads this
/// document to make the instrument usable on screen and by patient link. Answer values and scoring never change.
public struct LicensedText: Codable, Sendable, Equatable {
    /// The instrument it completes (`lsas`, `pdss`, `cadss`, `cssrs`).
    public var instrument: String
    /// Who holds the licence (the clinic or its organisation).
    public var licenceHolder: String
    /// The licence agreement's reference or date, kept for inspection.
    public var licenceReference: String
    /// The stem printed above the items, when the licensed form has one.
    public var stem: String?
    /// Instructions printed before the items, when the licensed form has them.
    public var instructions: String?
    /// Item wording by `linkId`: every item of the instrument, and nothing else.
    public var items: [String: String]

    /// Creates a licensed-text document.
    public init(
        instrument: String, licenceHolder: String, licenceReference: String, stem: String? = nil, instructions: String? = nil,
        items: [String: String]
    ) {
        self.instrument = instrument
        self.licenceHolder = licenceHolder
        self.licenceReference = licenceReference
        self.stem = stem
        self.instructions = instructions
        self.items = items
    }

    /// Decodes an uploaded document, naming the field at fault.
    public static func decode(_ data: Data) throws(ValidationError) -> LicensedText {
        do {
            return try JSONDecoder().decode(LicensedText.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ValidationError(field: key.stringValue, message: "\(key.stringValue) is required")
        } catch let DecodingError.typeMismatch(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ValidationError(field: field.isEmpty ? "document" : field, message: "must be text (items: an object of linkId → wording)")
        } catch {
            throw ValidationError(field: "document", message: "must be a JSON object with instrument, licenceHolder, licenceReference and items")
        }
    }
}

extension Instrument {
    /// The longest item wording accepted from an uploaded file.
    public static let maxLicensedItemLength = 1000

    /// This instrument with the clinic's licensed wording in place of the placeholders.
    ///
    /// Every item must be worded and no unknown `linkId` may appear, so a half-filled form can never reach a patient.
    /// - Throws: `ValidationError` naming `items.<linkId>` (or `instrument`, `licenceHolder`).
    public func applying(_ text: LicensedText) throws(ValidationError) -> Instrument {
        guard InstrumentLibrary.normalizedName(text.instrument) == id else {
            throw ValidationError(field: "instrument", message: "this document is for \(text.instrument); expected \(id)")
        }
        guard needsLicensedText || licence.kind != "publicDomain" else {
            throw ValidationError(field: "instrument", message: "\(shortName) ships with its public-domain wording; it takes no licensed text")
        }
        for (field, value) in [("licenceHolder", text.licenceHolder), ("licenceReference", text.licenceReference)] {
            guard (1...200).contains(value.trimmingCharacters(in: .whitespacesAndNewlines).count) else {
                throw ValidationError(field: field, message: "\(field) is required (1–200 characters)")
            }
        }
        let known = Set(items.map(\.linkId))
        if let unknown = text.items.keys.sorted().first(where: { !known.contains($0) }) {
            throw ValidationError(
                field: "items.\(unknown)", message: "\(shortName) has no item \(unknown); items are \(items.map(\.linkId).joined(separator: ", "))")
        }
        var result = self
        for index in result.items.indices {
            let linkId = result.items[index].linkId
            let wording = text.items[linkId]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard (1...Self.maxLicensedItemLength).contains(wording.count) else {
                throw ValidationError(
                    field: "items.\(linkId)", message: "wording for item \(linkId) is required (1–\(Self.maxLicensedItemLength) characters)")
            }
            result.items[index].text = wording
        }
        if let stem = text.stem { result.stem = stem }
        if let instructions = text.instructions { result.instructions = instructions }
        result.needsLicensedText = false
        result.status = "active"
        result.licence = InstrumentLicence(
            kind: licence.kind, note: "\(licence.note) Licensed wording supplied by \(text.licenceHolder) (\(text.licenceReference)).")
        return result
    }
}
