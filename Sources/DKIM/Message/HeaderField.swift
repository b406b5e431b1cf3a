/// One header field as it travels: its name and its raw bytes, folding included (RFC 5322 §2.2).
///
/// The raw bytes are what `simple` canonicalization hashes and what `relaxed` rewrites, so they are kept exactly;
/// they run from the first octet of the name to the end of the last folded line, without the final CRLF.
public struct HeaderField: Sendable, Hashable {
    /// The whole field: `Name: value` with its folding CRLFs, without the final CRLF.
    public let raw: [UInt8]
    /// Where the colon after the name is in ``raw``.
    let colonIndex: Int

    /// The field from its raw bytes; nil when there is no colon (not a header field).
    public init?(raw: [UInt8]) {
        guard let colon = raw.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return nil }
        self.raw = raw
        self.colonIndex = colon
    }

    /// A field made from a name and a value (the value may contain folding: CRLF followed by a space or a tab).
    public init(name: String, value: String) {
        self.init(raw: Array("\(name):\(value)".utf8))!
    }

    /// The name as written, without any space before the colon.
    public var name: String { String(decoding: nameOctets, as: UTF8.self) }

    /// The name in ASCII lower case, the form DKIM compares (header names are case-insensitive, RFC 6376 §3.4.2).
    public var lowercasedName: String { asciiLowercasedText(nameOctets) }

    private var nameOctets: ArraySlice<UInt8> {
        var end = colonIndex
        while end > 0, raw[end - 1] == .space || raw[end - 1] == .tab { end -= 1 }
        return raw[..<end]
    }

    /// The raw value: every byte after the colon, folding included.
    public var rawValue: ArraySlice<UInt8> { raw[(colonIndex + 1)...] }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")

    /// SP or HTAB: RFC 5234's WSP.
    var isWSP: Bool { self == .space || self == .tab }
}

extension String {
    /// ASCII-only lower-casing: names and tags are ASCII, and Unicode case rules must not apply to them.
    var asciiLowercased: String {
        var text = self
        return text.withUTF8 { octets in
            guard octets.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
            return String(decoding: octets.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        } ?? text
    }
}

/// `octets` in ASCII lower case, as text (invalid UTF-8 repaired, as `String(decoding:as:)` does).
func asciiLowercasedText(_ octets: ArraySlice<UInt8>) -> String {
    String(unsafeUninitializedCapacity: octets.count) { buffer in
        for (offset, octet) in octets.enumerated() { buffer[offset] = octet >= 0x41 && octet <= 0x5A ? octet + 0x20 : octet }
        return octets.count
    }
}
