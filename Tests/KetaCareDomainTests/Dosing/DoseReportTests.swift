import Foundation
import KetaCareDomain
import Testing

@Suite("DoseReport JSON and text for `ketacare dose`")
struct DoseReportTests {
    typealias F = DosingFixture

    static func json(_ report: DoseReport) throws -> [String: Any] {
        let data = try JSONEncoder().encode(report)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("IV example: dose_mg 41, volume_ml 4.1, rate_ml_per_h 6.2, devices null, limit within")
    func intravenous() throws {
        let calculation = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.5", weightKg: "82", concentration: "10", minutes: "40"), policy: .seed
        )
        let report = DoseReport(calculation)
        let object = try Self.json(report)
        #expect((object["dose_mg"] as? NSNumber)?.doubleValue == 41)
        #expect((object["volume_ml"] as? NSNumber)?.doubleValue == 4.1)
        #expect((object["rate_ml_per_h"] as? NSNumber)?.doubleValue == 6.2)
        #expect(object["devices"] is NSNull)
        let limit = try #require(object["limit"] as? [String: Any])
        #expect(limit["status"] as? String == "within")
        #expect(limit["name"] is NSNull)
        #expect(object["route"] as? String == "iv")
        #expect(object["limits_need_review"] as? Bool == true)
        #expect(report.summary.contains("41.0 mg"))
        #expect(report.summary.contains("Draw 4.1 mL of 10 mg/mL"))
        #expect(report.summary.contains("Pump: 6.2 mL/h"))
        #expect(report.summary.contains("0.75 mg/kg/h"))
    }

    @Test("Exact decimals survive encoding", arguments: [("82", "41"), ("71.3", "35.7")])
    func exactEncoding(weight: String, expected: String) throws {
        let calculation = try DoseCalculator.calculate(
            F.weightBased(.intravenous, dose: "0.5", weightKg: weight, concentration: "1", minutes: "40"), policy: .seed
        )
        let text = String(decoding: try JSONEncoder().encode(DoseReport(calculation)), as: UTF8.self)
        #expect(text.contains("\"dose_mg\":\(expected)"))
    }

    @Test("SC: rate null; the soft volume limit is named with value and unit")
    func subcutaneousSoft() throws {
        let calculation = try DoseCalculator.calculate(
            F.weightBased(.subcutaneous, dose: "0.5", weightKg: "210", concentration: "50"), policy: .seed
        )
        let object = try Self.json(DoseReport(calculation))
        #expect(object["rate_ml_per_h"] is NSNull)
        let limit = try #require(object["limit"] as? [String: Any])
        #expect(limit["status"] as? String == "soft")
        #expect(limit["name"] as? String == "volume_max")
        #expect((limit["value"] as? NSNumber)?.doubleValue == 2)
        #expect(limit["unit"] as? String == "mL")
        #expect(limit["provenance"] as? String == "design_default")
        #expect(object["requires_override_reason"] as? Bool == true)
        #expect(object["orderable"] as? Bool == true)
    }

    @Test("Esketamine: devices 2 and 3 for 56 and 84 mg, offsets 5 min apart", arguments: [(56, 2), (84, 3)])
    func esketamine(dose: Int, devices: Int) throws {
        let first = F.prior(.esketamine, mg: 56, daysAgo: 4, session: "first")
        let calculation = try DoseCalculator.calculate(F.esketamine(mg: dose, priorDoses: [first]), policy: .seed)
        let report = DoseReport(calculation)
        let object = try Self.json(report)
        #expect((object["devices"] as? NSNumber)?.intValue == devices)
        #expect((object["device_offsets_min"] as? [NSNumber])?.map(\.intValue) == Array(stride(from: 0, to: devices * 5, by: 5)))
        #expect(object["volume_ml"] is NSNull)
        #expect(object["rate_ml_per_h"] is NSNull)
        #expect(report.summary.contains("\(devices) devices of 28 mg, one every 5 min"))
    }

    @Test("Hard limit: blocked, with the limit shown")
    func hard() throws {
        let calculation = try DoseCalculator.calculate(F.esketamine(mg: 84), policy: .seed)
        let report = DoseReport(calculation)
        let object = try Self.json(report)
        let limit = try #require(object["limit"] as? [String: Any])
        #expect(limit["status"] as? String == "hard")
        #expect(limit["name"] as? String == "first_dose")
        #expect((limit["value"] as? NSNumber)?.intValue == 56)
        #expect(limit["unit"] as? String == "mg")
        #expect(object["orderable"] as? Bool == false)
        #expect(report.summary.contains("cannot be ordered"))
    }

    @Test("Every documented key is present, null or not")
    func keys() throws {
        let calculation = try DoseCalculator.calculate(F.weightBased(.intramuscular, dose: "0.5", weightKg: "70", concentration: "50"), policy: .seed)
        let object = try Self.json(DoseReport(calculation))
        for key in ["dose_mg", "volume_ml", "rate_ml_per_h", "devices", "limit", "weight", "calculated_dose_mg", "limit_findings", "summary"] {
            #expect(object.keys.contains(key), "\(key)")
        }
        let weight = try #require(object["weight"] as? [String: Any])
        #expect(weight["basis"] as? String == "actual")
        #expect((weight["used_kg"] as? NSNumber)?.intValue == 70)
    }
}
