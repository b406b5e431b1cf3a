import CivilDate
import Foundation
import NIOCore
import NIOHTTP1

/// What ``HotRouteHandler`` needs to answer key GETs in front of Hummingbird: the prepared answers, and the key
/// server's per-client limit (nil when the key server is off: then only WKD answers are served from here).
struct HotRoutes: Sendable {
    let answers: KeyAnswerCache
    let keyServerLimits: KeyServerLimits?
    /// The `Server` header, as Hummingbird sends it.
    let serverName: String
}

/// Answers key GETs whose prepared answer is kept (``KeyAnswerCache``) on the event loop, right after NIO's HTTP/1
/// decoder: no HTTP-types conversion, no task, no router. Hummingbird alone tops out below nginx on this work (see
/// docs/benchmarks.md, issue 20), so the hot routes are answered here and everything else — misses included, which
/// the routes then prepare and keep — goes on to the router unchanged.
///
/// A request is answered here only when it is a keep-alive HTTP/1.1 GET (or HEAD for WKD), no earlier request on
/// the connection still waits for its response (so responses stay in order), and — for the key server's routes —
/// the client is within its rate limit and is not a trusted proxy (whose forwarded addresses the router reads). The
/// answer carries the headers the router sends: Content-Type, CORS, Cache-Control (WKD), Content-Length, Date and
/// Server. It is written as one buffer of ready bytes (``KeyAnswer/encodedHead``, the Date and Server lines of the
/// second, the body) from the context of NIO's `HTTPResponseEncoder`, so it goes to the socket (or TLS) without
/// being encoded again; ``RequestDeadlineHandler``, which sees every request head and end, is told of its end.
final class HotRouteHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: HotRoutes
    /// The context of NIO's `HTTPResponseEncoder`: writes from it go on as bytes toward the socket. Let go when this
    /// handler leaves the pipeline.
    private var encoderContext: ChannelHandlerContext?
    private let deadline: RequestDeadlineHandler?
    /// Requests passed on to the router whose response has not ended.
    private var owed = 0
    /// The answer to the request being read, written when its end arrives.
    private var answering: (answer: KeyAnswer, headOnly: Bool)?
    /// The client's rate-limit key; nil when the peer is a trusted proxy or unknown (then the router decides).
    private var clientKey: String?? = nil
    /// The Date and Server header lines and the empty line that ends the head, made once a second.
    private var headEnd = (second: -1, bytes: ByteBuffer())

    init(routes: HotRoutes, encoderContext: ChannelHandlerContext, deadline: RequestDeadlineHandler?) {
        self.routes = routes
        self.encoderContext = encoderContext
        self.deadline = deadline
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        encoderContext = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if owed == 0, let answer = answer(head, context: context) {
                answering = (answer, head.method == .HEAD)
                return
            }
            owed += 1
        case .body:
            if answering != nil { return }
        case .end:
            if let pending = answering {
                answering = nil
                respond(pending.answer, headOnly: pending.headOnly, context: context)
                deadline?.responseEnded()
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { owed = max(0, owed - 1) }
        context.write(data, promise: promise)
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> KeyAnswer? {
        guard head.version == .http1_1, head.isKeepAlive, head.method == .GET || head.method == .HEAD else { return nil }
        return answer(target: head.uri, host: head.headers.first(name: "host"), headOnly: head.method == .HEAD, context: context)
    }

    /// The kept answer to a keep-alive HTTP/1.1 GET (or HEAD, with `headOnly`) of `target` on `host`, if this
    /// connection may have it here; also asked by ``HotRequestReader``.
    func answer(target: String, host: String?, headOnly: Bool, context: ChannelHandlerContext) -> KeyAnswer? {
        guard encoderContext != nil, let key = KeyAnswerCache.requestKey(host: host, target: target) else { return nil }
        let wkd = key.hasPrefix("w ")
        guard wkd || !headOnly else { return nil }
        guard let answer = routes.answers.answer(for: key) else { return nil }
        if !wkd {
            guard let limits = routes.keyServerLimits, let client = client(context: context, limits: limits),
                  limits.perClient.admit(client) == nil
            else { return nil }
        }
        return answer
    }

    private func client(context: ChannelHandlerContext, limits: KeyServerLimits) -> String? {
        if let known = clientKey { return known }
        let peer = context.channel.remoteAddress?.ipAddress.flatMap { ClientAddress(Substring($0)) }
        let key = peer.flatMap { limits.trustedProxies.contains($0) ? nil : $0.limitKey }
        clientKey = .some(key)
        return key
    }

    /// Writes `answer` as one buffer of ready bytes from the encoder's context; also used by ``HotRequestReader``.
    func respond(_ answer: KeyAnswer, headOnly: Bool, context: ChannelHandlerContext) {
        let end = currentHeadEnd()
        let bodyBytes = headOnly ? 0 : answer.body.readableBytes
        var response = context.channel.allocator.buffer(capacity: answer.encodedHead.readableBytes + end.readableBytes + bodyBytes)
        response.writeImmutableBuffer(answer.encodedHead)
        response.writeImmutableBuffer(end)
        if !headOnly { response.writeImmutableBuffer(answer.body) }
        encoderContext?.writeAndFlush(NIOAny(response), promise: nil)
    }

    /// `Date` (RFC 9110 §6.6.1) and `Server` header lines and the head's closing CRLF, made once a second per connection.
    private func currentHeadEnd() -> ByteBuffer {
        let second = Int(Date().timeIntervalSince1970)
        if second != headEnd.second {
            headEnd = (second, ByteBuffer(string: "Date: \(HTTPDate.format(second))\r\nServer: \(routes.serverName)\r\n\r\n"))
        }
        return headEnd.bytes
    }

    /// Puts a ``HotRouteHandler`` after the ``RequestDeadlineHandler`` (or, without one, after NIO's HTTP/1 decoder),
    /// in front of the HTTP-types conversion Hummingbird's extra handlers follow, and its ``HotRequestReader`` in front
    /// of NIO's encoder (after TLS, if any), and removes itself. Add it after ``RequestDeadlineHandler/Installer``.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let routes: HotRoutes

        init(routes: HotRoutes) {
            self.routes = routes
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let encoder = try? pipeline.context(handlerType: HTTPResponseEncoder.self) {
                let deadline = try? pipeline.handler(type: RequestDeadlineHandler.self)
                let handler = HotRouteHandler(routes: routes, encoderContext: encoder, deadline: deadline)
                if let deadline {
                    try? pipeline.addHandler(handler, position: .after(deadline))
                } else if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                    try? pipeline.addHandler(handler, position: .after(decoder))
                }
                try? pipeline.addHandler(HotRequestReader(hot: handler, deadline: deadline), position: .before(encoder.handler))
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}

/// The IMF-fixdate form of HTTP dates (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `seconds` since 1970-01-01 00:00:00 UTC (not before it) as an HTTP date.
    static func format(_ seconds: Int) -> String {
        let (civil, time) = CivilDate.of(secondsSince1970: Int64(seconds))
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[CivilDate.weekday(daysSince1970: civil.daysSince1970)]), \(two(civil.day)) \(months[Int(civil.month) - 1]) "
            + "\(civil.year) \(two(time / 3600)):\(two(time % 3600 / 60)):\(two(time % 60)) GMT"
    }
}
