import Foundation

/// Where the data lives: an embedded SQLite file (the default) or a PostgreSQL server (`DATABASE_URL`).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// The location from `--database PATH` and the `DATABASE_URL` environment variable; the URL wins when both are set.
    public static func resolve(databaseOption: String?, environment: [String: String]) -> DatabaseLocation {
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .postgres(url: url) }
        if let option = databaseOption {
            if option.hasPrefix("postgres://") || option.hasPrefix("postgresql://") { return .postgres(url: option) }
            return .sqlite(path: option)
        }
        return .sqlite(path: "./ketacare.sqlite")
    }

    /// A description safe for logs: no password.
    public var description: String {
        switch self {
        case .sqlite(let path): "SQLite at \(path)"
        case .postgres(let url):
            if let parsed = URLComponents(string: url) {
                "PostgreSQL at \(parsed.host ?? "?"):\(parsed.port ?? 5432)\(parsed.path)"
            } else {
                "PostgreSQL (unparsable URL)"
            }
        }
    }
}

/// Why the database could not be opened: one clear line for the operator, never a stack trace.
public struct DatabaseOpenError: Error, CustomStringConvertible {
    public let description: String

    /// Creates the error with its one-line explanation.
    public init(_ description: String) {
        self.description = description
    }
}
