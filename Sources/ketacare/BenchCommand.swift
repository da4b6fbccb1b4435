import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore

#if canImport(Glibc)
    import Glibc
#endif

/// `ketacare bench platform`: the platform's speed and memory goals, measured against a real server process.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks; results are appended to BENCHMARKS.md.",
        subcommands: [Platform.self, BenchOutcomes.self, Sessions.self]
    )

    struct Platform: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Demo seeding, start-up, idle memory, search and chart latency, create throughput vs a trivial route.",
            discussion: "Uses SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set (a fresh clinic id). Build with -c release first."
        )

        @Option(help: "Synthetic patients to seed.") var patients = 100_000
        @Option(help: "Sequential requests per latency measurement.") var requests = 2000
        @Option(help: "Seconds per throughput round.") var seconds = 4.0
        @Option(help: "Concurrent connections for throughput.") var connections = 16
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
            log("engine \(engine), build \(build), \(patients) patients")

            // 1. Seeding.
            let seedStart = Date()
            let demo = try runChild(executable, ["demo", "--patients", String(patients), "--seed", "1"] + storageArgs)
            guard demo == 0 else { throw BenchError("demo seeding failed (exit \(demo))") }
            let seedSeconds = Date().timeIntervalSince(seedStart)
            log(String(format: "demo --patients %d: %.1f s", patients, seedSeconds))

            // 2. Start-up to first answered request, then idle memory.
            let server = try ServerProcess(executable: executable, arguments: ["serve", "--port", "0"] + storageArgs)
            defer { server.stop() }
            log(String(format: "start-up to first answered request: %.0f ms", server.startupSeconds * 1000))
            try await Task.sleep(for: .seconds(2))
            let idleRSS = server.residentMegabytes()
            log(String(format: "idle RSS: %.1f MB", idleRSS))

            // 3. Latency.
            let client = try HTTPLoadClient(port: server.port)
            let token = try signIn(client)
            let auth = ["Authorization": "Bearer \(token)"]
            var rng = SeededGenerator(seed: 99)
            let prefixes =
                DemoClinic.family.map { String(SearchKey.normalize($0).prefix(3)) }
                + DemoClinic.givenFemale.map { String(SearchKey.normalize($0).prefix(2)) }
            func searchQuery() -> String {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<6: return prefixes.randomElement(using: &rng)!
                case 6..<8: return String(format: "KC-%05d", Int.random(in: 0..<(max(1, patients / 10)), using: &rng))
                default:
                    return String(
                        format: "19%02d-%02d-%02d", Int.random(in: 50...99, using: &rng), Int.random(in: 1...12, using: &rng),
                        Int.random(in: 1...28, using: &rng))
                }
            }
            var ids: [String] = []
            for _ in 0..<50 {
                let response = try client.request("GET", "/api/v1/patients?q=\(prefixes.randomElement(using: &rng)!)&limit=20", headers: auth)
                if let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                    let list = object["patients"] as? [[String: Any]]
                {
                    ids += list.compactMap { $0["id"] as? String }
                }
            }
            guard !ids.isEmpty else { throw BenchError("search returned no patients") }
            let searchLatency = try measure(requests) {
                let q = searchQuery().addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
                let r = try client.request("GET", "/api/v1/patients?q=\(q)&limit=50", headers: auth)
                guard r.status == 200 else { throw BenchError("search answered \(r.status)") }
            }
            log(String(format: "patient search: p50 %.2f ms, p99 %.2f ms", searchLatency.p50, searchLatency.p99))
            let chartLatency = try measure(requests) {
                let r = try client.request("GET", "/patients/\(ids.randomElement(using: &rng)!)", headers: auth)
                guard r.status == 200 else { throw BenchError("chart answered \(r.status)") }
            }
            log(String(format: "chart page: p50 %.2f ms, p99 %.2f ms", chartLatency.p50, chartLatency.p99))

            // 4. Throughput: trivial route vs patient create, alternating rounds; medians.
            var pingRates: [Double] = []
            var createRates: [Double] = []
            for round in 0..<3 {
                pingRates.append(
                    try throughput(port: server.port, seconds: seconds, connections: connections) { client, _, _ in
                        let r = try client.request("GET", "/api/v1/ping")
                        guard r.status == 200 else { throw BenchError("ping answered \(r.status)") }
                    })
                createRates.append(
                    try throughput(port: server.port, seconds: seconds, connections: connections) { client, worker, i in
                        let body =
                            #"{"mrn":"BN\#(round)-\#(worker)-\#(i)","legalGivenName":"Bench","legalFamilyName":"Patient\#(i)","dateOfBirth":"1980-01-01","sexAtBirth":"female"}"#
                        let r = try client.request(
                            "POST", "/api/v1/patients", headers: auth.merging(["Content-Type": "application/json"]) { a, _ in a }, body: body)
                        guard r.status == 201 else { throw BenchError("create answered \(r.status): \(String(decoding: r.body, as: UTF8.self))") }
                    })
                log(String(format: "round %d: ping %.0f req/s, create %.0f req/s", round + 1, pingRates.last!, createRates.last!))
            }
            let pingMedian = median(pingRates)
            let createMedian = median(createRates)
            let loadedRSS = server.residentMegabytes()
            server.stop()

            let machine = Self.machine()
            let date = ISO8601DateFormatter().string(from: Date())
            let report = """

                ## Platform — \(engine), \(date)

                Machine: \(machine). Build: \(build). Data: \(patients) demo patients (seed 1). Client: `ketacare bench platform`, \
                \(connections) keep-alive connections on loopback, same machine (client and server share the cores).

                | Measure | Result | Goal |
                |---|---|---|
                | `ketacare demo --patients \(patients)` | \(String(format: "%.1f s", seedSeconds)) | ≤ 60 s |
                | Start-up to first answered request | \(String(format: "%.0f ms", server.startupSeconds * 1000)) | ≤ 1 s |
                | Idle RSS (after start-up, 2 s idle) | \(String(format: "%.1f MB", idleRSS)) | ≤ 80 MB |
                | RSS after the load below | \(String(format: "%.1f MB", loadedRSS)) | — |
                | Patient search, \(requests) sequential requests | p50 \(String(format: "%.2f", searchLatency.p50)) ms, p99 \(String(format: "%.2f", searchLatency.p99)) ms | p99 ≤ 10 ms |
                | Chart page (HTML, audited read), \(requests) sequential | p50 \(String(format: "%.2f", chartLatency.p50)) ms, p99 \(String(format: "%.2f", chartLatency.p99)) ms | p99 ≤ 25 ms |
                | Trivial JSON route `GET /api/v1/ping` (median of 3 rounds) | \(String(format: "%.0f", pingMedian)) req/s | — |
                | Patient create `POST /api/v1/patients` (median of 3 rounds) | \(String(format: "%.0f", createMedian)) req/s | — |
                | Create ÷ trivial (ratio of medians) | \(String(format: "%.2f", createMedian / pingMedian)) | ≥ 0.5 |

                """
            print(report)
            if let handle = FileHandle(forWritingAtPath: out) {
                handle.seekToEndOfFile()
                handle.write(Data(report.utf8))
                try handle.close()
            } else {
                try ("# KetaCare benchmarks\n\nMedians and ratios measured in one run; these machines are noisy.\n" + report).write(
                    toFile: out, atomically: true, encoding: .utf8)
            }
        }

        private func log(_ line: String) {
            FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
        }

        private func signIn(_ client: HTTPLoadClient) throws -> String {
            let r = try client.request(
                "POST", "/api/v1/auth/token", headers: ["Content-Type": "application/json"],
                body: #"{"username":"nurse.kim","password":"\#(DemoClinic.password)"}"#
            )
            guard let object = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any], let token = object["token"] as? String else {
                throw BenchError("sign-in failed: \(r.status)")
            }
            return token
        }

        private func measure(_ count: Int, _ body: () throws -> Void) throws -> (p50: Double, p99: Double) {
            for _ in 0..<min(200, count) { try body() }
            var samples: [Double] = []
            samples.reserveCapacity(count)
            for _ in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            }
            samples.sort()
            return (samples[samples.count / 2], samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))])
        }

        private func throughput(
            port: Int, seconds: Double, connections: Int, _ body: @escaping @Sendable (HTTPLoadClient, Int, Int) throws -> Void
        ) throws -> Double {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: connections)
            counts.initialize(repeating: 0)
            defer { counts.deallocate() }
            let failure = LockedBox<String?>(nil)
            let group = DispatchGroup()
            let deadline = Date().addingTimeInterval(seconds)
            let start = Date()
            nonisolated(unsafe) let shared = counts
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
                        shared[worker] = i
                    } catch {
                        failure.set("\(error)")
                    }
                }
                thread.start()
            }
            group.wait()
            if let message = failure.get() { throw BenchError(message) }
            return Double(counts.reduce(0, +)) / Date().timeIntervalSince(start)
        }

        private func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted[sorted.count / 2]
        }

        static func machine() -> String {
            let cpu =
                (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
                .first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
            let memory =
                (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?.split(separator: "\n").first?
                .split(separator: " ").dropFirst().first { !$0.isEmpty }.flatMap { Double($0) }.map { String(format: "%.0f GiB", $0 / 1_048_576) }
                ?? "?"
            return "\(ProcessInfo.processInfo.activeProcessorCount) cores (\(cpu)), \(memory) RAM, Linux"
        }
    }
}

/// Where a benchmark's server and seeding write: a temporary SQLite file, or a fresh clinic id on DATABASE_URL's PostgreSQL.
struct BenchStorage {
    /// `--database FILE` or `--clinic ID`, for the child `ketacare` commands.
    let arguments: [String]
    /// `SQLite` or `PostgreSQL`, for the report.
    let engine: String
    private let folder: String?

    /// Chooses the engine from the environment and prepares the storage.
    init() throws {
        if !(ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").isEmpty {
            arguments = ["--clinic", "bench-\(UUID().uuidString.prefix(8).lowercased())"]
            engine = "PostgreSQL"
            folder = nil
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ketacare-bench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            arguments = ["--database", "\(dir)/bench.sqlite"]
            engine = "SQLite"
            folder = dir
        }
    }

    /// Deletes the temporary SQLite folder (a PostgreSQL bench clinic is left for inspection).
    func remove() {
        if let folder { try? FileManager.default.removeItem(atPath: folder) }
    }
}

/// A value shared between benchmark threads.
final class LockedBox<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func get() -> T { lock.withLock { value } }
    func set(_ newValue: T) { lock.withLock { value = newValue } }
}

/// Runs a child `ketacare` and waits; its output goes to our standard error.
func runChild(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.standardError
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// A `ketacare serve` child process: its port, start-up time and memory.
final class ServerProcess {
    let process = Process()
    let port: Int
    let startupSeconds: Double

    init(executable: String, arguments: [String]) throws {
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        let start = Date()
        try process.run()
        // The first stdout line names the URL with the port the server chose.
        var text = ""
        while !text.contains("\n") {
            let data = pipe.fileHandleForReading.availableData
            guard !data.isEmpty else { throw BenchError("server exited before it printed its address") }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
            let port = Int(text[range].split(separator: ":").last ?? "")
        else { throw BenchError("no port in: \(text)") }
        self.port = port
        while true {
            if let client = try? HTTPLoadClient(port: port), let r = try? client.request("GET", "/health"), r.status == 200 { break }
            guard Date().timeIntervalSince(start) < 60 else { throw BenchError("server did not answer /health within 60 s") }
            usleep(2000)
        }
        startupSeconds = Date().timeIntervalSince(start)
    }

    func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = line.split(separator: " ").compactMap({ Double($0) }).first
        else { return .nan }
        return kb / 1024
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
