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

    /// Where one tag's name and trimmed value sit in ``bytes``, counted from its first octet: the parse keeps
    /// positions, and the readers of signatures and key records read octets, so no `String` is made for a tag nobody
    /// asks for.
    struct Entry: Sendable, Hashable {
        let name: Range<Int>
        let value: Range<Int>
    }

    /// The parsed bytes: a slice of the header field or record they were read from (not copied).
    let bytes: ArraySlice<UInt8>
    /// The tags in order, as positions in ``bytes``.
    let entries: [Entry]

    /// The tags in order.
    public var tags: [Tag] { entries.indices.map(tag(at:)) }

    /// Parses a tag list.
    /// - Throws: ``TagListError`` for a syntax error, a duplicated tag, or more than ``DKIMLimits/maximumTagCount`` tags.
    public init(parsing bytes: some Collection<UInt8>) throws(TagListError) {
        try self.init(parsing: ArraySlice(bytes))
    }

    /// Parses the tag list `bytes`, keeping the slice.
    init(parsing bytes: ArraySlice<UInt8>) throws(TagListError) {
        self.bytes = bytes
        self.entries = try bytes.withUnsafeBufferPointer { input throws(TagListError) in try Self.entries(input) }
    }

    /// The tags of `input`, as positions from its start.
    private static func entries(_ input: UnsafeBufferPointer<UInt8>) throws(TagListError) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(16)  // a signature has up to 14 known tags: one allocation, not five
        var index = 0
        while true {
            index = skipFWS(input, index)
            if index == input.count {
                // Only the end: allowed after a semicolon (the optional final ";") or for an empty list.
                break
            }
            let nameStart = index
            guard isAlpha(input[index]) else { throw TagListError("a tag name must start with a letter") }
            while index < input.count, isAlphaNumericOrUnderscore(input[index]) { index += 1 }
            let name = nameStart..<index
            let nameText = { text(input, name) }
            index = skipFWS(input, index)
            guard index < input.count, input[index] == UInt8(ascii: "=") else { throw TagListError("tag \(nameText()) has no \"=\"") }
            index = skipFWS(input, index + 1)
            let valueStart = index
            var valueEnd = index
            while index < input.count, input[index] != UInt8(ascii: ";") {
                let byte = input[index]
                if isValueCharacter(byte) {
                    index = endOfValueCharacters(input, from: index + 1)
                    valueEnd = index
                } else if byte.isWSP || byte == .cr || byte == .lf {
                    let after = skipFWS(input, index)
                    guard after > index else { throw TagListError("tag \(nameText()) has a line break that is not folding") }
                    index = after
                } else {
                    throw TagListError("tag \(nameText()) has a character not allowed in a tag value")
                }
            }
            // At most maximumTagCount earlier names to compare: bounded, and no set of strings to build.
            guard !entries.contains(where: { input[$0.name].elementsEqual(input[name]) }) else {
                throw TagListError("tag \(nameText()) appears twice")
            }
            guard entries.count < DKIMLimits.maximumTagCount else { throw TagListError("more than \(DKIMLimits.maximumTagCount) tags") }
            entries.append(Entry(name: name, value: valueStart..<valueEnd))
            if index == input.count { break }
            index += 1  // the semicolon
        }
        return entries
    }

    /// The octets at `range` of ``bytes`` (counted from its first octet).
    func octets(_ range: Range<Int>) -> ArraySlice<UInt8> {
        bytes[(bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)]
    }

    /// The value of the tag named `name` (case-sensitive), if present.
    public subscript(name: String) -> String? {
        tag(name)?.value
    }

    /// The tag named `name`, if present.
    public func tag(_ name: String) -> Tag? {
        entryIndex(name).map(tag(at:))
    }

    /// The value octets of the tag named `name` (case-sensitive), if present.
    func valueOctets(_ name: String) -> ArraySlice<UInt8>? {
        entryIndex(name).map { octets(entries[$0].value) }
    }

    private func entryIndex(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { octets in
                entries.firstIndex { entry in
                    entry.name.count == wanted.count && entry.name.indices.allSatisfy { octets[$0] == wanted[$0 - entry.name.lowerBound] }
                }
            }
        }
    }

    private func tag(at index: Int) -> Tag {
        let entry = entries[index]
        return Tag(name: Self.text(octets(entry.name)), value: Self.text(octets(entry.value)), valueRange: entry.value)
    }

    /// Tag lists are equal when their tags are: the same names, values and value positions.
    public static func == (lhs: TagList, rhs: TagList) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { a, b in
            a.value == b.value && lhs.octets(a.name).elementsEqual(rhs.octets(b.name)) && lhs.octets(a.value).elementsEqual(rhs.octets(b.value))
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(entry.value)
            hasher.combine(entry.name.count)
            for octet in octets(entry.name) { hasher.combine(octet) }
            for octet in octets(entry.value) { hasher.combine(octet) }
        }
    }

    /// Tag names and values are printable ASCII (§3.2), so their octets are their text.
    static func text(_ octets: ArraySlice<UInt8>) -> String { String(decoding: octets, as: UTF8.self) }

    private static func text(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: input[range]), as: UTF8.self)
    }

    /// Skips FWS (RFC 5322 §3.2.2, as RFC 6376 §2.8 uses it): WSP, and CRLF only when WSP follows.
    static func skipFWS(_ input: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
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

    /// The end of the run of value characters from `start`: sixteen octets at a time (a `b=` value is hundreds of
    /// them), the end found in the chunk that holds it; the last few octets one by one.
    static func endOfValueCharacters(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        typealias Chunk = SIMD16<UInt8>
        let raw = UnsafeRawBufferPointer(input)
        var i = start
        while i + 16 <= raw.count {
            let chunk = raw.loadUnaligned(fromByteOffset: i, as: Chunk.self)
            // VALCHAR: 0x21...0x7E but ";" (the subtraction makes the range one unsigned comparison).
            let valid = (chunk &- Chunk(repeating: 0x21)) .< Chunk(repeating: 0x7F - 0x21) .& (chunk .!= Chunk(repeating: UInt8(ascii: ";")))
            let lanes = unsafeBitCast(valid, to: (UInt64, UInt64).self)
            // The first lane that is not a value character ends the run (lanes are octets in memory order).
            if lanes.0 != .max { return i + (~lanes.0).trailingZeroBitCount / 8 }
            if lanes.1 != .max { return i + 8 + (~lanes.1).trailingZeroBitCount / 8 }
            i += 16
        }
        while i < raw.count, isValueCharacter(raw[i]) { i += 1 }
        return i
    }

    private static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    private static func isAlphaNumericOrUnderscore(_ b: UInt8) -> Bool {
        isAlpha(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "_")
    }
    /// VALCHAR: %x21-3A / %x3C-7E (printable ASCII but ";").
    private static func isValueCharacter(_ b: UInt8) -> Bool { b >= 0x21 && b <= 0x7E && b != UInt8(ascii: ";") }
}

extension ArraySlice<UInt8> {
    /// Whether these octets spell `text` (ASCII) exactly, or in any ASCII case with `ignoringCase` (`text` then lower
    /// case): compared where both sit.
    func spells(_ text: StaticString, ignoringCase: Bool = false) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return withUnsafeBufferPointer { octets in
            for i in octets.indices where (ignoringCase ? octets[i].asciiLowercased : octets[i]) != expected[i] { return false }
            return true
        }
    }
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

func isFoldingWhiteSpace(_ octet: UInt8) -> Bool { octet.isWSP || octet == .cr || octet == .lf }

/// The items of a colon-separated value (a signature's `h=` and `q=`, a key record's `h=`, `s=` and `t=`), each
/// without white space and in ASCII lower case. `omittingEmpty` drops the items that are empty as written, not those
/// made empty by removing their white space (a signature's `h=` keeps both, so it can refuse them).
func lowercasedItems(_ octets: ArraySlice<UInt8>, omittingEmpty: Bool) -> [String] {
    var items: [String] = []
    items.reserveCapacity(16)
    var start = octets.startIndex
    while true {
        let end = octets[start...].firstIndex(of: UInt8(ascii: ":")) ?? octets.endIndex
        if end > start || !omittingEmpty { items.append(lowercasedWithoutWhiteSpace(octets[start..<end])) }
        guard end < octets.endIndex else { return items }
        start = end + 1
    }
}

/// `octets` without folding white space, in ASCII lower case, as text.
func lowercasedWithoutWhiteSpace(_ octets: some Collection<UInt8>) -> String {
    String(unsafeUninitializedCapacity: octets.count) { buffer in
        var count = 0
        for octet in octets where !isFoldingWhiteSpace(octet) {
            buffer[count] = octet.asciiLowercased
            count += 1
        }
        return count
    }
}
