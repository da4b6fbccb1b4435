/// The first place a stored ledger fails verification: a broken chain or a step that breaks an invariant.
public struct LedgerChainBreak: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which check failed.
    public enum Kind: String, Sendable, Equatable {
        /// Sequence, previous hash or contents do not match the chain.
        case chain
        /// Replaying the entry breaks an invariant (a balance would go negative, a container overdrawn …).
        case balance
    }

    /// The entry at fault.
    public let sequence: Int64
    /// Which check failed.
    public let kind: Kind
    /// What is wrong.
    public let reason: String

    /// Creates a break report.
    public init(sequence: Int64, kind: Kind, reason: String) {
        self.sequence = sequence
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "ledger entry \(sequence): \(kind.rawValue): \(reason)" }
}

/// Checks stored entries in order against a hash function supplied by the adapter (the domain has no crypto).
public struct LedgerChainVerifier: Sendable {
    private var expectedSequence: Int64 = 1
    private var previousHash = LedgerEntry.genesisHash
    private let hash: @Sendable (String) -> String

    /// Creates a verifier that starts at the genesis of the chain.
    public init(hash: @escaping @Sendable (String) -> String) {
        self.hash = hash
    }

    /// Checks the next stored entry; throws naming the first break.
    public mutating func check(_ entry: LedgerEntry) throws(LedgerChainBreak) {
        guard entry.sequence == expectedSequence else {
            throw LedgerChainBreak(
                sequence: entry.sequence, kind: .chain, reason: "expected sequence \(expectedSequence): an entry is missing or out of order")
        }
        guard entry.previousHash == previousHash else {
            throw LedgerChainBreak(sequence: entry.sequence, kind: .chain, reason: "previous hash does not match the entry before it")
        }
        guard hash(entry.chainInput) == entry.hash else {
            throw LedgerChainBreak(sequence: entry.sequence, kind: .chain, reason: "contents do not match its hash (altered after it was written)")
        }
        previousHash = entry.hash
        expectedSequence += 1
    }

    /// How many entries have been verified.
    public var verifiedCount: Int64 { expectedSequence - 1 }
}

/// Replays stored entries and reports the first that would break a ledger invariant (DOMAIN.md §9.6).
public struct LedgerBalanceVerifier: Sendable {
    /// The state after the entries checked so far.
    public private(set) var state: LedgerState

    /// Starts from an empty ledger over `catalog`.
    public init(catalog: LedgerCatalog) {
        state = LedgerState(catalog: catalog)
    }

    /// Replays the next stored entry; throws naming the entry when it breaks an invariant.
    public mutating func check(_ entry: LedgerEntry) throws(LedgerChainBreak) {
        do {
            try state.record(entry)
        } catch {
            throw LedgerChainBreak(sequence: entry.sequence, kind: .balance, reason: "\(error.field): \(error.message)")
        }
    }
}

/// What `ketacare ledger verify` reports.
public struct LedgerVerification: Sendable, Equatable {
    /// Entries that passed both checks.
    public var verifiedCount: Int64
    /// The first problem, or `nil` when the whole ledger verified.
    public var firstProblem: LedgerChainBreak?

    /// Whether the ledger verified (the CLI exits non-zero otherwise).
    public var isValid: Bool { firstProblem == nil }

    /// Checks the chain and then the balances of every entry in order, stopping at the first problem.
    public static func verify(
        _ entries: some Sequence<LedgerEntry>, catalog: LedgerCatalog, hash: @escaping @Sendable (String) -> String
    ) -> LedgerVerification {
        var chain = LedgerChainVerifier(hash: hash)
        var balances = LedgerBalanceVerifier(catalog: catalog)
        for entry in entries {
            do {
                try chain.check(entry)
                try balances.check(entry)
            } catch {
                return LedgerVerification(verifiedCount: chain.verifiedCount - (error.kind == .balance ? 1 : 0), firstProblem: error)
            }
        }
        return LedgerVerification(verifiedCount: chain.verifiedCount, firstProblem: nil)
    }
}
