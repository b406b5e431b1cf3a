/// One LMTP connection as a state machine (RFC 2033): lines in, actions out, no I/O.
///
/// The transaction is LHLO, MAIL, one or more RCPT, DATA; the message lines are dot-unstuffed (RFC 5321 §4.5.2)
/// and end at a line holding a single dot. After the message the server delivers it once and answers one reply per
/// accepted recipient (RFC 2033 §4.2).
public struct LMTPSession: Sendable {
    /// What the server does next.
    public enum Action: Sendable, Hashable {
        /// Send this reply.
        case reply(LMTPReply)
        /// Deliver the message to these recipients, then send one reply per recipient.
        case deliver(message: [UInt8], recipients: [String])
        /// Send this reply once per recipient (the message was refused whole, e.g. too large).
        case replyPerRecipient(LMTPReply, count: Int)
        /// Send this reply and close the connection.
        case close(LMTPReply)
    }

    private enum Phase: Sendable {
        case greeted, ready, mail, data
    }

    private enum MessageProblem: Sendable {
        case tooLarge, lineTooLong
    }

    /// The host name in replies.
    public let hostname: String
    public let limits: LMTPLimits
    private let accepts: @Sendable (String) -> Bool
    private var phase = Phase.greeted
    private var recipients: [String] = []
    private var message: [UInt8] = []
    private var problem: MessageProblem?
    private var errors = 0

    /// - Parameter accepts: whether a recipient address (as written in RCPT TO) is one this server takes mail for.
    public init(hostname: String, limits: LMTPLimits = LMTPLimits(), accepts: @escaping @Sendable (String) -> Bool) {
        self.hostname = hostname
        self.limits = limits
        self.accepts = accepts
    }

    /// The greeting sent when the connection opens (RFC 5321 §4.2).
    public var greeting: LMTPReply { LMTPReply(220, "", "\(hostname) LMTP Stockade report inbox") }

    /// Whether a message is being received (no command expected).
    public var isReceivingMessage: Bool { phase == .data }

    /// Takes one line from the client.
    public mutating func receive(_ line: LMTPLine) -> [Action] {
        if phase == .data { return receiveMessage(line) }
        guard case .line(let bytes) = line else { return refuse(LMTPReply(500, "5.5.2", "Line too long")) }
        let command: LMTPCommand
        do {
            command = try LMTPCommand(parsing: bytes)
        } catch {
            return refuse(error.reply)
        }
        switch command {
        case .lhlo:
            resetTransaction()
            phase = .ready
            return [.reply(LMTPReply(250, "", lines: [hostname, "PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME",
                                                       "SIZE \(limits.maximumMessageSize)"]))]
        case .heloOrEhlo:
            return refuse(LMTPReply(500, "5.5.1", "This is LMTP: say LHLO (RFC 2033 §4.1)"))
        case .mail(_, let size):
            guard phase == .ready else {
                return refuse(LMTPReply(503, "5.5.1", phase == .greeted ? "Say LHLO first" : "Nested MAIL command"))
            }
            if let size, size > limits.maximumMessageSize {
                return [.reply(LMTPReply(552, "5.3.4", "Message size exceeds the limit of \(limits.maximumMessageSize) octets"))]
            }
            phase = .mail
            return [.reply(LMTPReply(250, "2.1.0", "Sender OK"))]
        case .rcpt(let address):
            guard phase == .mail else { return refuse(LMTPReply(503, "5.5.1", "Need MAIL before RCPT")) }
            guard recipients.count < LMTPLimits.maximumRecipients else {
                return [.reply(LMTPReply(452, "4.5.3", "Too many recipients"))]
            }
            guard accepts(address) else { return [.reply(LMTPReply(550, "5.1.1", "No report inbox at this address"))] }
            recipients.append(address)
            return [.reply(LMTPReply(250, "2.1.5", "Recipient OK"))]
        case .data:
            guard phase == .mail, !recipients.isEmpty else {
                return refuse(LMTPReply(503, "5.5.1", phase == .mail ? "No valid recipients" : "Need MAIL and RCPT before DATA"))
            }
            phase = .data
            return [.reply(LMTPReply(354, "", "End data with <CR><LF>.<CR><LF>"))]
        case .rset:
            resetTransaction()
            if phase != .greeted { phase = .ready }
            return [.reply(LMTPReply(250, "2.0.0", "OK"))]
        case .noop:
            return [.reply(LMTPReply(250, "2.0.0", "OK"))]
        case .quit:
            return [.close(LMTPReply(221, "2.0.0", "Bye"))]
        case .notImplemented:
            return refuse(LMTPReply(502, "5.5.1", "Command not implemented"))
        }
    }

    private mutating func receiveMessage(_ line: LMTPLine) -> [Action] {
        guard case .line(var bytes) = line else {
            problem = problem ?? .lineTooLong
            return []
        }
        if bytes == [UInt8(ascii: ".")] { return endMessage() }
        if bytes.first == UInt8(ascii: ".") { bytes.removeFirst() }
        guard problem == nil else { return [] }
        guard message.count + bytes.count + 2 <= limits.maximumMessageSize else {
            problem = .tooLarge
            message = []
            return []
        }
        message += bytes
        message += [0x0D, 0x0A]
        return []
    }

    private mutating func endMessage() -> [Action] {
        let action: Action = switch problem {
        case nil: .deliver(message: message, recipients: recipients)
        case .tooLarge: .replyPerRecipient(LMTPReply(552, "5.3.4", "Message size exceeds the limit of \(limits.maximumMessageSize) octets"),
                                           count: recipients.count)
        case .lineTooLong: .replyPerRecipient(LMTPReply(500, "5.5.2", "Line too long (RFC 5321 §4.5.3.1.6)"), count: recipients.count)
        }
        resetTransaction()
        phase = .ready
        return [action]
    }

    private mutating func resetTransaction() {
        recipients = []
        message = []
        problem = nil
    }

    /// A refused command; too many of them close the connection.
    private mutating func refuse(_ reply: LMTPReply) -> [Action] {
        errors += 1
        guard errors < LMTPLimits.maximumErrors else { return [.close(LMTPReply(421, "4.7.0", "Too many errors, closing"))] }
        return [.reply(reply)]
    }
}
