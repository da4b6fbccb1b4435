import ArgumentParser
import Foundation
import Logging

/// The `ketacare` executable: one binary for the server and every operator task.
@main
struct KetaCareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ketacare",
        abstract: "KetaCare: software for clinics that run ketamine therapy for anxiety disorders.",
        discussion: "Clinical defaults are seeds for the clinic to review; nothing here is medical advice.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, DemoCommand.self, UserCommand.self, AuditCommand.self, ExportCommand.self,
            BackupCommand.self, RestoreCommand.self, ScoreCommand.self, DoseCommand.self, PKCommand.self, PolicyCommand.self, BenchCommand.self,
            ScreenCommand.self,
            LedgerCommand.self,
        ]
    )

    /// Logs go to standard error; the level comes from LOG_LEVEL (default info). No patient data is ever logged.
    static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
    }
}
