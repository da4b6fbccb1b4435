/// Predicted plasma concentrations of one analyte at a list of times.
public struct ConcentrationCurve: Sendable, Equatable {
    /// `ketamine`, `esketamine`, `norketamine`, `noresketamine`.
    public let analyte: String
    /// Minutes from time 0, ascending.
    public let timesMinutes: [Double]
    /// ng/mL at each time.
    public let concentrationsNgPerML: [Double]

    /// Creates a curve; the arrays have the same length.
    public init(analyte: String, timesMinutes: [Double], concentrationsNgPerML: [Double]) {
        precondition(timesMinutes.count == concentrationsNgPerML.count, "one concentration per time")
        self.analyte = analyte
        self.timesMinutes = timesMinutes
        self.concentrationsNgPerML = concentrationsNgPerML
    }

    /// `count` evenly spaced times from 0 through `endMinute` (a 480-point chart: `uniformTimes(through: 719.5, count: 480)`).
    public static func uniformTimes(through endMinute: Double, count: Int) -> [Double] {
        guard count > 1 else { return [0] }
        let step = endMinute / Double(count - 1)
        return (0..<count).map { Double($0) * step }
    }

    /// The highest sampled concentration and its time (the first, if it repeats); nil for an empty curve.
    public var peak: CurvePoint? {
        guard var best = concentrationsNgPerML.indices.first else { return nil }
        for index in concentrationsNgPerML.indices where concentrationsNgPerML[index] > concentrationsNgPerML[best] { best = index }
        return CurvePoint(minute: timesMinutes[best], concentration: NanogramsPerMillilitre(concentrationsNgPerML[best]))
    }

    /// When the curve falls below `level` and stays below to its end (linear interpolation between samples).
    public func timeFallingBelow(_ level: NanogramsPerMillilitre) -> LevelCrossing {
        guard let last = concentrationsNgPerML.indices.last else { return .neverReached }
        guard let peak, peak.concentration >= level else { return .neverReached }
        if concentrationsNgPerML[last] >= level.value { return .stillAbove(atMinute: timesMinutes[last]) }
        var index = last
        while index > 0, concentrationsNgPerML[index - 1] < level.value { index -= 1 }
        // samples[index - 1] ≥ level > samples[index]
        let (t0, c0) = (timesMinutes[index - 1], concentrationsNgPerML[index - 1])
        let (t1, c1) = (timesMinutes[index], concentrationsNgPerML[index])
        let minute = c0 == c1 ? t1 : t0 + (c0 - level.value) / (c0 - c1) * (t1 - t0)
        return .fallsBelow(atMinute: minute)
    }

    /// Area under the curve by the trapezoidal rule, ng·min/mL (divide by 60 for ng·h/mL).
    public var areaUnderCurve: Double {
        var area = 0.0
        for index in timesMinutes.indices.dropFirst() {
            area += (timesMinutes[index] - timesMinutes[index - 1]) * (concentrationsNgPerML[index] + concentrationsNgPerML[index - 1]) / 2
        }
        return area
    }
}

/// A time and concentration.
public struct CurvePoint: Sendable, Equatable {
    /// Minutes from time 0.
    public let minute: Double
    /// The concentration.
    public let concentration: NanogramsPerMillilitre

    /// Creates a point.
    public init(minute: Double, concentration: NanogramsPerMillilitre) {
        self.minute = minute
        self.concentration = concentration
    }
}

/// When a curve falls below a level.
public enum LevelCrossing: Sendable, Equatable {
    /// The curve never reaches the level.
    case neverReached
    /// The curve falls below the level at this minute and stays below.
    case fallsBelow(atMinute: Double)
    /// The curve is still at or above the level at its last time.
    case stillAbove(atMinute: Double)

    /// `never_reached`, `falls_below` or `still_above`.
    public var status: String {
        switch self {
        case .neverReached: "never_reached"
        case .fallsBelow: "falls_below"
        case .stillAbove: "still_above"
        }
    }

    /// The minute, when there is one.
    public var minute: Double? {
        switch self {
        case .neverReached: nil
        case .fallsBelow(let minute), .stillAbove(let minute): minute
        }
    }
}
