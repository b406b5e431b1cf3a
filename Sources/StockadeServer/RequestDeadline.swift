import NIOCore

/// The deadlines of one HTTP/1 connection, as a state machine returning actions: a client has `timeout` to send a
/// whole request head, counted from the connection's start or from the first byte of a later request, and may pause
/// no longer than `timeout` inside a request body; between requests (keep-alive, every response written) it may stay
/// silent for `idleTimeout`. While the server works on a response no deadline runs.
///
/// The idle deadline is kept here rather than by Hummingbird's connection handler because ``HotRouteHandler``
/// answers requests that never reach Hummingbird: its idle timer would close a busy connection of kept answers.
///
/// One timer at a time: a deadline that moves later leaves the timer where it is, and the timer, when it fires,
/// schedules itself again for the new deadline (so a body arriving in many reads does not cancel a timer per read);
/// a deadline earlier than the timer (an idle timeout shorter than the head's) replaces it.
struct RequestDeadline {
    enum Action: Equatable {
        case none
        case schedule(NIODeadline)
        case close
    }

    let timeout: TimeAmount
    let idleTimeout: TimeAmount
    /// When the connection is closed unless the request makes progress; nil while the server owes a response.
    private(set) var deadline: NIODeadline?
    /// The deadline is the keep-alive one: the next byte starts a request head.
    private var idle = false
    /// A request head arrived and its end did not yet.
    private var readingRequest = false
    /// Requests whose response has not ended.
    private var responsesOwed = 0
    /// When the scheduled timer fires; nil when none is.
    private var timerAt: NIODeadline?

    init(timeout: TimeAmount, idleTimeout: TimeAmount) {
        self.timeout = timeout
        self.idleTimeout = idleTimeout
    }

    /// The connection became active: the first request head is due.
    mutating func connected(now: NIODeadline) -> Action {
        set(now + timeout)
    }

    /// Bytes arrived: the start of a new request head, or progress in a body.
    mutating func bytesReceived(now: NIODeadline) -> Action {
        if readingRequest || deadline == nil || idle { return set(now + timeout) }
        return .none
    }

    /// A whole request head arrived; its body, if any, may pause no longer than the timeout.
    mutating func headReceived(now: NIODeadline) -> Action {
        readingRequest = true
        responsesOwed += 1
        return set(now + timeout)
    }

    /// The request's end arrived: the response is the server's business, no deadline.
    mutating func endReceived() {
        readingRequest = false
        deadline = nil
        idle = false
    }

    /// A response ended: with none owed and no request being read or waiting, the connection is idle.
    mutating func responseEnded(now: NIODeadline) -> Action {
        responsesOwed = max(0, responsesOwed - 1)
        guard responsesOwed == 0, !readingRequest, deadline == nil else { return .none }
        return set(now + idleTimeout, idle: true)
    }

    /// A whole request was read and answered before the decoder saw any of it (``HotRequestReader``): the connection
    /// is idle, unless the decoder holds a request (then this is not called).
    mutating func answeredBeforeDecoding(now: NIODeadline) -> Action {
        guard responsesOwed == 0, !readingRequest else { return .none }
        return set(now + idleTimeout, idle: true)
    }

    /// The timer fired.
    mutating func timerFired(now: NIODeadline) -> Action {
        timerAt = nil
        guard let deadline else { return .none }
        if now < deadline { return set(deadline, idle: idle) }
        if !readingRequest, responsesOwed > 0 {
            // Bytes of a pipelined request wait behind a response still being made: its head is due after it.
            return set(now + timeout)
        }
        return .close
    }

    private mutating func set(_ newDeadline: NIODeadline, idle: Bool = false) -> Action {
        deadline = newDeadline
        self.idle = idle
        if let timerAt, timerAt <= newDeadline { return .none }
        timerAt = newDeadline
        return .schedule(newDeadline)
    }
}
