import Foundation
import HTTPTypes
import HummingbirdTesting
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import NIOCore
import Testing

@Suite("Session side effects, rescue medications and safety check-ins over HTTP (issue #5)")
struct SessionSideEffectTests {
    static func form(_ client: some TestClientProtocol, _ uri: String, token: String, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body))
    }

    static func page(_ client: some TestClientProtocol, _ uri: String, token: String) async throws -> String {
        let response = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"])
        #expect(response.status == .ok, "\(uri)")
        return String(buffer: response.body)
    }

    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: .iso8601)) ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    static func message(_ body: [String: Any]) -> String { ((body["error"] as? [String: Any])?["message"] as? String) ?? "" }

    @Test(
        "Side effects raise alerts for alerting items only, unknown codes are refused naming the field with nothing stored, rescue medications are stored and bad doses refused, all refused once signed"
    )
    func sideEffectsAndRescue() async throws {
        let clock = TestClock()
        clock.advance(by: SessionTests.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let patient = try await SessionTests.patient(store, "KC-000005")
            var (status, body) = try await client.json(.post, "/api/v1/patients/\(patient)/sessions", token: nurse, body: #"{"route":"iv"}"#)
            #expect(status == .created)
            let id = try #require(body["id"] as? String)
            let s = "/api/v1/sessions/\(id)"

            // Nausea alone raises nothing; vomiting is a §6.5 warning, shown at once and open until acknowledged.
            (status, body) = try await client.json(
                .post, "\(s)/side-effects", token: nurse,
                body: #"{"side_effects":["nausea"],"severities":{"nausea":"mild"},"note":"after the drink"}"#)
            #expect(status == .created, "\(body)")
            #expect((body["alerts"] as? [Any])?.isEmpty == true)
            #expect((body["side_effects"] as? [[String: Any]])?.first?["severity"] as? String == "mild")
            (status, body) = try await client.json(.post, "\(s)/side-effects", token: nurse, body: #"{"side_effects":["vomiting"]}"#)
            #expect(status == .created)
            let raised = try #require(body["alerts"] as? [[String: Any]])
            #expect(raised.map { $0["key"] as? String } == ["alerts.side_effect.vomiting"])
            #expect(raised.first?["level"] as? String == "warning")
            (status, body) = try await client.json(.post, "\(s)/side-effects", token: nurse, body: #"{"side_effects":[]}"#)
            #expect(status == .created)
            #expect(body["is_none"] as? Bool == true)

            (status, body) = try await client.json(.get, s, token: nurse)
            let version = SessionTests.version(body)
            let alerts = try #require(body["alerts"] as? [[String: Any]])
            #expect(alerts.contains { $0["key"] as? String == "alerts.side_effect.vomiting" && $0["is_open"] as? Bool == true })
            #expect((body["side_effect_checks"] as? [Any])?.count == 3)
            let timeline = (body["timeline"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(timeline.contains("side effects: Nausea (mild) — after the drink"), "\(timeline)")
            #expect(timeline.contains("side effects: none"))

            // An unknown code: refused naming side_effects[i] with the allowed codes; nothing stored, no alert, version unchanged.
            (status, body) = try await client.json(.post, "\(s)/side-effects", token: nurse, body: #"{"side_effects":["vomiting","hiccups"]}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "side_effects[1]")
            #expect(Self.message(body).contains("nausea, vomiting"), "\(Self.message(body))")
            (status, body) = try await client.json(.post, "\(s)/side-effects", token: nurse, body: #"{"side_effects":[],"bogus":1}"#)
            #expect(status == .badRequest)
            #expect(errorField(body) == "bogus")
            (status, body) = try await client.json(.get, s, token: nurse)
            #expect(SessionTests.version(body) == version)
            #expect((body["side_effect_checks"] as? [Any])?.count == 3)
            #expect((body["alerts"] as? [Any])?.count == alerts.count)

            // The run-sheet form: ticked boxes with severities.
            var response = try await Self.form(
                client, "/sessions/\(id)/side-effects", token: nurse,
                "side_effect_headache=true&severity_headache=moderate&severity_nausea=severe&note=")
            #expect(response.status == .seeOther)
            response = try await Self.form(client, "/sessions/\(id)/side-effects", token: nurse, "note=nothing+ticked")
            #expect(response.status == .unprocessableContent)

            // Rescue medication: stored on the timeline; a dose beyond the drug's ceiling is refused naming the field and the range.
            (status, body) = try await client.json(
                .post, "\(s)/rescue-medications", token: nurse, body: #"{"drug":"Ondansetron","dose_mg":4,"route":"iv","indication":"nausea"}"#)
            #expect(status == .created, "\(body)")
            #expect(body["drug"] as? String == "ondansetron")
            #expect(body["given_by"] as? String == "nurse.kim")
            (status, body) = try await client.json(
                .post, "\(s)/rescue-medications", token: nurse, body: #"{"drug":"ondansetron","dose_mg":40,"route":"iv"}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "dose_mg")
            #expect(Self.message(body).contains("greater than 0 mg and at most 16 mg"), "\(Self.message(body))")
            (status, body) = try await client.json(
                .post, "\(s)/rescue-medications", token: nurse, body: #"{"drug":"lorazepam","dose_mg":1,"route":"rectal"}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "route")
            response = try await Self.form(
                client, "/sessions/\(id)/rescue-medications", token: nurse, "drug=lorazepam&dose_mg=1&route=sl&indication=")
            #expect(response.status == .seeOther)
            (status, body) = try await client.json(.get, s, token: nurse)
            let rescue = try #require(body["rescue_medications"] as? [[String: Any]])
            #expect(rescue.compactMap { $0["drug"] as? String } == ["ondansetron", "lorazepam"])
            #expect(
                (body["timeline"] as? [[String: Any]] ?? []).contains {
                    $0["text"] as? String == "rescue medication: ondansetron 4 mg iv (nausea), given by nurse.kim"
                })

            let sheet = try await Self.page(client, "/sessions/\(id)", token: nurse)
            #expect(sheet.contains(#"id="side-effects-form""#) && sheet.contains(#"id="rescue-form""#))
            #expect(sheet.contains("Headache (moderate)") && sheet.contains("ondansetron"))
            let print = try await Self.page(client, "/sessions/\(id)/print", token: nurse)
            #expect(print.contains("Nausea (mild)") && print.contains("ondansetron 4 mg iv for nausea"), "\(print)")

            // Signed and locked: both entries refused like any other.
            (status, body) = try await client.json(.get, s, token: nurse)
            (status, body) = try await client.json(
                .post, "\(s)/transitions", token: nurse,
                body: #"{"to":"stopped_early","reason":"patient declined","version":\#(SessionTests.version(body))}"#)
            #expect(status == .ok, "\(body)")
            (status, body) = try await client.json(.post, "\(s)/sign", token: nurse, body: #"{"version":\#(SessionTests.version(body))}"#)
            #expect(status == .ok, "\(body)")
            (status, body) = try await client.json(.post, "\(s)/side-effects", token: nurse, body: #"{"side_effects":["nausea"]}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "session")
            (status, body) = try await client.json(
                .post, "\(s)/rescue-medications", token: nurse, body: #"{"drug":"ondansetron","dose_mg":4,"route":"iv"}"#)
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "session")
        }
    }

    @Test("A check-in is stored and moves the chart's next-due date; a yes to blood flags the chart; bad answers are refused by field")
    func checkIns() async throws {
        let clock = TestClock()
        clock.advance(by: SessionTests.noonToday().timeIntervalSince(clock.now))
        try await WebHarness.withApp(now: { clock.now }) { client, store, _ in
            let nurse = try await client.token("nurse.kim")
            let patient = try await SessionTests.patient(store, "KC-000007")
            let uri = "/api/v1/patients/\(patient)/check-ins"
            func row(_ html: String, _ kind: String) -> String {
                guard let start = html.range(of: #"<tr id="check-in-\#(kind)">"#),
                    let end = html.range(of: "</tr>", range: start.upperBound..<html.endIndex)
                else { return "" }
                return String(html[start.lowerBound..<end.upperBound])
            }

            var (status, body) = try await client.json(.get, uri, token: nurse)
            #expect(status == .ok)
            #expect((body["check_ins"] as? [Any])?.isEmpty == true)
            let dueBefore = try #require((body["due"] as? [[String: Any]])?.first { $0["kind"] as? String == "bladder" })
            #expect(dueBefore["is_due"] as? Bool == true)
            var chart = try await Self.page(client, "/patients/\(patient)", token: nurse)
            #expect(row(chart, "bladder").contains("never") && row(chart, "bladder").contains("due now"), "\(row(chart, "bladder"))")
            #expect(chart.contains(#"id="check-in-form-bladder""#))

            let none = #""frequency":false,"urgency":false,"pain":false"#
            (status, body) = try await client.json(.post, uri, token: nurse, body: "{\"kind\":\"bladder\",\"answers\":{\(none)}}")
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "answers.blood")
            (status, body) = try await client.json(.post, uri, token: nurse, body: "{\"kind\":\"kidney\",\"answers\":{}}")
            #expect(status == .unprocessableContent)
            #expect(errorField(body) == "kind")
            (status, body) = try await client.json(.get, uri, token: nurse)
            #expect((body["check_ins"] as? [Any])?.isEmpty == true)

            (status, body) = try await client.json(.post, uri, token: nurse, body: "{\"kind\":\"bladder\",\"answers\":{\(none),\"blood\":false}}")
            #expect(status == .created, "\(body)")
            let due = try #require((body["due"] as? [[String: Any]])?.first { $0["kind"] as? String == "bladder" })
            #expect(due["is_due"] as? Bool == false)
            let dueAt = try #require((due["due_at"] as? String).flatMap(Self.date))
            #expect(abs(dueAt.timeIntervalSince(clock.now.addingTimeInterval(90 * 86_400))) < 1)
            chart = try await Self.page(client, "/patients/\(patient)", token: nurse)
            #expect(!row(chart, "bladder").contains("due now") && row(chart, "bladder").contains("by nurse.kim"), "\(row(chart, "bladder"))")
            #expect(row(chart, "cognition").contains("due now"))
            #expect(!chart.contains("check-in-flag"))

            // A later check-in by the chart's form with blood in the urine: stored, and the chart flags it for review.
            clock.advance(by: 60)
            let response = try await Self.form(
                client, "/patients/\(patient)/check-ins", token: nurse,
                "kind=bladder&answer_frequency=no&answer_urgency=yes&answer_pain=no&answer_blood=yes&note=dipstick+positive")
            #expect(response.status == .seeOther)
            chart = try await Self.page(client, "/patients/\(patient)", token: nurse)
            #expect(chart.contains("check-in-flag") && chart.contains("Blood in the urine"))
            (status, body) = try await client.json(.get, uri, token: nurse)
            let list = try #require(body["check_ins"] as? [[String: Any]])
            #expect(list.count == 2)
            #expect((list.first?["flags"] as? [[String: Any]])?.map { $0["code"] as? String } == ["blood"])
            #expect(list.first?["note"] as? String == "dipstick positive")

            let frontdesk = try await client.token("frontdesk.lee")
            (status, _) = try await client.json(.post, uri, token: frontdesk, body: "{\"kind\":\"cognition\",\"answers\":{}}")
            #expect(status == .forbidden)
        }
    }
}
