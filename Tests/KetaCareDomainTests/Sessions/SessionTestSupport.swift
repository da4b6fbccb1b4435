import Foundation
import KetaCareDomain

/// Shared fixtures for the session tests: a fixed clock origin and a normal vitals set.
enum SessionFixture {
    /// 2026-01-05 09:00:00 UTC, the start of every test session.
    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)

    /// `t0` plus minutes (fractions allowed).
    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    /// `t0` plus days.
    static func day(_ days: Double) -> Date { t0.addingTimeInterval(days * 86_400) }

    /// A normal set with one field changed by the caller.
    static func vitals(
        systolic: Int = 120, diastolic: Int = 80, heartRate: Int = 70, spo2: Int = 98, respiratoryRate: Int = 14, temperature: Decimal? = nil
    ) -> VitalSigns {
        VitalSigns(
            systolic: systolic, diastolic: diastolic, heartRate: heartRate, spo2: spo2, respiratoryRate: respiratoryRate,
            temperatureCelsius: temperature)
    }

    static let policy = SessionPolicy.seed
}
