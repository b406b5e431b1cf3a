import Crypto
public import struct Foundation.Date

/// Generates small v4 certificates that every OpenPGP implementation reads (GnuPG 2.2 included), for demos and tests:
/// an Ed25519 primary key (EdDSALegacy, RFC 9580 §5.5.5.5) certified for one user ID (positive certification, key flags
/// certify + sign, RFC 9580 §5.2.3.29) and, optionally, a Curve25519 encryption subkey (ECDH, RFC 9580 §5.5.5.6) with
/// its binding signature (key flags encrypt communications + storage). Signatures are SHA-256.
///
/// The secret keys are not kept: the result is a public certificate that can be published and verified, and that
/// nobody can sign or decrypt with afterwards.
public struct CertificateBuilder: Sendable {
    public var userID: String
    public var created: Date
    public var encryptionSubkey: Bool

    public init(userID: String, created: Date = Date(), encryptionSubkey: Bool = true) {
        self.userID = userID
        self.created = created
        self.encryptionSubkey = encryptionSubkey
    }

    /// A new certificate with fresh keys.
    /// - Throws: ``OpenPGPError`` if a packet it built does not parse back (a bug) or the signer fails.
    public func generate() throws -> Certificate {
        let time = UInt32(clamping: Int64(created.timeIntervalSince1970.rounded(.down)))
        let signer = Curve25519.Signing.PrivateKey()
        let primary = try PublicKeyPacket(packet: Packet(tag: .publicKey, body: Self.keyBody(
            time, .eddsaLegacy, curve: .ed25519Legacy, point: Array(signer.publicKey.rawRepresentation))))
        let uid = UserIDPacket(body: Array(userID.utf8))
        var uidHash = Self.hasher(primary)
        uidHash.updateComponent(0xB4, uid.body, version: 4)
        let certification = try Self.sign(.positiveCertification, hashing: uidHash, by: signer, key: primary, created: time, subpackets:
            Self.subpacket(27, [0x03])  // certify, sign
            + Self.subpacket(11, [9, 8, 7])  // AES-256, AES-192, AES-128
            + Self.subpacket(21, [10, 9, 8])  // SHA-512, SHA-384, SHA-256
            + Self.subpacket(22, [2, 3, 1, 0])  // ZLIB, BZip2, ZIP, none
            + Self.subpacket(30, [0x01])  // features: SEIPD v1
            + Self.subpacket(25, [1]))  // primary user ID
        var certificate = Certificate(primaryKey: primary, userIDs: [UserIDComponent(userID: uid, signatures: [certification])])
        if encryptionSubkey {
            let agreement = Curve25519.KeyAgreement.PrivateKey()
            // KDF parameters (RFC 9580 §11.5): SHA-256, AES-128, as GnuPG writes them for Curve25519.
            let subkey = try PublicKeyPacket(packet: Packet(tag: .publicSubkey, body: Self.keyBody(
                time, .ecdh, curve: .curve25519Legacy, point: Array(agreement.publicKey.rawRepresentation)) + [3, 1, 8, 7]))
            var bindingHash = Self.hasher(primary)
            bindingHash.updateKey(subkey)
            let binding = try Self.sign(.subkeyBinding, hashing: bindingHash, by: signer, key: primary, created: time,
                                        subpackets: Self.subpacket(27, [0x0C]))  // encrypt communications, encrypt storage
            certificate.subkeys = [SubkeyComponent(key: subkey, signatures: [binding])]
        }
        return certificate
    }

    /// `version ‖ created ‖ algorithm ‖ OID length ‖ OID ‖ MPI(0x40 ‖ point)` (RFC 9580 §5.5.2, §5.5.5.5–6).
    static func keyBody(_ created: UInt32, _ algorithm: PublicKeyAlgorithm, curve: Curve, point: [UInt8]) -> [UInt8] {
        var body: [UInt8] = [4]
        body.appendUInt32(Int(created))
        body += [algorithm.rawValue, UInt8(curve.oid.count)] + curve.oid + mpi([0x40] + point)
        return body
    }

    static func hasher(_ primary: PublicKeyPacket) -> AnyHasher {
        var hasher = AnyHasher(.sha256)
        hasher.updateKey(primary)
        return hasher
    }

    /// A v4 signature (RFC 9580 §5.2.3) whose hashed area holds the creation time, the issuer fingerprint and
    /// `subpackets`; the issuer key ID goes in the unhashed area for older readers.
    static func sign(_ type: SignatureType, hashing hasher: AnyHasher, by signer: Curve25519.Signing.PrivateKey, key: PublicKeyPacket,
                     created: UInt32, subpackets: [UInt8]) throws -> SignaturePacket {
        var time: [UInt8] = []
        time.appendUInt32(Int(created))
        let hashed = subpacket(2, time) + subpacket(33, [4] + key.fingerprint.bytes) + subpackets
        let hashedPart: [UInt8] = [4, type.rawValue, PublicKeyAlgorithm.eddsaLegacy.rawValue, HashAlgorithm.sha256.rawValue,
                                   UInt8(hashed.count >> 8), UInt8(hashed.count & 0xFF)] + hashed
        var hasher = hasher
        hasher.update(hashedPart)
        var trailer: [UInt8] = [4, 0xFF]
        trailer.appendUInt32(hashedPart.count)
        hasher.update(trailer)
        let digest = hasher.finalize().bytes
        let signature = Array(try signer.signature(for: digest))
        let unhashed = subpacket(16, Array(key.fingerprint.bytes.suffix(8)))
        let body = hashedPart + [UInt8(unhashed.count >> 8), UInt8(unhashed.count & 0xFF)] + unhashed + Array(digest.prefix(2))
            + mpi(Array(signature[0..<32])) + mpi(Array(signature[32..<64]))
        return try SignaturePacket(packet: Packet(tag: .signature, body: body))
    }

    /// A subpacket (RFC 9580 §5.2.3.7) with a one-octet length; every subpacket here is short.
    static func subpacket(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        [UInt8(body.count + 1), type] + body
    }

    /// A multiprecision integer (RFC 9580 §3.2): bit count, then the value without leading zero octets.
    static func mpi(_ value: [UInt8]) -> [UInt8] {
        let v = Array(value.drop { $0 == 0 })
        let bits = v.isEmpty ? 0 : (v.count - 1) * 8 + (8 - v[0].leadingZeroBitCount)
        return [UInt8(bits >> 8), UInt8(bits & 0xFF)] + v
    }
}
