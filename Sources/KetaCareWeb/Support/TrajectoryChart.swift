import Foundation
import KetaCareDomain

/// A server-rendered SVG line chart of one instrument's totals over time: severity bands shaded, response and remission
/// thresholds drawn, session dates marked; titled and described for screen readers, with a data table beside it.
struct TrajectoryChart {
    struct Point {
        let date: Date
        let total: Int
    }

    let title: String
    let points: [Point]
    let range: ClosedRange<Int>
    let bands: [SeverityBand]
    /// Totals at or below this meet the response definition (drawn dashed), if known.
    let responseLine: Int?
    /// Totals at or below this are remission (drawn dotted), if known.
    let remissionLine: Int?
    let sessionDates: [Date]
    let timeZone: TimeZone

    private let width = 640.0
    private let height = 240.0
    private let left = 44.0
    private let right = 16.0
    private let top = 16.0
    private let bottom = 36.0

    private static let bandColours = ["#e8f5e9", "#fffde7", "#fff3e0", "#fbe9e7", "#fce4ec", "#f3e5f5"]

    func svg(id: String) -> String {
        guard let first = points.first?.date, let last = points.last?.date else { return "" }
        let start = min(first, sessionDates.min() ?? first)
        let end = max(last, sessionDates.max() ?? last)
        let span = max(end.timeIntervalSince(start), 86_400)
        let plotW = width - left - right
        let plotH = height - top - bottom
        func x(_ d: Date) -> Double { left + plotW * d.timeIntervalSince(start) / span }
        func y(_ v: Int) -> Double {
            top + plotH * (1 - Double(v - range.lowerBound) / Double(max(1, range.upperBound - range.lowerBound)))
        }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" class="trajectory" role="img" \
            aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(escape(title))</title>
            <desc id="\(id)-desc">\(escape(description))</desc>

            """
        for (index, band) in bands.enumerated() {
            let yTop = y(min(band.max, range.upperBound))
            let yBottom = y(max(band.min, range.lowerBound) - (band.min > range.lowerBound ? 1 : 0))
            out += """
                <rect x="\(f(left))" y="\(f(yTop))" width="\(f(plotW))" height="\(f(max(0, yBottom - yTop)))" \
                fill="\(Self.bandColours[index % Self.bandColours.count])"><title>\(escape(band.label)) \(band.min)–\(band.max)</title></rect>
                <text x="\(f(width - right - 2))" y="\(f(yTop + 11))" text-anchor="end" class="band-label">\(escape(band.label))</text>

                """
        }
        for tick in stride(from: range.lowerBound, through: range.upperBound, by: max(1, (range.upperBound - range.lowerBound) / 4)) {
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" class=\"axis\">\(tick)</text>\n"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" class=\"axis-line\"/>\n"
        for date in sessionDates {
            out +=
                "<line x1=\"\(f(x(date)))\" y1=\"\(f(top))\" x2=\"\(f(x(date)))\" y2=\"\(f(top + plotH))\" class=\"session\"><title>Session \(day(date))</title></line>\n"
        }
        if let responseLine {
            out +=
                "<line x1=\"\(f(left))\" y1=\"\(f(y(responseLine)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(responseLine)))\" class=\"response\"><title>Response: \(responseLine) or lower</title></line>\n"
        }
        if let remissionLine {
            out +=
                "<line x1=\"\(f(left))\" y1=\"\(f(y(remissionLine)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(remissionLine)))\" class=\"remission\"><title>Remission: \(remissionLine) or lower</title></line>\n"
        }
        let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(f(x($0.element.date))),\(f(y($0.element.total)))" }.joined(
            separator: " ")
        out += "<path d=\"\(path)\" class=\"line\"/>\n"
        for point in points {
            out +=
                "<circle cx=\"\(f(x(point.date)))\" cy=\"\(f(y(point.total)))\" r=\"4\" class=\"point\"><title>\(day(point.date)): \(point.total)</title></circle>\n"
        }
        out += "<text x=\"\(f(left))\" y=\"\(f(height - 10))\" class=\"axis\">\(day(start))</text>\n"
        out += "<text x=\"\(f(left + plotW))\" y=\"\(f(height - 10))\" text-anchor=\"end\" class=\"axis\">\(day(end))</text>\n"
        out += "</svg>"
        return out
    }

    /// A sentence a screen reader gives in place of the picture.
    var description: String {
        guard let first = points.first, let last = points.last else { return "No scores." }
        return
            "\(points.count) scores from \(day(first.date)) (\(first.total)) to \(day(last.date)) (\(last.total)), range \(range.lowerBound)–\(range.upperBound)."
    }

    private func day(_ date: Date) -> String {
        String(Format.dateTime(date, timeZone: timeZone).prefix(10))
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
