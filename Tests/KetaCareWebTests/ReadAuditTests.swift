import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import Testing

/// Issue #11: pages that show patient data outside the chart are audited like the chart.
@Suite("Reads of patient data on the dashboard and planning pages are audited")
struct ReadAuditTests {
    @Test func dashboardAndBookingPageReadsAreAudited() async throws {
        try await WebHarness.withApp { client, store, _ in
            let doctor = try await client.token("dr.patel")
            let patient = try await MeasurementTests.patientID(store, "KC-000005")
            // An open alert puts the patient on the dashboard.
            _ = try await client.json(
                .post, "/api/v1/patients/\(patient)/responses", token: doctor, body: #"{"instrument":"phq9","answers":[1,1,1,1,1,1,1,1,2]}"#)
            let (_, plan) = try await client.json(
                .post, "/api/v1/patients/\(patient)/plans", token: doctor,
                body: #"{"template":"iv-racemic-induction","startDate":"\#(IntakeAndSchedulingTests.day(1))"}"#)
            let planID = try #require(plan["id"] as? String)
            for path in ["/dashboard", "/plans/\(planID)/schedule"] {
                let status = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(doctor)"]) { $0.status }
                #expect(status == .ok, "\(path)")
            }
            let clinicID = store.clinicID
            let dashboard = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "dashboard.view"), clinicID: clinicID, on: db)
            }
            #expect(dashboard.first?.actor == "dr.patel")
            #expect(dashboard.first?.detail.contains(patient) == true, "\(dashboard.first?.detail ?? "none")")
            let booking = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "plan.schedule.view"), clinicID: clinicID, on: db)
            }
            #expect(booking.first?.patientID == patient)
        }
    }
}
