public import Foundation

/// Whether a patient has current consent for a route (issue #4: no plan activation or session without it).
public enum ConsentStatus: Codable, Sendable, Equatable {
    /// The latest signature is on the version in force and not withdrawn.
    case current(ConsentRecord)
    /// The patient never signed the document covering the route.
    case missing
    /// The patient withdrew their latest consent.
    case withdrawn(ConsentRecord)
    /// The latest signature is on an older version; the patient must sign `currentVersion`.
    case outdatedVersion(ConsentRecord, currentVersion: Int)
    /// The clinic has no document in force for the route; an admin must publish one.
    case noDocument

    /// Whether treatment by the route may go ahead.
    public var hasValidConsent: Bool {
        if case .current = self { return true }
        return false
    }

    /// Evaluates consent for `route` at `date` from the patient's records and every version of the clinic's documents.
    ///
    /// The document in force is the highest version of the one covering `route` effective on the UTC day of `date`;
    /// the patient's latest signature on that document (signed by `date`) decides.
    public static func evaluate(route: DosingRoute, records: [ConsentRecord], documents: [ConsentDocument], at date: Date) -> ConsentStatus {
        guard let document = ConsentDocument.current(for: route, among: documents, on: LocalDate(utcDayOf: date)) else { return .noDocument }
        let signed = records.filter { $0.documentID == document.id && $0.signedAt <= date }
        guard let latest = signed.max(by: { ($0.signedAt, $0.version) < ($1.signedAt, $1.version) }) else { return .missing }
        if latest.isWithdrawn(at: date) { return .withdrawn(latest) }
        if latest.version != document.version { return .outdatedVersion(latest, currentVersion: document.version) }
        return .current(latest)
    }
}
