public import Foundation

/// Decides whether a new ledger entry may be recorded: the policy's rules, then the ledger's invariants.
public enum LedgerRules {
    /// Checks `entry` against `policy` at `now` (expiry is judged on the clinic's calendar day in `timeZone`) and returns
    /// the state after it; throws the first refusal with the field named.
    ///
    /// `counters` are the two people of the blind count whose discrepancy an adjustment resolves (empty for anything else):
    /// they may not approve it.
    ///
    /// Checks, in order: the date, required texts, the witness (present when required, verified, not the recorder, in a
    /// witnessing role), the approver (in an approving role, neither the recorder nor a counter), the supplier's DEA number,
    /// the lot's expiry for draws, then every invariant ``LedgerState/record(_:)`` enforces (sequence, double submission,
    /// unknown product/lot/location/container, non-positive or mismatched quantities, beyond a container's volume, a
    /// balance going negative).
    @discardableResult
    public static func validate(
        _ entry: LedgerEntry, state: LedgerState, policy: LedgerPolicy, now: Date, timeZone: TimeZone, counters: [StaffMember] = []
    ) throws(LedgerError) -> LedgerState {
        guard entry.occurredAt <= now else {
            throw LedgerError(.futureDate, field: "occurred_at", message: "an entry records what already happened; it cannot be dated after now")
        }
        try checkTexts(entry.kind)
        try checkWitness(entry, policy: policy)
        if case .adjustment(let adjustment) = entry.kind {
            try checkAdjustmentApprover(adjustment.approvedBy, recordedBy: entry.recordedBy, counters: counters, policy: policy)
        }
        if policy.checksDEANumberCheckDigit.value {
            if case .receipt(let r) = entry.kind { try checkDEANumber(r.supplier.deaNumber, field: "supplier.dea_number") }
            if case .returnToSupplier(let r) = entry.kind { try checkDEANumber(r.supplier.deaNumber, field: "supplier.dea_number") }
        }
        if case .receipt(let r) = entry.kind {
            // Issue #11: an expired lot is not taken into stock; it is refused at the door, not destroyed later.
            let day = LedgerCalendar.localDate(of: entry.occurredAt, in: timeZone)
            guard !r.lot.isExpired(on: day) else {
                throw LedgerError(
                    .expiredLot, field: "expiresOn",
                    message: "lot \(r.lot.lotNumber) expired on \(r.lot.expiresOn); an expired lot cannot be received into stock")
            }
        }
        if case .administration(let a) = entry.kind, let lot = state.lots[a.lot] {
            let today = LedgerCalendar.localDate(of: now, in: timeZone)
            // Issue #6: expired lots are flagged and cannot be drawn from.
            guard !lot.isExpired(on: today) else {
                throw LedgerError(
                    .expiredLot, field: "lot_id",
                    message: "lot \(lot.lotNumber) expired on \(lot.expiresOn); draw from an unexpired lot and destroy or return this one"
                )
            }
        }
        return try state.applying(entry)
    }

    /// Checks the person approving an adjustment or resolving a discrepancy holds a role the policy allows.
    public static func checkApprover(_ approver: StaffMember, field: String, policy: LedgerPolicy) throws(LedgerError) {
        guard policy.approverRoles.value.contains(approver.role) else {
            let roles = policy.approverRoles.value.map(\.rawValue).joined(separator: ", ")
            throw LedgerError(
                .approverRole, field: field, message: "\(field) must hold the role \(roles); \(approver.username) is \(approver.role.rawValue)")
        }
    }

    /// Checks the approver of an adjustment (issue #11): a role the policy allows to approve, and independent of the entry —
    /// neither the person recording it nor one of the counters whose discrepancy it resolves, so nobody signs off their own
    /// count or their own correction of the balance.
    public static func checkAdjustmentApprover(
        _ approver: StaffMember, recordedBy recorder: StaffMember, counters: [StaffMember], policy: LedgerPolicy
    ) throws(LedgerError) {
        guard !approver.isSamePerson(as: recorder) else {
            throw LedgerError(
                .approverNotIndependent, field: "approver",
                message: "\(approver.username) is recording this adjustment and cannot also approve it; another approver must sign")
        }
        guard !counters.contains(where: { approver.isSamePerson(as: $0) }) else {
            throw LedgerError(
                .approverNotIndependent, field: "approver",
                message:
                    "\(approver.username) counted the stock this adjustment corrects and cannot approve it; an approver who did not count must sign"
            )
        }
        try checkApprover(approver, field: "approver", policy: policy)
    }

    /// Checks a DEA registration number: two letters, seven digits, and the check digit
    /// ((d1 + d3 + d5) + 2 × (d2 + d4 + d6)) mod 10 = d7.
    public static func checkDEANumber(_ number: String, field: String) throws(LedgerError) {
        let chars = Array(number.uppercased())
        let digits = chars.dropFirst(2).compactMap(\.wholeNumberValue)
        guard chars.count == 9, chars[0].isLetter, chars[0].isASCII, chars[1].isLetter || chars[1] == "9", digits.count == 7 else {
            throw LedgerError(
                .invalidDEANumber, field: field, message: "a DEA number is two letters then seven digits (e.g. AB1234563); got '\(number)'")
        }
        let sum = digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])
        guard sum % 10 == digits[6] else {
            throw LedgerError(.invalidDEANumber, field: field, message: "DEA number '\(number)' fails its check digit; check it against the invoice")
        }
    }

    // MARK: - Private

    private static func required(_ text: String?, _ field: String, _ what: String) throws(LedgerError) {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LedgerError(.missing, field: field, message: "\(what) is required")
        }
    }

    private static func checkTexts(_ kind: LedgerEntryKind) throws(LedgerError) {
        switch kind {
        case .receipt(let r):
            try required(r.supplier.name, "supplier.name", "the supplier's name")
            try required(r.supplier.address, "supplier.address", "the supplier's address")
            try required(r.invoiceReference, "invoice_reference", "the invoice or packing-slip reference")
        case .administration(let a):
            try required(a.patientID, "patient_id", "the patient")
            if a.wasted.amount > 0 {
                try required(a.wasteMethod, "waste_method", "the manner the remainder was wasted (§9.3)")
            }
        case .waste(let w): try required(w.method, "method", "the manner of wastage (§9.3)")
        case .transfer: break
        case .returnToSupplier(let r):
            try required(r.supplier.name, "supplier.name", "the supplier's name")
            try required(r.reference, "reference", "the invoice or return reference")
        case .destruction(let d):
            try required(d.method, "method", "the manner of destruction")
            // DOMAIN.md §9.5: destruction is recorded on DEA Form 41.
            try required(d.form41Reference, "form41_reference", "the DEA Form 41 reference")
        case .adjustment(let a): try required(a.investigationNote, "investigation_note", "the investigation note")
        case .correction(let c): try required(c.reason, "reason", "the reason for the correction")
        }
    }

    private static func checkWitness(_ entry: LedgerEntry, policy: LedgerPolicy) throws(LedgerError) {
        let needed = policy.requiredWitnesses(for: entry.kind)
        guard let witness = entry.witness else {
            guard needed < 2 else {
                throw LedgerError(
                    .witnessRequired, field: "witness",
                    message: "a \(entry.kind.name.rawValue) needs a second person who re-enters their password (policy: \(needed) people)"
                )
            }
            return
        }
        // Issue #6: the same person cannot witness their own entry.
        guard !witness.isSamePerson(as: entry.recordedBy) else {
            throw LedgerError(.selfWitness, field: "witness", message: "\(witness.username) recorded this entry and cannot also witness it")
        }
        guard policy.witnessRoles.value.contains(witness.role) else {
            let roles = policy.witnessRoles.value.map(\.rawValue).joined(separator: ", ")
            throw LedgerError(
                .witnessRole, field: "witness", message: "a witness must hold the role \(roles); \(witness.username) is \(witness.role.rawValue)")
        }
    }
}

/// Calendar days in the clinic's time zone, so expiry and inventory dates follow the clinic's day, not UTC's.
public enum LedgerCalendar {
    /// The calendar date of `instant` in `timeZone`.
    public static func localDate(of instant: Date, in timeZone: TimeZone) -> LocalDate {
        LocalDate(utcDayOf: instant.addingTimeInterval(Double(timeZone.secondsFromGMT(for: instant))))
    }
}
