import CDKIMScan

/// A canonicalization algorithm (RFC 6376 §3.4).
public enum Canonicalization: String, Sendable, Hashable, CaseIterable {
    case simple
    case relaxed

    /// The algorithm whose name is exactly `octets`.
    init?(octets: ArraySlice<UInt8>) {
        if octets.spells("relaxed") {
            self = .relaxed
        } else if octets.spells("simple") {
            self = .simple
        } else {
            return nil
        }
    }

    /// Writes the raw field `raw` (its colon at `colonIndex`) in canonical form, without a final CRLF, as if the octets
    /// at `omitted` were not there, at `target`, which has room for `raw.count` octets; returns how many it wrote.
    /// `vectors` below ``VectorUnit/best`` keeps to narrower code (tests compare them).
    func write(raw: ArraySlice<UInt8>, colonIndex: Int, omitting omitted: Range<Int>? = nil, vectors: VectorUnit = .best,
               to target: UnsafeMutablePointer<UInt8>) -> Int {
        let omitted = omitted ?? raw.endIndex..<raw.endIndex
        return raw.withUnsafeBufferPointer { source in
            let omittedOffsets = (omitted.lowerBound - raw.startIndex)..<(omitted.upperBound - raw.startIndex)
            switch self {
            case .simple:
                let head = UnsafeBufferPointer(rebasing: source[..<omittedOffsets.lowerBound])
                let tail = UnsafeBufferPointer(rebasing: source[omittedOffsets.upperBound...])
                target.update(from: head.baseAddress!, count: head.count)
                if !tail.isEmpty { (target + head.count).update(from: tail.baseAddress!, count: tail.count) }
                return head.count + tail.count
            case .relaxed:
                // Written in one pass (sixteen octets at a time, 64 with AVX-512): it costs less than an append for each run.
                return Self.relaxed(field: source, colonOffset: colonIndex - raw.startIndex, omitting: omittedOffsets, vectors: vectors,
                                    into: target)
            }
        }
    }

    /// Writes `field` in canonical form with its final CRLF at `target`, which has room for `field.octets.count + 2`
    /// octets; returns how many it wrote (§3.4.1, §3.4.2).
    ///
    /// `relaxed`: the name in lower case, the value unfolded, runs of WSP made one SP, WSP removed at the value's
    /// end and around the colon.
    func write(header field: HeaderField, to target: UnsafeMutablePointer<UInt8>) -> Int {
        let count = write(raw: field.octets, colonIndex: field.colonIndex, to: target)
        target[count] = .cr
        target[count + 1] = .lf
        return count + 2
    }

    /// Writes `field` (its colon at `colonOffset`) without the octets at `omitted` (offsets after the colon) in relaxed
    /// form at `target` and returns how many octets that took (at most `field.count`): the name in lower case without
    /// the WSP before the colon, the colon, then the value unfolded, each run of WSP between content made one SP, WSP at
    /// its start and end dropped.
    private static func relaxed(field: UnsafeBufferPointer<UInt8>, colonOffset: Int, omitting omitted: Range<Int>, vectors: VectorUnit,
                                into target: UnsafeMutablePointer<UInt8>) -> Int {
        var nameEnd = colonOffset
        while nameEnd > 0, field[nameEnd - 1].isWSP { nameEnd -= 1 }
        var count = 0
        for i in 0..<nameEnd {
            let byte = field[i]
            target[count] = byte.asciiLowercased
            count += 1
        }
        target[count] = UInt8(ascii: ":")
        count += 1
        var value = RelaxedValue(start: count)
        let valueStart = colonOffset + 1
        value.write(field, valueStart..<max(valueStart, omitted.lowerBound), vectors: vectors, into: target, count: &count)
        value.write(field, max(valueStart, omitted.upperBound)..<field.count, vectors: vectors, into: target, count: &count)
        return value.finish(target, count: count)
    }
}

/// A relaxed header value being written (§3.4.2): unfolded, each run of WSP between content made one SP, WSP at its
/// start and end dropped.
///
/// Each WSP after content is written as an SP at once and the ones after it are not, so no octet waits for the next
/// one; ``finish(_:count:)`` takes back an SP written last. Octet by octet this has no branch: every octet is written,
/// and only the count decides what stays.
private struct RelaxedValue {
    /// Where the value starts in the output.
    let start: Int
    /// Whether the last octet written (CR and LF aside) is content, not WSP; false at the start, so leading WSP goes.
    var afterContent = false

    init(start: Int) {
        self.start = start
    }

    /// Writes the value octets at `range` of `field` at `target[count...]`.
    ///
    /// Sixteen octets are copied as they are when that is their relaxed form: no tab, CR or LF, no SP followed by SP,
    /// and no SP first unless content came before (most of a header's text). With AVX-512, `CDKIMScan` takes 64 at a
    /// time, whatever they are.
    @inline(__always)
    mutating func write(_ field: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, vectors: VectorUnit, into target: UnsafeMutablePointer<UInt8>,
                        count: inout Int) {
        if vectors == .avx512 {
            guard !range.isEmpty else { return }
            var state: Int32 = afterContent ? 1 : 0
            count += cdkim_relaxed_value_avx512(field.baseAddress! + range.lowerBound, range.count, target + count, &state)
            afterContent = state != 0
            return
        }
        typealias Chunk = SIMD16<UInt8>
        let raw = UnsafeRawBufferPointer(field)
        var i = range.lowerBound
        while i < range.upperBound {
            if i + 16 <= range.upperBound {
                let chunk = raw.loadUnaligned(fromByteOffset: i, as: Chunk.self)
                let spaces = unsafeBitCast(chunk .== Chunk(repeating: .space), to: (UInt64, UInt64).self)
                let others = unsafeBitCast(chunk .== Chunk(repeating: .tab) .| chunk .== Chunk(repeating: .cr)
                    .| chunk .== Chunk(repeating: .lf), to: (UInt64, UInt64).self)
                // An SP whose lane is followed by an SP's lane (the eighth lane of the first word by the first of the
                // second), or an SP first with no content before it.
                let doubled = spaces.0 & (spaces.0 &>> 8) | spaces.1 & (spaces.1 &>> 8) | (spaces.0 &>> 56) & spaces.1 & 0xFF
                let leading = afterContent ? 0 : spaces.0 & 0xFF
                if others.0 | others.1 | doubled | leading == 0 {
                    UnsafeMutableRawPointer(target + count).storeBytes(of: chunk, as: Chunk.self)
                    count += 16
                    i += 16
                    afterContent = spaces.1 &>> 56 == 0
                    continue
                }
            }
            let byte = field[i]
            i += 1
            let lineEnd = byte == .cr || byte == .lf  // unfolded: never kept
            let wsp = byte.isWSP
            target[count] = wsp ? .space : byte
            count += lineEnd ? 0 : wsp ? (afterContent ? 1 : 0) : 1
            afterContent = lineEnd ? afterContent : !wsp
        }
    }

    /// The count once the value is written: without a final SP (WSP at the end of the value is dropped).
    func finish(_ target: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        !afterContent && count > start && target[count - 1] == .space ? count - 1 : count
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
