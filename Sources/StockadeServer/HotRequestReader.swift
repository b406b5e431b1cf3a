import HTTPHead
import NIOCore

/// Answers kept key GETs straight from a connection's bytes, in front of NIO's HTTP/1 decoder: a request head of the
/// plain shape (``PlainRequestHead``: GET or HEAD, origin form, HTTP/1.1, one Host, nothing that frames a body or
/// closes) whose answer ``HotRouteHandler`` would give is answered without decoding, as one buffer of ready bytes.
///
/// It reads only while the decoder has seen nothing on the connection, so it never answers ahead of a request the
/// decoder holds: the first bytes it does not answer — another request, a miss, half a head — go to the decoder with
/// everything after them, and the reader leaves the pipeline; ``HotRouteHandler`` answers kept GETs from then on.
/// ``RequestDeadlineHandler`` is told of every request answered here (the connection is idle after it).
final class HotRequestReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let hot: HotRouteHandler
    private let deadline: RequestDeadlineHandler?

    init(hot: HotRouteHandler, deadline: RequestDeadlineHandler?) {
        self.hot = hot
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        while bytes.readableBytes > 0,
              let plain = bytes.withUnsafeReadableBytes({ PlainRequestHead.parse($0) }),
              let answer = hot.answer(target: plain.target, host: plain.host, headOnly: plain.method == .head, context: context) {
            bytes.moveReaderIndex(forwardBy: plain.length)
            hot.respond(answer, headOnly: plain.method == .head, context: context)
            deadline?.answeredBeforeDecoding()
        }
        guard bytes.readableBytes > 0 else { return }
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// Still here, so every read since the last read-complete was answered here (a read it passes on makes it leave
    /// at once, and the read-complete then goes past it): the handlers behind saw none, so they are not told.
    func channelReadComplete(context: ChannelHandlerContext) {}
}
