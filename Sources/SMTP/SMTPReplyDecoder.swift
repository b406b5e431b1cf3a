import NIOCore

/// Frames bytes from the server into ``SMTPReply`` values (RFC 5321 §4.2), one reply per multi-line group.
///
/// Lines end with CRLF (a bare LF is accepted, RFC 5321 §2.3.8 notwithstanding). Limits are explicit: a line longer
/// than ``maximumLineLength`` octets or a reply of more than ``maximumLines`` lines fails with
/// ``SMTPError/malformedReply(_:)`` instead of growing without bound (RFC 5321 §4.5.3.1.5 sets 512 octets per reply
/// line; real servers send longer, so the cap is generous).
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// The most octets in one reply line, CRLF excluded.
    static let maximumLineLength = 4096
    /// The most lines in one reply.
    static let maximumLines = 100

    private var code: Int?
    private var lines: [String] = []
    /// When set and closed, any byte left after a reply is an error: the plaintext ended at the STARTTLS reply.
    private let boundary: PlaintextBoundary?

    init(boundary: PlaintextBoundary? = nil) {
        self.boundary = boundary
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes > 0 else { return .needMoreData }
        if let boundary, boundary.isClosed {
            throw SMTPError.protocolViolation("data after the STARTTLS reply, before the TLS handshake (RFC 3207 §6)")
        }
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > Self.maximumLineLength + 1 { throw SMTPError.malformedReply("a reply line longer than \(Self.maximumLineLength) octets") }
            return .needMoreData
        }
        var lineLength = newline - view.startIndex
        if lineLength > 0, view[newline - 1] == UInt8(ascii: "\r") { lineLength -= 1 }
        guard lineLength <= Self.maximumLineLength else {
            throw SMTPError.malformedReply("a reply line longer than \(Self.maximumLineLength) octets")
        }
        let line = Array(view[view.startIndex..<(view.startIndex + lineLength)])
        buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
        if let reply = try accept(line) {
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// Takes one line without its line ending; returns the reply it completes, if it does.
    private mutating func accept(_ line: [UInt8]) throws(SMTPError) -> SMTPReply? {
        guard line.count >= 3, let lineCode = Self.code(line) else {
            throw .malformedReply("a line that does not start with a reply code: \(Self.printable(line))")
        }
        let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .malformedReply("no space or hyphen after the reply code: \(Self.printable(line))")
        }
        if let code, code != lineCode {
            throw .malformedReply("reply code \(lineCode) inside a multi-line reply with code \(code)")
        }
        guard lines.count < Self.maximumLines else { throw .malformedReply("a reply of more than \(Self.maximumLines) lines") }
        code = lineCode
        lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        guard separator == UInt8(ascii: " ") else { return nil }
        defer {
            code = nil
            lines = []
        }
        return SMTPReply(code: lineCode, lines: lines)
    }

    /// The reply code at the start of a line: three digits, the first 2–5 and the second 0–5 (RFC 5321 §4.2).
    private static func code(_ line: [UInt8]) -> Int? {
        let digits = line.prefix(3).map { Int($0) - Int(UInt8(ascii: "0")) }
        guard digits.allSatisfy({ (0...9).contains($0) }), (2...5).contains(digits[0]), (0...5).contains(digits[1]) else { return nil }
        return digits[0] * 100 + digits[1] * 10 + digits[2]
    }

    /// The start of a line for an error message, with non-printable octets as `?`.
    private static func printable(_ line: [UInt8]) -> String {
        String(line.prefix(64).map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "?" })
    }
}
