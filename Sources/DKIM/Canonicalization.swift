/// A canonicalization algorithm (RFC 6376 §3.4).
public enum Canonicalization: String, Sendable, Hashable, CaseIterable {
    case simple
    case relaxed

    /// The algorithm whose name is exactly `octets`.
    init?(octets: ArraySlice<UInt8>) {
        if octets.elementsEqual("relaxed".utf8) {
            self = .relaxed
        } else if octets.elementsEqual("simple".utf8) {
            self = .simple
        } else {
            return nil
        }
    }

    /// A header field in this canonical form, ending in CRLF (§3.4.1, §3.4.2).
    ///
    /// `relaxed`: the name in lower case, the value unfolded, runs of WSP made one SP, WSP removed at the value's
    /// end and around the colon.
    func canonicalize(header field: HeaderField, into out: inout [UInt8]) {
        canonicalize(raw: field.octets, colonIndex: field.colonIndex, into: &out)
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
            var i = colonIndex + 1
            while i < raw.endIndex {
                let byte = raw[i]
                if byte == .cr || byte == .lf {  // unfold
                    i += 1
                } else if byte.isWSP {
                    pendingSpace = started
                    i += 1
                } else {
                    if pendingSpace { out.append(.space) }
                    pendingSpace = false
                    started = true
                    // The run up to the next white space or line break is copied as it is.
                    var end = i + 1
                    while end < raw.endIndex, !isFoldingWhiteSpace(raw[end]) { end += 1 }
                    out.append(contentsOf: raw[i..<end])
                    i = end
                }
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
        self.init(tagValue: Array(tagValue.utf8)[...])
    }

    /// Reads the octets of a `c=` value: `header` or `header/body`, each part an algorithm's exact name.
    init?(tagValue octets: ArraySlice<UInt8>) {
        let slash = octets.firstIndex(of: UInt8(ascii: "/"))
        guard let header = Canonicalization(octets: octets[..<(slash ?? octets.endIndex)]) else { return nil }
        var body = Canonicalization.simple
        if let slash {
            guard let explicit = Canonicalization(octets: octets[(slash + 1)...]) else { return nil }
            body = explicit
        }
        self.init(header: header, body: body)
    }

    public var description: String { "\(header.rawValue)/\(body.rawValue)" }
}
