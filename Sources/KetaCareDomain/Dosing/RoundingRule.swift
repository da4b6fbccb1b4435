public import Foundation

/// How a value is brought to its display step (DOMAIN.md §4.7 gives the steps, not the mode).
public enum RoundingMode: String, Codable, Sendable, CaseIterable {
    /// To the nearest step; halves away from zero (6.15 → 6.2).
    case halfUp = "half_up"
    /// To the nearest step; halves to the even step (6.15 → 6.2, 6.25 → 6.2).
    case halfEven = "half_even"
    /// Toward zero (never more than computed).
    case down
    /// Away from zero (never less than computed).
    case up

    /// The Foundation rounding mode.
    var foundationMode: NSDecimalNumber.RoundingMode {
        switch self {
        case .halfUp: .plain
        case .halfEven: .bankers
        case .down: .down
        case .up: .up
        }
    }
}

/// Round to a multiple of `step` (0.1, 0.01 …) with `mode`, in exact decimal arithmetic.
public struct RoundingRule: Codable, Sendable, Equatable {
    /// The display step, e.g. 0.1 for "to 0.1 mL/h".
    public var step: Decimal
    /// How halves and remainders are treated.
    public var mode: RoundingMode

    /// Creates a rule; `step` must be positive.
    public init(step: Decimal, mode: RoundingMode = .halfUp) {
        self.step = step
        self.mode = mode
    }

    /// The number of decimals the step shows (0.1 → 1, 0.01 → 2, 1 → 0).
    public var places: Int {
        var places = 0
        var scaled = step
        while places < 10, scaled != scaled.integralPart {
            scaled *= 10
            places += 1
        }
        return places
    }

    /// `value` rounded to a multiple of `step`.
    public func apply(to value: Decimal) -> Decimal {
        guard step > 0 else { return value }
        var quotient = value / step
        var whole = Decimal()
        NSDecimalRound(&whole, &quotient, 0, mode.foundationMode)
        return whole * step
    }
}

extension Decimal {
    /// The integer part, truncated toward zero.
    var integralPart: Decimal {
        var source = self
        var result = Decimal()
        NSDecimalRound(&result, &source, 0, self < 0 ? .up : .down)
        return result
    }

    /// A binary floating-point copy, for simulation and charts only.
    var approximateDouble: Double { NSDecimalNumber(decimal: self).doubleValue }

    /// The value rounded half-up to `places` decimals and printed with exactly that many ("41.0", "0.70"), locale-free.
    func fixedString(places: Int) -> String {
        var source = self
        var rounded = Decimal()
        NSDecimalRound(&rounded, &source, places, .plain)
        var scaled = rounded
        for _ in 0..<max(places, 0) { scaled *= 10 }
        let isNegative = scaled < 0
        var digits = (isNegative ? -scaled : scaled).description
        if let dot = digits.firstIndex(of: ".") { digits = String(digits[..<dot]) }
        guard places > 0 else { return (isNegative ? "-" : "") + digits }
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -places)
        return (isNegative ? "-" : "") + digits[..<split] + "." + digits[split...]
    }
}
