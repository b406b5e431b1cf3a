import NIOCore
import NIOHTTP1

/// Closes an HTTP/1 connection whose client does not send a whole request head in time, stalls inside a request
/// body, or stays silent between requests past the idle timeout (``RequestDeadline``). Hummingbird's idle timeout
/// would wait for its full length on half a head, resets on every body part, and never sees the requests
/// ``HotRouteHandler`` answers, so the server gives it none. It sits right after NIO's HTTP/1 decoder and learns of
/// raw bytes from ``ByteWatcher``, in front of the decoder, so that half a head counts as the start of a request.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var state: RequestDeadline
    private var timer: Scheduled<Void>?
    private var started = false
    /// This handler's context, for ``responseEnded()`` called from ``HotRouteHandler``; let go on removal.
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount, idleTimeout: TimeAmount) {
        state = RequestDeadline(timeout: timeout, idleTimeout: idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: perform(state.headReceived(now: .now()), context: context)
        case .body: break
        case .end: state.endReceived()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { responseEnded() }
        context.write(data, promise: promise)
    }

    /// A response ended: called for the responses that pass through here, and by ``HotRouteHandler`` for the
    /// answers it writes below NIO's encoder.
    func responseEnded() {
        guard let context else { return }
        perform(state.responseEnded(now: .now()), context: context)
    }

    /// A whole request was answered by ``HotRequestReader`` before NIO's decoder saw it.
    func answeredBeforeDecoding() {
        guard let context else { return }
        perform(state.answeredBeforeDecoding(now: .now()), context: context)
    }

    /// Called by ``ByteWatcher`` for every read before decoding.
    func bytesReceived(context: ChannelHandlerContext) {
        perform(state.bytesReceived(now: .now()), context: context)
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        perform(state.connected(now: .now()), context: context)
    }

    private func perform(_ action: RequestDeadline.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .schedule(let deadline):
            timer?.cancel()
            timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
                timer = nil
                perform(state.timerFired(now: .now()), context: context)
            }
        case .close:
            timer?.cancel()
            timer = nil
            context.close(promise: nil)
        }
    }

    /// Sees the connection's bytes before NIO's HTTP/1 decoder and tells the ``RequestDeadlineHandler`` of them.
    final class ByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer

        private let deadline: RequestDeadlineHandler
        private let deadlineContext: ChannelHandlerContext

        init(deadline: RequestDeadlineHandler, context: ChannelHandlerContext) {
            self.deadline = deadline
            self.deadlineContext = context
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadline.bytesReceived(context: deadlineContext)
            context.fireChannelRead(data)
        }
    }

    /// Hummingbird adds its extra handlers after the HTTP-types conversion; this one puts a
    /// ``RequestDeadlineHandler`` right after NIO's HTTP/1 decoder and its ``ByteWatcher`` right before it, and
    /// removes itself.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let timeout: TimeAmount
        let idleTimeout: TimeAmount

        init(timeout: TimeAmount, idleTimeout: TimeAmount) {
            self.timeout = timeout
            self.idleTimeout = idleTimeout
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let decoder = try? pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                let handler = RequestDeadlineHandler(timeout: timeout, idleTimeout: idleTimeout)
                try? pipeline.addHandler(handler, position: .after(decoder.handler))
                if let handlerContext = try? pipeline.context(handler: handler) {
                    try? pipeline.addHandler(ByteWatcher(deadline: handler, context: handlerContext), position: .before(decoder.handler))
                }
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
