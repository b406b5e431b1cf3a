public import Logging
public import NIOCore
import ListenerLimits
import NIOPosix
public import ServiceLifecycle

/// A milter server for Postfix's `smtpd_milters` / `non_smtpd_milters`: one ``MilterSession`` with the filter per
/// connection, each connection a child task of a discarding task group.
///
/// Frames above ``MilterFrame/maximumLength``, malformed commands and protocol errors close the connection (Postfix
/// then applies `milter_default_action`). A connection silent for ``MilterServerLimits/idleTimeout`` is closed, and
/// at most ``MilterServerLimits/maxConnections`` are held at once. On graceful shutdown the listener closes, idle
/// connections close at once and the others after the reply that ends their message. Logs carry command letters,
/// lengths and reasons, never message content.
public struct MilterServer<Filter: MilterFilter>: Service {
    let filter: Filter
    let address: MilterListenAddress
    let configuration: MilterConversation.Configuration
    let limits: MilterServerLimits
    let socketPermissions: MilterSocketPermissions?
    let logger: Logger
    let onBound: @Sendable (SocketAddress) -> Void

    /// - Parameters:
    ///   - address: where to listen, e.g. `MilterListenAddress("inet:127.0.0.1:8891")`.
    ///   - socketPermissions: applied to a `unix:PATH` socket file once bound (ignored for `inet:`).
    ///   - onBound: called with the bound address once listening (port 0 picks a free port).
    public init(filter: Filter, address: MilterListenAddress,
                configuration: MilterConversation.Configuration = MilterConversation.Configuration(),
                limits: MilterServerLimits = MilterServerLimits(), socketPermissions: MilterSocketPermissions? = nil, logger: Logger,
                onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.filter = filter
        self.address = address
        self.configuration = configuration
        self.limits = limits
        self.socketPermissions = socketPermissions
        self.logger = logger
        self.onBound = onBound
    }

    public func run() async throws {
        let limits = self.limits
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionLimitHandler(maximum: limits.maxConnections))
                }
            }
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<MilterFrame, ByteBuffer>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MilterFrameDecoder()))
                try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: limits.idleTimeout))
                try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                return try NIOAsyncChannel<MilterFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        let server: NIOAsyncChannel<NIOAsyncChannel<MilterFrame, ByteBuffer>, Never>
        switch address {
        case .inet(let host, let port):
            server = try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        case .unix(let path):
            server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
            do { try socketPermissions?.apply(to: path) } catch {
                try? await server.channel.close()
                throw error
            }
        }
        if let bound = server.channel.localAddress { onBound(bound) }
        logger.info("milter listening", metadata: ["address": "\(server.channel.localAddress.map { "\($0)" } ?? "\(address)")"])
        let connections = OpenConnections()
        try await withThrowingDiscardingTaskGroup { group in
            try await withGracefulShutdownHandler {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection, connections: connections) }
                    }
                }
            } onGracefulShutdown: {
                server.channel.close(promise: nil)
                connections.shutDown()
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<MilterFrame, ByteBuffer>, connections: OpenConnections) async {
        let channel = connection.channel
        var session = MilterSession(filter: filter, configuration: configuration)
        var logger = self.logger
        logger[metadataKey: "peer"] = "\(channel.remoteAddress.map { "\($0)" } ?? "?")"
        connections.idle(channel)
        defer { connections.busy(channel) }
        do {
            try await connection.executeThenClose { frames, replies in
                for try await frame in frames {
                    let command = try MilterCommand(frame)
                    if case .mailFrom = command { connections.busy(channel) }
                    guard let answer = try await session.receive(command) else { break }
                    if !answer.isEmpty {
                        var buffer = channel.allocator.buffer(capacity: 64)
                        for reply in answer { reply.write(to: &buffer) }
                        try await replies.write(buffer)
                    }
                    switch command {
                    case .endOfMessage, .abort: connections.idle(channel)
                    default: break
                    }
                }
            }
        } catch let error as MilterError {
            logger.warning("milter protocol error", metadata: ["reason": "\(error)"])
        } catch {
            logger.debug("milter connection ended", metadata: ["error": "\(error)"])
        }
    }
}
