public import Foundation

/// Decodes JSON documents strictly: unknown keys, wrong types, missing fields and impossible dates are errors
/// that name the JSON path (`medications[1].stopDate`), so a bad document never half-loads.
public enum StrictJSON {
    /// Decodes `T` from `data`, rejecting any key the type does not know.
    public static func decode<T: Codable>(_ type: T.Type, from data: Data) throws(EligibilityError) -> T {
        let tree: Any
        do {
            tree = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw EligibilityError(field: "document", message: "the document is not valid JSON")
        }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw describe(error)
        } catch let error as EligibilityError {
            throw error
        } catch let error as ValidationError {
            throw EligibilityError(field: error.field, message: error.message)
        } catch {
            throw EligibilityError(field: "document", message: "the document could not be read: \(error)")
        }
        // Round-trip: every key the input holds must come back when the decoded value is encoded.
        let known: Any
        do {
            known = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value), options: [.fragmentsAllowed])
        } catch {
            throw EligibilityError(field: "document", message: "the document could not be re-encoded: \(error)")
        }
        if let unknown = firstUnknownKey(in: tree, known: known, path: "") {
            throw EligibilityError(field: unknown, message: "\(unknown) is not a field of this document; check the spelling")
        }
        return value
    }

    /// Formats a coding path the way the API documents it: `diagnoses[2].code`.
    public static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "document" : text
    }

    private static func describe(_ error: DecodingError) -> EligibilityError {
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return EligibilityError(field: field, message: "\(field) must be \(expected(type))")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return EligibilityError(field: field, message: "\(field) is required and must be \(expected(type)), not null")
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return EligibilityError(field: field, message: "\(field) is required")
        case .dataCorrupted(let context):
            if let inner = context.underlyingError as? ValidationError {
                return EligibilityError(field: inner.field, message: inner.message)
            }
            let field = path(context.codingPath)
            return EligibilityError(field: field, message: "\(field) has a value that is not allowed (\(context.debugDescription))")
        @unknown default:
            return EligibilityError(field: "document", message: "the document could not be read")
        }
    }

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is Int.Type: "a whole number"
        case is String.Type: "text"
        case is Decimal.Type, is Double.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }

    private static func firstUnknownKey(in input: Any, known: Any, path: String) -> String? {
        if let object = input as? [String: Any] {
            let knownObject = known as? [String: Any] ?? [:]
            for key in object.keys.sorted() {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                guard let knownChild = knownObject[key] else {
                    // An optional field given as null encodes back as absent; that is not an unknown key.
                    if object[key] is NSNull { continue }
                    return childPath
                }
                if let found = firstUnknownKey(in: object[key] as Any, known: knownChild, path: childPath) { return found }
            }
        } else if let array = input as? [Any], let knownArray = known as? [Any] {
            for (index, element) in array.enumerated() where index < knownArray.count {
                if let found = firstUnknownKey(in: element, known: knownArray[index], path: "\(path)[\(index)]") { return found }
            }
        }
        return nil
    }
}

/// A closed set of spellings: decoding names the JSON path and the allowed values when the text is not one of them.
public protocol StrictlySpelled: RawRepresentable, CaseIterable, Codable where RawValue == String {}

extension StrictlySpelled {
    /// The accepted spellings, for messages.
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Decodes one of the spellings, or throws naming the path and the allowed values.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let field = StrictJSON.path(decoder.codingPath)
            throw EligibilityError(field: field, message: "\(field) must be one of \(Self.spellings); got '\(raw)'")
        }
        self = value
    }
}

// MARK: - Dates that name their JSON path

/// A required calendar date whose decoding error names the full JSON path (`medications[1].startDate`).
@propertyWrapper
public struct PathNamedDate: Codable, Sendable, Hashable {
    /// The date.
    public var wrappedValue: LocalDate

    /// Wraps a date.
    public init(wrappedValue: LocalDate) {
        self.wrappedValue = wrappedValue
    }

    /// Decodes `YYYY-MM-DD`, naming the full path when the text is not a real date.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        wrappedValue = try LocalDate.parse(text, field: StrictJSON.path(decoder.codingPath))
    }

    /// Encodes as `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        try wrappedValue.encode(to: encoder)
    }
}

/// An optional calendar date whose decoding error names the full JSON path; absent or null means none.
@propertyWrapper
public struct OptionalPathNamedDate: Codable, Sendable, Hashable {
    /// The date, if any.
    public var wrappedValue: LocalDate?

    /// Wraps an optional date.
    public init(wrappedValue: LocalDate?) {
        self.wrappedValue = wrappedValue
    }

    /// Decodes `YYYY-MM-DD` or null.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            wrappedValue = nil
        } else {
            wrappedValue = try LocalDate.parse(container.decode(String.self), field: StrictJSON.path(decoder.codingPath))
        }
    }

    /// Encodes as `YYYY-MM-DD` or null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let date = wrappedValue { try container.encode(date) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing optional date key decodes as no date (the synthesized decoder would otherwise demand the key).
    func decode(_ type: OptionalPathNamedDate.Type, forKey key: Key) throws -> OptionalPathNamedDate {
        try decodeIfPresent(type, forKey: key) ?? OptionalPathNamedDate(wrappedValue: nil)
    }
}

extension KeyedEncodingContainer {
    /// An absent optional date is left out of the encoded object rather than written as null.
    mutating func encode(_ value: OptionalPathNamedDate, forKey key: Key) throws {
        if let date = value.wrappedValue { try encode(date, forKey: key) }
    }
}
