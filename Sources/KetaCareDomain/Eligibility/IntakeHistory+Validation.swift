import Foundation

extension IntakeHistory {
    /// Checks what decoding cannot: known diagnosis codes, one primary, consistent and non-future dates, plausible numbers.
    ///
    /// Throws the first problem found, naming its JSON path.
    public func validate(asOf: LocalDate?, catalog: DiagnosisCatalog, limits: IntakeLimits) throws(EligibilityError) {
        try checkNotFuture(dateOfBirth, "dateOfBirth", asOf)
        if let asOf, dateOfBirth.age(on: asOf) > limits.maxAgeYears.value {
            throw EligibilityError(field: "dateOfBirth", message: "dateOfBirth gives an age over \(limits.maxAgeYears.value) years")
        }
        try validateDiagnoses(catalog)
        try validateCardiovascular(asOf)
        if let item9 = suicideRisk.phq9Item9, !(0...3).contains(item9) {
            throw EligibilityError(field: "suicideRisk.phq9Item9", message: "suicideRisk.phq9Item9 must be 0, 1, 2 or 3; got \(item9)")
        }
        for (index, trial) in treatmentTrials.enumerated() where trial.drug.trimmingCharacters(in: .whitespaces).isEmpty {
            throw EligibilityError(field: "treatmentTrials[\(index)].drug", message: "treatmentTrials[\(index)].drug must name the drug tried")
        }
        for (index, course) in psychotherapy.enumerated() {
            if course.modality.trimmingCharacters(in: .whitespaces).isEmpty {
                throw EligibilityError(field: "psychotherapy[\(index)].modality", message: "psychotherapy[\(index)].modality must name the therapy")
            }
            if let sessions = course.sessions, sessions < 0 {
                throw EligibilityError(field: "psychotherapy[\(index)].sessions", message: "psychotherapy[\(index)].sessions must be 0 or more")
            }
        }
        try validateMedications(asOf)
        try validateMeasurements(asOf, limits)
    }

    private func validateDiagnoses(_ catalog: DiagnosisCatalog) throws(EligibilityError) {
        guard !diagnoses.isEmpty else {
            throw EligibilityError(field: "diagnoses", message: "diagnoses must list at least one ICD-10-CM diagnosis")
        }
        var seen: Set<String> = []
        for (index, diagnosis) in diagnoses.enumerated() {
            let field = "diagnoses[\(index)].code"
            guard catalog.entry(for: diagnosis.code) != nil else {
                throw EligibilityError(field: field, message: "\(field) '\(diagnosis.code)' is not an allowed code; use one of \(catalog.spellings)")
            }
            guard seen.insert(diagnosis.normalizedCode).inserted else {
                throw EligibilityError(field: field, message: "\(field) '\(diagnosis.code)' is listed twice")
            }
        }
        let primaries = diagnoses.indices.filter { diagnoses[$0].isPrimary }
        if primaries.isEmpty {
            throw EligibilityError(field: "diagnoses", message: "exactly one diagnosis must have isPrimary true; none does")
        }
        if primaries.count > 1 {
            let field = "diagnoses[\(primaries[1])].isPrimary"
            throw EligibilityError(field: field, message: "exactly one diagnosis may be primary; diagnoses[\(primaries[0])] already is")
        }
    }

    private func validateCardiovascular(_ asOf: LocalDate?) throws(EligibilityError) {
        if cardiovascular.hypertension, cardiovascular.hypertensionControlled == nil {
            throw EligibilityError(
                field: "cardiovascular.hypertensionControlled",
                message: "cardiovascular.hypertensionControlled must be true or false when hypertension is true"
            )
        }
        try checkNotBeforeBirth(cardiovascular.lastMyocardialInfarction, "cardiovascular.lastMyocardialInfarction")
        try checkNotFuture(cardiovascular.lastMyocardialInfarction, "cardiovascular.lastMyocardialInfarction", asOf)
        try checkNotBeforeBirth(cardiovascular.lastStroke, "cardiovascular.lastStroke")
        try checkNotFuture(cardiovascular.lastStroke, "cardiovascular.lastStroke", asOf)
    }

    private func validateMedications(_ asOf: LocalDate?) throws(EligibilityError) {
        for (index, medication) in medications.enumerated() {
            let prefix = "medications[\(index)]"
            if medication.name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw EligibilityError(field: "\(prefix).name", message: "\(prefix).name must name the medication")
            }
            if let mg = medication.diazepamEquivalentMgPerDay, mg < 0 {
                throw EligibilityError(
                    field: "\(prefix).diazepamEquivalentMgPerDay", message: "\(prefix).diazepamEquivalentMgPerDay must be 0 or more")
            }
            try checkNotBeforeBirth(medication.startDate, "\(prefix).startDate")
            try checkNotFuture(medication.startDate, "\(prefix).startDate", asOf)
            try checkNotFuture(medication.stopDate, "\(prefix).stopDate", asOf)
            if let start = medication.startDate, let stop = medication.stopDate, stop < start {
                throw EligibilityError(
                    field: "\(prefix).stopDate", message: "\(prefix).stopDate (\(stop)) is before \(prefix).startDate (\(start))")
            }
        }
    }

    private func validateMeasurements(_ asOf: LocalDate?, _ limits: IntakeLimits) throws(EligibilityError) {
        if let vitals = baselineVitals {
            try checkRange(vitals.systolic, limits.systolic.value, "baselineVitals.systolic", "mmHg")
            try checkRange(vitals.diastolic, limits.diastolic.value, "baselineVitals.diastolic", "mmHg")
            try checkRange(vitals.heartRate, limits.heartRate.value, "baselineVitals.heartRate", "beats/min")
            if vitals.diastolic >= vitals.systolic {
                throw EligibilityError(
                    field: "baselineVitals.diastolic",
                    message: "baselineVitals.diastolic (\(vitals.diastolic)) must be below systolic (\(vitals.systolic))"
                )
            }
            try checkNotFuture(vitals.measuredOn, "baselineVitals.measuredOn", asOf)
        }
        if let body = bodyMeasures {
            let weight = limits.weightKg.value
            let height = limits.heightCm.value
            if body.weightKg.value < Decimal(weight.lowerBound) || body.weightKg.value > Decimal(weight.upperBound) {
                throw EligibilityError(
                    field: "bodyMeasures.weightKg",
                    message: "bodyMeasures.weightKg must be between \(weight.lowerBound) and \(weight.upperBound) kg")
            }
            if body.heightCm.value < Decimal(height.lowerBound) || body.heightCm.value > Decimal(height.upperBound) {
                throw EligibilityError(
                    field: "bodyMeasures.heightCm",
                    message: "bodyMeasures.heightCm must be between \(height.lowerBound) and \(height.upperBound) cm")
            }
            try checkNotFuture(body.measuredOn, "bodyMeasures.measuredOn", asOf)
        }
    }

    private func checkRange(_ value: Int, _ range: ClosedRange<Int>, _ field: String, _ unit: String) throws(EligibilityError) {
        guard range.contains(value) else {
            throw EligibilityError(
                field: field, message: "\(field) must be between \(range.lowerBound) and \(range.upperBound) \(unit); got \(value)")
        }
    }

    private func checkNotFuture(_ date: LocalDate?, _ field: String, _ asOf: LocalDate?) throws(EligibilityError) {
        if let date, let asOf, date > asOf {
            throw EligibilityError(field: field, message: "\(field) (\(date)) cannot be after today (\(asOf))")
        }
    }

    private func checkNotBeforeBirth(_ date: LocalDate?, _ field: String) throws(EligibilityError) {
        if let date, date < dateOfBirth {
            throw EligibilityError(field: field, message: "\(field) (\(date)) cannot be before dateOfBirth (\(dateOfBirth))")
        }
    }
}
