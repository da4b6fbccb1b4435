/// Why a ledger entry, count or discrepancy resolution was refused: the field at fault and what would be allowed.
///
/// Every refusal is audited by the store (issue #6), so ``kind`` is stable text the audit detail can carry.
public struct LedgerError: FieldNamingError, Equatable {
    /// What kind of refusal, so callers can react (a sequence conflict asks for a reload and retry).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A quantity is zero or negative where only a positive amount makes sense.
        case nonPositiveQuantity = "non_positive_quantity"
        /// One entry moves more than a single container holds (a vial's volume).
        case beyondContainerVolume = "beyond_container_volume"
        /// Administered + wasted from a container would exceed what was received in it.
        case containerOverdrawn = "container_overdrawn"
        /// The quantity's unit is not the product's unit of count (mL vs device).
        case unitMismatch = "unit_mismatch"
        /// Devices are counted whole.
        case fractionalDevices = "fractional_devices"
        /// Parts that must add up do not (drawn ≠ given + wasted; containers × volume ≠ quantity).
        case quantityMismatch = "quantity_mismatch"
        /// The product is not in the catalogue.
        case unknownProduct = "unknown_product"
        /// The lot was never received (or belongs to another product).
        case unknownLot = "unknown_lot"
        /// The storage location is not in the catalogue.
        case unknownLocation = "unknown_location"
        /// The container number is not one the lot received.
        case unknownContainer = "unknown_container"
        /// The entry a correction refers to does not exist.
        case unknownEntry = "unknown_entry"
        /// A lot received again with a different product or expiry.
        case lotConflict = "lot_conflict"
        /// The lot is past its expiry date and cannot be drawn from.
        case expiredLot = "expired_lot"
        /// A required text (method, reference, note) is empty.
        case missing
        /// The policy requires a witness for this kind of entry.
        case witnessRequired = "witness_required"
        /// The witness is the person recording the entry.
        case selfWitness = "self_witness"
        /// The witness did not re-enter their password (or it was wrong).
        case witnessNotVerified = "witness_not_verified"
        /// The witness's role may not witness controlled-substance entries.
        case witnessRole = "witness_role"
        /// The approver (or resolver) does not hold a role the policy allows.
        case approverRole = "approver_role"
        /// The approver of an adjustment is its recorder or counted the stock it corrects.
        case approverNotIndependent = "approver_not_independent"
        /// The entry would take a balance below zero.
        case negativeBalance = "negative_balance"
        /// The same submission (idempotency key) was already recorded.
        case duplicateSubmission = "duplicate_submission"
        /// Another entry was recorded first: reload and retry.
        case sequenceConflict = "sequence_conflict"
        /// The entry is dated after the moment it is recorded.
        case futureDate = "future_date"
        /// The supplier's DEA registration number is malformed.
        case invalidDEANumber = "invalid_dea_number"
        /// A blind count was entered twice by the same person.
        case sameCounter = "same_counter"
        /// The discrepancy is already resolved.
        case alreadyResolved = "already_resolved"
        /// The discrepancy an adjustment names does not exist.
        case unknownDiscrepancy = "unknown_discrepancy"
        /// An input is outside its allowed range or set.
        case outOfRange = "out_of_range"
    }

    /// The kind of refusal.
    public let kind: Kind
    /// The input at fault (`quantity`, `witness`, `lot_id`, `administration.drawn`).
    public let field: String
    /// What is wrong and what would be allowed.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, field: String, message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }
}
