import NIOCore

/// The request deadline of one HTTP/1 connection, as a state machine returning actions: a client has
/// `timeout` to send a whole request head, counted from the connection's start or from the first byte of a later
/// request, and may pause no longer than `timeout` inside a request body. Between requests (keep-alive) and while the
/// server works on a response no deadline runs; Hummingbird's idle timeout covers the first.
///
/// One timer at a time: a deadline that moves later leaves the timer where it is, and the timer, when it fires,
/// schedules itself again for the new deadline (so a body arriving in many reads does not cancel a timer per read).
struct RequestDeadline {
    enum Action: Equatable {
        case none
        case schedule(NIODeadline)
        case close
    }

    let timeout: TimeAmount
    /// When the connection is closed unless the request makes progress; nil between requests.
    private(set) var deadline: NIODeadline?
    /// A request head arrived and its end did not yet.
    private var readingRequest = false
    /// Requests whose response has not ended.
    private var responsesOwed = 0
    private var timerScheduled = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    /// The connection became active: the first request head is due.
    mutating func connected(now: NIODeadline) -> Action {
        set(now + timeout)
    }

    /// Bytes arrived: the start of a new request head, or progress in a body.
    mutating func bytesReceived(now: NIODeadline) -> Action {
        if readingRequest || deadline == nil { return set(now + timeout) }
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
    }

    /// A response ended.
    mutating func responseEnded() {
        responsesOwed = max(0, responsesOwed - 1)
    }

    /// The timer fired.
    mutating func timerFired(now: NIODeadline) -> Action {
        timerScheduled = false
        guard let deadline else { return .none }
        if now < deadline { return set(deadline) }
        if !readingRequest, responsesOwed > 0 {
            // Bytes of a pipelined request wait behind a response still being made: its head is due after it.
            return set(now + timeout)
        }
        return .close
    }

    private mutating func set(_ newDeadline: NIODeadline) -> Action {
        deadline = newDeadline
        guard !timerScheduled else { return .none }
        timerScheduled = true
        return .schedule(newDeadline)
    }
}
