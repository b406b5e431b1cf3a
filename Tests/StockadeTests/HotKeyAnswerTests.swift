import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
import Testing

@testable import StockadeServer

/// Key GETs answered from prepared answers (issue 20): by the event-loop handler in front of the router, with the
/// bytes and headers the router sends, and dropped when what they were made from changes — in one process, and on a
/// second instance sharing PostgreSQL.
@Suite("Prepared key answers", .serialized)
struct HotKeyAnswerTests {
    static let token = "hot-token-0123456789abcdef"

    /// One response of a ``keepAlive(port:_:)`` run.
    struct Fetched {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]
        /// Connections curl opened for it (0: the previous one was reused).
        let connects: Int
    }

    /// Runs the requests (method, path, Host) in order with curl over one keep-alive HTTP/1.1 connection.
    static func keepAlive(port: Int, _ requests: [(String, String, String)]) throws -> [Fetched] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hot-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments: [String] = []
        for (index, (method, path, host)) in requests.enumerated() {
            if index > 0 { arguments.append("--next") }
            arguments += ["-sS", "--http1.1", "-H", "Host: \(host)", "-D", folder.appendingPathComponent("h\(index)").path,
                          "-o", folder.appendingPathComponent("b\(index)").path, "-w", "%{num_connects}\\n"]
            arguments += method == "HEAD" ? ["-I"] : []
            arguments.append("http://127.0.0.1:\(port)\(path)")
        }
        let connects = String(decoding: try runTool("curl", arguments), as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        return try requests.indices.map { index in
            let head = try String(contentsOf: folder.appendingPathComponent("h\(index)"), encoding: .utf8).components(separatedBy: "\r\n")
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let body = (try? Data(contentsOf: folder.appendingPathComponent("b\(index)"))).map(Array.init) ?? []
            return Fetched(status: Int(head[0].split(separator: " ")[1]) ?? 0, headers: headers, body: body, connects: connects[index])
        }
    }

    static func hash(_ address: String) throws -> String {
        String(decoding: try runTool("gpg-wks-client", ["--print-wkd-hash", address]), as: UTF8.self).split(separator: " ")[0].lowercased()
    }

    static func admin(_ server: ServerProcess, _ method: String, _ path: String, json: [String: String]? = nil,
                      body: [UInt8] = []) throws -> HTTPExchange {
        try server.admin(method, path, token: token, json: json, body: body)
    }

    /// The same WKD GET through the router (Connection: close) and from the prepared answer (keep-alive, second
    /// request): the same status, body and headers but Date; the body is the key with only the address's user ID, as
    /// GnuPG reads it; a directory write drops the answer at once.
    /// A server whose directory publishes alice@hot.test's key (with a second user ID that WKD must leave out), and
    /// the key's WKD path.
    static func wkdServer(home: GnuPGHome, extra: [String: Any] = [:]) async throws -> (server: ServerProcess, path: String) {
        let fingerprint = try home.generateKey("Alice <alice@hot.test>")
        try home.gpg(["--quick-add-uid", fingerprint, "Alice Elsewhere <alice@elsewhere.example>"])
        let server = try await ServerProcess(extra: extra.merging(["adminToken": Self.token, "domains": [["name": "hot.test", "kind": "provider"]]]) { $1 })
        #expect(try Self.admin(server, "POST", "/admin/v1/accounts", json: ["id": "alice", "primaryAddress": "alice@hot.test"]).status == 201)
        #expect(try Self.admin(server, "POST", "/admin/v1/accounts/alice/keys", body: home.export(fingerprint)).status == 201)
        #expect(try Self.admin(server, "PUT", "/admin/v1/addresses/alice@hot.test/key", json: ["fingerprint": fingerprint]).status == 200)
        return (server, "/.well-known/openpgpkey/hot.test/hu/\(try Self.hash("alice@hot.test"))?l=alice")
    }

    @Test func wkdAnswersEqualTheRoutersAndFollowDirectoryWrites() async throws {
        let home = try GnuPGHome()
        defer { home.close() }
        let (server, path) = try await Self.wkdServer(home: home)
        defer { server.stop(); server.removeData() }
        let host = "openpgpkey.hot.test"

        let routed = try server.request("GET", path, host: host)
        let fetched = try Self.keepAlive(port: server.port, [("GET", path, host), ("GET", path, host), ("HEAD", path, host), ("GET", path, host)])
        #expect(fetched.map(\.connects) == [1, 0, 0, 0])
        #expect(routed.status == 200)
        #expect(try home.shownUserIDs(of: routed.body) == ["Alice <alice@hot.test>"])
        for response in fetched {
            #expect(response.status == 200)
            #expect(response.headers.filter { $0.key != "date" } == routed.headers.filter { !["date", "connection"].contains($0.key) })
            #expect(response.headers["date"] != nil)
        }
        #expect(fetched[0].body == routed.body)
        #expect(fetched[1].body == routed.body)
        #expect(fetched[3].body == routed.body)
        // curl -I writes the head where the body would go: nothing follows it
        #expect(String(decoding: fetched[2].body, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(fetched[2].body.suffix(4) == Array("\r\n\r\n".utf8))
        #expect(fetched[2].headers["content-length"] == "\(routed.body.count)")
        #expect(routed.headers["cache-control"] == "no-cache")
        #expect(routed.headers["content-length"] == "\(routed.body.count)")

        // Closing the account drops the answer: the next keep-alive GET is a 404 with today's body and headers.
        #expect((200..<300).contains(try Self.admin(server, "DELETE", "/admin/v1/accounts/alice").status))
        let after = try Self.keepAlive(port: server.port, [("GET", path, host), ("GET", path, host)])
        #expect(after.map(\.status) == [404, 404])
        #expect(after.map { String(decoding: $0.body, as: UTF8.self) } == ["not found\n", "not found\n"])
        #expect(after[1].headers["access-control-allow-origin"] == "*")
    }

    /// One response read off a raw socket: the head up to its empty line, then Content-Length body bytes.
    static func readResponse(_ descriptor: Int32) throws -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        func complete() -> Bool {
            guard let end = received.indices.dropLast(3).first(where: { received[$0..<$0 + 4].elementsEqual("\r\n\r\n".utf8) })
            else { return false }
            let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
            let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            return received.count >= end + 4 + length
        }
        while !complete() {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { throw Wire.Failed(description: "response ended after \(received.count) bytes") }
            received += buffer[..<count]
        }
        return received
    }

    /// The response's bytes with the Date header's value replaced by `DATE`, after checking its IMF-fixdate form.
    static func withoutDate(_ response: [UInt8]) -> String {
        let text = String(decoding: response, as: UTF8.self)
        let pattern = /\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT\r\n/
        return text.replacing(pattern, with: "\r\nDate: DATE\r\n")
    }

    /// The answer written as ready bytes is the router's answer, byte for byte but the Date; and it ends its request
    /// for the request-head deadline (RFC 9112 §9.3 keep-alive): after two hot answers on one connection, half a
    /// head is still closed after `requestHeadTimeout`, as after a router's answer.
    @Test func readyBytesEqualTheRoutersAndEndTheirRequest() async throws {
        let home = try GnuPGHome()
        defer { home.close() }
        let (server, path) = try await Self.wkdServer(home: home, extra: ["connections": ["requestHeadTimeout": 1, "idleTimeout": 30]])
        defer { server.stop(); server.removeData() }
        let descriptor = try Wire.connect(port: server.port)
        defer { close(descriptor) }
        let request = "GET \(path) HTTP/1.1\r\nHost: openpgpkey.hot.test\r\n\r\n"
        var responses: [[UInt8]] = []
        for _ in 0..<3 {
            try Wire.send(descriptor, request)
            responses.append(try Self.readResponse(descriptor))
        }
        let routed = Self.withoutDate(responses[0])
        #expect(routed.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nAccess-Control-Allow-Origin: *\r\nCache-Control: no-cache\r\nContent-Length: "))
        #expect(routed.contains("\r\nDate: DATE\r\nServer: Stockade\r\n\r\n"))
        #expect(Self.withoutDate(responses[1]) == routed)
        #expect(Self.withoutDate(responses[2]) == routed)

        let started = ContinuousClock.now
        try Wire.send(descriptor, "GET \(path) HTTP/1.1\r\nHost: openpgpkey.hot")
        let end = Wire.readUntilEOF(descriptor, timeout: .seconds(5))
        let elapsed = ContinuousClock.now - started
        #expect(end.closedByPeer)
        #expect(end.bytes == 0)
        #expect(elapsed > .seconds(0.8) && elapsed < .seconds(2.5), "closed after \(elapsed)")
    }

    /// A connection kept busy with kept answers outlives the idle timeout (those requests never reach Hummingbird,
    /// whose idle timer used to close it 2 s after the last request it saw), and is closed once silent for it.
    @Test func aBusyConnectionOfKeptAnswersIsNotIdle() async throws {
        let home = try GnuPGHome()
        defer { home.close() }
        let (server, path) = try await Self.wkdServer(home: home, extra: ["connections": ["requestHeadTimeout": 1, "idleTimeout": 2]])
        defer { server.stop(); server.removeData() }
        let descriptor = try Wire.connect(port: server.port)
        defer { close(descriptor) }
        let request = "GET \(path) HTTP/1.1\r\nHost: openpgpkey.hot.test\r\n\r\n"
        var statuses: [String] = []
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(3.5) {
            try Wire.send(descriptor, request)
            statuses.append(String(decoding: try Self.readResponse(descriptor).prefix(15), as: UTF8.self))
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(statuses.count >= 12)
        #expect(Set(statuses) == ["HTTP/1.1 200 OK"])

        let silent = ContinuousClock.now
        let end = Wire.readUntilEOF(descriptor, timeout: .seconds(6))
        let elapsed = ContinuousClock.now - silent
        #expect(end.closedByPeer)
        #expect(elapsed > .seconds(1.6) && elapsed < .seconds(3.5), "closed after \(elapsed)")
    }

    /// Two instances on the lab's PostgreSQL: instance 2 keeps a VKS answer (by fingerprint, no identity yet); the
    /// address is published through instance 1 (directory association, then an upload); instance 2 serves the new
    /// answer — with the user ID — within 100 ms, told by NOTIFY.
    @Test func aVKSAnswerChangesOnTheOtherInstanceAfterAWrite() async throws {
        var settings = try SharedDatabaseTests.databaseSettings()
        settings["adminToken"] = Self.token
        settings["domains"] = [["name": "hotshared.test", "kind": "provider"]]
        settings["keyServer"] = ["baseURL": "http://keys.hotshared.test", "mailFrom": "keys@hotshared.test",
                                 "requestsPerMinutePerClient": 1_000_000]
        settings["mail"] = ["relay": "127.0.0.1:9", "tls": "none"]
        let instances = try await InstancePair(settings)
        defer { instances.stop() }
        let (first, second) = (instances.first, instances.second)
        let home = try GnuPGHome()
        defer { home.close() }
        let fingerprint = try home.generateKey("Bob <bob@hotshared.test>")
        let armored = String(decoding: try home.gpg(["--armor", "--export", fingerprint]), as: UTF8.self)
        let upload = { (server: ServerProcess) throws -> Int in
            try server.request("POST", "/vks/v1/upload", headers: ["Content-Type": "application/json"],
                               body: Array(try JSONSerialization.data(withJSONObject: ["keytext": armored]))).status
        }
        #expect(try upload(first) == 200)
        let path = "/vks/v1/by-fingerprint/\(fingerprint)"
        let before = try Self.keepAlive(port: second.port, [("GET", path, "localhost"), ("GET", path, "localhost")])
        #expect(before.map(\.status) == [200, 200])
        #expect(before[0].body == before[1].body)
        #expect(try home.shownUserIDs(of: before[1].body) == [])
        #expect(before[1].headers["content-type"] == "application/pgp-keys")

        #expect(try Self.admin(first, "POST", "/admin/v1/accounts", json: ["id": "bob", "primaryAddress": "bob@hotshared.test"]).status == 201)
        #expect(try Self.admin(first, "POST", "/admin/v1/accounts/bob/keys", body: home.export(fingerprint)).status == 201)
        #expect(try Self.admin(first, "PUT", "/admin/v1/addresses/bob@hotshared.test/key", json: ["fingerprint": fingerprint]).status == 200)
        let written = ContinuousClock.now
        #expect(try upload(first) == 200)  // the associated address is published without a mail round trip
        var attempts = 0
        var served: [UInt8] = []
        while attempts < 500 {
            attempts += 1
            served = try Self.keepAlive(port: second.port, [("GET", path, "localhost")])[0].body
            if try home.shownUserIDs(of: served) == ["Bob <bob@hotshared.test>"] { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        let waited = ContinuousClock.now - written
        #expect(try home.shownUserIDs(of: served) == ["Bob <bob@hotshared.test>"])
        #expect(waited < .milliseconds(300), "instance 2 served the new answer after \(waited) (\(attempts) attempts)")
        let byEmail = try Self.keepAlive(port: second.port, [("GET", "/vks/v1/by-email/bob%40hotshared.test", "localhost"),
                                                              ("GET", "/vks/v1/by-email/bob%40hotshared.test", "localhost")])
        #expect(byEmail.map(\.status) == [200, 200])
        #expect(byEmail[1].body == served)
    }

    // MARK: the handler itself, on an embedded channel

    /// NIO's response encoder, then the handler: what reaches the channel is bytes, the hot answers' and the router's.
    static func channel(_ answers: KeyAnswerCache) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(HTTPResponseEncoder())
        let routes = HotRoutes(answers: answers, keyServerLimits: nil, serverName: "Stockade")
        try pipeline.addHandler(HotRouteHandler(routes: routes, encoderContext: pipeline.context(handlerType: HTTPResponseEncoder.self),
                                                deadline: nil))
        return channel
    }

    /// The connection's pipeline as the server builds it, minus TLS and deadlines: the reader, NIO's encoder and
    /// decoder, the handler; bytes go in, bytes come out, and what reaches the router is read at the end.
    static func rawChannel(_ answers: KeyAnswerCache) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let pipeline = channel.pipeline.syncOperations
        let encoder = HTTPResponseEncoder()
        try pipeline.addHandler(encoder)
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        let routes = HotRoutes(answers: answers, keyServerLimits: nil, serverName: "Stockade")
        let hot = HotRouteHandler(routes: routes, encoderContext: try pipeline.context(handler: encoder), deadline: nil)
        try pipeline.addHandler(hot)
        try pipeline.addHandler(HotRequestReader(hot: hot, deadline: nil), position: .before(encoder))
        return channel
    }

    static let hotHead = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nAccess-Control-Allow-Origin: *\r\n"
        + "Cache-Control: no-cache\r\nContent-Length: 3\r\nDate: DATE\r\nServer: Stockade\r\n\r\n"
    static let hotResponse = hotHead + "\u{1}\u{2}\u{3}"

    static func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    static func routed(_ channel: EmbeddedChannel) throws -> [String] {
        var heads: [String] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .head(let head) = part { heads.append("\(head.method) \(head.uri)") }
        }
        return heads
    }

    static func readerIsThere(_ channel: EmbeddedChannel) -> Bool {
        (try? channel.pipeline.syncOperations.handler(type: HotRequestReader.self)) != nil
    }

    /// Plain GETs and HEADs, one or two in a read, are answered from the bytes; the decoder sees none of them.
    @Test func theReaderAnswersPlainRequestsFromTheBytes() throws {
        let channel = try Self.rawChannel(Self.cache())
        let get = "GET \(Self.wkdPath)?l=alice HTTP/1.1\r\nHost: openpgpkey.hot.test\r\nUser-Agent: t\r\n\r\n"
        try Self.send(channel, get)
        #expect(try Self.written(channel) == Self.hotResponse)
        try Self.send(channel, get + "HEAD \(Self.wkdPath) HTTP/1.1\r\nHost: openpgpkey.hot.test\r\n\r\n")
        #expect(try Self.written(channel) == Self.hotResponse + Self.hotHead)
        #expect(try Self.routed(channel) == [])
        #expect(Self.readerIsThere(channel))
        _ = try channel.finish()
    }

    /// The first request not answered from the bytes goes to the decoder with everything after it, and the reader
    /// steps aside: a miss after a hit in one read; the hit behind the miss then waits for the router's answer.
    @Test func theReaderStepsAsideAtTheFirstRequestItDoesNotAnswer() throws {
        let channel = try Self.rawChannel(Self.cache())
        let hit = "GET \(Self.wkdPath) HTTP/1.1\r\nHost: openpgpkey.hot.test\r\n\r\n"
        let miss = "GET /.well-known/openpgpkey/hot.test/hu/other HTTP/1.1\r\nHost: openpgpkey.hot.test\r\n\r\n"
        try Self.send(channel, hit + miss + hit)
        #expect(try Self.written(channel) == Self.hotResponse)
        #expect(try Self.routed(channel) == ["GET /.well-known/openpgpkey/hot.test/hu/other", "GET \(Self.wkdPath)"])
        #expect(!Self.readerIsThere(channel))
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .notFound, headers: ["Content-Length": "0"])))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .notFound, headers: ["Content-Length": "0"])))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        #expect(try Self.written(channel) == String(repeating: "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", count: 2))
        // from now on the decoded path answers hits
        try Self.send(channel, hit)
        #expect(try Self.written(channel) == Self.hotResponse)
        #expect(try Self.routed(channel) == [])
        _ = try channel.finish()
    }

    /// Half a request after a hit: the hit is answered, the half goes to the decoder, which reads the rest.
    @Test func halfARequestGoesToTheDecoder() throws {
        let channel = try Self.rawChannel(Self.cache())
        let hit = "GET \(Self.wkdPath) HTTP/1.1\r\nHost: openpgpkey.hot.test\r\n\r\n"
        try Self.send(channel, hit + "GET /health HTTP/1.1\r\nHo")
        #expect(try Self.written(channel) == Self.hotResponse)
        #expect(try Self.routed(channel) == [])
        try Self.send(channel, "st: localhost\r\n\r\n")
        #expect(try Self.routed(channel) == ["GET /health"])
        _ = try channel.finish()
    }

    /// Everything written to the channel so far, as text with the Date value replaced.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        var bytes: [UInt8] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        return withoutDate(bytes)
    }

    static func request(_ channel: EmbeddedChannel, _ method: HTTPMethod, _ uri: String, version: HTTPVersion = .http1_1) throws {
        var head = HTTPRequestHead(version: version, method: method, uri: uri)
        head.headers.add(name: "Host", value: "openpgpkey.hot.test")
        try channel.writeInbound(HTTPServerRequestPart.head(head))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
    }

    static let wkdPath = "/.well-known/openpgpkey/hot.test/hu/kei1q4tipxxu1yj79k9kfukdhfy631xe"

    static func cache() -> KeyAnswerCache {
        let answers = KeyAnswerCache()
        answers.store(KeyAnswer(contentType: "application/octet-stream", cacheControl: "no-cache", body: ByteBuffer(bytes: [1, 2, 3])),
                      for: "w openpgpkey.hot.test \(wkdPath)", tags: [], until: .now() + .seconds(60), ticket: answers.ticket())
        return answers
    }

    @Test func theHandlerAnswersAKeptWKDKeyWithTheRoutersHeaders() throws {
        let channel = try Self.channel(Self.cache())
        try Self.request(channel, .GET, Self.wkdPath + "?l=alice")
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)  // not passed on
        #expect(try Self.written(channel) == Self.hotResponse)

        try Self.request(channel, .HEAD, Self.wkdPath)
        #expect(try Self.written(channel) == Self.hotHead)
        _ = try channel.finish()
    }

    /// Misses, HTTP/1.0, other methods and requests behind one still being answered by the router go to the router.
    @Test func everythingElseGoesToTheRouterInOrder() throws {
        let channel = try Self.channel(Self.cache())
        try Self.request(channel, .GET, "/.well-known/openpgpkey/hot.test/hu/other")
        try Self.request(channel, .GET, Self.wkdPath, version: .http1_0)
        try Self.request(channel, .POST, Self.wkdPath)
        // three requests owed by the router: a hit now must wait behind them
        try Self.request(channel, .GET, Self.wkdPath)
        var passed: [String] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .head(let head) = part { passed.append("\(head.method) \(head.uri) \(head.version)") }
        }
        #expect(passed == ["GET /.well-known/openpgpkey/hot.test/hu/other HTTP/1.1", "GET \(Self.wkdPath) HTTP/1.0",
                           "POST \(Self.wkdPath) HTTP/1.1", "GET \(Self.wkdPath) HTTP/1.1"])
        #expect(try Self.written(channel) == "")
        // the router answers all four (through the encoder); then a hit is answered here again, after them
        for _ in 0..<4 {
            try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .notFound,
                                                                                   headers: ["Content-Length": "0"])))
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        }
        try Self.request(channel, .GET, Self.wkdPath)
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        let written = try Self.written(channel)
        #expect(written.hasPrefix(String(repeating: "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", count: 4) + "HTTP/1.1 200 OK\r\n"))
        #expect(written.hasSuffix("Server: Stockade\r\n\r\n\u{1}\u{2}\u{3}"))
        _ = try channel.finish()
    }
}
