import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore

extension BenchCommand {
    /// `ketacare bench sessions`: vitals-set recording throughput against the trivial JSON route, and PK curve time (issue #5).
    struct Sessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vitals recording throughput (request → stored → alerts evaluated → audited) vs GET /api/v1/ping; PK curve (480 points) time.",
            discussion: "Uses SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set (a fresh clinic id). Build with -c release first."
        )

        @Option(help: "Seconds per throughput round.") var seconds = 4.0
        @Option(help: "Concurrent connections (one dosing session each).") var connections = 16
        @Option(help: "PK predictions to time.") var predictions = 500
        @Option(help: "Markdown file to append results to.") var out = "BENCHMARKS.md"

        func run() async throws {
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
            let storage = try BenchStorage()
            defer { storage.remove() }
            let storageArgs = storage.arguments
            let engine = storage.engine
            #if DEBUG
                let build = "debug"
            #else
                let build = "release"
            #endif

            // 1. PK curve, in process: 480 points over 240 min for 0.5 mg/kg IV over 40 min, 70 kg.
            let request = PKRequest(
                route: .intravenous, dose: .perKilogram(MilligramsPerKilogram("0.5")!), weight: 70, infusionDuration: 40,
                timesMinutes: ConcentrationCurve.uniformTimes(through: 240, count: 480))
            // The order screen's prediction also simulates a fine summary grid (0.25 min to 24 h: 5,760 points) for the peak
            // and the level crossing; the second timing shrinks that grid to the curve's own 480 points over 240 min.
            var curveOnly = PKPolicy.seed
            curveOnly.summaryHorizonMinutes = 240
            curveOnly.summaryStepMinutes = 0.5
            func time(_ policy: PKPolicy) throws -> (p50: Double, p99: Double) {
                for _ in 0..<20 { _ = try PKPredictor.predict(request, policy: policy) }
                var samples: [Double] = []
                for _ in 0..<predictions {
                    let start = DispatchTime.now().uptimeNanoseconds
                    _ = try PKPredictor.predict(request, policy: policy)
                    samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                }
                samples.sort()
                return (samples[samples.count / 2], samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))])
            }
            let (pkP50, pkP99) = try time(.seed)
            let (curveP50, curveP99) = try time(curveOnly)
            log(String(format: "PK prediction (480 points + 24 h summary grid): p50 %.3f ms, p99 %.3f ms", pkP50, pkP99))
            log(String(format: "PK curve 480 points (summary grid = the curve): p50 %.3f ms, p99 %.3f ms", curveP50, curveP99))

            // 2. A server with demo patients, one dosing session per connection.
            guard try runChild(executable, ["demo", "--patients", "200", "--seed", "1"] + storageArgs) == 0 else {
                throw BenchError("demo seeding failed")
            }
            let server = try ServerProcess(executable: executable, arguments: ["serve", "--port", "0"] + storageArgs)
            defer { server.stop() }
            let client = try HTTPLoadClient(port: server.port)
            let nurse = try token(client, "nurse.kim")
            let doctor = try token(client, "dr.patel")
            // Only patients with a consent and screening on record can be dosed (issue #10 "no record, no dose").
            let patients = (try json(client, "GET", "/api/v1/patients?q=KC-000&limit=200", nurse)["patients"] as? [[String: Any]] ?? [])
                .filter { DemoClinic.hasRecords(mrnNumber: Int(String(($0["mrn"] as? String ?? "").suffix(6))) ?? 0) }
            guard patients.count >= connections else { throw BenchError("need \(connections) patients, found \(patients.count)") }
            var sessions: [String] = []
            for patient in patients.prefix(connections) {
                sessions.append(try dosingSession(client, patient: patient["id"] as? String ?? "", nurse: nurse, doctor: doctor))
            }
            log("\(sessions.count) sessions dosing")
            let dosing = sessions

            // 3. Alternating rounds: trivial route vs vitals sets (every 10th crosses the stop-dosing threshold).
            let auth = ["Authorization": "Bearer \(nurse)", "Content-Type": "application/json"]
            var pingRates: [Double] = []
            var vitalsRates: [Double] = []
            for round in 0..<3 {
                pingRates.append(
                    try Self.throughput(port: server.port, seconds: seconds, connections: connections) { client, _, _ in
                        let r = try client.request("GET", "/api/v1/ping")
                        guard r.status == 200 else { throw BenchError("ping answered \(r.status)") }
                    })
                vitalsRates.append(
                    try Self.throughput(port: server.port, seconds: seconds, connections: connections) { client, worker, i in
                        let systolic = i % 10 == 9 ? 185 : 118 + i % 20
                        let body = #"{"systolic":\#(systolic),"diastolic":78,"heart_rate":74,"spo2":98,"respiratory_rate":14}"#
                        let r = try client.request("POST", "/api/v1/sessions/\(dosing[worker])/vitals", headers: auth, body: body)
                        guard r.status == 201 else { throw BenchError("vitals answered \(r.status): \(String(decoding: r.body, as: UTF8.self))") }
                    })
                log(String(format: "round %d: ping %.0f req/s, vitals %.0f sets/s", round + 1, pingRates.last!, vitalsRates.last!))
            }
            server.stop()
            let ping = pingRates.sorted()[1]
            let vitals = vitalsRates.sorted()[1]
            let date = ISO8601DateFormatter().string(from: Date())
            let report = """

                ## Sessions — \(engine), \(date)

                Machine: \(Platform.machine()). Build: \(build). Client: `ketacare bench sessions`, \(connections) keep-alive connections on \
                loopback (one dosing session each), same machine (client and server share the cores). A vitals set is one audited \
                transaction: load the session, check plausibility, evaluate the §6.5 thresholds against the pre-dose set, append the \
                timeline entry and any alert, bump the session version (compare-and-swap), append the hash-chained audit event.

                | Measure | Result | Goal |
                |---|---|---|
                | Trivial JSON route `GET /api/v1/ping` (median of 3 rounds) | \(String(format: "%.0f", ping)) req/s | — |
                | Vitals set `POST /api/v1/sessions/{id}/vitals` (median of 3 rounds; 1 in 10 raises a stop-dosing alert) | \(String(format: "%.0f", vitals)) sets/s | ≥ 5,000/s (SQLite) |
                | Vitals ÷ trivial (ratio of medians) | \(String(format: "%.2f", vitals / ping)) | ≥ 0.5 |
                | PK curve, 480 points over 240 min (0.5 mg/kg IV over 40 min, in process, \(predictions) runs) | p50 \(String(format: "%.3f", curveP50)) ms, p99 \(String(format: "%.3f", curveP99)) ms | ≤ 1 ms |
                | PK prediction as the order screen runs it (the 480 points + a 5,760-point 24 h summary grid for peak and level) | p50 \(String(format: "%.3f", pkP50)) ms, p99 \(String(format: "%.3f", pkP99)) ms | — |

                """
            print(report)
            if let handle = FileHandle(forWritingAtPath: out) {
                handle.seekToEndOfFile()
                handle.write(Data(report.utf8))
                try handle.close()
            } else {
                try ("# KetaCare benchmarks\n" + report).write(toFile: out, atomically: true, encoding: .utf8)
            }
        }

        private func log(_ line: String) { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }

        private func token(_ client: HTTPLoadClient, _ username: String) throws -> String {
            let r = try client.request(
                "POST", "/api/v1/auth/token", headers: ["Content-Type": "application/json"],
                body: #"{"username":"\#(username)","password":"\#(DemoClinic.password)"}"#)
            guard let object = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any], let token = object["token"] as? String else {
                throw BenchError("sign-in as \(username) failed: \(r.status)")
            }
            return token
        }

        private func json(_ client: HTTPLoadClient, _ method: String, _ path: String, _ token: String, _ body: String? = nil) throws -> [String: Any]
        {
            let r = try client.request(
                method, path, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: body)
            guard (200..<300).contains(r.status) else {
                throw BenchError("\(method) \(path) answered \(r.status): \(String(decoding: r.body, as: UTF8.self))")
            }
            return (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
        }

        /// Checks a patient in and takes the session to dosing through the real API (order, double check, checks, pre-dose vitals).
        private func dosingSession(_ client: HTTPLoadClient, patient: String, nurse: String, doctor: String) throws -> String {
            _ = try json(client, "POST", "/api/v1/patients/\(patient)/measurements", nurse, #"{"kind":"weight","value":70}"#)
            let id = try json(client, "POST", "/api/v1/patients/\(patient)/sessions", nurse, #"{"route":"iv"}"#)["id"] as? String ?? ""
            let s = "/api/v1/sessions/\(id)"
            _ = try json(
                client, "POST", "\(s)/order", doctor,
                #"{"dose_mg_per_kg":0.5,"concentration_mg_per_ml":1,"infusion_min":40,"weight_change_confirmed":true}"#)
            _ = try json(client, "POST", "\(s)/order/verify", nurse)
            var version = try json(client, "GET", s, nurse)["version"] as? Int ?? 0
            version =
                try json(
                    client, "PUT", "\(s)/checks", nurse,
                    #"{"version":\#(version),"identity":true,"consent":true,"eligibility":true,"fasting":true,"escort":true,"pregnancy":"not_applicable","medications_reviewed":true,"questionnaires_done":true}"#
                )["version"] as? Int ?? 0
            version =
                try json(
                    client, "POST", "\(s)/vitals", nurse, #"{"systolic":118,"diastolic":76,"heart_rate":70,"spo2":98,"respiratory_rate":14}"#)[
                    "version"] as? Int ?? 0
            // The prescriber's risk review of any open questionnaire safety alert (issue #10: an open PHQ-9 item 9 stops the dose).
            let open = try json(client, "GET", "/api/v1/alerts?status=open&patient=\(patient)", doctor)["alerts"] as? [[String: Any]] ?? []
            for alert in open {
                _ = try json(
                    client, "POST", "/api/v1/alerts/\(alert["id"] as? String ?? "")/acknowledge", doctor,
                    #"{"note":"risk review: seen today, C-SSRS negative, safe to proceed"}"#)
            }
            _ = try json(client, "POST", "\(s)/transitions", nurse, #"{"to":"dosing","version":\#(version)}"#)
            return id
        }

        static func throughput(
            port: Int, seconds: Double, connections: Int, _ body: @escaping @Sendable (HTTPLoadClient, Int, Int) throws -> Void
        ) throws -> Double {
            let total = Tally()
            let failure = LockedBox<String?>(nil)
            let group = DispatchGroup()
            let deadline = Date().addingTimeInterval(seconds)
            let start = Date()
            for worker in 0..<connections {
                group.enter()
                let thread = Thread {
                    defer { group.leave() }
                    do {
                        let client = try HTTPLoadClient(port: port)
                        var i = 0
                        while Date() < deadline {
                            try body(client, worker, i)
                            i += 1
                        }
                        total.add(i)
                    } catch {
                        failure.set("\(error)")
                    }
                }
                thread.start()
            }
            group.wait()
            if let message = failure.get() { throw BenchError(message) }
            return Double(total.value) / Date().timeIntervalSince(start)
        }
    }
}

/// A count several benchmark threads add to.
private final class Tally: @unchecked Sendable {
    private var total = 0
    private let lock = NSLock()

    func add(_ count: Int) { lock.withLock { total += count } }

    var value: Int { lock.withLock { total } }
}
