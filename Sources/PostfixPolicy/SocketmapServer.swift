public import Logging
public import NIOCore
import ListenerLimits
import NIOPosix
public import ServiceLifecycle

/// Postfix's socketmap protocol over TCP (socketmap_table(5)) for `smtp_tls_policy_maps =
/// socketmap:inet:HOST:PORT:NAME`: netstring requests, several per connection, answered in order; a malformed
/// request gets `PERM` and the connection is closed. Each connection is answered on its event loop by a
/// ``SocketmapConnectionHandler`` (cached replies without leaving the loop) and watched by a child task of a
/// discarding task group, which closes it when the server stops.
/// A connection idle for ``SocketmapLimits/idleTimeout`` is closed, and at most ``SocketmapLimits/maxConnections``
/// are held at once.
public struct SocketmapServer: Service {
    let responder: PolicyResponder
    let host: String
    let port: Int
    let limits: SocketmapLimits
    let logger: Logger
    let onBound: @Sendable (SocketAddress) -> Void

    /// - Parameter onBound: called with the bound address once listening (port 0 picks a free port).
    public init(responder: PolicyResponder, host: String, port: Int, limits: SocketmapLimits = SocketmapLimits(), logger: Logger,
                onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.responder = responder
        self.host = host
        self.port = port
        self.limits = limits
        self.logger = logger
        self.onBound = onBound
    }

    public func run() async throws {
        let limits = self.limits
        let responder = self.responder
        let logger = self.logger
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionLimitHandler(maximum: limits.maxConnections))
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NetstringDecoder()))
                    try channel.pipeline.syncOperations.addHandler(IdleTimeoutHandler(timeout: limits.idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(SocketmapConnectionHandler(responder: responder, logger: logger))
                    return channel
                }
            }
        if let address = server.channel.localAddress { onBound(address) }
        logger.info("socketmap listening", metadata: ["address": "\(server.channel.localAddress.map { "\($0)" } ?? "?")"])
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask {
                            await withTaskCancellationHandler {
                                try? await connection.closeFuture.get()
                            } onCancel: {
                                connection.close(promise: nil)
                            }
                        }
                    }
                }
            }
        }
    }
}
