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
