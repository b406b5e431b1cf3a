public import NIOCore

/// An SMTP reply: a code, an enhanced status code (RFC 3463) and text, on one or more lines.
public struct LMTPReply: Sendable, Hashable, CustomStringConvertible {
    public let code: Int
    /// `x.y.z`, empty for the greeting and multi-line LHLO reply.
    public let enhanced: String
    /// The text lines; the enhanced code is put before the first only.
    public let lines: [String]

    public init(_ code: Int, _ enhanced: String, _ lines: String...) {
        self.code = code
        self.enhanced = enhanced
        self.lines = lines
    }

    init(_ code: Int, _ enhanced: String, lines: [String]) {
        self.code = code
        self.enhanced = enhanced
        self.lines = lines
    }

    /// The reply as sent, each line ending in CRLF.
    public var description: String {
        lines.enumerated().map { index, line in
            let separator = index == lines.count - 1 ? " " : "-"
            let text = index == 0 && !enhanced.isEmpty ? "\(enhanced) \(line)" : line
            return "\(code)\(separator)\(text)\r\n"
        }.joined()
    }

    /// Writes the reply to `buffer`.
    public func write(to buffer: inout ByteBuffer) { buffer.writeString(description) }
}
