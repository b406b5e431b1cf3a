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
