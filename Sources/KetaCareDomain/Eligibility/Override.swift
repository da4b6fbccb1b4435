import Foundation

/// A prescriber's override of an absolute rule, or acknowledgement of a relative one, with the documented reason.
public struct Override: Codable, Sendable, Equatable {
    /// The fired rule's id (`interaction.<row id>` for an interaction).
    public var ruleID: String
    /// Who overrode it (user name or id).
    public var by: String
    /// Their role.
    public var role: Role
    /// Whether they acted as the clinic's medical director.
    public var asMedicalDirector: Bool
    /// The documented reason or acknowledged note.
    public var reason: String

    /// Creates an override.
    public init(ruleID: String, by: String, role: Role, asMedicalDirector: Bool = false, reason: String) {
        self.ruleID = ruleID
        self.by = by
        self.role = role
        self.asMedicalDirector = asMedicalDirector
        self.reason = reason
    }
}

/// Why an override was not accepted.
public enum OverrideRejection: String, StrictlySpelled, Sendable {
    /// No fired rule has that id.
    case ruleNotFired
    /// The rule is absolute and not overridable: treatment stays blocked.
    case notOverridable
    /// Only a prescriber may override or acknowledge.
    case notPrescriber
    /// Only the medical director may override this rule.
    case needsMedicalDirector
    /// The reason or note is blank.
    case missingReason
    /// The rule is information only; nothing to override.
    case nothingToOverride
}

/// An override that was turned down, and why.
public struct RejectedOverride: Codable, Sendable, Equatable {
    /// The override.
    public var override: Override
    /// Why it was turned down.
    public var rejection: OverrideRejection
}

/// The decision after overrides and acknowledgements are applied to a screening result.
public struct EffectiveDecision: Codable, Sendable, Equatable {
    /// The worst remaining decision over the screened products.
    public var decision: ScreeningDecision
    /// The decision per product.
    public var productDecisions: [ProductDecision]
    /// Absolute and relative items still unresolved.
    public var unresolved: [FiredRule]
    /// The overrides accepted.
    public var accepted: [Override]
    /// The overrides turned down, with the reason.
    public var rejected: [RejectedOverride]

    /// The decision for `product`, or `nil` when it was not screened.
    public func decision(for product: ProductFamily) -> ScreeningDecision? {
        productDecisions.first { $0.product == product }?.decision
    }
}

extension ScreeningResult {
    /// Applies overrides: absolute non-overridable stays blocked; absolute overridable needs a prescriber (or the medical
    /// director where the rule says so) with a reason; relative needs a prescriber's acknowledged note; info needs nothing.
    public func applying(_ overrides: [Override]) -> EffectiveDecision {
        var resolved: Set<String> = []
        var accepted: [Override] = []
        var rejected: [RejectedOverride] = []
        for override in overrides {
            guard let rule = firedRules.first(where: { $0.ruleID == override.ruleID }) else {
                rejected.append(RejectedOverride(override: override, rejection: .ruleNotFired))
                continue
            }
            if let rejection = Self.rejection(of: override, for: rule) {
                rejected.append(RejectedOverride(override: override, rejection: rejection))
            } else {
                resolved.insert(rule.ruleID)
                accepted.append(override)
            }
        }
        let unresolved = firedRules.filter { $0.severity != .info && !resolved.contains($0.ruleID) }
        let decisions = productDecisions.map { entry in
            ProductDecision(product: entry.product, decision: Screening.decision(for: unresolved.filter { $0.products.contains(entry.product) }))
        }
        return EffectiveDecision(
            decision: decisions.map(\.decision).max() ?? .eligible, productDecisions: decisions, unresolved: unresolved,
            accepted: accepted, rejected: rejected
        )
    }

    private static func rejection(of override: Override, for rule: FiredRule) -> OverrideRejection? {
        switch rule.severity {
        case .info: return .nothingToOverride
        case .absolute where !rule.overridable: return .notOverridable
        default: break
        }
        guard override.role == .prescriber else { return .notPrescriber }
        if rule.overrideAuthority == .medicalDirector, !override.asMedicalDirector { return .needsMedicalDirector }
        if override.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .missingReason }
        return nil
    }
}
