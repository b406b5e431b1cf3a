/// A canonicalization algorithm (RFC 6376 §3.4).
public enum Canonicalization: String, Sendable, Hashable, CaseIterable {
    case simple
    case relaxed

    /// A header field in this canonical form, ending in CRLF (§3.4.1, §3.4.2).
    ///
    /// `relaxed`: the name in lower case, the value unfolded, runs of WSP made one SP, WSP removed at the value's
    /// end and around the colon.
    func canonicalize(header field: HeaderField, into out: inout [UInt8]) {
        canonicalize(raw: field.raw[...], colonIndex: field.colonIndex, into: &out)
        out.append(contentsOf: [.cr, .lf])
    }

    /// The raw field `raw` (its colon at `colonIndex`) in canonical form, without a final CRLF.
    func canonicalize(raw: ArraySlice<UInt8>, colonIndex: Int, into out: inout [UInt8]) {
        switch self {
        case .simple:
            out.append(contentsOf: raw)
        case .relaxed:
            var nameEnd = colonIndex
            while nameEnd > raw.startIndex, raw[nameEnd - 1].isWSP { nameEnd -= 1 }
            for byte in raw[raw.startIndex..<nameEnd] { out.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) }
            out.append(UInt8(ascii: ":"))
            var pendingSpace = false
            var started = false
            for byte in raw[(colonIndex + 1)...] {
                if byte == .cr || byte == .lf { continue }  // unfold
                if byte.isWSP {
                    pendingSpace = started
                    continue
                }
                if pendingSpace { out.append(.space) }
                pendingSpace = false
                started = true
                out.append(byte)
            }
        }
    }

    /// The body in this canonical form (§3.4.3, §3.4.4).
    ///
    /// `simple`: trailing empty lines removed; an empty body becomes one CRLF. `relaxed`: WSP at line ends removed,
    /// runs of WSP made one SP, trailing empty lines removed; an empty body stays empty (§3.4.4 adds a CRLF only to a
    /// non-empty body). A body that does not end with CRLF gets one.
    public func canonicalize(body: [UInt8]) -> [UInt8] {
        var out: [UInt8]
        switch self {
        case .simple:
            out = body
        case .relaxed:
            out = Self.relaxedLines(body)
        }
        if !out.isEmpty, !(out.count >= 2 && out[out.count - 2] == .cr && out[out.count - 1] == .lf) {
            out.append(contentsOf: [.cr, .lf])
        }
        // Remove the empty lines at the end: keep one CRLF after the last line with content.
        var end = out.count
        while end >= 4, out[end - 4] == .cr, out[end - 3] == .lf, out[end - 2] == .cr, out[end - 1] == .lf { end -= 2 }
        if end == 2, self == .relaxed { end = 0 }
        out.removeLast(out.count - end)
        if out.isEmpty, self == .simple { out = [.cr, .lf] }
        return out
    }

    /// Relaxed body lines (§3.4.4): WSP before a CRLF dropped, other runs of WSP made one SP.
    ///
    /// This runs over every octet of every verified body, so it compares sixteen octets at a time: a chunk with no tab
    /// and no WSP followed by WSP or CRLF is copied as it is; in the others, tabs become spaces and the WSP so followed
    /// are left out.
    private static func relaxedLines(_ body: [UInt8]) -> [UInt8] {
        typealias Chunk = SIMD16<UInt8>
        return [UInt8](unsafeUninitializedCapacity: body.count) { out, written in
            body.withUnsafeBufferPointer { input in
                let raw = UnsafeRawBufferPointer(input)
                var count = 0
                var i = 0
                // Whole chunks while the two octets after the chunk can be read too.
                while i + 18 <= input.count {
                    let chunk = raw.loadUnaligned(fromByteOffset: i, as: Chunk.self)
                    let next = raw.loadUnaligned(fromByteOffset: i + 1, as: Chunk.self)
                    let afterNext = raw.loadUnaligned(fromByteOffset: i + 2, as: Chunk.self)
                    let tabs = chunk .== Chunk(repeating: .tab)
                    let wsp = chunk .== Chunk(repeating: .space) .| tabs
                    let followers = next .== Chunk(repeating: .space) .| next .== Chunk(repeating: .tab)
                        .| (next .== Chunk(repeating: .cr) .& afterNext .== Chunk(repeating: .lf))
                    let dropped = wsp .& followers
                    // `any(_:)` is a call to a reduction; the sixteen lanes of the mask read as two words are not.
                    let changed = unsafeBitCast(tabs .| dropped, to: (UInt64, UInt64).self)
                    if changed.0 | changed.1 == 0 {
                        UnsafeMutableRawPointer(out.baseAddress! + count).storeBytes(of: chunk, as: Chunk.self)
                        count += 16
                    } else {
                        let spaced = chunk.replacing(with: .space, where: tabs)
                        let kept = Chunk(repeating: 1).replacing(with: 0, where: dropped)
                        for k in 0..<16 {
                            out[count] = spaced[k]
                            count &+= Int(kept[k])
                        }
                    }
                    i += 16
                }
                while i < input.count {
                    relaxedOctet(input, i, into: out, count: &count)
                    i += 1
                }
                written = count
            }
        }
    }

    /// Writes octet `i` of a body in relaxed form: WSP becomes SP, and is dropped when WSP, CRLF or the end follows.
    @inline(__always)
    private static func relaxedOctet(_ input: UnsafeBufferPointer<UInt8>, _ i: Int, into out: UnsafeMutableBufferPointer<UInt8>,
                                     count: inout Int) {
        let byte = input[i]
        let next: UInt8 = i + 1 < input.count ? input[i + 1] : 0
        let lineEnd = next == .cr && i + 2 < input.count && input[i + 2] == .lf
        let dropped = byte.isWSP && (i + 1 == input.count || next.isWSP || lineEnd)
        out[count] = byte.isWSP ? .space : byte
        count += dropped ? 0 : 1
    }
}

/// The header and body canonicalizations of a signature: `c=header/body`; `c=relaxed` alone means relaxed/simple
/// (RFC 6376 §3.5, `c=` tag).
public struct CanonicalizationPair: Sendable, Hashable, CustomStringConvertible {
    public var header: Canonicalization
    public var body: Canonicalization

    public init(header: Canonicalization, body: Canonicalization) {
        self.header = header
        self.body = body
    }

    /// relaxed/relaxed: what Stockade signs with.
    public static let relaxed = CanonicalizationPair(header: .relaxed, body: .relaxed)

    /// Reads a `c=` value; nil when either part is not an algorithm this library knows.
    public init?(tagValue: String) {
        let parts = tagValue.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let header = Canonicalization(rawValue: String(parts[0])) else { return nil }
        var body = Canonicalization.simple
        if parts.count == 2 {
            guard let explicit = Canonicalization(rawValue: String(parts[1])) else { return nil }
            body = explicit
        }
        self.init(header: header, body: body)
    }

    public var description: String { "\(header.rawValue)/\(body.rawValue)" }
}
