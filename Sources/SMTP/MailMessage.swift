import CivilDate
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A plain-text email (RFC 5322) in MIME form (RFC 2045): UTF-8 text, quoted-printable, CRLF line endings.
///
/// Header fields, in this order: `From`, `To`, `Subject` (RFC 2047 encoded-words when not ASCII), `Date`
/// (RFC 5322 §3.3, in UTC), `Message-ID` (§3.6.4), the extra fields, `MIME-Version: 1.0`,
/// `Content-Type: text/plain; charset=utf-8` and `Content-Transfer-Encoding: quoted-printable` (RFC 2045 §6.7).
public struct MailMessage: Sendable, Hashable {
    /// The author's address (addr-spec, RFC 5322 §3.4.1); also the envelope sender when sent by ``SMTPClient``.
    public var from: String
    /// The author's display name, if any.
    public var fromName: String?
    /// The recipients' addresses; also the envelope recipients when sent by ``SMTPClient``.
    public var to: [String]
    public var subject: String
    /// The text; any line breaks, encoded as CRLF.
    public var body: String
    public var date: Date
    /// Without angle brackets, e.g. `1234@example.org`.
    public var messageID: String
    /// More header fields, e.g. `Auto-Submitted` (RFC 3834); non-ASCII values become encoded-words.
    public var extraHeaders: [MailHeader]

    /// A message; `messageID` defaults to a random UUID at the sender's domain.
    public init(from: String, fromName: String? = nil, to: [String], subject: String, body: String, date: Date = Date(),
                messageID: String? = nil, extraHeaders: [MailHeader] = []) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        self.messageID = messageID ?? "\(UUID().uuidString.lowercased())@\(domain)"
        self.extraHeaders = extraHeaders
    }

    /// The message as sent: header fields, an empty line, the quoted-printable body.
    public func bytes() -> [UInt8] {
        var header = ""
        header += HeaderText.field("From", (fromName.map(HeaderText.displayName) ?? []) + ["<\(from)>"])
        header += HeaderText.field("To", to, separator: ", ")
        header += HeaderText.field("Subject", HeaderText.tokens(subject))
        header += HeaderText.field("Date", [Self.rfc5322Date(date)])
        header += HeaderText.field("Message-ID", ["<\(messageID)>"])
        for extra in extraHeaders { header += HeaderText.field(extra.name, HeaderText.tokens(extra.value)) }
        header += "MIME-Version: 1.0\r\n"
        header += "Content-Type: text/plain; charset=utf-8\r\n"
        header += "Content-Transfer-Encoding: quoted-printable\r\n"
        header += "\r\n"
        return Array(header.utf8) + quotedPrintable(Array(body.utf8))
    }

    /// `Sun, 29 Nov 2026 12:41:25 +0000` (RFC 5322 §3.3), from the date's whole seconds in UTC.
    package static func rfc5322Date(_ date: Date) -> String {
        let (civil, secondOfDay) = CivilDate.of(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)))
        let weekday = CivilDate.weekday(daysSince1970: civil.daysSince1970)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[weekday]), \(civil.day) \(months[Int(civil.month) - 1]) \(civil.year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }
}
