@testable import HTTPFetch
import NIOCore
import NIOHTTP1
import Testing

/// The response state machine, event by event, without I/O.
@Suite("ResponseStateMachine")
struct ResponseStateMachineTests {
    static func machine(cap: Int = 10) -> ResponseStateMachine {
        ResponseStateMachine(maximumBodySize: cap, host: "h.test", url: "https://h.test/")
    }

    static func head(_ status: Int, _ headers: [(String, String)] = []) -> HTTPResponseHead {
        HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: HTTPHeaders(headers))
    }

    @Test func okResponseCompletesAtEndWithTheBody() {
        var m = Self.machine()
        #expect(m.receivedHead(Self.head(200, [("Content-Type", "text/plain")])) == .none)
        #expect(m.receivedBody(ByteBuffer(string: "hello ")) == .none)
        #expect(m.receivedBody(ByteBuffer(string: "you")) == .none)
        let end = m.receivedEnd()
        #expect(end == .succeed(RawResponse(status: 200, headers: [FetchHeader(name: "Content-Type", value: "text/plain")],
                                            body: Array("hello you".utf8))))
        #expect(m.isFinished)
        #expect(m.channelInactive() == .none)
        #expect(m.deadlineReached() == .none)
    }

    @Test func redirectCompletesAtTheHead() {
        var m = Self.machine()
        #expect(m.receivedHead(Self.head(302, [("Location", "/x")])) == .succeed(
            RawResponse(status: 302, headers: [FetchHeader(name: "Location", value: "/x")], body: [])))
        #expect(m.receivedBody(ByteBuffer(string: "ignored")) == .none)
        #expect(m.receivedEnd() == .none)
    }

    @Test func refusalIsReadToItsEndKeepingTheStartOfItsBody() {
        var m = Self.machine(cap: 4)
        #expect(m.receivedHead(Self.head(404, [("Content-Length", "5000")])) == .none, "the cap is for 200 bodies only")
        #expect(m.receivedBody(ByteBuffer(string: "{\"error\": ")) == .none)
        #expect(m.receivedBody(ByteBuffer(bytes: [UInt8](repeating: 0x61, count: 5000))) == .none)
        guard case .succeed(let response) = m.receivedEnd() else { Issue.record("no result"); return }
        #expect(response.status == 404)
        #expect(response.body.count == ResponseStateMachine.maximumErrorBodySize)
        #expect(response.body.starts(with: Array("{\"error\": ".utf8)))
    }

    @Test func postIsRepeatedOnlyFor307And308() {
        let post = FetchRequest(method: .POST, body: [1], contentType: "application/json")
        #expect(post.redirected(by: 307) == post)
        #expect(post.redirected(by: 308) == post)
        for status in [301, 302, 303] { #expect(post.redirected(by: status) == .get) }
    }

    @Test func announcedLengthOverTheCapFailsAtTheHead() {
        var m = Self.machine(cap: 10)
        #expect(m.receivedHead(Self.head(200, [("Content-Length", "11")])) == .fail(.bodyTooLarge(10)))
        var exact = Self.machine(cap: 10)
        #expect(exact.receivedHead(Self.head(200, [("Content-Length", "10")])) == .none)
    }

    @Test func bodyPassingTheCapFailsAtOnce() {
        var m = Self.machine(cap: 10)
        #expect(m.receivedHead(Self.head(200)) == .none)
        #expect(m.receivedBody(ByteBuffer(string: "0123456789")) == .none)
        #expect(m.receivedBody(ByteBuffer(string: "!")) == .fail(.bodyTooLarge(10)))
        #expect(m.receivedEnd() == .none)
    }

    @Test func informationalHeadsAreSkipped() {
        var m = Self.machine()
        #expect(m.receivedHead(Self.head(100)) == .none)
        #expect(m.receivedEnd() == .none)
        #expect(m.receivedHead(Self.head(200)) == .none)
        #expect(m.receivedEnd() == .succeed(RawResponse(status: 200, headers: [], body: [])))
    }

    @Test func closeBeforeTheEndIsMalformed() {
        var early = Self.machine()
        #expect(early.channelInactive() == .fail(.malformedResponse("")))
        var inBody = Self.machine()
        _ = inBody.receivedHead(Self.head(200))
        #expect(inBody.channelInactive() == .fail(.malformedResponse("")))
    }

    @Test func deadlineFailsWithTimeoutOnce() {
        var m = Self.machine()
        #expect(m.deadlineReached() == .fail(.timeout("")))
        #expect(m.deadlineReached() == .none)
        #expect(m.errorCaught(ChannelError.ioOnClosedChannel) == .none)
    }

    @Test func errorsAreClassified() {
        #expect(ResponseStateMachine.classify(HTTPParserError.invalidChunkSize, host: "h") == .malformedResponse(""))
        #expect(ResponseStateMachine.classify(ChannelError.connectTimeout(.seconds(1)), host: "h") == .connection("", ""))
        #expect(ResponseStateMachine.classify(HTTPFetchError.bodyTooLarge(1), host: "h") == .bodyTooLarge(1))
    }
}

/// URL parsing and redirect targets (RFC 3986 §5.2), without I/O.
@Suite("HTTPSURL")
struct HTTPSURLTests {
    @Test func partsAreSplit() throws {
        let url = try HTTPSURL("HTTPS://Good.Web.Test.:8443/a/b?l=x#frag")
        #expect(url.host == "good.web.test")
        #expect(url.explicitPort == 8443)
        #expect(url.target == "/a/b?l=x")
        #expect(url.description == "https://good.web.test:8443/a/b?l=x")
        let bare = try HTTPSURL("https://example.org")
        #expect(bare.target == "/")
        #expect(bare.port(default: 443) == 443)
        #expect(try HTTPSURL("https://example.org?q").target == "/?q")
    }

    @Test func locationsResolveAgainstTheCurrentURL() throws {
        let base = try HTTPSURL("https://h.test/dir/file?q=1")
        #expect(base.resolving("/other").url == "https://h.test/other")
        #expect(base.resolving("sibling").url == "https://h.test/dir/sibling")
        #expect(base.resolving("?p=2").url == "https://h.test/dir/file?p=2")
        #expect(base.resolving("//elsewhere.test/x").url == "https://elsewhere.test/x")
        #expect(base.resolving("https://x.test/y") == ("https", "https://x.test/y"))
        #expect(base.resolving("HTTP://x.test/y").scheme == "http")
        #expect(base.resolving("mailto:a@b").scheme == "mailto")
        let ported = try HTTPSURL("https://h.test:8443/a")
        #expect(ported.resolving("/b").url == "https://h.test:8443/b")
    }
}
