/// A DKIM tag list (RFC 6376 §3.2): `name=value` pairs separated by semicolons, with folding white space allowed
/// around names, equals signs and values.
///
/// - Tag names are case-sensitive; a duplicated name makes the whole list invalid (§3.2).
/// - Unknown tags are kept here and ignored by the readers of signatures and keys (§3.2, §6.1.1).
/// - Values keep their position in the input, so a verifier can blank the `b=` value of the raw field (§3.7).
public struct TagList: Sendable, Hashable {
    /// One `name=value` pair.
    public struct Tag: Sendable, Hashable {
        public let name: String
        /// The value without the white space around it (white space inside it is kept).
        public let value: String
        /// Where the value (trimmed) sits in the parsed bytes.
        public let valueRange: Range<Int>
    }

    /// The tags in order.
    public let tags: [Tag]

    /// Parses a tag list.
    /// - Throws: ``TagListError`` for a syntax error, a duplicated tag, or more than ``DKIMLimits/maximumTagCount`` tags.
    public init(parsing bytes: some Collection<UInt8>) throws(TagListError) {
        let input = Array(bytes)
        var tags: [Tag] = []
        var seen: Set<String> = []
        var index = 0
        while true {
            index = Self.skipFWS(input, index)
            if index == input.count {
                // Only the end: allowed after a semicolon (the optional final ";") or for an empty list.
                break
            }
            let nameStart = index
            guard Self.isAlpha(input[index]) else { throw TagListError("a tag name must start with a letter") }
            while index < input.count, Self.isAlphaNumericOrUnderscore(input[index]) { index += 1 }
            let name = String(decoding: input[nameStart..<index], as: UTF8.self)
            index = Self.skipFWS(input, index)
            guard index < input.count, input[index] == UInt8(ascii: "=") else { throw TagListError("tag \(name) has no \"=\"") }
            index = Self.skipFWS(input, index + 1)
            let valueStart = index
            var valueEnd = index
            while index < input.count, input[index] != UInt8(ascii: ";") {
                let byte = input[index]
                if Self.isValueCharacter(byte) {
                    index += 1
                    valueEnd = index
                } else if byte.isWSP || byte == .cr || byte == .lf {
                    let after = Self.skipFWS(input, index)
                    guard after > index else { throw TagListError("tag \(name) has a line break that is not folding") }
                    index = after
                } else {
                    throw TagListError("tag \(name) has a character not allowed in a tag value")
                }
            }
            guard seen.insert(name).inserted else { throw TagListError("tag \(name) appears twice") }
            guard tags.count < DKIMLimits.maximumTagCount else { throw TagListError("more than \(DKIMLimits.maximumTagCount) tags") }
            tags.append(Tag(name: name, value: String(decoding: input[valueStart..<valueEnd], as: UTF8.self),
                            valueRange: valueStart..<valueEnd))
            if index == input.count { break }
            index += 1  // the semicolon
        }
        self.tags = tags
    }

    /// The value of the tag named `name` (case-sensitive), if present.
    public subscript(name: String) -> String? {
        tags.first { $0.name == name }?.value
    }

    /// The tag named `name`, if present.
    public func tag(_ name: String) -> Tag? {
        tags.first { $0.name == name }
    }

    /// Skips FWS (RFC 5322 §3.2.2, as RFC 6376 §2.8 uses it): WSP, and CRLF only when WSP follows.
    static func skipFWS(_ input: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < input.count {
            if input[i].isWSP {
                i += 1
            } else if input[i] == .cr, i + 2 < input.count, input[i + 1] == .lf, input[i + 2].isWSP {
                i += 3
            } else {
                break
            }
        }
        return i
    }

    private static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    private static func isAlphaNumericOrUnderscore(_ b: UInt8) -> Bool {
        isAlpha(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "_")
    }
    /// VALCHAR: %x21-3A / %x3C-7E (printable ASCII but ";").
    private static func isValueCharacter(_ b: UInt8) -> Bool { b >= 0x21 && b <= 0x7E && b != UInt8(ascii: ";") }
}

/// Why a tag list could not be read (RFC 6376 §3.2).
public struct TagListError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Removes folding white space from a value whose white space carries no meaning (`b=`, `bh=`, `p=`, RFC 6376 §3.5).
func withoutWhiteSpace(_ value: String) -> String {
    var value = value
    return value.withUTF8 { octets in
        guard octets.contains(where: isFoldingWhiteSpace) else { return nil }
        return String(decoding: octets.filter { !isFoldingWhiteSpace($0) }, as: UTF8.self)
    } ?? value
}

private func isFoldingWhiteSpace(_ octet: UInt8) -> Bool { octet.isWSP || octet == .cr || octet == .lf }

/// The items of a colon-separated value (a signature's `h=` and `q=`, a key record's `h=`, `s=` and `t=`), each
/// without white space and in ASCII lower case. `omittingEmpty` drops the items that are empty as written, not those
/// made empty by removing their white space (a signature's `h=` keeps both, so it can refuse them).
func lowercasedItems(_ value: String, omittingEmpty: Bool) -> [String] {
    var value = value
    return value.withUTF8 { octets in
        var items: [String] = []
        var item: [UInt8] = []
        var written = 0
        func finish() {
            if written > 0 || !omittingEmpty { items.append(String(decoding: item, as: UTF8.self)) }
            item.removeAll(keepingCapacity: true)
            written = 0
        }
        for octet in octets {
            if octet == UInt8(ascii: ":") {
                finish()
                continue
            }
            written += 1
            if !isFoldingWhiteSpace(octet) { item.append(octet >= 0x41 && octet <= 0x5A ? octet + 0x20 : octet) }
        }
        finish()
        return items
    }
}
