/// Jacobson–Truax reliable change (DOMAIN.md §2.3) between two totals.
///
/// ```
/// SE = SD × √(1 − r)      S_diff = √2 × SE      RC = (post − pre) / S_diff
/// reliable ⇔ |RC| > z (1.96)      minimum reliable change = ⌈z × S_diff⌉ points
/// ```
public struct ReliableChange: Sendable, Equatable, Codable {
    /// How the classification was made.
    public enum Method: String, Sendable, Equatable, Codable {
        /// Jacobson–Truax with reference SD and reliability.
        case jacobsonTruax
        /// A preset minimum change in points (PHQ-9: IAPT's 6) while no SD is entered.
        case presetMinimumChange
    }

    /// Direction of a reliable change; lower is better on every instrument here.
    public enum Classification: String, Sendable, Equatable, Codable {
        /// RC < −z (or a drop ≥ the preset).
        case reliableImprovement
        /// RC > +z (or a rise ≥ the preset).
        case reliableDeterioration
        /// Within measurement error.
        case noReliableChange
    }

    /// How the classification was made.
    public let method: Method
    /// Parameter-set id used.
    public let parametersID: String
    /// Standard error of measurement, for Jacobson–Truax.
    public let standardError: Double?
    /// Standard error of a difference, for Jacobson–Truax.
    public let standardErrorOfDifference: Double?
    /// The reliable change index RC, for Jacobson–Truax.
    public let index: Double?
    /// Smallest change in whole points that is reliable.
    public let minimumReliableChange: Int
    /// The result.
    public let classification: Classification

    /// SE = SD × √(1 − r) (DOMAIN.md §2.3).
    public static func standardError(standardDeviation: Double, reliability: Double) -> Double {
        standardDeviation * (1 - reliability).squareRoot()
    }

    /// S_diff = √2 × SE (DOMAIN.md §2.3).
    public static func standardErrorOfDifference(standardDeviation: Double, reliability: Double) -> Double {
        2.0.squareRoot() * standardError(standardDeviation: standardDeviation, reliability: reliability)
    }

    /// ⌈z × S_diff⌉: the minimum reliable change in points on an integer scale (DOMAIN.md §2.3).
    public static func minimumReliableChange(standardDeviation: Double, reliability: Double, criticalZ: Double) -> Int {
        let points = criticalZ * standardErrorOfDifference(standardDeviation: standardDeviation, reliability: reliability)
        // Guard against 4.000000001 becoming 5 from floating-point noise.
        return Int((points - 1e-9).rounded(.up))
    }

    /// Classifies the change from `pre` to `post`; nil when the parameters have neither SD + reliability nor a preset
    /// ("the clinic must enter the values before RCI is shown", DOMAIN.md §2.3).
    public static func evaluate(pre: Int, post: Int, parameters: ReliableChangeParameters, criticalZ: Double) -> ReliableChange? {
        let difference = post - pre
        if let sd = parameters.standardDeviation, let r = parameters.reliability {
            let se = standardError(standardDeviation: sd, reliability: r)
            let sDiff = standardErrorOfDifference(standardDeviation: sd, reliability: r)
            guard sDiff > 0 else { return nil }
            let rc = Double(difference) / sDiff
            // DOMAIN.md §2.3: reliable change ⇔ |RC| > 1.96.
            let classification: Classification =
                rc < -criticalZ ? .reliableImprovement : rc > criticalZ ? .reliableDeterioration : .noReliableChange
            return ReliableChange(
                method: .jacobsonTruax,
                parametersID: parameters.id,
                standardError: se,
                standardErrorOfDifference: sDiff,
                index: rc,
                minimumReliableChange: minimumReliableChange(standardDeviation: sd, reliability: r, criticalZ: criticalZ),
                classification: classification
            )
        }
        guard let preset = parameters.minimumChangePreset else { return nil }
        let classification: Classification =
            -difference >= preset ? .reliableImprovement : difference >= preset ? .reliableDeterioration : .noReliableChange
        return ReliableChange(
            method: .presetMinimumChange,
            parametersID: parameters.id,
            standardError: nil,
            standardErrorOfDifference: nil,
            index: nil,
            minimumReliableChange: preset,
            classification: classification
        )
    }
}
