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

/// A user name and password for AUTH PLAIN (RFC 4954 §4, RFC 4616).
public struct SMTPCredentials: Sendable, Hashable {
    public var username: String
    public var password: String
    /// Send the credentials over a connection without TLS. Off by default: RFC 4954 §14 warns that PLAIN exposes the
    /// password to anyone on the path.
    public var allowWithoutTLS: Bool

    public init(username: String, password: String, allowWithoutTLS: Bool = false) {
        self.username = username
        self.password = password
        self.allowWithoutTLS = allowWithoutTLS
    }
}

/// How long each step may take; the defaults are RFC 5321 §4.5.3.2's.
public struct SMTPTimeouts: Sendable, Hashable {
    /// TCP connection (RFC 5321 sets none; 30 seconds).
    public var connect: Duration
    /// The `220` greeting (§4.5.3.2.1: 5 minutes).
    public var greeting: Duration
    /// Each reply to EHLO, HELO, STARTTLS, the TLS handshake, AUTH, MAIL, RCPT and QUIT
    /// (§4.5.3.2.2–3: 5 minutes).
    public var command: Duration
    /// The `354` reply to DATA (§4.5.3.2.4: 2 minutes).
    public var dataInitiation: Duration
    /// Sending the message and the reply to its final `.` (§4.5.3.2.5–6: 3 + 10 minutes).
    public var dataTermination: Duration

    public init(connect: Duration = .seconds(30), greeting: Duration = .seconds(300), command: Duration = .seconds(300),
                dataInitiation: Duration = .seconds(120), dataTermination: Duration = .seconds(780)) {
        self.connect = connect
        self.greeting = greeting
        self.command = command
        self.dataInitiation = dataInitiation
        self.dataTermination = dataTermination
    }
}
