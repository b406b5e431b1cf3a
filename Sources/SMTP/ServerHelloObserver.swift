import NIOCore

/// Reads the cipher suite from the server's ServerHello as it passes in plaintext (RFC 8446 §4.1.3, RFC 5246
/// §7.4.1.3) — NIOSSL does not report the negotiated suite — then removes itself. Bytes pass on unchanged.
final class ServerHelloObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Where the observer leaves the suite's name for the connection handler.
    final class Result {
        var name: String?
    }

    /// The most bytes looked at: a ServerHello comes first and is far smaller.
    private static let maximumBytes = 16_384

    private let result: Result
    private var seen: [UInt8] = []

    init(result: Result) {
        self.result = result
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        seen += buffer.readableBytesView.prefix(Self.maximumBytes - seen.count)
        let outcome = Self.cipherSuite(in: seen)
        if case .found(let code) = outcome { result.name = Self.name(of: code) }
        context.fireChannelRead(data)
        if outcome != .needMore || seen.count >= Self.maximumBytes {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    enum Outcome: Equatable {
        case needMore
        case found(UInt16)
        case notServerHello
    }

    /// The cipher suite of a ServerHello at the start of `bytes`, which hold TLS records (RFC 8446 §5.1).
    static func cipherSuite(in bytes: [UInt8]) -> Outcome {
        // The handshake message may span records: join the fragments of the first handshake records.
        var handshake: [UInt8] = []
        var index = 0
        while index + 5 <= bytes.count {
            guard bytes[index] == 22 else { return .notServerHello }
            let length = Int(bytes[index + 3]) << 8 | Int(bytes[index + 4])
            let end = min(index + 5 + length, bytes.count)
            handshake += bytes[(index + 5)..<end]
            index += 5 + length
            // type 2 (1) + length (3) + legacy_version (2) + random (32) + session id length (1)
            guard handshake.count >= 39 else { continue }
            guard handshake[0] == 2 else { return .notServerHello }
            let suiteAt = 39 + Int(handshake[38])
            guard handshake.count >= suiteAt + 2 else { continue }
            return .found(UInt16(handshake[suiteAt]) << 8 | UInt16(handshake[suiteAt + 1]))
        }
        return .needMore
    }

    /// The IANA name of the suites BoringSSL negotiates as a client; others by number.
    static func name(of code: UInt16) -> String {
        let names: [UInt16: String] = [
            0x1301: "TLS_AES_128_GCM_SHA256",
            0x1302: "TLS_AES_256_GCM_SHA384",
            0x1303: "TLS_CHACHA20_POLY1305_SHA256",
            0xC02B: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            0xC02C: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            0xC02F: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            0xC030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            0xCCA8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            0xCCA9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            0xC009: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            0xC00A: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            0xC013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            0xC014: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            0x009C: "TLS_RSA_WITH_AES_128_GCM_SHA256",
            0x009D: "TLS_RSA_WITH_AES_256_GCM_SHA384",
            0x002F: "TLS_RSA_WITH_AES_128_CBC_SHA",
            0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
        ]
        return names[code] ?? hexName(code)
    }

    /// `0xC0FF` for a suite without a name here.
    private static func hexName(_ code: UInt16) -> String {
        let hex = String(code, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
