public import Foundation
public import KetaCareDomain
public import SQLKit

/// A stored licensed-text upload: every version is kept; the newest per instrument is in use.
public struct StoredLicensedText: Sendable, Equatable {
    public let instrumentID: String
    public let version: Int
    public let text: LicensedText
    public let uploadedBy: String
    public let uploadedAt: Date
}

/// Clinic-supplied wording for licensed instruments (LSAS, PDSS, CADSS, C-SSRS; DOMAIN.md §1.5–1.7, §1.9).
public enum LicensedTextRepository {
    /// Stores a new version of the wording for an instrument; the caller has checked it with `Instrument.applying`.
    public static func save(_ text: LicensedText, instrumentID: String, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase)
        async throws -> StoredLicensedText
    {
        let latest = try await db.select().column(SQLRaw("MAX(version)"), as: "v").from("licensed_instrument_texts")
            .where("clinic_id", .equal, SQLBind(clinicID)).where("instrument_id", .equal, SQLBind(instrumentID)).first()
        let version = Int(try latest?.decode(column: "v", as: Int64?.self) ?? 0) + 1
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await db.insert(into: "licensed_instrument_texts")
            .columns("id", "clinic_id", "instrument_id", "version", "body_json", "licence_holder", "licence_reference", "uploaded_by", "uploaded_at")
            .values(
                SQLBind(UUID().uuidString.lowercased()), SQLBind(clinicID), SQLBind(instrumentID), SQLBind(Int64(version)),
                SQLBind(String(decoding: try encoder.encode(text), as: UTF8.self)), SQLBind(text.licenceHolder), SQLBind(text.licenceReference),
                SQLBind(actor), SQLBind(Timestamps.ms(now))
            ).run()
        return StoredLicensedText(instrumentID: instrumentID, version: version, text: text, uploadedBy: actor, uploadedAt: now)
    }

    /// The newest wording per instrument.
    public static func current(clinicID: String, on db: any SQLDatabase) async throws -> [StoredLicensedText] {
        let rows = try await db.select().column("*").from("licensed_instrument_texts").where("clinic_id", .equal, SQLBind(clinicID))
            .orderBy("instrument_id").orderBy("version", .descending).all()
        var seen = Set<String>()
        var out: [StoredLicensedText] = []
        for row in rows {
            let id = try row.decode(column: "instrument_id", as: String.self)
            guard seen.insert(id).inserted else { continue }
            let body = try row.decode(column: "body_json", as: String.self)
            out.append(
                StoredLicensedText(
                    instrumentID: id, version: Int(try row.decode(column: "version", as: Int64.self)),
                    text: try JSONDecoder().decode(LicensedText.self, from: Data(body.utf8)),
                    uploadedBy: try row.decode(column: "uploaded_by", as: String.self),
                    uploadedAt: Timestamps.date(try row.decode(column: "uploaded_at", as: Int64.self))
                ))
        }
        return out
    }

    /// A number that changes whenever any wording is uploaded: lets each server instance cache the clinic's library.
    public static func generation(clinicID: String, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.select().column(SQLRaw("COUNT(*)"), as: "n").from("licensed_instrument_texts")
            .where("clinic_id", .equal, SQLBind(clinicID)).first()
        return Int(try row?.decode(column: "n", as: Int64.self) ?? 0)
    }

    /// The bundled library with the clinic's licensed wording applied (a stored text that no longer applies is skipped).
    public static func library(bundled: InstrumentLibrary, clinicID: String, on db: any SQLDatabase) async throws -> InstrumentLibrary {
        var library = bundled
        for stored in try await current(clinicID: clinicID, on: db) {
            guard let instrument = try? bundled.instrument(named: stored.instrumentID), let worded = try? instrument.applying(stored.text) else {
                continue
            }
            library = library.replacing(worded)
        }
        return library
    }
}
