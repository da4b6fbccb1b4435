import Foundation
import KetaCareDomain

/// A server-rendered SVG of a session's vitals over time: systolic and diastolic pressure, heart rate and SpO2, with the
/// clinic's systolic warning and stop-dosing thresholds drawn; titled and described. The vitals table on the same page is
/// the text alternative.
struct VitalsChart {
    /// One vitals set.
    struct Point {
        let date: Date
        let vitals: VitalSigns
    }

    let title: String
    let points: [Point]
    /// Systolic thresholds to draw (warning, stop dosing), mmHg.
    let systolicLines: [(value: Double, label: String)]
    let timeZone: TimeZone

    private let width = 640.0
    private let height = 220.0
    private let left = 40.0
    private let right = 16.0
    private let top = 12.0
    private let bottom = 30.0
    private let maxValue = 220.0

    private static let series: [(name: String, css: String, value: @Sendable (VitalSigns) -> Int)] = [
        ("Systolic", "sbp", { $0.systolic }), ("Diastolic", "dbp", { $0.diastolic }), ("Heart rate", "hr", { $0.heartRate }),
        ("SpO2", "spo2", { $0.spo2 }),
    ]

    /// The chart as an inline `<svg>` element, or an empty string without data.
    func svg(id: String) -> String {
        guard let first = points.first?.date, let last = points.last?.date else { return "" }
        let span = max(last.timeIntervalSince(first), 600)
        let plotW = width - left - right
        let plotH = height - top - bottom
        func x(_ date: Date) -> Double { left + plotW * date.timeIntervalSince(first) / span }
        func y(_ value: Double) -> Double { top + plotH * (1 - min(value, maxValue) / maxValue) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" class="trajectory vitals-chart" role="img" \
            aria-labelledby="\(id)-title \(id)-desc" id="\(id)">
            <title id="\(id)-title">\(PKChart.escape(title))</title>
            <desc id="\(id)-desc">\(PKChart.escape(description))</desc>

            """
        for tick in stride(from: 0.0, through: maxValue, by: 50) {
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" class=\"axis\">\(Int(tick))</text>\n"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" class=\"axis-line\"/>\n"
        for line in systolicLines {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(line.value)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(line.value)))\" class=\"response\">"
            out += "<title>\(PKChart.escape(line.label))</title></line>\n"
        }
        for series in Self.series {
            let path = points.enumerated().map { index, point in
                "\(index == 0 ? "M" : "L")\(f(x(point.date))),\(f(y(Double(series.value(point.vitals)))))"
            }.joined(separator: " ")
            out += "<path d=\"\(path)\" class=\"vline \(series.css)\"><title>\(series.name)</title></path>\n"
            for point in points {
                out += "<circle cx=\"\(f(x(point.date)))\" cy=\"\(f(y(Double(series.value(point.vitals)))))\" r=\"3\" class=\"vpoint \(series.css)\">"
                out += "<title>\(time(point.date)) \(series.name) \(series.value(point.vitals))</title></circle>\n"
            }
        }
        out += "<text x=\"\(f(left))\" y=\"\(f(height - 8))\" class=\"axis\">\(time(first))</text>\n"
        out += "<text x=\"\(f(left + plotW))\" y=\"\(f(height - 8))\" text-anchor=\"end\" class=\"axis\">\(time(last)) · "
        out += "lines: systolic, diastolic, heart rate, SpO2</text>\n"
        out += "</svg>"
        return out
    }

    /// A sentence a screen reader gives in place of the picture.
    var description: String {
        guard let first = points.first, let last = points.last else { return "No vitals." }
        let peak = points.max { $0.vitals.systolic < $1.vitals.systolic }!
        return "\(points.count) vitals sets from \(time(first.date)) to \(time(last.date)); highest systolic \(peak.vitals.systolic) mmHg at "
            + "\(time(peak.date)); latest \(last.vitals.systolic)/\(last.vitals.diastolic) mmHg, heart rate \(last.vitals.heartRate), "
            + "SpO2 \(last.vitals.spo2)%."
    }

    private func time(_ date: Date) -> String { String(Format.dateTime(date, timeZone: timeZone).suffix(5)) }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
