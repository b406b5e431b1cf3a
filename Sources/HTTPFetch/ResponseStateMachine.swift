import NIOCore
import NIOHTTP1
import NIOSSL

/// The head and (except for redirects) the body of one HTTP/1.1 response, before the policy's checks.
struct RawResponse: Sendable, Hashable {
    var status: Int
    var headers: [FetchHeader]
    var body: [UInt8]
}

/// One response on one connection, as a value: events in, actions out (no I/O, tested on its own).
///
/// A 200 response is read to its end with the body cap enforced on the announced `Content-Length` and on every
/// chunk (RFC 9112 §6). A redirect (301, 302, 303, 307, 308) is complete at its head, since only the status and
/// `Location` matter. Any other final status is read to its end too, keeping at most ``maximumErrorBodySize``
/// bytes of the body (APIs explain refusals there, e.g. VKS's `{"error": …}`) and dropping the rest.
/// Informational (1xx) heads are skipped (RFC 9110 §15.2). Everything after the first result is ignored.
struct ResponseStateMachine {
    enum Action: Equatable {
        /// Nothing to do yet.
        case none
        /// Complete with this response and close the connection.
        case succeed(RawResponse)
        /// Complete with this error and close the connection.
        case fail(HTTPFetchError)
    }

    private enum State {
        case awaitingHead
        case informational
        case receivingBody(status: Int, headers: [FetchHeader], body: [UInt8])
        case finished
    }

    /// The most bytes kept of the body of a response that is neither 200 nor a redirect.
    static let maximumErrorBodySize = 4096
    /// The statuses answered by following `Location` (RFC 9110 §15.4).
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    private var state = State.awaitingHead
    let maximumBodySize: Int
    let host: String
    let url: String

    init(maximumBodySize: Int, host: String, url: String) {
        self.maximumBodySize = maximumBodySize
        self.host = host
        self.url = url
    }

    var isFinished: Bool { if case .finished = state { true } else { false } }

    mutating func receivedHead(_ head: HTTPResponseHead) -> Action {
        switch state {
        case .awaitingHead, .informational:
            let status = Int(head.status.code)
            let headers = head.headers.map { FetchHeader(name: $0.name, value: $0.value) }
            if (100..<200).contains(status) && status != 101 {
                state = .informational
                return .none
            }
            if Self.redirectStatuses.contains(status) {
                state = .finished
                return .succeed(RawResponse(status: status, headers: headers, body: []))
            }
            guard status == 200 else {
                state = .receivingBody(status: status, headers: headers, body: [])
                return .none
            }
            let lengths = head.headers["Content-Length"]
            if let announced = lengths.first.flatMap({ Int($0.trimmingCharacters()) }), announced > maximumBodySize {
                state = .finished
                return .fail(.bodyTooLarge(maximumBodySize))
            }
            state = .receivingBody(status: status, headers: headers, body: [])
            return .none
        case .receivingBody:
            state = .finished
            return .fail(.malformedResponse("a second response head"))
        case .finished:
            return .none
        }
    }

    mutating func receivedBody(_ buffer: ByteBuffer) -> Action {
        switch state {
        case .receivingBody(let status, let headers, var body) where status != 200:
            state = .finished
            body.append(contentsOf: buffer.readableBytesView.prefix(max(0, Self.maximumErrorBodySize - body.count)))
            state = .receivingBody(status: status, headers: headers, body: body)
            return .none
        case .receivingBody(let status, let headers, var body):
            guard body.count + buffer.readableBytes <= maximumBodySize else {
                state = .finished
                return .fail(.bodyTooLarge(maximumBodySize))
            }
            state = .finished  // avoid a copy-on-write of the body while it is appended to
            body.append(contentsOf: buffer.readableBytesView)
            state = .receivingBody(status: status, headers: headers, body: body)
            return .none
        case .awaitingHead, .informational:
            state = .finished
            return .fail(.malformedResponse("body before the response head"))
        case .finished:
            return .none
        }
    }

    mutating func receivedEnd() -> Action {
        switch state {
        case .informational:
            state = .awaitingHead
            return .none
        case .receivingBody(let status, let headers, let body):
            state = .finished
            return .succeed(RawResponse(status: status, headers: headers, body: body))
        case .awaitingHead:
            state = .finished
            return .fail(.malformedResponse("end of response without a head"))
        case .finished:
            return .none
        }
    }

    /// An error from the pipeline (TLS, HTTP parser, socket).
    mutating func errorCaught(_ error: any Error) -> Action {
        guard !isFinished else { return .none }
        state = .finished
        return .fail(Self.classify(error, host: host))
    }

    /// The connection closed.
    mutating func channelInactive() -> Action {
        guard !isFinished else { return .none }
        let receiving = if case .receivingBody = state { true } else { false }
        state = .finished
        return .fail(.malformedResponse(receiving ? "connection closed inside the body" : "connection closed before a response"))
    }

    /// The fetch's deadline passed.
    mutating func deadlineReached() -> Action {
        guard !isFinished else { return .none }
        state = .finished
        return .fail(.timeout(url))
    }

    /// Maps a NIO, NIOSSL or parser error to the library's error.
    static func classify(_ error: any Error, host: String) -> HTTPFetchError {
        if let error = error as? HTTPFetchError { return error }
        if error is HTTPParserError { return .malformedResponse("\(error)") }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return .tls(host, "\(error)")
        }
        return .connection(host, "\(error)")
    }
}
