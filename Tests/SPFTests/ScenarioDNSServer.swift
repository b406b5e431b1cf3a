import DNS
import NIOCore
import NIOPosix
import Synchronization
import TestSupport

/// A small authoritative DNS server on 127.0.0.1, UDP and TCP on one port, answering from a ``ScenarioZone``.
/// It counts TCP queries, so a test can see that a large answer came over TCP.
final class ScenarioDNSServer: Sendable {
    let port: Int
    private let channels: [any Channel]
    private let tcpQueryCount: QueryCounter

    private init(port: Int, channels: [any Channel], tcpQueryCount: QueryCounter) {
        self.port = port
        self.channels = channels
        self.tcpQueryCount = tcpQueryCount
    }

    /// TCP queries answered so far.
    var tcpQueries: Int { tcpQueryCount.value.withLock { $0 } }

    /// Starts a server for `zone` on a free loopback port; call ``stop()`` when done.
    static func start(_ zone: ScenarioZone) async throws -> ScenarioDNSServer {
        let group = MultiThreadedEventLoopGroup.singleton
        let counter = QueryCounter()
        var lastError: (any Error)?
        // The port is free when chosen; another process may take it before both sockets are bound: try again.
        for _ in 0..<20 {
            let port = freeLoopbackPort()
            do {
                let udp = try await DatagramBootstrap(group: group)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UDPHandler(zone: zone)) }
                    }
                    .bind(host: "127.0.0.1", port: port).get()
                do {
                    let tcp = try await ServerBootstrap(group: group)
                        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                        .childChannelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TCPFrameDecoder()))
                                try channel.pipeline.syncOperations.addHandler(TCPHandler(zone: zone, counter: counter))
                            }
                        }
                        .bind(host: "127.0.0.1", port: port).get()
                    return ScenarioDNSServer(port: port, channels: [udp, tcp], tcpQueryCount: counter)
                } catch {
                    try? await udp.close()
                    throw error
                }
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// `127.0.0.1:PORT`, for a resolver configuration.
    var address: String { "127.0.0.1:\(port)" }

    func stop() async {
        for channel in channels { try? await channel.close() }
    }
}

/// A count shared by the server and its connections.
private final class QueryCounter: Sendable {
    let value = Mutex(0)
}

/// Answers each datagram from the zone (or stays silent when the zone says the query times out).
private final class UDPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let zone: ScenarioZone

    init(zone: ScenarioZone) { self.zone = zone }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        guard let query = try? Message(parsing: &envelope.data), let reply = zone.reply(to: query, overUDP: true) else { return }
        let out = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: context.channel.allocator.buffer(bytes: reply))
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}

/// Splits a TCP stream into DNS messages by their two-octet length prefix (RFC 1035 §4.2.2).
private struct TCPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }
}

/// Answers each framed query from the zone, length-prefixed.
private final class TCPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let zone: ScenarioZone
    let counter: QueryCounter

    init(zone: ScenarioZone, counter: QueryCounter) {
        self.zone = zone
        self.counter = counter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        counter.value.withLock { $0 += 1 }
        guard let query = try? Message(parsing: &frame), let reply = zone.reply(to: query, overUDP: false) else { return }
        var out = context.channel.allocator.buffer(capacity: reply.count + 2)
        out.writeInteger(UInt16(reply.count))
        out.writeBytes(reply)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}

extension ScenarioDNSServer {
    /// How long the resolver waits for this server: long enough for a loaded machine, short enough that the
    /// suite's TIMEOUT cases (no reply) end quickly as temperror.
    static let resolverTimeout = Duration.seconds(1)

    /// A fresh resolver (empty cache) asking only this server, once per query.
    func resolver() throws -> DNS.Resolver<ContinuousClock> {
        var configuration = try ResolverConfiguration(servers: [address])
        configuration.timeout = Self.resolverTimeout
        configuration.attempts = 1
        return DNS.Resolver(configuration: configuration)
    }
}
