import Foundation
import HTTPTypes
import Hummingbird
import KetaCareDomain
import KetaCareStore
import NIOCore

/// Bladder and cognition check-ins for the long-term safety watch (issue #5; DOMAIN.md §3.3, §8.1): the chart's form and
/// `/api/v1/patients/{id}/check-ins`. Each is one audited write; the latest per kind sets when the next is due.
struct CheckInController {
    let dependencies: AppDependencies

    var store: Store { dependencies.store }

    func register(_ routes: RouteRegistrar) {
        routes.post("/patients/:id/check-ins", .recordAssessment, recordFromForm)
        routes.get("/api/v1/patients/:id/check-ins", .readPatient, list)
        routes.post("/api/v1/patients/:id/check-ins", .recordAssessment, create)
    }

    /// A check-in: its kind, a yes/no answer per question code, a note; `completed_at` (ISO 8601) defaults to now.
    struct Input: Decodable, Sendable {
        var kind: String
        var answers: [String: Bool]
        var note: String?
        var completed_at: String?
        static let keys: Set<String> = ["kind", "answers", "note", "completed_at"]
    }

    private func patientID(_ context: AppRequestContext) throws -> PatientID { PatientID(try context.parameters.require("id")) }

    // MARK: - Operations

    /// Records a check-in and returns it with the watch as it now stands (the next due dates).
    func record(_ patient: PatientID, _ input: Input, context: AppRequestContext) async throws -> (StoredCheckIn, SafetyWatch) {
        let clinicID = store.clinicID
        let now = dependencies.now()
        let actor = context.auditContext.actor
        let role = context.session?.user.role ?? .nurse
        return try await store.audited(
            context.auditContext, at: now, action: "patient.check_in", resourceType: "check_in", patientID: patient.rawValue
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            guard let kind = CheckInKind(rawValue: input.kind) else {
                let allowed = CheckInKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw SessionError(.outOfRange, field: "kind", message: "kind must be one of \(allowed); got '\(input.kind)'")
            }
            var completedAt = now
            if let text = input.completed_at?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let at = SessionController.parseISO(text) else {
                    throw SessionError(.outOfRange, field: "completed_at", message: "completed_at must be an ISO 8601 date-time; got '\(text)'")
                }
                completedAt = at
            }
            let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
            let checkIn = try SafetyCheckIn(
                kind: kind, answers: input.answers, note: input.note, completedAt: completedAt, completedBy: actor, now: now,
                questions: policy.sessions.safetyWatch.checkInQuestions)
            let stored = try await CheckInRepository.insert(checkIn, patient: patient, by: actor, role: role, now: now, clinicID: clinicID, on: db)
            let watch = SessionController.safetyWatch(
                try await SessionRepository.list(patient: patient, clinicID: clinicID, on: db),
                checkIns: try await CheckInRepository.list(patient: patient, clinicID: clinicID, on: db), policy: policy, now: now)
            return Audited(
                (stored, watch), resourceID: stored.id, patientID: patient.rawValue, detail: "kind=\(kind.rawValue) flag=\(!checkIn.flags.isEmpty)")
        }
    }

    /// The patient's check-ins and when each kind is next due, read in one audited transaction.
    func load(_ patient: PatientID, context: AppRequestContext) async throws -> ([StoredCheckIn], SafetyWatch) {
        let clinicID = store.clinicID
        let now = dependencies.now()
        return try await store.audited(
            context.auditContext, at: now, action: "patient.check_in.list", resourceType: "patient", resourceID: patient.rawValue,
            patientID: patient.rawValue, isRead: true
        ) { db in
            try await PatientRepository.require(id: patient, clinicID: clinicID, on: db)
            let checkIns = try await CheckInRepository.list(patient: patient, clinicID: clinicID, on: db)
            let sessions = try await SessionRepository.list(patient: patient, clinicID: clinicID, on: db)
            let policy = try await PolicyRepository.current(clinicID: clinicID, on: db).policy
            let watch = SessionController.safetyWatch(sessions, checkIns: checkIns, policy: policy, now: now)
            return Audited((checkIns, watch), resourceID: patient.rawValue, patientID: patient.rawValue)
        }
    }

    // MARK: - Values

    static func values(_ stored: StoredCheckIn) -> [String: Any] {
        let c = stored.checkIn
        var row: [String: Any] = [
            "id": stored.id, "kind": c.kind.rawValue, "completed_at": Format.iso(c.completedAt), "completed_by": c.completedBy,
            "recorded_at": Format.iso(stored.recordedAt), "recorded_by": stored.recordedBy,
            "answers": Dictionary(uniqueKeysWithValues: c.answers.map { ($0.code, $0.isYes) }),
            "flags": c.flags.map { ["code": $0.code, "text": $0.text] },
        ]
        if let note = c.note { row["note"] = note }
        return row
    }

    static func dueValues(_ watch: SafetyWatch) -> [[String: Any]] {
        watch.checkIns.map { ["kind": $0.kind.rawValue, "due_at": Format.iso($0.dueAt), "is_due": $0.isDue] }
    }

    // MARK: - HTML

    /// The chart's form: `kind`, an `answer_<code>` of yes or no per question, a note; back to the chart's check-ins.
    @Sendable func recordFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let patient = try patientID(context)
        let form = FormBody.parse(context.body)
        var answers: [String: Bool] = [:]
        for (key, value) in form where key.hasPrefix("answer_") {
            let code = String(key.dropFirst("answer_".count))
            switch value {
            case "yes": answers[code] = true
            case "no": answers[code] = false
            default: throw SessionError(.outOfRange, field: "answers.\(code)", message: "answers.\(code) must be yes or no")
            }
        }
        _ = try await record(patient, Input(kind: form["kind"] ?? "", answers: answers, note: form["note"]), context: context)
        return Pages.redirect("/patients/\(patient.rawValue)#safety-check-ins")
    }

    // MARK: - API

    private func json(_ value: [String: Any], status: HTTPResponse.Status) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (checkIns, watch) = try await load(try patientID(context), context: context)
        return try json(["check_ins": checkIns.map(Self.values), "due": Self.dueValues(watch)], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let patient = try patientID(context)
        let object = try StrictJSON.object(context.body)
        try StrictJSON.requireKnownKeys(object, allowed: Input.keys)
        let input = try StrictJSON.decode(Input.self, from: object)
        let (stored, watch) = try await record(patient, input, context: context)
        var body = Self.values(stored)
        body["due"] = Self.dueValues(watch)
        return try json(body, status: .created)
    }
}
