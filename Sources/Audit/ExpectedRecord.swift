import Foundation
public import DNS

/// A record a domain should publish, as `stockade init` prints it and `stockade check --expect` reads it back: the
/// owner name, the type and the data in presentation form (RFC 1035 §5.1), with an optional note printed above it.
public struct ExpectedRecord: Sendable, Hashable {
    /// The absolute owner name, lower case, with the final dot.
    public var name: String
    public var type: RecordType
    /// The data as written in a zone file.
    public var data: String
    public var note: String?

    public init(name: String, type: RecordType, data: String, note: String? = nil) {
        let lower = name.lowercased()
        self.name = lower.hasSuffix(".") ? lower : lower + "."
        self.type = type
        self.data = data
        self.note = note
    }

    /// The zone-file line: `NAME TTL IN TYPE DATA`, after the note as a comment.
    public func zoneLine(ttl: Int = 3600) -> String {
        (note.map { "; \($0)\n" } ?? "") + "\(name) \(ttl) IN \(type) \(data)"
    }

    /// The data reduced to what DNS compares: TXT strings joined, CAA tags lower-cased and values unquoted, hex and
    /// names lower-cased, white space single.
    var normalizedData: String { Self.normalized(type: type, text: data) }

    static func normalized(type: RecordType, text: String) -> String {
        switch type {
        case .txt:
            return ZoneText.quotedStrings(text).joined()
        case .caa:
            let fields = ZoneText.fields(text)
            guard fields.count >= 3 else { return text }
            return "\(fields[0]) \(fields[1].lowercased()) \(ZoneText.quotedStrings(fields[2...].joined(separator: " ")).joined())"
        case .tlsa, .ds:
            let fields = ZoneText.fields(text.lowercased())
            guard fields.count > 3 else { return fields.joined(separator: " ") }
            return (fields[0..<3] + [fields[3...].joined()]).joined(separator: " ")
        default:
            return ZoneText.fields(text.lowercased()).joined(separator: " ")
        }
    }

    /// The data of a record from DNS, normalized like ``normalizedData``.
    static func normalized(_ data: RecordData, type: RecordType) -> String {
        switch data {
        case .txt(let strings): String(decoding: strings.joined(), as: UTF8.self)
        case .caa(let caa):
            "\(caa.flags) \(String(decoding: caa.tag, as: UTF8.self).lowercased()) \(String(decoding: caa.value, as: UTF8.self))"
        default: normalized(type: type, text: data.presentation)
        }
    }
}

/// Splitting zone-file text: fields separated by white space, with quoted strings kept whole.
enum ZoneText {
    /// The fields of `text`; a quoted string (with `\"` inside) is one field, quotes included.
    static func fields(_ text: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "\"" {
                current.append(character)
                quoted.toggle()
            } else if !quoted, character == " " || character == "\t" {
                if !current.isEmpty { fields.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { fields.append(current) }
        return fields
    }

    /// The contents of the quoted strings in `text`, escapes resolved (`\"`, `\\`); unquoted words count as strings.
    static func quotedStrings(_ text: String) -> [String] {
        fields(text).filter { $0 != "(" && $0 != ")" }.map { field in
            var inner = Substring(field)
            if inner.hasPrefix("\""), inner.hasSuffix("\""), inner.count >= 2 { inner = inner.dropFirst().dropLast() }
            var out = ""
            var escaped = false
            for character in inner {
                if escaped || character != "\\" {
                    out.append(character)
                    escaped = false
                } else {
                    escaped = true
                }
            }
            return out
        }
    }

    /// `"…" "…"`: text cut into quoted character-strings of at most 255 octets (RFC 1035 §3.3.14).
    static func quoted(_ text: String) -> String {
        var strings: [String] = []
        var rest = Substring(text)
        repeat {
            var chunk = Substring("")
            while let next = rest.first, chunk.utf8.count + String(next).utf8.count <= 255 {
                chunk.append(next)
                rest = rest.dropFirst()
            }
            strings.append("\"" + chunk.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"")
        } while !rest.isEmpty
        return strings.joined(separator: " ")
    }
}
