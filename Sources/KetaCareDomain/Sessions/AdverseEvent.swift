public import Foundation

/// A CTCAE v5.0 severity grade, 1–5 (DOMAIN.md §8.3); only valid grades can exist.
public struct CTCAEGrade: Codable, Sendable, Hashable, Comparable {
    /// The grade number.
    public let value: Int

    /// The grades CTCAE v5.0 defines.
    public static let range = 1...5

    /// A grade, or an error naming the allowed range.
    public init(_ value: Int) throws(SessionError) {
        guard Self.range.contains(value) else { throw SessionError.outOfRange(field: "ctcae_grade", value: value, range: Self.range) }
        self.value = value
    }

    /// FHIR R4 AdverseEvent.severity: 1 → mild, 2 → moderate, 3–5 → severe (DOMAIN.md §8.3 DESIGN DEFAULT).
    public var fhirSeverity: String {
        switch value {
        case 1: "mild"
        case 2: "moderate"
        default: "severe"
        }
    }

    /// The CTCAE general definition, shortened.
    public var definition: String {
        switch value {
        case 1: "Mild; intervention not indicated"
        case 2: "Moderate; minimal, local or non-invasive intervention indicated"
        case 3: "Severe or medically significant but not immediately life-threatening"
        case 4: "Life-threatening consequences; urgent intervention indicated"
        default: "Death related to AE"
        }
    }

    /// Decodes a bare grade number, refusing one outside 1–5.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(Int.self)
        do { try self.init(raw) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes as a bare grade number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// Lower grades are milder.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// What makes an adverse event serious (DOMAIN.md §8.4, 21 CFR 312.32(a)).
public enum SeriousnessCriterion: String, Codable, Sendable, CaseIterable {
    /// Death.
    case death
    /// A life-threatening event.
    case lifeThreatening = "life_threatening"
    /// Inpatient hospitalization or its prolongation.
    case hospitalization
    /// Persistent or significant incapacity or disruption of normal life functions.
    case disability
    /// Congenital anomaly or birth defect.
    case congenitalAnomaly = "congenital_anomaly"
    /// An important medical event that may need intervention to prevent one of the above.
    case importantMedicalEvent = "important_medical_event"
}

/// What was done with the drug (DOMAIN.md §8.2).
public enum AdverseEventAction: String, Codable, Sendable, CaseIterable {
    /// No change.
    case none
    /// Dose reduced.
    case doseReduced = "dose_reduced"
    /// Dosing interrupted.
    case interrupted
    /// Dosing stopped.
    case stopped
}

/// The outcome, in FHIR R4 codes (DOMAIN.md §8.2).
public enum AdverseEventOutcome: String, Codable, Sendable, CaseIterable {
    /// Resolved.
    case resolved
    /// Recovering.
    case recovering
    /// Ongoing.
    case ongoing
    /// Resolved with sequelae.
    case resolvedWithSequelae
    /// Fatal.
    case fatal
    /// Unknown.
    case unknown
}

/// Causality, WHO-UMC categories (DOMAIN.md §8.2 DESIGN DEFAULT).
public enum Relatedness: String, Codable, Sendable, CaseIterable {
    /// Certain.
    case certain
    /// Probable / likely.
    case probable
    /// Possible.
    case possible
    /// Unlikely.
    case unlikely
    /// Conditional / unclassified.
    case conditional
    /// Unassessable / unclassifiable.
    case unassessable
}

/// The care setting, which decides the Spravato REMS duty (DOMAIN.md §8.5).
public enum CareSetting: String, Codable, Sendable {
    /// Certified outpatient setting.
    case outpatient
    /// Inpatient setting.
    case inpatient
}

/// An adverse event recorded against a session (DOMAIN.md §8.2).
public struct AdverseEvent: Codable, Sendable, Equatable {
    /// The term (free text; MedDRA code optional because MedDRA is licensed).
    public var term: String
    /// MedDRA code, when the clinic has a licence.
    public var meddraCode: String?
    /// Onset.
    public var onset: Date
    /// Resolution, once resolved.
    public var resolvedAt: Date?
    /// CTCAE grade.
    public var grade: CTCAEGrade
    /// The seriousness criteria met; empty = not serious. Independent of the grade (§8.4).
    public var seriousness: Set<SeriousnessCriterion>
    /// Causality.
    public var relatedness: Relatedness
    /// Whether the event is listed in the product label.
    public var isExpected: Bool
    /// What was done with the drug.
    public var action: AdverseEventAction
    /// Treatment given.
    public var treatment: String?
    /// The outcome.
    public var outcome: AdverseEventOutcome
    /// Who reported it (staff identifier).
    public var reporter: String

    /// A validated event: term and reporter non-blank, resolution not before onset, a fatal outcome graded 5.
    public init(
        term: String, meddraCode: String? = nil, onset: Date, resolvedAt: Date? = nil, grade: CTCAEGrade,
        seriousness: Set<SeriousnessCriterion>, relatedness: Relatedness, isExpected: Bool, action: AdverseEventAction,
        treatment: String? = nil, outcome: AdverseEventOutcome, reporter: String
    ) throws(SessionError) {
        self.term = try SessionError.requireText(term, field: "term", what: "what happened")
        if let resolvedAt, resolvedAt < onset {
            throw SessionError(.inconsistent, field: "resolved_at", message: "resolved_at must not be before onset")
        }
        if outcome == .fatal, grade.value != 5 || !seriousness.contains(.death) {
            throw SessionError(
                .inconsistent, field: "outcome",
                message: "a fatal outcome needs CTCAE grade 5 and the seriousness criterion death; got grade \(grade.value)")
        }
        self.meddraCode = meddraCode
        self.onset = onset
        self.resolvedAt = resolvedAt
        self.grade = grade
        self.seriousness = seriousness
        self.relatedness = relatedness
        self.isExpected = isExpected
        self.action = action
        self.treatment = treatment
        self.outcome = outcome
        self.reporter = try SessionError.requireText(reporter, field: "reporter", what: "who recorded the event")
    }

    /// Whether any §8.4 criterion is met.
    public var isSerious: Bool { !seriousness.isEmpty }

    /// The reports this event calls for, with deadlines, under the clinic's rules (DOMAIN.md §8.5).
    ///
    /// `sessionDate` anchors per-session duties (REMS form within 7 days of the session); `awareAt` anchors the rest.
    public func reportingObligations(
        product: ProductFamily, setting: CareSetting, underIND: Bool, sessionDate: Date, awareAt: Date, rules: [ReportingRule]
    ) -> [ReportingObligation] {
        rules.filter { rule in
            rule.isEnabled && rule.products.contains(product) && rule.settings.contains(setting) && (!rule.requiresIND || underIND)
                && rule.trigger.isMet(isSerious: isSerious, isExpected: isExpected)
        }
        .map { rule in
            let anchor = rule.deadlineAnchor == .session ? sessionDate : awareAt
            let dueBy: Date? =
                switch rule.deadline {
                case .immediately: anchor
                case .withinDays(let days): anchor.addingTimeInterval(Double(days) * 86_400)
                case .none: nil
                }
            return ReportingObligation(
                id: rule.id, name: rule.name, recipient: rule.recipient, isMandatory: rule.isMandatory, deadline: rule.deadline,
                dueBy: dueBy, provenance: rule.provenance)
        }
    }
}

/// When a report falls due.
public enum ReportingDeadline: Codable, Sendable, Equatable {
    /// At once (IND: investigator to sponsor "immediately").
    case immediately
    /// Within this many calendar days of the anchor.
    case withinDays(Int)
    /// No deadline stated (voluntary reports).
    case none
}

/// Which events a rule applies to.
public enum ReportingTrigger: String, Codable, Sendable {
    /// Every suspected adverse event.
    case anyEvent = "any_event"
    /// Serious events only.
    case serious
    /// Serious or unexpected events (MedWatch: "suspected serious or unexpected reactions").
    case seriousOrUnexpected = "serious_or_unexpected"

    /// Whether an event with these properties triggers the rule.
    public func isMet(isSerious: Bool, isExpected: Bool) -> Bool {
        switch self {
        case .anyEvent: true
        case .serious: isSerious
        case .seriousOrUnexpected: isSerious || !isExpected
        }
    }
}

/// What a deadline is counted from.
public enum DeadlineAnchor: String, Codable, Sendable {
    /// The session date (REMS Patient Monitoring Form).
    case session
    /// When the clinic became aware of the event.
    case awareness
}

/// One reporting duty as data (DOMAIN.md §8.5).
public struct ReportingRule: Codable, Sendable, Equatable {
    /// Stable identifier (`rems_patient_monitoring_form`).
    public var id: String
    /// The obligation's name.
    public var name: String
    /// Whom to report to.
    public var recipient: String
    /// Products it applies to.
    public var products: Set<ProductFamily>
    /// Settings it applies to.
    public var settings: Set<CareSetting>
    /// Whether it applies only when the clinic runs a study under an IND.
    public var requiresIND: Bool
    /// Which events trigger it.
    public var trigger: ReportingTrigger
    /// Whether it is mandatory (or voluntary).
    public var isMandatory: Bool
    /// The deadline.
    public var deadline: ReportingDeadline
    /// What the deadline is counted from.
    public var deadlineAnchor: DeadlineAnchor
    /// Whether the clinic has the rule switched on (REMS features are per-clinic switches).
    public var isEnabled: Bool
    /// Where it came from.
    public var provenance: Provenance

    /// Creates a rule.
    public init(
        id: String, name: String, recipient: String, products: Set<ProductFamily>, settings: Set<CareSetting>, requiresIND: Bool,
        trigger: ReportingTrigger, isMandatory: Bool, deadline: ReportingDeadline, deadlineAnchor: DeadlineAnchor, isEnabled: Bool,
        provenance: Provenance
    ) {
        self.id = id
        self.name = name
        self.recipient = recipient
        self.products = products
        self.settings = settings
        self.requiresIND = requiresIND
        self.trigger = trigger
        self.isMandatory = isMandatory
        self.deadline = deadline
        self.deadlineAnchor = deadlineAnchor
        self.isEnabled = isEnabled
        self.provenance = provenance
    }

    /// The duties DOMAIN.md §8.5 lists; the state rule ships switched off (UNCONFIRMED, varies by state).
    public static let seed: [ReportingRule] = [
        ReportingRule(
            id: "rems_patient_monitoring_form", name: "Spravato REMS Patient Monitoring Form (adverse events section)",
            recipient: "Spravato REMS", products: [.esketamine], settings: [.outpatient], requiresIND: false, trigger: .anyEvent,
            isMandatory: true, deadline: .withinDays(7), deadlineAnchor: .session, isEnabled: true,
            provenance: .sourced("DOMAIN.md §8.5 [FDA REMS page; J&J Medical Information; spravatorems.com]")),
        ReportingRule(
            id: "rems_inpatient_ae", name: "Spravato REMS inpatient adverse-event report", recipient: "Spravato REMS (1-855-382-6022)",
            products: [.esketamine], settings: [.inpatient], requiresIND: false, trigger: .anyEvent, isMandatory: true, deadline: .none,
            deadlineAnchor: .awareness, isEnabled: true, provenance: .unconfirmed),  // DOMAIN.md §8.5 states no deadline
        ReportingRule(
            id: "medwatch", name: "FDA MedWatch voluntary report (Form 3500)", recipient: "FDA MedWatch (1-800-FDA-1088)",
            products: [.racemicKetamine, .esketamine], settings: [.outpatient, .inpatient], requiresIND: false, trigger: .seriousOrUnexpected,
            isMandatory: false, deadline: .none, deadlineAnchor: .awareness, isEnabled: true, provenance: .sourced("DOMAIN.md §8.5 [FDA MedWatch]")),
        ReportingRule(
            id: "ind_sponsor", name: "Serious AE report to the IND sponsor", recipient: "Study sponsor",
            products: [.racemicKetamine, .esketamine], settings: [.outpatient, .inpatient], requiresIND: true, trigger: .serious,
            isMandatory: true, deadline: .immediately, deadlineAnchor: .awareness, isEnabled: true,
            provenance: .sourced("DOMAIN.md §8.5 [21 CFR 312.64(b)]")),
        ReportingRule(
            id: "state_board", name: "State or medical-board report", recipient: "State authority", products: [.racemicKetamine, .esketamine],
            settings: [.outpatient, .inpatient], requiresIND: false, trigger: .serious, isMandatory: true, deadline: .none,
            deadlineAnchor: .awareness, isEnabled: false, provenance: .unconfirmed),
    ]
}

/// A report an adverse event calls for.
public struct ReportingObligation: Codable, Sendable, Equatable {
    /// The rule's identifier.
    public var id: String
    /// The obligation's name.
    public var name: String
    /// Whom to report to.
    public var recipient: String
    /// Mandatory or voluntary.
    public var isMandatory: Bool
    /// The deadline rule.
    public var deadline: ReportingDeadline
    /// The computed due time, or `nil` when no deadline is stated.
    public var dueBy: Date?
    /// Where the rule came from.
    public var provenance: Provenance
}
