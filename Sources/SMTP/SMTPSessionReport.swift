/// What happened in one SMTP session: what the server offered, whether TLS was used and how, and the final answer.
public struct SMTPSessionReport: Sendable, Hashable {
    /// The `220` greeting (RFC 5321 §4.3.1).
    public var greeting: SMTPReply
    /// The server refused EHLO with 500 or 502 and the client fell back to HELO (RFC 5321 §4.1.4).
    public var usedHELO: Bool
    /// The extensions of the last EHLO: after STARTTLS, those offered inside TLS (RFC 3207 §4.2).
    public var extensions: SMTPExtensions
    /// The TLS connection, or `nil` when the session stayed in plaintext.
    public var tls: SMTPTLSDetails?
    /// AUTH PLAIN succeeded (RFC 4954 §6).
    public var authenticated: Bool
    /// The recipients the server accepted, in order (empty for a probe).
    public var acceptedRecipients: [String]
    /// The reply to the end of the message data (often naming a queue id); `nil` for a probe.
    public var messageReply: SMTPReply?

    public init(greeting: SMTPReply, usedHELO: Bool = false, extensions: SMTPExtensions = SMTPExtensions(), tls: SMTPTLSDetails? = nil,
                authenticated: Bool = false, acceptedRecipients: [String] = [], messageReply: SMTPReply? = nil) {
        self.greeting = greeting
        self.usedHELO = usedHELO
        self.extensions = extensions
        self.tls = tls
        self.authenticated = authenticated
        self.acceptedRecipients = acceptedRecipients
        self.messageReply = messageReply
    }
}
