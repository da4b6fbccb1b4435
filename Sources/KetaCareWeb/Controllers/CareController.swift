import Foundation
import Hummingbird
import KetaCareDomain
import KetaCareStore

/// The patient's care team (the responsible prescriber alerts are routed to) and diagnosis list.
struct CareController {
    let dependencies: AppDependencies

    var store: Store { dependencies.store }

    /// Codes offered on the diagnosis form (DOMAIN.md §10.5); any ICD-10-CM shaped code is accepted.
    static let commonCodes: [(String, String)] = [
        ("F41.1", "Generalized anxiety disorder"), ("F40.10", "Social phobia, unspecified"), ("F40.11", "Social phobia, generalized"),
        ("F43.10", "PTSD, unspecified"), ("F43.11", "PTSD, acute"), ("F43.12", "PTSD, chronic"), ("F41.0", "Panic disorder without agoraphobia"),
        ("F40.01", "Agoraphobia with panic disorder"), ("F32.1", "Major depressive disorder, single episode, moderate"),
        ("F33.1", "Major depressive disorder, recurrent, moderate"), ("F33.2", "Major depressive disorder, recurrent, severe"),
    ]

    func register(_ routes: RouteRegistrar) {
        routes.post("/patients/:id/prescriber", .assignCareTeam, assignFromForm)
        routes.post("/patients/:id/diagnoses", .recordDiagnosis, addDiagnosisFromForm)
        routes.post("/patients/:id/diagnoses/:diagnosisID/end", .recordDiagnosis, endDiagnosisFromForm)
        routes.get("/api/v1/patients/:id/care-team", .readPatient, showCareTeam)
        routes.put("/api/v1/patients/:id/prescriber", .assignCareTeam, assign)
        routes.get("/api/v1/patients/:id/diagnoses", .readPatient, listDiagnoses)
        routes.post("/api/v1/patients/:id/diagnoses", .recordDiagnosis, addDiagnosis)
    }

    private func patientID(_ context: AppRequestContext) throws -> PatientID {
        PatientID(try context.parameters.require("id"))
    }

    // MARK: - Operations

    func assignPrescriber(_ patient: PatientID, username: String, reason: String, context: AppRequestContext) async throws -> CareTeamAssignment {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = context.auditContext.actor
        return try await store.audited(
            context.auditContext, at: now, action: "careteam.assign", resourceType: "patient", resourceID: patient.rawValue,
            patientID: patient.rawValue
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            let assignment = try await CareTeamRepository.assignPrescriber(
                patient: patient, username: username, reason: reason, by: actor, now: now, clinicID: clinicID, on: db)
            return Audited(assignment, resourceID: assignment.id, patientID: patient.rawValue, detail: "prescriber=\(assignment.username)")
        }
    }

    func addDiagnosis(_ patient: PatientID, code: String, isPrimary: Bool, context: AppRequestContext) async throws -> PatientDiagnosis {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = context.auditContext.actor
        return try await store.audited(
            context.auditContext, at: now, action: "diagnosis.add", resourceType: "diagnosis", patientID: patient.rawValue
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            let added = try await DiagnosisRepository.add(
                patient: patient, code: code, isPrimary: isPrimary, by: actor, now: now, clinicID: clinicID, on: db)
            return Audited(added, resourceID: added.id, patientID: patient.rawValue, detail: "code=\(added.code) primary=\(added.isPrimary)")
        }
    }

    // MARK: - Pages

    @Sendable func assignFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        _ = try await assignPrescriber(id, username: form["prescriber"] ?? "", reason: form["reason"] ?? "", context: context)
        return Pages.redirect("/patients/\(id.rawValue)#care")
    }

    @Sendable func addDiagnosisFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let form = FormBody.parse(context.body)
        _ = try await addDiagnosis(id, code: form["code"] ?? "", isPrimary: form["primary"] == "true", context: context)
        return Pages.redirect("/patients/\(id.rawValue)#care")
    }

    @Sendable func endDiagnosisFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let diagnosisID = try context.parameters.require("diagnosisID")
        let form = FormBody.parse(context.body)
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = context.auditContext.actor
        _ = try await store.audited(
            context.auditContext, at: now, action: "diagnosis.end", resourceType: "diagnosis", resourceID: diagnosisID, patientID: id.rawValue
        ) { db in
            let ended = try await DiagnosisRepository.end(
                id: diagnosisID, reason: form["reason"] ?? "", by: actor, now: now, clinicID: clinicID, on: db)
            guard ended.patientID == id else { throw StoreError.notFound(resource: "diagnosis") }
            return Audited(ended, resourceID: diagnosisID, patientID: id.rawValue, detail: "code=\(ended.code)")
        }
        return Pages.redirect("/patients/\(id.rawValue)#care")
    }

    // MARK: - API

    struct AssignmentDTO: Encodable {
        let prescriber: String
        let assignedAt: Date
        let assignedBy: String
        let reason: String
        let endedAt: Date?

        init(_ a: CareTeamAssignment) {
            prescriber = a.username
            assignedAt = a.assignedAt
            assignedBy = a.assignedBy
            reason = a.reason
            endedAt = a.endedAt
        }
    }

    struct DiagnosisDTO: Encodable {
        let id: String
        let code: String
        let group: String
        let isPrimary: Bool
        let recordedAt: Date
        let recordedBy: String

        init(_ d: PatientDiagnosis) {
            id = d.id
            code = d.code
            group = d.group.rawValue
            isPrimary = d.isPrimary
            recordedAt = d.recordedAt
            recordedBy = d.recordedBy
        }
    }

    @Sendable func showCareTeam(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let clinicID = store.clinicID
        let history = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "careteam.view", resourceType: "patient", resourceID: id.rawValue,
            patientID: id.rawValue, isRead: true
        ) { db in
            try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            return Audited(try await CareTeamRepository.history(of: id, clinicID: clinicID, on: db), resourceID: id.rawValue, patientID: id.rawValue)
        }
        struct Page: Encodable {
            let prescriber: AssignmentDTO?
            let history: [AssignmentDTO]
        }
        return try jsonResponse(
            Page(prescriber: history.first { $0.endedAt == nil }.map(AssignmentDTO.init), history: history.map(AssignmentDTO.init)))
    }

    @Sendable func assign(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let prescriber: String
            let reason: String?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["prescriber", "reason"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let assignment = try await assignPrescriber(try patientID(context), username: input.prescriber, reason: input.reason ?? "", context: context)
        return try jsonResponse(AssignmentDTO(assignment))
    }

    @Sendable func listDiagnoses(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try patientID(context)
        let clinicID = store.clinicID
        let list = try await store.audited(
            context.auditContext, at: dependencies.now(), action: "diagnosis.list", resourceType: "patient", resourceID: id.rawValue,
            patientID: id.rawValue, isRead: true
        ) { db in
            try await PatientRepository.require(id: id, clinicID: clinicID, on: db)
            return Audited(try await DiagnosisRepository.current(of: id, clinicID: clinicID, on: db), resourceID: id.rawValue, patientID: id.rawValue)
        }
        struct Page: Encodable { let diagnoses: [DiagnosisDTO] }
        return try jsonResponse(Page(diagnoses: list.map(DiagnosisDTO.init)))
    }

    @Sendable func addDiagnosis(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            let code: String
            let isPrimary: Bool?
        }
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: ["code", "isPrimary"])
        let input = try StrictJSON.decode(Input.self, from: object)
        let added = try await addDiagnosis(try patientID(context), code: input.code, isPrimary: input.isPrimary ?? false, context: context)
        return try jsonResponse(DiagnosisDTO(added), status: .created)
    }
}
