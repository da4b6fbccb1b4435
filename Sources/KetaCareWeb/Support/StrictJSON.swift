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
        return object
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

    /// Decodes a (checked) object into `T`.
    static func decode<T: Decodable>(_ type: T.Type, from object: [String: Any]) throws -> T {
        let data = try JSONSerialization.data(withJSONObject: object, options: [])
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Encodes `value` as a JSON object dictionary (for PATCH merging).
    static func dictionary<T: Encodable>(_ value: T) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return (try JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any] ?? [:]
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
