public import Foundation

/// A test-only clock for the hidden `ketacare serve --clock-offset-file PATH`: real time plus the seconds written in a file,
/// so a browser test moves the server's time forward (an alert escalating after 2 min, an oximetry reading overdue after
/// 15 min, the Spravato 2-hour observation) instead of waiting for it.
///
/// The file is read on every call, so a test that rewrites it moves the clock at once. A missing, unreadable or malformed
/// file, or an offset beyond ``maximumOffset`` either way, counts as no offset: nothing written there can make the clock trap
/// or carry dates outside the range records are stored in.
public struct ClockOffsetFile: Sendable {
    /// The largest shift honoured either way (one year); anything larger is ignored as malformed.
    public static let maximumOffset: TimeInterval = 366 * 86_400
    /// The longest file read: a number of seconds needs a few characters.
    static let maximumBytes = 64

    /// The file holding the offset in seconds (a decimal number, e.g. `930` or `-12.5`).
    public let path: String

    /// A clock over the file at `path`.
    public init(path: String) {
        self.path = path
    }

    /// The shift in seconds now written in the file; 0 when it is missing, unreadable, malformed or out of range.
    public func offset() -> TimeInterval {
        guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: Self.maximumBytes + 1), data.count <= Self.maximumBytes,
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            let seconds = Double(text), seconds.isFinite, abs(seconds) <= Self.maximumOffset
        else { return 0 }
        return seconds
    }

    /// Real time plus the file's offset.
    public func now() -> Date {
        Date().addingTimeInterval(offset())
    }
}
