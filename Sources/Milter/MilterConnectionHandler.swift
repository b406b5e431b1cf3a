import ListenerLimits
import Logging
import NIOCore

/// One milter connection after the frame decoder, served on its event loop: the ``MilterConversation`` takes each
/// frame there and the replies it needs no filter for go out at once; a command the filter has a hook for is handed
/// to the filter in a task that prefers the same loop (``EventLoopTaskExecutor``), and its replies are written there. Frames arriving meanwhile wait in order; past
/// ``maximumWaiting`` the connection stops reading until they are taken. A malformed frame or a protocol error closes
/// the connection after the replies before it, and so does `Q`. For ``OpenConnections`` the connection is idle
/// outside a message: until `M`, and again once the reply that ends the message (or its abort) is sent.
final class MilterConnectionHandler<Filter: MilterFilter>: ChannelInboundHandler {
    typealias InboundIn = MilterFrame
    typealias OutboundOut = ByteBuffer

    /// Frames held behind one the filter is answering before the connection stops reading (Postfix sends none while
    /// it waits for a reply): at most 16 × ``MilterFrame/maximumLength`` octets per connection.
    static var maximumWaiting: Int { 16 }

    private enum Work {
        case frame(MilterFrame)
        case failed(MilterError)
    }

    private let filter: Filter
    private var conversation: MilterConversation
    private let connections: OpenConnections
    private var logger: Logger
    private var waiting = WaitingWork<Work>(maximumWaiting: MilterConnectionHandler.maximumWaiting)
    private var asking = false
    private var ended = false
    private var unflushed = false
    /// From `M` to the reply that ends the message.
    private var inMessage = false

    init(filter: Filter, configuration: MilterConversation.Configuration, connections: OpenConnections, logger: Logger) {
        self.filter = filter
        self.conversation = MilterConversation(configuration: configuration, hooks: filter.hooks)
        self.connections = connections
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        logger[metadataKey: "peer"] = "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")"
        connections.idle(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended = true
        waiting.removeAll()
        connections.closed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        enqueue(.frame(unwrapInboundIn(data)), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? MilterError else {
            logger.debug("milter connection ended", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        enqueue(.failed(error), context: context)
    }

    private func enqueue(_ work: Work, context: ChannelHandlerContext) {
        guard !ended else { return }
        waiting.append(work, context: context)
        drain(context: context)
    }

    /// Takes waiting frames in order until one is handed to the filter.
    private func drain(context: ChannelHandlerContext) {
        while !asking, !ended, let work = waiting.popFirst() {
            switch work {
            case .frame(let frame): take(frame, context: context)
            case .failed(let error): fail(error, context: context)
            }
        }
        if !ended { waiting.resumeReadingIfTaken(context: context) }
    }

    private func take(_ frame: MilterFrame, context: ChannelHandlerContext) {
        let command: MilterCommand
        let action: MilterConversation.Action
        do throws(MilterError) {
            command = try MilterCommand(frame)
            if case .mailFrom = command {
                inMessage = true
                connections.busy(context.channel)
            }
            action = try conversation.receive(command)
        } catch {
            fail(error, context: context)
            return
        }
        switch action {
        case .reply(let replies):
            if case .abort = command { endMessage(replies, context: context) } else { write(replies, context: context) }
        case .ask(let question):
            ask(question, context: context)
        case .close:
            close(context: context)
        }
    }

    private func ask(_ question: MilterConversation.Question, context: ChannelHandlerContext) {
        asking = true
        let filter = self.filter
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        Task(executorPreference: EventLoopTaskExecutor(loop)) {
            let answer = await filter.answer(question)
            loop.execute {
                let (handler, context) = bound.value
                handler.asking = false
                guard !handler.ended else { return }
                let replies = handler.conversation.answer(answer)
                if case .endOfMessage = question {
                    handler.endMessage(replies, context: context)
                } else {
                    handler.write(replies, context: context)
                }
                handler.drain(context: context)
                handler.flushIfNeeded(context: context)
            }
        }
    }

    private func write(_ replies: [MilterReply], context: ChannelHandlerContext) {
        guard !replies.isEmpty else { return }
        context.write(wrapOutboundOut(Self.encode(replies, allocator: context.channel.allocator)), promise: nil)
        unflushed = true
    }

    /// Sends the replies that end a message; once they are sent the connection is idle (and a graceful shutdown
    /// closes it), unless the next message has begun.
    private func endMessage(_ replies: [MilterReply], context: ChannelHandlerContext) {
        inMessage = false
        unflushed = false
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(Self.encode(replies, allocator: channel.allocator))).assumeIsolated().whenSuccess {
            if !self.inMessage { self.connections.idle(channel) }
        }
    }

    private func fail(_ error: MilterError, context: ChannelHandlerContext) {
        logger.warning("milter protocol error", metadata: ["reason": "\(error)"])
        close(context: context)
    }

    /// Sends what is written, then closes the connection.
    private func close(context: ChannelHandlerContext) {
        ended = true
        waiting.removeAll()
        unflushed = false
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    private static func encode(_ replies: [MilterReply], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        for reply in replies { reply.write(to: &buffer) }
        return buffer
    }
}
