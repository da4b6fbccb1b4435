import Foundation
import KetaCareDomain
import Testing

/// Issue #10: the session's rules as one state machine — a command with the actor, policy and clock gives the effects to store
/// or a typed refusal. Each case names the DOMAIN.md section whose stop it checks.
@Suite("Session state machine: every command's gate, table-tested (issue #10)")
struct SessionMachineTests {
    typealias F = SessionFixture

    static let nurse = SessionActor(username: "nurse-1", role: .nurse)
    static let nurse2 = SessionActor(username: "nurse-2", role: .nurse)
    static let prescriber = SessionActor(username: "dr-1", role: .prescriber)
    static let director = SessionActor(username: "dr-md", role: .prescriber, isMedicalDirector: true)

    /// A session waiting at the pre-dose checks, order placed by dr-1 and verified by nurse-2, everything met.
    static func ready(route: DosingRoute = .intravenous, preDose: PreDoseChecks = PreDoseChecklistTests.complete) -> SessionRecord {
        var checks = preDose
        checks.consentedRoutes = [route]
        return SessionRecord(
            route: route, createdAt: F.at(-30), state: .preDoseChecks, baselineVitals: F.vitals(), baselineVitalsAt: F.at(-10), preDoseMOAAS: 5,
            preDoseCADSS: 0, order: SessionOrderFacts(orderedBy: "dr-1", verifiedBy: "nurse-2", doseMg: 35), preDose: checks,
            vitals: [TimedVitals(at: F.at(-10), vitals: F.vitals(), phase: .preDose, onSupplementalOxygen: false)],
            moaas: [TimedRating(at: F.at(-10), score: 5, isPreDose: true)], cadss: [TimedRating(at: F.at(-10), score: 0, isPreDose: true)])
    }

    /// Runs `commands` in order from `record`, each at its own time, returning the machine (the last command may throw).
    static func machine(_ record: SessionRecord) -> SessionMachine { SessionMachine(record: record, policy: F.policy) }

    /// A refusal: the field and a fragment of the message.
    static func refusal(_ body: () throws -> Void) -> SessionError? {
        do {
            try body()
            return nil
        } catch { return error as? SessionError }
    }

    // MARK: - The pre-dose gate at the dosing step

    struct GateCase: CustomTestStringConvertible, Sendable {
        let name: String
        let change: @Sendable (inout PreDoseChecks) -> Void
        let refusedMentioning: String?
        var testDescription: String { name }
    }

    static let gateCases: [GateCase] = [
        GateCase(name: "everything met: dosing starts and the dose is administered", change: { _ in }, refusedMentioning: nil),
        // DOMAIN.md §1.2 step 4 and §1.9: an open item-9 alert stops the dose until the risk review.
        GateCase(
            name: "§1.2: an open PHQ-9 item 9 alert refuses the dose",
            change: {
                $0.safetyAlerts = [
                    PreDoseSafetyAlert(ruleID: "phq9.item9", message: "item 9 = 2", raisedAt: F.at(-60), blocksDosing: true, isReviewed: false)
                ]
            }, refusedMentioning: "suicide_risk"),
        GateCase(
            name: "§1.2: after the risk review the dose may start",
            change: {
                $0.safetyAlerts = [
                    PreDoseSafetyAlert(ruleID: "phq9.item9", message: "item 9 = 2", raisedAt: F.at(-60), blocksDosing: true, isReviewed: true)
                ]
            }, refusedMentioning: nil),
        // DOMAIN.md §3.3: pregnancy is a hard stop (medical director only).
        GateCase(name: "§3.3: pregnancy refuses the dose", change: { $0.pregnancy = .pregnant }, refusedMentioning: "pregnancy"),
        // Issue #10 no record, no dose.
        GateCase(
            name: "no record, no dose: no stored consent refuses",
            change: {
                $0.consentedRoutes = []; $0.hasConsentRecord = false
            },
            refusedMentioning: "consent"),
        // DOMAIN.md §4.8: the independent double check.
        GateCase(name: "§4.8: an unverified order refuses", change: { $0.doseVerifiedBy = nil }, refusedMentioning: "dose_order_verified"),
        // DOMAIN.md §3.5: BP ≥180/110 blocks.
        GateCase(
            name: "§3.5: a pre-dose BP of 185/100 refuses", change: { $0.vitals = F.vitals(systolic: 185, diastolic: 100) },
            refusedMentioning: "vitals"),
    ]

    @Test("The dosing step runs the pre-dose gate", arguments: gateCases)
    func dosingGate(_ c: GateCase) throws {
        var checks = PreDoseChecklistTests.complete
        c.change(&checks)
        var record = Self.ready()
        record.preDose = checks
        var machine = Self.machine(record)
        if let fragment = c.refusedMentioning {
            let error = Self.refusal { _ = try machine.handle(.move(to: .dosing, reason: nil), by: Self.nurse, at: F.t0) }
            #expect(error?.field == "checks")
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no refusal")")
            #expect(machine.record.state == .preDoseChecks, "a refusal leaves the record unchanged")
            #expect(machine.record.dosingStart == nil)
        } else {
            let effects = try machine.handle(.move(to: .dosing, reason: nil), by: Self.nurse, at: F.t0)
            #expect(machine.record.state == .dosing)
            #expect(machine.record.dosingStart == F.t0)
            #expect(effects.contains(.administration(doseMg: 35)))
        }
    }

    // MARK: - Authority

    struct OverrideCase: CustomTestStringConvertible, Sendable {
        let item: PreDoseOverrideItem
        let actor: SessionActor
        let allowed: Bool
        var testDescription: String { "\(item.rawValue) by \(actor.username) → \(allowed ? "recorded" : "refused")" }
    }

    // Issue #10: medical-director authority is the account's; §3.3 pregnancy, §1.9 C-SSRS high, §3.5 BP block, records on paper.
    static let overrideCases: [OverrideCase] = [
        OverrideCase(item: .pregnancy, actor: prescriber, allowed: false),
        OverrideCase(item: .pregnancy, actor: director, allowed: true),
        OverrideCase(item: .suicideRisk, actor: prescriber, allowed: false),
        OverrideCase(item: .suicideRisk, actor: director, allowed: true),
        OverrideCase(item: .records, actor: prescriber, allowed: false),
        OverrideCase(item: .records, actor: director, allowed: true),
        OverrideCase(item: .vitals, actor: prescriber, allowed: true),
    ]

    @Test("Overrides need the authority their item names (§1.9, §3.3, §3.5)", arguments: overrideCases)
    func overrideAuthority(_ c: OverrideCase) throws {
        var machine = Self.machine(Self.ready())
        if c.allowed {
            let effects = try machine.handle(.overridePreDose(item: c.item, reason: "reviewed with the patient today"), by: c.actor, at: F.t0)
            guard case .preDoseOverride(let override) = effects.first else {
                Issue.record("no override effect: \(effects)")
                return
            }
            #expect(override.by == c.actor.username)
            #expect(override.isMedicalDirector == c.actor.isMedicalDirector)
        } else {
            let error = Self.refusal { _ = try machine.handle(.overridePreDose(item: c.item, reason: "reviewed"), by: c.actor, at: F.t0) }
            #expect(error?.kind == .roleNotAllowed)
            #expect(error?.field == "item")
        }
    }

    @Test("§1.9: a medical director's C-SSRS override lets the dose start; it is still a record the gate reads")
    func directorOverrideOpensGate() throws {
        var checks = PreDoseChecklistTests.complete
        checks.safetyAlerts = [
            PreDoseSafetyAlert(ruleID: "cssrs.high", message: "C-SSRS high", raisedAt: F.at(-60), blocksDosing: true, isReviewed: true)
        ]
        var record = Self.ready()
        record.preDose = checks
        var machine = Self.machine(record)
        #expect(Self.refusal { _ = try machine.handle(.move(to: .dosing, reason: nil), by: Self.nurse, at: F.t0) }?.field == "checks")
        let effects = try machine.handle(
            .overridePreDose(item: .suicideRisk, reason: "psychiatrist assessed today; plan in chart"), by: Self.director, at: F.t0)
        guard case .preDoseOverride(let override) = effects.first else {
            Issue.record("no override")
            return
        }
        // The store appends the override to the timeline; the next request's record carries it.
        checks.overrides = [override]
        record.preDose = checks
        machine = Self.machine(record)
        _ = try machine.handle(.move(to: .dosing, reason: nil), by: Self.nurse, at: F.at(1))
        #expect(machine.record.state == .dosing)
    }

    // MARK: - Orders (§4.8)

    @Test("§4.8: the orderer cannot verify; a second clinician can, once; not after dosing")
    func verification() throws {
        var record = Self.ready()
        record.order = SessionOrderFacts(orderedBy: "dr-1", verifiedBy: nil, doseMg: 35)
        var machine = Self.machine(record)
        #expect(Self.refusal { _ = try machine.handle(.verifyOrder, by: Self.prescriber, at: F.t0) }?.field == "verified_by")
        #expect(try machine.handle(.verifyOrder, by: Self.nurse2, at: F.t0) == [.orderVerified])
        record.order?.verifiedBy = "nurse-2"
        machine = Self.machine(record)
        #expect(Self.refusal { _ = try machine.handle(.verifyOrder, by: Self.nurse, at: F.t0) }?.field == "order")
        var dosing = Self.ready()
        dosing.order = SessionOrderFacts(orderedBy: "dr-1", verifiedBy: nil, doseMg: 35)
        dosing.state = .dosing
        dosing.dosingStart = F.t0
        machine = Self.machine(dosing)
        #expect(Self.refusal { _ = try machine.handle(.verifyOrder, by: Self.nurse2, at: F.t0) }?.field == "state")
    }

    @Test("§4.8: a hard limit cannot be ordered; a soft one needs a reason; nothing is ordered once dosing started")
    func orderLimits() throws {
        let limit = DoseLimit(
            category: .perDose, bound: .maximum, severity: .soft, value: 0.75, unit: "mg/kg", observed: 0.8,
            provenance: .designDefault)
        var machine = Self.machine(Self.ready())
        #expect(
            Self.refusal {
                _ = try machine.handle(.order(check: .soft(limit), doseField: "dose_mg_per_kg", overrideReason: " "), by: Self.prescriber, at: F.t0)
            }?.field == "override_reason")
        #expect(
            try machine.handle(
                .order(check: .soft(limit), doseField: "dose_mg_per_kg", overrideReason: "prior response at 0.8"), by: Self.prescriber, at: F.t0)
                == [.orderPlaced(overrideReason: "prior response at 0.8")])
        var hard = limit
        hard.severity = LimitSeverity.hard
        #expect(
            Self.refusal {
                _ = try machine.handle(.order(check: .hard(hard), doseField: "dose_mg_per_kg", overrideReason: "x"), by: Self.prescriber, at: F.t0)
            }?.field == "dose_mg_per_kg")
        var dosing = Self.ready()
        dosing.state = .dosing
        dosing.dosingStart = F.t0
        machine = Self.machine(dosing)
        #expect(
            Self.refusal { _ = try machine.handle(.order(check: .within, doseField: "dose_mg", overrideReason: nil), by: Self.prescriber, at: F.t0) }?
                .field == "state")
    }

    // MARK: - Observations (§6.4, §6.5)

    @Test("§6.5: in-session vitals raise alerts against the baseline; pre-dose vitals set the baseline and raise none")
    func vitals() throws {
        var record = Self.ready()
        record.state = .checkedIn
        var machine = Self.machine(record)
        let pre = try machine.handle(.recordVitals(F.vitals(systolic: 150), onSupplementalOxygen: false), by: Self.nurse, at: F.at(-5))
        #expect(pre == [.vitals(F.vitals(systolic: 150), phase: .preDose, onSupplementalOxygen: false, alerts: [])])
        #expect(machine.record.baselineVitals?.systolic == 150)
        record = Self.ready()
        record.state = .dosing
        record.dosingStart = F.t0
        machine = Self.machine(record)
        let effects = try machine.handle(
            .recordVitals(F.vitals(systolic: 185, diastolic: 100), onSupplementalOxygen: false), by: Self.nurse, at: F.at(10))
        guard case .vitals(_, .inSession, _, let alerts) = effects.first else {
            Issue.record("no vitals effect")
            return
        }
        #expect(alerts.first?.level == .stopDosing)
        #expect(machine.record.baselineVitals?.systolic == 120, "in-session sets never replace the baseline")
        #expect(
            Self.refusal { _ = try machine.handle(.recordVitals(F.vitals(spo2: 140), onSupplementalOxygen: false), by: Self.nurse, at: F.at(11)) }?
                .field == "spo2")
    }

    @Test("§6.4: a pre-dose CADSS is the baseline; a later rise alerts; ratings end with the session")
    func ratings() throws {
        var record = Self.ready()
        record.preDoseCADSS = nil
        var machine = Self.machine(record)
        _ = try machine.handle(.rate(.cadss, score: 4), by: Self.nurse, at: F.at(-5))
        #expect(machine.record.preDoseCADSS == 4)
        record = machine.record
        record.state = .monitoring
        record.dosingStart = F.t0
        record.dosingEnd = F.at(40)
        machine = Self.machine(record)
        let effects = try machine.handle(.rate(.cadss, score: 30), by: Self.nurse, at: F.at(41))
        guard case .rating(.cadss, 30, .inSession, let alerts) = effects.first else {
            Issue.record("no rating")
            return
        }
        #expect(!alerts.isEmpty)
        #expect(machine.record.preDoseCADSS == 4)
        record.state = .discharged
        machine = Self.machine(record)
        #expect(Self.refusal { _ = try machine.handle(.rate(.moaas, score: 5), by: Self.nurse, at: F.at(200)) }?.field == "state")
    }

    // MARK: - Overdue readings (§6.2, §6.5)

    static func mentions(_ effects: [SessionEffect], _ signal: String) -> Bool {
        effects.contains { if case .alerts(let alerts) = $0 { alerts.contains { $0.signal == signal } } else { false } }
    }

    @Test("§6.2: a Spravato oximetry reading overdue past the grace raises one warning per due time")
    func overdueOximetry() throws {
        var record = Self.ready(route: .intranasalEsketamine)
        record.state = .dosing
        record.dosingStart = F.t0
        var machine = Self.machine(record)
        #expect(try machine.handle(.tick, by: .system, at: F.at(10)).isEmpty, "nothing due at 10 min")
        let effects = try machine.handle(.tick, by: .system, at: F.at(40))
        guard case .alerts(let alerts) = effects.first else {
            Issue.record("no overdue alert at 40 min: \(effects)")
            return
        }
        #expect(alerts.contains { $0.signal == "monitoring.oximetry" && $0.level == .warning })
        let again = try machine.handle(.tick, by: .system, at: F.at(41))
        #expect(!Self.mentions(again, "monitoring.oximetry"), "raised once per due time, not every pass")
        // The reading is taken; nothing is overdue until the next interval passes its grace.
        _ = try machine.handle(.recordVitals(F.vitals(), onSupplementalOxygen: false), by: Self.nurse, at: F.at(42))
        #expect(!Self.mentions(try machine.handle(.tick, by: .system, at: F.at(43)), "monitoring.oximetry"))
    }

    // MARK: - Discharge (§7.1, §7.2, §7.4)

    static func recovering(route: DosingRoute = .intravenous, postCADSS: Int = 0, moaas: [Int] = [5, 5]) -> SessionRecord {
        var record = Self.ready(route: route)
        record.state = .recovery
        record.dosingStart = F.t0
        record.dosingEnd = route == .intravenous ? F.at(40) : F.t0
        for minute in stride(from: 5.0, through: 175, by: 5) {
            record.vitals.append(TimedVitals(at: F.at(minute), vitals: F.vitals(), phase: .inSession, onSupplementalOxygen: false))
        }
        record.cadss += [TimedRating(at: F.at(40), score: 10, isPreDose: false), TimedRating(at: F.at(170), score: postCADSS, isPreDose: false)]
        record.moaas += moaas.enumerated().map { TimedRating(at: F.at(160 + Double($0.offset) * 10), score: $0.element, isPreDose: false) }
        return record
    }

    static let discharge = DischargeRequest(
        items: .aldrete(activity: 2, respiration: 2, consciousness: 2), escortPresent: true, drivingAdviceAcknowledged: true, overrideReason: nil)

    @Test("§7.1: discharge is refused while CADSS is above its pre-dose value and allowed once it is back")
    func dischargeCADSS() throws {
        var machine = Self.machine(Self.recovering(postCADSS: 6))
        let error = Self.refusal { _ = try machine.handle(.assessDischarge(Self.discharge), by: Self.prescriber, at: F.at(180)) }
        #expect(error?.field == "discharge")
        #expect(error?.message.contains("CADSS") == true, "\(error?.message ?? "")")
        machine = Self.machine(Self.recovering(postCADSS: 0))
        let effects = try machine.handle(.assessDischarge(Self.discharge), by: Self.prescriber, at: F.at(180))
        #expect(machine.record.state == .readyForDischarge)
        #expect(effects.count == 2)
    }

    @Test("§7.1 and §6.2: Spravato is not discharged before 120 min or with monitoring missing, override or not")
    func dischargeSpravato() throws {
        var record = Self.recovering(route: .intranasalEsketamine)
        var machine = Self.machine(record)
        var early = Self.discharge
        early.overrideReason = "patient wants to leave"
        #expect(
            Self.refusal { _ = try machine.handle(.assessDischarge(early), by: Self.prescriber, at: F.at(100)) }?.message.contains("hard rule")
                == true)
        // Oximetry gap: drop the readings between 60 and 120 min.
        record.vitals.removeAll { $0.at > F.at(60) && $0.at < F.at(120) }
        machine = Self.machine(record)
        let error = Self.refusal { _ = try machine.handle(.assessDischarge(early), by: Self.prescriber, at: F.at(180)) }
        #expect(error?.field == "discharge", "missing Spravato monitoring refuses even with an override")
    }

    // MARK: - The record's lifecycle

    @Test("A signed record takes only amendments; only an ended session can be signed")
    func signing() throws {
        var record = Self.recovering()
        var machine = Self.machine(record)
        #expect(Self.refusal { _ = try machine.handle(.sign, by: Self.prescriber, at: F.at(200)) }?.field == "state")
        record.state = .discharged
        machine = Self.machine(record)
        #expect(try machine.handle(.sign, by: Self.prescriber, at: F.at(200)) == [.signed])
        #expect(machine.record.isSigned)
        #expect(
            Self.refusal { _ = try machine.handle(.recordVitals(F.vitals(), onSupplementalOxygen: false), by: Self.nurse, at: F.at(201)) }?.field
                == "session")
        #expect(
            try machine.handle(.amend(text: "BP at 60 min was 128/80", reason: "transcription error"), by: Self.prescriber, at: F.at(202)).count == 1)
        #expect(Self.refusal { _ = try machine.handle(.amend(text: " ", reason: "x"), by: Self.prescriber, at: F.at(203)) }?.field == "text")
    }

    @Test("Stopping early needs a reason; the infusion pauses only while dosing")
    func stopAndPause() throws {
        var machine = Self.machine(Self.ready())
        #expect(
            Self.refusal { _ = try machine.handle(.move(to: .stoppedEarly(reason: " "), reason: nil), by: Self.nurse, at: F.t0) }?.field == "reason")
        #expect(Self.refusal { _ = try machine.handle(.infusion(.pause), by: Self.nurse, at: F.t0) }?.field == "state")
        _ = try machine.handle(.move(to: .dosing, reason: nil), by: Self.nurse, at: F.t0)
        #expect(try machine.handle(.infusion(.pause), by: Self.nurse, at: F.at(5)) == [.infusion(.pause)])
        #expect(Self.refusal { _ = try machine.handle(.move(to: .readyForDischarge, reason: nil), by: Self.nurse, at: F.at(6)) } != nil)
    }
}
