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

/// Pretty-printed JSON in `JSONEncoder`'s layout, built in one string.
private struct JSONLayout {
    private(set) var text = ""
    private var depth: Int
    private var firstMember = true

    init(depth: Int) { self.depth = depth }

    private mutating func newLine(at level: Int) {
        text += "\n"
        text += String(repeating: "  ", count: level)
    }

    /// An object whose members `body` writes with ``member(_:_:)``.
    mutating func object(_ body: (inout JSONLayout) -> Void) {
        text += "{"
        let outer = (depth, firstMember)
        depth += 1
        firstMember = true
        body(&self)
        (depth, firstMember) = outer
        newLine(at: depth)
        text += "}"
    }

    /// One `"key" : value` member of the object being written; `key` must need no escaping.
    mutating func member(_ key: String, _ value: (inout JSONLayout) -> Void) {
        if !firstMember { text += "," }
        firstMember = false
        newLine(at: depth)
        text += "\"" + key + "\" : "
        value(&self)
    }

    /// An array of `elements`, each written by `element`; empty as `[`, an empty line, `]`.
    mutating func array<Element>(_ elements: [Element], _ element: (inout JSONLayout, Element) -> Void) {
        text += "["
        guard !elements.isEmpty else {
            text += "\n"
            newLine(at: depth)
            text += "]"
            return
        }
        depth += 1
        for (i, e) in elements.enumerated() {
            if i > 0 { text += "," }
            newLine(at: depth)
            element(&self, e)
        }
        depth -= 1
        newLine(at: depth)
        text += "]"
    }

    mutating func bool(_ value: Bool) { text += value ? "true" : "false" }

    mutating func literal(_ json: String) { text += json }

    /// A string, or `null`. Printable ASCII and UTF-8 above it go as they are (`"` and `\` escaped, `/` not); a string
    /// with control characters or DEL is escaped by `JSONEncoder` itself.
    mutating func string(_ value: String?) {
        guard let value else {
            text += "null"
            return
        }
        let needsEncoder = value.utf8.contains { $0 < 0x20 || $0 == 0x7F }
        if needsEncoder, let encoded = try? Self.fragmentEncoder.encode(value) {
            text += String(decoding: encoded, as: UTF8.self)
            return
        }
        text += "\""
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += value + "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    private static var fragmentEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
