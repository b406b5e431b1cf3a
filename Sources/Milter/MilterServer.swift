public import Logging
public import NIOCore
import ListenerLimits
import NIOPosix
public import ServiceLifecycle

/// A milter server for Postfix's `smtpd_milters` / `non_smtpd_milters`: each connection served on its event loop by
/// a ``MilterConnectionHandler`` (the conversation without leaving the loop, the filter in a task only where it has a
/// hook) and watched by a child task of a discarding task group, which closes it when the server is cancelled.
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
        let filter = self.filter
        let configuration = self.configuration
        let logger = self.logger
        let connections = OpenConnections()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionLimitHandler(maximum: limits.maxConnections))
                }
            }
        let initializer: @Sendable (any Channel) -> EventLoopFuture<any Channel> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MilterFrameDecoder()))
                try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: limits.idleTimeout))
                try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                try channel.pipeline.syncOperations.addHandler(MilterConnectionHandler(filter: filter, configuration: configuration,
                                                                                      connections: connections, logger: logger))
                return channel
            }
        }
        let server: NIOAsyncChannel<any Channel, Never>
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
        try await withThrowingDiscardingTaskGroup { group in
            try await withGracefulShutdownHandler {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask {
                            await withTaskCancellationHandler {
                                try? await connection.closeFuture.get()
                            } onCancel: {
                                connection.close(promise: nil)
                            }
                        }
                    }
                }
            } onGracefulShutdown: {
                server.channel.close(promise: nil)
                connections.shutDown()
            }
        }
    }
}
