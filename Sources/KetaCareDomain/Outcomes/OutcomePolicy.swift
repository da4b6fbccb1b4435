/// The clinic's outcome settings (DOMAIN.md Appendix B `outcomes.*`).
///
/// Per-instrument dictionaries override the seeds in the instrument files; an absent key means "use the seed".
public struct OutcomePolicy: Sendable, Equatable, Codable {
    /// Days before the first treatment within which a score can be the baseline (Appendix B `outcomes.baselineWindowDays`).
    public var baselineWindowDays: Sourced<Int>
    /// Critical |RC| for reliable change.
    public var reliableChangeZ: Sourced<Double>
    /// Normal quantile for the confidence intervals of cohort rates (1.96 → 95%).
    public var intervalZ: Sourced<Double>
    /// Response definition per instrument id (Appendix B `outcomes.responsePct`).
    public var response: [String: ResponseCriterion]
    /// Remission definition per instrument id (Appendix B `outcomes.remission.*`).
    public var remission: [String: RemissionCriterion]
    /// MCID per instrument id.
    public var mcid: [String: Sourced<Int>]
    /// RCI parameters per instrument id (Appendix B `outcomes.rci.params.*`); where the clinic enters HAM-A, LSAS, PDSS values.
    public var reliableChange: [String: ReliableChangeParameters]

    /// Creates a policy; omitted dictionaries mean "use the instrument seeds".
    public init(
        baselineWindowDays: Sourced<Int>,
        reliableChangeZ: Sourced<Double>,
        intervalZ: Sourced<Double>,
        response: [String: ResponseCriterion] = [:],
        remission: [String: RemissionCriterion] = [:],
        mcid: [String: Sourced<Int>] = [:],
        reliableChange: [String: ReliableChangeParameters] = [:]
    ) {
        self.baselineWindowDays = baselineWindowDays
        self.reliableChangeZ = reliableChangeZ
        self.intervalZ = intervalZ
        self.response = response
        self.remission = remission
        self.mcid = mcid
        self.reliableChange = reliableChange
    }

    /// The shipped behaviour: a 14-day baseline window, z = 1.96, every definition from the instrument files.
    public static let defaults = OutcomePolicy(
        // DOMAIN.md §2.1: DESIGN DEFAULT 14 days.
        baselineWindowDays: Sourced(14, .designDefault),
        // DOMAIN.md §2.3: |RC| > 1.96, p < .05 two-tailed.
        reliableChangeZ: Sourced(1.96, .sourced("Jacobson & Truax 1991 (DOMAIN.md §2.3)")),
        // The issue asks for 95% Wilson intervals.
        intervalZ: Sourced(1.96, .sourced("95% two-sided normal quantile"))
    )

    /// `defaults` with every instrument's seeds written out, so an admin screen can list and edit them.
    public static func seeded(from library: InstrumentLibrary) -> OutcomePolicy {
        var policy = OutcomePolicy.defaults
        for instrument in library.instruments {
            guard let seeds = instrument.outcomes else { continue }
            policy.response[instrument.id] = seeds.response
            policy.remission[instrument.id] = seeds.remission
            policy.mcid[instrument.id] = seeds.mcid.map { Sourced($0.value, $0.provenance.policyProvenance) }
            policy.reliableChange[instrument.id] = seeds.reliableChange.first
        }
        return policy
    }

    /// The definitions in force for `instrument`: policy values, else the instrument's seeds.
    ///
    /// `bandSetID` picks the band set for band-based remission (PDSS with agoraphobia); nil uses the default.
    public func criteria(for instrument: Instrument, bandSetID: String? = nil) -> OutcomeCriteria {
        let seeds = instrument.outcomes
        return OutcomeCriteria(
            instrumentID: instrument.id,
            response: response[instrument.id] ?? seeds?.response,
            remission: remission[instrument.id] ?? seeds?.remission,
            bandSet: instrument.bandSet(id: bandSetID),
            mcid: mcid[instrument.id]?.value ?? seeds?.mcid?.value,
            reliableChange: reliableChange[instrument.id] ?? seeds?.reliableChange.first,
            criticalZ: reliableChangeZ.value
        )
    }

    /// Checks the values a clinic entered.
    /// - Throws: `OutcomeError.invalidParameter` naming the field (`baselineWindowDays`, `response[gad7].threshold`, …).
    public func validate() throws(OutcomeError) {
        if baselineWindowDays.value < 0 {
            throw .invalidParameter(field: "baselineWindowDays", value: "\(baselineWindowDays.value)", allowed: "0 days or more")
        }
        for (field, z) in [("reliableChangeZ", reliableChangeZ.value), ("intervalZ", intervalZ.value)] where !(z.isFinite && z > 0) {
            throw .invalidParameter(field: field, value: "\(z)", allowed: "a number greater than 0")
        }
        for (id, criterion) in response.sorted(by: { $0.key < $1.key }) {
            let upper = criterion.kind == .percentReduction ? 100.0 : Double.infinity
            guard criterion.threshold > 0, criterion.threshold <= upper else {
                let allowed = criterion.kind == .percentReduction ? "more than 0 and at most 100 percent" : "more than 0 points"
                throw .invalidParameter(field: "response[\(id)].threshold", value: "\(criterion.threshold)", allowed: allowed)
            }
        }
        for (id, parameters) in reliableChange.sorted(by: { $0.key < $1.key }) {
            do {
                try parameters.validate()
            } catch .invalidParameter(let field, let value, let allowed) {
                throw .invalidParameter(field: "reliableChange[\(id)].\(field)", value: value, allowed: allowed)
            }
        }
    }
}
