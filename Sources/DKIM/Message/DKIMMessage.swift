import CDKIMScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A message as an MTA sees it: CRLF line ends, raw header fields, and a body (RFC 5322 §2.1).
///
/// Mail read from a file or a pipe often has bare LF line ends; an MTA sends those as CRLF, so that is what is signed
/// and verified: every LF not preceded by CR becomes CRLF, and a body without a final line end gets one (SMTP's
/// DATA ends with CRLF before the dot, RFC 5321 §4.1.1.4). A bare CR is left as it is.
public struct DKIMMessage: Sendable, Hashable {
    /// The header fields, top first.
    public var headers: [HeaderField]
    /// The body: a slice of the message's bytes when read from them, so reading a message copies no body.
    var bodyOctets: ArraySlice<UInt8>

    /// The body with CRLF line ends, everything after the empty line that ends the header (empty when there is none).
    public var body: [UInt8] {
        get { Array(bodyOctets) }
        set { bodyOctets = newValue[...] }
    }

    /// A message from its fields and its body (already in CRLF form).
    public init(headers: [HeaderField], body: [UInt8]) {
        self.headers = headers
        self.bodyOctets = body[...]
    }

    /// Reads a message, converting bare LF to CRLF.
    ///
    /// The header ends at the first empty line, or at the first line that is neither a field nor a continuation
    /// (the way Postfix's cleanup reads it: that line starts the body). The fields and the body are slices of the
    /// (converted) input.
    /// - Throws: ``DKIMError`` when the message is beyond ``DKIMLimits`` (size, header count, field length).
    public init(parsing input: some Collection<UInt8>) throws(DKIMError) {
        guard input.count <= DKIMLimits.maximumMessageSize else {
            throw DKIMError(.messageTooLarge, "message of \(input.count) octets exceeds the limit of \(DKIMLimits.maximumMessageSize)")
        }
        let bytes = Self.crlfNormalized(Array(input))  // one concrete type: generic code is slow across modules
        var headers: [HeaderField] = []
        headers.reserveCapacity(32)
        var index = 0
        // The field being read: from its first octet to the CR ending its last line so far (the lines between are
        // joined by the CRLFs that are in the bytes already).
        var current: Range<Int>? = nil

        func finish() throws(DKIMError) {
            guard let field = current else { return }
            current = nil
            guard headers.count < DKIMLimits.maximumHeaderCount else {
                throw DKIMError(.tooManyHeaders, "more than \(DKIMLimits.maximumHeaderCount) header fields")
            }
            if let parsed = HeaderField(octets: bytes[field]) { headers.append(parsed) }
        }

        while index < bytes.count {
            let lineEnd = Self.endOfLine(bytes, from: index)
            let line = bytes[index..<lineEnd]
            let next = min(lineEnd + 2, bytes.count)
            if line.isEmpty {
                try finish()
                index = next
                break
            }
            if line.first!.isWSP, let field = current {
                current = field.lowerBound..<lineEnd
            } else if Self.startsField(line) {
                try finish()
                current = index..<lineEnd
            } else {
                break  // not a header line: the body starts here
            }
            if let field = current, field.count > DKIMLimits.maximumHeaderFieldSize {
                throw DKIMError(.headerTooLong, "a header field is longer than \(DKIMLimits.maximumHeaderFieldSize) octets")
            }
            index = next
        }
        try finish()
        self.headers = headers
        let body = bytes[min(index, bytes.count)...]
        // SMTP's DATA always ends with CRLF.
        bodyOctets = body.isEmpty || body.last == .lf ? body : (Array(body) + [.cr, .lf])[...]
    }

    /// The message in wire form: the fields, each ending in CRLF, an empty line, the body.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bodyOctets.count + headers.reduce(0) { $0 + $1.octets.count + 2 } + 2)
        for field in headers {
            out.append(contentsOf: field.octets)
            out.append(contentsOf: [.cr, .lf])
        }
        out.append(contentsOf: [.cr, .lf])
        out.append(contentsOf: bodyOctets)
        return out
    }

    /// The input with every bare LF turned into CRLF; the input itself when it has none.
    static func crlfNormalized(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBufferPointer { bytes in
            guard hasBareLineFeed(bytes) else { return input }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8)
            for i in bytes.indices {
                if bytes[i] == .lf, i == 0 || bytes[i - 1] != .cr { out.append(.cr) }
                out.append(bytes[i])
            }
            return out
        }
    }

    /// Whether an LF octet is not preceded by CR. This runs over every message, so it looks at sixteen octets at a time
    /// (with `usingAVX2`, `CDKIMScan` looks at 64) and only gathers the answer (a test compares both with the
    /// octet-by-octet rule).
    static func hasBareLineFeed(_ bytes: UnsafeBufferPointer<UInt8>, usingAVX2: Bool = Canonicalization.hasAVX2) -> Bool {
        if usingAVX2 { return cdkim_has_bare_line_feed_avx2(bytes.baseAddress, bytes.count) != 0 }
        typealias Chunk = SIMD16<UInt8>
        guard let first = bytes.first else { return false }
        let raw = UnsafeRawBufferPointer(bytes)
        var bare = first == .lf
        var lanes = SIMDMask<SIMD16<Int8>>(repeating: false)
        var i = 1
        while i + 16 <= bytes.count {
            let chunk = raw.loadUnaligned(fromByteOffset: i, as: Chunk.self)
            let previous = raw.loadUnaligned(fromByteOffset: i - 1, as: Chunk.self)
            lanes = lanes .| (chunk .== Chunk(repeating: .lf) .& previous .!= Chunk(repeating: .cr))
            i += 16
        }
        while i < bytes.count {
            bare = bare || bytes[i] == .lf && bytes[i - 1] != .cr
            i += 1
        }
        let words = unsafeBitCast(lanes, to: (UInt64, UInt64).self)
        return bare || words.0 | words.1 != 0
    }

    /// The index of the CR of the CRLF that ends the line starting at `start` (or the end of the bytes).
    private static func endOfLine(_ bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var i = start
            while i < buffer.count, let found = memchr(buffer.baseAddress! + i, Int32(UInt8.lf), buffer.count - i) {
                let lineFeed = buffer.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if lineFeed > start, buffer[lineFeed - 1] == .cr { return lineFeed - 1 }
                i = lineFeed + 1
            }
            return buffer.count
        }
    }

    /// A field name (printable ASCII but colon, RFC 5322 §2.2), optional WSP, then a colon.
    private static func startsField(_ line: ArraySlice<UInt8>) -> Bool {
        var sawName = false
        var sawSpace = false
        for byte in line {
            if byte == UInt8(ascii: ":") { return sawName }
            if byte.isWSP { sawSpace = true; continue }
            guard byte > 32, byte < 127, !sawSpace else { return false }
            sawName = true
        }
        return false
    }
}
