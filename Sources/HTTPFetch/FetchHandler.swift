import NIOCore
import NIOHTTP1

/// Sends one request (a head and an optional body) and feeds the response into a ``ResponseStateMachine``; completes `promise` exactly once and then
/// closes the channel. Fails at `deadline` whatever stage the connection is in (TCP, TLS, response).
final class FetchHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var machine: ResponseStateMachine
    private let request: HTTPRequestHead
    private let body: [UInt8]
    private let promise: EventLoopPromise<RawResponse>
    private let deadline: NIODeadline
    private var timer: Scheduled<Void>?

    init(request: HTTPRequestHead, body: [UInt8], machine: ResponseStateMachine, deadline: NIODeadline, promise: EventLoopPromise<RawResponse>) {
        self.request = request
        self.body = body
        self.machine = machine
        self.deadline = deadline
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loop = context.eventLoop.assumeIsolated()
        timer = loop.scheduleTask(deadline: deadline) { [self] in
            perform(machine.deadlineReached(), context: context)
        }
        if context.channel.isActive { sendRequest(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        perform(machine.channelInactive(), context: context)
        timer?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context: context)
        context.fireChannelActive()
    }

    private var sent = false

    private func sendRequest(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        // NIOSSLClientHandler holds these until the handshake is done.
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action: ResponseStateMachine.Action
        switch unwrapInboundIn(data) {
        case .head(let head): action = machine.receivedHead(head)
        case .body(let buffer): action = machine.receivedBody(buffer)
        case .end: action = machine.receivedEnd()
        }
        perform(action, context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(machine.errorCaught(error), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.channelInactive(), context: context)
        context.fireChannelInactive()
    }

    private func perform(_ action: ResponseStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            return
        case .succeed(let response):
            timer?.cancel()
            promise.succeed(response)
            context.close(promise: nil)
        case .fail(let error):
            timer?.cancel()
            promise.fail(error)
            context.close(promise: nil)
        }
    }
}
