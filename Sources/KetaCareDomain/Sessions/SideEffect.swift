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

/// How bad a ticked side effect was, as the nurse judged it (DESIGN DEFAULT three-step scale; CTCAE grading is for adverse events).
public enum SideEffectSeverity: String, Codable, Sendable, CaseIterable {
    /// Noticed; no treatment needed.
    case mild
    /// Troubling; may need a rescue medication.
    case moderate
    /// Disabling, or the session had to change.
    case severe
}

/// One ticked item of a side-effect check.
public struct TickedSideEffect: Codable, Sendable, Equatable {
    /// The checklist code.
    public var code: String
    /// The label the nurse saw (kept, so the record reads the same after the clinic renames an item).
    public var label: String
    /// How bad, if said.
    public var severity: SideEffectSeverity?

    /// Creates an entry.
    public init(code: String, label: String, severity: SideEffectSeverity? = nil) {
        self.code = code
        self.label = label
        self.severity = severity
    }
}

/// A side-effect check at the chair (issue #5): the ticked items with their severities and a note. No ticked item is an explicit
/// "none" entry, not a missing one.
public struct SideEffectCheck: Codable, Sendable, Equatable {
    /// What was ticked, in the order given.
    public var ticked: [TickedSideEffect]
    /// A free-text note, if any.
    public var note: String?

    /// The longest note accepted.
    public static let maxNoteLength = 1000

    /// Creates a check.
    public init(ticked: [TickedSideEffect], note: String?) {
        self.ticked = ticked
        self.note = note
    }

    /// Whether the check recorded no side effects.
    public var isNone: Bool { ticked.isEmpty }
}

extension [SideEffectItem] {
    /// A validated check from the ticked codes, their severities by code and a note; errors name the API field (`side_effects[1]`,
    /// `severities.vomiting`, `note`) and list what is allowed.
    public func check(ticked codes: [String], severities: [String: String], note: String?) throws(SessionError) -> SideEffectCheck {
        var ticked: [TickedSideEffect] = []
        for (index, code) in codes.enumerated() {
            let field = "side_effects[\(index)]"
            guard let item = first(where: { $0.code == code }) else {
                throw SessionError(
                    .outOfRange, field: field, message: "\(field) must be one of \(map(\.code).joined(separator: ", ")); got '\(code)'")
            }
            guard !ticked.contains(where: { $0.code == code }) else {
                throw SessionError(.inconsistent, field: field, message: "\(field) lists '\(code)' twice")
            }
            ticked.append(TickedSideEffect(code: item.code, label: item.label))
        }
        for key in severities.keys.sorted() {
            let field = "severities.\(key)"
            guard let index = ticked.firstIndex(where: { $0.code == key }) else {
                throw SessionError(.inconsistent, field: field, message: "\(field) is given but '\(key)' is not ticked in side_effects")
            }
            let text = severities[key]!.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let severity = SideEffectSeverity(rawValue: text) else {
                let allowed = SideEffectSeverity.allCases.map(\.rawValue).joined(separator: ", ")
                throw SessionError(.outOfRange, field: field, message: "\(field) must be one of \(allowed); got '\(text)'")
            }
            ticked[index].severity = severity
        }
        let text = note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard text.count <= SideEffectCheck.maxNoteLength else {
            throw SessionError(
                .outOfRange, field: "note", message: "note must be at most \(SideEffectCheck.maxNoteLength) characters; got \(text.count)")
        }
        return SideEffectCheck(ticked: ticked, note: text.isEmpty ? nil : text)
    }
}
