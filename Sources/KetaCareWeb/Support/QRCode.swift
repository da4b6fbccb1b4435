import Foundation

/// A QR Code symbol (ISO/IEC 18004, model 2) holding UTF-8 text in byte mode, rendered as SVG.
///
/// Supports versions 1–40 at all four error-correction levels; `encode` picks the smallest version that fits,
/// tries all eight masks and keeps the one with the lowest standard penalty score.
struct QRCode: Sendable {
    /// How much of the symbol can be damaged and still read (about 7 %, 15 %, 25 % and 30 % of codewords).
    enum ErrorCorrection: Int, Sendable, CaseIterable {
        case low, medium, quartile, high

        /// The two-bit indicator written into the format information (L = 01, M = 00, Q = 11, H = 10).
        var formatBits: Int {
            switch self {
            case .low: 1
            case .medium: 0
            case .quartile: 3
            case .high: 2
            }
        }
    }

    /// Thrown when the UTF-8 text does not fit even the largest version at the chosen error-correction level.
    struct TooLongError: Error, Sendable, CustomStringConvertible, LocalizedError {
        /// UTF-8 length of the rejected input, in bytes.
        let byteCount: Int
        /// The most bytes a version-40 symbol holds at `errorCorrection`.
        let maximumByteCount: Int
        /// The error-correction level that was asked for.
        let errorCorrection: ErrorCorrection

        /// A sentence naming the input length and the maximum.
        var message: String {
            "QR code text is \(byteCount) bytes of UTF-8; at error correction \(errorCorrection) the maximum is \(maximumByteCount) bytes"
        }

        /// Same as `message`.
        var description: String { message }

        /// Same as `message`.
        var errorDescription: String? { message }
    }

    /// Modules per side: 17 + 4 × version.
    let size: Int
    /// The version (1–40) chosen.
    let version: Int
    /// The error-correction level used.
    let errorCorrection: ErrorCorrection
    /// The data mask (0–7) applied.
    let mask: Int
    /// Row-major dark modules, `size × size`.
    private let modules: [Bool]

    /// Whether the module at column `x`, row `y` is dark; anything outside the symbol (the quiet zone) is light.
    func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    // MARK: - Encoding

    /// Encodes `text` as UTF-8 in byte mode at the smallest version (not below `minimumVersion`) that fits.
    ///
    /// `mask` forces a data mask (0–7) instead of choosing by penalty; it and `minimumVersion` exist for tests.
    static func encode(
        _ text: String, errorCorrection: ErrorCorrection = .medium, minimumVersion: Int = 1, mask forcedMask: Int? = nil
    ) throws -> QRCode {
        let bytes = Array(text.utf8)
        let firstVersion = min(max(minimumVersion, 1), 40)
        guard let version = (firstVersion...40).first(where: { bytes.count <= byteCapacity(version: $0, errorCorrection) }) else {
            throw TooLongError(
                byteCount: bytes.count, maximumByteCount: byteCapacity(version: 40, errorCorrection), errorCorrection: errorCorrection
            )
        }
        let codewords = interleavedCodewords(data: dataCodewords(bytes, version: version, errorCorrection), version: version, errorCorrection)
        var matrix = Matrix(version: version)
        matrix.drawFunctionPatterns(errorCorrection)
        matrix.placeCodewords(codewords)

        let chosenMask: Int
        if let forcedMask {
            precondition((0..<8).contains(forcedMask), "QR mask must be 0...7")
            chosenMask = forcedMask
        } else {
            var best = (mask: 0, penalty: Int.max)
            for candidate in 0..<8 {
                var trial = matrix
                trial.applyMask(candidate)
                trial.drawFormatBits(errorCorrection, mask: candidate)
                let penalty = trial.penalty()
                if penalty < best.penalty { best = (candidate, penalty) }
            }
            chosenMask = best.mask
        }
        matrix.applyMask(chosenMask)
        matrix.drawFormatBits(errorCorrection, mask: chosenMask)
        return QRCode(size: matrix.size, version: version, errorCorrection: errorCorrection, mask: chosenMask, modules: matrix.dark)
    }

    /// The most bytes of byte-mode data a symbol of `version` holds at `level`.
    static func byteCapacity(version: Int, _ level: ErrorCorrection) -> Int {
        let headerBits = 4 + (version <= 9 ? 8 : 16)
        return (dataCodewordCount(version: version, level) * 8 - headerBits) / 8
    }

    /// Mode indicator, character count, data, terminator and padding, as data codewords filling the version.
    private static func dataCodewords(_ bytes: [UInt8], version: Int, _ level: ErrorCorrection) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, bitCount: Int) {
            for shift in stride(from: bitCount - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, bitCount: 4)
        append(bytes.count, bitCount: version <= 9 ? 8 : 16)
        for byte in bytes { append(Int(byte), bitCount: 8) }
        let capacityBits = dataCodewordCount(version: version, level) * 8
        append(0, bitCount: min(4, capacityBits - bits.count))
        append(0, bitCount: (8 - bits.count % 8) % 8)
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count * 8 < capacityBits {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// Splits data into blocks, appends each block's Reed–Solomon codewords and interleaves them.
    private static func interleavedCodewords(data: [UInt8], version: Int, _ level: ErrorCorrection) -> [UInt8] {
        let blockCount = Tables.blockCount[level.rawValue][version]
        let eccLength = Tables.eccCodewordsPerBlock[level.rawValue][version]
        let rawCodewords = rawDataModuleCount(version: version) / 8
        let shortBlockCount = blockCount - rawCodewords % blockCount
        let shortBlockDataLength = rawCodewords / blockCount - eccLength
        let divisor = reedSolomonDivisor(degree: eccLength)

        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blockCount {
            let length = shortBlockDataLength + (index < shortBlockCount ? 0 : 1)
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(reedSolomonRemainder(block, divisor: divisor))
        }
        var result: [UInt8] = []
        result.reserveCapacity(rawCodewords)
        for column in 0...shortBlockDataLength {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<eccLength {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }

    /// Data codewords (excluding error correction) in a symbol of `version` at `level`.
    static func dataCodewordCount(version: Int, _ level: ErrorCorrection) -> Int {
        rawDataModuleCount(version: version) / 8
            - Tables.eccCodewordsPerBlock[level.rawValue][version] * Tables.blockCount[level.rawValue][version]
    }

    /// Modules left for data and error correction once function patterns and format/version information are placed.
    private static func rawDataModuleCount(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignmentCount = version / 7 + 2
            result -= (25 * alignmentCount - 10) * alignmentCount - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    /// Centre coordinates (used on both axes) of the alignment patterns of `version`.
    static func alignmentPositions(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        let last = version * 4 + 10
        return [6] + (0..<(count - 1)).reversed().map { last - $0 * step }
    }

    // MARK: - Reed–Solomon over GF(2⁸) with polynomial 0x11D

    /// Generator polynomial of `degree` (without the leading 1), highest power first.
    static func reedSolomonDivisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                result[index] = gfMultiply(result[index], root)
                if index + 1 < degree { result[index] ^= result[index + 1] }
            }
            root = gfMultiply(root, 0x02)
        }
        return result
    }

    /// Error-correction codewords: the remainder of `data` × x^degree divided by the generator `divisor`.
    static func reedSolomonRemainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in result.indices { result[index] ^= gfMultiply(divisor[index], factor) }
        }
        return result
    }

    /// Product of two field elements modulo x⁸ + x⁴ + x³ + x² + 1.
    private static func gfMultiply(_ left: UInt8, _ right: UInt8) -> UInt8 {
        var product = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            product ^= Int((right >> UInt8(bit)) & 1) * Int(left)
        }
        return UInt8(product)
    }

    /// The 15 format bits (BCH-coded and masked with 0x5412) for `level` and `mask`, most significant first.
    static func formatBits(_ level: ErrorCorrection, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return (data << 10 | remainder) ^ 0x5412
    }

    /// The 18 version bits (BCH-coded) for versions 7 and up.
    static func versionBits(_ version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        return version << 12 | remainder
    }

    // MARK: - SVG

    /// An accessible SVG: white background, one path of dark modules, `title` as its accessible name.
    ///
    /// The viewBox is in modules (symbol plus `quietZone` on each side); `width`/`height` are `moduleSize` pixels per module.
    /// `titleID` must be unique on the page when several codes are shown.
    func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String, titleID: String = "qr-title") -> String {
        let border = max(0, quietZone)
        let side = size + 2 * border
        let pixels = side * max(1, moduleSize)
        let id = Self.xmlEscaped(titleID)
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                var run = 1
                while isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + border) \(y + border)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" viewBox="0 0 \(side) \(side)" \
            shape-rendering="crispEdges" role="img" aria-labelledby="\(id)"><title id="\(id)">\(Self.xmlEscaped(title))</title>\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path d="\(path)" fill="#000" stroke="none"/></svg>
            """
    }

    /// `text` safe inside XML character data and attribute values; characters XML 1.0 forbids become spaces.
    static func xmlEscaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && value != 0xFFFE && value != 0xFFFF
                result.unicodeScalars.append(allowed ? scalar : " ")
            }
        }
        return result
    }
}

// MARK: - Module matrix

extension QRCode {
    /// The grid under construction: dark modules plus which ones belong to function patterns (never masked).
    private struct Matrix {
        let version: Int
        let size: Int
        var dark: [Bool]
        var isFunction: [Bool]

        /// An all-light grid for `version`.
        init(version: Int) {
            self.version = version
            size = version * 4 + 17
            dark = Array(repeating: false, count: size * size)
            isFunction = Array(repeating: false, count: size * size)
        }

        /// Sets a function module at column `x`, row `y`.
        mutating func setFunction(x: Int, y: Int, _ isDark: Bool) {
            dark[y * size + x] = isDark
            isFunction[y * size + x] = true
        }

        /// Timing, finder, alignment, format (placeholder) and version patterns.
        mutating func drawFunctionPatterns(_ level: ErrorCorrection) {
            for index in 0..<size {
                setFunction(x: 6, y: index, index % 2 == 0)
                setFunction(x: index, y: 6, index % 2 == 0)
            }
            for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 where (0..<size).contains(x + dx) && (0..<size).contains(y + dy) {
                        let distance = max(abs(dx), abs(dy))
                        setFunction(x: x + dx, y: y + dy, distance != 2 && distance != 4)
                    }
                }
            }
            let positions = QRCode.alignmentPositions(version: version)
            for (i, x) in positions.enumerated() {
                for (j, y) in positions.enumerated() {
                    let isFinderCorner = (i == 0 && j == 0) || (i == 0 && j == positions.count - 1) || (i == positions.count - 1 && j == 0)
                    guard !isFinderCorner else { continue }
                    for dy in -2...2 {
                        for dx in -2...2 { setFunction(x: x + dx, y: y + dy, max(abs(dx), abs(dy)) != 1) }
                    }
                }
            }
            drawFormatBits(level, mask: 0)
            if version >= 7 {
                let bits = QRCode.versionBits(version)
                for index in 0..<18 {
                    let bit = (bits >> index) & 1 == 1
                    let long = size - 11 + index % 3
                    let short = index / 3
                    setFunction(x: long, y: short, bit)
                    setFunction(x: short, y: long, bit)
                }
            }
        }

        /// Both copies of the format information, plus the always-dark module.
        mutating func drawFormatBits(_ level: ErrorCorrection, mask: Int) {
            let bits = QRCode.formatBits(level, mask: mask)
            func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
            for index in 0..<6 { setFunction(x: 8, y: index, bit(index)) }
            setFunction(x: 8, y: 7, bit(6))
            setFunction(x: 8, y: 8, bit(7))
            setFunction(x: 7, y: 8, bit(8))
            for index in 9..<15 { setFunction(x: 14 - index, y: 8, bit(index)) }
            for index in 0..<8 { setFunction(x: size - 1 - index, y: 8, bit(index)) }
            for index in 8..<15 { setFunction(x: 8, y: size - 15 + index, bit(index)) }
            setFunction(x: 8, y: size - 8, true)
        }

        /// Places codeword bits in the two-column zigzag from the bottom-right, skipping function modules.
        mutating func placeCodewords(_ codewords: [UInt8]) {
            var bitIndex = 0
            let totalBits = codewords.count * 8
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                let upward = (right + 1) & 2 == 0
                for vertical in 0..<size {
                    let y = upward ? size - 1 - vertical : vertical
                    for x in [right, right - 1] where !isFunction[y * size + x] && bitIndex < totalBits {
                        dark[y * size + x] = (codewords[bitIndex >> 3] >> UInt8(7 - (bitIndex & 7))) & 1 == 1
                        bitIndex += 1
                    }
                }
                right -= 2
            }
        }

        /// Flips every non-function module where data mask `mask` (0–7) is true; applying twice undoes it.
        mutating func applyMask(_ mask: Int) {
            for y in 0..<size {
                for x in 0..<size where !isFunction[y * size + x] {
                    let flip: Bool =
                        switch mask {
                        case 0: (x + y) % 2 == 0
                        case 1: y % 2 == 0
                        case 2: x % 3 == 0
                        case 3: (x + y) % 3 == 0
                        case 4: (x / 3 + y / 2) % 2 == 0
                        case 5: x * y % 2 + x * y % 3 == 0
                        case 6: (x * y % 2 + x * y % 3) % 2 == 0
                        default: ((x + y) % 2 + x * y % 3) % 2 == 0
                        }
                    if flip { dark[y * size + x].toggle() }
                }
            }
        }

        /// The ISO/IEC 18004 penalty score (rules N1–N4); lower is better.
        func penalty() -> Int {
            var score = 0
            func module(_ x: Int, _ y: Int) -> Bool { dark[y * size + x] }
            for transposed in [false, true] {
                for line in 0..<size {
                    let cells = (0..<size).map { transposed ? module(line, $0) : module($0, line) }
                    score += runPenalty(cells) + finderLikePenalty(cells)
                }
            }
            for y in 0..<(size - 1) {
                for x in 0..<(size - 1) {
                    let colour = module(x, y)
                    if module(x + 1, y) == colour && module(x, y + 1) == colour && module(x + 1, y + 1) == colour { score += 3 }
                }
            }
            let darkCount = dark.count(where: { $0 })
            let total = size * size
            score += 10 * (abs(darkCount * 100 - total * 50) / (total * 5))
            return score
        }

        /// N1: 3 + (length − 5) for each run of five or more same-coloured modules.
        private func runPenalty(_ cells: [Bool]) -> Int {
            var score = 0
            var runLength = 1
            for index in 1...cells.count {
                if index < cells.count && cells[index] == cells[index - 1] {
                    runLength += 1
                } else {
                    if runLength >= 5 { score += runLength - 2 }
                    runLength = 1
                }
            }
            return score
        }

        /// N3: 40 for each 1:1:3:1:1 dark-light pattern with four light modules before or after it (the quiet zone counts as light).
        private func finderLikePenalty(_ cells: [Bool]) -> Int {
            let pattern = [true, false, true, true, true, false, true]
            var score = 0
            func isLight(_ range: Range<Int>) -> Bool { range.allSatisfy { !cells.indices.contains($0) || !cells[$0] } }
            for start in 0...(cells.count - pattern.count) where cells[start..<start + pattern.count].elementsEqual(pattern) {
                if isLight((start - 4)..<start) || isLight((start + 7)..<(start + 11)) { score += 40 }
            }
            return score
        }
    }

    /// Error-correction layout per version (index 0 unused), one row per level in `ErrorCorrection` order (L, M, Q, H).
    private enum Tables {
        /// Error-correction codewords in each block.
        static let eccCodewordsPerBlock: [[Int]] = [
            [
                -1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
                28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
            ],
            [
                -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
                26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
            ],
            [
                -1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
                28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
            ],
            [
                -1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
                30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
            ],
        ]

        /// Number of error-correction blocks.
        static let blockCount: [[Int]] = [
            [
                -1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
                8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
            ],
            [
                -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
                17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
            ],
            [
                -1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
                23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
            ],
            [
                -1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
                25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
            ],
        ]
    }
}
