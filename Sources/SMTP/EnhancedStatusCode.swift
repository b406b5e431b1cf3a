/// An enhanced mail system status code, `class.subject.detail` (RFC 3463 §2), such as `5.1.1` (bad destination mailbox).
public struct EnhancedStatusCode: Sendable, Hashable, CustomStringConvertible {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure), RFC 3463 §3.1.
    public var statusClass: Int
    /// 0 to 999 (RFC 3463 §2: "1*3digit"), the subject of RFC 3463 §3.2.
    public var subject: Int
    /// 0 to 999, the detail within the subject.
    public var detail: Int

    public init(statusClass: Int, subject: Int, detail: Int) {
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// Reads the code at the start of a reply's text, as RFC 3463 §2 and RFC 2034 §4 place it, followed by a space
    /// or the end of the text; `nil` when the text does not start with one or the class is not 2, 4 or 5.
    init?(prefixOf text: Substring) {
        let token = text.prefix { $0 != " " }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts[0].count == 1,
              let statusClass = Int(parts[0]), [2, 4, 5].contains(statusClass),
              let subject = Int(parts[1]), let detail = Int(parts[2])
        else { return nil }
        self.init(statusClass: statusClass, subject: subject, detail: detail)
    }

    public var description: String { "\(statusClass).\(subject).\(detail)" }
}
