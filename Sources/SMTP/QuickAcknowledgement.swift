import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Acknowledges every segment the server sends at once (Linux `TCP_QUICKACK`, set after each read; setting it also
/// sends an acknowledgement the kernel was holding back).
///
/// After the TLS 1.3 handshake a server sends its session ticket and, a moment later, the reply to the client's next
/// command. A server that leaves Nagle's algorithm on (Postfix's smtpd does) holds that reply until the ticket is
/// acknowledged, and Linux delays the acknowledgement by 40 ms when the client has nothing to send: half of the
/// sessions with the lab's Postfix took 52 ms instead of 8 ms.
final class QuickAcknowledgement: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        #if os(Linux)
        let quickAck = ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: CInt(TCP_QUICKACK)))
        context.channel.setOption(quickAck, value: 1).whenFailure { _ in }
        #endif
        context.fireChannelRead(data)
    }
}
