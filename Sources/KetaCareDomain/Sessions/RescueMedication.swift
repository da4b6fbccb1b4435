public import Foundation

/// A rescue medication given during the session (issue #5), e.g. ondansetron for nausea, a benzodiazepine for emergence.
public struct RescueMedication: Codable, Sendable, Equatable {
    /// The drug's name: the list's spelling when it is on the clinic's list, else as entered.
    public var drug: String
    /// The amount, in mg.
    public var dose: Milligrams
    /// The route (`iv`, `po`, `im`, `sl` …), one of the clinic's allowed routes.
    public var route: String
    /// Why it was given (`nausea`, `emergence reaction`), if said.
    public var indication: String?
    /// When.
    public var givenAt: Date
    /// Who gave it (staff identifier).
    public var givenBy: String

    /// The longest drug name accepted.
    public static let maxDrugLength = 100
    /// The longest indication accepted.
    public static let maxIndicationLength = 200

    /// A validated record: the drug named (at most 100 characters), the dose above zero and at most the clinic's maximum for it,
    /// the route from the clinic's list; a blank indication is no indication. Errors name the API field (`drug`, `dose_mg`, `route`).
    public init(
        drug: String, dose: Milligrams, route: String, indication: String?, givenAt: Date, givenBy: String, policy: RescueMedicationPolicy
    ) throws(SessionError) {
        let name = try SessionError.requireText(drug, field: "drug", what: "the rescue drug's name")
        guard name.count <= Self.maxDrugLength else {
            throw SessionError(
                .outOfRange, field: "drug", message: "drug must be at most \(Self.maxDrugLength) characters; got \(name.count)")
        }
        let listed = policy.drug(named: name)
        self.drug = listed?.name ?? name
        let maximum = listed.map { Milligrams($0.maxDoseMg) } ?? Milligrams(policy.maxDoseMg.value)
        guard dose.value > 0, dose <= maximum else {
            let whose = listed.map { " for \($0.name)" } ?? " for a drug not on the clinic's list"
            throw SessionError(
                .outOfRange, field: "dose_mg",
                message: "dose_mg must be greater than 0 mg and at most \(maximum.value) mg\(whose); got \(dose.value) mg")
        }
        self.dose = dose
        let code = try SessionError.requireText(route, field: "route", what: "the route given").lowercased()
        guard policy.routes.value.contains(code) else {
            throw SessionError(
                .outOfRange, field: "route", message: "route must be one of \(policy.routes.value.joined(separator: ", ")); got '\(code)'")
        }
        self.route = code
        let why = indication?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard why.count <= Self.maxIndicationLength else {
            throw SessionError(
                .outOfRange, field: "indication",
                message: "indication must be at most \(Self.maxIndicationLength) characters; got \(why.count)")
        }
        self.indication = why.isEmpty ? nil : why
        self.givenAt = givenAt
        self.givenBy = try SessionError.requireText(givenBy, field: "given_by", what: "who gave it")
    }
}

/// A drug on the clinic's rescue list: what the form offers, and the largest single dose it accepts (a typing-error catch, not a
/// dosing recommendation).
public struct RescueDrug: Codable, Sendable, Equatable {
    /// The generic name (`ondansetron`).
    public var name: String
    /// What it is usually given for in the chair.
    public var indication: String
    /// The largest single dose accepted, in mg.
    public var maxDoseMg: Decimal
    /// Where the maximum came from.
    public var provenance: Provenance

    /// Creates a list entry.
    public init(name: String, indication: String, maxDoseMg: Decimal, provenance: Provenance) {
        self.name = name
        self.indication = indication
        self.maxDoseMg = maxDoseMg
        self.provenance = provenance
    }
}

/// How rescue medications are recorded: the routes allowed, the common drugs, and the largest dose accepted for any other drug.
public struct RescueMedicationPolicy: Codable, Sendable, Equatable {
    /// Route codes accepted.
    public var routes: Sourced<[String]>
    /// The common rescue drugs, offered on the run-sheet.
    public var drugs: [RescueDrug]
    /// The largest single dose accepted for a drug not on the list, in mg.
    public var maxDoseMg: Sourced<Decimal>

    /// Creates the settings.
    public init(routes: Sourced<[String]>, drugs: [RescueDrug], maxDoseMg: Sourced<Decimal>) {
        self.routes = routes
        self.drugs = drugs
        self.maxDoseMg = maxDoseMg
    }

    /// The list entry for `name`, ignoring case and surrounding spaces.
    public func drug(named name: String) -> RescueDrug? {
        let key = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return drugs.first { $0.name.lowercased() == key }
    }

    /// DESIGN DEFAULTS (DOMAIN.md §6.5 names the situations: nausea and vomiting, emergence reactions, raised blood pressure; no
    /// source in DOMAIN.md gives rescue doses). The maxima are generous single-dose ceilings to catch a slipped decimal point;
    /// the clinic must review them against its own protocols.
    public static let seed = RescueMedicationPolicy(
        routes: Sourced(["iv", "im", "sc", "po", "sl", "in"], .designDefault),
        drugs: [
            RescueDrug(name: "ondansetron", indication: "nausea / vomiting", maxDoseMg: 16, provenance: .designDefault),
            RescueDrug(name: "metoclopramide", indication: "nausea / vomiting", maxDoseMg: 20, provenance: .designDefault),
            RescueDrug(name: "lorazepam", indication: "emergence reaction / anxiety", maxDoseMg: 4, provenance: .designDefault),
            RescueDrug(name: "midazolam", indication: "emergence reaction / agitation", maxDoseMg: 5, provenance: .designDefault),
            RescueDrug(name: "labetalol", indication: "raised blood pressure", maxDoseMg: 80, provenance: .designDefault),
            RescueDrug(
                name: "clonidine", indication: "raised blood pressure", maxDoseMg: Decimal(string: "0.3")!, provenance: .designDefault),
            RescueDrug(name: "paracetamol", indication: "headache", maxDoseMg: 1000, provenance: .designDefault),
        ],
        maxDoseMg: Sourced(1000, .designDefault)
    )
}
