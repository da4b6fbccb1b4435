import Foundation
import KetaCareDomain

/// A server-rendered SVG of a predicted plasma-concentration curve (PK.md): peak marked, the clinic's level drawn, and the
/// session's actual dosing events (start, pause, resume, stop) as vertical lines; titled and described for screen readers,
/// with a small data table as the text alternative.
struct PKChart {
    /// A dosing event drawn on the time axis.
    struct Marker {
        let minute: Double
        let label: String
    }

    let title: String
    let times: [Double]
    let concentrations: [Double]
    let peak: (minute: Double, value: Double)
    let level: (value: Double, crossingMinute: Double?)?
    let markers: [Marker]

    private let width = 640.0
    private let height = 220.0
    private let left = 48.0
    private let right = 16.0
    private let top = 16.0
    private let bottom = 34.0

    /// The chart as an inline `<svg>` element.
    func svg(id: String) -> String {
        guard let end = times.last, end > 0, !concentrations.isEmpty else { return "" }
        let top = max(concentrations.max() ?? 1, level?.value ?? 0, 1) * 1.1
        let plotW = width - left - right
        let plotH = height - self.top - bottom
        func x(_ minute: Double) -> Double { left + plotW * min(max(minute, 0), end) / end }
        func y(_ value: Double) -> Double { self.top + plotH * (1 - value / top) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" class="trajectory pk-chart" role="img" \
            aria-labelledby="\(id)-title \(id)-desc" id="\(id)">
            <title id="\(id)-title">\(Self.escape(title))</title>
            <desc id="\(id)-desc">\(Self.escape(description))</desc>

            """
        for tick in stride(from: 0.0, through: top, by: max(1, (top / 4).rounded(.up))) {
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" class=\"axis\">\(Int(tick))</text>\n"
        }
        for minute in stride(from: 0.0, through: end, by: 30) {
            out += "<text x=\"\(f(x(minute)))\" y=\"\(f(height - 14))\" text-anchor=\"middle\" class=\"axis\">\(Int(minute))</text>\n"
        }
        out += "<text x=\"\(f(left + plotW))\" y=\"\(f(height - 2))\" text-anchor=\"end\" class=\"axis\">minutes after start · ng/mL</text>\n"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(self.top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(self.top + plotH))\" class=\"axis-line\"/>\n"
        if let level {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(level.value)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(level.value)))\" class=\"remission\">"
            out += "<title>Clinic level \(f(level.value)) ng/mL</title></line>\n"
        }
        for marker in markers {
            out +=
                "<line x1=\"\(f(x(marker.minute)))\" y1=\"\(f(self.top))\" x2=\"\(f(x(marker.minute)))\" y2=\"\(f(self.top + plotH))\" class=\"session\">"
            out += "<title>\(Self.escape(marker.label)) at \(f(marker.minute)) min</title></line>\n"
            out += "<text x=\"\(f(x(marker.minute) + 3))\" y=\"\(f(self.top + 10))\" class=\"axis\">\(Self.escape(marker.label))</text>\n"
        }
        let path = zip(times, concentrations).enumerated().map { index, point in
            "\(index == 0 ? "M" : "L")\(f(x(point.0))),\(f(y(point.1)))"
        }.joined(separator: " ")
        out += "<path d=\"\(path)\" class=\"line\"/>\n"
        out += "<circle cx=\"\(f(x(peak.minute)))\" cy=\"\(f(y(peak.value)))\" r=\"4\" class=\"point\">"
        out += "<title>Predicted peak \(f(peak.value)) ng/mL at \(f(peak.minute)) min</title></circle>\n"
        out += "</svg>"
        return out
    }

    /// A sentence a screen reader gives in place of the picture.
    var description: String {
        var text = "Predicted peak \(f(peak.value)) ng/mL at \(f(peak.minute)) min."
        if let level {
            text += " Clinic level \(f(level.value)) ng/mL"
            text += level.crossingMinute.map { ": falls below it at \(f($0)) min." } ?? ": not crossed in the horizon."
        }
        if !markers.isEmpty { text += " Dosing events: " + markers.map { "\($0.label) \(f($0.minute)) min" }.joined(separator: ", ") + "." }
        return text
    }

    /// Every 15th minute of the curve, for the data table beside the chart.
    var tableRows: [[String: String]] {
        zip(times, concentrations).filter { $0.0.truncatingRemainder(dividingBy: 15) < 0.26 || $0.0 == times.last }
            .reduce(into: [(Double, Double)]()) { rows, point in
                if let last = rows.last, Int(last.0 / 15) == Int(point.0 / 15) { return }
                rows.append(point)
            }
            .map { ["minute": String(format: "%.0f", $0.0), "value": String(format: "%.1f", $0.1)] }
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
