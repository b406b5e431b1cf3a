/// A cursor over bytes with ByteBuffer manners: `read*` consumes and returns nil on short
/// input without moving the index.
struct ByteReader {
    let bytes: ArraySlice<UInt8>
    private(set) var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    var remaining: Int { bytes.endIndex - index }
    var isAtEnd: Bool { index >= bytes.endIndex }

    mutating func readByte() -> UInt8? {
        guard index < bytes.endIndex else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    mutating func readUInt16() -> UInt16? {
        guard let b = readBytes(2) else { return nil }
        return UInt16(b[b.startIndex]) << 8 | UInt16(b[b.startIndex + 1])
    }

    mutating func readUInt32() -> UInt32? {
        guard let b = readBytes(4) else { return nil }
        return b.reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func readRest() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }

    /// A multiprecision integer (RFC 9580 §3.2): two-octet bit count, then the value.
    /// Returns the whole encoding (count and value), so it can be written back unchanged.
    mutating func readMPI() -> ArraySlice<UInt8>? {
        let start = index
        guard let bits = readUInt16() else { return nil }
        guard readBytes((Int(bits) + 7) / 8) != nil else {
            index = start
            return nil
        }
        return bytes[start..<index]
    }
}

extension ArraySlice<UInt8> {
    /// The value bytes of a whole MPI encoding (without the bit count).
    var mpiValue: ArraySlice<UInt8> { dropFirst(2) }
}

extension Array<UInt8> {
    mutating func appendUInt16(_ v: Int) {
        append(UInt8(truncatingIfNeeded: v >> 8)); append(UInt8(truncatingIfNeeded: v))
    }
    mutating func appendUInt32(_ v: Int) {
        append(UInt8(truncatingIfNeeded: v >> 24)); append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 8)); append(UInt8(truncatingIfNeeded: v))
    }
}

/// Upper-case hexadecimal, the form fingerprints are shown in.
func hexString<S: Sequence<UInt8>>(_ bytes: S) -> String {
    let digits: StaticString = "0123456789ABCDEF"
    var octets: [UInt8] = []
    octets.reserveCapacity(bytes.underestimatedCount * 2)
    digits.withUTF8Buffer { digits in
        for b in bytes {
            octets.append(digits[Int(b >> 4)])
            octets.append(digits[Int(b & 0xF)])
        }
    }
    return String(decoding: octets, as: UTF8.self)
}
