import NIOCore

/// Closes a connection when `IdleStateHandler` reports no read for the idle timeout.
final class CloseOnIdleHandler: ChannelInboundHandler {
    typealias InboundIn = MilterFrame

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Holds a listener to `maximum` open connections: at the limit it stops asking the server socket for more (the
/// kernel's backlog keeps the next ones waiting) and asks again when one closes. Sits in the server channel's pipeline.
/// (The same as PostfixPolicy's socketmap handler, which the Milter target cannot import.)
final class ConnectionLimitHandler: ChannelDuplexHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel
    typealias OutboundIn = Never
    typealias OutboundOut = Never

    let maximum: Int
    private var open = 0
    private var readWithheld = false

    init(maximum: Int) {
        self.maximum = maximum
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        open += 1
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        child.closeFuture.hop(to: context.eventLoop).whenComplete { _ in
            let (handler, context) = loopBound.value
            handler.open -= 1
            if handler.readWithheld, handler.open < handler.maximum {
                handler.readWithheld = false
                context.read()
            }
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        guard open < maximum else {
            readWithheld = true
            return
        }
        context.read()
    }
}
