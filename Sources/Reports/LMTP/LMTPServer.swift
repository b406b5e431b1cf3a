public import Logging
public import NIOCore
import ListenerLimits
import NIOPosix
public import ServiceLifecycle

/// The LMTP listener (RFC 2033) Postfix delivers report addresses to (`transport_maps` →
/// `lmtp:inet:127.0.0.1:PORT`): one ``LMTPSession`` per connection, each connection a child task of a discarding task
/// group, every message handed to the ``ReportInbox`` once and answered once per recipient.
///
/// Replies: a stored or duplicate report `250 2.0.0`; a refused one `550 5.6.0` with the reason (Postfix bounces it to
/// the reporter); a database failure `451 4.3.0` (Postfix retries). Logs carry counts and results, never addresses.
public struct LMTPServer: Service {
    let inbox: ReportInbox
    let host: String
    let port: Int
    let hostname: String
    let recipients: Set<String>
    let limits: LMTPLimits
    let logger: Logger
    let onBound: @Sendable (SocketAddress) -> Void

    /// - Parameters:
    ///   - recipients: the report addresses mail is accepted for (compared in lower case).
    ///   - hostname: the name in the greeting and LHLO reply.
    ///   - onBound: called with the bound address once listening (port 0 picks a free port).
    public init(inbox: ReportInbox, host: String, port: Int, hostname: String, recipients: [String], limits: LMTPLimits = LMTPLimits(),
                logger: Logger, onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.inbox = inbox
        self.host = host
        self.port = port
        self.hostname = hostname
        self.recipients = Set(recipients.map { $0.lowercased() })
        self.limits = limits
        self.logger = logger
        self.onBound = onBound
    }

    public func run() async throws {
        let limits = self.limits
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionLimitHandler(maximum: limits.maxConnections))
                }
            }
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: limits.idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        if let bound = server.channel.localAddress { onBound(bound) }
        logger.info("LMTP report inbox listening", metadata: ["address": "\(server.channel.localAddress.map { "\($0)" } ?? "\(host):\(port)")"])
        try await withThrowingDiscardingTaskGroup { group in
            try await withGracefulShutdownHandler {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection) }
                    }
                }
            } onGracefulShutdown: {
                server.channel.close(promise: nil)
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let recipients = self.recipients
        var session = LMTPSession(hostname: hostname, limits: limits) { recipients.contains($0.lowercased()) }
        var framer = LMTPLineFramer()
        do {
            try await connection.executeThenClose { input, output in
                try await output.write(ByteBuffer(string: session.greeting.description))
                for try await bytes in input {
                    var replies = ""
                    var closing = false
                    for line in framer.append(bytes.readableBytesView) where !closing {
                        for action in session.receive(line) {
                            switch action {
                            case .reply(let reply): replies += reply.description
                            case .replyPerRecipient(let reply, let count): replies += String(repeating: reply.description, count: count)
                            case .deliver(let message, let to):
                                let reply = Self.reply(for: await inbox.receive(mail: message))
                                replies += String(repeating: reply.description, count: to.count)
                            case .close(let reply):
                                replies += reply.description
                                closing = true
                            }
                        }
                    }
                    if !replies.isEmpty { try await output.write(ByteBuffer(string: replies)) }
                    if closing { return }
                }
            }
        } catch {
            logger.debug("LMTP connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// The reply to a delivered message.
    static func reply(for outcome: InboxOutcome) -> LMTPReply {
        switch outcome.result {
        case .stored: LMTPReply(250, "2.0.0", "Report stored")
        case .duplicate: LMTPReply(250, "2.0.0", "Report already stored")
        case .rejected(let refusal):
            refusal.reason == .tooLarge ? LMTPReply(552, "5.3.4", Self.oneLine(refusal.text)) : LMTPReply(550, "5.6.0", Self.oneLine(refusal.text))
        case .unavailable: LMTPReply(451, "4.3.0", "Report not stored now, try again later")
        }
    }

    /// Printable ASCII on one line, at most 400 characters, for a reply text.
    private static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(400).map { (0x20..<0x7F).contains($0.value) ? $0 : "?" }))
    }
}

/// Closes a connection when `IdleStateHandler` reports no read for the idle timeout.
final class CloseWhenIdle: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
