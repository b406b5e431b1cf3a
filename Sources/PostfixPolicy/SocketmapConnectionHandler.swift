import ListenerLimits
import Logging
import NIOCore

/// One socketmap connection after the netstring decoder: answers requests in order, a cached reply at once on the
/// event loop (``PolicyResponder/cachedReply(to:)``), any other in a task whose reply is written back on the loop.
/// Requests arriving meanwhile wait in order; past ``maximumWaiting`` the connection stops reading until they are
/// answered. A malformed request is answered `PERM` after the replies before it, then the connection is closed; so
/// is a connection whose client closed its side, once every reply is written.
final class SocketmapConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Requests held behind one being answered before the connection stops reading (Postfix sends one at a time).
    static let maximumWaiting = 64

    private enum Work {
        case request(ByteBuffer)
        case malformed(NetstringError)
        case finish
    }

    private let responder: PolicyResponder
    private let logger: Logger
    private var waiting = WaitingWork<Work>(maximumWaiting: SocketmapConnectionHandler.maximumWaiting)
    private var answering = false
    private var ended = false
    private var unflushed = false

    init(responder: PolicyResponder, logger: Logger) {
        self.responder = responder
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        enqueue(.request(unwrapInboundIn(data)), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let malformed = error as? NetstringError else {
            context.close(promise: nil)
            return
        }
        enqueue(.malformed(malformed), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent {
            enqueue(.finish, context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func enqueue(_ work: Work, context: ChannelHandlerContext) {
        guard !ended else { return }
        waiting.append(work, context: context)
        drain(context: context)
    }

    /// Does waiting work in order until one request needs the slow path.
    private func drain(context: ChannelHandlerContext) {
        while !answering, !ended, let work = waiting.popFirst() {
            switch work {
            case .request(let request):
                if let reply = responder.cachedReply(to: request) {
                    context.write(wrapOutboundOut(reply), promise: nil)
                    unflushed = true
                } else {
                    answer(request, context: context)
                }
            case .malformed(let error):
                logger.warning("malformed socketmap request", metadata: ["reason": "\(error.reason)"])
                let reply = Netstring.encode(PolicyReply.permanent("malformed request: \(error.reason)").description)
                end(after: reply, context: context)
            case .finish:
                end(after: ByteBuffer(), context: context)
            }
        }
        if !ended { waiting.resumeReadingIfTaken(context: context) }
    }

    private func answer(_ request: ByteBuffer, context: ChannelHandlerContext) {
        answering = true
        let responder = self.responder
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        Task {
            let reply = await responder.encodedReply(to: request)
            loop.execute {
                let (handler, context) = bound.value
                handler.answering = false
                guard !handler.ended, context.channel.isActive else { return }
                context.write(handler.wrapOutboundOut(reply), promise: nil)
                handler.unflushed = true
                handler.drain(context: context)
                handler.flushIfNeeded(context: context)
            }
        }
    }

    /// Writes the last bytes, then closes the connection once they are sent.
    private func end(after reply: ByteBuffer, context: ChannelHandlerContext) {
        ended = true
        waiting.removeAll()
        unflushed = false
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }
}
