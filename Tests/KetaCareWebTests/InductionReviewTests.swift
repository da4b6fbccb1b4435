import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import Testing

/// Issue #10, DOMAIN.md §5.1: the end-of-induction review blocks the phase change until done.
@Suite("End-of-induction review over HTTP (DOMAIN.md §5.1)")
struct InductionReviewTests {
    @Test func reviewGatesMaintenance() async throws {
        try await WebHarness.withApp { client, store, _ in
            let doctor = try await client.token("dr.patel")
            let patient = try await MeasurementTests.patientID(store, "KC-000005")
            let (_, plan) = try await client.json(
                .post, "/api/v1/patients/\(patient)/plans", token: doctor,
                body: #"{"template":"iv-racemic-induction","startDate":"\#(IntakeAndSchedulingTests.day(0))"}"#)
            let planID = try #require(plan["id"] as? String)
            _ = try await client.json(.post, "/api/v1/plans/\(planID)/sign", token: doctor)
            var (status, body) = try await client.json(.post, "/api/v1/plans/\(planID)/phase", token: doctor, body: #"{"phase":"induction"}"#)
            #expect(status == .ok, "\(body)")
            (status, body) = try await client.json(.post, "/api/v1/plans/\(planID)/phase", token: doctor, body: #"{"phase":"maintenance"}"#)
            #expect(status == .unprocessableContent && errorField(body) == "inductionReview", "\(body)")
            // No scores since induction began: the course cannot be judged, so continuing needs a reason.
            (status, body) = try await client.json(
                .post, "/api/v1/plans/\(planID)/induction-review", token: doctor, body: #"{"decision":"continue"}"#)
            #expect(status == .unprocessableContent && errorField(body) == "reason", "\(body)")
            let nurse = try await client.token("nurse.kim")
            (status, _) = try await client.json(
                .post, "/api/v1/plans/\(planID)/induction-review", token: nurse, body: #"{"decision":"continue","reason":"x"}"#)
            #expect(status == .forbidden)
            (status, body) = try await client.json(
                .post, "/api/v1/plans/\(planID)/induction-review", token: doctor,
                body: #"{"decision":"continue","reason":"scores collected on paper; clinically improved"}"#)
            #expect(status == .created, "\(body)")
            let review = try #require((body["inductionReviews"] as? [[String: Any]])?.first)
            #expect(review["outcome"] as? String == "not_evaluable" && review["instrumentID"] as? String == "gad7")
            (status, body) = try await client.json(.post, "/api/v1/plans/\(planID)/phase", token: doctor, body: #"{"phase":"maintenance"}"#)
            #expect(status == .ok, "\(body)")
        }
    }
}
