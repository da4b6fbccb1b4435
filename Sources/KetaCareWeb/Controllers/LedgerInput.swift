import Foundation
import KetaCareDomain
import KetaCareStore

/// A ledger entry as the API and the forms submit it: one flat shape for every kind, turned into the domain's kind here.
///
/// Quantities are in the product's unit of count (mL or devices); the unit is taken from the product, never typed.
struct LedgerEntryInput: Decodable, Sendable {
    /// A second person who re-enters their own password: the witness, or an adjustment's approver.
    struct Witness: Decodable, Sendable {
        let username: String
        let password: String
    }

    var kind: String?
    var productId: String?
    var idempotencyKey: String
    var occurredAt: String?
    var note: String?
    var witness: Witness?
    /// An adjustment's approver (issue #11): neither its recorder nor one of the counters.
    var approver: Witness?
    var lotId: String?
    var locationId: String?
    var toLocationId: String?
    var container: Int?
    var quantity: Decimal?
    var lotNumber: String?
    var expiresOn: String?
    var containers: Int?
    var supplierName: String?
    var supplierAddress: String?
    var supplierDea: String?
    var invoiceReference: String?
    var patientId: String?
    var sessionId: String?
    var doseOrderId: String?
    var drawn: Decimal?
    var given: Decimal?
    var wasted: Decimal?
    var wasteMethod: String?
    var method: String?
    var form41Reference: String?
    var reference: String?
    var investigationNote: String?
    var discrepancyId: String?
    var corrects: Int64?
    var reason: String?

    /// Every key the JSON body may carry.
    static let keys: Set<String> = [
        "kind", "productId", "idempotencyKey", "occurredAt", "note", "witness", "approver", "lotId", "locationId", "toLocationId", "container",
        "quantity",
        "lotNumber", "expiresOn", "containers", "supplierName", "supplierAddress", "supplierDea", "invoiceReference", "patientId", "sessionId",
        "doseOrderId", "drawn", "given", "wasted", "wasteMethod", "method", "form41Reference", "reference", "investigationNote", "discrepancyId",
        "corrects", "reason",
    ]

    /// The keys of the nested signature objects (`witness`, `approver`).
    static let signatureKeys: [String: Set<String>] = ["witness": ["username", "password"], "approver": ["username", "password"]]

    /// Reads a form post (field names are the JSON keys; the witness is `witnessUsername` + `witnessPassword`, the approver
    /// `approverUsername` + `approverPassword`).
    init(form: [String: String]) throws {
        func text(_ name: String) -> String? {
            guard let value = form[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func number(_ name: String) throws -> Decimal? {
            guard let value = text(name) else { return nil }
            guard let number = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")), value.allSatisfy({ "-0123456789.".contains($0) })
            else { throw ValidationError(field: name, message: "\(name) must be a number; got '\(value)'") }
            return number
        }
        func integer(_ name: String) throws -> Int? {
            guard let value = text(name) else { return nil }
            guard let number = Int(value) else { throw ValidationError(field: name, message: "\(name) must be a whole number; got '\(value)'") }
            return number
        }
        kind = text("kind")
        productId = text("productId")
        idempotencyKey = text("idempotencyKey") ?? ""
        occurredAt = text("occurredAt")
        note = text("note")
        if let username = text("witnessUsername") {
            witness = Witness(username: username, password: form["witnessPassword"] ?? "")
        }
        if let username = text("approverUsername") {
            approver = Witness(username: username, password: form["approverPassword"] ?? "")
        }
        lotId = text("lotId")
        locationId = text("locationId")
        toLocationId = text("toLocationId")
        container = try integer("container")
        quantity = try number("quantity")
        lotNumber = text("lotNumber")
        expiresOn = text("expiresOn")
        containers = try integer("containers")
        supplierName = text("supplierName")
        supplierAddress = text("supplierAddress")
        supplierDea = text("supplierDea")
        invoiceReference = text("invoiceReference")
        patientId = text("patientId")
        sessionId = text("sessionId")
        doseOrderId = text("doseOrderId")
        drawn = try number("drawn")
        given = try number("given")
        wasted = try number("wasted")
        wasteMethod = text("wasteMethod")
        method = text("method")
        form41Reference = text("form41Reference")
        reference = text("reference")
        investigationNote = text("investigationNote")
        discrepancyId = text("discrepancyId")
        corrects = try integer("corrects").map(Int64.init)
        reason = text("reason")
    }

    /// The draft to append: `state` supplies a lot's product when `productId` is omitted; `patient` is the resolved patient id.
    func draft(state: LedgerState, recorder: StaffMember, patient: String?, now: Date) throws -> LedgerDraft {
        guard let name = LedgerEntryKindName(rawValue: kind ?? "") else {
            let allowed = LedgerEntryKindName.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(field: "kind", message: "kind must be one of \(allowed)")
        }
        guard !idempotencyKey.isEmpty else { throw ValidationError(field: "idempotencyKey", message: "idempotencyKey is required") }
        let productID: ProductID
        if let productId {
            productID = ProductID(productId)
        } else if let lotId, let lot = state.lots[LotID(lotId)] {
            productID = lot.product
        } else {
            throw ValidationError(field: "productId", message: "productId is required (or a lotId the ledger has received)")
        }
        guard let product = LedgerRepository.catalog.products[productID] else {
            let known = LedgerRepository.catalog.sortedProducts.map(\.id.rawValue).joined(separator: ", ")
            throw ValidationError(field: "productId", message: "unknown product '\(productID)'; known: \(known)")
        }
        func q(_ amount: Decimal?, _ field: String) throws -> LedgerQuantity {
            guard let amount else { throw ValidationError(field: field, message: "\(field) is required") }
            return LedgerQuantity(amount, product.unit)
        }
        func req(_ value: String?, _ field: String) throws -> String {
            guard let value, !value.isEmpty else { throw ValidationError(field: field, message: "\(field) is required") }
            return value
        }
        func lot() throws -> LotID { LotID(try req(lotId, "lotId")) }
        func location() throws -> LocationID { LocationID(try req(locationId, "locationId")) }
        func supplier() -> Supplier { Supplier(name: supplierName ?? "", address: supplierAddress ?? "", deaNumber: supplierDea ?? "") }
        let entryKind: LedgerEntryKind
        switch name {
        case .receipt:
            let number = try req(lotNumber, "lotNumber")
            let expiry = try LocalDate.parse(try req(expiresOn, "expiresOn"), field: "expiresOn")
            let count = containers ?? 1
            let lot = Lot(id: LotID(lotId ?? "\(productID.rawValue)/\(number)"), lotNumber: number, product: productID, expiresOn: expiry)
            entryKind = .receipt(
                Receipt(
                    supplier: supplier(), invoiceReference: invoiceReference ?? "", lot: lot, location: try location(), containers: count,
                    quantity: LedgerQuantity(quantity ?? Decimal(count) * product.unitsPerContainer, product.unit)))
        case .administration:
            let drawnQuantity = try q(drawn ?? ((given ?? 0) + (wasted ?? 0)), "drawn")
            entryKind = .administration(
                Administration(
                    lot: try lot(), location: try location(), container: container, patientID: try req(patient, "patientId"), sessionID: sessionId,
                    doseOrderID: doseOrderId, drawn: drawnQuantity, given: try q(given, "given"), wasted: LedgerQuantity(wasted ?? 0, product.unit),
                    wasteMethod: wasteMethod))
        case .waste:
            entryKind = .waste(
                Waste(lot: try lot(), location: try location(), container: container, quantity: try q(quantity, "quantity"), method: method ?? ""))
        case .transfer:
            entryKind = .transfer(
                Transfer(
                    lot: try lot(), from: try location(), to: LocationID(try req(toLocationId, "toLocationId")), quantity: try q(quantity, "quantity")
                ))
        case .returnToSupplier:
            entryKind = .returnToSupplier(
                SupplierReturn(
                    lot: try lot(), location: try location(), container: container, quantity: try q(quantity, "quantity"), supplier: supplier(),
                    reference: reference ?? ""))
        case .destruction:
            entryKind = .destruction(
                Destruction(
                    lot: try lot(), location: try location(), container: container, quantity: try q(quantity, "quantity"), method: method ?? "",
                    form41Reference: form41Reference ?? ""))
        case .adjustment:
            guard let approver, !approver.username.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError(
                    field: "approver",
                    message: "an adjustment needs an approver (compliance lead or prescriber), neither its recorder nor a counter, "
                        + "who re-enters their own password")
            }
            // Named as typed until the store verifies the password and puts that account, with its role, in its place.
            entryKind = .adjustment(
                Adjustment(
                    lot: try lot(), location: try location(), quantity: try q(quantity, "quantity"), investigationNote: investigationNote ?? "",
                    approvedBy: StaffMember(username: approver.username, role: recorder.role), discrepancyID: discrepancyId))
        case .correction:
            guard let corrects else { throw ValidationError(field: "corrects", message: "corrects (the entry's sequence) is required") }
            entryKind = .correction(
                Correction(
                    corrects: corrects, reason: reason ?? "", lot: try lot(), location: try location(), quantityChange: try q(quantity, "quantity")))
        }
        var occurred = now
        if let occurredAt {
            guard let date = RequestDateTime.parse(occurredAt) else {
                throw ValidationError(field: "occurredAt", message: "occurredAt must be \(RequestDateTime.expectation)")
            }
            occurred = date
        }
        return LedgerDraft(
            occurredAt: occurred, idempotencyKey: idempotencyKey, product: productID, kind: entryKind, note: note ?? "",
            witness: witness.map { StaffSignature(username: $0.username, password: $0.password) },
            approver: name == .adjustment ? approver.map { StaffSignature(username: $0.username, password: $0.password) } : nil
        )
    }
}
