import Foundation
import Testing

/// The stylesheet's blocks close where they should: an unclosed `@media print {` once swallowed every rule after it, so the
/// red escalation banner (DOMAIN.md §6.5), the overdue countdown and the critical alert rows were styled on paper only.
@Suite("Stylesheet structure")
struct StylesheetTests {
    static let stylesheet = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/KetaCareWeb/Public/app.css")

    @Test("every block in app.css is closed, and the screen rules for the run-sheet's alerts sit outside @media print")
    func blocksClose() throws {
        var text = try String(contentsOf: Self.stylesheet, encoding: .utf8)
        while let open = text.range(of: "/*"), let close = text.range(of: "*/", range: open.upperBound..<text.endIndex) {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        var depth = 0
        var depthAt: [String: Int] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for selector in [".escalation-banner {", ".countdown {", ".alert-row.open.level-stop_dosing"] where line.hasPrefix(selector) {
                depthAt[selector] = depth
            }
            for character in line {
                if character == "{" { depth += 1 }
                if character == "}" { depth -= 1 }
                #expect(depth >= 0, "a '}' without its '{': \(line)")
            }
        }
        #expect(depth == 0, "\(depth) block(s) left open at the end of app.css")
        #expect(depthAt == [".escalation-banner {": 0, ".countdown {": 0, ".alert-row.open.level-stop_dosing": 0])
    }
}
