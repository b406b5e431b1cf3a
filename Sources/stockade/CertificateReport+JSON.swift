import Foundation

/// `key inspect --json`, written by hand in exactly the bytes `JSONEncoder` with `.prettyPrinted`, `.sortedKeys` and
/// `.withoutEscapingSlashes` wrote before (checked byte for byte on the 2000-certificate benchmark keyring and on
/// keys with quotes, backslashes, non-ASCII user IDs, no subkey and a revocation): the encoder took 9 % of the
/// command's CPU time and ran after the verification instead of beside it, on every core.
///
/// The layout is the encoder's: two spaces per level, `"key" : value`, keys in code-point order, an empty array as
/// `[`, an empty line, `]`.
extension CertificateReport {
    /// This report as a JSON object at nesting `depth` (1: an element of the top-level array), without a final line break.
    func json(depth: Int) -> String {
        var out = JSONLayout(depth: depth)
        out.object { o in
            o.member("algorithm") { $0.string(algorithm) }
            o.member("created") { $0.string(created) }
            o.member("expires") { $0.string(expires) }
            o.member("fingerprint") { $0.string(fingerprint) }
            o.member("keyID") { $0.string(keyID) }
            if let revocationReason { o.member("revocationReason") { $0.string(revocationReason) } }
            o.member("revoked") { $0.bool(revoked) }
            o.member("subkeys") { a in
                a.array(subkeys) { o, s in
                    o.object { o in
                        o.member("algorithm") { $0.string(s.algorithm) }
                        o.member("created") { $0.string(s.created) }
                        o.member("expired") { $0.bool(s.expired) }
                        o.member("expires") { $0.string(s.expires) }
                        o.member("fingerprint") { $0.string(s.fingerprint) }
                        o.member("flags") { $0.string(s.flags) }
                        o.member("revoked") { $0.bool(s.revoked) }
                        o.member("valid") { $0.bool(s.valid) }
                    }
                }
            }
            o.member("userIDs") { a in
                a.array(userIDs) { o, u in
                    o.object { o in
                        o.member("address") { $0.string(u.address) }
                        o.member("primary") { $0.bool(u.primary) }
                        o.member("revoked") { $0.bool(u.revoked) }
                        o.member("valid") { $0.bool(u.valid) }
                        o.member("value") { $0.string(u.value) }
                    }
                }
            }
            o.member("validity") { $0.string(validity) }
            o.member("version") { $0.literal(String(version)) }
        }
        return out.text
    }
}

/// Pretty-printed JSON in `JSONEncoder`'s layout, built as UTF-8 in one buffer.
private struct JSONLayout {
    private var bytes: [UInt8] = []
    private var depth: Int
    private var firstMember = true

    init(depth: Int) {
        self.depth = depth
        bytes.reserveCapacity(1024)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func newLine(at level: Int) {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    /// An object whose members `body` writes with ``member(_:_:)``.
    mutating func object(_ body: (inout JSONLayout) -> Void) {
        append("{")
        let outer = (depth, firstMember)
        depth += 1
        firstMember = true
        body(&self)
        (depth, firstMember) = outer
        newLine(at: depth)
        append("}")
    }

    /// One `"key" : value` member of the object being written; `key` must need no escaping.
    mutating func member(_ key: StaticString, _ value: (inout JSONLayout) -> Void) {
        if !firstMember { append(",") }
        firstMember = false
        newLine(at: depth)
        append("\"")
        append(key)
        append("\" : ")
        value(&self)
    }

    /// An array of `elements`, each written by `element`; empty as `[`, an empty line, `]`.
    mutating func array<Element>(_ elements: [Element], _ element: (inout JSONLayout, Element) -> Void) {
        append("[")
        guard !elements.isEmpty else {
            append("\n")
            newLine(at: depth)
            append("]")
            return
        }
        depth += 1
        for (i, e) in elements.enumerated() {
            if i > 0 { append(",") }
            newLine(at: depth)
            element(&self, e)
        }
        depth -= 1
        newLine(at: depth)
        append("]")
    }

    mutating func bool(_ value: Bool) { value ? append("true") : append("false") }

    mutating func literal(_ json: String) { bytes.append(contentsOf: json.utf8) }

    /// A string, or `null`. Printable ASCII and UTF-8 above it go as they are (`"` and `\` escaped, `/` not); a string
    /// with control characters or DEL is escaped by `JSONEncoder` itself.
    mutating func string(_ value: String?) {
        guard let value else {
            append("null")
            return
        }
        if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }), let encoded = try? Self.fragmentEncoder.encode(value) {
            bytes.append(contentsOf: encoded)
            return
        }
        append("\"")
        for octet in value.utf8 {
            if octet == UInt8(ascii: "\"") || octet == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(octet)
        }
        append("\"")
    }

    private static var fragmentEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
