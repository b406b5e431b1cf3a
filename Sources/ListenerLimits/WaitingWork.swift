public import NIOCore

/// What a connection's handler has read but not yet taken, in order, while an earlier request is being answered; past
/// ``maximumWaiting`` the connection stops reading (backpressure: nothing is dropped, the client's writes wait in the
/// kernel) until at most half as many wait. The milter's and the socketmap's connection handlers share it.
public struct WaitingWork<Work> {
    public let maximumWaiting: Int
    private var waiting = CircularBuffer<Work>()
    /// The connection's reading is stopped.
    public private(set) var readingPaused = false

    public init(maximumWaiting: Int) {
        self.maximumWaiting = maximumWaiting
    }

    /// Adds `work` behind the rest; stops the connection's reading past the limit.
    public mutating func append(_ work: Work, context: ChannelHandlerContext) {
        waiting.append(work)
        if waiting.count > maximumWaiting, !readingPaused {
            readingPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    /// How much work waits.
    public var count: Int { waiting.count }

    /// The oldest work, if any.
    public mutating func popFirst() -> Work? {
        waiting.popFirst()
    }

    /// Reads again once at most half the limit waits, after reading stopped.
    public mutating func resumeReadingIfTaken(context: ChannelHandlerContext) {
        guard readingPaused, waiting.count <= maximumWaiting / 2 else { return }
        readingPaused = false
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        context.read()
    }

    /// Drops everything waiting (the connection ended).
    public mutating func removeAll() {
        waiting.removeAll()
    }
}
