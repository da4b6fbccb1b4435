public import Foundation

/// A dose the session record says was given, to be matched with a ledger administration.
public struct SessionDose: Codable, Sendable, Equatable {
    /// The session.
    public var sessionID: String
    /// The dose order fulfilled.
    public var doseOrderID: String
    /// Drug given, in mg.
    public var given: Milligrams
    /// When it was given.
    public var administeredAt: Date
    /// The patient the session was for (nil: not compared).
    public var patientID: String?

    /// Creates a session dose.
    public init(sessionID: String, doseOrderID: String, given: Milligrams, administeredAt: Date, patientID: String? = nil) {
        self.sessionID = sessionID
        self.doseOrderID = doseOrderID
        self.given = given
        self.administeredAt = administeredAt
        self.patientID = patientID
    }
}

/// A session dose and the ledger administration that accounts for it.
public struct ReconciliationMatch: Sendable, Equatable {
    /// The session's dose.
    public var dose: SessionDose
    /// The ledger's administration.
    public var entry: LedgerEntry
}

/// A session dose with no matching ledger administration, and why.
public struct UnmatchedDose: Sendable, Equatable {
    /// The session's dose.
    public var dose: SessionDose
    /// Why it did not match.
    public var reason: String
}

/// A ledger administration with no matching session dose, and why.
public struct UnmatchedEntry: Sendable, Equatable {
    /// The ledger's entry.
    public var entry: LedgerEntry
    /// Why it did not match.
    public var reason: String
}

/// The reconciliation report: every administered session dose against the ledger and vice versa (issue #6).
public struct ReconciliationResult: Sendable, Equatable {
    /// Doses with their entries.
    public var matched: [ReconciliationMatch]
    /// Doses the ledger lacks (or records differently).
    public var unmatchedDoses: [UnmatchedDose]
    /// Administrations no session dose accounts for.
    public var unmatchedEntries: [UnmatchedEntry]

    /// Whether every dose and every administration matched.
    public var isReconciled: Bool { unmatchedDoses.isEmpty && unmatchedEntries.isEmpty }
}

/// Matches session doses with ledger administrations by dose order, then checks the amount given in mg.
public enum Reconciliation {
    /// Matches each dose to the administration with the same dose order (and session, when the entry names one) whose
    /// mg given is within the policy's tolerance; everything else is listed unmatched with the reason.
    public static func match(
        sessionDoses: [SessionDose], administrations: [LedgerEntry], catalog: LedgerCatalog, policy: LedgerPolicy
    ) -> ReconciliationResult {
        var byOrder: [String: [LedgerEntry]] = [:]
        var unmatchedEntries: [UnmatchedEntry] = []
        for entry in administrations {
            guard case .administration(let a) = entry.kind else { continue }
            guard let order = a.doseOrderID, !order.isEmpty else {
                unmatchedEntries.append(UnmatchedEntry(entry: entry, reason: "the administration names no dose order"))
                continue
            }
            byOrder[order, default: []].append(entry)
        }
        var matched: [ReconciliationMatch] = []
        var unmatchedDoses: [UnmatchedDose] = []
        let tolerance = policy.reconciliationToleranceMg.value
        for dose in sessionDoses {
            guard var candidates = byOrder[dose.doseOrderID], !candidates.isEmpty else {
                unmatchedDoses.append(UnmatchedDose(dose: dose, reason: "no ledger administration for dose order \(dose.doseOrderID)"))
                continue
            }
            let first = candidates.removeFirst()
            byOrder[dose.doseOrderID] = candidates
            guard case .administration(let a) = first.kind else { continue }
            if let session = a.sessionID, session != dose.sessionID {
                unmatchedDoses.append(UnmatchedDose(dose: dose, reason: "ledger entry \(first.sequence) is for session \(session)"))
                unmatchedEntries.append(UnmatchedEntry(entry: first, reason: "dose order \(dose.doseOrderID) belongs to session \(dose.sessionID)"))
                continue
            }
            // Issue #11: the right dose order for the wrong patient is a discrepancy, not a match.
            if let patient = dose.patientID, a.patientID != patient {
                unmatchedDoses.append(UnmatchedDose(dose: dose, reason: "ledger entry \(first.sequence) is for patient \(a.patientID)"))
                unmatchedEntries.append(UnmatchedEntry(entry: first, reason: "dose order \(dose.doseOrderID) was given to patient \(patient)"))
                continue
            }
            let recorded = catalog.products[first.product]?.milligrams(in: a.given).value
            guard let recorded, abs(recorded - dose.given.value) <= tolerance else {
                let ledger = recorded.map { "\($0) mg" } ?? "an unknown product"
                unmatchedDoses.append(
                    UnmatchedDose(
                        dose: dose, reason: "ledger entry \(first.sequence) records \(ledger) given; the session records \(dose.given.value) mg"))
                unmatchedEntries.append(
                    UnmatchedEntry(entry: first, reason: "the session records \(dose.given.value) mg for dose order \(dose.doseOrderID)"))
                continue
            }
            matched.append(ReconciliationMatch(dose: dose, entry: first))
        }
        for entries in byOrder.values {
            for entry in entries {
                unmatchedEntries.append(UnmatchedEntry(entry: entry, reason: "no session dose for this administration's dose order"))
            }
        }
        unmatchedEntries.sort { $0.entry.sequence < $1.entry.sequence }
        return ReconciliationResult(matched: matched, unmatchedDoses: unmatchedDoses, unmatchedEntries: unmatchedEntries)
    }
}
