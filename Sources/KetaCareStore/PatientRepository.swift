public import Foundation
public import KetaCareDomain
public import SQLKit

/// The patient registry of one clinic: create, find, search, amend; nothing is ever deleted.
public enum PatientRepository {
    /// Column order used by inserts (single and bulk).
    static let columns = [
        "id", "clinic_id", "mrn", "legal_given", "legal_family", "preferred_name", "date_of_birth", "sex_at_birth", "gender_identity",
        "phone", "email", "address", "ec_name", "ec_relationship", "ec_phone", "ec_can_escort", "search_family", "search_given",
        "search_preferred", "version", "created_at", "created_by", "updated_at", "updated_by",
    ]

    /// The bound values of one patient row, in ``columns`` order.
    static func values(_ patient: Patient, clinicID: String, createdBy: String) -> [SQLBind] {
        let d = patient.demographics
        return [
            SQLBind(patient.id.rawValue), SQLBind(clinicID), SQLBind(d.mrn), SQLBind(d.legalGivenName), SQLBind(d.legalFamilyName),
            SQLBind(d.preferredName), SQLBind(d.dateOfBirth.description), SQLBind(d.sexAtBirth.rawValue), SQLBind(d.genderIdentity),
            SQLBind(d.phone), SQLBind(d.email), SQLBind(d.address), SQLBind(d.emergencyContact?.name),
            SQLBind(d.emergencyContact?.relationship), SQLBind(d.emergencyContact?.phone),
            SQLBind(d.emergencyContact.map { Int64($0.canEscort ? 1 : 0) }),
            SQLBind(SearchKey.normalize(d.legalFamilyName)), SQLBind(SearchKey.normalize(d.legalGivenName)),
            SQLBind(d.preferredName.map(SearchKey.normalize)), SQLBind(Int64(patient.version)), SQLBind(Timestamps.ms(patient.createdAt)),
            SQLBind(createdBy), SQLBind(Timestamps.ms(patient.updatedAt)), SQLBind(patient.updatedBy),
        ]
    }

    /// Registers a patient; the MRN must be unique in the clinic (field `mrn`).
    public static func create(_ patient: Patient, clinicID: String, on db: any SQLDatabase) async throws {
        if try await find(mrn: patient.demographics.mrn, clinicID: clinicID, on: db) != nil {
            throw StoreError.duplicate(field: "mrn", message: "MRN \(patient.demographics.mrn) is already assigned to another patient")
        }
        do {
            try await db.insert(into: "patients").columns(columns).values(values(patient, clinicID: clinicID, createdBy: patient.updatedBy)).run()
        } catch  where error.isUniqueViolation {
            throw StoreError.duplicate(field: "mrn", message: "MRN \(patient.demographics.mrn) is already assigned to another patient")
        }
    }

    /// Inserts many patients in one statement (demo data); the caller provides the transaction.
    public static func insertBatch(_ patients: [Patient], clinicID: String, on db: any SQLDatabase) async throws {
        guard !patients.isEmpty else { return }
        let insert = db.insert(into: "patients").columns(columns)
        for patient in patients { insert.values(values(patient, clinicID: clinicID, createdBy: patient.updatedBy)) }
        try await insert.run()
    }

    /// The patient with `id` in this clinic.
    public static func find(id: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> Patient? {
        try await db.select().column("*").from("patients").where("clinic_id", .equal, SQLBind(clinicID))
            .where("id", .equal, SQLBind(id.rawValue)).first().map(decode)
    }

    /// The patients with these ids, in the order given (unknown ids are skipped): one query.
    public static func find(ids: [PatientID], clinicID: String, on db: any SQLDatabase) async throws -> [Patient] {
        guard !ids.isEmpty else { return [] }
        let found = try await db.select().column("*").from("patients").where("clinic_id", .equal, SQLBind(clinicID))
            .where("id", .in, SQLBind.group(ids.map(\.rawValue))).all().map(decode)
        let byID = Dictionary(found.map { ($0.id, $0) }) { a, _ in a }
        return ids.compactMap { byID[$0] }
    }

    /// The patient with `id`, or ``StoreError/notFound(resource:)``: the check every patient-scoped operation starts with.
    @discardableResult
    public static func require(id: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> Patient {
        guard let patient = try await find(id: id, clinicID: clinicID, on: db) else { throw StoreError.notFound(resource: "patient") }
        return patient
    }

    /// The patient holding `mrn` in this clinic.
    public static func find(mrn: String, clinicID: String, on db: any SQLDatabase) async throws -> Patient? {
        try await db.select().column("*").from("patients").where("clinic_id", .equal, SQLBind(clinicID))
            .where("mrn", .equal, SQLBind(mrn.uppercased())).first().map(decode)
    }

    /// Patients matching a search, sorted by family then given name; at most `limit`.
    ///
    /// Each alternative is its own index range scan with a LIMIT, merged here: fast at any registry size. Only the columns a
    /// result list shows are read (decoding is the dominant cost of a search).
    public static func search(_ search: PatientSearch, limit: Int = 50, clinicID: String, on db: any SQLDatabase) async throws
        -> [PatientSummary]
    {
        var found: [(summary: PatientSummary, key: String)] = []
        func select() -> SQLSelectBuilder {
            db.select().columns(PatientSummary.columns.map { SQLColumn($0) }).from("patients").where("clinic_id", .equal, SQLBind(clinicID))
        }
        func prefix(_ column: String, _ value: String, and other: (String, String)? = nil) async throws {
            let query = select().where(column, .greaterThanOrEqual, SQLBind(value))
                .where(column, .lessThan, SQLBind(SearchKey.upperBound(ofPrefix: value)))
            if let (otherColumn, otherValue) = other {
                query.where(otherColumn, .greaterThanOrEqual, SQLBind(otherValue))
                    .where(otherColumn, .lessThan, SQLBind(SearchKey.upperBound(ofPrefix: otherValue)))
            }
            found += try await query.orderBy(column).limit(limit).all().map(PatientSummary.decodeKeyed)
        }
        switch search {
        case .dateOfBirth(let date):
            // No ORDER BY here: sorting in SQL tempts SQLite to walk the name index instead of the date-of-birth index.
            found = try await select().where("date_of_birth", .equal, SQLBind(date.description)).limit(1000).all().map(PatientSummary.decodeKeyed)
        case .mrnPrefix(let mrn):
            try await prefix("mrn", mrn)
        case .anyName(let name):
            try await prefix("search_family", name)
            try await prefix("search_given", name)
            try await prefix("search_preferred", name)
        case .fullName(let first, let second, let ordered):
            try await prefix("search_family", first, and: ("search_given", second))
            if !ordered {
                try await prefix("search_family", second, and: ("search_given", first))
                try await prefix("search_given", first, and: ("search_family", second))
                try await prefix("search_family", "\(first) \(second)")
            }
        }
        var seen = Set<PatientID>()
        let unique = found.filter { seen.insert($0.summary.id).inserted }
        return unique.sorted { $0.key < $1.key }.prefix(limit).map(\.summary)
    }

    /// Saves an edit made from `baseVersion`; each changed field becomes an amendment with the reason.
    ///
    /// Throws ``StoreError/versionConflict(changedBy:changedAt:currentVersion:)`` when someone saved first, so no edit is
    /// silently overwritten.
    public static func amend(
        id: PatientID, to new: Demographics, baseVersion: Int, reason: String, by actor: String, now: Date, clinicID: String,
        on db: any SQLDatabase
    ) async throws -> (patient: Patient, amendments: [Amendment]) {
        guard let current = try await find(id: id, clinicID: clinicID, on: db) else { throw StoreError.notFound(resource: "patient") }
        guard current.version == baseVersion else {
            throw StoreError.versionConflict(changedBy: current.updatedBy, changedAt: current.updatedAt, currentVersion: current.version)
        }
        let changes = new.changes(from: current.demographics)
        guard !changes.isEmpty else { return (current, []) }
        if new.mrn != current.demographics.mrn, let holder = try await find(mrn: new.mrn, clinicID: clinicID, on: db), holder.id != id {
            throw StoreError.duplicate(field: "mrn", message: "MRN \(new.mrn) is already assigned to another patient")
        }
        let version = current.version + 1
        var updated = current
        updated.demographics = new
        updated.version = version
        updated.updatedAt = now
        updated.updatedBy = actor
        let row = values(updated, clinicID: clinicID, createdBy: "")
        let update = db.update("patients")
        for (column, value) in zip(columns, row) where !["id", "clinic_id", "created_at", "created_by"].contains(column) {
            update.set(SQLColumn(column), to: value)
        }
        // The version guard makes the update a compare-and-swap even between instances.
        let touched = try await update.where("id", .equal, SQLBind(id.rawValue)).where("version", .equal, SQLBind(Int64(baseVersion)))
            .returning("id").all()
        if touched.isEmpty {
            let winner = try await find(id: id, clinicID: clinicID, on: db)
            throw StoreError.versionConflict(
                changedBy: winner?.updatedBy ?? "someone", changedAt: winner?.updatedAt ?? now, currentVersion: winner?.version ?? baseVersion + 1
            )
        }
        let amendments = changes.map {
            Amendment(
                field: $0.field, oldValue: $0.oldValue, newValue: $0.newValue, reason: reason, amendedBy: actor, amendedAt: now, version: version)
        }
        for amendment in amendments {
            try await db.insert(into: "patient_amendments")
                .columns("id", "clinic_id", "patient_id", "version", "field", "old_value", "new_value", "reason", "amended_by", "amended_at")
                .values(
                    SQLBind(UUID().uuidString.lowercased()), SQLBind(clinicID), SQLBind(id.rawValue), SQLBind(Int64(version)),
                    SQLBind(amendment.field), SQLBind(amendment.oldValue), SQLBind(amendment.newValue), SQLBind(reason), SQLBind(actor),
                    SQLBind(Timestamps.ms(now))
                ).run()
        }
        return (updated, amendments)
    }

    /// Every amendment of a patient, newest first.
    public static func amendments(id: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [Amendment] {
        try await db.select().column("*").from("patient_amendments").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(id.rawValue)).orderBy("version", .descending).orderBy("field").all()
            .map { row in
                Amendment(
                    field: try row.decode(column: "field", as: String.self),
                    oldValue: try row.decode(column: "old_value", as: String?.self),
                    newValue: try row.decode(column: "new_value", as: String?.self),
                    reason: try row.decode(column: "reason", as: String.self),
                    amendedBy: try row.decode(column: "amended_by", as: String.self),
                    amendedAt: Timestamps.date(try row.decode(column: "amended_at", as: Int64.self)),
                    version: Int(try row.decode(column: "version", as: Int64.self))
                )
            }
    }

    /// Records a height or weight.
    public static func addMeasurement(_ measurement: BodyMeasurement, patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws {
        try await db.insert(into: "body_measurements")
            .columns("id", "clinic_id", "patient_id", "kind", "value", "measured_on", "recorded_by", "recorded_at")
            .values(
                SQLBind(UUID().uuidString.lowercased()), SQLBind(clinicID), SQLBind(patient.rawValue), SQLBind(measurement.kind.rawValue),
                SQLBind(measurement.value), SQLBind(measurement.measuredOn.description), SQLBind(measurement.recordedBy),
                SQLBind(Timestamps.ms(measurement.recordedAt))
            ).run()
    }

    /// A patient's heights and weights, newest first.
    public static func measurements(patient: PatientID, clinicID: String, on db: any SQLDatabase) async throws -> [BodyMeasurement] {
        try await db.select().column("*").from("body_measurements").where("clinic_id", .equal, SQLBind(clinicID))
            .where("patient_id", .equal, SQLBind(patient.rawValue)).orderBy("measured_on", .descending).orderBy("recorded_at", .descending)
            .all().map { row in
                BodyMeasurement(
                    stored: BodyMeasurementKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .weight,
                    value: try row.decode(column: "value", as: Double.self),
                    measuredOn: try LocalDate.parse(try row.decode(column: "measured_on", as: String.self)),
                    recordedBy: try row.decode(column: "recorded_by", as: String.self),
                    recordedAt: Timestamps.date(try row.decode(column: "recorded_at", as: Int64.self))
                )
            }
    }

    /// How many patients the clinic has.
    public static func count(clinicID: String, on db: any SQLDatabase) async throws -> Int {
        Int(
            try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("patients")
                .where("clinic_id", .equal, SQLBind(clinicID)).first(decodingColumn: "n", as: Int64.self) ?? 0)
    }

    static func decode(_ row: any SQLRow) throws -> Patient {
        let contactName = try row.decode(column: "ec_name", as: String?.self)
        let contact = contactName.map { name in
            EmergencyContact(
                name: name,
                relationship: (try? row.decode(column: "ec_relationship", as: String?.self)) ?? nil,
                phone: ((try? row.decode(column: "ec_phone", as: String?.self)) ?? nil) ?? "",
                canEscort: ((try? row.decode(column: "ec_can_escort", as: Int64?.self)) ?? nil) == 1
            )
        }
        let demographics = Demographics(
            mrn: try row.decode(column: "mrn", as: String.self),
            legalGivenName: try row.decode(column: "legal_given", as: String.self),
            legalFamilyName: try row.decode(column: "legal_family", as: String.self),
            preferredName: try row.decode(column: "preferred_name", as: String?.self),
            dateOfBirth: try LocalDate.parse(try row.decode(column: "date_of_birth", as: String.self)),
            sexAtBirth: SexAtBirth(rawValue: try row.decode(column: "sex_at_birth", as: String.self)) ?? .unknown,
            genderIdentity: try row.decode(column: "gender_identity", as: String?.self),
            phone: try row.decode(column: "phone", as: String?.self),
            email: try row.decode(column: "email", as: String?.self),
            address: try row.decode(column: "address", as: String?.self),
            emergencyContact: contact
        )
        return Patient(
            id: PatientID(try row.decode(column: "id", as: String.self)),
            demographics: demographics,
            version: Int(try row.decode(column: "version", as: Int64.self)),
            createdAt: Timestamps.date(try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Timestamps.date(try row.decode(column: "updated_at", as: Int64.self)),
            updatedBy: try row.decode(column: "updated_by", as: String.self)
        )
    }
}

extension PatientRepository {
    /// Patients in id order after `after` (keyset paging for exports).
    public static func page(after: String, limit: Int, clinicID: String, on db: any SQLDatabase) async throws -> [Patient] {
        try await db.select().column("*").from("patients").where("clinic_id", .equal, SQLBind(clinicID)).where("id", .greaterThan, SQLBind(after))
            .orderBy("id").limit(limit).all().map(decode)
    }
}

/// What a result list shows about a patient.
public struct PatientSummary: Sendable, Equatable {
    public let id: PatientID
    public let mrn: String
    public let legalGivenName: String
    public let legalFamilyName: String
    public let preferredName: String?
    public let dateOfBirth: LocalDate
    public let sexAtBirth: SexAtBirth

    static let columns = [
        "id", "mrn", "legal_given", "legal_family", "preferred_name", "date_of_birth", "sex_at_birth", "search_family", "search_given",
    ]

    /// "Family, Given (Preferred)".
    public var displayName: String {
        var name = "\(legalFamilyName), \(legalGivenName)"
        if let preferredName, !preferredName.isEmpty, preferredName != legalGivenName { name += " (\(preferredName))" }
        return name
    }

    static func decodeKeyed(_ row: any SQLRow) throws -> (summary: PatientSummary, key: String) {
        let summary = PatientSummary(
            id: PatientID(try row.decode(column: "id", as: String.self)),
            mrn: try row.decode(column: "mrn", as: String.self),
            legalGivenName: try row.decode(column: "legal_given", as: String.self),
            legalFamilyName: try row.decode(column: "legal_family", as: String.self),
            preferredName: try row.decode(column: "preferred_name", as: String?.self),
            dateOfBirth: try LocalDate.parse(try row.decode(column: "date_of_birth", as: String.self)),
            sexAtBirth: SexAtBirth(rawValue: try row.decode(column: "sex_at_birth", as: String.self)) ?? .unknown
        )
        let key =
            "\(try row.decode(column: "search_family", as: String.self))\u{1}\(try row.decode(column: "search_given", as: String.self))\u{1}\(summary.mrn)"
        return (summary, key)
    }
}
