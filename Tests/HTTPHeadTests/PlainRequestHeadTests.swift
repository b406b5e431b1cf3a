import HTTPHead
import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
import Testing

/// `PlainRequestHead.parse`: the plain shape exactly (RFC 9112 §3 request line, §5 fields), nil for everything else,
/// and agreement with NIO's `HTTPRequestDecoder` on every head it accepts.
@Suite struct PlainRequestHeadTests {
    static func parse(_ text: String) -> PlainRequestHead? {
        Array(text.utf8).withUnsafeBytes { PlainRequestHead.parse($0) }
    }

    static let wkd = "GET /.well-known/openpgpkey/example.org/hu/kei1q4tipxxu1yj79k9kfukdhfy631xe?l=alice HTTP/1.1\r\n"
        + "Host: openpgpkey.example.org\r\nUser-Agent: curl/8.1\r\nAccept: */*\r\n\r\n"

    @Test func plainHeadsAreRead() {
        #expect(Self.parse(Self.wkd) == PlainRequestHead(
            method: .get, target: "/.well-known/openpgpkey/example.org/hu/kei1q4tipxxu1yj79k9kfukdhfy631xe?l=alice",
            host: "openpgpkey.example.org", length: Self.wkd.utf8.count))
        // a pipelined request after it: the length says where it starts
        #expect(Self.parse(Self.wkd + "GET / HTTP/1.1\r\n")?.length == Self.wkd.utf8.count)
        // RFC 9112 §5.1: white space around a field value is not part of it; names are case-insensitive
        let head = "HEAD /vks/v1/by-keyid/ABCD HTTP/1.1\r\nhOsT: \t keys.example:8080 \t\r\n\r\n"
        #expect(Self.parse(head) == PlainRequestHead(method: .head, target: "/vks/v1/by-keyid/ABCD", host: "keys.example:8080",
                                                     length: head.utf8.count))
        let sixtyFour = "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-A: b\r\n", count: 63) + "\r\n"
        #expect(Self.parse(sixtyFour)?.host == "a")
    }

    @Test(arguments: [
        ("another method", "POST / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("method in lower case (§3.1: case-sensitive)", "get / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\n\r\n"),
        ("absolute form", "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("asterisk form", "GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("no Host (§3.2: required)", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"),
        ("two Hosts (§3.2)", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        ("an empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n"),
        ("Content-Length (§6.3)", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"),
        ("Transfer-Encoding (§6.1)", "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"),
        ("Connection (§9.6)", "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n"),
        ("Upgrade", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\n"),
        ("Expect", "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n"),
        ("TE", "GET / HTTP/1.1\r\nHost: a\r\nte: trailers\r\n\r\n"),
        ("obsolete line folding (§5.2)", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
        ("white space before the colon (§5.1)", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
        ("a bare LF (§2.2)", "GET / HTTP/1.1\nHost: a\n\n"),
        ("a bare LF inside the fields", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n"),
        ("a control octet in a value", "GET / HTTP/1.1\r\nHost: a\u{1}b\r\n\r\n"),
        ("DEL in the target", "GET /a\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("two spaces after the method", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("an empty line first (§2.2 allows it; left to the decoder)", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("incomplete", "GET / HTTP/1.1\r\nHost: a\r\n"),
        ("sixty-five fields", "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-A: b\r\n", count: 64) + "\r\n"),
        ("longer than 8192 octets", "GET /\(String(repeating: "a", count: 8_200)) HTTP/1.1\r\nHost: a\r\n\r\n"),
    ])
    func everythingElseIsLeftToTheDecoder(_ case: (String, String)) {
        #expect(Self.parse(`case`.1) == nil, "\(`case`.0)")
    }

    /// What NIO's decoder reads from exactly the head's octets: method, target, version, Host, keep-alive, and whether
    /// the request ended there (no body).
    static func decodedByNIO(_ bytes: [UInt8]) -> (method: String, uri: String, version: HTTPVersion, host: [String], keepAlive: Bool, ended: Bool)? {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        defer { _ = try? channel.finish() }
        guard (try? channel.writeInbound(ByteBuffer(bytes: bytes))) != nil,
              case .head(let head)? = try? channel.readInbound(as: HTTPServerRequestPart.self)
        else { return nil }
        var ended = false
        if case .end? = try? channel.readInbound(as: HTTPServerRequestPart.self) { ended = true }
        return ("\(head.method)", head.uri, head.version, head.headers["host"], head.isKeepAlive, ended)
    }

    /// 20 000 seeded mutations of plain heads (octets flipped, inserted, removed, fields duplicated, line ends
    /// changed): every head read here is read the same by NIO's decoder, from the same octets, as a whole request.
    @Test func everyAcceptedMutationAgreesWithNIOsDecoder() {
        let seeds = [
            Self.wkd,
            "HEAD /.well-known/openpgpkey/hu/abc HTTP/1.1\r\nHost: example.org\r\n\r\n",
            "GET /vks/v1/by-fingerprint/13DD3C537EA280E9C830FED4E10A8B106727AD5A HTTP/1.1\r\nHost: keys.example\r\nAccept: */*\r\n\r\n",
            "GET /pks/lookup?op=get&options=mr&search=0x13DD3C537EA280E9 HTTP/1.1\r\nhost:keys.example\r\nX-Forwarded-For: 192.0.2.1\r\n\r\n",
        ].map { Array($0.utf8) }
        let alphabet = Array("GETHADPOS /:\r\n\t-_?=&.%@*\u{0}\u{7F}\u{80}hHcCtTlL01".utf8)
        var random = SeededGenerator(state: 0x5EED_0020)
        var accepted = 0
        var refused = 0
        for round in 0..<20_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                case 2: bytes.remove(at: position)
                case 3: bytes.insert(contentsOf: Array("Host: b\r\n".utf8), at: min(bytes.count, position))
                default: bytes.insert(contentsOf: Array("Content-Length: 1\r\n".utf8), at: min(bytes.count, position))
                }
                if bytes.isEmpty { bytes = seeds[0] }
            }
            guard let plain = bytes.withUnsafeBytes({ PlainRequestHead.parse($0) }) else {
                refused += 1
                continue
            }
            accepted += 1
            let decoded = Self.decodedByNIO(Array(bytes[..<plain.length]))
            #expect(decoded?.method == (plain.method == .get ? "GET" : "HEAD"), "\(bytes)")
            #expect(decoded?.uri == plain.target, "\(bytes)")
            #expect(decoded?.version == .http1_1, "\(bytes)")
            #expect(decoded?.host.map { $0.trimmingCharacters(in: " \t") } == [plain.host], "\(bytes)")
            #expect(decoded?.keepAlive == true, "\(bytes)")
            #expect(decoded?.ended == true, "\(bytes)")
        }
        #expect(accepted > 1_000)
        #expect(refused > 1_000)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
