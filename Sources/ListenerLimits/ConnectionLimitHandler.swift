package import NIOCore

/// Holds a listener to `maximum` open connections: at the limit it stops asking the server socket for more (the
/// kernel's backlog keeps the next ones waiting) and asks again when one closes. Sits in the server channel's pipeline
/// of the socketmap and milter listeners.
package final class ConnectionLimitHandler: ChannelDuplexHandler {
    package typealias InboundIn = any Channel
    package typealias InboundOut = any Channel
    package typealias OutboundIn = Never
    package typealias OutboundOut = Never

    package let maximum: Int
    private var open = 0
    private var readWithheld = false

    package init(maximum: Int) {
        self.maximum = maximum
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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

    package func read(context: ChannelHandlerContext) {
        guard open < maximum else {
            readWithheld = true
            return
        }
        context.read()
    }
}
