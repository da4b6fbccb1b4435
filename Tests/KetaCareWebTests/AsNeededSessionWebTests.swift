import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

/// Issue #10, DOMAIN.md §5.2: a maintenance patient who responded and then worsens is proposed an as-needed session, which
/// the front desk books through the ordinary booking operation or a prescriber dismisses with a reason.
@Suite("As-needed sessions on loss of response over HTTP (DOMAIN.md §5.2)")
struct AsNeededSessionWebTests {
    static let day: TimeInterval = 86_400

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    /// Records a GAD-7 with the given item answers, taken `hoursAgo` before the clock.
    static func gad7(
        _ client: some TestClientProtocol, _ patient: String, _ answers: [Int], context: String = "follow-up", at: Date, token: String
    ) async throws {
        let body = #"{"instrument":"gad7","answers":\#(answers),"context":"\#(context)","answeredAt":"\#(iso(at))"}"#
        let (status, answer) = try await client.json(.post, "/api/v1/patients/\(patient)/responses", token: token, body: body)
        #expect(status == .created, "\(answer)")
    }

    /// A GAD patient (primary diagnosis F41.1) on an IV plan: baseline GAD-7 16, induction, a response of 5 after a week,
    /// the end-of-induction review and maintenance two weeks in. Returns the patient and plan ids.
    static func maintenancePatient(_ client: some TestClientProtocol, _ store: Store, clock: TestClock, mrn: String) async throws -> (
        String, String
    ) {
        // The demo clinic is seeded (consent signed) when the app starts, after the test made its clock: start an hour on.
        clock.advance(by: 3600)
        // Tokens time out while the clock moves on by days: each step signs in again.
        var doctor = try await client.token("dr.patel")
        var nurse = try await client.token("nurse.kim")
        let patient = try await MeasurementTests.patientID(store, mrn)
        let (diagnosed, diagnosis) = try await client.json(
            .post, "/api/v1/patients/\(patient)/diagnoses", token: doctor, body: #"{"code":"F41.1","isPrimary":true}"#)
        // 409 when the demo already lists F41.1 as primary.
        #expect(diagnosed == .created || diagnosed == .conflict, "\(diagnosis)")
        try await gad7(client, patient, [3, 3, 2, 2, 2, 2, 2], context: "baseline", at: clock.now.addingTimeInterval(-3600), token: nurse)
        let today = LocalDate(utcDayOf: clock.now).description
        let (_, plan) = try await client.json(
            .post, "/api/v1/patients/\(patient)/plans", token: doctor, body: #"{"template":"iv-racemic-induction","startDate":"\#(today)"}"#)
        let planID = try #require(plan["id"] as? String, "\(plan)")
        _ = try await client.json(.post, "/api/v1/plans/\(planID)/sign", token: doctor)
        var (status, body) = try await client.json(.post, "/api/v1/plans/\(planID)/phase", token: doctor, body: #"{"phase":"induction"}"#)
        #expect(status == .ok, "\(body)")
        clock.advance(by: 7 * day)
        nurse = try await client.token("nurse.kim")
        try await gad7(client, patient, [1, 1, 1, 1, 1, 0, 0], at: clock.now, token: nurse)
        clock.advance(by: 7 * day)
        doctor = try await client.token("dr.patel")
        (status, body) = try await client.json(.post, "/api/v1/plans/\(planID)/induction-review", token: doctor, body: #"{"decision":"continue"}"#)
        #expect(status == .created, "\(body)")
        (status, body) = try await client.json(.post, "/api/v1/plans/\(planID)/phase", token: doctor, body: #"{"phase":"maintenance"}"#)
        #expect(status == .ok, "\(body)")
        return (patient, planID)
    }

    /// The first day at least two days after the clock that is not a Sunday (the clinic's seeded opening hours).
    static func bookingDay(_ clock: TestClock) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var date = clock.now.addingTimeInterval(2 * day)
        while calendar.component(.weekday, from: date) == 1 { date = date.addingTimeInterval(day) }
        return LocalDate(utcDayOf: date).description
    }

    @Test("proposed on loss of response, booked by the front desk (marked as-needed), re-proposed when cancelled, then dismissed")
    func proposeBookDismiss() async throws {
        let clock = TestClock()
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let (patient, planID) = try await Self.maintenancePatient(client, store, clock: clock, mrn: "KC-000005")
            var doctor = try await client.token("dr.patel")
            var nurse = try await client.token("nurse.kim")
            var desk = try await client.token("frontdesk.lee")
            // Tokens time out while the clock moves on by days: sign in again after each step.
            func advance(days: Double) async throws {
                clock.advance(by: days * Self.day)
                (doctor, nurse, desk) = (
                    try await client.token("dr.patel"), try await client.token("nurse.kim"), try await client.token("frontdesk.lee")
                )
            }
            let path = "/api/v1/plans/\(planID)/as-needed"

            // The latest score was taken in induction: nothing to judge yet.
            var (status, body) = try await client.json(.get, path, token: desk)
            #expect(
                status == .ok && body["status"] as? String == "not_proposed" && body["noProposal"] as? String == "no_maintenance_score", "\(body)")
            // A maintenance score still in response (6 ≤ 8): nothing proposed.
            try await advance(days: 7)
            try await Self.gad7(client, patient, [1, 1, 1, 1, 1, 1, 0], at: clock.now, token: nurse)
            (_, body) = try await client.json(.get, path, token: desk)
            #expect(body["noProposal"] as? String == "response_holds", "\(body)")
            // 12 no longer meets response against the baseline 16.
            try await advance(days: 7)
            let worseAt = clock.now
            try await Self.gad7(client, patient, [2, 2, 2, 2, 2, 1, 1], at: worseAt, token: nurse)
            (status, body) = try await client.json(.get, path, token: desk)
            #expect(status == .ok && body["status"] as? String == "proposed", "\(body)")
            let finding = try #require(body["finding"] as? [String: Any])
            #expect((finding["trigger"] as? [String: Any])?["total"] as? Int == 12)
            #expect((finding["baseline"] as? [String: Any])?["total"] as? Int == 16)
            #expect((finding["firstResponse"] as? [String: Any])?["total"] as? Int == 5)
            #expect(finding["responseCeiling"] as? Int == 8 && finding["basis"] as? String == "responseLost")
            #expect((body["rule"] as? [String: Any])?["needsReview"] as? Bool == true)
            let reason = try #require(body["reason"] as? String)
            #expect(reason.contains("GAD-7 12") && reason.contains("baseline of 16") && reason.contains("8 or less"), "\(reason)")

            // The chart's plan panel and the dashboard show it with the actions each role may take.
            let chart = try await client.execute(uri: "/patients/\(patient)", method: .get, headers: [.authorization: "Bearer \(doctor)"])
            let html = String(buffer: chart.body)
            #expect(html.contains("As-needed session proposed") && html.contains("/plans/\(planID)/as-needed/dismiss"))
            #expect(html.contains("design default — the clinic must review this rule"))
            let deskChart = String(
                buffer: try await client.execute(uri: "/patients/\(patient)", method: .get, headers: [.authorization: "Bearer \(desk)"]).body)
            #expect(deskChart.contains("/plans/\(planID)/schedule#as-needed") && !deskChart.contains("/as-needed/dismiss"))
            let dashboard = String(
                buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.authorization: "Bearer \(desk)"]).body)
            #expect(dashboard.contains("As-needed sessions proposed") && dashboard.contains("/plans/\(planID)/schedule#as-needed"))
            let bookingPage = String(
                buffer: try await client.execute(uri: "/plans/\(planID)/schedule", method: .get, headers: [.authorization: "Bearer \(desk)"]).body)
            #expect(bookingPage.contains("id=\"book-as-needed\"") && bookingPage.contains("name=\"asNeeded\""))

            // The front desk books it through the ordinary booking operation.
            let slot = #""date":"\#(Self.bookingDay(clock))","time":"09:00","chair":"chair-3","nurse":"nurse.kim""#
            (status, body) = try await client.json(
                .post, "/api/v1/plans/\(planID)/bookings", token: desk, body: "{\(slot),\"note\":\"as-needed: loss of response\",\"asNeeded\":true}")
            #expect(status == .created && body["asNeeded"] as? Bool == true, "\(body)")
            let bookingID = try #require(body["id"] as? String)
            (_, body) = try await client.json(.get, path, token: desk)
            #expect(body["status"] as? String == "booked" && (body["decision"] as? [String: Any])?["bookingID"] as? String == bookingID)
            let (_, schedule) = try await client.json(.get, "/api/v1/schedule?from=\(LocalDate(utcDayOf: clock.now).description)", token: desk)
            let listed = (schedule["bookings"] as? [[String: Any]])?.first { $0["id"] as? String == bookingID }
            #expect(listed?["asNeeded"] as? Bool == true, "\(schedule)")
            // Nothing is proposed now: a second as-needed booking is refused naming the field, and nothing is booked.
            (status, body) = try await client.json(
                .post, "/api/v1/plans/\(planID)/bookings", token: desk,
                body: #"{"date":"\#(Self.bookingDay(clock))","time":"13:00","chair":"chair-4","nurse":"nurse.kim","note":"x","asNeeded":true}"#)
            #expect(status == .unprocessableContent && errorField(body) == "asNeeded", "\(body)")
            // Cancelled: the proposal returns.
            (status, body) = try await client.json(.post, "/api/v1/bookings/\(bookingID)/cancel", token: desk, body: #"{"reason":"patient away"}"#)
            #expect(status == .ok && body["asNeeded"] as? Bool == true, "\(body)")
            (_, body) = try await client.json(.get, path, token: desk)
            #expect(body["status"] as? String == "proposed")

            // Dismissing: prescribers only, with a reason, for the score they reviewed.
            let dismiss = "/api/v1/plans/\(planID)/as-needed/dismiss"
            (status, _) = try await client.json(.post, dismiss, token: nurse, body: #"{"reason":"seen today"}"#)
            #expect(status == .forbidden)
            (status, body) = try await client.json(.post, dismiss, token: doctor, body: #"{"reason":"  "}"#)
            #expect(status == .unprocessableContent && errorField(body) == "reason", "\(body)")
            (status, body) = try await client.json(.post, dismiss, token: doctor, body: #"{"reason":"x","note":"y"}"#)
            #expect(status == .badRequest && errorField(body) == "note", "\(body)")
            (status, body) = try await client.json(
                .post, dismiss, token: doctor, body: #"{"reason":"x","scoreAt":"\#(Self.iso(worseAt.addingTimeInterval(-Self.day)))"}"#)
            #expect(status == .unprocessableContent && errorField(body) == "scoreAt", "\(body)")
            (status, body) = try await client.json(
                .post, dismiss, token: doctor,
                body: #"{"reason":"exam stress; phone review in 1 week","scoreAt":"\#(Self.iso(worseAt))"}"#)
            #expect(status == .created && body["status"] as? String == "dismissed", "\(body)")
            let decisions = try #require(body["decisions"] as? [[String: Any]])
            #expect(decisions.map { $0["kind"] as? String } == ["booked", "dismissed"])
            #expect(decisions.last?["reason"] as? String == "exam stress; phone review in 1 week" && decisions.last?["by"] as? String == "dr.patel")
            (status, body) = try await client.json(.post, dismiss, token: doctor, body: #"{"reason":"again"}"#)
            #expect(status == .unprocessableContent && errorField(body) == "asNeeded", "\(body)")
            let afterDismissal = String(
                buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.authorization: "Bearer \(desk)"]).body)
            #expect(!afterDismissal.contains("/plans/\(planID)/schedule#as-needed"))

            // Audited with the patient; the failed attempts too.
            let clinicID = store.clinicID
            let events = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "plan.as_needed.dismiss", limit: 20), clinicID: clinicID, on: db)
            }
            #expect(events.contains { $0.outcome == .success && $0.patientID == patient && $0.actor == "dr.patel" })
            #expect(events.contains { $0.outcome == .failed && $0.detail == "invalid field=reason" })
            let bookings = try await store.database.read { db in
                try await AuditLog.events(AuditQuery(action: "booking.create", limit: 20), clinicID: clinicID, on: db)
            }
            #expect(bookings.contains { $0.detail.contains("as_needed=true") && $0.patientID == patient })

            // A newer, still worse score is a new proposal.
            try await advance(days: 7)
            try await Self.gad7(client, patient, [2, 2, 2, 2, 2, 2, 1], at: clock.now, token: nurse)
            (_, body) = try await client.json(.get, path, token: doctor)
            #expect(
                body["status"] as? String == "proposed"
                    && (body["finding"] as? [String: Any]).flatMap { $0["trigger"] as? [String: Any] }?["total"] as? Int == 13)
        }
    }

    @Test("the chart form dismisses with the reason; an unknown plan is 404; a plan outside maintenance proposes nothing")
    func formsAndEdges() async throws {
        let clock = TestClock()
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let (patient, planID) = try await Self.maintenancePatient(client, store, clock: clock, mrn: "KC-000006")
            clock.advance(by: 7 * Self.day)
            let doctor = try await client.token("dr.patel")
            let nurse = try await client.token("nurse.kim")
            try await Self.gad7(client, patient, [3, 2, 2, 2, 2, 1, 1], at: clock.now, token: nurse)
            let form = try await client.execute(
                uri: "/plans/\(planID)/as-needed/dismiss", method: .post,
                headers: [.authorization: "Bearer \(doctor)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "reason=discussed+with+patient%3B+declines+extra+session"))
            #expect(form.status == .seeOther)
            let (_, body) = try await client.json(.get, "/api/v1/plans/\(planID)/as-needed", token: doctor)
            #expect(body["status"] as? String == "dismissed", "\(body)")
            let chart = String(
                buffer: try await client.execute(uri: "/patients/\(patient)", method: .get, headers: [.authorization: "Bearer \(doctor)"]).body)
            #expect(chart.contains("discussed with patient; declines extra session"))
            let (missing, _) = try await client.json(.get, "/api/v1/plans/no-such-plan/as-needed", token: doctor)
            #expect(missing == .notFound)
            let (_, other) = try await client.json(
                .post, "/api/v1/patients/\(patient)/plans", token: doctor,
                body: #"{"template":"spravato-mdsi","startDate":"\#(LocalDate(utcDayOf: clock.now).description)"}"#)
            let otherID = try #require(other["id"] as? String, "\(other)")
            let (_, check) = try await client.json(.get, "/api/v1/plans/\(otherID)/as-needed", token: doctor)
            #expect(check["status"] as? String == "not_proposed" && check["noProposal"] as? String == "not_in_maintenance")
        }
    }

    @Test("Spravato MDSI (DOMAIN.md §4.4): offered to a clinic, 84 mg start, no maintenance; continuing past induction needs a reason")
    func spravatoMDSITemplate() async throws {
        try await WebHarness.withApp { client, store, _ in
            let doctor = try await client.token("dr.patel")
            let patient = try await MeasurementTests.patientID(store, "KC-000008")
            let (status, plan) = try await client.json(
                .post, "/api/v1/patients/\(patient)/plans", token: doctor,
                body: #"{"template":"spravato-mdsi","startDate":"\#(IntakeAndSchedulingTests.day(0))"}"#)
            #expect(status == .created && plan["route"] as? String == "intranasal-esketamine" && plan["inductionSessions"] as? Int == 8, "\(plan)")
            let chart = String(
                buffer: try await client.execute(uri: "/patients/\(patient)", method: .get, headers: [.authorization: "Bearer \(doctor)"]).body)
            #expect(chart.contains("Spravato — MDD with acute suicidal ideation") && chart.contains("beyond 4 weeks was not studied"))
        }
    }
}
