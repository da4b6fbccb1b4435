import Foundation
import KetaCareDomain

/// Shared helpers for the PK tests.
enum PKFixture {
    static func mgPerKg(_ text: String) -> MilligramsPerKilogram { MilligramsPerKilogram(text)! }

    /// A constant-rate IV infusion of `perKg` mg/kg over `minutes` at `weight` kg.
    static func intravenous(
        _ model: PKModel,
        perKg: String = "0.5",
        weight: Int,
        minutes: Double = 40,
        times: [Double]
    ) throws -> PKSimulation {
        let dose = mgPerKg(perKg) * Kilograms(weight)
        return try PKSimulator.simulate(
            model: model,
            administrations: [.infusion(atMinute: 0, dose: dose, minutes: minutes)],
            weight: Kilograms(weight),
            timesMinutes: times
        )
    }

    /// Spravato session: one 28 mg device every 5 min (PK.md §2.4 reproduction check).
    static func nasalSession(devices: Int, times: [Double], covariates: PKCovariates = PKCovariates()) throws -> PKSimulation {
        try PKSimulator.simulate(
            model: .perezRuixo2021,
            administrations: (0..<devices).map { .nasalDevice(atMinute: Double($0) * 5, dose: 28, deviceIndex: $0) },
            weight: nil,
            covariates: covariates,
            timesMinutes: times
        )
    }

    /// 0, step, 2·step … through `end`.
    static func grid(through end: Double, step: Double) -> [Double] {
        (0...Int((end / step).rounded())).map { Double($0) * step }
    }

    /// Half a unit of the last digit printed in PK.md's tables (158 → 0.5, 7.7 → 0.05).
    static func halfUnit(_ printed: String) -> Double {
        guard let dot = printed.firstIndex(of: ".") else { return 0.5 }
        return 0.5 * pow(10, -Double(printed.distance(from: dot, to: printed.endIndex) - 1))
    }
}
