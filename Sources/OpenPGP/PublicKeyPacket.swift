public import struct Foundation.Date
import Crypto

/// A public-key algorithm ID (RFC 9580 §9.1).
public struct PublicKeyAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let rsa = PublicKeyAlgorithm(rawValue: 1)
    public static let rsaEncryptOnly = PublicKeyAlgorithm(rawValue: 2)
    public static let rsaSignOnly = PublicKeyAlgorithm(rawValue: 3)
    public static let elgamal = PublicKeyAlgorithm(rawValue: 16)
    public static let dsa = PublicKeyAlgorithm(rawValue: 17)
    public static let ecdh = PublicKeyAlgorithm(rawValue: 18)
    public static let ecdsa = PublicKeyAlgorithm(rawValue: 19)
    public static let elgamalEncryptOrSign = PublicKeyAlgorithm(rawValue: 20)
    public static let eddsaLegacy = PublicKeyAlgorithm(rawValue: 22)
    public static let x25519 = PublicKeyAlgorithm(rawValue: 25)
    public static let x448 = PublicKeyAlgorithm(rawValue: 26)
    public static let ed25519 = PublicKeyAlgorithm(rawValue: 27)
    public static let ed448 = PublicKeyAlgorithm(rawValue: 28)

    /// A short name such as `RSA`, `Ed25519`, `ECDSA`; `unknown(N)` for others.
    public var description: String {
        switch rawValue {
        case 1: "RSA"
        case 2: "RSA (encrypt only)"
        case 3: "RSA (sign only)"
        case 16: "Elgamal"
        case 17: "DSA"
        case 18: "ECDH"
        case 19: "ECDSA"
        case 20: "Elgamal (encrypt or sign)"
        case 22: "EdDSALegacy"
        case 25: "X25519"
        case 26: "X448"
        case 27: "Ed25519"
        case 28: "Ed448"
        default: "unknown(\(rawValue))"
        }
    }

    /// Whether keys of this algorithm can make signatures (and so need a back-signature as subkeys).
    public var canSign: Bool {
        [.rsa, .rsaSignOnly, .dsa, .ecdsa, .eddsaLegacy, .ed25519, .ed448, .elgamalEncryptOrSign].contains(self)
    }
}

/// An elliptic curve named by its OID (RFC 9580 §9.2).
public struct Curve: Hashable, Sendable, CustomStringConvertible {
    /// The DER OID contents (without tag and length), as written in key packets.
    public let oid: [UInt8]
    public init(oid: [UInt8]) { self.oid = oid }

    public static let nistP256 = Curve(oid: [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07])
    public static let nistP384 = Curve(oid: [0x2B, 0x81, 0x04, 0x00, 0x22])
    public static let nistP521 = Curve(oid: [0x2B, 0x81, 0x04, 0x00, 0x23])
    public static let brainpoolP256r1 = Curve(oid: [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07])
    public static let brainpoolP384r1 = Curve(oid: [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B])
    public static let brainpoolP512r1 = Curve(oid: [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D])
    /// Ed25519 as used by EdDSALegacy (1.3.6.1.4.1.11591.15.1).
    public static let ed25519Legacy = Curve(oid: [0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01])
    /// Curve25519 as used by legacy ECDH (1.3.6.1.4.1.3029.1.5.1).
    public static let curve25519Legacy = Curve(oid: [0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01])
    /// Ed25519 by its RFC 8410 OID (1.3.101.112), accepted for EdDSALegacy.
    public static let ed25519 = Curve(oid: [0x2B, 0x65, 0x70])

    public var description: String {
        switch self {
        case .nistP256: "nistp256"
        case .nistP384: "nistp384"
        case .nistP521: "nistp521"
        case .brainpoolP256r1: "brainpoolP256r1"
        case .brainpoolP384r1: "brainpoolP384r1"
        case .brainpoolP512r1: "brainpoolP512r1"
        case .ed25519Legacy, .ed25519: "ed25519"
        case .curve25519Legacy: "cv25519"
        default: "oid(\(hexString(oid)))"
        }
    }
}

/// The algorithm-specific public key fields (RFC 9580 §5.5.5). MPIs and points are kept as
/// their value bytes; ``PublicKeyPacket/body`` keeps the exact encoding.
public enum PublicKeyMaterial: Hashable, Sendable {
    case rsa(n: [UInt8], e: [UInt8])
    case dsa(p: [UInt8], q: [UInt8], g: [UInt8], y: [UInt8])
    case elgamal(p: [UInt8], g: [UInt8], y: [UInt8])
    case ecdsa(curve: Curve, point: [UInt8])
    case ecdh(curve: Curve, point: [UInt8], kdfParameters: [UInt8])
    case eddsaLegacy(curve: Curve, point: [UInt8])
    case x25519([UInt8])
    case x448([UInt8])
    case ed25519([UInt8])
    case ed448([UInt8])
    /// An algorithm this library does not know; the bytes are kept opaque.
    case opaque([UInt8])
}

/// A Public-Key or Public-Subkey packet, version 4 or 6 (RFC 9580 §5.5.2).
public struct PublicKeyPacket: Hashable, Sendable {
    /// 4 or 6.
    public let version: UInt8
    /// Creation time in seconds since 1970 (RFC 9580 §5.5.2).
    public let creationTime: UInt32
    public let algorithm: PublicKeyAlgorithm
    public let material: PublicKeyMaterial
    /// The packet body exactly as read; it is what fingerprints and signatures hash.
    public let body: [UInt8]
    /// Whether this came from a Public-Subkey packet (tag 14) rather than a Public-Key packet (tag 6).
    public let isSubkey: Bool
    /// The fingerprint (RFC 9580 §5.5.4): SHA-1 over the v4 key (20 octets), SHA-256 over the v6 key (32 octets).
    public let fingerprint: Fingerprint

    /// Reads a key packet body (RFC 9580 §5.5.2).
    /// - Throws: ``OpenPGPError/secretKeyMaterial`` for tags 5 and 7, ``OpenPGPError/unsupportedVersion``
    ///   for versions other than 4 and 6, ``OpenPGPError/malformedPacket`` or ``OpenPGPError/truncated`` otherwise.
    public init(packet: Packet) throws {
        switch packet.tag {
        case .publicKey: isSubkey = false
        case .publicSubkey: isSubkey = true
        case .secretKey, .secretSubkey:
            throw OpenPGPError.secretKeyMaterial.with("a secret key packet (tag \(packet.tag.rawValue)) where a public key is expected")
        default:
            throw OpenPGPError.malformedPacket.with("packet tag \(packet.tag.rawValue) is not a public key")
        }
        body = packet.body
        var r = ByteReader(packet.body)
        guard let version = r.readByte() else { throw OpenPGPError.truncated }
        guard version == 4 || version == 6 else {
            throw OpenPGPError.unsupportedVersion.with("key packet version \(version)")
        }
        self.version = version
        guard let created = r.readUInt32(), let alg = r.readByte() else { throw OpenPGPError.truncated }
        creationTime = created
        algorithm = PublicKeyAlgorithm(rawValue: alg)
        var materialBytes: ArraySlice<UInt8>
        if version == 6 {
            guard let count = r.readUInt32(), let m = r.readBytes(Int(count)) else { throw OpenPGPError.truncated }
            guard r.isAtEnd else { throw OpenPGPError.malformedPacket.with("trailing bytes after v6 key material") }
            materialBytes = m
        } else {
            materialBytes = r.readRest()
        }
        material = try PublicKeyPacket.parseMaterial(algorithm, &materialBytes)
        fingerprint = PublicKeyPacket.computeFingerprint(version: version, body: packet.body)
    }

    private static func parseMaterial(_ algorithm: PublicKeyAlgorithm, _ bytes: inout ArraySlice<UInt8>) throws -> PublicKeyMaterial {
        var r = ByteReader(bytes)
        func mpi() throws -> [UInt8] {
            guard let m = r.readMPI() else { throw OpenPGPError.truncated }
            return Array(m.mpiValue)
        }
        func oid() throws -> Curve {
            guard let n = r.readByte(), n != 0, n != 0xFF, let o = r.readBytes(Int(n)) else {
                throw OpenPGPError.malformedPacket.with("bad curve OID")
            }
            return Curve(oid: Array(o))
        }
        func fixed(_ n: Int) throws -> [UInt8] {
            guard let b = r.readBytes(n) else { throw OpenPGPError.truncated }
            return Array(b)
        }
        let material: PublicKeyMaterial
        switch algorithm {
        case .rsa, .rsaEncryptOnly, .rsaSignOnly:
            material = .rsa(n: try mpi(), e: try mpi())
        case .dsa:
            material = .dsa(p: try mpi(), q: try mpi(), g: try mpi(), y: try mpi())
        case .elgamal, .elgamalEncryptOrSign:
            material = .elgamal(p: try mpi(), g: try mpi(), y: try mpi())
        case .ecdsa:
            material = .ecdsa(curve: try oid(), point: try mpi())
        case .ecdh:
            let curve = try oid()
            let point = try mpi()
            guard let n = r.readByte(), n >= 1, let kdf = r.readBytes(Int(n)) else {
                throw OpenPGPError.malformedPacket.with("bad ECDH KDF parameters")
            }
            material = .ecdh(curve: curve, point: point, kdfParameters: Array(kdf))
        case .eddsaLegacy:
            material = .eddsaLegacy(curve: try oid(), point: try mpi())
        case .x25519: material = .x25519(try fixed(32))
        case .x448: material = .x448(try fixed(56))
        case .ed25519: material = .ed25519(try fixed(32))
        case .ed448: material = .ed448(try fixed(57))
        default:
            return .opaque(Array(r.readRest()))
        }
        guard r.isAtEnd else { throw OpenPGPError.malformedPacket.with("trailing bytes after key material") }
        return material
    }

    /// The packet this key was read from, with its original body.
    public var packet: Packet { Packet(tag: isSubkey ? .publicSubkey : .publicKey, body: body) }

    /// The creation time as a `Date`.
    public var created: Date { Date(timeIntervalSince1970: Double(creationTime)) }

    /// The bytes a signature or fingerprint hashes for this key (RFC 9580 §5.2.4, §5.5.4):
    /// `0x99 ‖ 2-octet length ‖ body` for v4, `0x9B ‖ 4-octet length ‖ body` for v6.
    var hashPrefix: [UInt8] {
        var out: [UInt8] = []
        if version == 6 {
            out.append(0x9B); out.appendUInt32(body.count)
        } else {
            out.append(0x99); out.appendUInt16(body.count)
        }
        return out
    }

    /// Computes the fingerprint (RFC 9580 §5.5.4): SHA-1 for v4 (20 octets), SHA-256 for v6 (32 octets).
    private static func computeFingerprint(version: UInt8, body: [UInt8]) -> Fingerprint {
        var prefix: [UInt8] = []
        if version == 6 {
            prefix.append(0x9B); prefix.appendUInt32(body.count)
            var h = SHA256()
            h.update(data: prefix); h.update(data: body)
            return Fingerprint(bytes: Array(h.finalize()))
        }
        prefix.append(0x99); prefix.appendUInt16(body.count)
        var h = Insecure.SHA1()
        h.update(data: prefix); h.update(data: body)
        return Fingerprint(bytes: Array(h.finalize()))
    }

    /// The key ID (RFC 9580 §5.5.4): the low 64 bits of a v4 fingerprint, the high 64 bits of a v6 one.
    public var keyID: KeyID { fingerprint.keyID }

    /// Key size in bits for RSA, DSA and Elgamal (bit length of the modulus or prime); nil otherwise.
    public var bitLength: Int? {
        switch material {
        case .rsa(let n, _): bigEndianBitLength(n)
        case .dsa(let p, _, _, _), .elgamal(let p, _, _): bigEndianBitLength(p)
        default: nil
        }
    }

    /// A short algorithm label in the style of GnuPG: `rsa3072`, `ed25519`, `nistp256`, `cv25519`, `x448`.
    public var algorithmLabel: String {
        switch material {
        case .rsa: "rsa\(bitLength ?? 0)"
        case .dsa: "dsa\(bitLength ?? 0)"
        case .elgamal: "elg\(bitLength ?? 0)"
        case .ecdsa(let c, _), .ecdh(let c, _, _), .eddsaLegacy(let c, _): c.description
        case .x25519: "x25519"
        case .x448: "x448"
        case .ed25519: "ed25519"
        case .ed448: "ed448"
        case .opaque: algorithm.description
        }
    }
}

/// A key fingerprint (RFC 9580 §5.5.4).
public struct Fingerprint: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses upper- or lower-case hex, spaces ignored; nil if not hex of 20 or 32 octets.
    public init?(hex: String) {
        guard let b = parseHex(hex), b.count == 20 || b.count == 32 else { return nil }
        bytes = b
    }

    /// The key ID: last 8 octets of a v4 (20-octet) fingerprint, first 8 of a v6 (32-octet) one.
    public var keyID: KeyID {
        KeyID(bytes: bytes.count == 32 ? Array(bytes.prefix(8)) : Array(bytes.suffix(8)))
    }

    /// Upper-case hex without spaces.
    public var description: String { hexString(bytes) }

    public static func < (a: Fingerprint, b: Fingerprint) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

/// A 64-bit key ID (RFC 9580 §5.5.4).
public struct KeyID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    /// Upper-case hex, 16 digits.
    public var description: String { hexString(bytes) }
    /// The wildcard key ID (all zeros), RFC 9580 §5.1.
    public var isWildcard: Bool { bytes.allSatisfy { $0 == 0 } }
}

func parseHex(_ s: String) -> [UInt8]? {
    var out: [UInt8] = []
    var high: UInt8?
    for c in s.utf8 {
        let v: UInt8
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
        case UInt8(ascii: " "): continue
        default: return nil
        }
        if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    return high == nil ? out : nil
}

/// The bit length of a big-endian unsigned integer (an MPI's value).
func bigEndianBitLength(_ v: [UInt8]) -> Int {
    guard let i = v.firstIndex(where: { $0 != 0 }) else { return 0 }
    return (v.count - i) * 8 - v[i].leadingZeroBitCount
}
