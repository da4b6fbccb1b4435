public import Foundation

/// Every controlled-substance rule a clinic can configure: data, seeded from DOMAIN.md §9 and Appendix B `cs.*`.
///
/// "Witnesses" counts people, the recorder included: 1 means the recorder alone, 2 means a second person must witness.
public struct LedgerPolicy: Codable, Sendable, Equatable {
    /// People present for wastage (administration remainder or a waste entry). Appendix B `cs.wasteWitnesses`; §9.5.
    public var wasteWitnesses: Sourced<Int>
    /// People present for on-site destruction (DEA Form 41). §9.5.
    public var destructionWitnesses: Sourced<Int>
    /// People present for an adjustment after a discrepancy.
    public var adjustmentWitnesses: Sourced<Int>
    /// People present for a receipt.
    public var receiptWitnesses: Sourced<Int>
    /// People present for a transfer between locations.
    public var transferWitnesses: Sourced<Int>
    /// People present for a return to the supplier or a reverse distributor.
    public var returnWitnesses: Sourced<Int>
    /// People present for a correction.
    public var correctionWitnesses: Sourced<Int>
    /// Roles that may witness ("licensed staff", §9.5).
    public var witnessRoles: Sourced<[Role]>
    /// Roles that may approve an adjustment (a person who neither records it nor counted the stock it corrects) and resolve a
    /// discrepancy (the permission matrix further limits resolving to the compliance lead).
    public var approverRoles: Sourced<[Role]>
    /// Minimum years every record and inventory is kept; records are never auto-deleted. Appendix B `cs.retentionYears`; §9.2.
    public var retentionYears: Sourced<Int>
    /// Longest gap between the previous inventory and the next biennial one. §9.4.
    public var biennialInventoryYears: Sourced<Int>
    /// Largest mg difference between a session's dose and its ledger administration still counted as a match.
    public var reconciliationToleranceMg: Sourced<Decimal>
    /// Whether a supplier's DEA number must pass the registration-number check digit.
    public var checksDEANumberCheckDigit: Sourced<Bool>

    /// Creates a policy.
    public init(
        wasteWitnesses: Sourced<Int>, destructionWitnesses: Sourced<Int>, adjustmentWitnesses: Sourced<Int>, receiptWitnesses: Sourced<Int>,
        transferWitnesses: Sourced<Int>, returnWitnesses: Sourced<Int>, correctionWitnesses: Sourced<Int>, witnessRoles: Sourced<[Role]>,
        approverRoles: Sourced<[Role]>, retentionYears: Sourced<Int>, biennialInventoryYears: Sourced<Int>,
        reconciliationToleranceMg: Sourced<Decimal>, checksDEANumberCheckDigit: Sourced<Bool>
    ) {
        self.wasteWitnesses = wasteWitnesses
        self.destructionWitnesses = destructionWitnesses
        self.adjustmentWitnesses = adjustmentWitnesses
        self.receiptWitnesses = receiptWitnesses
        self.transferWitnesses = transferWitnesses
        self.returnWitnesses = returnWitnesses
        self.correctionWitnesses = correctionWitnesses
        self.witnessRoles = witnessRoles
        self.approverRoles = approverRoles
        self.retentionYears = retentionYears
        self.biennialInventoryYears = biennialInventoryYears
        self.reconciliationToleranceMg = reconciliationToleranceMg
        self.checksDEANumberCheckDigit = checksDEANumberCheckDigit
    }

    /// The values KetaCare ships with, each with its provenance.
    public static let seed = LedgerPolicy(
        // DOMAIN.md §9.5: federal rule UNCONFIRMED; 2-person witness is the design default, configurable to 1.
        wasteWitnesses: Sourced(2, .designDefault),
        // DOMAIN.md §9.5: destruction witnessed by two authorized employees.
        destructionWitnesses: Sourced(2, .sourced("21 CFR 1317.95(d)")),
        adjustmentWitnesses: Sourced(2, .designDefault),
        receiptWitnesses: Sourced(2, .designDefault),
        transferWitnesses: Sourced(1, .designDefault),
        returnWitnesses: Sourced(2, .designDefault),
        correctionWitnesses: Sourced(2, .designDefault),
        witnessRoles: Sourced([.prescriber, .nurse, .compliance], .designDefault),
        // Issue #11: the approver of an adjustment is independent of its recorder and of the counters. The compliance lead, or a
        // prescriber — the practitioner whose DEA registration the records are kept under (DOMAIN.md §9.2) — so a clinic with
        // one compliance lead, who records the adjustment, can still have it approved.
        approverRoles: Sourced([.compliance, .prescriber], .designDefault),
        // DOMAIN.md §9.2: ≥2 years; states may require longer (UNCONFIRMED per state).
        retentionYears: Sourced(2, .sourced("21 CFR 1304.04(a)")),
        // DOMAIN.md §9.4: at least every 2 years after the previous inventory.
        biennialInventoryYears: Sourced(2, .sourced("21 CFR 1304.11(c)")),
        reconciliationToleranceMg: Sourced(0, .designDefault),
        checksDEANumberCheckDigit: Sourced(true, .designDefault)
    )

    /// How many people an entry of `kind` needs (1 = the recorder alone).
    public func requiredWitnesses(for kind: LedgerEntryKind) -> Int {
        switch kind {
        case .receipt: receiptWitnesses.value
        // DOMAIN.md §9.5: the wasted remainder of an administration is wastage.
        case .administration(let a): a.wasted.amount > 0 ? wasteWitnesses.value : 1
        case .waste: wasteWitnesses.value
        case .transfer: transferWitnesses.value
        case .returnToSupplier: returnWitnesses.value
        case .destruction: destructionWitnesses.value
        case .adjustment: adjustmentWitnesses.value
        case .correction: correctionWitnesses.value
        }
    }
}
