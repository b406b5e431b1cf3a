import NIOCore
@testable import PostfixPolicy
import Testing

/// The socketmap connection's idle deadline, event by event, without I/O.
@Suite struct IdleDeadlineTests {
    static func at(_ seconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(seconds) * 1_000_000_000) }

    @Test func anUntouchedConnectionClosesAfterTheTimeout() {
        var deadline = IdleDeadline(timeout: .seconds(10))
        #expect(deadline.connected(now: Self.at(100)) == .schedule(Self.at(110)))
        #expect(deadline.timerFired(now: Self.at(110)) == .close)
    }

    @Test func noDeadlineRunsWhileARequestIsAnswered() {
        var deadline = IdleDeadline(timeout: .seconds(10))
        _ = deadline.connected(now: Self.at(100))
        deadline.requestReceived()
        // A slow policy fetch: the timer fires during it and does nothing.
        #expect(deadline.timerFired(now: Self.at(110)) == .none)
        #expect(deadline.replyWritten(now: Self.at(130)) == .schedule(Self.at(140)))
        #expect(deadline.timerFired(now: Self.at(140)) == .close)
    }

    @Test func aLaterDeadlineMovesTheTimerOnceItFires() {
        var deadline = IdleDeadline(timeout: .seconds(10))
        _ = deadline.connected(now: Self.at(100))
        deadline.requestReceived()
        // The timer scheduled at connection is still pending: no second timer.
        #expect(deadline.replyWritten(now: Self.at(105)) == .none)
        #expect(deadline.timerFired(now: Self.at(110)) == .schedule(Self.at(115)))
        #expect(deadline.timerFired(now: Self.at(115)) == .close)
    }

    @Test func pipelinedRequestsKeepTheDeadlineOffUntilTheLastReply() {
        var deadline = IdleDeadline(timeout: .seconds(10))
        _ = deadline.connected(now: Self.at(100))
        deadline.requestReceived()
        deadline.requestReceived()
        #expect(deadline.timerFired(now: Self.at(110)) == .none)
        #expect(deadline.replyWritten(now: Self.at(111)) == .none)
        #expect(deadline.deadline == nil)
        #expect(deadline.replyWritten(now: Self.at(112)) == .schedule(Self.at(122)))
    }
}
