import Foundation
import KetaCareDomain
import KetaCareStore

/// The chart's "Treatment plan" section: screening with every fired rule, consent per route, plans and bookings.
enum TreatmentSummary {
    static func values(
        _ t: PatientController.TreatmentData, policy: ClinicPolicy, patientID: PatientID, role: Role, matrix: AccessMatrix, pages: Pages
    ) -> [String: Any] {
        let screening = t.screening
        let effective = screening?.effective
        let unresolved = Set(effective?.unresolved.map(\.ruleID) ?? [])
        let asNeededBookings = t.plans.reduce(into: Set<BookingID>()) { $0.formUnion($1.plan.asNeededBookingIDs) }
        let bookingStarts = Dictionary(
            t.bookings.map { ($0.booking.id, (start: $0.booking.slot.start, isActive: $0.booking.isActive)) }, uniquingKeysWith: { first, _ in first }
        )
        return [
            "intake": t.intake.map { ["version": $0.version, "at": pages.dateTime($0.recordedAt), "by": $0.recordedBy, "source": $0.source] } as Any,
            "screening": screening.map { s in
                [
                    "decision": label(s.result.decision), "effective": label(s.effective.decision),
                    "decisionClass": s.effective.decision == .eligible ? "ok" : (s.effective.decision == .blocked ? "error" : "warn-text"),
                    "isEligible": s.isEligible, "ruleSet": s.result.ruleSetVersion, "at": pages.dateTime(s.screenedAt), "trigger": s.trigger,
                    "trd":
                        "\(s.result.treatmentResistance.failedAdequateTrials) adequate trial(s); threshold \(s.result.treatmentResistance.threshold)",
                    "rules": s.result.firedRules.map { r in
                        [
                            "id": r.ruleID, "title": r.title, "severity": r.severity.rawValue, "evidence": r.evidence, "action": r.action,
                            "source": r.source, "open": unresolved.contains(r.ruleID), "review": r.provenance.needsReview,
                            "overridable": r.overridable || r.severity != .absolute,
                            "override": s.overrides.last { $0.ruleID == r.ruleID }.map { "\($0.by): \($0.reason)" } as Any,
                        ] as [String: Any]
                    },
                    "hasRules": !s.result.firedRules.isEmpty,
                ] as [String: Any]
            } as Any,
            "consents": t.consentStatus.map { route, status in
                var entry: [String: Any] = ["route": route.rawValue, "ok": status.hasValidConsent]
                switch status {
                case .current(let r): entry["state"] = "signed v\(r.version) on \(pages.dateTime(r.signedAt))"
                case .missing: entry["state"] = "not signed"
                case .withdrawn(let r): entry["state"] = "withdrawn \(r.withdrawal.map { pages.dateTime($0.at) } ?? "")"
                case .outdatedVersion(let r, let current): entry["state"] = "signed v\(r.version); v\(current) must be signed"
                case .noDocument: entry["state"] = "no consent document published for this route"
                }
                if case .current = status, let stored = t.consents.first(where: { $0.record.route == route && $0.record.withdrawal == nil }) {
                    entry["consentID"] = stored.id
                }
                return entry
            },
            "consentRoutes": DosingRoute.allCases.map { ["value": $0.rawValue] },
            "plans": t.plans.map { stored in
                let plan = stored.plan
                return [
                    "id": plan.id.rawValue, "template": plan.template.name, "route": plan.route.rawValue, "phase": plan.phase.rawValue,
                    "start": pages.dateTime(plan.startDate), "dose": doseText(plan.startingDose), "induction": plan.inductionSessions,
                    "perWeek": plan.sessionsPerWeekMax,
                    "signed": plan.signature.map { "signed by \($0.signedBy) on \(pages.dateTime($0.signedAt))" } as Any,
                    "unsigned": plan.signature == nil,
                    "next": plan.phase.allowedNext.map { ["value": $0.rawValue] },
                    "transitions": plan.transitions.map {
                        "\($0.from.rawValue) → \($0.to.rawValue) by \($0.by) \(pages.dateTime($0.at))\($0.reason.map { ": \($0)" } ?? "")"
                    },
                    "bookable": plan.isSigned && !plan.phase.isTerminal && plan.phase != .paused,
                    "inInduction": plan.phase == .induction,
                    "reviewDone": plan.reviewAllowingMaintenance != nil,
                    "note": plan.template.note.map { ["text": $0.value, "review": $0.provenance.needsReview] as [String: Any] } as Any,
                    "asNeeded": asNeededValues(
                        t.asNeeded[plan.id], plan: plan, rule: policy.lossOfResponse, bookingStarts: bookingStarts, role: role, matrix: matrix,
                        pages: pages)
                        as Any,
                    "asNeededHistory": plan.asNeededDecisions.map {
                        AsNeededText.decision($0, booking: $0.bookingID.flatMap { bookingStarts[$0] }, dateTime: pages.dateTime)
                    },
                    "reviews": plan.inductionReviews.map { r in
                        "End-of-induction review (\(r.instrumentID.uppercased()) \(r.baseline.map(String.init) ?? "–") → "
                            + "\(r.latest.map(String.init) ?? "–"): \(r.outcome.rawValue.replacingOccurrences(of: "_", with: " "))) — "
                            + "\(r.decision.rawValue) by \(r.by) \(pages.dateTime(r.at))\(r.reason.map { ": \($0)" } ?? "")"
                    },
                ] as [String: Any]
            },
            "hasPlans": !t.plans.isEmpty,
            "templates": policy.planTemplates.filter(\.isEnabled.value).map { ["id": $0.id.rawValue, "name": $0.name] },
            "bookings": t.bookings.map { b in
                [
                    "id": b.booking.id.rawValue, "when": pages.dateTime(b.booking.slot.start), "chair": b.booking.slot.chairID.rawValue,
                    "nurse": b.booking.slot.nurseID.rawValue, "status": b.booking.status.rawValue, "active": b.booking.isActive,
                    "asNeeded": asNeededBookings.contains(b.booking.id),
                ] as [String: Any]
            },
            "hasBookings": !t.bookings.isEmpty,
            "medications": t.intake.map { medications($0, table: policy.eligibility.interactions) } ?? [],
            "hasMedications": !(t.intake?.history.medications.isEmpty ?? true),
            "canIntake": matrix.allows(role, .recordIntake), "canOverride": matrix.allows(role, .overrideScreening),
            "canConsent": matrix.allows(role, .recordConsent), "canPlan": matrix.allows(role, .managePlans),
            "canSchedule": matrix.allows(role, .manageSchedule), "patientID": patientID.rawValue,
        ]
    }

    /// The plan panel's loss-of-response box (DOMAIN.md §5.2): the proposal with its actions, what settled it, or (in
    /// maintenance) why nothing is proposed; nil outside maintenance.
    static func asNeededValues(
        _ assessment: AsNeededAssessment?, plan: TreatmentPlan, rule: LossOfResponseRule, bookingStarts: [BookingID: (start: Date, isActive: Bool)],
        role: Role,
        matrix: AccessMatrix, pages: Pages
    ) -> [String: Any]? {
        guard let assessment, plan.phase == .maintenance else { return nil }
        var values: [String: Any] = [
            "status": assessment.status, "isProposed": assessment.status == "proposed", "rule": AsNeededText.rule(rule),
            "needsReview": AsNeededText.needsReview(rule), "canDismiss": matrix.allows(role, .managePlans),
            "canBook": matrix.allows(role, .manageSchedule), "planID": plan.id.rawValue,
        ]
        if let finding = assessment.finding {
            values["reason"] = AsNeededText.reason(finding, dateTime: pages.dateTime)
            values["scoreAt"] = Format.iso(finding.trigger.date)
        }
        if let decision = assessment.decision {
            values["settled"] = AsNeededText.decision(
                decision, booking: decision.bookingID.flatMap { bookingStarts[$0] }, dateTime: pages.dateTime)
        }
        if case .notProposed(let why) = assessment { values["quiet"] = why.explanation }
        return values
    }

    /// The intake's medications, each with what the interaction table makes of it and the classes staff may set (issue #10).
    static func medications(_ intake: StoredIntake, table: InteractionTable) -> [[String: Any]] {
        let checker = InteractionChecker(table: table)
        let names = Dictionary(table.entries.map { ($0.id, $0.drugClass) }, uniquingKeysWith: { first, _ in first })
        return intake.history.medications.enumerated().map { index, medication in
            let recognition = checker.recognition(of: medication)
            let tag = medication.classes?.first
            var choices: [[String: Any]] = table.taggableEntries.map { ["id": $0.id, "label": $0.drugClass, "selected": $0.id == tag] }
            choices.append(
                [
                    "id": InteractionTable.noInteractionClassTag, "label": "no interaction class",
                    "selected": tag == InteractionTable.noInteractionClassTag,
                ])
            let dates = [medication.startDate.map { "from \($0)" }, medication.stopDate.map { "stopped \($0)" }].compactMap { $0 }
            var recognised = recognition.label
            if case .classes(let ids) = recognition { recognised = ids.map { names[$0] ?? $0 }.joined(separator: ", ") }
            return [
                "index": index, "name": medication.name, "dose": medication.dose as Any,
                "dates": (dates.isEmpty ? nil : dates.joined(separator: ", ")) as Any,
                "recognition": recognised, "isUnknown": recognition == .unknown, "choices": choices, "version": intake.version,
                "tagged": medication.classes.map {
                    $0.map { names[$0] ?? ($0 == InteractionTable.noInteractionClassTag ? "no interaction class" : $0) }
                }?
                .joined(separator: ", ") as Any,
            ] as [String: Any]
        }
    }

    static func label(_ decision: ScreeningDecision) -> String {
        switch decision {
        case .eligible: "eligible"
        case .needsAcknowledgement: "needs a prescriber's acknowledgement"
        case .blocked: "blocked"
        }
    }

    static func doseText(_ dose: OrderedDose) -> String {
        switch dose {
        case .perKilogram(let d): "\(d.value) mg/kg"
        case .fixed(let d): "\(d.value) mg"
        }
    }
}
