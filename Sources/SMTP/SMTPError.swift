/// Every error the `SMTP` library throws, with a stable code, a reason for people and, when a server answered, its
/// reply.
///
/// Equality is on the code only, so `#expect(throws: SMTPError.recipientRejected("", reply))` matches any refused
/// recipient. ``isTransient`` and ``isPermanent`` follow the reply's first digit (RFC 5321 §4.2.1): 4yz may succeed
/// later, 5yz will not; an error without a reply is neither.
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidConfiguration
        case invalidAddress
        case resolution
        case connectionRefused
        case connection
        case connectionClosed
        case timeout
        case cancelled
        case malformedReply
        case protocolViolation
        case rejected
        case startTLSUnavailable
        case tls
        case certificateRejected
        case authenticationUnavailable
        case authenticationRequiresTLS
        case authenticationFailed
        case senderRejected
        case recipientRejected
        case messageRejected
        case messageTooLarge
        case smtpUTF8Unavailable
    }

    private let code: Code
    /// What went wrong, for people.
    public let reason: String
    /// The server's reply that caused the error, when there is one.
    public let reply: SMTPReply?
    /// The recipient a ``recipientRejected(_:_:)`` error is about.
    public let recipient: String?

    private init(_ code: Code, _ reason: String, reply: SMTPReply? = nil, recipient: String? = nil) {
        self.code = code
        self.reason = reply.map { "\(reason): \($0)" } ?? reason
        self.reply = reply
        self.recipient = recipient
    }

    public var description: String { reason }
    public static func == (lhs: SMTPError, rhs: SMTPError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A 4yz reply: a later attempt may succeed (RFC 5321 §4.2.1, §4.5.4.1).
    public var isTransient: Bool { reply?.isTransientNegative ?? false }
    /// A 5yz reply: the same transaction must not be retried as is (RFC 5321 §4.2.1).
    public var isPermanent: Bool { reply?.isPermanentNegative ?? false }

    /// A TLS configuration NIOSSL refuses, or an unusable EHLO name or server name.
    public static func invalidConfiguration(_ detail: String) -> SMTPError { .init(.invalidConfiguration, "invalid SMTP configuration: \(detail)") }
    /// An address that cannot be sent in `MAIL FROM` or `RCPT TO` (RFC 5321 §4.1.2): empty recipient, CR, LF, `<`, `>`
    /// or a space.
    public static func invalidAddress(_ address: String) -> SMTPError { .init(.invalidAddress, "not a usable address: \(address)") }
    /// The host has no address: no A/AAAA records or no DNS answer.
    public static func resolution(_ host: String, _ detail: String) -> SMTPError { .init(.resolution, "cannot resolve \(host): \(detail)") }
    /// The server refused the TCP connection.
    public static func connectionRefused(_ address: String) -> SMTPError { .init(.connectionRefused, "connection refused by \(address)") }
    /// The TCP connection could not be made or broke.
    public static func connection(_ address: String, _ detail: String) -> SMTPError { .init(.connection, "cannot connect to \(address): \(detail)") }
    /// The server closed the connection before the conversation was over.
    public static func connectionClosed(_ stage: String) -> SMTPError { .init(.connectionClosed, "the server closed the connection \(stage)") }
    /// No answer within the configured time (RFC 5321 §4.5.3.2).
    public static func timeout(_ stage: String) -> SMTPError { .init(.timeout, "timed out \(stage)") }
    /// The calling task was cancelled.
    public static func cancelled() -> SMTPError { .init(.cancelled, "cancelled") }
    /// Bytes that are not an SMTP reply (RFC 5321 §4.2), or over the line or line-count limits.
    public static func malformedReply(_ detail: String) -> SMTPError { .init(.malformedReply, "malformed SMTP reply: \(detail)") }
    /// The server broke the protocol, e.g. a reply nobody asked for or plaintext after the STARTTLS reply.
    public static func protocolViolation(_ detail: String) -> SMTPError { .init(.protocolViolation, "SMTP protocol violation: \(detail)") }
    /// A negative reply to the greeting, EHLO/HELO or STARTTLS.
    public static func rejected(_ stage: String, _ reply: SMTPReply) -> SMTPError { .init(.rejected, "the server refused \(stage)", reply: reply) }
    /// TLS is required but the server does not offer STARTTLS (RFC 3207 §4) or refused it.
    public static func startTLSUnavailable(_ detail: String) -> SMTPError { .init(.startTLSUnavailable, "STARTTLS required but \(detail)") }
    /// The TLS handshake failed: untrusted or wrong-host certificate under PKIX, or a protocol error.
    public static func tls(_ detail: String) -> SMTPError { .init(.tls, "TLS handshake failed: \(detail)") }
    /// A custom certificate check (``SMTPCertificateVerification/custom(_:)``) refused the server's chain.
    public static func certificateRejected(_ reason: String) -> SMTPError { .init(.certificateRejected, "certificate rejected: \(reason)") }
    /// Credentials were given but the server offers no AUTH PLAIN (RFC 4954 §3).
    public static func authenticationUnavailable(_ detail: String) -> SMTPError { .init(.authenticationUnavailable, "AUTH PLAIN unavailable: \(detail)") }
    /// Credentials would be sent without TLS and the configuration does not allow it (RFC 4954 §4, §14).
    public static func authenticationRequiresTLS() -> SMTPError { .init(.authenticationRequiresTLS, "AUTH PLAIN refused without TLS") }
    /// The server refused the credentials (RFC 4954 §6: 535 permanent, 454 transient).
    public static func authenticationFailed(_ reply: SMTPReply) -> SMTPError { .init(.authenticationFailed, "authentication failed", reply: reply) }
    /// `MAIL FROM` was refused (RFC 5321 §4.1.1.2).
    public static func senderRejected(_ sender: String, _ reply: SMTPReply) -> SMTPError {
        .init(.senderRejected, "sender <\(sender)> refused", reply: reply)
    }
    /// `RCPT TO` was refused for this recipient (RFC 5321 §4.1.1.3); the message was not sent to anyone.
    public static func recipientRejected(_ recipient: String, _ reply: SMTPReply) -> SMTPError {
        .init(.recipientRejected, "recipient <\(recipient)> refused", reply: reply, recipient: recipient)
    }
    /// `DATA` or the message itself was refused (RFC 5321 §4.1.1.4).
    public static func messageRejected(_ reply: SMTPReply) -> SMTPError { .init(.messageRejected, "message refused", reply: reply) }
    /// The message is larger than the server's `SIZE` (RFC 1870 §4).
    public static func messageTooLarge(_ size: Int, limit: Int) -> SMTPError {
        .init(.messageTooLarge, "message of \(size) octets larger than the server's limit of \(limit)")
    }
    /// A non-ASCII address needs SMTPUTF8 (RFC 6531 §3.4), which the server does not offer.
    public static func smtpUTF8Unavailable(_ address: String) -> SMTPError {
        .init(.smtpUTF8Unavailable, "address \(address) needs SMTPUTF8, which the server does not offer")
    }
}
