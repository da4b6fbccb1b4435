import ArgumentParser
import Foundation
import Hummingbird
import KetaCareDomain
import KetaCareStore
import KetaCareWeb
import Logging

/// `ketacare serve`: the web application and JSON API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the KetaCare web server.")

    @OptionGroup var db: DatabaseOptions

    @Option(help: "Address to listen on (KETACARE_HOST).")
    var host: String = ProcessInfo.processInfo.environment["KETACARE_HOST"] ?? "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (KETACARE_PORT).")
    var port: Int = Int(ProcessInfo.processInfo.environment["KETACARE_PORT"] ?? "") ?? 8080

    @Flag(help: "Seed a demo clinic (staff for every role, synthetic patients) when the database has no patients.")
    var demo = false

    @Option(help: "How many synthetic patients --demo seeds.")
    var demoPatients = 50

    @Flag(help: "Mark cookies Secure: use when served over TLS (KETACARE_SECURE_COOKIES=1).")
    var secureCookies = ProcessInfo.processInfo.environment["KETACARE_SECURE_COOKIES"] == "1"

    @Flag(help: "Trust X-Forwarded-For from a load balancer for the client address (KETACARE_TRUST_PROXY=1).")
    var trustProxy = ProcessInfo.processInfo.environment["KETACARE_TRUST_PROXY"] == "1"

    @Option(help: "Clinic name shown in the header for a new database.")
    var clinicName = "KetaCare Demo Clinic"

    // Tests only (issue #10): the clock is real time plus the seconds written in this file. Private, so it is listed neither
    // in --help nor in --help-hidden, and there is no environment variable that turns it on.
    @Option(
        name: .customLong("clock-offset-file"), help: ArgumentHelp("Tests only: shift the clock by the seconds in this file.", visibility: .private))
    var clockOffsetFile: String?

    func run() async throws {
        KetaCareCommand.bootstrapLogging()
        let logger = Logger(label: "ketacare")
        let now: @Sendable () -> Date
        if let clockOffsetFile {
            let clock = ClockOffsetFile(path: clockOffsetFile)
            now = { clock.now() }
            logger.warning(
                """
                TEST CLOCK IN USE: this server's clock is real time plus the seconds written in \(clockOffsetFile) \
                (now \(clock.offset()) s). It is for automated tests only; never run it with real patients.
                """)
        } else {
            now = { Date() }
        }
        try await runReportingFailures {
            try await db.withStore(logger: logger, clinicName: clinicName) { store in
                if demo {
                    let count = try await store.database.read { [clinic = db.clinic] sql in
                        try await PatientRepository.count(clinicID: clinic, on: sql)
                    }
                    if count == 0 {
                        let result = try await DemoClinic(seed: 1).seed(into: store, patients: demoPatients, now: Date(), withMeasurements: true)
                        logger.info("seeded demo clinic: \(result.staffCreated) staff, \(result.patientsCreated) patients")
                    }
                }
                var configuration = WebConfiguration(host: host, port: port, secureCookies: secureCookies, trustForwardedFor: trustProxy)
                if let zone = ProcessInfo.processInfo.environment["KETACARE_TIMEZONE"], let timeZone = TimeZone(identifier: zone) {
                    configuration.timeZone = timeZone
                }
                configuration.templatesDirectory = ProcessInfo.processInfo.environment["KETACARE_TEMPLATES"]
                configuration.publicURL = ProcessInfo.processInfo.environment["KETACARE_PUBLIC_URL"]
                let showDemo = demo
                let location = store.database.location
                let app = try await buildApplication(
                    store: store, configuration: configuration, logger: logger, now: now,
                    onServerRunning: { port in
                        var lines = ["KetaCare is running at http://\(host):\(port)  (\(location))"]
                        if showDemo {
                            lines.append("Demo sign-ins (password '\(DemoClinic.password)'):")
                            for member in DemoClinic.staff {
                                lines.append("  \(member.username.padding(toLength: 18, withPad: " ", startingAt: 0)) \(member.role.label)")
                            }
                        }
                        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
                    })
                try await app.runService()
            }
            logger.info("stopped cleanly")
        }
    }
}

/// `ketacare migrate`: apply pending schema migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (ordered, versioned, recorded).")

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        KetaCareCommand.bootstrapLogging()
        try await runReportingFailures {
            let logger = Logger(label: "ketacare")
            let database: KetaCareDatabase
            do {
                database = try await KetaCareDatabase.open(db.location, logger: logger)
            } catch let error as DatabaseOpenError {
                throw Fatal(error.description)
            }
            let applied: [Int]
            do {
                applied = try await Migrator.migrate(database)
            } catch let error as MigrationError {
                throw Fatal(error.description)
            }
            try await Store(database: database, clinicID: db.clinic).ensureClinic(name: "KetaCare Clinic", now: Date())
            let versions = try await Migrator.appliedVersions(database)
            print(
                applied.isEmpty
                    ? "schema is current (version \(versions.last ?? 0))" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
            await database.close()
        }
    }
}

/// `ketacare demo`: deterministic synthetic data at scale.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Add demo staff and deterministic synthetic patients.")

    @OptionGroup var db: DatabaseOptions

    @Option(help: "How many synthetic patients to add.")
    var patients = 50

    @Option(help: "Random seed: the same seed gives the same patients.")
    var seed: UInt64 = 1

    @Flag(inversion: .prefixedNo, help: "Add diagnoses, a responsible prescriber and GAD-7/PHQ-9 histories (10 responses a patient).")
    var measurements = true

    func validate() throws {
        guard (0...2_000_000).contains(patients) else { throw ValidationError("--patients must be from 0 to 2000000") }
    }

    func run() async throws {
        KetaCareCommand.bootstrapLogging()
        try await runReportingFailures {
            try await db.withStore(logger: Logger(label: "ketacare")) { store in
                let bar = ProgressBar("patients")
                let start = Date()
                let result = try await DemoClinic(seed: seed).seed(into: store, patients: patients, now: Date(), withMeasurements: measurements) {
                    done, total in
                    bar.update(done, total)
                }
                print(
                    String(
                        format: "added %d staff and %d patients in %.1f s", result.staffCreated, result.patientsCreated,
                        Date().timeIntervalSince(start)))
            }
        }
    }
}
