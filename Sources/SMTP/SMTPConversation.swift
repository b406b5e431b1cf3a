/// One SMTP client session as a value: replies and connection events in, actions out (no I/O, tested on its own).
///
/// Greeting (RFC 5321 §4.3.1), EHLO with a HELO fallback on 500/502 (§4.1.4), STARTTLS and a new EHLO
/// (RFC 3207 §4.2), AUTH PLAIN (RFC 4954 §4), then MAIL, RCPT for each recipient and DATA — all written at once when
/// the server offers PIPELINING (RFC 2920 §3.1), one at a time otherwise — the message, and QUIT (§4.1.1.10).
/// A probe stops after the EHLO. The message is all-or-nothing: any refused recipient fails the session, and if
/// `354` arrived regardless the connection is closed without the final `.`, so nothing is delivered.
struct SMTPConversation {
    enum Action: Equatable {
        /// Nothing to do yet.
        case none
        /// Write these bytes, then wait at most this long for the next reply.
        case send([UInt8], timeout: Duration)
        /// Wait at most this long for the next reply (pipelined replies still to come).
        case awaitReply(timeout: Duration)
        /// Start the TLS handshake now; report its end with ``tlsEstablished(_:)``.
        case startTLS(timeout: Duration)
        /// Done: report this and close the connection.
        case succeed(SMTPSessionReport)
        /// Done: fail with this and close the connection.
        case fail(SMTPError)
    }

    /// What the session is for.
    enum Goal: Equatable {
        case probe
        case deliver(Delivery)
    }

    /// One message to send.
    struct Delivery: Equatable {
        var sender: String
        var recipients: [String]
        var message: [UInt8]

        /// Refuses what cannot be sent in a path (RFC 5321 §4.1.2): no recipient, an empty recipient, or an address
        /// with a control character, space, `<` or `>` that could end the path or the command. An empty sender is the
        /// null reverse-path (§4.5.5).
        init(checkedSender sender: String, recipients: [String], message: [UInt8]) throws(SMTPError) {
            guard !recipients.isEmpty else { throw .invalidAddress("(no recipient)") }
            let unusable: (String) -> Bool = { address in
                address.utf8.contains { $0 < 0x21 || $0 == 0x7F || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
            }
            for address in [sender] + recipients where unusable(address) { throw .invalidAddress(address) }
            if let empty = recipients.first(where: \.isEmpty) { throw .invalidAddress(empty) }
            self.sender = sender
            self.recipients = recipients
            self.message = message
        }
    }

    /// One command of the mail transaction, and what its reply is checked for.
    private enum Step: Equatable {
        case mail
        case recipient(String)
        case data
    }

    private enum State {
        case greeting
        case ehlo(afterTLS: Bool)
        case helo
        case startTLS
        case handshaking
        case authenticating
        case transaction(queue: [Step], inFlight: [Step], failure: SMTPError?)
        case messageSent
        case quitting(Result<SMTPSessionReport, SMTPError>)
        case finished
    }

    private var state = State.greeting
    private var report: SMTPSessionReport?
    private let goal: Goal
    private let configuration: SMTPConfiguration

    init(goal: Goal, configuration: SMTPConfiguration) {
        self.goal = goal
        self.configuration = configuration
    }

    private var timeouts: SMTPTimeouts { configuration.timeouts }

    // MARK: events

    mutating func receivedReply(_ reply: SMTPReply) -> Action {
        switch state {
        case .greeting:
            report = SMTPSessionReport(greeting: reply)
            guard reply.code == 220 else { return quit(failing: .rejected("the session (greeting)", reply)) }
            state = .ehlo(afterTLS: false)
            return send("EHLO \(configuration.clientName)", timeout: timeouts.command)
        case .ehlo(let afterTLS):
            if reply.isPositiveCompletion {
                report?.extensions = SMTPExtensions(ehloReply: reply)
                return afterTLS ? afterSecurity() : afterHello()
            }
            if !afterTLS, reply.code == 500 || reply.code == 502 {
                state = .helo
                return send("HELO \(configuration.clientName)", timeout: timeouts.command)
            }
            return quit(failing: .rejected("EHLO", reply))
        case .helo:
            guard reply.isPositiveCompletion else { return quit(failing: .rejected("HELO", reply)) }
            report?.usedHELO = true
            report?.extensions = SMTPExtensions()
            return afterHello()
        case .startTLS:
            if reply.code == 220 {
                state = .handshaking
                return .startTLS(timeout: timeouts.command)
            }
            guard configuration.tls.requirement == .opportunistic else {
                return quit(failing: .startTLSUnavailable("the server refused STARTTLS: \(reply)"))
            }
            return afterSecurity()
        case .handshaking:
            return finish(.protocolViolation("a reply during the TLS handshake: \(reply)"))
        case .authenticating:
            guard reply.code == 235 else { return quit(failing: .authenticationFailed(reply)) }
            report?.authenticated = true
            return startTransaction()
        case .transaction(let queue, var inFlight, let failure):
            guard !inFlight.isEmpty else { return finish(.protocolViolation("an unexpected reply: \(reply)")) }
            return transactionReply(reply, step: inFlight.removeFirst(), queue: queue, inFlight: inFlight, failure: failure)
        case .messageSent:
            guard reply.isPositiveCompletion else { return quit(failing: .messageRejected(reply)) }
            report?.messageReply = reply
            return quit(succeeding: report!)
        case .quitting(let result):
            return finish(result)
        case .finished:
            return .none
        }
    }

    /// The TLS handshake completed.
    mutating func tlsEstablished(_ details: SMTPTLSDetails) -> Action {
        guard case .handshaking = state else { return .none }
        report?.tls = details
        state = .ehlo(afterTLS: true)
        return send("EHLO \(configuration.clientName)", timeout: timeouts.command)
    }

    /// The connection closed.
    mutating func connectionClosed() -> Action {
        switch state {
        case .quitting(let result): finish(result)
        case .finished: .none
        default: finish(.connectionClosed(stageDescription))
        }
    }

    /// The timeout of the current step passed.
    mutating func timedOut() -> Action {
        switch state {
        case .quitting(let result): finish(result)
        case .finished: .none
        default: finish(.timeout(stageDescription))
        }
    }

    /// The pipeline reported an error (a malformed reply, TLS, the socket).
    mutating func errorCaught(_ error: SMTPError) -> Action {
        switch state {
        case .quitting(.failure(let pending)): finish(.failure(pending))
        case .finished: .none
        default: finish(.failure(error))
        }
    }

    // MARK: steps

    /// After EHLO or HELO in plaintext: STARTTLS if offered and wanted.
    private mutating func afterHello() -> Action {
        let offered = report?.extensions.startTLS ?? false
        switch configuration.tls.requirement {
        case .never:
            return afterSecurity()
        case .opportunistic where !offered:
            return afterSecurity()
        case .required where !offered:
            return quit(failing: .startTLSUnavailable("the server does not offer it"))
        case .required, .opportunistic:
            state = .startTLS
            return send("STARTTLS", timeout: timeouts.command)
        }
    }

    /// After TLS was set up or skipped: QUIT for a probe, else AUTH or the transaction.
    private mutating func afterSecurity() -> Action {
        guard case .deliver = goal else { return quit(succeeding: report!) }
        guard let credentials = configuration.credentials else { return startTransaction() }
        guard report?.extensions.authMechanisms.contains("PLAIN") == true else {
            return quit(failing: .authenticationUnavailable("the server offers \(report?.extensions.authMechanisms.sorted() ?? [])"))
        }
        guard report?.tls != nil || credentials.allowWithoutTLS else { return quit(failing: .authenticationRequiresTLS()) }
        state = .authenticating
        // RFC 4616 §2: authzid NUL authcid NUL passwd; the initial response of RFC 4954 §4.
        let plain = [0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8)
        return send("AUTH PLAIN \(base64(plain))", timeout: timeouts.command)
    }

    private mutating func startTransaction() -> Action {
        guard case .deliver(let delivery) = goal, let extensions = report?.extensions else { return quit(succeeding: report!) }
        let steps = [Step.mail] + delivery.recipients.map(Step.recipient) + [Step.data]
        if let limit = extensions.maximumSize, limit > 0, delivery.message.count > limit {
            return quit(failing: .messageTooLarge(delivery.message.count, limit: limit))
        }
        for address in [delivery.sender] + delivery.recipients where address.utf8.contains(where: { $0 >= 0x80 }) && !extensions.smtpUTF8 {
            return quit(failing: .smtpUTF8Unavailable(address))
        }
        if extensions.pipelining {
            state = .transaction(queue: [], inFlight: steps, failure: nil)
            return .send(steps.flatMap { command($0, delivery, extensions) }, timeout: timeouts.command)
        }
        state = .transaction(queue: Array(steps.dropFirst()), inFlight: [.mail], failure: nil)
        return .send(command(.mail, delivery, extensions), timeout: timeouts.command)
    }

    private mutating func transactionReply(_ reply: SMTPReply, step: Step, queue: [Step], inFlight: [Step], failure: SMTPError?)
        -> Action {
        guard case .deliver(let delivery) = goal, let extensions = report?.extensions else { return finish(.protocolViolation("no transaction")) }
        var failure = failure
        switch step {
        case .mail:
            if !reply.isPositiveCompletion { failure = failure ?? .senderRejected(delivery.sender, reply) }
        case .recipient(let address):
            if reply.isPositiveCompletion {
                report?.acceptedRecipients.append(address)
            } else {
                failure = failure ?? .recipientRejected(address, reply)
            }
        case .data:
            if reply.code == 354 {
                guard let failure else {
                    state = .messageSent
                    return .send(smtpMessageData(delivery.message), timeout: timeouts.dataTermination)
                }
                // RFC 2920 §3.1: the server waits for the message; closing without the final "." abandons it.
                return finish(.failure(failure))
            }
            return quit(failing: failure ?? .messageRejected(reply))
        }
        if let failure, inFlight.isEmpty {
            return quit(failing: failure)
        }
        if let next = queue.first, inFlight.isEmpty {
            state = .transaction(queue: Array(queue.dropFirst()), inFlight: [next], failure: failure)
            return .send(command(next, delivery, extensions), timeout: next == .data ? timeouts.dataInitiation : timeouts.command)
        }
        state = .transaction(queue: queue, inFlight: inFlight, failure: failure)
        return .awaitReply(timeout: inFlight.first == .data ? timeouts.dataInitiation : timeouts.command)
    }

    /// The command line of a step, with SIZE (RFC 1870 §6), BODY=8BITMIME (RFC 6152 §2) and SMTPUTF8 (RFC 6531 §3.4)
    /// parameters when the server offers them and the message needs them.
    private func command(_ step: Step, _ delivery: Delivery, _ extensions: SMTPExtensions) -> [UInt8] {
        let line: String
        switch step {
        case .mail:
            var parameters = ""
            if extensions.maximumSize != nil { parameters += " SIZE=\(delivery.message.count)" }
            if extensions.eightBitMIME, delivery.message.contains(where: { $0 >= 0x80 }) { parameters += " BODY=8BITMIME" }
            if extensions.smtpUTF8, ([delivery.sender] + delivery.recipients).contains(where: { $0.utf8.contains { $0 >= 0x80 } }) {
                parameters += " SMTPUTF8"
            }
            line = "MAIL FROM:<\(delivery.sender)>\(parameters)"
        case .recipient(let address):
            line = "RCPT TO:<\(address)>"
        case .data:
            line = "DATA"
        }
        return Array((line + "\r\n").utf8)
    }

    // MARK: ending

    private mutating func send(_ line: String, timeout: Duration) -> Action {
        .send(Array((line + "\r\n").utf8), timeout: timeout)
    }

    /// Sends QUIT and completes with `result` on its reply, on close or on timeout (RFC 5321 §4.1.1.10).
    private mutating func quit(failing error: SMTPError) -> Action {
        state = .quitting(.failure(error))
        return send("QUIT", timeout: timeouts.command)
    }

    private mutating func quit(succeeding report: SMTPSessionReport) -> Action {
        state = .quitting(.success(report))
        return send("QUIT", timeout: timeouts.command)
    }

    private mutating func finish(_ error: SMTPError) -> Action { finish(.failure(error)) }

    private mutating func finish(_ result: Result<SMTPSessionReport, SMTPError>) -> Action {
        state = .finished
        switch result {
        case .success(let report): return .succeed(report)
        case .failure(let error): return .fail(error)
        }
    }

    /// Where the session is, for timeout and close errors.
    private var stageDescription: String {
        switch state {
        case .greeting: "waiting for the greeting"
        case .ehlo: "waiting for the EHLO reply"
        case .helo: "waiting for the HELO reply"
        case .startTLS: "waiting for the STARTTLS reply"
        case .handshaking: "during the TLS handshake"
        case .authenticating: "waiting for the AUTH reply"
        case .transaction(_, let inFlight, _):
            switch inFlight.first {
            case .mail: "waiting for the MAIL reply"
            case .recipient(let address): "waiting for the RCPT reply for <\(address)>"
            case .data, nil: "waiting for the DATA reply"
            }
        case .messageSent: "waiting for the reply to the end of the message"
        case .quitting: "waiting for the QUIT reply"
        case .finished: "after the session"
        }
    }
}
