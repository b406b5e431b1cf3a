public import NIOCore

/// The limits of the LMTP listener: line and message sizes, recipients, errors, connections and idle time.
public struct LMTPLimits: Sendable, Equatable {
    /// A line including its CRLF (RFC 5321 §4.5.3.1.6: 1000 octets for a text line, 512 for a command line).
    public static let maximumLineLength = 1000
    /// Recipients of one transaction (RFC 5321 §4.5.3.1.8 asks for at least 100).
    public static let maximumRecipients = 100
    /// Refused commands before the connection is closed with 421.
    public static let maximumErrors = 20
    /// The default largest message: a report mail is small; TLSRPT's own mail limit is the ceiling.
    public static let defaultMaximumMessageSize = 10 << 20
    /// Postfix's `lmtp_data_done_timeout` is 600 s; a silent client gets as long for any command.
    public static let defaultIdleTimeout: TimeAmount = .seconds(300)
    /// Postfix's default `lmtp` process limit is 100 deliveries at once.
    public static let defaultMaxConnections = 100

    /// The largest message accepted after dot-unstuffing, in octets.
    public var maximumMessageSize: Int
    /// Time without a line from the client.
    public var idleTimeout: TimeAmount
    /// Connections held at once; beyond it the listener stops accepting until one closes.
    public var maxConnections: Int

    public init(maximumMessageSize: Int = LMTPLimits.defaultMaximumMessageSize,
                idleTimeout: TimeAmount = LMTPLimits.defaultIdleTimeout,
                maxConnections: Int = LMTPLimits.defaultMaxConnections) {
        self.maximumMessageSize = maximumMessageSize
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
