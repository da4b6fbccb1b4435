public import Foundation
public import KetaCareDomain
public import SQLKit

/// A stored consent signature (the record plus its row id, for withdrawal).
public struct StoredConsent: Sendable, Equatable {
    public let id: String
    public let patientID: PatientID
    public let record: ConsentRecord
}

/// Versioned consent documents per route and the patients' signatures and withdrawals. Nothing is deleted.
public enum ConsentRepository {
    /// Every version of every document; the placeholders (DESIGN DEFAULT) are stored on first use so the clinic edits real rows.
    public static func documents(clinicID: String, now: Date, on db: any SQLDatabase) async throws -> [ConsentDocument] {
        let rows = try await db.select().column("document_json").from("consent_documents").where("clinic_id", .equal, SQLBind(clinicID)).all()
        if rows.isEmpty {
            for document in ConsentDocument.seed { try await insert(document, by: "system:seed", now: now, clinicID: clinicID, on: db) }
            return ConsentDocument.seed
        }
        return try rows.map {
            try JSONDecoder().decode(ConsentDocument.self, from: Data(try $0.decode(column: "document_json", as: String.self).utf8))
        }
    }

    /// Publishes a new version of a document (the admin's edit); the version number is assigned here.
    public static func publish(
        id: String, title: String, body: String, routes: [DosingRoute], effectiveOn: LocalDate, by actor: String, now: Date, clinicID: String,
        on db: any SQLDatabase
    ) async throws -> ConsentDocument {
        let existing = try await documents(clinicID: clinicID, now: now, on: db).filter { $0.id == id }
        let document = ConsentDocument(
            id: id, routes: routes, version: (existing.map(\.version).max() ?? 0) + 1, title: title, body: body, effectiveOn: effectiveOn,
            provenance: .sourced("written by the clinic (\(actor))"))
        try document.validate()
        try await insert(document, by: actor, now: now, clinicID: clinicID, on: db)
        return document
    }

    private static func insert(_ document: ConsentDocument, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await db.insert(into: "consent_documents").columns("clinic_id", "id", "version", "document_json", "created_by", "created_at")
            .values(
                SQLBind(clinicID), SQLBind(document.id), SQLBind(Int64(document.version)),
                SQLBind(String(decoding: try encoder.encode(document), as: UTF8.self)), SQLBind(actor), SQLBind(Timestamps.ms(now))
            ).run()
    }

    /// Records the patient's signature on the document in force for `route`.
    /// - Throws: `ConsentError` naming the field (blank name, route not covered); `StoreError.notFound` without a document.
    public static func sign(
        patient: PatientID, route: DosingRoute, signature: SignatureKind, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase
    ) async throws -> StoredConsent {
        let documents = try await documents(clinicID: clinicID, now: now, on: db)
        guard let document = ConsentDocument.current(for: route, among: documents, on: LocalDate(utcDayOf: now)) else {
            throw ValidationError(field: "route", message: "no consent document is in force for \(route.rawValue); an admin must publish one")
        }
        let record = try ConsentRecord(signing: document, route: route, signature: signature, signedAt: now, recordedBy: actor)
        let stored = StoredConsent(id: UUID().uuidString.lowercased(), patientID: patient, record: record)
        try await write(stored, clinicID: clinicID, on: db, insert: true)
        return stored
    }

    /// Records the withdrawal of a signed consent.
    public static func withdraw(id: String, reason: String, by actor: String, now: Date, clinicID: String, on db: any SQLDatabase) async throws
        -> StoredConsent
    {
        guard let current = try await records(clinicID: clinicID, on: db, id: id).first else { throw StoreError.notFound(resource: "consent") }
        let updated = StoredConsent(
            id: current.id, patientID: current.patientID, record: try current.record.withdrawing(at: now, reason: reason, recordedBy: actor))
        try await write(updated, clinicID: clinicID, on: db, insert: false)
        return updated
    }

    /// The patient's signatures, newest first.
    public static func records(of patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [StoredConsent] {
        try await records(clinicID: clinicID, on: db, patient: patient)
    }

    /// Consent status for `route` now (DOMAIN.md: no plan activation or session without current consent for its route).
    public static func status(of patient: PatientID, route: DosingRoute, now: Date, clinicID: String, on db: any SQLDatabase) async throws
        -> ConsentStatus
    {
        let records = try await records(of: patient, clinicID: clinicID, on: db).map(\.record)
        return ConsentStatus.evaluate(route: route, records: records, documents: try await documents(clinicID: clinicID, now: now, on: db), at: now)
    }

    private static func records(clinicID: String, on db: any SQLDatabase, patient: PatientID? = nil, id: String? = nil) async throws
        -> [StoredConsent]
    {
        let select = db.select().column("*").from("consent_records").where("clinic_id", .equal, SQLBind(clinicID))
        if let patient { select.where("patient_id", .equal, SQLBind(patient.rawValue)) }
        if let id { select.where("id", .equal, SQLBind(id)) }
        return try await select.orderBy("signed_at", .descending).all().map { row in
            StoredConsent(
                id: try row.decode(column: "id", as: String.self), patientID: PatientID(try row.decode(column: "patient_id", as: String.self)),
                record: try JSONDecoder().decode(ConsentRecord.self, from: Data(try row.decode(column: "record_json", as: String.self).utf8))
            )
        }
    }

    private static func write(_ stored: StoredConsent, clinicID: String, on db: any SQLDatabase, insert: Bool) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(stored.record), as: UTF8.self)
        if insert {
            try await db.insert(into: "consent_records")
                .columns("id", "clinic_id", "patient_id", "route", "record_json", "signed_at", "withdrawn_at", "version")
                .values(
                    SQLBind(stored.id), SQLBind(clinicID), SQLBind(stored.patientID.rawValue), SQLBind(stored.record.route.rawValue), SQLBind(json),
                    SQLBind(Timestamps.ms(stored.record.signedAt)), SQLBind(stored.record.withdrawal.map { Timestamps.ms($0.at) }),
                    SQLBind(Int64(stored.record.version))
                ).run()
        } else {
            try await db.update("consent_records").set("record_json", to: SQLBind(json))
                .set("withdrawn_at", to: SQLBind(stored.record.withdrawal.map { Timestamps.ms($0.at) }))
                .where("clinic_id", .equal, SQLBind(clinicID)).where("id", .equal, SQLBind(stored.id)).where("withdrawn_at", .is, SQLLiteral.null)
                .run()
        }
    }
}
