import Crypto
import Synchronization

/// The body hashes of one message, computed once per (canonicalization, `l=`) pair (RFC 6376 §3.7).
final class BodyHashes: Sendable {
    private struct Key: Hashable {
        let canonicalization: Canonicalization
        let length: Int?
    }

    private let body: ArraySlice<UInt8>
    private let hashes = Mutex<[Key: [UInt8]?]>([:])

    init(body: ArraySlice<UInt8>) {
        self.body = body
    }

    /// The SHA-256 of the canonical body, cut to `length` octets when given; nil when `length` is longer than the
    /// canonical body.
    func hash(_ canonicalization: Canonicalization, length: Int?) -> [UInt8]? {
        let key = Key(canonicalization: canonicalization, length: length)
        if let known = hashes.withLock({ $0[key] }) { return known }
        // Array(digest) grows one octet at a time.
        let result = Self.digest(of: body, canonicalization, length: length).map { $0.withUnsafeBytes { Array($0) } }
        hashes.withLock { $0[key] = result }
        return result
    }

    /// The SHA-256 of the canonical form of `body`, cut to `length` octets when given; nil when `length` is longer than
    /// the canonical body. The canonical body goes into the hash as it is made, piece by piece, and is never kept.
    static func digest(of body: ArraySlice<UInt8>, _ canonicalization: Canonicalization, length: Int?) -> SHA256.Digest? {
        var unused = false
        return digest(of: body, canonicalization, length: length, findingBareLineFeed: false, found: &unused)
    }

    /// The digest of ``digest(of:_:length:)`` for a body as read (``DKIMMessage/bodyAsRead``): one not known to be in
    /// CRLF form is looked at for bare LF while it is canonicalized, and read again in CRLF form only when it has one.
    static func digest(of body: DKIMMessage.BodyAsRead, _ canonicalization: Canonicalization,
                       length: Int?) -> SHA256.Digest? {
        var bareLineFeed = false
        let digest = digest(of: body.octets, canonicalization, length: length, findingBareLineFeed: !body.isCRLF, found: &bareLineFeed)
        guard bareLineFeed else { return digest }
        return Self.digest(of: DKIMMessage.crlfNormalized(Array(body.octets))[...], canonicalization, length: length)
    }

    private static func digest(of body: ArraySlice<UInt8>, _ canonicalization: Canonicalization, length: Int?,
                               findingBareLineFeed: Bool, found: inout Bool) -> SHA256.Digest? {
        var hasher = SHA256()
        var canonicalLength = 0
        canonicalization.canonicalize(body: body, findingBareLineFeed: findingBareLineFeed, found: &found) { piece in
            let hashed = length.map { min(piece.count, max(0, $0 - canonicalLength)) } ?? piece.count
            hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: piece[..<hashed])))
            canonicalLength += piece.count
        }
        guard length.map({ $0 <= canonicalLength }) ?? true else { return nil }
        return hasher.finalize()
    }
}
