public import Foundation

/// Where a typed-name signature was captured.
public enum SignatureChannel: String, Codable, Sendable, CaseIterable {
    /// On the clinic tablet.
    case clinicTablet
    /// Through the patient's single-use link.
    case patientLink
}

/// How the patient signed.
public enum SignatureKind: Codable, Sendable, Equatable {
    /// The patient typed their name (the timestamp is the record's `signedAt`).
    case typedName(name: String, channel: SignatureChannel)
    /// Staff recorded a paper signature they witnessed.
    case witnessedPaper(witness: String)
}

/// The withdrawal of a consent.
public struct ConsentWithdrawal: Codable, Sendable, Equatable {
    /// When the patient withdrew.
    public var at: Date
    /// Why, as recorded.
    public var reason: String
    /// Who recorded it.
    public var recordedBy: String

    /// Creates a withdrawal.
    public init(at: Date, reason: String, recordedBy: String) {
        self.at = at
        self.reason = reason
        self.recordedBy = recordedBy
    }
}

/// A patient's signature on one version of a consent document, and its withdrawal if any.
public struct ConsentRecord: Codable, Sendable, Equatable {
    /// The document id.
    public var documentID: String
    /// The version signed.
    public var version: Int
    /// The route the patient was consenting for when signing.
    public var route: DosingRoute
    /// How the patient signed.
    public var signature: SignatureKind
    /// When the patient signed.
    public var signedAt: Date
    /// Who recorded the signature (the patient for a link signature, else the staff member).
    public var recordedBy: String
    /// The withdrawal, if the patient withdrew.
    public var withdrawal: ConsentWithdrawal?

    /// Records a signature on `document`, refusing blank names, a route the document does not cover, or a version not yet in force.
    public init(
        signing document: ConsentDocument, route: DosingRoute, signature: SignatureKind, signedAt: Date, recordedBy: String
    ) throws(ConsentError) {
        guard document.routes.contains(route) else {
            throw ConsentError(
                field: "route", message: "route \(route.rawValue) is not covered by \(document.id); it covers \(document.routes.map(\.rawValue))")
        }
        guard document.effectiveOn <= LocalDate(utcDayOf: signedAt) else {
            throw ConsentError(field: "signedAt", message: "signedAt is before version \(document.version) takes effect on \(document.effectiveOn)")
        }
        switch signature {
        case .typedName(let name, _) where name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            throw ConsentError(field: "signature.typedName.name", message: "the typed name must not be blank")
        case .witnessedPaper(let witness) where witness.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            throw ConsentError(field: "signature.witnessedPaper.witness", message: "the witness must be named")
        default:
            break
        }
        self.init(
            stored: document.id, version: document.version, route: route, signature: signature, signedAt: signedAt, recordedBy: recordedBy,
            withdrawal: nil)
    }

    /// Recreates a record read back from storage (validated when written).
    public init(
        stored documentID: String, version: Int, route: DosingRoute, signature: SignatureKind, signedAt: Date, recordedBy: String,
        withdrawal: ConsentWithdrawal?
    ) {
        self.documentID = documentID
        self.version = version
        self.route = route
        self.signature = signature
        self.signedAt = signedAt
        self.recordedBy = recordedBy
        self.withdrawal = withdrawal
    }

    /// The record with a withdrawal added; refuses a second withdrawal, a blank reason, or a time before the signature.
    public func withdrawing(at date: Date, reason: String, recordedBy: String) throws(ConsentError) -> ConsentRecord {
        if withdrawal != nil { throw ConsentError(field: "withdrawal", message: "this consent is already withdrawn") }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ConsentError(field: "withdrawal.reason", message: "withdrawal.reason must say why the patient withdrew")
        }
        if date < signedAt { throw ConsentError(field: "withdrawal.at", message: "withdrawal.at cannot be before the signature (signedAt)") }
        var copy = self
        copy.withdrawal = ConsentWithdrawal(at: date, reason: reason, recordedBy: recordedBy)
        return copy
    }

    /// Whether the consent is withdrawn at `date`.
    public func isWithdrawn(at date: Date) -> Bool {
        guard let withdrawal else { return false }
        return withdrawal.at <= date
    }
}
