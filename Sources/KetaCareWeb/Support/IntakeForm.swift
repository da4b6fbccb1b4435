import Foundation
import KetaCareDomain

/// The intake questionnaire as data: each question names the JSON path of `IntakeHistory` it fills (DOMAIN.md §3.6),
/// so a refused document's field (`cardiovascular.lastStroke`) points at the very input on the form.
enum IntakeForm {
    enum Kind {
        case yesNo
        case optionalYesNo
        case date
        case optionalDate
        case integer
        case decimal
        case text
        case list
        case choice([(String, String)])
    }

    struct Question {
        let path: String
        let label: String
        let kind: Kind
        /// Shown only to staff (clinical detail a patient would not know).
        var staffOnly = false
    }

    struct Section {
        let title: String
        let questions: [Question]
    }

    static let routes: [(String, String)] = [
        ("iv", "IV infusion"), ("im", "Intramuscular injection"), ("sc", "Subcutaneous injection"),
        ("intranasal-esketamine", "Esketamine nasal spray"), ("oral", "Oral"), ("sublingual", "Sublingual"),
    ]

    /// Rows offered for list sections (medications, trials, psychotherapy).
    static let medicationRows = 6
    static let trialRows = 4
    static let therapyRows = 2
    static let diagnosisRows = 3

    static let sections: [Section] = [
        Section(
            title: "Heart and blood vessels",
            questions: [
                Question(path: "cardiovascular.hypertension", label: "High blood pressure (hypertension)", kind: .yesNo),
                Question(path: "cardiovascular.hypertensionControlled", label: "If yes: is it controlled by treatment?", kind: .optionalYesNo),
                Question(path: "cardiovascular.aneurysmalVascularDisease", label: "Aneurysm (aortic, intracranial or peripheral)", kind: .yesNo),
                Question(path: "cardiovascular.arteriovenousMalformation", label: "Arteriovenous malformation", kind: .yesNo),
                Question(
                    path: "cardiovascular.intracerebralHemorrhage", label: "Bleeding in the brain (intracerebral haemorrhage), ever", kind: .yesNo),
                Question(path: "cardiovascular.lastMyocardialInfarction", label: "Date of last heart attack, if any", kind: .optionalDate),
                Question(path: "cardiovascular.lastStroke", label: "Date of last stroke, if any", kind: .optionalDate),
                Question(path: "cardiovascular.heartFailure", label: "Heart failure", kind: .yesNo),
                Question(path: "cardiovascular.valvularDisease", label: "Heart valve disease", kind: .yesNo),
                Question(
                    path: "cardiovascular.hypertensiveEncephalopathy",
                    label: "Brain problems caused by very high blood pressure (hypertensive encephalopathy)",
                    kind: .yesNo),
                Question(
                    path: "cardiovascular.bloodPressureRiseHazard", label: "Any condition a doctor said makes a rise in blood pressure dangerous",
                    kind: .yesNo),
            ]),
        Section(
            title: "Mental health",
            questions: [
                Question(path: "psychiatric.currentPsychosis", label: "Current psychosis (hearing or seeing things others do not)", kind: .yesNo),
                Question(path: "psychiatric.psychosisHistory", label: "Psychosis in the past", kind: .yesNo),
                Question(path: "psychiatric.maniaOrBipolarHistory", label: "Mania or bipolar disorder", kind: .yesNo),
                Question(
                    path: "suicideRisk.phq9Item9", label: "Thoughts that you would be better off dead or of hurting yourself, in the last 2 weeks",
                    kind: .choice([("0", "Not at all"), ("1", "Several days"), ("2", "More than half the days"), ("3", "Nearly every day")])),
                Question(
                    path: "suicideRisk.cssrsRisk", label: "C-SSRS screen risk level (clinician)",
                    kind: .choice([("none", "None"), ("low", "Low"), ("moderate", "Moderate"), ("high", "High")]), staffOnly: true),
            ]),
        Section(
            title: "Substance use",
            questions: [
                Question(path: "substanceUse.substanceUseDisorder", label: "Alcohol or drug use problem (current or past)", kind: .yesNo),
                Question(path: "substanceUse.ketamineMisuse", label: "Ever used ketamine other than as prescribed", kind: .yesNo),
                Question(path: "substanceUse.pcpMisuse", label: "Ever used PCP", kind: .yesNo),
            ]),
        Section(
            title: "Pregnancy",
            questions: [
                Question(path: "reproductive.pregnant", label: "Pregnant now", kind: .yesNo),
                Question(path: "reproductive.breastfeeding", label: "Breastfeeding", kind: .yesNo),
                Question(path: "reproductive.couldBecomePregnant", label: "Could become pregnant", kind: .yesNo),
            ]),
        Section(
            title: "Brain, eyes, liver and bladder",
            questions: [
                Question(path: "neurological.seizureDisorder", label: "Seizures or epilepsy", kind: .yesNo),
                Question(path: "neurological.raisedIntracranialPressure", label: "Raised pressure inside the head", kind: .yesNo),
                Question(path: "neurological.raisedIntraocularPressure", label: "Raised eye pressure (glaucoma)", kind: .yesNo),
                Question(path: "neurological.cognitiveImpairment", label: "Memory or thinking problems (cognitive impairment)", kind: .yesNo),
                Question(
                    path: "hepatic", label: "Liver impairment (Child-Pugh class)",
                    kind: .choice([("none", "None"), ("A", "Child-Pugh A"), ("B", "Child-Pugh B"), ("C", "Child-Pugh C")])),
                Question(path: "urinary.urinarySymptoms", label: "Bladder or urinary symptoms (pain, urgency, frequency)", kind: .yesNo),
                Question(path: "urinary.cystitis", label: "Cystitis (bladder inflammation), ever", kind: .yesNo),
            ]),
        Section(
            title: "Allergies and previous ketamine",
            questions: [
                Question(path: "allergies.ketamine", label: "Allergy to ketamine", kind: .yesNo),
                Question(path: "allergies.esketamine", label: "Allergy to esketamine (Spravato)", kind: .yesNo),
                Question(path: "allergies.excipient", label: "Allergy to any ingredient of these medicines", kind: .yesNo),
                Question(path: "allergies.other", label: "Other allergies (comma-separated)", kind: .list),
                Question(path: "priorKetamine.treatedBefore", label: "Treated with ketamine or esketamine before", kind: .yesNo),
                Question(path: "transport.escortArranged", label: "Someone can take you home after each session", kind: .yesNo),
            ]),
        Section(
            title: "Baseline measurements",
            questions: [
                Question(path: "baselineVitals.systolic", label: "Blood pressure, systolic (mmHg)", kind: .integer),
                Question(path: "baselineVitals.diastolic", label: "Blood pressure, diastolic (mmHg)", kind: .integer),
                Question(path: "baselineVitals.heartRate", label: "Heart rate (/min)", kind: .integer),
                Question(path: "baselineVitals.measuredOn", label: "Vitals measured on", kind: .date),
                Question(path: "bodyMeasures.weightKg", label: "Weight (kg)", kind: .decimal),
                Question(path: "bodyMeasures.heightCm", label: "Height (cm)", kind: .decimal),
                Question(path: "bodyMeasures.measuredOn", label: "Weight and height measured on", kind: .date),
            ]),
    ]

    // MARK: - Form → JSON

    /// The JSON object the form describes: inputs are named by JSON path; empty optional inputs become null, empty rows vanish.
    static func document(from form: [String: String], dateOfBirth: LocalDate, staff: Bool) -> [String: Any] {
        var object: [String: Any] = ["dateOfBirth": dateOfBirth.description]
        object["plannedRoutes"] = routes.map(\.0).filter { form["plannedRoutes.\($0)"] == "on" }
        for section in sections {
            for question in section.questions {
                let raw = form[question.path]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                let value: Any?
                switch question.kind {
                case .yesNo: value = raw == "yes" ? true : (raw == "no" ? false : nil)
                case .optionalYesNo: value = raw == "yes" ? true as Any : (raw == "no" ? false as Any : NSNull())
                case .date: value = raw.isEmpty ? nil : raw
                case .optionalDate: value = raw.isEmpty ? NSNull() : raw
                case .integer: value = raw.isEmpty ? nil : (Int(raw).map { $0 as Any } ?? raw)
                // "inf", "nan" and 1e999 stay text, so the document's decoder refuses them naming the field.
                case .decimal: value = raw.isEmpty ? nil : (Double(raw).flatMap { $0.isFinite ? $0 as Any : nil } ?? raw)
                case .text: value = raw.isEmpty ? nil : raw
                case .list: value = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                case .choice: value = raw.isEmpty ? (question.staffOnly && !staff ? NSNull() : nil) : (Int(raw).map { $0 as Any } ?? raw)
                }
                if let value { set(&object, path: question.path, value) }
            }
        }
        // A blank vitals or body-measures block is "not measured", not a half-filled one.
        for block in ["baselineVitals", "bodyMeasures"] where (object[block] as? [String: Any])?.isEmpty ?? true {
            object[block] = NSNull()
        }
        if object["suicideRisk"] == nil { object["suicideRisk"] = ["phq9Item9": NSNull(), "cssrsRisk": NSNull()] }
        object["diagnoses"] = rows(form, "diagnoses", diagnosisRows) { row in
            guard let code = row["code"], !code.isEmpty else { return nil }
            return ["code": code, "isPrimary": row["isPrimary"] == "on"]
        }
        object["medications"] = rows(form, "medications", medicationRows) { row in
            guard let name = row["name"], !name.isEmpty else { return nil }
            var m: [String: Any] = ["name": name, "startDate": row["startDate"].flatMap { $0.isEmpty ? nil : $0 } ?? NSNull()]
            m["stopDate"] = row["stopDate"].flatMap { $0.isEmpty ? nil : $0 } ?? NSNull()
            if let dose = row["dose"], !dose.isEmpty { m["dose"] = dose }
            if let eq = row["diazepamEquivalentMgPerDay"], !eq.isEmpty {
                m["diazepamEquivalentMgPerDay"] = Double(eq).flatMap { $0.isFinite ? $0 : nil } ?? eq
            }
            return m
        }
        object["treatmentTrials"] = rows(form, "treatmentTrials", trialRows) { row in
            guard let drug = row["drug"], !drug.isEmpty else { return nil }
            return [
                "drug": drug, "category": row["category"] ?? "antidepressant", "adequateDoseAndDuration": row["adequateDoseAndDuration"] == "on",
                "inCurrentEpisode": row["inCurrentEpisode"] == "on", "outcome": row["outcome"] ?? "inadequateResponse",
            ]
        }
        object["psychotherapy"] = rows(form, "psychotherapy", therapyRows) { row in
            guard let modality = row["modality"], !modality.isEmpty else { return nil }
            var course: [String: Any] = ["modality": modality, "completed": row["completed"] == "on"]
            course["sessions"] = row["sessions"].flatMap { Int($0) } ?? NSNull()
            return course
        }
        if (object["priorKetamine"] as? [String: Any])?["treatedBefore"] != nil, var prior = object["priorKetamine"] as? [String: Any] {
            prior["response"] = NSNull()
            object["priorKetamine"] = prior
        }
        return object
    }

    private static func rows(_ form: [String: String], _ name: String, _ count: Int, _ make: ([String: String]) -> [String: Any]?) -> [[String: Any]]
    {
        (0..<count).compactMap { index in
            let prefix = "\(name)[\(index)]."
            var row: [String: String] = [:]
            for (key, value) in form where key.hasPrefix(prefix) {
                row[String(key.dropFirst(prefix.count))] = value.trimmingCharacters(in: .whitespaces)
            }
            return make(row)
        }
    }

    private static func set(_ object: inout [String: Any], path: String, _ value: Any) {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.count > 1 else {
            object[path] = value
            return
        }
        var child = object[parts[0]] as? [String: Any] ?? [:]
        set(&child, path: parts.dropFirst().joined(separator: "."), value)
        object[parts[0]] = child
    }

    // MARK: - JSON → form

    /// Input values by path for a stored history, formatted by each question's kind.
    static func values(of history: IntakeHistory) -> [String: String] {
        guard let data = try? JSONEncoder().encode(history), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return [:]
        }
        func lookup(_ path: String) -> Any? {
            var current: Any? = object
            for part in path.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
            return current
        }
        var out: [String: String] = [:]
        for question in sections.flatMap(\.questions) {
            guard let value = lookup(question.path), !(value is NSNull) else { continue }
            switch question.kind {
            case .yesNo, .optionalYesNo:
                if let flag = value as? Bool { out[question.path] = flag ? "yes" : "no" }
            case .integer: out[question.path] = (value as? NSNumber).map { String($0.intValue) } ?? "\(value)"
            case .list: out[question.path] = (value as? [String])?.joined(separator: ", ") ?? ""
            case .choice: out[question.path] = (value as? String) ?? (value as? NSNumber).map { String($0.intValue) } ?? ""
            default: out[question.path] = (value as? String) ?? (value as? NSNumber).map { "\($0.doubleValue)" } ?? "\(value)"
            }
        }
        for route in history.plannedRoutes { out["plannedRoutes.\(route.rawValue)"] = "on" }
        for (i, d) in history.diagnoses.enumerated() {
            out["diagnoses[\(i)].code"] = d.code
            if d.isPrimary { out["diagnoses[\(i)].isPrimary"] = "on" }
        }
        for (i, m) in history.medications.enumerated() {
            out["medications[\(i)].name"] = m.name
            out["medications[\(i)].dose"] = m.dose ?? ""
            out["medications[\(i)].diazepamEquivalentMgPerDay"] = m.diazepamEquivalentMgPerDay.map { "\($0)" } ?? ""
            out["medications[\(i)].startDate"] = m.startDate?.description ?? ""
            out["medications[\(i)].stopDate"] = m.stopDate?.description ?? ""
        }
        for (i, t) in history.treatmentTrials.enumerated() {
            out["treatmentTrials[\(i)].drug"] = t.drug
            if t.adequateDoseAndDuration { out["treatmentTrials[\(i)].adequateDoseAndDuration"] = "on" }
            if t.inCurrentEpisode { out["treatmentTrials[\(i)].inCurrentEpisode"] = "on" }
            out["treatmentTrials[\(i)].outcome"] = t.outcome.rawValue
        }
        for (i, c) in history.psychotherapy.enumerated() {
            out["psychotherapy[\(i)].modality"] = c.modality
            out["psychotherapy[\(i)].sessions"] = c.sessions.map(String.init) ?? ""
            if c.completed { out["psychotherapy[\(i)].completed"] = "on" }
        }
        return out
    }

    /// Template values: sections with each question's input, pre-filled from `values`, the failing field marked.
    static func templateValues(_ values: [String: String], staff: Bool, errorField: String?) -> [String: Any] {
        func checked(_ key: String) -> Bool { values[key] == "on" || values[key] == "yes" || values[key] == "true" }
        return [
            "routes": routes.map { ["value": $0.0, "label": $0.1, "checked": checked("plannedRoutes.\($0.0)")] as [String: Any] },
            "sections": sections.map { section in
                [
                    "title": section.title,
                    "questions": section.questions.filter { staff || !$0.staffOnly }.map { q -> [String: Any] in
                        var entry: [String: Any] = [
                            "path": q.path, "id": q.path.replacingOccurrences(of: ".", with: "-"), "label": q.label, "value": values[q.path] ?? "",
                            "hasError": errorField.map { $0 == q.path || $0.hasPrefix(q.path + ".") } ?? false,
                        ]
                        switch q.kind {
                        case .yesNo, .optionalYesNo:
                            entry["isYesNo"] = true
                            entry["yes"] = values[q.path] == "yes"
                            entry["no"] = values[q.path] == "no"
                        case .date, .optionalDate: entry["isDate"] = true
                        case .integer, .decimal: entry["isNumber"] = true
                        case .text, .list: entry["isText"] = true
                        case .choice(let options):
                            entry["isChoice"] = true
                            entry["options"] = options.map { ["value": $0.0, "label": $0.1, "selected": values[q.path] == $0.0] as [String: Any] }
                        }
                        return entry
                    },
                ] as [String: Any]
            },
            "diagnoses": (0..<diagnosisRows).map { i in
                ["index": i, "code": values["diagnoses[\(i)].code"] ?? "", "primary": checked("diagnoses[\(i)].isPrimary")] as [String: Any]
            },
            "medications": (0..<medicationRows).map { i in
                [
                    "index": i, "name": values["medications[\(i)].name"] ?? "", "dose": values["medications[\(i)].dose"] ?? "",
                    "eq": values["medications[\(i)].diazepamEquivalentMgPerDay"] ?? "", "start": values["medications[\(i)].startDate"] ?? "",
                    "stop": values["medications[\(i)].stopDate"] ?? "",
                ] as [String: Any]
            },
            "trials": (0..<trialRows).map { i in
                [
                    "index": i, "drug": values["treatmentTrials[\(i)].drug"] ?? "",
                    "adequate": checked("treatmentTrials[\(i)].adequateDoseAndDuration"),
                    "current": checked("treatmentTrials[\(i)].inCurrentEpisode"),
                    "responded": values["treatmentTrials[\(i)].outcome"] == "response",
                ] as [String: Any]
            },
            "therapies": (0..<therapyRows).map { i in
                [
                    "index": i, "modality": values["psychotherapy[\(i)].modality"] ?? "", "sessions": values["psychotherapy[\(i)].sessions"] ?? "",
                    "completed": checked("psychotherapy[\(i)].completed"),
                ] as [String: Any]
            },
            "diagnosisCodes": CareController.commonCodes.map { ["code": $0.0, "label": $0.1] },
            "isStaff": staff,
        ]
    }
}
