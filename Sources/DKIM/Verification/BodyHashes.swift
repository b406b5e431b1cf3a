import Crypto
import Synchronization

/// The body hashes of one message, computed once per (canonicalization, `l=`) pair (RFC 6376 §3.7).
final class BodyHashes: Sendable {
    private struct Key: Hashable {
        let canonicalization: Canonicalization
        let length: Int?
    }

    private let body: [UInt8]
    private let canonical = Mutex<[Canonicalization: [UInt8]]>([:])
    private let hashes = Mutex<[Key: [UInt8]?]>([:])

    init(body: [UInt8]) {
        self.body = body
    }

    /// The SHA-256 of the canonical body, cut to `length` octets when given; nil when `length` is longer than the
    /// canonical body.
    func hash(_ canonicalization: Canonicalization, length: Int?) -> [UInt8]? {
        let key = Key(canonicalization: canonicalization, length: length)
        if let known = hashes.withLock({ $0[key] }) { return known }
        let text = canonical.withLock { cache in
            if let known = cache[canonicalization] { return known }
            let made = canonicalization.canonicalize(body: body)
            cache[canonicalization] = made
            return made
        }
        var result: [UInt8]?
        if let length {
            result = length <= text.count ? Array(SHA256.hash(data: text[..<length])) : nil
        } else {
            result = Array(SHA256.hash(data: text))
        }
        hashes.withLock { $0[key] = result }
        return result
    }
}
