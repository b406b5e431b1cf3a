/// A MIME entity read leniently enough for real mail: a header block and a body (RFC 5322 §2.1, RFC 2045).
///
/// Lines may end in CRLF or LF. Header fields are unfolded; names are compared case-insensitively.
package struct MIMEEntity {
    /// The most header octets of one entity.
    package static let maximumHeaderSize = 64 << 10

    /// Header fields in order, names lower-cased, values unfolded and trimmed.
    package let fields: [(name: String, value: String)]
    package let body: ArraySlice<UInt8>

    /// Splits `bytes` at the first empty line.
    package init(_ bytes: ArraySlice<UInt8>) throws(TLSRPTError) {
        var fields: [(name: String, value: String)] = []
        var index = bytes.startIndex
        var bodyStart = bytes.endIndex
        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[index..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            let next = lineEnd == bytes.endIndex ? lineEnd : lineEnd + 1
            guard next - bytes.startIndex <= Self.maximumHeaderSize else {
                throw .malformedMail("a header block is larger than \(Self.maximumHeaderSize) octets")
            }
            if line.isEmpty {
                bodyStart = next
                break
            }
            if line.first == 0x20 || line.first == 0x09 {
                guard !fields.isEmpty else { throw .malformedMail("a header continuation line comes first") }
                fields[fields.count - 1].value += " " + Self.trimmed(line)
            } else {
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                    throw .malformedMail("a header line has no field name")
                }
                fields.append((Self.trimmed(line[..<colon]).lowercased(), Self.trimmed(line[(colon + 1)...])))
            }
            index = next
        }
        self.fields = fields
        self.body = bytes[bodyStart...]
    }

    /// The first field's value of `name` (lower case).
    package func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// The `Content-Type`, defaulting to `text/plain` (RFC 2045 §5.2).
    package var contentType: ContentType { ContentType(field("content-type") ?? "text/plain") }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        let text = bytes.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        return String(decoding: text, as: UTF8.self)
    }
}

/// A `Content-Type` value: `type/subtype` and parameters (RFC 2045 §5.1), both lower-cased except values.
package struct ContentType {
    /// `type/subtype`, lower case.
    package let mediaType: String
    /// Parameters by lower-cased name; quoted values unquoted.
    package let parameters: [String: String]

    package init(_ text: String) {
        var scalars = Substring(text)
        func token() -> Substring {
            let value = scalars.prefix { $0 != ";" && $0 != "=" }
            scalars = scalars.dropFirst(value.count)
            return value
        }
        mediaType = token().trimmingSpaces.lowercased()
        var parameters: [String: String] = [:]
        while scalars.first == ";" {
            scalars = scalars.dropFirst()
            let name = token().trimmingSpaces.lowercased()
            guard scalars.first == "=" else { continue }
            scalars = scalars.dropFirst().drop { $0 == " " || $0 == "\t" }
            var value = ""
            if scalars.first == "\"" {
                scalars = scalars.dropFirst()
                while let character = scalars.first, character != "\"" {
                    scalars = scalars.dropFirst()
                    if character == "\\", let escaped = scalars.first {
                        value.append(escaped)
                        scalars = scalars.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
                scalars = scalars.dropFirst()
                scalars = scalars.drop { $0 != ";" }
            } else {
                value = String(token().trimmingSpaces)
            }
            if parameters[name] == nil { parameters[name] = value }
        }
        self.parameters = parameters
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
