import Foundation
import KetaCareDomain

/// Shared values for plan and scheduling tests: a clinic calendar, dates written as local wall-clock times, a signed IV plan.
enum PlanFixture {
    static let timeZone = TimeZone(identifier: "America/New_York")!

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }()

    /// A wall-clock time in the clinic's zone (2026-03-02 is a Monday; US daylight saving starts 2026-03-08).
    static func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 9, _ minute: Int = 0) -> Date {
        calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    static let created = at(2026, 2, 20, 10)
    static let prescriber = PlanActor(username: "dr.lee", role: .prescriber)
    static let nurse = PlanActor(username: "rn.kim", role: .nurse)
    static let patient = PatientID("patient-1")
    static let ok = PlanActivationInputs(isEligible: true, hasValidConsent: true)

    static func mgPerKg(_ text: String) -> MilligramsPerKilogram { MilligramsPerKilogram(text)! }

    /// An unsigned plan in evaluation from `template`, starting 2026-03-01.
    static func plan(_ template: PlanTemplate = .ivRacemicInduction, id: String = "plan-1") throws -> TreatmentPlan {
        try TreatmentPlan.create(
            id: TreatmentPlanID(id), patientID: patient, from: template, startDate: at(2026, 3, 1, 0), by: prescriber, at: created
        )
    }

    /// The same plan, signed the day it was created.
    static func signedPlan(_ template: PlanTemplate = .ivRacemicInduction, id: String = "plan-1") throws -> TreatmentPlan {
        var plan = try plan(template, id: id)
        try plan.sign(by: prescriber, at: created.addingTimeInterval(3600))
        return plan
    }
}
