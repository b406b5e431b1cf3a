/// One header field as it travels: its name and its raw bytes, folding included (RFC 5322 §2.2).
///
/// The raw bytes are what `simple` canonicalization hashes and what `relaxed` rewrites, so they are kept exactly;
/// they run from the first octet of the name to the end of the last folded line, without the final CRLF. A field read
/// from a message is a slice of the message's bytes, so reading a message copies no field.
public struct HeaderField: Sendable, Hashable {
    /// The whole field: a slice of the message it was read from, or of its own array.
    let octets: ArraySlice<UInt8>
    /// Where the colon after the name is in ``octets`` (an index of the slice).
    let colonIndex: Int
    /// The name in lower case folded into a word (``nameKey(_:)``) for a first comparison; 0 for a name that is not
    /// ASCII, which is compared as text.
    let nameKey: UInt64

    /// The field from its raw bytes; nil when there is no colon (not a header field).
    public init?(raw: [UInt8]) {
        self.init(octets: raw[...])
    }

    /// The field from a slice of a message's bytes; nil when there is no colon or nothing before it.
    init?(octets: ArraySlice<UInt8>) {
        var ascii = true
        var key = Self.emptyNameKey
        var keyToLastNonWSP = key  // the name is what comes before any WSP ahead of the colon
        var colon = octets.startIndex
        while colon < octets.endIndex, octets[colon] != UInt8(ascii: ":") {
            let octet = octets[colon]
            ascii = ascii && octet < 0x80
            key = Self.nameKey(key, octet.asciiLowercased)
            if !octet.isWSP { keyToLastNonWSP = key }
            colon += 1
        }
        guard colon < octets.endIndex, colon > octets.startIndex else { return nil }
        self.octets = octets
        self.colonIndex = colon
        self.nameKey = ascii ? keyToLastNonWSP : 0
    }

    /// A field made from a name and a value (the value may contain folding: CRLF followed by a space or a tab).
    public init(name: String, value: String) {
        self.init(raw: Array("\(name):\(value)".utf8))!
    }

    /// The whole field: `Name: value` with its folding CRLFs, without the final CRLF.
    public var raw: [UInt8] { Array(octets) }

    /// Where the colon is, counted from the first octet of the field.
    var colonOffset: Int { colonIndex - octets.startIndex }

    /// The name as written, without any space before the colon.
    public var name: String { String(decoding: nameOctets, as: UTF8.self) }

    /// The name in ASCII lower case, the form DKIM compares (header names are case-insensitive, RFC 6376 §3.4.2).
    public var lowercasedName: String { asciiLowercasedText(nameOctets) }

    private var nameOctets: ArraySlice<UInt8> {
        var end = colonIndex
        while end > octets.startIndex, octets[end - 1] == .space || octets[end - 1] == .tab { end -= 1 }
        return octets[..<end]
    }

    /// FNV-1a, one octet at a time, from ``emptyNameKey``.
    static func nameKey(_ key: UInt64, _ octet: UInt8) -> UInt64 { (key ^ UInt64(octet)) &* 0x100_0000_01B3 }
    static let emptyNameKey: UInt64 = 0xCBF2_9CE4_8422_2325

    /// The key of a lower-case name as written (an ASCII name whose ``lowercasedName`` is `name` has this
    /// ``nameKey``); 0 when `name` is not ASCII.
    static func nameKey(of name: String) -> UInt64 {
        var name = name
        return name.withUTF8 { octets in
            var key = emptyNameKey
            for octet in octets {
                guard octet < 0x80 else { return 0 }
                key = nameKey(key, octet)
            }
            return key
        }
    }

    /// Whether ``lowercasedName`` equals `lowercased`, whose ``nameKey(of:)`` is `key`: compared where the name sits
    /// when both are ASCII (no text made), as text otherwise.
    func isNamed(_ lowercased: String, key: UInt64) -> Bool {
        var wanted = lowercased
        return wanted.withUTF8 { isNamed($0, key: key) }
    }

    /// Whether ``lowercasedName`` equals the text of the octets `lowercased`, whose key is `key` (``nameKey(of:)``;
    /// 0 when they are not ASCII): compared where the name sits when both are ASCII, as text otherwise (as the names
    /// were always compared).
    func isNamed(_ lowercased: UnsafeBufferPointer<UInt8>, key: UInt64) -> Bool {
        guard key != 0, nameKey != 0 else { return lowercasedName == String(decoding: lowercased, as: UTF8.self) }
        return key == nameKey && isNamedOctetwise(lowercased)
    }

    /// Whether this is the field a signature's `h=` names as `listed`, written in any case and with folding white space
    /// anywhere in it, whose key is `key` (``nameKey(of:)`` of its lower-case octets without white space; 0 when they
    /// are not ASCII): compared where both sit when both are ASCII, as lower-case text otherwise.
    func isNamed(listed: UnsafeBufferPointer<UInt8>, key: UInt64) -> Bool {
        guard key != 0, nameKey != 0 else { return lowercasedName == lowercasedWithoutWhiteSpace(listed) }
        guard key == nameKey else { return false }
        let name = nameOctets
        var i = name.startIndex
        for octet in listed where !isFoldingWhiteSpace(octet) {
            guard i < name.endIndex, name[i].asciiLowercased == octet.asciiLowercased else { return false }
            i += 1
        }
        return i == name.endIndex
    }

    /// Whether ``lowercasedName`` equals `lowercased`, compared where the name sits when both are ASCII (no text made).
    func isNamed(_ lowercased: String) -> Bool {
        var wanted = lowercased
        let octetwise: Bool? = wanted.withUTF8 { wanted in
            guard nameKey != 0, !wanted.contains(where: { $0 >= 0x80 }) else { return nil }
            return isNamedOctetwise(wanted)
        }
        return octetwise ?? (lowercasedName == lowercased)  // text equality, as the names were always compared
    }

    /// Whether the ASCII name equals the lower-case ASCII octets `wanted`.
    private func isNamedOctetwise(_ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        let name = nameOctets
        guard name.count == wanted.count else { return false }
        var i = name.startIndex
        for octet in wanted {
            let byte = name[i]
            guard byte.asciiLowercased == octet else { return false }
            i += 1
        }
        return true
    }

    /// The raw value: every byte after the colon, folding included.
    public var rawValue: ArraySlice<UInt8> { octets[(colonIndex + 1)...] }

    /// Fields are equal when their octets are (the colon's place follows from them).
    public static func == (lhs: HeaderField, rhs: HeaderField) -> Bool { lhs.octets.elementsEqual(rhs.octets) }

    public func hash(into hasher: inout Hasher) { hasher.combine(octets) }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")

    /// SP or HTAB: RFC 5234's WSP.
    var isWSP: Bool { self == .space || self == .tab }

    /// The octet in ASCII lower case: A-Z become a-z, every other octet stays as it is.
    var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self + 0x20 : self }
}

extension String {
    /// ASCII-only lower-casing: names and tags are ASCII, and Unicode case rules must not apply to them.
    var asciiLowercased: String {
        var text = self
        return text.withUTF8 { octets in
            guard octets.contains(where: { $0.asciiLowercased != $0 }) else { return nil }
            return String(decoding: octets.map(\.asciiLowercased), as: UTF8.self)
        } ?? text
    }
}

/// `octets` in ASCII lower case, as text (invalid UTF-8 repaired, as `String(decoding:as:)` does).
func asciiLowercasedText(_ octets: ArraySlice<UInt8>) -> String {
    String(unsafeUninitializedCapacity: octets.count) { buffer in
        for (offset, octet) in octets.enumerated() { buffer[offset] = octet.asciiLowercased }
        return octets.count
    }
}
