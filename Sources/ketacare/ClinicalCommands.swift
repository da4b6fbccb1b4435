import ArgumentParser
import Foundation
import KetaCareDomain

/// Prints a domain error naming the field and the allowed values, then exits with code 2 (bad input).
func exitForBadInput(_ error: any FieldNamingError) -> ExitCode {
    FileHandle.standardError.write(Data("ketacare: \(error.field): \(error.message)\n".utf8))
    return ExitCode(2)
}

/// Writes an Encodable as one JSON object on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
}

/// `ketacare score`: score an instrument with the same core the web and API use.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a questionnaire: total, severity band, subscales and safety alerts.",
        discussion: "Instrument ids: gad7, phq9, pcl5, hama, lsas, pdss, cadss, moaas, cssrs (GAD-7 etc. accepted). '-' marks a missing answer."
    )

    @Argument(help: "Instrument id, e.g. gad7 or GAD-7.") var instrument: String
    @Option(help: "Item answers in order, comma-separated; '-' for a missing answer.") var answers: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        do {
            let library = try InstrumentLibrary.bundled()
            let found = try library.instrument(named: instrument)
            let score = try ScoringEngine.score(found, answers: try AnswerParser.parse(answers), policy: ClinicPolicy.seed.scoring)
            let report = ScoreReport(score: score, instrument: found)
            if json { try printJSON(report) } else { print(report.textSummary) }
        } catch let error as AssessmentError {
            throw exitForBadInput(error)
        }
    }
}

/// `ketacare dose`: dose, volume, pump rate and the drug-library limit check.
struct DoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dose",
        abstract: "Compute a dose, the volume to draw, the pump rate and the drug-library limit check (default library).",
        discussion: "Routes: \(DosingRoute.spellings). Limits are the seeded library's DESIGN DEFAULTS (DOMAIN.md §4.8) for the clinic to review."
    )

    @Option(help: "Route: \(DosingRoute.spellings)") var route: String
    @Option(name: .customLong("dose-mg-per-kg"), help: "Weight-based dose.") var doseMgPerKg: String?
    @Option(name: .customLong("dose-mg"), help: "Fixed dose (esketamine, fixed-dose products).") var doseMg: String?
    @Option(name: .customLong("weight-kg"), help: "Body weight in kg (taken as measured now).") var weightKg: String?
    @Option(name: .customLong("height-cm"), help: "Height in cm (needed for ideal or adjusted weight bases).") var heightCm: String?
    @Option(name: .customLong("concentration-mg-per-ml"), help: "Concentration drawn from or infused.") var concentration: String?
    @Option(name: .customLong("infusion-min"), help: "Infusion duration in minutes (IV).") var infusionMin: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        do {
            let request = try DoseCommand.request(
                route: route, doseMgPerKg: doseMgPerKg, doseMg: doseMg, weightKg: weightKg, heightCm: heightCm, concentration: concentration,
                infusionMin: infusionMin
            )
            let calculation = try DoseCalculator.calculate(request, policy: ClinicPolicy.seed.dosing)
            let report = DoseReport(calculation, rounding: ClinicPolicy.seed.dosing.rounding)
            if json { try printJSON(report) } else { print(report.summary) }
        } catch let error as DoseError {
            throw exitForBadInput(error)
        } catch let error as KetaCareDomain.ValidationError {
            throw exitForBadInput(error)
        }
    }

    static func quantity<U>(_ text: String?, _ field: String) throws -> DecimalQuantity<U>? {
        guard let text else { return nil }
        guard let value = DecimalQuantity<U>(text) else {
            throw KetaCareDomain.ValidationError(field: field, message: "\(field) must be a number; got '\(text)'")
        }
        return value
    }

    static func route(_ text: String) throws -> DosingRoute {
        guard let route = DosingRoute(rawValue: text.lowercased()) else {
            throw KetaCareDomain.ValidationError(field: "route", message: "route must be one of \(DosingRoute.spellings)")
        }
        return route
    }

    static func orderedDose(mgPerKg: String?, mg: String?) throws -> OrderedDose {
        switch (mgPerKg, mg) {
        case (let perKg?, nil): return .perKilogram(try quantity(perKg, "dose_mg_per_kg")!)
        case (nil, let fixed?): return .fixed(try quantity(fixed, "dose_mg")!)
        default: throw KetaCareDomain.ValidationError(field: "dose", message: "give exactly one of --dose-mg-per-kg or --dose-mg")
        }
    }

    static func request(
        route: String, doseMgPerKg: String?, doseMg: String?, weightKg: String?, heightCm: String?, concentration: String?, infusionMin: String?
    ) throws -> DoseRequest {
        let now = Date()
        let weight: Kilograms? = try quantity(weightKg, "weight_kg")
        return DoseRequest(
            route: try self.route(route),
            dose: try orderedDose(mgPerKg: doseMgPerKg, mg: doseMg),
            weight: weight.map { WeightMeasurement($0, measuredAt: now) },
            height: try quantity(heightCm, "height_cm"),
            preparation: try (quantity(concentration, "concentration_mg_per_ml") as MilligramsPerMillilitre?).map { .concentration($0) },
            infusionDuration: try quantity(infusionMin, "infusion_min"),
            now: now,
            timeZone: .current
        )
    }
}

/// `ketacare pk`: predicted plasma concentrations from the population models in PK.md.
struct PKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pk",
        abstract: "Predict plasma concentrations (ng/mL) of the parent drug from PK.md's population models.",
        discussion: "A population prediction for planning, not a measurement of this patient."
    )

    @Option(help: "Route: \(DosingRoute.spellings)") var route: String
    @Option(name: .customLong("dose-mg-per-kg")) var doseMgPerKg: String?
    @Option(name: .customLong("dose-mg")) var doseMg: String?
    @Option(name: .customLong("weight-kg")) var weightKg: String?
    @Option(name: .customLong("infusion-min")) var infusionMin: String?
    @Option(help: "Times after the start, in minutes, comma-separated.") var at: String = "0,15,30,45,60,90,120,180,240"
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        do {
            var times: [Double] = []
            for (index, part) in at.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else {
                    throw KetaCareDomain.ValidationError(field: "at[\(index + 1)]", message: "times must be minutes ≥ 0; got '\(part)'")
                }
                times.append(value)
            }
            let request = PKRequest(
                route: try DoseCommand.route(route),
                dose: try DoseCommand.orderedDose(mgPerKg: doseMgPerKg, mg: doseMg),
                weight: try DoseCommand.quantity(weightKg, "weight_kg"),
                infusionDuration: try DoseCommand.quantity(infusionMin, "infusion_min"),
                timesMinutes: times
            )
            let prediction = try PKPredictor.predict(request, policy: ClinicPolicy.seed.pharmacokinetics)
            let report = PKReport(prediction, policy: ClinicPolicy.seed.pharmacokinetics)
            if json { try printJSON(report) } else { print(report.summary) }
        } catch let error as PKError {
            throw exitForBadInput(error)
        } catch let error as KetaCareDomain.ValidationError {
            throw exitForBadInput(error)
        }
    }
}
