import Foundation
import KetaCareDomain

/// Shared fixtures for the dosing tests: a fixed clock, exact decimals, and a request builder.
enum DosingFixture {
    /// 2025-03-10 15:00 UTC, a Monday.
    static let now = Date(timeIntervalSince1970: 1_741_618_800)
    static let utc = TimeZone(secondsFromGMT: 0)!

    static func dec(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }
    static func mgPerKg(_ text: String) -> MilligramsPerKilogram { MilligramsPerKilogram(dec(text)) }
    static func kg(_ text: String) -> Kilograms { Kilograms(dec(text)) }
    static func mg(_ text: String) -> Milligrams { Milligrams(dec(text)) }
    static func mgPerMl(_ text: String) -> MilligramsPerMillilitre { MilligramsPerMillilitre(dec(text)) }
    static func minutes(_ text: String) -> Minutes { Minutes(dec(text)) }
    static func ml(_ text: String) -> Millilitres { Millilitres(dec(text)) }

    static func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    /// A weight-based racemic request measured today.
    static func weightBased(
        _ route: DosingRoute,
        dose: String,
        weightKg: String,
        concentration: String? = nil,
        minutes: String? = nil,
        priorDoses: [PriorDose] = [],
        sessionID: String? = nil
    ) -> DoseRequest {
        DoseRequest(
            route: route,
            dose: .perKilogram(mgPerKg(dose)),
            weight: WeightMeasurement(kg(weightKg), measuredAt: now),
            preparation: concentration.map { .concentration(mgPerMl($0)) },
            infusionDuration: minutes.map { self.minutes($0) },
            sessionID: sessionID,
            priorDoses: priorDoses,
            now: now,
            timeZone: utc
        )
    }

    /// An esketamine nasal request.
    static func esketamine(
        mg dose: Int,
        entryID: String? = nil,
        ageYears: Int? = nil,
        priorDoses: [PriorDose] = [],
        sessionID: String? = "today"
    ) -> DoseRequest {
        DoseRequest(
            route: .intranasalEsketamine,
            entryID: entryID,
            dose: .fixed(Milligrams(dose)),
            ageYears: ageYears,
            sessionID: sessionID,
            priorDoses: priorDoses,
            now: now,
            timeZone: utc
        )
    }

    static func prior(_ product: ProductFamily, mg dose: Int, daysAgo days: Double, session: String) -> PriorDose {
        PriorDose(administeredAt: daysAgo(days), sessionID: session, product: product, dose: Milligrams(dose))
    }
}
