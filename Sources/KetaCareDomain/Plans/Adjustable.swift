/// A template value a prescriber may change for one patient within `allowed`, with where the default came from.
public struct Adjustable<Value: Codable & Sendable & Comparable>: Codable, Sendable, Equatable {
    /// The template's default.
    public var value: Value
    /// What a plan may set it to.
    public var allowed: ClosedRange<Value>
    /// Where the default and the range came from.
    public var provenance: Provenance

    /// Creates an adjustable value.
    public init(_ value: Value, allowed: ClosedRange<Value>, _ provenance: Provenance) {
        self.value = value
        self.allowed = allowed
        self.provenance = provenance
    }

    /// Throws naming `field` and the allowed range when `candidate` is outside it.
    public func validate(_ candidate: Value, field: String) throws(PlanError) {
        guard allowed.contains(candidate) else {
            throw PlanError(
                field: field,
                message: "\(field) must be from \(allowed.lowerBound) to \(allowed.upperBound) for this template; got \(candidate)"
            )
        }
    }
}
