public import NIOCore

/// How long the socketmap server waits for a client and how many it holds at once.
public struct SocketmapLimits: Sendable, Equatable {
    /// Postfix's socketmap client closes a connection idle for 10 s and any connection 100 s old
    /// (`DICT_SOCKMAP_DEF_MAX_IDLE`, `DICT_SOCKMAP_DEF_MAX_TTL` in Postfix's dict_sockmap.c), so a well-behaved Postfix
    /// is never cut off by a server idle timeout above 100 s.
    public static let defaultIdleTimeout: TimeAmount = .seconds(120)
    /// Postfix's `default_process_limit` is 100 smtp processes, each with at most one socketmap connection.
    public static let defaultMaxConnections = 1_000

    /// Time without a request, counted from the connection's start or from the last reply (half a netstring does not
    /// count as a request); the time the server spends on a reply does not count.
    public var idleTimeout: TimeAmount
    /// Connections held at once; beyond it the listener stops accepting until one closes.
    public var maxConnections: Int

    public init(idleTimeout: TimeAmount = SocketmapLimits.defaultIdleTimeout,
                maxConnections: Int = SocketmapLimits.defaultMaxConnections) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// The idle deadline of one socketmap connection, as a state machine returning actions: it runs while no request is
/// being answered. One timer at a time; a deadline that moves later leaves it where it is, and it reschedules itself.
struct IdleDeadline {
    enum Action: Equatable {
        case none
        case schedule(NIODeadline)
        case close
    }

    let timeout: TimeAmount
    private(set) var deadline: NIODeadline?
    private var requestsInProgress = 0
    private var timerScheduled = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    mutating func connected(now: NIODeadline) -> Action {
        set(now + timeout)
    }

    mutating func requestReceived() {
        requestsInProgress += 1
        deadline = nil
    }

    mutating func replyWritten(now: NIODeadline) -> Action {
        requestsInProgress = max(0, requestsInProgress - 1)
        return requestsInProgress == 0 ? set(now + timeout) : .none
    }

    mutating func timerFired(now: NIODeadline) -> Action {
        timerScheduled = false
        guard let deadline else { return .none }
        return now < deadline ? set(deadline) : .close
    }

    private mutating func set(_ newDeadline: NIODeadline) -> Action {
        deadline = newDeadline
        guard !timerScheduled else { return .none }
        timerScheduled = true
        return .schedule(newDeadline)
    }
}

/// Closes a socketmap connection idle for longer than its timeout (``IdleDeadline``); sits after the netstring
/// decoder, so it sees whole requests and replies.
final class IdleTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var state: IdleDeadline
    private var timer: Scheduled<Void>?
    private var started = false

    init(timeout: TimeAmount) {
        state = IdleDeadline(timeout: timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
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
        state.requestReceived()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        perform(state.replyWritten(now: .now()), context: context)
        context.write(data, promise: promise)
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        perform(state.connected(now: .now()), context: context)
    }

    private func perform(_ action: IdleDeadline.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .schedule(let deadline):
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
}
