import Foundation

/// A person named on a ledger entry: the username they signed in with and their role at the time.
public struct StaffMember: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The signed-in username.
    public var username: String
    /// The role they acted in.
    public var role: Role

    /// Creates a staff reference.
    public init(username: String, role: Role) {
        self.username = username
        self.role = role
    }

    /// Whether two references name the same person (usernames compare case-insensitively).
    public func isSamePerson(as other: StaffMember) -> Bool {
        username.lowercased() == other.username.lowercased()
    }

    /// "jdoe (nurse)".
    public var description: String { "\(username) (\(role.rawValue))" }
}

/// Proof that a second person re-entered their own password at the moment of witnessing (issue #6).
///
/// The domain cannot check passwords; the web layer verifies the witness's password against the store and passes
/// the result here. The only way to put a witness on a new ``LedgerEntry`` is through this type, so a name typed by
/// the first user is never enough: `passwordVerified: false` is refused with field `witness_password`.
public struct VerifiedWitness: Sendable, Equatable {
    /// The witness.
    public let member: StaffMember

    /// Accepts a witness whose password the caller has just verified; refuses one it could not verify.
    public init(username: String, role: Role, passwordVerified: Bool) throws(LedgerError) {
        guard passwordVerified else {
            throw LedgerError(
                .witnessNotVerified, field: "witness_password",
                message: "the witness must re-enter their own password at the moment of witnessing; it was missing or wrong"
            )
        }
        guard !username.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LedgerError(.missing, field: "witness", message: "witness username is required")
        }
        self.member = StaffMember(username: username, role: role)
    }
}
