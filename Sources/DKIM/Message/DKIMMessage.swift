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
    /// The body as read: a slice of the message's bytes when read from them, so reading a message copies no body.
    private var readBody: ArraySlice<UInt8>
    /// Whether ``readBody`` is known to have no bare LF. A body read from octets is not looked at when the message is
    /// read: a verifier looks while its first pass reads the body whole (``bodyAsRead``), and ``bodyOctets`` converts it
    /// each time it is asked for.
    private var bodyIsCRLF: Bool

    /// The body in CRLF form.
    var bodyOctets: ArraySlice<UInt8> { bodyIsCRLF ? readBody : Self.crlfNormalized(Array(readBody))[...] }

    /// A body as read, and whether it is known to be in CRLF form (when not, its bare LFs are still to be converted).
    typealias BodyAsRead = (octets: ArraySlice<UInt8>, isCRLF: Bool)

    /// The body as read.
    var bodyAsRead: BodyAsRead { (readBody, bodyIsCRLF) }

    /// The body with CRLF line ends, everything after the empty line that ends the header (empty when there is none).
    public var body: [UInt8] {
        get { Array(bodyOctets) }
        set {
            readBody = newValue[...]
            bodyIsCRLF = true
        }
    }

    /// A message from its fields and its body (already in CRLF form).
    public init(headers: [HeaderField], body: [UInt8]) {
        self.headers = headers
        self.readBody = body[...]
        self.bodyIsCRLF = true
    }

    /// Reads a message, converting bare LF to CRLF.
    ///
    /// The header ends at the first empty line, or at the first line that is neither a field nor a continuation
    /// (the way Postfix's cleanup reads it: that line starts the body). The fields and the body are slices of the
    /// (converted) input. A header with a bare LF has the whole message converted first; the body's bare LFs are
    /// converted when the body is first read whole.
    /// - Throws: ``DKIMError`` when the message is beyond ``DKIMLimits`` (size, header count, field length).
    public init(parsing input: some Collection<UInt8>) throws(DKIMError) {
        guard input.count <= DKIMLimits.maximumMessageSize else {
            throw DKIMError(.messageTooLarge, "message of \(input.count) octets exceeds the limit of \(DKIMLimits.maximumMessageSize)")
        }
        var bytes = Array(input)  // one concrete type: generic code is slow across modules
        var header = try Self.header(of: bytes, stoppingAtBareLineFeed: true)
        bodyIsCRLF = header == nil
        if header == nil {
            bytes = Self.crlfNormalized(bytes)
            header = try Self.header(of: bytes, stoppingAtBareLineFeed: false)
        }
        guard let header else { preconditionFailure("a header in CRLF form is read to its end") }
        headers = header.fields
        let body = bytes[min(header.bodyStart, bytes.count)...]
        // SMTP's DATA always ends with CRLF.
        readBody = body.isEmpty || body.last == .lf ? body : (Array(body) + [.cr, .lf])[...]
    }

    /// The header fields of `bytes` and where the body starts; nil with `stoppingAtBareLineFeed` when a line of the
    /// header ends in an LF without a CR before it.
    private static func header(of bytes: [UInt8], stoppingAtBareLineFeed: Bool) throws(DKIMError) -> (fields: [HeaderField], bodyStart: Int)? {
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
            let (lineEnd, passedBareLineFeed) = Self.endOfLine(bytes, from: index)
            if passedBareLineFeed, stoppingAtBareLineFeed { return nil }
            let next = min(lineEnd + 2, bytes.count)
            if lineEnd == index {
                try finish()
                index = next
                break
            }
            if bytes[index].isWSP, let field = current {
                current = field.lowerBound..<lineEnd
            } else if Self.startsField(bytes, index..<lineEnd) {
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
        return (headers, index)
    }

    /// Messages are equal when their fields and their bodies in CRLF form are.
    public static func == (lhs: DKIMMessage, rhs: DKIMMessage) -> Bool {
        lhs.headers == rhs.headers && lhs.bodyOctets == rhs.bodyOctets
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(headers)
        hasher.combine(bodyOctets)
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
    /// (with AVX2, `CDKIMScan` looks at 64) and only gathers the answer (a test compares both with the
    /// octet-by-octet rule).
    static func hasBareLineFeed(_ bytes: UnsafeBufferPointer<UInt8>, vectors: VectorUnit = .best) -> Bool {
        if vectors >= .avx2 { return cdkim_has_bare_line_feed_avx2(bytes.baseAddress, bytes.count) != 0 }
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

    /// Whether an LF at one of `positions` of `bytes` has no CR before it (an LF at 0 counts), octet by octet.
    static func hasBareLineFeed(_ bytes: UnsafeBufferPointer<UInt8>, at positions: Range<Int>) -> Bool {
        positions.contains { bytes[$0] == .lf && ($0 == 0 || bytes[$0 - 1] != .cr) }
    }

    /// The index of the CR of the CRLF that ends the line starting at `start` (or the end of the bytes), and whether an
    /// LF without a CR before it came first.
    private static func endOfLine(_ bytes: [UInt8], from start: Int) -> (end: Int, passedBareLineFeed: Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            var i = start
            var passedBareLineFeed = false
            while i < buffer.count, let found = memchr(buffer.baseAddress! + i, Int32(UInt8.lf), buffer.count - i) {
                let lineFeed = buffer.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if lineFeed > start, buffer[lineFeed - 1] == .cr { return (lineFeed - 1, passedBareLineFeed) }
                passedBareLineFeed = passedBareLineFeed || lineFeed == 0 || buffer[lineFeed - 1] != .cr
                i = lineFeed + 1
            }
            return (buffer.count, passedBareLineFeed)
        }
    }

    /// Whether the line at `line` of `bytes` starts with a field name (printable ASCII but colon, RFC 5322 §2.2),
    /// optional WSP, then a colon.
    private static func startsField(_ bytes: [UInt8], _ line: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            var sawName = false
            var sawSpace = false
            for byte in bytes[line] {
                if byte == UInt8(ascii: ":") { return sawName }
                if byte.isWSP { sawSpace = true; continue }
                guard byte > 32, byte < 127, !sawSpace else { return false }
                sawName = true
            }
            return false
        }
    }
}
