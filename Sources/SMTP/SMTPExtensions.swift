/// The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1, §2.2.2).
public struct SMTPExtensions: Sendable, Hashable {
    /// Each keyword, upper-cased, with its parameters as sent.
    public var keywords: [String: [String]]

    /// No extensions (the server answered HELO, not EHLO).
    public init() { keywords = [:] }

    /// Reads the lines after the first of a `250` EHLO reply: `keyword *(SP param)` each (RFC 5321 §4.1.1.1).
    /// The obsolete `AUTH=PLAIN LOGIN` form some servers add is read as `AUTH`.
    public init(ehloReply: SMTPReply) {
        var keywords: [String: [String]] = [:]
        for line in ehloReply.lines.dropFirst() {
            var words = line.split(separator: " ").map(String.init)
            guard !words.isEmpty else { continue }
            var keyword = words.removeFirst().uppercased()
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            keywords[keyword, default: []].append(contentsOf: words)
        }
        self.keywords = keywords
    }

    /// Whether `keyword` (any case) was announced.
    public func contains(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    /// STARTTLS (RFC 3207 §4).
    public var startTLS: Bool { contains("STARTTLS") }
    /// PIPELINING (RFC 2920 §3).
    public var pipelining: Bool { contains("PIPELINING") }
    /// 8BITMIME (RFC 6152 §2).
    public var eightBitMIME: Bool { contains("8BITMIME") }
    /// SMTPUTF8 (RFC 6531 §3.1).
    public var smtpUTF8: Bool { contains("SMTPUTF8") }
    /// ENHANCEDSTATUSCODES (RFC 2034 §3).
    public var enhancedStatusCodes: Bool { contains("ENHANCEDSTATUSCODES") }
    /// The SASL mechanisms after AUTH, upper-cased (RFC 4954 §3).
    public var authMechanisms: Set<String> { Set((keywords["AUTH"] ?? []).map { $0.uppercased() }) }
    /// The SIZE limit in octets; `nil` when SIZE is not announced or gives no number, 0 when it announces no limit
    /// (RFC 1870 §4).
    public var maximumSize: Int? { keywords["SIZE"]?.first.flatMap { Int($0) } }
}
