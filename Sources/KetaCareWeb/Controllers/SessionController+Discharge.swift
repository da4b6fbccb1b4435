import Foundation
import KetaCareDomain
import KetaCareStore

// MARK: - The discharge score the clinic chose (DOMAIN.md §7.2–7.4)

extension SessionController {
    /// The discharge assessment: the items of the clinic's score (modified Aldrete or PADSS) that staff rate, and the
    /// checklist. The items the readings decide (Aldrete circulation and SpO2, PADSS vital signs) are never sent.
    struct DischargeInput: Decodable, Sendable {
        var version: Int
        /// Modified Aldrete (§7.2): activity, respiration, consciousness, each 0–2.
        var activity: Int?
        var respiration: Int?
        var consciousness: Int?
        /// PADSS (§7.3): activity and mental status, pain/nausea/vomiting, surgical bleeding (unless the clinic's N/A = 2
        /// adaptation is on), intake and output (original PADSS only), each 0–2.
        var activity_mental_status: Int?
        var pain_nausea_vomiting: Int?
        var surgical_bleeding: Int?
        var intake_output: Int?
        var escort_present: Bool
        var driving_advice: Bool
        var override_reason: String?
        static let aldreteKeys = ["activity", "respiration", "consciousness"]
        static let padssKeys = ["activity_mental_status", "pain_nausea_vomiting", "surgical_bleeding", "intake_output"]
        static let keys: Set<String> = Set(
            ["version", "escort_present", "driving_advice", "override_reason"] + aldreteKeys + padssKeys)

        /// The rated item sent under `key`, if any.
        func item(_ key: String) -> Int? {
            switch key {
            case "activity": activity
            case "respiration": respiration
            case "consciousness": consciousness
            case "activity_mental_status": activity_mental_status
            case "pain_nausea_vomiting": pain_nausea_vomiting
            case "surgical_bleeding": surgical_bleeding
            case "intake_output": intake_output
            default: nil
            }
        }
    }

    /// The rated items of the clinic's score for the session machine, which scores them with the readings; refuses, naming the
    /// field as sent, an item outside 0–2, a missing item, or an item the clinic's score does not have.
    static func dischargeItems(_ input: DischargeInput, policy: SessionPolicy) throws -> DischargeFormItems {
        let discharge = policy.discharge
        let instrument = discharge.instrument.value
        let name = discharge.name(of: instrument)
        let padss = discharge.padss
        var expected: [String] = DischargeInput.aldreteKeys
        // The N/A = 2 adaptation lets the bleeding item be left out, not refused.
        var optional: [String] = []
        if instrument == .padss {
            expected = ["activity_mental_status", "pain_nausea_vomiting"]
            if padss.bleedingNotApplicableScoresTwo.value { optional.append("surgical_bleeding") } else { expected.append("surgical_bleeding") }
            if padss.includesIntakeOutput.value { expected.append("intake_output") }
        }
        for key in DischargeInput.aldreteKeys + DischargeInput.padssKeys where input.item(key) != nil {
            guard expected.contains(key) || optional.contains(key) else {
                throw SessionError(
                    .outOfRange, field: key,
                    message: "\(key) is not an item of the clinic's \(name) score; send " + expected.joined(separator: ", "))
            }
        }
        var items: [String: Int] = [:]
        for key in expected + optional {
            guard let value = input.item(key) else {
                if optional.contains(key) { continue }
                throw SessionError(.missing, field: key, message: "\(key) is required for the \(name) score: 0, 1 or 2")
            }
            guard (0...2).contains(value) else {
                throw SessionError(.outOfRange, field: key, message: "\(key) must be between 0 and 2; got \(value)")
            }
            items[key] = value
        }
        switch instrument {
        case .aldrete:
            return .aldrete(activity: items["activity"] ?? 0, respiration: items["respiration"] ?? 0, consciousness: items["consciousness"] ?? 0)
        case .padss:
            return .padss(
                activityMentalStatus: items["activity_mental_status"] ?? 0, painNauseaVomiting: items["pain_nausea_vomiting"] ?? 0,
                surgicalBleeding: items["surgical_bleeding"], intakeOutput: items["intake_output"])
        }
    }

    /// The run-sheet's discharge form from its fields (the clinic's items only; an empty choice counts as not sent).
    static func dischargeInput(_ form: [String: String]) throws -> DischargeInput {
        func int(_ key: String) throws -> Int? {
            guard let text = form[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw SessionError(.outOfRange, field: key, message: "\(key) must be 0, 1 or 2; got '\(text)'") }
            return value
        }
        func flag(_ key: String) -> Bool { ["on", "true", "yes", "1"].contains(form[key] ?? "") }
        guard let version = try int("version") else { throw SessionError(.missing, field: "version", message: "version is required") }
        return DischargeInput(
            version: version, activity: try int("activity"), respiration: try int("respiration"), consciousness: try int("consciousness"),
            activity_mental_status: try int("activity_mental_status"), pain_nausea_vomiting: try int("pain_nausea_vomiting"),
            surgical_bleeding: try int("surgical_bleeding"), intake_output: try int("intake_output"), escort_present: flag("escort_present"),
            driving_advice: flag("driving_advice"), override_reason: form["override_reason"])
    }

    /// What the run-sheet's discharge form shows: the clinic's score with its items and cutoff, and the minimum observation
    /// in force for this patient (DOMAIN.md §7.1–7.4).
    func dischargeFormValues(_ file: SessionFile, policy: ClinicPolicy) -> [String: Any] {
        let sessions = file.effectivePolicy(policy.sessions)
        let discharge = sessions.discharge
        let instrument = discharge.instrument.value
        let padss = discharge.padss
        let option = { (value: Int, text: String) -> [String: Any] in ["value": value, "text": "\(value) \(text)"] }
        var items: [[String: Any]] = []
        func item(_ name: String, _ label: String, _ options: [[String: Any]]) {
            items.append(["name": name, "id": "d-" + name.replacingOccurrences(of: "_", with: "-"), "label": label, "options": options])
        }
        var computed: String
        switch instrument {
        case .aldrete:
            item("activity", "Activity", [option(2, "moves 4 extremities"), option(1, "moves 2"), option(0, "none")])
            item("respiration", "Respiration", [option(2, "breathes deeply, coughs"), option(1, "dyspnoea"), option(0, "apnoeic")])
            item("consciousness", "Consciousness", [option(2, "fully awake"), option(1, "arousable"), option(0, "not responding")])
            computed = "Circulation and SpO2 items come from the latest vitals against the pre-dose set."
        case .padss:
            // DOMAIN.md §7.3: the anchors beyond "oriented ×3 and steady gait" are UNCONFIRMED; the labels say so.
            item(
                "activity_mental_status", "Activity and mental status",
                [option(2, "oriented ×3 and steady gait"), option(1, "partial"), option(0, "neither")])
            item("pain_nausea_vomiting", "Pain, nausea and vomiting", [option(2, "none or minimal"), option(1, "moderate"), option(0, "severe")])
            if !padss.bleedingNotApplicableScoresTwo.value {
                item("surgical_bleeding", "Surgical bleeding", [option(2, "none / not applicable"), option(1, "moderate"), option(0, "severe")])
            }
            if padss.includesIntakeOutput.value {
                item(
                    "intake_output", "Intake and output", [option(2, "drinking and voided"), option(1, "one of the two"), option(0, "neither")])
            }
            computed =
                "The vital-signs item comes from the latest BP and pulse against the pre-dose set (within 20% = 2, 20–40% = 1)."
                + " Item anchors other than \"oriented ×3 and steady gait\" are from Chung 1993 and UNCONFIRMED in DOMAIN.md §7.3."
            if padss.bleedingNotApplicableScoresTwo.value {
                computed += " Surgical bleeding is scored N/A = 2 (the clinic's adaptation; not validated)."
            }
        }
        var values: [String: Any] = [
            "discharge_score_name": discharge.name(of: instrument), "discharge_cutoff": discharge.cutoff(for: instrument),
            "discharge_maximum": discharge.maximum(for: instrument), "discharge_items": items, "discharge_computed": computed,
            "discharge_cutoff_needs_review": Self.cutoffProvenance(discharge, instrument).needsReview,
        ]
        if let rule = discharge.rule(for: MonitoringProfile(route: file.session.route)) {
            let from = rule.anchor == .dosingStart ? "the start of dosing" : "the end of dosing"
            var text = "Minimum observation \(rule.effectiveMinutes) min from \(from)"
            if let extended = rule.extendedBy { text += " (\(rule.minimumMinutes.value) + \(extended.minutes) extended)" }
            values["discharge_minimum_text"] = text + "."
        }
        return values
    }

    /// Where the cutoff in force came from.
    static func cutoffProvenance(_ discharge: DischargePolicy, _ instrument: DischargeInstrument) -> Provenance {
        switch instrument {
        case .aldrete: discharge.aldreteCutoff.provenance
        case .padss: discharge.padss.includesIntakeOutput.value ? discharge.padssCutoff.provenance : discharge.modifiedPADSSCutoff.provenance
        }
    }
}
