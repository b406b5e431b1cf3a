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
/// Server. It sits after ``RequestDeadlineHandler``, which sees every request head and end.
final class HotRouteHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: HotRoutes
    /// Requests passed on to the router whose response has not ended.
    private var owed = 0
    /// The answer to the request being read, written when its end arrives.
    private var answering: (answer: KeyAnswer, headOnly: Bool)?
    /// The client's rate-limit key; nil when the peer is a trusted proxy or unknown (then the router decides).
    private var clientKey: String?? = nil
    private var date = (second: -1, text: "")

    init(routes: HotRoutes) {
        self.routes = routes
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
                write(pending.answer, headOnly: pending.headOnly, context: context)
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
        guard head.version == .http1_1, head.isKeepAlive, head.method == .GET || head.method == .HEAD,
              let key = KeyAnswerCache.requestKey(host: head.headers.first(name: "host"), target: head.uri)
        else { return nil }
        let wkd = key.hasPrefix("w ")
        guard wkd || head.method == .GET else { return nil }
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

    private func write(_ answer: KeyAnswer, headOnly: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(6)
        headers.add(name: "Content-Type", value: answer.contentType)
        headers.add(name: "Access-Control-Allow-Origin", value: "*")
        if let cacheControl = answer.cacheControl { headers.add(name: "Cache-Control", value: cacheControl) }
        headers.add(name: "Content-Length", value: String(answer.body.readableBytes))
        headers.add(name: "Date", value: currentDate())
        headers.add(name: "Server", value: routes.serverName)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        if !headOnly { context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The Date header (RFC 9110 §6.6.1), formatted once a second per connection.
    private func currentDate() -> String {
        let second = Int(Date().timeIntervalSince1970)
        if second != date.second { date = (second, HTTPDate.format(second)) }
        return date.text
    }

    /// Puts a ``HotRouteHandler`` after the ``RequestDeadlineHandler`` (or, without one, after NIO's HTTP/1 decoder),
    /// in front of the HTTP-types conversion Hummingbird's extra handlers follow, and removes itself. Add it after
    /// ``RequestDeadlineHandler/Installer``.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let routes: HotRoutes

        init(routes: HotRoutes) {
            self.routes = routes
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let deadline = try? pipeline.handler(type: RequestDeadlineHandler.self) {
                try? pipeline.addHandler(HotRouteHandler(routes: routes), position: .after(deadline))
            } else if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try? pipeline.addHandler(HotRouteHandler(routes: routes), position: .after(decoder))
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}

/// The IMF-fixdate form of HTTP dates (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
enum HTTPDate {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `seconds` since 1970-01-01 00:00:00 UTC (not before it) as an HTTP date.
    static func format(_ seconds: Int) -> String {
        let days = seconds / 86_400
        let time = seconds % 86_400
        // Days to a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil inverted).
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[days % 7]), \(two(day)) \(months[month - 1]) \(year) \(two(time / 3600)):\(two(time % 3600 / 60)):\(two(time % 60)) GMT"
    }
}
