public import Foundation

/// One item of the in-session side-effect checklist (issue #5; DOMAIN.md §6.1, §6.5, §8.1), as data the clinic can extend.
public struct SideEffectItem: Codable, Sendable, Equatable {
    /// Stable code (`nausea`, `vomiting`).
    public var code: String
    /// What the nurse sees.
    public var label: String
    /// The alert raised when it is ticked, if any (vomiting: warning; crisis symptoms: emergency).
    public var alertLevel: AlertLevel?
    /// What to do when it alerts.
    public var action: String?
    /// Where the alert mapping came from.
    public var provenance: Provenance

    /// Creates a checklist item.
    public init(code: String, label: String, alertLevel: AlertLevel? = nil, action: String? = nil, provenance: Provenance) {
        self.code = code
        self.label = label
        self.alertLevel = alertLevel
        self.action = action
        self.provenance = provenance
    }

    /// The seeded checklist: the list, the label's common reactions, and the §6.5 clinician-entered alerts.
    public static let seed: [SideEffectItem] = [
        SideEffectItem(code: "nausea", label: "Nausea", provenance: .sourced("DOMAIN.md §6.1, §8.1")),
        SideEffectItem(
            code: "vomiting", label: "Vomiting", alertLevel: .warning, action: "Aspiration precautions",
            provenance: .designDefault),  // DOMAIN.md §6.5
        SideEffectItem(code: "dizziness", label: "Dizziness", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "vertigo", label: "Vertigo", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "headache", label: "Headache", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "anxiety", label: "Anxiety", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "dissociation", label: "Dissociation", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "sedation", label: "Sedation", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "hypertension", label: "Blood pressure increased", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "dysgeusia", label: "Taste disturbance", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "hypoesthesia", label: "Numbness", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(code: "feeling_drunk", label: "Feeling drunk", provenance: .sourced("DOMAIN.md §8.1")),
        SideEffectItem(
            code: "emergence_reaction", label: "Emergence reaction (agitation, hallucinations, delirium)", alertLevel: .warning,
            action: "Reduce stimulation; stop infusion if severe; consider benzodiazepine per protocol",
            provenance: .sourced("DOMAIN.md §6.5 [Ketalar USPI] (secondary)")),
        SideEffectItem(
            code: "hypertensive_crisis_symptoms",
            label: "Chest pain, shortness of breath, sudden severe headache, visual disturbance, seizure, reduced consciousness or focal deficit",
            alertLevel: .emergency, action: "Stop dosing; emergency care / referral",
            provenance: .sourced("DOMAIN.md §6.5 [Spravato USPI W&P]")),
    ]
}

extension [SideEffectItem] {
    /// The alerts raised by the ticked codes, most severe first; throws naming an unknown code.
    public func alerts(forTicked codes: [String]) throws(SessionError) -> [SessionAlert] {
        var alerts: [SessionAlert] = []
        for (index, code) in codes.enumerated() {
            guard let item = first(where: { $0.code == code }) else {
                throw SessionError(
                    .outOfRange, field: "side_effects[\(index)]",
                    message: "side_effects[\(index)] must be one of \(map(\.code).joined(separator: ", ")); got '\(code)'")
            }
            if let level = item.alertLevel {
                alerts.append(
                    SessionAlert(
                        key: "alerts.side_effect.\(item.code)", signal: "side_effect.\(item.code)", level: level, threshold: "any \(item.label)",
                        observed: nil, action: item.action ?? "", provenance: item.provenance))
            }
        }
        return AlertLevel.allCases.reversed().flatMap { level in alerts.filter { $0.level == level } }
    }
}

/// A rescue medication given during the session (issue #5), e.g. ondansetron for nausea, a benzodiazepine for emergence.
public struct RescueMedication: Codable, Sendable, Equatable {
    /// The drug's name as given.
    public var drug: String
    /// The amount, in mg.
    public var dose: Milligrams
    /// The route (`iv`, `po`, `im`, `sl`).
    public var route: String
    /// Why it was given (`nausea`, `emergence_reaction`).
    public var indication: String
    /// When.
    public var givenAt: Date
    /// Who gave it (staff identifier).
    public var givenBy: String

    /// A validated record: names non-blank, the dose above zero.
    public init(drug: String, dose: Milligrams, route: String, indication: String, givenAt: Date, givenBy: String) throws(SessionError) {
        self.drug = try SessionError.requireText(drug, field: "drug", what: "the rescue drug's name")
        guard dose.value > 0 else {
            throw SessionError(.outOfRange, field: "dose_mg", message: "dose_mg must be greater than 0 mg; got \(dose.value) mg")
        }
        self.dose = dose
        self.route = try SessionError.requireText(route, field: "route", what: "the route given")
        self.indication = try SessionError.requireText(indication, field: "indication", what: "why it was given")
        self.givenAt = givenAt
        self.givenBy = try SessionError.requireText(givenBy, field: "given_by", what: "who gave it")
    }
}
