/// A custom SMTP reply for a rejection or a temporary failure, sent with `y` (`SMFIR_REPLYCODE`), e.g.
/// `550 5.7.1 Message rejected by DMARC policy`.
public struct MilterSMTPReply: Sendable, Equatable {
    /// The most lines in one reply; Sendmail's `smfi_setmlreply` takes 32.
    public static let maximumLines = 32
    /// The longest text of one line; with the code and status it stays within SMTP's 512-octet reply line
    /// (RFC 5321 §4.5.3.1.5).
    public static let maximumLineLength = 450

    /// A 4xx or 5xx code.
    public let code: Int
    /// The enhanced status code (RFC 3463), e.g. `5.7.1`, its class matching the code's first digit.
    public let status: String
    /// One or more lines of text.
    public let lines: [String]

    /// - Throws: ``MilterError/Code/invalidReply`` when Postfix would refuse the reply: a code outside 400–599, a
    ///   status not of the form `C.S.D` with C the code's first digit, no line, too many or too long lines, CR, LF
    ///   or NUL in a line.
    public init(code: Int, status: String, lines: [String]) throws(MilterError) {
        guard (400...599).contains(code) else { throw MilterError(.invalidReply, "code \(code) is not 4xx or 5xx") }
        let parts = status.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "\(code / 100)",
              parts.dropFirst().allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { throw MilterError(.invalidReply, "status \(status) does not match code \(code)") }
        guard (1...Self.maximumLines).contains(lines.count) else {
            throw MilterError(.invalidReply, "\(lines.count) lines, not 1 to \(Self.maximumLines)")
        }
        for line in lines {
            guard line.utf8.count <= Self.maximumLineLength else {
                throw MilterError(.invalidReply, "a line of \(line.utf8.count) octets, above \(Self.maximumLineLength)")
            }
            guard !line.utf8.contains(where: { $0 == 0 || $0 == 0x0D || $0 == 0x0A }) else {
                throw MilterError(.invalidReply, "CR, LF or NUL in a line")
            }
        }
        self.code = code
        self.status = status
        self.lines = lines
    }

    /// A one-line reply.
    public init(code: Int, status: String, _ text: String) throws(MilterError) {
        try self.init(code: code, status: status, lines: [text])
    }

    /// The reply as sent in `y`: lines joined by CRLF, `CODE-STATUS text` for all but the last, which has
    /// `CODE STATUS text`, and every `%` doubled (Postfix undoes that, as for Sendmail's format strings).
    public var encoded: String {
        lines.enumerated().map { index, line in
            "\(code)\(index == lines.count - 1 ? " " : "-")\(status) \(line.replacingPercent())"
        }.joined(separator: "\r\n")
    }
}

extension String {
    fileprivate func replacingPercent() -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self {
            if character == "%" { result.append("%%") } else { result.append(character) }
        }
        return result
    }
}
