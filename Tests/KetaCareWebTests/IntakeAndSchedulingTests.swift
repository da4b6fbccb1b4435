import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

@Suite("Intake, screening, consent, plans and booking over HTTP (issue #4)")
struct IntakeAndSchedulingTests {
    /// The example intake document, with `edit` applied to its JSON object.
    static func intake(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/examples/intake-history.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        // Fresh measurements so the stale-weight rule does not fire; no benzodiazepine so the decision is plain.
        let today = LocalDate(utcDayOf: Date()).description
        object["baselineVitals"] = ["systolic": 128, "diastolic": 80, "heartRate": 70, "measuredOn": today]
        object["bodyMeasures"] = ["weightKg": 80, "heightCm": 178, "measuredOn": today]
        object["medications"] = [["name": "Venlafaxine XR 150 mg", "dose": "150 mg daily", "startDate": "2024-11-01", "stopDate": NSNull()]]
        edit(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func day(_ offset: Int) -> String {
        LocalDate(utcDayOf: Date().addingTimeInterval(Double(offset) * 86_400)).description
    }

    @Test("Bad intake documents are refused naming the JSON path, and nothing is stored")
    func badIntake() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let id = try await MeasurementTests.patientID(store, "KC-000010")
            let cases: [(String, String)] = [
                (try Self.intake { $0["diagnoses"] = [["code": "Z99.9", "isPrimary": true]] }, "diagnoses[0].code"),
                (
                    try Self.intake {
                        $0["medications"] = [["name": "Sertraline", "startDate": "2024-05-01", "stopDate": "2024-01-01"]]
                    }, "medications[0].stopDate"
                ),
                (try Self.intake { $0["cardiovascular"] = nil }, "cardiovascular"),
                (try Self.intake { $0["favouriteColour"] = "blue" }, "favouriteColour"),
            ]
            for (body, field) in cases {
                let (status, error) = try await client.json(.post, "/api/v1/patients/\(id)/intake", token: nurse, body: body)
                #expect(status == .unprocessableContent || status == .badRequest, "\(field)")
                #expect(errorField(error)?.hasPrefix(field) == true, "\(field): \(error)")
            }
            let (none, _) = try await client.json(.get, "/api/v1/patients/\(id)/screening", token: nurse)
            #expect(none == .notFound)
        }
    }

    @Test("Screening blocks at BP 184/112 until the history changes; the old result is superseded")
    func screeningAndRescreening() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            let id = try await MeasurementTests.patientID(store, "KC-000011")
            let high = try Self.intake { $0["baselineVitals"] = ["systolic": 184, "diastolic": 112, "heartRate": 80, "measuredOn": Self.day(0)] }
            let (created, blocked) = try await client.json(.post, "/api/v1/patients/\(id)/intake", token: nurse, body: high)
            #expect(created == .created)
            #expect(blocked["decision"] as? String == "blocked")
            let (_, plan) = try await client.json(
                .post, "/api/v1/patients/\(id)/plans", token: doctor, body: #"{"template":"iv-racemic-induction","startDate":"\#(Self.day(1))"}"#)
            let planID = try #require(plan["id"] as? String)
            _ = try await client.json(.post, "/api/v1/plans/\(planID)/sign", token: doctor)
            // Activation needs eligibility and consent: refused while blocked.
            let (refused, reason) = try await client.json(.post, "/api/v1/plans/\(planID)/phase", token: doctor, body: #"{"phase":"induction"}"#)
            #expect(refused == .unprocessableContent, "\(reason)")
            // A booking for an ineligible, unconsented patient is refused with both reasons and nothing is stored.
            let (noBook, why) = try await client.json(
                .post, "/api/v1/plans/\(planID)/bookings", token: nurse,
                body: #"{"date":"\#(Self.day(2))","time":"09:00","chair":"chair-1","nurse":"nurse.kim"}"#)
            #expect(noBook == .unprocessableContent)
            let message = (why["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("eligib") && message.contains("consent"), "\(message)")
            let (_, schedule) = try await client.json(.get, "/api/v1/schedule?from=\(Self.day(0))&to=\(Self.day(10))", token: nurse)
            #expect((schedule["bookings"] as? [Any])?.isEmpty == true)

            // Re-measured: a new history version re-screens, and the blocked result is superseded.
            let (_, eligible) = try await client.json(.post, "/api/v1/patients/\(id)/intake", token: nurse, body: try Self.intake())
            #expect(eligible["decision"] as? String == "eligible", "\(eligible)")
            #expect(eligible["historyVersion"] as? Int == 2)
        }
    }

    @Test("Consent, signed plan, spacing, chair overlap and cancellation with history")
    func bookingRules() async throws {
        try await WebHarness.withApp { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let doctor = try await client.token("dr.patel")
            let ids = [try await MeasurementTests.patientID(store, "KC-000012"), try await MeasurementTests.patientID(store, "KC-000007")]
            var plans: [String] = []
            for id in ids {
                _ = try await client.json(.post, "/api/v1/patients/\(id)/intake", token: nurse, body: try Self.intake())
                let (signed, _) = try await client.json(
                    .post, "/api/v1/patients/\(id)/consents", token: nurse, body: #"{"route":"iv","kind":"typed","name":"Pat Ient"}"#)
                #expect(signed == .created)
                let (_, plan) = try await client.json(
                    .post, "/api/v1/patients/\(id)/plans", token: doctor, body: #"{"template":"iv-racemic-induction","startDate":"\#(Self.day(1))"}"#)
                let planID = try #require(plan["id"] as? String)
                _ = try await client.json(.post, "/api/v1/plans/\(planID)/sign", token: doctor)
                let (moved, phase) = try await client.json(.post, "/api/v1/plans/\(planID)/phase", token: doctor, body: #"{"phase":"induction"}"#)
                #expect(moved == .ok, "\(phase)")
                plans.append(planID)
            }
            // Outcomes carry the plan's route: the cohort report's route filter finds the patient under IV only.
            let (scored, _) = try await client.json(
                .post, "/api/v1/patients/\(ids[0])/responses", token: nurse,
                body: #"{"instrument":"gad7","answers":[2,2,2,2,1,1,1],"context":"baseline"}"#)
            #expect(scored == .created)
            let (_, iv) = try await client.json(.get, "/api/v1/outcomes/cohort?instrument=gad7&route=iv", token: doctor)
            #expect((iv["lines"] as? [[String: Any]])?.first?["patients"] as? Int == 1, "\(iv)")
            let (_, oral) = try await client.json(.get, "/api/v1/outcomes/cohort?instrument=gad7&route=oral", token: doctor)
            #expect((oral["lines"] as? [Any])?.isEmpty == true)
            // Find a weekday (clinic hours Monday–Saturday) a few days ahead.
            var offset = 3
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone.current
            while calendar.component(.weekday, from: Date().addingTimeInterval(Double(offset) * 86_400)) == 1 { offset += 1 }
            let first = #"{"date":"\#(Self.day(offset))","time":"09:00","chair":"chair-1","nurse":"nurse.kim"}"#
            let (booked, booking) = try await client.json(.post, "/api/v1/plans/\(plans[0])/bookings", token: nurse, body: first)
            #expect(booked == .created, "\(booking)")
            // The same chair at the same time for another patient: refused (hard), naming the chair.
            let (overlap, overlapError) = try await client.json(.post, "/api/v1/plans/\(plans[1])/bookings", token: nurse, body: first)
            #expect(overlap == .unprocessableContent)
            let overlapMessage = (overlapError["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(overlapMessage.contains("chair"), "\(overlapError)")
            // 24 h later for the first patient is below the 48 h soft spacing: refused without a note, booked with one.
            var next = offset + 1
            while calendar.component(.weekday, from: Date().addingTimeInterval(Double(next) * 86_400)) == 1 { next += 1 }
            let soon = #"{"date":"\#(Self.day(next))","time":"09:00","chair":"chair-2","nurse":"nurse.kim"}"#
            let (noNote, _) = try await client.json(.post, "/api/v1/plans/\(plans[0])/bookings", token: nurse, body: soon)
            #expect(noNote == .unprocessableContent)
            let withNote = #"{"date":"\#(Self.day(next))","time":"09:00","chair":"chair-2","nurse":"nurse.kim","note":"Patient travelling"}"#
            let (noted, _) = try await client.json(.post, "/api/v1/plans/\(plans[0])/bookings", token: nurse, body: withNote)
            #expect(noted == .created)
            // Cancelling needs a reason; the cancelled slot frees the chair for the other patient.
            let bookingID = try #require(booking["id"] as? String)
            let (blank, blankError) = try await client.json(.post, "/api/v1/bookings/\(bookingID)/cancel", token: nurse, body: #"{"reason":" "}"#)
            #expect(blank == .unprocessableContent && errorField(blankError) == "reason")
            let (cancelled, _) = try await client.json(
                .post, "/api/v1/bookings/\(bookingID)/cancel", token: nurse, body: #"{"reason":"Patient unwell"}"#)
            #expect(cancelled == .ok)
            let (rebooked, _) = try await client.json(.post, "/api/v1/plans/\(plans[1])/bookings", token: nurse, body: first)
            #expect(rebooked == .created)
            let clinicID = store.clinicID
            let changes = try await store.database.read { db in
                try await BookingRepository.changes(of: BookingID(bookingID), clinicID: clinicID, on: db)
            }
            #expect(changes.count == 1 && changes[0].reason == "Patient unwell")
            let outbox = try await store.database.read { db in try await OutboxRepository.messages(clinicID: clinicID, on: db) }
            #expect(outbox.count >= 4)  // two messages per booking
            // The plan's measurement schedule puts the baseline questionnaires on the due list once sessions are booked.
            let firstPatient = PatientID(ids[0])
            let due = try await store.database.read { db in
                let start = try await BookingRepository.bookings(of: firstPatient, clinicID: clinicID, on: db).filter(\.booking.isActive)[0].booking
                    .slot.start
                return try await DueListRepository.due(now: start.addingTimeInterval(-7200), clinicID: clinicID, on: db)
            }
            #expect(due.contains { $0.patientID.rawValue == ids[0] && $0.item.instrumentID == "gad7" }, "\(due.map(\.item))")
        }
    }
}
