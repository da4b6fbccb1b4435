import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore

/// `ketacare bench outcomes`: scoring throughput of the core, and the cohort report at clinic-group scale (issue #3).
struct BenchOutcomes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Scoring throughput (single core) and cohort report latency over demo patients with 10 responses each.",
        discussion: "Uses SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set (a fresh clinic id). Build with -c release first."
    )

    @Option(help: "Synthetic patients to seed (each gets 5 GAD-7 and 5 PHQ-9 responses).") var patients = 100_000
    @Option(help: "Responses scored per throughput round.") var scores = 300_000
    @Option(help: "Sequential requests per latency measurement.") var requests = 40
    @Option(help: "Markdown file to append results to.") var out = "BENCHMARKS.md"

    func run() async throws {
        #if DEBUG
            let build = "debug"
        #else
            let build = "release"
        #endif
        // 1. Scoring throughput: the same core the web, API and CLI use, on one thread, over precomputed answer sets.
        let library = try InstrumentLibrary.bundled()
        let instruments = try ["gad7", "phq9", "pcl5", "hama"].map { try library.instrument(named: $0) }
        var rng = SeededGenerator(seed: 5)
        let inputs: [(Instrument, [Int?])] = (0..<10_000).map { i in
            let instrument = instruments[i % instruments.count]
            return (instrument, instrument.items.map { item in item.allowedValues.randomElement(using: &rng) })
        }
        let policy = ClinicPolicy.seed.scoring
        var rates: [Double] = []
        var checksum = 0
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            for i in 0..<scores {
                let (instrument, answers) = inputs[i % inputs.count]
                checksum &+= try ScoringEngine.score(instrument, answers: answers, policy: policy).total ?? 0
            }
            rates.append(Double(scores) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        }
        let scoringRate = rates.sorted()[1]
        log(String(format: "scoring: %.0f responses/s (median of 3 rounds of %d; checksum %d)", scoringRate, scores, checksum))

        // 2. Cohort report over a seeded clinic, through a real server.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let storage = try BenchStorage()
        defer { storage.remove() }
        let storageArgs = storage.arguments
        let engine = storage.engine
        let seedStart = Date()
        guard try runChild(executable, ["demo", "--patients", String(patients), "--seed", "1"] + storageArgs) == 0 else {
            throw BenchError("demo seeding failed")
        }
        let seedSeconds = Date().timeIntervalSince(seedStart)
        log(String(format: "demo with measurements, %d patients: %.1f s", patients, seedSeconds))
        let server = try ServerProcess(executable: executable, arguments: ["serve", "--port", "0"] + storageArgs)
        defer { server.stop() }
        let client = try HTTPLoadClient(port: server.port)
        let login = try client.request(
            "POST", "/api/v1/auth/token", headers: ["Content-Type": "application/json"],
            body: #"{"username":"compliance.ortiz","password":"\#(DemoClinic.password)"}"#)
        guard let object = try JSONSerialization.jsonObject(with: Data(login.body)) as? [String: Any], let token = object["token"] as? String else {
            throw BenchError("sign-in failed: \(login.status)")
        }
        let auth = ["Authorization": "Bearer \(token)"]
        let oneYearAgo = LocalDate(utcDayOf: Date().addingTimeInterval(-365 * 86_400)).description
        let targets = [
            ("Cohort page `GET /outcomes` (HTML, GAD-7, all dates)", "/outcomes?instrument=gad7"),
            ("Cohort API, PHQ-9, baselines in the last year", "/api/v1/outcomes/cohort?instrument=phq9&from=\(oneYearAgo)"),
            ("Cohort CSV `GET /outcomes.csv`", "/outcomes.csv?instrument=gad7"),
        ]
        var rows: [String] = []
        for (label, path) in targets {
            var samples: [Double] = []
            for i in 0..<(requests + 3) {
                let start = DispatchTime.now().uptimeNanoseconds
                let r = try client.request("GET", path, headers: auth)
                guard r.status == 200 else { throw BenchError("\(path) answered \(r.status)") }
                if i >= 3 { samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
            }
            samples.sort()
            let p50 = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]
            log(String(format: "%@: median %.1f ms, p99 %.1f ms", label, p50, p99))
            rows.append(
                "| \(label), \(requests) sequential | median \(String(format: "%.1f", p50)) ms, p99 \(String(format: "%.1f", p99)) ms | median ≤ 200 ms |"
            )
        }
        server.stop()
        let report = """

            ## Outcomes — \(engine), \(ISO8601DateFormatter().string(from: Date()))

            Machine: \(BenchCommand.Platform.machine()). Build: \(build). Data: \(patients) demo patients with \(patients * DemoClinic.scoresPerInstrument * 2) \
            questionnaire responses (seed 1). Client: `ketacare bench outcomes`, one connection on loopback.

            | Measure | Result | Goal |
            |---|---|---|
            | Scoring core, single thread (GAD-7, PHQ-9, PCL-5, HAM-A mix; median of 3 rounds) | \(String(format: "%.0f", scoringRate)) responses/s | — |
            | `ketacare demo --patients \(patients)` with measurement histories | \(String(format: "%.1f s", seedSeconds)) | — |
            \(rows.joined(separator: "\n"))

            """
        print(report)
        if let handle = FileHandle(forWritingAtPath: out) {
            handle.seekToEndOfFile()
            handle.write(Data(report.utf8))
            try handle.close()
        }
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
    }
}
