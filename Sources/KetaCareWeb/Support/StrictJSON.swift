import Foundation
import HTTPTypes
import KetaCareDomain
import Logging
import NIOCore

/// JSON bodies read strictly: must be an object, unknown fields are refused by name, types are checked by decoding.
enum StrictJSON {
    /// Parses `buffer` as a JSON object.
    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw APIError(.badRequest, code: "malformed", message: "the body is empty; send a JSON object") }
        guard let object = (try? JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any] else {
            throw APIError(.badRequest, code: "malformed", message: "the body is not a JSON object")
        }
        try refuseUnsafeValues(object, path: "")
        return object
    }

    /// The largest magnitude any number in a request may have: far beyond every clinical or physical quantity KetaCare
    /// stores, yet well inside what 64-bit integers and doubles hold exactly, so no later conversion can overflow.
    static let largestNumber = 1e15

    /// Numbers beyond ±``largestNumber`` (2^63, 9.2e18 containers, a count of 2^64) or not finite are refused here, naming
    /// the field, before any decoder or conversion sees them.
    private static func refuseUnsafeValues(_ value: Any, path: String) throws {
        switch value {
        case let object as [String: Any]:
            for (key, child) in object { try refuseUnsafeValues(child, path: path.isEmpty ? key : "\(path).\(key)") }
        case let array as [Any]:
            for (index, child) in array.enumerated() { try refuseUnsafeValues(child, path: "\(path)[\(index)]") }
        case let text as String where text.contains("\u{0}"):
            // SQLite would store the text cut at the NUL and PostgreSQL refuses it: no field may hold one.
            throw APIError(.badRequest, code: "invalid_character", message: "\(path) contains a NUL character (\\u0000)", field: path)
        case let number as NSNumber where !number.doubleValue.isFinite || number.doubleValue.magnitude > largestNumber:
            throw APIError(
                .badRequest, code: "out_of_range", message: "\(path) must be a finite number between -1e15 and 1e15; got \(number)", field: path)
        default:
            break
        }
    }

    /// Refuses any key not in `allowed`; `nested` lists the allowed keys of object-valued fields.
    static func requireKnownKeys(_ object: [String: Any], allowed: Set<String>, nested: [String: Set<String>] = [:], path: String = "") throws {
        for key in object.keys.sorted() {
            let field = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                throw APIError(
                    .badRequest, code: "unknown_field",
                    message: "\(field) is not a known field; allowed: \(allowed.sorted().joined(separator: ", "))", field: field
                )
            }
            if let inner = nested[key], let child = object[key] as? [String: Any] {
                try requireKnownKeys(child, allowed: inner, path: field)
            }
        }
    }

    /// Decodes a (checked) object into `T`; date-times only as ISO 8601 strings within ``RequestDateTime``'s years.
    static func decode<T: Decodable>(_ type: T.Type, from object: [String: Any]) throws -> T {
        let data = try JSONSerialization.data(withJSONObject: object, options: [])
        return try RequestDateTime.decoder().decode(T.self, from: data)
    }

    /// Encodes `value` as a JSON object dictionary (for PATCH merging).
    static func dictionary<T: Encodable>(_ value: T) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return (try JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any] ?? [:]
    }
}

/// Date-times that come from a request: ISO 8601 strings only (as the OpenAPI document says), never numbers, and within
/// the years a clinical record can have, so no later conversion (to stored milliseconds, to a range) can trap.
enum RequestDateTime {
    /// 1900-01-01T00:00:00Z: nothing in a living patient's record is older.
    static let earliest = Date(timeIntervalSince1970: -2_208_988_800)
    /// 2200-01-01T00:00:00Z: nothing a clinic schedules or records lies further ahead.
    static let latest = Date(timeIntervalSince1970: 7_258_118_400)
    /// How the refusal reads.
    static let expectation = "an ISO 8601 date-time between 1900-01-01 and 2200-01-01, such as 2026-12-03T14:30:00Z"

    /// An ISO 8601 date-time, with or without fractional seconds, within the bounds; nil otherwise.
    static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let date =
            (try? Date(text, strategy: .iso8601))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        guard let date, date >= earliest, date < latest else { return nil }
        return date
    }

    /// A JSON decoder that reads `Date` fields through ``parse(_:)``; a number where a date-time belongs is a type error.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            guard let text = try? container.decode(String.self) else {
                throw DecodingError.typeMismatch(
                    Date.self, .init(codingPath: decoder.codingPath, debugDescription: "expected \(expectation)"))
            }
            guard let date = parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be \(expectation)")
            }
            return date
        }
        return decoder
    }
}

/// `application/x-www-form-urlencoded` bodies as a dictionary (last value wins).
enum FormBody {
    static func parse(_ buffer: ByteBuffer) -> [String: String] {
        parse(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(parts[0]))
            let value = parts.count > 1 ? decode(String(parts[1])) : ""
            fields[key] = value
        }
        return fields
    }

    private static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
    }
}
