import Crypto
import Foundation

/// The stateless upload token: the key's fingerprint and an expiry, sealed with AES-256-GCM under the server's
/// secret, base64url without padding. Nothing is stored for it; a forged or altered token fails to open.
struct UploadToken: Codable, Sendable, Hashable {
    var fingerprint: String
    /// Seconds since 1970.
    var expires: Int64

    func sealed(with key: SymmetricKey) throws -> String {
        let box = try AES.GCM.seal(try JSONEncoder().encode(self), using: key)
        return base64URL(box.combined ?? Data())
    }

    /// nil when the token does not open under `key`, is malformed, or expired before `time`.
    static func open(_ text: String, with key: SymmetricKey, at time: Date) -> UploadToken? {
        guard text.utf8.count <= 512, let data = dataFromBase64URL(text),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key),
              let token = try? JSONDecoder().decode(UploadToken.self, from: plain),
              Double(token.expires) >= time.timeIntervalSince1970
        else { return nil }
        return token
    }
}

func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

func dataFromBase64URL(_ text: String) -> Data? {
    guard text.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
    else { return nil }
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while s.utf8.count % 4 != 0 { s += "=" }
    return Data(base64Encoded: s)
}

/// A mailed token: 256 random bits, base64url; only its SHA-256 (hex) is stored.
struct MailToken: Sendable {
    let value: String
    let hash: String

    init() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        value = base64URL(Data(bytes))
        hash = Self.hash(of: value)
    }

    static func hash(of value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
