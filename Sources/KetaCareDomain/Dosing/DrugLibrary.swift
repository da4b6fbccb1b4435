import Foundation

/// The clinic's drug library (DOMAIN.md §4.8): one entry per product, route and jurisdiction profile.
public struct DrugLibrary: Codable, Sendable, Equatable {
    /// All entries, enabled or not.
    public var entries: [DrugLibraryEntry]

    /// Creates a library.
    public init(entries: [DrugLibraryEntry]) {
        self.entries = entries
    }

    /// The entry with `id`.
    public func entry(id: String) -> DrugLibraryEntry? {
        entries.first { $0.id == id }
    }

    /// The entry used when only the route is named: the route default, else the first entry for the route.
    public func defaultEntry(for route: DosingRoute) -> DrugLibraryEntry? {
        entries.first { $0.route == route && $0.isRouteDefault } ?? entries.first { $0.route == route }
    }

    /// Every entry's inconsistencies, plus duplicate ids; empty when the library is valid.
    public var validationIssues: [String] {
        var issues = entries.flatMap(\.validationIssues)
        let ids = entries.map(\.id)
        if Set(ids).count != ids.count { issues.append("duplicate entry ids") }
        return issues
    }
}

// MARK: - Seed (DOMAIN.md §4.8; every limit is a DESIGN DEFAULT)

private func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }
private func mgPerKg(_ text: String) -> MilligramsPerKilogram { MilligramsPerKilogram(decimal(text)) }

extension DrugLibrary {
    /// DOMAIN.md §4.7 stock concentrations: 10, 50 and 100 mg/mL [Ketalar USPI] (secondary).
    static let racemicStocks: [MilligramsPerMillilitre] = [10, 50, 100]

    /// Spravato's device (DOMAIN.md §4.4): 28 mg in 0.2 mL, 2 sprays, 5 min between devices.
    public static let spravatoDevice = NasalDevice(
        strength: 28,
        volume: Millilitres(decimal("0.2")),
        spraysPerDevice: 2,
        minutesBetweenDevices: 5,
        provenance: .sourced("Spravato USPI §2; NDC 50458-028 (DOMAIN.md §4.4)")
    )

    /// The library KetaCare ships with: DOMAIN.md §4.8's table as data, flagged `.designDefault`.
    public static let seed = DrugLibrary(entries: [
        // DOMAIN.md §4.8 row "IV racemic, per session"; §4.1 usual dose.
        DrugLibraryEntry(
            id: "iv-racemic",
            name: "Ketamine (racemic) IV infusion",
            route: .intravenous,
            isRouteDefault: true,
            isEnabled: true,
            form: .infusion,
            doseUnit: .milligramsPerKilogram,
            defaultDose: .perKilogram(mgPerKg("0.5")),
            defaultInfusionMinutes: 40,
            usualDose: Sourced("0.5 mg/kg over 40 min", .sourced("Andrade 2017; Sanacora 2017; Murrough 2013; Singh 2016")),
            stockConcentrations: racemicStocks,
            // DOMAIN.md §4.1: 100 mg/mL must be diluted (equal volume) before IV use.
            maxAdministeredConcentration: 50,
            allowsDilution: true,
            weightCap: Sourced(150, .designDefault),
            limits: Sourced(
                DoseLimits(
                    perDoseMgPerKg: LimitBand(softMin: mgPerKg("0.1"), softMax: mgPerKg("0.75"), hardMax: 1),
                    perSessionMgPerKg: LimitBand(softMax: mgPerKg("0.75"), hardMax: 1),
                    infusionMinutes: LimitBand(hardMin: 20, softMin: 40)
                ),
                .designDefault
            )
        ),
        // DOMAIN.md §4.8 row "SC racemic"; §4.2.
        DrugLibraryEntry(
            id: "sc-racemic",
            name: "Ketamine (racemic) subcutaneous",
            route: .subcutaneous,
            isRouteDefault: true,
            isEnabled: true,
            form: .injection,
            doseUnit: .milligramsPerKilogram,
            defaultDose: .perKilogram(mgPerKg("0.5")),
            usualDose: Sourced("0.5–1.0 mg/kg", .sourced("Glue 2017/2018/2020; Loo 2023 KADS")),
            stockConcentrations: racemicStocks,
            limits: Sourced(
                DoseLimits(
                    perDoseMgPerKg: LimitBand(softMin: mgPerKg("0.1"), softMax: mgPerKg("0.9"), hardMax: 1),
                    perSessionMgPerKg: LimitBand(softMax: mgPerKg("0.9"), hardMax: 1),
                    volume: LimitBand(softMax: 2)
                ),
                .designDefault
            )
        ),
        // DOMAIN.md §4.8 row "IM racemic"; §4.3.
        DrugLibraryEntry(
            id: "im-racemic",
            name: "Ketamine (racemic) intramuscular",
            route: .intramuscular,
            isRouteDefault: true,
            isEnabled: true,
            form: .injection,
            doseUnit: .milligramsPerKilogram,
            defaultDose: .perKilogram(mgPerKg("0.5")),
            usualDose: Sourced("0.5 mg/kg", .sourced("Loo 2016")),
            stockConcentrations: racemicStocks,
            limits: Sourced(
                DoseLimits(
                    perDoseMgPerKg: LimitBand(softMin: mgPerKg("0.1"), softMax: mgPerKg("0.5"), hardMax: 1),
                    perSessionMgPerKg: LimitBand(softMax: mgPerKg("0.5"), hardMax: 1),
                    volume: LimitBand(softMax: 5)
                ),
                .designDefault
            )
        ),
        // DOMAIN.md §4.5: oral and sublingual ship disabled with no limits until the clinic enters its protocol.
        DrugLibraryEntry(
            id: "oral-racemic",
            name: "Ketamine (racemic) oral, compounded",
            route: .oral,
            isRouteDefault: true,
            isEnabled: false,
            form: .enteral,
            doseUnit: .milligrams,
            usualDose: Sourced("clinic-defined", .unconfirmed),
            limits: Sourced(DoseLimits(), .unconfirmed)
        ),
        DrugLibraryEntry(
            id: "sublingual-racemic",
            name: "Ketamine (racemic) sublingual, compounded",
            route: .sublingual,
            isRouteDefault: true,
            isEnabled: false,
            form: .enteral,
            doseUnit: .milligrams,
            usualDose: Sourced("clinic-defined", .unconfirmed),
            limits: Sourced(DoseLimits(), .unconfirmed)
        ),
        // DOMAIN.md §4.8 row "Spravato, US TRD"; §4.4.
        DrugLibraryEntry(
            id: "intranasal-esketamine-us-trd",
            name: "Esketamine nasal spray (Spravato), US TRD",
            route: .intranasalEsketamine,
            isRouteDefault: true,
            isEnabled: true,
            form: .nasalDevice,
            doseUnit: .milligrams,
            defaultDose: .fixed(56),
            usualDose: Sourced("56 or 84 mg; first dose 56 mg", .sourced("Spravato USPI §2")),
            nasalDevice: spravatoDevice,
            limits: Sourced(
                DoseLimits(
                    perSessionMg: LimitBand(hardMax: 84),
                    administrationsPer7Days: CountLimit(hardMax: 2),
                    allowedDoses: [56, 84],
                    firstDose: FirstDoseRule(dose: 56)
                ),
                .designDefault
            )
        ),
        // DOMAIN.md §4.8 row "Spravato, US MDSI".
        DrugLibraryEntry(
            id: "intranasal-esketamine-us-mdsi",
            name: "Esketamine nasal spray (Spravato), US MDSI",
            route: .intranasalEsketamine,
            isRouteDefault: false,
            isEnabled: true,
            form: .nasalDevice,
            doseUnit: .milligrams,
            defaultDose: .fixed(84),
            usualDose: Sourced("84 mg (56 mg if not tolerated) twice weekly", .sourced("Spravato USPI §2")),
            nasalDevice: spravatoDevice,
            limits: Sourced(
                DoseLimits(perSessionMg: LimitBand(hardMax: 84), administrationsPer7Days: CountLimit(hardMax: 2), allowedDoses: [56, 84]),
                .designDefault
            )
        ),
        // DOMAIN.md §4.8 row "Spravato, EU profile": {28, 56, 84} mg, 28 mg start from 65.
        DrugLibraryEntry(
            id: "intranasal-esketamine-eu",
            name: "Esketamine nasal spray (Spravato), EU profile",
            route: .intranasalEsketamine,
            isRouteDefault: false,
            isEnabled: true,
            form: .nasalDevice,
            doseUnit: .milligrams,
            defaultDose: .fixed(56),
            usualDose: Sourced("28/56/84 mg; 28 mg start if ≥65", .sourced("EU/HK SmPC via MIMS HK")),
            nasalDevice: spravatoDevice,
            limits: Sourced(
                DoseLimits(
                    perSessionMg: LimitBand(hardMax: 84),
                    allowedDoses: [28, 56, 84],
                    firstDose: FirstDoseRule(dose: 56, olderPatientFromAge: 65, olderPatientDose: 28)
                ),
                .designDefault
            )
        ),
    ])
}
