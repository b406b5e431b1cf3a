import Foundation
import Logging
import NIOCore
import PostfixPolicy
import TestSupport
import Testing

/// The socketmap server byte by byte over TCP: pipelined requests answered in order whether a reply is cached or
/// computed, a malformed request answered `PERM` after the replies before it and the connection closed, and a client
/// that closes its side getting every reply before the server closes.
@Suite("Socketmap connections (lab)")
struct SocketmapConnectionTests {
    static func netstring(_ text: String) -> String { "\(text.utf8.count):\(text)," }

    /// Sends `bytes` on a new connection, half-closes it when `halfClose`, and reads until the server closes.
    static func exchange(port: Int, _ bytes: String, halfClose: Bool) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let payload = Array(bytes.utf8)
        try #require(payload.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) } == payload.count)
        if halfClose { shutdown(descriptor, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            try #require(count >= 0, "no reply within 10 s")
            if count == 0 { break }
            received += chunk[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    static func withServer(_ body: (Int) async throws -> Void) async throws {
        let bound = BoundAddress()
        let server = SocketmapServer(responder: try ReplyCacheTests.responder(), host: "127.0.0.1", port: 0,
                                     logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                     onBound: { bound.set($0.port ?? 0) })
        let task = Task { try await server.run() }
        defer { task.cancel() }
        try await body(try await bound.wait())
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await Self.withServer { port in
            let secure = Self.netstring("OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname")
            let requests = ["postfix enforce.web.test", "postfix testing.web.test", "postfix enforce.web.test", "postfix [192.0.2.1]",
                            "postfix danests.web.test", "postfix enforce.web.test"]
            let replies = try Self.exchange(port: port, requests.map(Self.netstring).joined(), halfClose: true)
            #expect(replies == secure + "9:NOTFOUND ," + secure + "9:NOTFOUND ," + Self.netstring("OK dane-only") + secure)
            // Now enforce.web.test is answered from the reply cache, in the middle of computed replies.
            let again = try Self.exchange(port: port, ["postfix none.web.test", "postfix enforce.web.test", "postfix notxt.web.test"]
                .map(Self.netstring).joined(), halfClose: true)
            #expect(again == "9:NOTFOUND ," + secure + "9:NOTFOUND ,")
        }
    }

    @Test func aMalformedRequestIsRefusedAfterTheRepliesBeforeIt() async throws {
        try await Self.withServer { port in
            let replies = try Self.exchange(port: port, Self.netstring("postfix none.web.test") + "x:", halfClose: false)
            #expect(replies == "9:NOTFOUND ," + Self.netstring("PERM malformed request: expected a decimal length, found byte 0x78"))
        }
    }

    /// 200 requests in one write behind one that needs a fetch: the connection stops reading past 64 waiting requests,
    /// reads again once they are answered, and every reply comes in order.
    @Test func manyPipelinedRequestsWaitTheirTurn() async throws {
        try await Self.withServer { port in
            let secure = Self.netstring("OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname")
            let requests = (0..<200).map { $0 % 2 == 0 ? "postfix enforce.web.test" : "postfix testing.web.test" }
            let replies = try Self.exchange(port: port, requests.map(Self.netstring).joined(), halfClose: true)
            #expect(replies == String(repeating: secure + "9:NOTFOUND ,", count: 100))
        }
    }
}
