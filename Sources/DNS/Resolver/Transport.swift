import NIOCore
import NIOPosix

/// Sends one query to one server over UDP or TCP and returns the matching response (RFC 1035 §4.2).
struct Transport: Sendable {
    let group: any EventLoopGroup

    /// One UDP exchange from a fresh socket (a random source port per query), waiting for a reply whose ID and
    /// question match; other datagrams are ignored (RFC 5452 §9). The socket is bound to the wildcard address as an
    /// address: binding to it by name would call `getaddrinfo` (and a netlink dump) for every query.
    func udp(_ query: Message, to server: SocketAddress, timeout: Duration) async throws(DNSError) -> Message {
        let bindHost = server.protocol == .inet6 ? "::" : "0.0.0.0"
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: Message.self)
        var payload = ByteBuffer()
        query.write(to: &payload)
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UDPReplyHandler(query: query, server: server, promise: promise))
                    }
                }
                .bind(to: try SocketAddress(ipAddress: bindHost, port: 0)).get()
            try await channel.connect(to: server).get()
        } catch {
            promise.fail(error)
            throw .network("cannot open a UDP socket to \(server): \(error)")
        }
        let timer = eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
            promise.fail(DNSError.timeout("no UDP reply from \(Self.describe(server))"))
        }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: payload), promise: nil)
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        return try await Self.await(promise.futureResult, server: server)
    }

    /// One TCP exchange with the two-octet length prefix (RFC 1035 §4.2.2).
    func tcp(_ query: Message, to server: SocketAddress, timeout: Duration) async throws(DNSError) -> Message {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: Message.self)
        var payload = ByteBuffer()
        payload.writeInteger(UInt16(0))
        query.write(to: &payload)
        payload.setInteger(UInt16(payload.readableBytes - 2), at: payload.readerIndex)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(.nanoseconds(Int64(timeout.nanoseconds)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LengthPrefixedFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(TCPReplyHandler(query: query, promise: promise))
                    }
                }
                .connect(to: server).get()
        } catch {
            promise.fail(error)
            throw .network("cannot connect over TCP to \(Self.describe(server)): \(error)")
        }
        let timer = eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
            promise.fail(DNSError.timeout("no TCP reply from \(Self.describe(server))"))
        }
        channel.writeAndFlush(payload, promise: nil)
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        return try await Self.await(promise.futureResult, server: server)
    }

    private static func await(_ future: EventLoopFuture<Message>, server: SocketAddress) async throws(DNSError) -> Message {
        do {
            return try await future.get()
        } catch let error as DNSError {
            throw error
        } catch {
            throw .network("\(describe(server)): \(error)")
        }
    }

    static func describe(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port ?? 0
        return address.protocol == .inet6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether `response` answers `query`: same ID, a response, and the same question (RFC 5452 §9.1).
    static func matches(_ response: Message, _ query: Message) -> Bool {
        response.header.id == query.header.id && response.header.isResponse
            && (response.questions.isEmpty || response.questions == query.questions)
    }
}

private final class UDPReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let query: Message
    let server: SocketAddress
    let promise: EventLoopPromise<Message>

    init(query: Message, server: SocketAddress, promise: EventLoopPromise<Message>) {
        self.query = query
        self.server = server
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        guard envelope.remoteAddress == server, let response = try? Message(parsing: &envelope.data),
              Transport.matches(response, query)
        else { return }
        promise.succeed(response)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(DNSError.network("\(Transport.describe(server)): \(error)"))
    }
}

private final class TCPReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let query: Message
    let promise: EventLoopPromise<Message>

    init(query: Message, promise: EventLoopPromise<Message>) {
        self.query = query
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        do {
            let response = try Message(parsing: &frame)
            guard Transport.matches(response, query) else { throw DNSError.mismatchedResponse }
            promise.succeed(response)
        } catch {
            promise.fail(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(DNSError.network("connection closed before a reply"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(DNSError.network("\(error)"))
    }
}

/// Frames TCP DNS messages by their two-octet length prefix.
struct LengthPrefixedFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length)
        else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        context.fireChannelRead(NIOAny(buffer.readSlice(length: Int(length))!))
        return .continue
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
