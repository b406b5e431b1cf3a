/// Everything an ``SMTPClient`` needs besides the server's address and the message.
public struct SMTPConfiguration: Sendable {
    /// The name sent in EHLO/HELO: the client's fully-qualified domain name or an address literal such as
    /// `[127.0.0.1]` (RFC 5321 §4.1.1.1, §4.1.3).
    public var clientName: String
    public var tls: SMTPTLSPolicy
    /// AUTH PLAIN credentials (RFC 4954), or `nil` to not authenticate.
    public var credentials: SMTPCredentials?
    public var timeouts: SMTPTimeouts

    public init(clientName: String, tls: SMTPTLSPolicy, credentials: SMTPCredentials? = nil, timeouts: SMTPTimeouts = SMTPTimeouts()) {
        self.clientName = clientName
        self.tls = tls
        self.credentials = credentials
        self.timeouts = timeouts
    }
}
