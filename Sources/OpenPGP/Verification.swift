import Crypto
import _CryptoExtras

/// The outcome of checking one signature: a value, not an error.
public enum SignatureVerdict: Hashable, Sendable {
    /// The signature is cryptographically correct and acceptable by this library's policy.
    case valid
    /// The signature is wrong, malformed, or rejected by policy (e.g. SHA-1 after the cut-off).
    case invalid(reason: String)
    /// The algorithm, curve or hash is not implemented here (Ed448, brainpool curves, Elgamal signing, SHA-3, ECDSA with SHA-224, …).
    case unsupported(reason: String)

    public var isValid: Bool { self == .valid }
}

/// What a signature is over (RFC 9580 §5.2.4).
public enum SignedObject: Sendable {
    /// A binary document (type 0x00) or text document (0x01, line endings made CRLF).
    case document([UInt8])
    /// The primary key alone: direct-key (0x1F) and key revocation (0x20) signatures.
    case primaryKey(PublicKeyPacket)
    /// A user ID on a primary key: certifications (0x10–0x13) and their revocation (0x30).
    case userID(PublicKeyPacket, UserIDPacket)
    /// A user attribute on a primary key (0x10–0x13, 0x30).
    case userAttribute(PublicKeyPacket, UserAttributePacket)
    /// A subkey on a primary key: binding (0x18), primary-key binding (0x19), subkey revocation (0x28).
    case subkey(primary: PublicKeyPacket, subkey: PublicKeyPacket)
}

/// Signature policy of this library.
public enum SignaturePolicy: Sendable {
    /// SHA-1 signatures are accepted only if created before this instant, 2023-02-01T00:00:00Z
    /// (the cut-off Sequoia's standard policy uses for SHA-1 self-signatures), and never in v6 signatures.
    /// MD5 and RIPEMD-160 are never accepted.
    public static let sha1CutOff: UInt32 = 1_675_209_600
}

extension SignaturePacket {
    /// Checks this signature cryptographically: made by `key` over `object` (RFC 9580 §5.2.4).
    ///
    /// It checks the hash (including the v6 salt and the trailer), the left 16 bits, the
    /// algorithm-specific signature, unknown critical subpackets (RFC 9580 §5.2.3.7), the presence of a
    /// hashed creation time, and the hash policy (``SignaturePolicy``). It does not look at time:
    /// expiration is judged by ``Certificate/status(at:)``.
    public func verify(by key: PublicKeyPacket, over object: SignedObject) -> SignatureVerdict {
        verify(by: VerifyingKey(key), over: object)
    }

    /// ``verify(by:over:)`` with a key already read into the crypto library, for checking many signatures by one key.
    func verify(by verifyingKey: VerifyingKey, over object: SignedObject) -> SignatureVerdict {
        let key = verifyingKey.packet
        if (key.version == 6) != (version == 6) {
            return .invalid(reason: "v\(version) signature by a v\(key.version) key")
        }
        if version != 3 && creationTime == nil {
            return .invalid(reason: "no hashed signature creation time")
        }
        if hasUnknownCriticalSubpacket {
            return .invalid(reason: "unknown critical subpacket")
        }
        switch hashAlgorithm {
        case .sha224, .sha256, .sha384, .sha512: break
        case .sha1:
            if version == 6 { return .invalid(reason: "SHA-1 in a v6 signature") }
            if (creationTime ?? 0) >= SignaturePolicy.sha1CutOff {
                return .invalid(reason: "SHA-1 signature created after the 2023-02-01 cut-off")
            }
        case .md5, .ripemd160:
            return .invalid(reason: "\(hashAlgorithm) is not accepted")
        default:
            return .unsupported(reason: "hash algorithm \(hashAlgorithm)")
        }
        if version == 6 && hashAlgorithm.v6SaltSize != salt.count {
            return .invalid(reason: "salt of \(salt.count) octets for \(hashAlgorithm)")
        }
        if algorithm != key.algorithm && !(algorithm == .rsa && key.algorithm == .rsaSignOnly) {
            return .invalid(reason: "signature algorithm \(algorithm) does not match key algorithm \(key.algorithm)")
        }
        var hasher = AnyHasher(hashAlgorithm)
        hasher.update(salt)
        switch object {
        case .document(let data):
            if type == .text {
                hasher.update(canonicalText(data))
            } else {
                hasher.update(data)
            }
        case .primaryKey(let primary):
            hasher.updateKey(primary)
        case .userID(let primary, let uid):
            hasher.updateKey(primary)
            hasher.updateComponent(0xB4, uid.body, version: version)
        case .userAttribute(let primary, let attribute):
            hasher.updateKey(primary)
            hasher.updateComponent(0xD1, attribute.body, version: version)
        case .subkey(let primary, let subkey):
            hasher.updateKey(primary)
            hasher.updateKey(subkey)
        }
        hasher.update(hashedPart)
        if version != 3 {
            var trailer: [UInt8] = [version, 0xFF]
            trailer.appendUInt32(hashedPart.count)
            hasher.update(trailer)
        }
        let digest = hasher.finalize()
        guard digest.bytes.prefix(2).elementsEqual(hashLeft16) else {
            return .invalid(reason: "hash prefix mismatch")
        }
        return Self.check(material, digest: digest, key: verifyingKey)
    }

    private static func check(_ material: SignatureMaterial, digest: AnyDigest, key verifyingKey: VerifyingKey) -> SignatureVerdict {
        let key = verifyingKey.packet
        switch (key.material, material) {
        case (.rsa(_, let e), .rsa(let s)):
            let modulus = verifyingKey.rsaModulus
            let sig = Array(s.drop(while: { $0 == 0 }))
            guard !modulus.isEmpty, sig.count <= modulus.count else { return .invalid(reason: "RSA signature larger than modulus") }
            guard let publicKey = verifyingKey.rsa else {
                return .unsupported(reason: "RSA key rejected by the crypto library")
            }
            let signature = _RSA.Signing.RSASignature(rawRepresentation: [UInt8](repeating: 0, count: modulus.count - sig.count) + sig)
            let ok: Bool
            switch digest {
            case .sha224(let d): ok = rsaPKCS1v15Verify(modulus: modulus, exponent: e, signature: sig, digestInfo: sha224DigestInfo + d)
            case .sha1(let d): ok = publicKey.isValidSignature(signature, for: d, padding: .insecurePKCS1v1_5)
            case .sha256(let d): ok = publicKey.isValidSignature(signature, for: d, padding: .insecurePKCS1v1_5)
            case .sha384(let d): ok = publicKey.isValidSignature(signature, for: d, padding: .insecurePKCS1v1_5)
            case .sha512(let d): ok = publicKey.isValidSignature(signature, for: d, padding: .insecurePKCS1v1_5)
            }
            return ok ? .valid : .invalid(reason: "RSA signature does not verify")
        case (.eddsaLegacy(let curve, let point), .twoIntegers(let r, let s)):
            guard curve == .ed25519Legacy || curve == .ed25519 else { return .unsupported(reason: "EdDSA curve \(curve)") }
            guard point.count == 33, point[0] == 0x40 else { return .invalid(reason: "bad EdDSA point") }
            guard let r32 = leftPad(r, 32), let s32 = leftPad(s, 32) else { return .invalid(reason: "EdDSA value too long") }
            return ed25519(verifyingKey.ed25519, r32 + s32, digest.bytes)
        case (.ed25519, .ed25519(let sig)):
            return ed25519(verifyingKey.ed25519, sig, digest.bytes)
        case (.ecdsa(let curve, _), .twoIntegers(let r, let s)):
            let ok: Bool
            switch curve {
            case .nistP256:
                guard let k = verifyingKey.p256,
                      let rs = leftPad(r, 32).flatMap({ r in leftPad(s, 32).map { r + $0 } }),
                      let sig = try? P256.Signing.ECDSASignature(rawRepresentation: rs)
                else { return .invalid(reason: "bad ECDSA key or signature") }
                guard let verdict = digest.withDigest({ k.isValidSignature(sig, for: $0) }) else { return ecdsaSHA224 }
                ok = verdict
            case .nistP384:
                guard let k = verifyingKey.p384,
                      let rs = leftPad(r, 48).flatMap({ r in leftPad(s, 48).map { r + $0 } }),
                      let sig = try? P384.Signing.ECDSASignature(rawRepresentation: rs)
                else { return .invalid(reason: "bad ECDSA key or signature") }
                guard let verdict = digest.withDigest({ k.isValidSignature(sig, for: $0) }) else { return ecdsaSHA224 }
                ok = verdict
            case .nistP521:
                guard let k = verifyingKey.p521,
                      let rs = leftPad(r, 66).flatMap({ r in leftPad(s, 66).map { r + $0 } }),
                      let sig = try? P521.Signing.ECDSASignature(rawRepresentation: rs)
                else { return .invalid(reason: "bad ECDSA key or signature") }
                guard let verdict = digest.withDigest({ k.isValidSignature(sig, for: $0) }) else { return ecdsaSHA224 }
                ok = verdict
            default:
                return .unsupported(reason: "ECDSA curve \(curve)")
            }
            return ok ? .valid : .invalid(reason: "ECDSA signature does not verify")
        case (.dsa(let p, let q, let g, let y), .twoIntegers(let r, let s)):
            guard let bits = key.bitLength, bits <= OpenPGPLimits.maxDSAKeyBits, bigEndianBitLength(q) <= 256 else {
                return .unsupported(reason: "DSA keys over \(OpenPGPLimits.maxDSAKeyBits) bits (FIPS 186-4 §4.2 sizes only)")
            }
            return dsaVerify(p: p, q: q, g: g, y: y, r: r, s: s, digest: digest.bytes)
                ? .valid : .invalid(reason: "DSA signature does not verify")
        case (.ed448, _):
            return .unsupported(reason: "Ed448")
        default:
            return .unsupported(reason: "signature algorithm \(key.algorithm)")
        }
    }

    private static let ecdsaSHA224 = SignatureVerdict.unsupported(reason: "ECDSA with SHA-224")

    private static func ed25519(_ key: Curve25519.Signing.PublicKey?, _ sig: [UInt8], _ message: [UInt8]) -> SignatureVerdict {
        guard let key else { return .invalid(reason: "bad Ed25519 key") }
        return key.isValidSignature(sig, for: message) ? .valid : .invalid(reason: "Ed25519 signature does not verify")
    }
}

/// A public key read into the crypto library once, to check every signature it made: all self-signatures of a
/// certificate are by its primary key, so the import (an RSA modulus and its Montgomery set-up, a P-256 point and its
/// curve check) is paid once per certificate instead of once per signature. A key the crypto library refuses is kept
/// as nil, and each signature gets the verdict it got before.
struct VerifyingKey {
    let packet: PublicKeyPacket
    private let prepared: Prepared

    private enum Prepared {
        case rsa(_RSA.Signing.PublicKey?, modulus: [UInt8])
        case ed25519(Curve25519.Signing.PublicKey?)
        case p256(P256.Signing.PublicKey?)
        case p384(P384.Signing.PublicKey?)
        case p521(P521.Signing.PublicKey?)
        case other
    }

    init(_ key: PublicKeyPacket) {
        packet = key
        switch key.material {
        case .rsa(let n, let e):
            let modulus = Array(n.drop(while: { $0 == 0 }))
            prepared = .rsa(modulus.isEmpty ? nil : try? _RSA.Signing.PublicKey(n: modulus, e: e), modulus: modulus)
        case .eddsaLegacy(_, let point):
            prepared = .ed25519(point.count == 33 ? try? Curve25519.Signing.PublicKey(rawRepresentation: point.dropFirst()) : nil)
        case .ed25519(let k):
            prepared = .ed25519(try? Curve25519.Signing.PublicKey(rawRepresentation: k))
        case .ecdsa(.nistP256, let point):
            prepared = .p256(try? P256.Signing.PublicKey(x963Representation: point))
        case .ecdsa(.nistP384, let point):
            prepared = .p384(try? P384.Signing.PublicKey(x963Representation: point))
        case .ecdsa(.nistP521, let point):
            prepared = .p521(try? P521.Signing.PublicKey(x963Representation: point))
        default:
            prepared = .other
        }
    }

    /// The RSA modulus without leading zero octets (empty for other keys).
    var rsaModulus: [UInt8] { if case .rsa(_, let modulus) = prepared { modulus } else { [] } }
    var rsa: _RSA.Signing.PublicKey? { if case .rsa(let k, _) = prepared { k } else { nil } }
    var ed25519: Curve25519.Signing.PublicKey? { if case .ed25519(let k) = prepared { k } else { nil } }
    var p256: P256.Signing.PublicKey? { if case .p256(let k) = prepared { k } else { nil } }
    var p384: P384.Signing.PublicKey? { if case .p384(let k) = prepared { k } else { nil } }
    var p521: P521.Signing.PublicKey? { if case .p521(let k) = prepared { k } else { nil } }
}

private func leftPad(_ v: [UInt8], _ n: Int) -> [UInt8]? {
    let trimmed = v.drop(while: { $0 == 0 })
    guard trimmed.count <= n else { return nil }
    return [UInt8](repeating: 0, count: n - trimmed.count) + trimmed
}

/// Text documents are hashed with CRLF line endings (RFC 9580 §5.2.1.2).
private func canonicalText(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(data.count + data.count / 32)
    var previous: UInt8 = 0
    for b in data {
        if b == 0x0A && previous != 0x0D { out.append(0x0D) }
        out.append(b)
        previous = b
    }
    return out
}

enum AnyDigest {
    case sha1(Insecure.SHA1Digest)
    case sha224([UInt8])
    case sha256(SHA256Digest)
    case sha384(SHA384Digest)
    case sha512(SHA512Digest)

    var bytes: [UInt8] {
        switch self {
        case .sha1(let d): Array(d)
        case .sha224(let d): d
        case .sha256(let d): Array(d)
        case .sha384(let d): Array(d)
        case .sha512(let d): Array(d)
        }
    }

    /// nil for SHA-224, which swift-crypto's `Digest` types do not cover.
    func withDigest<R>(_ body: (any Digest) -> R) -> R? {
        switch self {
        case .sha224: nil
        case .sha1(let d): body(d)
        case .sha256(let d): body(d)
        case .sha384(let d): body(d)
        case .sha512(let d): body(d)
        }
    }
}

/// One of the hash functions this library verifies with.
struct AnyHasher {
    private enum State {
        case sha1(Insecure.SHA1)
        case sha224(SHA224)
        case sha256(SHA256)
        case sha384(SHA384)
        case sha512(SHA512)
        /// Only while ``update(_:)`` runs.
        case updating
    }
    private var state: State

    /// Callers check the algorithm first; anything else falls back to SHA-256 and cannot match.
    init(_ algorithm: HashAlgorithm) {
        switch algorithm {
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha224: state = .sha224(SHA224())
        case .sha384: state = .sha384(SHA384())
        case .sha512: state = .sha512(SHA512())
        default: state = .sha256(SHA256())
        }
    }

    /// The hasher is taken out of `state` (left `.updating`) while it is updated, so that its context is uniquely
    /// referenced and swift-crypto does not copy it on every update.
    mutating func update(_ bytes: [UInt8]) {
        switch state {
        case .sha1(var h): state = .updating; h.update(data: bytes); state = .sha1(h)
        case .sha224(var h): state = .updating; h.update(bytes); state = .sha224(h)
        case .sha256(var h): state = .updating; h.update(data: bytes); state = .sha256(h)
        case .sha384(var h): state = .updating; h.update(data: bytes); state = .sha384(h)
        case .sha512(var h): state = .updating; h.update(data: bytes); state = .sha512(h)
        case .updating: break
        }
    }

    mutating func updateKey(_ key: PublicKeyPacket) {
        update(key.hashPrefix)
        update(key.body)
    }

    /// User IDs and attributes: `tag ‖ 4-octet length ‖ body` for v4/v6 signatures, the bare body for v3 (RFC 9580 §5.2.4).
    mutating func updateComponent(_ tag: UInt8, _ body: [UInt8], version: UInt8) {
        if version != 3 {
            var prefix: [UInt8] = [tag]
            prefix.appendUInt32(body.count)
            update(prefix)
        }
        update(body)
    }

    func finalize() -> AnyDigest {
        switch state {
        case .sha1(let h): .sha1(h.finalize())
        case .sha224(let h): .sha224(h.finalize())
        case .sha256(let h): .sha256(h.finalize())
        case .sha384(let h): .sha384(h.finalize())
        case .sha512(let h): .sha512(h.finalize())
        case .updating: preconditionFailure("a hasher finalized while it is being updated")
        }
    }
}
