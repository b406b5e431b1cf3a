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

    /// Writes the raw field `raw` (its colon at `colonIndex`) in canonical form, without a final CRLF, as if the octets
    /// at `omitted` were not there, at `target`, which has room for `raw.count` octets; returns how many it wrote.
    func write(raw: ArraySlice<UInt8>, colonIndex: Int, omitting omitted: Range<Int>? = nil, to target: UnsafeMutablePointer<UInt8>) -> Int {
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
                // Octet by octet in one pass: it costs less than an append for each run.
                return Self.relaxed(field: source, colonOffset: colonIndex - raw.startIndex, omitting: omittedOffsets, into: target)
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
    private static func relaxed(field: UnsafeBufferPointer<UInt8>, colonOffset: Int, omitting omitted: Range<Int>,
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
        var state = RelaxedValue()
        let valueStart = colonOffset + 1
        state.write(field, valueStart..<max(valueStart, omitted.lowerBound), into: target, count: &count)
        state.write(field, max(valueStart, omitted.upperBound)..<field.count, into: target, count: &count)
        return count
    }
}

/// A relaxed header value being written (§3.4.2): unfolded, each run of WSP between content made one SP, WSP at its
/// start and end dropped.
private struct RelaxedValue {
    /// WSP seen after content and not written yet: one SP goes out if more content follows.
    var pendingSpace = false
    /// Whether content has been written.
    var started = false

    /// Writes the value octets at `range` of `field` at `target[count...]`.
    ///
    /// Sixteen octets are copied as they are when that is their relaxed form: after content with no WSP pending, with
    /// no tab, CR or LF, no SP followed by SP, and content last (most of a header's text); the others go octet by octet.
    @inline(__always)
    mutating func write(_ field: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into target: UnsafeMutablePointer<UInt8>,
                        count: inout Int) {
        typealias Chunk = SIMD16<UInt8>
        let raw = UnsafeRawBufferPointer(field)
        var i = range.lowerBound
        while i < range.upperBound {
            if started, !pendingSpace, i + 17 <= range.upperBound {
                let chunk = raw.loadUnaligned(fromByteOffset: i, as: Chunk.self)
                let next = raw.loadUnaligned(fromByteOffset: i + 1, as: Chunk.self)
                let spaces = chunk .== Chunk(repeating: .space)
                let slow = chunk .== Chunk(repeating: .tab) .| chunk .== Chunk(repeating: .cr) .| chunk .== Chunk(repeating: .lf)
                    .| (spaces .& next .== Chunk(repeating: .space))
                let lanes = unsafeBitCast(slow, to: (UInt64, UInt64).self)
                if lanes.0 | lanes.1 == 0, chunk[15] != .space {
                    UnsafeMutableRawPointer(target + count).storeBytes(of: chunk, as: Chunk.self)
                    count += 16
                    i += 16
                    continue
                }
            }
            let byte = field[i]
            i += 1
            if byte == .cr || byte == .lf { continue }  // unfold
            if byte.isWSP {
                pendingSpace = started
                continue
            }
            if pendingSpace {
                target[count] = .space
                count += 1
                pendingSpace = false
            }
            started = true
            target[count] = byte
            count += 1
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
