public import Foundation
public import KetaCareDomain
import SQLKit

/// A small deterministic random generator (SplitMix64): the same seed always gives the same demo clinic.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the sequence at `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Synthetic staff and patients for demonstrations, tests and benchmarks. Never real people.
public struct DemoClinic: Sendable {
    /// The password every demo account shares; printed by `serve --demo`.
    public static let password = "ketacare-demo"

    /// One demo account per role.
    public static let staff: [(username: String, displayName: String, role: Role)] = [
        ("admin", "Alex Admin", .admin),
        ("dr.patel", "Dr Priya Patel", .prescriber),
        ("nurse.kim", "Nurse Jordan Kim", .nurse),
        ("frontdesk.lee", "Sam Lee", .frontdesk),
        ("compliance.ortiz", "Maria Ortiz", .compliance),
    ]

    /// Given names used for synthetic female patients.
    public static let givenFemale = [
        "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Evelyn", "Abigail", "Emily", "Ella", "Elizabeth",
        "Camila", "Luna", "Sofia", "Avery", "Mila", "Aria", "Scarlett", "Penelope", "Layla", "Chloe", "Victoria", "Madison", "Eleanor",
        "Grace", "Nora", "Riley", "Zoey", "Hannah", "Hazel", "Lily", "Ellie", "Violet", "Lillian", "Zoë", "Stella", "Aurora", "Natalie",
        "Aisha", "Mei", "Priya", "Fatima", "Ingrid", "Siobhan", "Yuki", "Ana", "Leila", "Noor",
    ]
    static let givenMale = [
        "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Theodore", "Jack", "Levi", "Alexander",
        "Jackson", "Mateo", "Daniel", "Michael", "Mason", "Sebastian", "Ethan", "Logan", "Owen", "Samuel", "Jacob", "Asher", "Aiden",
        "John", "Joseph", "Wyatt", "David", "Leo", "Luke", "Julian", "Hudson", "Grayson", "Matthew", "Ezra", "Gabriel", "Carter", "Isaac",
        "Kenji", "Arjun", "Omar", "Diego", "Tomás", "Sean", "Kwame", "Ravi", "Hiroshi", "Mehmet",
    ]
    /// Family names used for synthetic patients (with accents and particles, to exercise search).
    public static let family = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez",
        "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
        "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
        "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "O'Brien",
        "Müller", "Kowalski", "Okafor", "Tanaka", "Chen", "Singh", "Haddad", "Van der Berg", "Johansson", "Novak", "Papadopoulos",
        "Ivanova", "Kim", "Park", "Cohen", "Silva", "Costa", "Rossi", "Dubois", "Murphy", "Kelly", "Byrne", "Patel", "Shah", "Khan",
        "Ali", "Hussein", "Mensah", "Abebe", "Yilmaz", "Nakamura", "Suzuki", "Sato", "Wong", "Li", "Zhang", "Liu", "Yang", "Huang",
        "Fischer", "Weber", "Schneider", "Becker", "Hoffmann", "Schulz", "Keller", "Bauer", "Wagner", "Moreau",
    ]
    static let relationships = ["spouse", "partner", "parent", "sibling", "friend", "adult child"]
    static let streets = ["Maple Ave", "Oak St", "Cedar Ln", "Pine Rd", "Elm St", "Birch Way", "Harbor Dr", "Mill Rd", "Park Pl"]
    static let cities = ["Springfield", "Riverton", "Lakeside", "Fairview", "Georgetown", "Madison", "Clinton", "Franklin"]

    public let seed: UInt64

    /// A demo clinic generator for `seed`.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Patient number `index` (0-based) of this seed, with 1–4 weights and a height: the same every time.
    public func patient(index: Int, today: LocalDate, now: Date, clinicID: String = "main") -> (Patient, [BodyMeasurement]) {
        var rng = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(index))
        let sex: SexAtBirth = Int.random(in: 0..<100, using: &rng) < 58 ? .female : (Int.random(in: 0..<100, using: &rng) < 98 ? .male : .intersex)
        let given = (sex == .female ? Self.givenFemale : Self.givenMale).randomElement(using: &rng)!
        let familyName = Self.family.randomElement(using: &rng)!
        let year = Int.random(in: (today.year - 80)...(today.year - 18), using: &rng)
        let dob =
            (try? LocalDate(year: year, month: Int.random(in: 1...12, using: &rng), day: Int.random(in: 1...28, using: &rng)))
            ?? today.adding(days: -365 * 40)
        let phone = String(format: "(555) %03d-%04d", Int.random(in: 200...999, using: &rng), Int.random(in: 0...9999, using: &rng))
        let hasContact = Int.random(in: 0..<100, using: &rng) < 85
        let contact =
            hasContact
            ? EmergencyContact(
                name: "\((Bool.random(using: &rng) ? Self.givenFemale : Self.givenMale).randomElement(using: &rng)!) \(familyName)",
                relationship: Self.relationships.randomElement(using: &rng),
                phone: String(format: "(555) %03d-%04d", Int.random(in: 200...999, using: &rng), Int.random(in: 0...9999, using: &rng)),
                canEscort: Int.random(in: 0..<100, using: &rng) < 80
            ) : nil
        let preferred: String? = Int.random(in: 0..<100, using: &rng) < 12 ? String(given.prefix(3)) : nil
        let demographics = Demographics(
            mrn: String(format: "KC-%06d", index + 1),
            legalGivenName: given,
            legalFamilyName: familyName,
            preferredName: preferred,
            dateOfBirth: dob,
            sexAtBirth: sex,
            genderIdentity: Int.random(in: 0..<100, using: &rng) < 4 ? "non-binary" : nil,
            phone: phone,
            email: Int.random(in: 0..<100, using: &rng) < 70 ? "\(SearchKey.normalize(given)).\(index + 1)@example.org" : nil,
            address:
                "\(Int.random(in: 1...9999, using: &rng)) \(Self.streets.randomElement(using: &rng)!), \(Self.cities.randomElement(using: &rng)!)",
            emergencyContact: contact
        )
        // Identifiers are unique across clinics sharing one database (ids are global keys), yet repeatable per clinic and seed.
        var idGenerator = SeededGenerator(seed: DemoClinic.fnv1a(clinicID) ^ (seed &* 0x9E37_79B9) ^ UInt64(index))
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { bytes[i] = UInt8.random(in: 0...255, using: &idGenerator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
        let patient = Patient(id: PatientID(uuid), demographics: demographics, version: 1, createdAt: now, updatedAt: now, updatedBy: "demo")
        let height = sex == .female ? Double.random(in: 150...180, using: &rng) : Double.random(in: 160...195, using: &rng)
        var weight = sex == .female ? Double.random(in: 50...100, using: &rng) : Double.random(in: 60...120, using: &rng)
        var measurements = [
            BodyMeasurement(
                stored: .height, value: (height * 10).rounded() / 10, measuredOn: today.adding(days: -120), recordedBy: "demo", recordedAt: now)
        ]
        for visit in 0..<Int.random(in: 1...4, using: &rng) {
            weight += Double.random(in: -2...2, using: &rng)
            measurements.append(
                BodyMeasurement(
                    stored: .weight, value: (weight * 10).rounded() / 10, measuredOn: today.adding(days: -120 + visit * 30),
                    recordedBy: "demo", recordedAt: now)
            )
        }
        return (patient, measurements)
    }

    /// FNV-1a: a stable 64-bit hash (Swift's `hashValue` changes between runs).
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// Adds the demo staff (missing ones only) and `patients` synthetic patients after those already there.
    ///
    /// Rows go in large multi-row INSERTs inside a few transactions; `progress(done, total)` is called per batch.
    public func seed(
        into store: Store, patients: Int, now: Date, batchSize: Int = 400, withMeasurements: Bool = false,
        progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> (staffCreated: Int, patientsCreated: Int) {
        let clinicID = store.clinicID
        var staffCreated = 0
        for member in Self.staff {
            let exists = try await store.database.read { db in try await UserRepository.find(username: member.username, clinicID: clinicID, on: db) }
            guard exists == nil else { continue }
            let hash = try await Passwords.hash(Self.password)
            _ = try await store.audited(.commandLine("demo"), at: now, action: "user.create", resourceType: "user") { db in
                let user = try await UserRepository.create(
                    username: member.username, displayName: member.displayName, role: member.role, passwordHash: hash, now: now,
                    clinicID: clinicID, on: db
                )
                return Audited(user, resourceID: user.id, detail: "role=\(member.role.rawValue)")
            }
            staffCreated += 1
        }
        let existing = try await store.database.read { db in try await PatientRepository.count(clinicID: clinicID, on: db) }
        let today = LocalDate(utcDayOf: now)
        let library = withMeasurements ? try InstrumentLibrary.bundled() : nil
        let policy = try await store.database.read { db in try await PolicyRepository.current(clinicID: clinicID, on: db).policy }
        let prescriber = Self.staff.first { $0.role == .prescriber }?.username
        var done = 0
        progress(0, patients)
        while done < patients {
            let count = min(batchSize, patients - done)
            let batch = (0..<count).map { patient(index: existing + done + $0, today: today, now: now, clinicID: clinicID) }
            let firstIndex = existing + done
            // Every fifth demo patient has called in with a new phone number: an amendment with its reason, so charts show history.
            let amended = batch.map { pair -> (Patient, [BodyMeasurement], Amendment?) in
                guard pair.0.demographics.mrn.hasSuffix("0") || pair.0.demographics.mrn.hasSuffix("5") else { return (pair.0, pair.1, nil) }
                var patient = pair.0
                let old = patient.demographics.phone
                let new = "(555) 0" + String(patient.demographics.mrn.suffix(2)) + "-" + String(patient.demographics.mrn.suffix(4))
                patient.demographics.phone = new
                patient.version = 2
                patient.updatedBy = "frontdesk.lee"
                let amendment = Amendment(
                    field: "phone", oldValue: old, newValue: new, reason: "Patient reported a new number at check-in", amendedBy: "frontdesk.lee",
                    amendedAt: now, version: 2
                )
                return (patient, pair.1, amendment)
            }
            try await store.database.write { db in
                try await PatientRepository.insertBatch(amended.map(\.0), clinicID: clinicID, on: db)
                try await seedRecords(for: amended.map(\.0), policy: policy, now: now, clinicID: clinicID, on: db)
                let amendments = amended.compactMap { entry in entry.2.map { (entry.0.id, $0) } }
                if !amendments.isEmpty {
                    let insert = db.insert(into: "patient_amendments")
                        .columns("id", "clinic_id", "patient_id", "version", "field", "old_value", "new_value", "reason", "amended_by", "amended_at")
                    for (patientID, a) in amendments {
                        insert.values(
                            SQLBind("\(patientID.rawValue)-a2"), SQLBind(clinicID), SQLBind(patientID.rawValue), SQLBind(Int64(a.version)),
                            SQLBind(a.field), SQLBind(a.oldValue), SQLBind(a.newValue), SQLBind(a.reason), SQLBind(a.amendedBy),
                            SQLBind(Timestamps.ms(a.amendedAt))
                        )
                    }
                    try await insert.run()
                }
                if let library {
                    let indexed = batch.enumerated().map { (firstIndex + $0.offset, $0.element.0.id) }
                    try await seedMeasurements(
                        for: indexed, prescriber: prescriber, library: library, policy: policy, now: now, clinicID: clinicID, on: db)
                }
                let measurements = batch.flatMap { pair in pair.1.map { (pair.0.id, $0) } }
                for chunk in stride(from: 0, to: measurements.count, by: 1000) {
                    let insert = db.insert(into: "body_measurements")
                        .columns("id", "clinic_id", "patient_id", "kind", "value", "measured_on", "recorded_by", "recorded_at")
                    for (offset, (patientID, m)) in measurements[chunk..<min(chunk + 1000, measurements.count)].enumerated() {
                        insert.values(
                            SQLBind("\(patientID.rawValue)-m\(chunk + offset)"), SQLBind(clinicID), SQLBind(patientID.rawValue),
                            SQLBind(m.kind.rawValue), SQLBind(m.value), SQLBind(m.measuredOn.description), SQLBind(m.recordedBy),
                            SQLBind(Timestamps.ms(m.recordedAt))
                        )
                    }
                    try await insert.run()
                }
            }
            done += count
            progress(done, patients)
        }
        if patients > 0 {
            try await store.recordEvent(
                .commandLine("demo"), at: now, action: "demo.seed", resourceType: "clinic", resourceID: clinicID, outcome: .success,
                detail: "patients=\(patients) seed=\(seed) first=\(existing + 1)"
            )
        }
        return (staffCreated, patients)
    }
}
