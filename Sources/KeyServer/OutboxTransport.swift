public import Store

/// Hands one queued message to a mail relay; throws ``OutboxTransportFailure`` saying whether a retry can help.
public protocol OutboxTransport: Sendable {
    func send(_ mail: OutgoingMailRecord) async throws(OutboxTransportFailure)
}

/// Why a message was not sent, in words that are safe to store and log.
///
/// A relay's reply text may quote the recipient (an unverified address), so a failure carries only the reply code
/// and its enhanced status code (RFC 3463), such as `550 5.1.1`, or one of a few fixed phrases. No free text can be
/// put in.
public struct OutboxTransportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case reply(Int, status: [Int]?)
        case phrase(String)
    }

    private let code: Code
    /// A later attempt may succeed (4yz replies, connection failures, timeouts).
    public let transient: Bool

    private init(_ code: Code, transient: Bool) {
        self.code = code
        self.transient = transient
    }

    /// What the outbox stores as the message's `lastError` and logs: `550 5.1.1`, `451`, `connection failed`, ….
    public var reason: String {
        switch code {
        case .reply(let code, let status?): "\(code) \(status.map(String.init).joined(separator: "."))"
        case .reply(let code, nil): "\(code)"
        case .phrase(let phrase): phrase
        }
    }

    public var description: String { reason }

    /// A negative SMTP reply (RFC 5321 §4.2): transient for 4yz, permanent otherwise. The enhanced status code
    /// `class.subject.detail` (RFC 3463 §2) is kept only when its parts are in range.
    public static func reply(code: Int, enhancedStatus: (statusClass: Int, subject: Int, detail: Int)?) -> Self {
        let code = min(max(code, 0), 999)
        let status = enhancedStatus.flatMap { s in
            [2, 4, 5].contains(s.statusClass) && (0...999).contains(s.subject) && (0...999).contains(s.detail)
                ? [s.statusClass, s.subject, s.detail] : nil
        }
        return .init(.reply(code, status: status), transient: (400..<500).contains(code))
    }

    /// The relay's host name did not resolve (transient).
    public static var resolutionFailed: Self { .init(.phrase("resolution failed"), transient: true) }
    /// No TCP connection, or it broke or closed early (transient).
    public static var connectionFailed: Self { .init(.phrase("connection failed"), transient: true) }
    /// STARTTLS missing or the handshake or certificate check failed (transient: the relay's operator may fix it).
    public static var tlsFailed: Self { .init(.phrase("TLS failed"), transient: true) }
    /// A step or the whole send took too long (transient).
    public static var timedOut: Self { .init(.phrase("timed out"), transient: true) }
    /// The relay broke the protocol or answered with something that is not SMTP (transient).
    public static var protocolError: Self { .init(.phrase("protocol error"), transient: true) }
    /// Authentication to the relay is impossible or was refused without a reply code (transient: a configuration fix).
    public static var authenticationFailed: Self { .init(.phrase("authentication failed"), transient: true) }
    /// The send was cancelled, e.g. by a shutdown (transient).
    public static var cancelled: Self { .init(.phrase("cancelled"), transient: true) }
    /// The address cannot be sent at all: unusable characters, or it needs SMTPUTF8 the relay lacks (permanent).
    public static var addressUnusable: Self { .init(.phrase("address unusable"), transient: false) }
    /// Larger than the relay accepts (permanent).
    public static var messageTooLarge: Self { .init(.phrase("message too large"), transient: false) }
    /// Anything else the transport could not classify (transient).
    public static var failed: Self { .init(.phrase("failed"), transient: true) }
}
