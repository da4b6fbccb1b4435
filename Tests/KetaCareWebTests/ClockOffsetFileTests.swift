import Foundation
import KetaCareWeb
import Testing

/// Issue #10: the browser test of the safety gates moves the server's clock with `ketacare serve --clock-offset-file`; whatever
/// the file holds, the clock never traps and never leaves the range records are stored in.
@Suite("Test clock: real time plus the offset in a file (issue #10)")
struct ClockOffsetFileTests {
    static func clock(_ contents: String?) throws -> ClockOffsetFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ketacare-clock-\(UUID().uuidString)").path
        if let contents { try Data(contents.utf8).write(to: URL(fileURLWithPath: path)) }
        return ClockOffsetFile(path: path)
    }

    static let contents: [(String, Double)] = [
        ("930", 930), (" -12.5\n", -12.5), ("0", 0), ("31622400", 31_622_400), ("", 0), ("ninety", 0), ("nan", 0), ("inf", 0),
        ("1e400", 0), ("31622401", 0), ("-1e12", 0), ("12 34", 0), (String(repeating: "1", count: 65), 0), ("\u{0}90", 0),
    ]

    @Test("the offset written in the file, or 0 when it is missing, malformed or beyond a year", arguments: contents)
    func offset(_ contents: String, _ expected: Double) throws {
        #expect(try Self.clock(contents).offset() == expected)
    }

    @Test("a missing file is no offset")
    func missing() throws {
        #expect(try Self.clock(nil).offset() == 0)
    }

    @Test("now is real time plus the offset, and follows the file when it is rewritten")
    func now() throws {
        let clock = try Self.clock("7200")
        let before = Date()
        let shifted = clock.now()
        #expect(shifted.timeIntervalSince(before) >= 7200 && shifted.timeIntervalSince(Date()) <= 7200)
        try Data("60".utf8).write(to: URL(fileURLWithPath: clock.path))
        #expect(clock.offset() == 60)
        try FileManager.default.removeItem(atPath: clock.path)
        #expect(abs(clock.now().timeIntervalSinceNow) < 5)
    }
}
