import CDKIMScan

extension Canonicalization {
    /// The body in this canonical form (§3.4.3, §3.4.4).
    ///
    /// `simple`: trailing empty lines removed; an empty body becomes one CRLF. `relaxed`: WSP at line ends removed,
    /// runs of WSP made one SP, trailing empty lines removed; an empty body stays empty (§3.4.4 adds a CRLF only to a
    /// non-empty body). A body that does not end with CRLF gets one.
    public func canonicalize(body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 2)
        canonicalize(body: body[...]) { out.append(contentsOf: $0) }
        return out
    }

    /// The body in this canonical form, handed to `write` in pieces as it is made, so a verifier can hash it without
    /// keeping it (RFC 6376 §3.7 hashes the canonical body). `vectors` below ``VectorUnit/best`` keeps to narrower code
    /// (tests compare them).
    func canonicalize(body: ArraySlice<UInt8>, vectors: VectorUnit = .best, write: (UnsafeBufferPointer<UInt8>) -> Void) {
        var unused = false
        canonicalize(body: body, vectors: vectors, findingBareLineFeed: false, found: &unused, write: write)
    }

    /// The body in this canonical form, handed to `write` in pieces, as above; with `findingBareLineFeed`, `found` is
    /// set when the body has an LF without a CR before it (an LF first counts: the empty line before a body ends in LF).
    /// The relaxed pass with AVX2 or AVX-512 looks while it reads every octet anyway; the other passes look first.
    func canonicalize(body: ArraySlice<UInt8>, vectors: VectorUnit = .best, findingBareLineFeed: Bool, found: inout Bool,
                      write: (UnsafeBufferPointer<UInt8>) -> Void) {
        var end = BodyEnd(canonicalization: self)
        let looksWhileReading = self == .relaxed && vectors >= .avx2
        if findingBareLineFeed, !looksWhileReading {
            found = body.withUnsafeBufferPointer { DKIMMessage.hasBareLineFeed($0, vectors: vectors) }
        }
        switch self {
        case .simple:
            body.withUnsafeBufferPointer { end.write($0, to: write) }
        case .relaxed:
            let bare = Self.relaxedLines(body, vectors: vectors) { end.write($0, to: write) }
            if findingBareLineFeed, looksWhileReading { found = bare }
        }
        end.finish(write)
    }

    /// The octets kept at a time before relaxed lines are handed on (on the stack).
    private static let relaxedPieceSize = 4096

    /// Relaxed body lines (§3.4.4): WSP before a CRLF dropped, other runs of WSP made one SP, handed to `write` in pieces
    /// that never end between the CR and the LF of a CRLF (the last piece aside).
    ///
    /// This runs over every octet of every verified body, so it compares sixteen octets at a time: a chunk with no tab
    /// and no WSP followed by WSP or CRLF is copied as it is; in the others, tabs become spaces and the WSP so followed
    /// are left out, eight octets at a time. (Closing up every chunk without the branch, or testing a chunk for tabs and
    /// WSP before WSP or CR first and for CRLF only in the chunks so found, was measured slower.) With AVX2, `CDKIMScan`
    /// does the same 32 octets at a time (closing up with a table of byte shuffles, or, in a chunk with no tab and a few
    /// dropped spaces, by storing what follows each again one place down); with AVX-512, 64 at a time, closed up by
    /// VPCOMPRESSB (the last octets of a body too few for 64 go to the AVX2 code).
    ///
    /// Returns, with AVX2 or AVX-512, whether the body has a bare LF (the chunks look at the LFs they pass; the octets
    /// before and after them are looked at here); false with the portable code.
    private static func relaxedLines(_ body: ArraySlice<UInt8>, vectors: VectorUnit, into write: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        typealias Chunk = SIMD16<UInt8>
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: relaxedPieceSize) { out in
            body.withUnsafeBufferPointer { input in
                let raw = UnsafeRawBufferPointer(input)
                let full = out.count - 16  // past this, one more chunk might not fit
                var count = 0
                var chunksEnd = 0
                func handOn() {
                    if out[count - 1] == .cr {  // keep a final CR with what follows: it may start a CRLF
                        write(UnsafeBufferPointer(rebasing: out[..<(count - 1)]))
                        out[0] = .cr
                        count = 1
                    } else {
                        write(UnsafeBufferPointer(rebasing: out[..<count]))
                        count = 0
                    }
                }
                var i = 0
                var bareLineFeed: Int32 = 0
                // Whole chunks while the two octets after the chunk can be read too.
                while i + 18 <= input.count {
                    if vectors >= .avx2, i + 34 <= input.count {
                        if out.count - count < 64 { handOn() }  // room for one more 64-octet store
                        var written = 0
                        let chunks = vectors == .avx512 && i + 66 <= input.count ? cdkim_relaxed_chunks_avx512 : cdkim_relaxed_chunks_avx2
                        i += chunks(input.baseAddress! + i, input.count - i, out.baseAddress! + count, out.count - count, &written,
                                    &bareLineFeed)
                        chunksEnd = i
                        count += written
                        if count > full { handOn() }
                        continue
                    }
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
                    let target = UnsafeMutableRawPointer(out.baseAddress! + count)
                    if changed.0 | changed.1 == 0 {
                        target.storeBytes(of: chunk, as: Chunk.self)
                        count += 16
                    } else {
                        let spaced = unsafeBitCast(chunk.replacing(with: .space, where: tabs), to: (UInt64, UInt64).self)
                        let drops = unsafeBitCast(dropped, to: (UInt64, UInt64).self)
                        let low = storeCompacted(spaced.0, dropping: drops.0, at: target)
                        count += low + storeCompacted(spaced.1, dropping: drops.1, at: target + low)
                    }
                    i += 16
                    if count > full { handOn() }
                }
                while i < input.count {
                    relaxedOctet(input, i, into: out, count: &count)
                    i += 1
                    if count > full { handOn() }
                }
                write(UnsafeBufferPointer(rebasing: out[..<count]))
                // The chunks, taken from the start one after another, looked at the LFs at 2 ..< chunksEnd + 2.
                guard vectors >= .avx2 else { return false }
                guard chunksEnd > 0 else { return DKIMMessage.hasBareLineFeed(input, vectors: .portable) }
                return bareLineFeed != 0 || DKIMMessage.hasBareLineFeed(input, at: 0..<2)
                    || DKIMMessage.hasBareLineFeed(input, at: min(chunksEnd + 2, input.count)..<input.count)
            }
        }
    }

    /// Stores the eight octets of `word` (as read from memory) at `target`, without those whose octet in `mask` is
    /// 0xFF, the others closing up; returns how many were kept. All eight are written: the caller has the room.
    @inline(__always)
    private static func storeCompacted(_ word: UInt64, dropping mask: UInt64, at target: UnsafeMutableRawPointer) -> Int {
        var octets = UInt64(littleEndian: word)  // octet k of memory at bits 8k
        var drops = UInt64(littleEndian: mask)
        // One multiplication counts the 0xFF octets (the baseline x86-64 target has no popcount instruction).
        let kept = 8 - Int(truncatingIfNeeded: ((drops & 0x0101_0101_0101_0101) &* 0x0101_0101_0101_0101) &>> 56)
        while drops != 0 {
            // The highest dropped octet first, so the positions of the lower ones do not move.
            let below: UInt64 = (1 &<< UInt64(truncatingIfNeeded: (63 - drops.leadingZeroBitCount) & ~7)) &- 1
            octets = octets & below | (octets &>> 8) & ~below
            drops &= below
        }
        target.storeBytes(of: octets.littleEndian, as: UInt64.self)
        return kept
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

/// The end rule of both body canonicalizations (§3.4.3, §3.4.4) applied to a body handed on in pieces: the body ends
/// with exactly one CRLF after its last content.
///
/// Written whole, the rule is: add a CRLF to a non-empty body that lacks one, then remove the empty lines at the end.
/// Both come to this: with the body as content followed by the longest run of CRLFs, the canonical body is the content
/// and one CRLF; without content it is empty (relaxed) or one CRLF (simple). So the first CRLF after content goes on
/// with it, and only the CRLFs after that (empty lines) are held back until more content follows. Pieces must not
/// split a CRLF.
private struct BodyEnd {
    let canonicalization: Canonicalization
    /// CRLFs seen and not handed on: empty lines after the last content's line end, or all of them before any content.
    private var heldLineEnds = 0
    private var hasContent = false
    /// Whether the octets handed on last end with the line end of the last content.
    private var endsWithLineEnd = false

    init(canonicalization: Canonicalization) {
        self.canonicalization = canonicalization
    }

    private static let lineEnds = [UInt8](repeating: 0, count: 128).indices.map { $0 % 2 == 0 ? UInt8.cr : UInt8.lf }

    mutating func write(_ piece: UnsafeBufferPointer<UInt8>, to sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        var contentEnd = piece.count
        while contentEnd >= 2, piece[contentEnd - 2] == .cr, piece[contentEnd - 1] == .lf { contentEnd -= 2 }
        let trailing = (piece.count - contentEnd) / 2
        guard contentEnd > 0 else {
            heldLineEnds += trailing
            return
        }
        handOnHeldLineEnds(sink)
        endsWithLineEnd = trailing > 0
        sink(UnsafeBufferPointer(rebasing: piece[..<(endsWithLineEnd ? contentEnd + 2 : contentEnd)]))
        hasContent = true
        heldLineEnds = max(0, trailing - 1)
    }

    mutating func finish(_ sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        if hasContent ? !endsWithLineEnd : canonicalization == .simple {
            Self.lineEnds.withUnsafeBufferPointer { sink(UnsafeBufferPointer(rebasing: $0[..<2])) }
        }
    }

    private mutating func handOnHeldLineEnds(_ sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        Self.lineEnds.withUnsafeBufferPointer { lineEnds in
            while heldLineEnds > 0 {
                let now = min(heldLineEnds, lineEnds.count / 2)
                sink(UnsafeBufferPointer(rebasing: lineEnds[..<(2 * now)]))
                heldLineEnds -= now
            }
        }
    }
}
