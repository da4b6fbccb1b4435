/// Soft and hard bounds on one quantity (DOMAIN.md §4.8): beyond soft needs a reason, beyond hard blocks.
///
/// Bounds are inclusive of the allowed side: a dose equal to `softMax` is within; one above it is soft.
public struct LimitBand<Unit: QuantityUnit>: Codable, Sendable, Equatable {
    /// Below this: hard limit (blocked).
    public var hardMin: DecimalQuantity<Unit>?
    /// Below this: soft limit (reason required).
    public var softMin: DecimalQuantity<Unit>?
    /// Above this: soft limit (reason required).
    public var softMax: DecimalQuantity<Unit>?
    /// Above this: hard limit (blocked).
    public var hardMax: DecimalQuantity<Unit>?

    /// Creates a band; any bound may be absent.
    public init(
        hardMin: DecimalQuantity<Unit>? = nil,
        softMin: DecimalQuantity<Unit>? = nil,
        softMax: DecimalQuantity<Unit>? = nil,
        hardMax: DecimalQuantity<Unit>? = nil
    ) {
        self.hardMin = hardMin
        self.softMin = softMin
        self.softMax = softMax
        self.hardMax = hardMax
    }

    /// The most severe bound `value` crosses, as (severity, bound, limit value), or `nil` when within.
    func crossing(_ value: DecimalQuantity<Unit>) -> (LimitSeverity, LimitBound, DecimalQuantity<Unit>)? {
        if let hardMin, value < hardMin { return (.hard, .minimum, hardMin) }
        if let hardMax, value > hardMax { return (.hard, .maximum, hardMax) }
        if let softMin, value < softMin { return (.soft, .minimum, softMin) }
        if let softMax, value > softMax { return (.soft, .maximum, softMax) }
        return nil
    }

    /// The bound of a given severity and side.
    func bound(_ severity: LimitSeverity, _ side: LimitBound) -> DecimalQuantity<Unit>? {
        switch (severity, side) {
        case (.hard, .minimum): hardMin
        case (.soft, .minimum): softMin
        case (.soft, .maximum): softMax
        case (.hard, .maximum): hardMax
        default: nil
        }
    }

    /// Whether the bounds are ordered hardMin ≤ softMin ≤ softMax ≤ hardMax where present.
    public var isOrdered: Bool {
        let present = [hardMin, softMin, softMax, hardMax].compactMap { $0 }
        return zip(present, present.dropFirst()).allSatisfy { $0 <= $1 }
    }
}

/// A count limit (administrations in a window).
public struct CountLimit: Codable, Sendable, Equatable {
    /// Above this count: soft limit.
    public var softMax: Int?
    /// Above this count: hard limit.
    public var hardMax: Int?

    /// Creates a count limit.
    public init(softMax: Int? = nil, hardMax: Int? = nil) {
        self.softMax = softMax
        self.hardMax = hardMax
    }
}

/// How far beyond a limit a dose is.
public enum LimitSeverity: String, Codable, Sendable, Comparable {
    /// A warning; the prescriber must give a reason to override.
    case soft
    /// The dose cannot be ordered.
    case hard

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .soft && rhs == .hard }
}

/// Which side of a limit was crossed.
public enum LimitBound: String, Codable, Sendable {
    /// The value is below a minimum.
    case minimum
    /// The value is above a maximum.
    case maximum
    /// The value is not one of the allowed values.
    case allowedSet = "allowed_set"
    /// A rule about history (first dose, one session a day …).
    case rule
}
