public import Logging
public import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An SMTP client (RFC 5321) with STARTTLS (RFC 3207), AUTH PLAIN (RFC 4954) and PIPELINING (RFC 2920).
///
/// One connection per call: ``send(_:from:to:server:)`` delivers one message, ``probe(_:)`` only greets, says EHLO,
/// tries STARTTLS as the policy says and quits, reporting what the server offered. Callers resolve host names
/// themselves (through Stockade's `DNS`, see ``send(_:from:to:host:port:resolver:)``); the client never uses
/// the system resolver.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    private let tls: SMTPTLSSetup?
    private let group: any EventLoopGroup
    private let logger: Logger

    /// A client with this configuration.
    /// - Throws: ``SMTPError/invalidConfiguration(_:)`` when NIOSSL refuses the TLS settings or the client name
    ///   cannot be sent in EHLO.
    public init(configuration: SMTPConfiguration, logger: Logger = Logger(label: "stockade.smtp", factory: { _ in SwiftLogNoOpLogHandler() })) throws(SMTPError) {
        let name = configuration.clientName
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidConfiguration("unusable EHLO name \(name)")
        }
        self.configuration = configuration
        self.tls = configuration.tls.requirement == .never ? nil : try SMTPTLSSetup(policy: configuration.tls)
        self.group = MultiThreadedEventLoopGroup.singleton
        self.logger = logger
    }

    /// Sends `message` (the RFC 5322 bytes; line endings are normalized and dots stuffed here) from `sender` to every
    /// recipient.
    /// - Parameters:
    ///   - sender: the reverse-path, an address without angle brackets; empty for a bounce (RFC 5321 §4.5.5).
    ///   - recipients: at least one forward-path address.
    /// - Returns: the session's report, with the reply to the end of the message.
    /// - Throws: ``SMTPError``; `.recipientRejected` names the refused recipient, and nothing was delivered.
    public func send(_ message: [UInt8], from sender: String, to recipients: [String], server: SocketAddress)
        async throws(SMTPError) -> SMTPSessionReport {
        let delivery = try SMTPConversation.Delivery(checkedSender: sender, recipients: recipients, message: message)
        return try await run(.deliver(delivery), servers: [server])
    }

    /// Sends a ``MailMessage`` to its `To` recipients, with its `From` as the sender.
    public func send(_ message: MailMessage, server: SocketAddress) async throws(SMTPError) -> SMTPSessionReport {
        try await send(message.bytes(), from: message.from, to: message.to, server: server)
    }

    /// Greeting, EHLO, STARTTLS as the policy says, the EHLO after it, and QUIT: what the server offers, no mail.
    public func probe(_ server: SocketAddress) async throws(SMTPError) -> SMTPSessionReport {
        try await run(.probe, servers: [server])
    }

    /// Connects to the first of `servers` that accepts a TCP connection, then runs the session there.
    func run(_ goal: SMTPConversation.Goal, servers: [SocketAddress]) async throws(SMTPError) -> SMTPSessionReport {
        var lastError = SMTPError.connection("(no address)", "nothing to connect to")
        for server in servers {
            let promise = group.next().makePromise(of: SMTPSessionReport.self)
            let channel: any Channel
            do {
                channel = try await connect(goal, server: server, promise: promise)
            } catch {
                // Only a failed TCP connection moves on to the next address: after it, mail may have been sent.
                promise.fail(error)
                lastError = error
                logger.debug("connection failed", metadata: ["server": "\(server)", "error": "\(error)"])
                continue
            }
            return try await session(on: channel, promise: promise, server: server.description)
        }
        throw lastError
    }

    private func connect(_ goal: SMTPConversation.Goal, server: SocketAddress, promise: EventLoopPromise<SMTPSessionReport>)
        async throws(SMTPError) -> any Channel {
        logger.debug("connecting", metadata: ["server": "\(server)"])
        let machine = SMTPConversation(goal: goal, configuration: configuration)
        let tls = self.tls
        let greetingTimeout = configuration.timeouts.greeting
        let bootstrap = ClientBootstrap(group: promise.futureResult.eventLoop)
            .connectTimeout(TimeAmount(configuration.timeouts.connect))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let boundary = PlaintextBoundary()
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(ByteToMessageHandler(SMTPReplyDecoder(boundary: boundary)))
                    try operations.addHandler(SMTPConnectionHandler(machine: machine, tls: tls, boundary: boundary,
                                                                    greetingTimeout: greetingTimeout, promise: promise))
                }
            }
        do {
            return try await bootstrap.connect(to: server).get()
        } catch {
            throw Self.connectError(error, server: server.description)
        }
    }

    private func session(on channel: any Channel, promise: EventLoopPromise<SMTPSessionReport>, server: String)
        async throws(SMTPError) -> SMTPSessionReport {
        do {
            let report = try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                channel.close(promise: nil)
            }
            logger.debug("session finished", metadata: ["server": "\(server)", "tls": "\(report.tls?.version ?? "none")"])
            return report
        } catch {
            if Task.isCancelled { throw .cancelled() }
            let smtpError = error as? SMTPError ?? .protocolViolation("\(error)")
            logger.debug("session failed", metadata: ["server": "\(server)", "error": "\(smtpError)"])
            throw smtpError
        }
    }

    private static func connectError(_ error: any Error, server: String) -> SMTPError {
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return .connectionRefused(server) }
        if case ChannelError.connectTimeout = error { return .timeout("connecting to \(server)") }
        return .connection(server, "\(error)")
    }
}
