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

    /// Relaxed body lines (§3.4.4): WSP before a CRLF dropped, other runs of WSP made one SP. Written through
    /// buffers, since this runs over every octet of every verified body.
    private static func relaxedLines(_ body: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: body.count) { out, written in
            body.withUnsafeBufferPointer { input in
                var count = 0
                var pendingSpace = false
                var i = 0
                while i < input.count {
                    let byte = input[i]
                    if byte.isWSP {
                        pendingSpace = true
                    } else if byte == .cr, i + 1 < input.count, input[i + 1] == .lf {
                        pendingSpace = false  // WSP before a line end is dropped
                        out[count] = .cr
                        out[count + 1] = .lf
                        count += 2
                        i += 1
                    } else {
                        if pendingSpace {
                            out[count] = .space
                            count += 1
                        }
                        pendingSpace = false
                        out[count] = byte
                        count += 1
                    }
                    i += 1
                }
                written = count
            }
        }
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
