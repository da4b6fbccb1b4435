public import Foundation

/// Whether the audited attempt succeeded.
public enum AuditOutcome: String, Codable, Sendable, CaseIterable {
    case success
    case denied
    case failed
}

/// One entry of the tamper-evident audit trail: who did what to which record, from where, with what outcome.
public struct AuditEvent: Codable, Sendable, Equatable {
    /// Position in the chain (1, 2, 3 …): the order events were committed.
    public var sequence: Int64
    public var occurredAt: Date
    /// Username of the actor; `-` for an anonymous attempt (a failed sign-in for an unknown name).
    public var actor: String
    public var role: String
    /// A dotted verb: `patient.view`, `patient.amend`, `auth.login`.
    public var action: String
    public var resourceType: String
    public var resourceID: String
    public var patientID: String?
    public var clientAddress: String
    public var outcome: AuditOutcome
    /// Non-clinical detail: changed field names, the error field. Never clinical values.
    public var detail: String
    /// SHA-256 of the previous event (hex); 64 zeros for the first.
    public var previousHash: String
    /// SHA-256 over `previousHash` and ``canonicalEncoding`` (hex).
    public var hash: String

    /// Creates an event; the chain fields are filled when it is appended.
    public init(
        sequence: Int64 = 0,
        occurredAt: Date,
        actor: String,
        role: String,
        action: String,
        resourceType: String,
        resourceID: String,
        patientID: String?,
        clientAddress: String,
        outcome: AuditOutcome,
        detail: String = "",
        previousHash: String = "",
        hash: String = ""
    ) {
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.actor = actor
        self.role = role
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.patientID = patientID
        self.clientAddress = clientAddress
        self.outcome = outcome
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash of "nothing before": the first event's previous hash.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The event's facts in one unambiguous byte form: version tag, then each field length-prefixed (v1, without the clinic).
    ///
    /// Time is whole milliseconds since 1970 so it survives a round trip through any database.
    public var canonicalEncoding: String { encoding(tag: "ketacare-audit-v1", leading: []) }

    /// The v2 form: the clinic id comes first, so an event moved to another clinic's chain no longer matches its hash.
    public func canonicalEncoding(clinicID: String) -> String { encoding(tag: "ketacare-audit-v2", leading: [clinicID]) }

    private func encoding(tag: String, leading: [String]) -> String {
        let fields: [String] =
            leading + [
                String(sequence),
                String(AuditEvent.milliseconds(occurredAt)),
                actor, role, action, resourceType, resourceID,
                patientID ?? "",
                clientAddress,
                outcome.rawValue,
                detail,
            ]
        var out = tag
        for field in fields {
            out += "|\(field.utf8.count):\(field)"
        }
        return out
    }

    /// The bytes a v1 chain hashed: the previous hash followed by the v1 canonical encoding (events written before v2).
    public var chainInput: String {
        previousHash + "\n" + canonicalEncoding
    }

    /// The bytes the chain hashes now: the previous hash followed by the v2 encoding, which covers the clinic id.
    public func chainInput(clinicID: String) -> String {
        previousHash + "\n" + canonicalEncoding(clinicID: clinicID)
    }

    /// Milliseconds since 1970, the stored form of every timestamp.
    ///
    /// Total: an instant beyond what 64-bit milliseconds hold (±292 million years) saturates instead of trapping. Requests
    /// cannot carry such instants (they are refused at the edge); this only keeps a slip from ending the process.
    public static func milliseconds(_ date: Date, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Int64 {
        let ms = (date.timeIntervalSince1970 * 1000).rounded(rule)
        guard !ms.isNaN else { return 0 }
        return ms >= 9.2e18 ? Int64.max : ms <= -9.2e18 ? Int64.min : Int64(ms)
    }
}

/// The first place a recomputed chain disagrees with what is stored.
public struct AuditChainBreak: Error, Sendable, Equatable, CustomStringConvertible {
    public let sequence: Int64
    public let reason: String

    /// Creates a break report.
    public init(sequence: Int64, reason: String) {
        self.sequence = sequence
        self.reason = reason
    }

    public var description: String { "audit event \(sequence): \(reason)" }
}

/// Checks stored events in order against a hash function supplied by the adapter (the domain has no crypto).
///
/// Events are hashed in the v2 encoding (which covers the clinic id); a chain that began before v2 may start with v1
/// events, but once a v2 event is seen every later one must be v2, so nobody can slip a clinic-less event in later.
public struct AuditChainVerifier: Sendable {
    private var expectedSequence: Int64 = 1
    private var previousHash = AuditEvent.genesisHash
    private var hasSeenV2 = false
    private let clinicID: String
    private let hash: @Sendable (String) -> String

    /// Creates a verifier for `clinicID`'s chain that starts at the genesis of the chain.
    public init(clinicID: String = "", hash: @escaping @Sendable (String) -> String) {
        self.clinicID = clinicID
        self.hash = hash
    }

    /// The hash of the last verified event (the genesis hash before any), to compare with the stored chain head.
    public var lastHash: String { previousHash }

    /// Checks the next stored event; throws naming the first break.
    public mutating func check(_ event: AuditEvent) throws(AuditChainBreak) {
        guard event.sequence == expectedSequence else {
            throw AuditChainBreak(sequence: event.sequence, reason: "expected sequence \(expectedSequence): an event is missing or out of order")
        }
        guard event.previousHash == previousHash else {
            throw AuditChainBreak(sequence: event.sequence, reason: "previous hash does not match the event before it")
        }
        if hash(event.chainInput(clinicID: clinicID)) == event.hash {
            hasSeenV2 = true
        } else if hasSeenV2 || hash(event.chainInput) != event.hash {
            throw AuditChainBreak(
                sequence: event.sequence,
                reason: "contents do not match its hash (altered after it was written, or moved from another clinic's chain)")
        }
        previousHash = event.hash
        expectedSequence += 1
    }

    /// How many events have been verified.
    public var verifiedCount: Int64 { expectedSequence - 1 }
}
