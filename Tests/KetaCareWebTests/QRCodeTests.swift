import Foundation
import Testing

@testable import KetaCareWeb

@Suite("QR code encoder: byte mode, Reed–Solomon, masks, format/version info, SVG")
struct QRCodeTests {
    /// "HELLO WORLD" in byte mode, version 1-M, mask 2 (rows top to bottom, 1 = dark).
    /// Identical to the matrices python-qrcode 8.2 and segno 1.6.6 produce for the same input, level, version and mask.
    static let helloWorld1MMask2 = [
        "111111100000101111111",
        "100000100101001000001",
        "101110101110101011101",
        "101110101010101011101",
        "101110101010101011101",
        "100000101101001000001",
        "111111101010101111111",
        "000000001010000000000",
        "101111100011001111100",
        "011000010111111101100",
        "101100110000111001110",
        "011101001111110011100",
        "100010110110110000101",
        "000000001110100001000",
        "111111100101001000110",
        "100000101110010101111",
        "101110101001000100101",
        "101110101000111111000",
        "101110101100100100100",
        "100000100010110011100",
        "111111101011100010110",
    ]

    /// A 100-character URL of the kind printed on clinic handouts.
    static let url100 = "https://clinic.example/r/" + String(repeating: "aZ0-_", count: 15)

    /// Rows of `code` as strings of 0/1.
    static func rows(_ code: QRCode) -> [String] {
        (0..<code.size).map { y in String((0..<code.size).map { code.isDark(x: $0, y: y) ? "1" : "0" }) }
    }

    /// Both 15-bit copies of the format information, most significant bit first.
    static func formatCopies(_ code: QRCode) -> (Int, Int) {
        let size = code.size
        var first = 0
        var second = 0
        let firstPositions = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
        let secondPositions = (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
        for (bit, (x, y)) in firstPositions.enumerated() where code.isDark(x: x, y: y) { first |= 1 << bit }
        for (bit, (x, y)) in secondPositions.enumerated() where code.isDark(x: x, y: y) { second |= 1 << bit }
        return (first, second)
    }

    @Test("matches a known module matrix for a fixed version, level and mask")
    func knownMatrix() throws {
        let code = try QRCode.encode("HELLO WORLD", errorCorrection: .medium, mask: 2)
        #expect(code.version == 1)
        #expect(Self.rows(code) == Self.helloWorld1MMask2)
    }

    @Test("Reed–Solomon matches the published HELLO WORLD 1-M error-correction codewords")
    func reedSolomonVector() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = QRCode.reedSolomonRemainder(data, divisor: QRCode.reedSolomonDivisor(degree: 10))
        #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("finder patterns sit at three corners with light separators, and not at the fourth", arguments: ["a", Self.url100])
    func finderPatterns(text: String) throws {
        let code = try QRCode.encode(text)
        let last = code.size - 7
        for (left, top) in [(0, 0), (last, 0), (0, last)] {
            for dy in 0..<7 {
                for dx in 0..<7 {
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    #expect(code.isDark(x: left + dx, y: top + dy) == (ring != 2), "finder at (\(left), \(top)) offset (\(dx), \(dy))")
                }
            }
        }
        for index in 0..<8 {
            #expect(!code.isDark(x: 7, y: index) && !code.isDark(x: index, y: 7))
            #expect(!code.isDark(x: code.size - 8, y: index) && !code.isDark(x: code.size - 1 - index, y: 7))
            #expect(!code.isDark(x: 7, y: code.size - 1 - index) && !code.isDark(x: index, y: code.size - 8))
        }
        let bottomRightIsFinder = (0..<7).allSatisfy { dy in
            (0..<7).allSatisfy { dx in code.isDark(x: last + dx, y: last + dy) == (max(abs(dx - 3), abs(dy - 3)) != 2) }
        }
        #expect(!bottomRightIsFinder)
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: code.size))
    }

    @Test("timing patterns alternate along row 6 and column 6", arguments: ["a", Self.url100])
    func timingPatterns(text: String) throws {
        let code = try QRCode.encode(text)
        for index in 8..<(code.size - 8) {
            #expect(code.isDark(x: index, y: 6) == index.isMultiple(of: 2))
            #expect(code.isDark(x: 6, y: index) == index.isMultiple(of: 2))
        }
        #expect(code.isDark(x: 8, y: code.size - 8), "the dark module")
    }

    @Test("format information decodes to the chosen level and mask", arguments: QRCode.ErrorCorrection.allCases)
    func formatInformation(level: QRCode.ErrorCorrection) throws {
        for text in ["hi", Self.url100, "Café crème ✓"] {
            let code = try QRCode.encode(text, errorCorrection: level)
            let (first, second) = Self.formatCopies(code)
            #expect(first == second)
            let unmasked = first ^ 0x5412
            #expect((unmasked >> 13) & 0b11 == level.formatBits)
            #expect((unmasked >> 10) & 0b111 == code.mask)
            #expect(first == QRCode.formatBits(level, mask: code.mask))
        }
        for mask in 0..<8 {
            let code = try QRCode.encode("mask", errorCorrection: level, mask: mask)
            #expect(Self.formatCopies(code).0 == QRCode.formatBits(level, mask: mask))
        }
    }

    @Test("format and version BCH codes match the standard's tables")
    func bchTables() throws {
        #expect(QRCode.formatBits(.medium, mask: 0) == 0b101_0100_0001_0010)
        #expect(QRCode.formatBits(.low, mask: 4) == 0b110_0110_0010_1111)
        #expect(QRCode.formatBits(.high, mask: 7) == 0b000_1000_0011_1011)
        #expect(QRCode.versionBits(7) == 0x07C94)
        #expect(QRCode.versionBits(40) == 0x28C69)

        let code = try QRCode.encode("v7", minimumVersion: 7)
        #expect(code.version == 7 && code.size == 45)
        var topRight = 0
        var bottomLeft = 0
        for index in 0..<18 {
            let long = code.size - 11 + index % 3
            let short = index / 3
            if code.isDark(x: long, y: short) { topRight |= 1 << index }
            if code.isDark(x: short, y: long) { bottomLeft |= 1 << index }
        }
        #expect(topRight == 0x07C94 && bottomLeft == 0x07C94)
    }

    @Test("a 100-character URL picks the smallest version that holds it at each level")
    func versionForURL() throws {
        #expect(Self.url100.utf8.count == 100)
        let expected: [QRCode.ErrorCorrection: Int] = [.low: 5, .medium: 6, .quartile: 8, .high: 10]
        for (level, version) in expected {
            let code = try QRCode.encode(Self.url100, errorCorrection: level)
            #expect(code.version == version, "level \(level)")
            #expect(code.size == 17 + 4 * version)
        }
        #expect(try QRCode.encode(Self.url100).version == 6)
    }

    @Test("byte capacities match ISO/IEC 18004 Table 7, and filling one exactly keeps the version")
    func capacities() throws {
        #expect((1...10).map { QRCode.byteCapacity(version: $0, .low) } == [17, 32, 53, 78, 106, 134, 154, 192, 230, 271])
        #expect((1...10).map { QRCode.byteCapacity(version: $0, .medium) } == [14, 26, 42, 62, 84, 106, 122, 152, 180, 213])
        #expect((1...10).map { QRCode.byteCapacity(version: $0, .quartile) } == [11, 20, 32, 46, 60, 74, 86, 108, 130, 151])
        #expect((1...10).map { QRCode.byteCapacity(version: $0, .high) } == [7, 14, 24, 34, 44, 58, 64, 84, 98, 119])
        #expect(QRCode.ErrorCorrection.allCases.map { QRCode.byteCapacity(version: 40, $0) } == [2953, 2331, 1663, 1273])
        for version in [1, 9, 10, 27] {
            let full = String(repeating: "é", count: QRCode.byteCapacity(version: version, .quartile) / 2)
            #expect(try QRCode.encode(full, errorCorrection: .quartile).version == version)
            let over = String(repeating: "x", count: QRCode.byteCapacity(version: version, .quartile) + 1)
            #expect(try QRCode.encode(over, errorCorrection: .quartile).version == version + 1)
        }
    }

    @Test("text that does not fit throws an error naming its length and the maximum")
    func tooLong() throws {
        let text = String(repeating: "ü", count: 1200)
        let error = try #require(throws: QRCode.TooLongError.self) { try QRCode.encode(text, errorCorrection: .medium) }
        #expect(error.byteCount == 2400)
        #expect(error.maximumByteCount == 2331)
        #expect(error.message.contains("2400") && error.message.contains("2331"))
        #expect(throws: QRCode.TooLongError.self) { try QRCode.encode(String(repeating: "x", count: 1274), errorCorrection: .high) }
        #expect(try QRCode.encode(String(repeating: "x", count: 1273), errorCorrection: .high).version == 40)
    }

    @Test("SVG has the escaped title, an accessible name and a viewBox of symbol plus quiet zone")
    func svg() throws {
        let code = try QRCode.encode(Self.url100)
        let svg = code.svg(title: "Check-in <Ana & \"Luis\">")
        let side = code.size + 8
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains("width=\"\(side * 4)\" height=\"\(side * 4)\""))
        #expect(svg.contains("role=\"img\" aria-labelledby=\"qr-title\""))
        #expect(svg.contains("<title id=\"qr-title\">Check-in &lt;Ana &amp; &quot;Luis&quot;&gt;</title>"))
        #expect(svg.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"))
        #expect(svg.contains("fill=\"#000\"") && svg.hasSuffix("</svg>"))

        let small = code.svg(moduleSize: 2, quietZone: 1, title: "x", titleID: "qr-7")
        #expect(small.contains("viewBox=\"0 0 \(code.size + 2) \(code.size + 2)\"") && small.contains("aria-labelledby=\"qr-7\""))
    }

    @Test("the SVG path covers exactly the dark modules")
    func svgPathMatchesModules() throws {
        let code = try QRCode.encode("https://clinic.example/r/abc", errorCorrection: .high)
        let svg = code.svg(quietZone: 2, title: "t")
        let path = try #require(svg.split(separator: "d=\"").last?.split(separator: "\"").first)
        var painted = Set<[Int]>()
        for segment in path.split(separator: "M") {
            let numbers = segment.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            let (x, y, run) = (numbers[0] - 2, numbers[1] - 2, numbers[2])
            for offset in 0..<run { painted.insert([x + offset, y]) }
        }
        let dark = (0..<code.size).flatMap { y in (0..<code.size).filter { code.isDark(x: $0, y: y) }.map { [$0, y] } }
        #expect(painted == Set(dark))
    }

    @Test("XML escaping replaces markup characters and drops control characters")
    func xmlEscaping() {
        #expect(QRCode.xmlEscaped("a<b>&'\"\u{7}c\n") == "a&lt;b&gt;&amp;&apos;&quot; c\n")
    }
}
