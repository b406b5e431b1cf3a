/// One SMTP reply, single- or multi-line (RFC 5321 §4.2).
///
/// Every line of a multi-line reply carries the same code; all but the last have `-` after it (RFC 5321 §4.2.1).
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// The three-digit reply code, 200 to 559 (RFC 5321 §4.2: first digit 2–5, second 0–5).
    public var code: Int
    /// The text of each line after the code and its separator, in order (possibly empty strings).
    public var lines: [String]
    /// The RFC 3463 enhanced status code at the start of the first line's text, if there is one whose class
    /// matches the reply code's first digit (RFC 3463 §3.1, RFC 2034 §4).
    public var enhancedStatus: EnhancedStatusCode?

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
        let status = lines.first.flatMap { EnhancedStatusCode(prefixOf: $0[...]) }
        self.enhancedStatus = status?.statusClass == code / 100 ? status : nil
    }

    /// 2yz: the command was accepted (RFC 5321 §4.2.1).
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3yz: more input is expected, such as the message after `354` (RFC 5321 §4.2.1).
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// 4yz: a transient failure; the same command may succeed later (RFC 5321 §4.2.1).
    public var isTransientNegative: Bool { (400..<500).contains(code) }
    /// 5yz: a permanent failure; the same command must not be repeated as is (RFC 5321 §4.2.1).
    public var isPermanentNegative: Bool { (500..<600).contains(code) }

    /// The lines joined by spaces.
    public var text: String { lines.joined(separator: " ") }

    public var description: String { lines.isEmpty ? "\(code)" : "\(code) \(text)" }
}
