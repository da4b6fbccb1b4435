import Foundation

/// One version of a consent document for one or more routes, edited by an admin (issue #4 "Consent").
///
/// A document id keeps its identity across versions; a new version supersedes the old one from its effective date,
/// and a patient who signed the old version must sign again.
public struct ConsentDocument: Codable, Sendable, Equatable {
    /// Stable id across versions, e.g. `consent.iv`.
    public var id: String
    /// The routes this document covers (IM and SC share one document).
    public var routes: [DosingRoute]
    /// Version number; higher supersedes lower.
    public var version: Int
    /// Title shown to the patient.
    public var title: String
    /// The text the patient reads and signs.
    public var body: String
    /// The first day this version is in force.
    public var effectiveOn: LocalDate
    /// Whether the text is the shipped placeholder the clinic must replace.
    public var provenance: Provenance

    /// Creates a document version.
    public init(id: String, routes: [DosingRoute], version: Int, title: String, body: String, effectiveOn: LocalDate, provenance: Provenance) {
        self.id = id
        self.routes = routes
        self.version = version
        self.title = title
        self.body = body
        self.effectiveOn = effectiveOn
        self.provenance = provenance
    }

    /// Checks an admin's edit: id, routes, a positive version, a title and a body.
    public func validate() throws(ConsentError) {
        if id.trimmingCharacters(in: .whitespaces).isEmpty { throw ConsentError(field: "id", message: "id must not be blank") }
        if routes.isEmpty {
            throw ConsentError(field: "routes", message: "routes must list at least one of \(DosingRoute.spellings)")
        }
        if version < 1 { throw ConsentError(field: "version", message: "version must be 1 or more; got \(version)") }
        if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ConsentError(field: "title", message: "title must not be blank") }
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ConsentError(field: "body", message: "body must not be blank") }
    }

    /// The version of the document covering `route` in force on `day`: the highest version already effective.
    public static func current(for route: DosingRoute, among documents: [ConsentDocument], on day: LocalDate) -> ConsentDocument? {
        documents.filter { $0.routes.contains(route) && $0.effectiveOn <= day }.max { $0.version < $1.version }
    }

    // Placeholder templates: the clinic writes its own consent text (DESIGN DEFAULT).
    /// Placeholder consent documents for IV, IM/SC, intranasal esketamine and oral/sublingual, flagged for the clinic to replace.
    public static let seed: [ConsentDocument] = [
        placeholder(
            id: "consent.iv", routes: [.intravenous], title: "Consent to intravenous ketamine treatment", what: "ketamine infusions into a vein"),
        placeholder(
            id: "consent.im-sc", routes: [.intramuscular, .subcutaneous], title: "Consent to intramuscular or subcutaneous ketamine treatment",
            what: "ketamine injections into a muscle or under the skin"),
        placeholder(
            id: "consent.intranasal-esketamine", routes: [.intranasalEsketamine], title: "Consent to esketamine (Spravato) nasal spray treatment",
            what: "esketamine nasal spray under the Spravato REMS"),
        placeholder(
            id: "consent.oral", routes: [.oral, .sublingual], title: "Consent to oral or sublingual ketamine treatment",
            what: "compounded ketamine taken by mouth or under the tongue"),
    ]

    private static func placeholder(id: String, routes: [DosingRoute], title: String, what: String) -> ConsentDocument {
        ConsentDocument(
            id: id, routes: routes, version: 1, title: title,
            body: """
                PLACEHOLDER — the clinic must replace this text before use.
                I agree to receive \(what). The treatment, its expected benefits, its risks (including dissociation, sedation, \
                raised blood pressure, nausea, and misuse), the alternatives, and my right to stop at any time have been explained to me. \
                I will not drive or operate machinery until the next day after restful sleep, and I have arranged an escort home.
                """,
            effectiveOn: LocalDate(unixDay: 0), provenance: .designDefault
        )
    }
}

extension LocalDate {
    /// 1970-01-01 plus `unixDay` days: a date built without a throwing initialiser, for seeds.
    fileprivate init(unixDay: Int) {
        self = LocalDate(utcDayOf: Date(timeIntervalSince1970: Double(unixDay) * 86_400))
    }
}
