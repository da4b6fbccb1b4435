import ArgumentParser
import Foundation
import KetaCareDomain

/// `ketacare screen`: run the eligibility rules (DOMAIN.md §3) over an intake history document.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Screen an intake history (the JSON the API accepts) against the seeded eligibility rules and interaction table.",
        discussion: """
            Prints the decision (eligible, needsAcknowledgement, blocked) and every fired rule with its evidence and DOMAIN.md source.
            Exit 0 when screened (whatever the decision), 2 when the document is invalid (the field is named).
            Rules and thresholds are the seeded policy; several are DESIGN DEFAULTS for the clinic to review (`ketacare policy show`).
            """
    )

    @Argument(help: "Intake history JSON file ('-' for standard input).") var file: String
    @Option(help: "Screen as of this date (YYYY-MM-DD); default today (UTC).") var asOf: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("ketacare: cannot read \(file)\n".utf8))
                throw ExitCode(2)
            }
            data = contents
        }
        do {
            let day = try asOf.map { try LocalDate.parse($0, field: "as-of") } ?? LocalDate(utcDayOf: Date())
            let policy = ClinicPolicy.seed.eligibility
            let history = try IntakeHistory.decode(data, asOf: day, policy: policy)
            let result = Screening.screen(history, policy: policy, asOf: day)
            if json {
                try printJSON(result)
            } else {
                print("decision: \(result.decision.rawValue) (rule set v\(result.ruleSetVersion), interactions v\(result.interactionTableVersion))")
                for reason in result.reasons { print("  - \(reason)") }
                if result.reasons.isEmpty { print("  no rule fired") }
            }
        } catch let error as EligibilityError {
            throw exitForBadInput(error)
        } catch let error as KetaCareDomain.ValidationError {
            throw exitForBadInput(error)
        }
    }
}
