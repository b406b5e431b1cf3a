/// A User ID packet (RFC 9580 §5.11): UTF-8 text, by convention `Name <address>`.
public struct UserIDPacket: Hashable, Sendable {
    /// The packet body exactly as read (what certifications hash).
    public let body: [UInt8]

    public init(body: [UInt8]) { self.body = body }

    /// Reads a User ID packet.
    public init(packet: Packet) throws {
        guard packet.tag == .userID else {
            throw OpenPGPError.malformedPacket.with("packet tag \(packet.tag.rawValue) is not a user ID")
        }
        body = packet.body
    }

    /// The text, with invalid UTF-8 replaced.
    public var value: String { String(decoding: body, as: UTF8.self) }

    /// The mail address this user ID carries, if any (see ``MailAddress/init(userID:)``).
    public var address: MailAddress? { MailAddress(userID: value) }

    public var packet: Packet { Packet(tag: .userID, body: body) }
}

/// A User Attribute packet (RFC 9580 §5.12), kept opaque.
public struct UserAttributePacket: Hashable, Sendable {
    public let body: [UInt8]
    public init(body: [UInt8]) { self.body = body }
    public var packet: Packet { Packet(tag: .userAttribute, body: body) }
}

/// A mail address found in a user ID: the local part as written, the domain lower-cased.
public struct MailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The local part exactly as written in the user ID.
    public let localPart: String
    /// The domain, lower-cased.
    public let domain: String

    /// Builds an address from its parts (the domain is lower-cased).
    public init(localPart: String, domain: String) {
        self.localPart = localPart
        self.domain = domain.lowercased()
    }

    /// Parses a bare address `local@domain` (surrounding whitespace, angle brackets and a
    /// `mailto:` prefix are tolerated); nil when it is not one.
    public init?(_ text: String) {
        var s = Substring(text).trimmingWhitespace()
        if s.hasPrefix("<") && s.hasSuffix(">") { s = s.dropFirst().dropLast() }
        let mailto = s.isASCII  // lower-casing only the seven octets that matter
            ? s.utf8.prefix(7).elementsEqual("mailto:".utf8) { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
            : s.lowercased().hasPrefix("mailto:")
        if mailto { s = s.dropFirst(7) }
        guard let at = s.lastIndex(of: "@") else { return nil }
        let local = s[..<at]
        let domain = s[s.index(after: at)...]
        func plain(_ part: Substring) -> Bool {
            if part.isASCII {  // one Character per octet (a CRLF is two white-space octets): the same test on octets
                var previous: UInt8 = 0
                for octet in part.utf8 {
                    if octet.isASCIIWhitespace || octet == UInt8(ascii: "<") || octet == UInt8(ascii: ">")
                        || octet == UInt8(ascii: "@") || octet == UInt8(ascii: "\"") || octet == UInt8(ascii: ".") && previous == octet {
                        return false
                    }
                    previous = octet
                }
                return part.utf8.first != UInt8(ascii: ".") && part.utf8.last != UInt8(ascii: ".")
            }
            return !part.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "@" || $0 == "\"" })
                && !part.hasPrefix(".") && !part.hasSuffix(".") && !part.contains("..")
        }
        let quoted = local.count >= 2 && local.hasPrefix("\"") && local.hasSuffix("\"") && !local.contains("\n")
        guard !local.isEmpty, !domain.isEmpty, plain(domain), quoted || plain(local) else { return nil }
        self.init(localPart: String(local), domain: String(domain))
    }

    /// Extracts the address from a user ID (RFC 9580 §5.11 convention, RFC 5322 name-addr):
    /// `Name <addr>`, `<addr>`, bare `addr`, `Name (comment) <addr>`, `addr (comment)`,
    /// and a quoted name containing `<` or `@`. The last `<…>` group wins.
    public init?(userID: String) {
        let text = Substring(userID).trimmingWhitespace()
        if let close = text.lastIndex(of: ">"), let open = text[..<close].lastIndex(of: "<") {
            let inner = String(text[text.index(after: open)..<close])
            if let a = MailAddress(inner) { self = a; return }
        }
        if let a = MailAddress(String(text)) { self = a; return }
        // "addr (comment)" or "Name addr": the first whitespace-separated word that parses.
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            var w = word
            while let f = w.first, "(\"'[".contains(f) { w = w.dropFirst() }
            while let l = w.last, ")\"',;]".contains(l) { w = w.dropLast() }
            if w.contains("@"), let a = MailAddress(String(w)) { self = a; return }
        }
        return nil
    }

    /// `local@domain`.
    public var description: String { "\(localPart)@\(domain)" }

    /// The form WKD compares (draft-koch-openpgp-webkey-service §3.1): ASCII letters lower-cased only.
    public var wkdComparable: String { asciiLowercased(description) }
}

/// ASCII letters lower-cased, every other byte kept: how WKD and HKP compare addresses.
package func asciiLowercased(_ s: String) -> String {
    String(decoding: s.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        if isASCII {  // one Character per octet (a CRLF is two white-space octets): trimmed as octets, the same result
            let start = utf8.firstIndex { !$0.isASCIIWhitespace } ?? utf8.endIndex
            let end = utf8[start...].lastIndex { !$0.isASCIIWhitespace }.map { utf8.index(after: $0) } ?? start
            return self[start..<end]
        }
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }

    /// Whether every octet is ASCII.
    var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }
}

extension UInt8 {
    /// The ASCII characters `Character.isWhitespace` accepts: tab, line feed, vertical tab, form feed, carriage return, space.
    var isASCIIWhitespace: Bool { (0x09...0x0D).contains(self) || self == 0x20 }
}
