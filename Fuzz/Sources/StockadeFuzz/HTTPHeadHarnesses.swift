import HTTPHead
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// `PlainRequestHead.parse`: never past its limits, and every head it reads is read the same by NIO's
/// `HTTPRequestDecoder` from the same octets (method, target, HTTP/1.1, one Host, keep-alive, no body), so the
/// server's answer from the bytes is the answer the decoded path would give.
enum HTTPHeadHarness {
    static func run(_ input: [UInt8]) {
        guard let plain = input.withUnsafeBytes({ PlainRequestHead.parse($0) }) else { return }
        require(plain.length <= min(input.count, PlainRequestHead.maximumLength), "length \(plain.length) of \(input.count)")
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        defer { _ = try? channel.finish() }
        do {
            try channel.writeInbound(ByteBuffer(bytes: input[..<plain.length]))
            guard case .head(let head)? = try channel.readInbound(as: HTTPServerRequestPart.self),
                  case .end? = try channel.readInbound(as: HTTPServerRequestPart.self)
            else { return require(false, "NIO read no whole request from \(Array(input[..<plain.length]).hex)") }
            require(head.method == (plain.method == .get ? .GET : .HEAD), "method \(head.method), input \(input.hex)")
            require(head.uri == plain.target, "target \(head.uri) against \(plain.target)")
            require(head.version == .http1_1 && head.isKeepAlive, "version or keep-alive, input \(input.hex)")
            let hosts = head.headers["host"].map(withoutOuterWhiteSpace)
            require(hosts == [plain.host], "host \(hosts) against \(plain.host)")
        } catch {
            require(false, "NIO refused a plain head: \(error), input \(input.hex)")
        }
    }

    /// A field value without the spaces and tabs around it (RFC 9112 §5.1).
    static func withoutOuterWhiteSpace(_ value: String) -> String {
        var text = Substring(value)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
