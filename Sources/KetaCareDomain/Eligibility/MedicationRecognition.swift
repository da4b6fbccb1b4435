/// What the interaction table makes of one medication on the list (issue #10; DOMAIN.md §3.4, §3.6).
///
/// Never silent: a name the table cannot place is `unknown`, which screening reports for staff to review.
public enum MedicationRecognition: Sendable, Equatable {
    /// The table rows (class ids, table order) the name or staff tags place it in.
    case classes([String])
    /// A known drug that belongs to none of the table's classes, or staff tagged it so.
    case noInteractionClass
    /// Matches no class and is not a known no-class drug: class unknown — review.
    case unknown

    /// The chart's wording.
    public var label: String {
        switch self {
        case .classes(let ids): ids.joined(separator: ", ")
        case .noInteractionClass: "no interaction class"
        case .unknown: "class unknown — review"
        }
    }
}
