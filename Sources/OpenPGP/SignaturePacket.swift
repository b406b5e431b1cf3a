public import struct Foundation.Date

/// A signature type (RFC 9580 §5.2.1).
public struct SignatureType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let binary = SignatureType(rawValue: 0x00)
    public static let text = SignatureType(rawValue: 0x01)
    public static let standalone = SignatureType(rawValue: 0x02)
    public static let genericCertification = SignatureType(rawValue: 0x10)
    public static let personaCertification = SignatureType(rawValue: 0x11)
    public static let casualCertification = SignatureType(rawValue: 0x12)
    public static let positiveCertification = SignatureType(rawValue: 0x13)
    public static let subkeyBinding = SignatureType(rawValue: 0x18)
    public static let primaryKeyBinding = SignatureType(rawValue: 0x19)
    public static let directKey = SignatureType(rawValue: 0x1F)
    public static let keyRevocation = SignatureType(rawValue: 0x20)
    public static let subkeyRevocation = SignatureType(rawValue: 0x28)
    public static let certificationRevocation = SignatureType(rawValue: 0x30)
    public static let timestamp = SignatureType(rawValue: 0x40)
    public static let thirdPartyConfirmation = SignatureType(rawValue: 0x50)

    /// 0x10–0x13: a certification of a user ID or user attribute.
    public var isCertification: Bool { (0x10...0x13).contains(rawValue) }

    public var description: String { "0x" + hexString([rawValue]) }
}

/// A hash algorithm ID (RFC 9580 §9.5).
public struct HashAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let md5 = HashAlgorithm(rawValue: 1)
    public static let sha1 = HashAlgorithm(rawValue: 2)
    public static let ripemd160 = HashAlgorithm(rawValue: 3)
    public static let sha256 = HashAlgorithm(rawValue: 8)
    public static let sha384 = HashAlgorithm(rawValue: 9)
    public static let sha512 = HashAlgorithm(rawValue: 10)
    public static let sha224 = HashAlgorithm(rawValue: 11)
    public static let sha3_256 = HashAlgorithm(rawValue: 12)
    public static let sha3_512 = HashAlgorithm(rawValue: 14)

    /// The salt size v6 signatures must use with this hash (RFC 9580 §9.5), nil if not allowed in v6.
    public var v6SaltSize: Int? {
        switch self {
        case .sha256, .sha224, .sha3_256: 16
        case .sha384: 24
        case .sha512, .sha3_512: 32
        default: nil
        }
    }

    public var description: String {
        switch rawValue {
        case 1: "MD5"
        case 2: "SHA1"
        case 3: "RIPEMD160"
        case 8: "SHA256"
        case 9: "SHA384"
        case 10: "SHA512"
        case 11: "SHA224"
        case 12: "SHA3-256"
        case 14: "SHA3-512"
        default: "unknown(\(rawValue))"
        }
    }
}

/// The algorithm-specific signature fields (RFC 9580 §5.2.3), as value bytes.
public enum SignatureMaterial: Hashable, Sendable {
    case rsa(s: [UInt8])
    /// DSA, ECDSA and EdDSALegacy: two MPIs.
    case twoIntegers(r: [UInt8], s: [UInt8])
    case ed25519([UInt8])
    case ed448([UInt8])
    case opaque([UInt8])
}

/// A Signature packet, version 3 (read only), 4 or 6 (RFC 9580 §5.2).
///
/// The packet's ``body`` and the ``hashedPart`` are kept exactly as read, because verification
/// hashes them.
public struct SignaturePacket: Hashable, Sendable {
    public let version: UInt8
    public let type: SignatureType
    public let algorithm: PublicKeyAlgorithm
    public let hashAlgorithm: HashAlgorithm
    public let hashedSubpackets: [Subpacket]
    public let unhashedSubpackets: [Subpacket]
    /// The left 16 bits of the signed hash.
    public let hashLeft16: [UInt8]
    /// The v6 salt (RFC 9580 §5.2.3); empty for v3 and v4.
    public let salt: [UInt8]
    public let material: SignatureMaterial
    /// The octets that are hashed after the signed data: for v4/v6 the body from the version
    /// through the hashed subpackets, for v3 the type and creation time (RFC 9580 §5.2.4).
    public let hashedPart: [UInt8]
    /// The packet body exactly as read.
    public let body: [UInt8]
    private let v3CreationTime: UInt32?
    private let v3Issuer: KeyID?

    /// Reads a signature packet (RFC 9580 §5.2.2 for v3, §5.2.3 for v4 and v6).
    /// - Throws: ``OpenPGPError/unsupportedVersion`` for other versions, ``OpenPGPError/nestingTooDeep``
    ///   for embedded signatures beyond ``OpenPGPLimits/maxEmbeddedSignatureDepth``.
    public init(packet: Packet) throws {
        guard packet.tag == .signature else {
            throw OpenPGPError.malformedPacket.with("packet tag \(packet.tag.rawValue) is not a signature")
        }
        try self.init(body: packet.body, depth: 0)
    }

    init(body: [UInt8], depth: Int) throws {
        guard depth <= OpenPGPLimits.maxEmbeddedSignatureDepth else {
            throw OpenPGPError.nestingTooDeep.with("embedded signature at depth \(depth)")
        }
        self.body = body
        var r = ByteReader(body)
        guard let version = r.readByte() else { throw OpenPGPError.truncated }
        self.version = version
        switch version {
        case 3, 2:
            guard r.readByte() == 5, let t = r.readByte(), let created = r.readUInt32(),
                  let issuer = r.readBytes(8), let alg = r.readByte(), let hash = r.readByte(),
                  let left = r.readBytes(2)
            else { throw OpenPGPError.malformedPacket.with("bad v3 signature header") }
            type = SignatureType(rawValue: t)
            algorithm = PublicKeyAlgorithm(rawValue: alg)
            hashAlgorithm = HashAlgorithm(rawValue: hash)
            hashedSubpackets = []
            unhashedSubpackets = []
            hashLeft16 = Array(left)
            salt = []
            hashedPart = Array(body[2..<7])
            v3CreationTime = created
            v3Issuer = KeyID(bytes: Array(issuer))
        case 4, 6:
            guard let t = r.readByte(), let alg = r.readByte(), let hash = r.readByte() else {
                throw OpenPGPError.truncated
            }
            type = SignatureType(rawValue: t)
            algorithm = PublicKeyAlgorithm(rawValue: alg)
            hashAlgorithm = HashAlgorithm(rawValue: hash)
            func area() throws -> [Subpacket] {
                let count: Int?
                if version == 6 { count = r.readUInt32().map(Int.init) } else { count = r.readUInt16().map(Int.init) }
                guard let count, let bytes = r.readBytes(count) else { throw OpenPGPError.truncated }
                return try Subpacket.parseArea(bytes, depth: depth)
            }
            hashedSubpackets = try area()
            hashedPart = Array(body[body.startIndex..<r.index])
            unhashedSubpackets = try area()
            guard let left = r.readBytes(2) else { throw OpenPGPError.truncated }
            hashLeft16 = Array(left)
            if version == 6 {
                guard let n = r.readByte(), let s = r.readBytes(Int(n)) else { throw OpenPGPError.truncated }
                salt = Array(s)
            } else {
                salt = []
            }
            v3CreationTime = nil
            v3Issuer = nil
        default:
            throw OpenPGPError.unsupportedVersion.with("signature version \(version)")
        }
        func mpi() throws -> [UInt8] {
            guard let m = r.readMPI() else { throw OpenPGPError.truncated }
            return Array(m.mpiValue)
        }
        switch algorithm {
        case .rsa, .rsaSignOnly, .rsaEncryptOnly:
            material = .rsa(s: try mpi())
        case .dsa, .ecdsa, .eddsaLegacy:
            material = .twoIntegers(r: try mpi(), s: try mpi())
        case .ed25519:
            guard let b = r.readBytes(64) else { throw OpenPGPError.truncated }
            material = .ed25519(Array(b))
        case .ed448:
            guard let b = r.readBytes(114) else { throw OpenPGPError.truncated }
            material = .ed448(Array(b))
        default:
            material = .opaque(Array(r.readRest()))
        }
        guard r.isAtEnd else { throw OpenPGPError.malformedPacket.with("trailing bytes after signature") }
    }

    /// The packet with its original body.
    public var packet: Packet { Packet(tag: .signature, body: body) }

    private func hashed<T>(_ pick: (SubpacketValue) -> T?) -> T? {
        for s in hashedSubpackets { if let v = pick(s.value) { return v } }
        return nil
    }

    /// Signature creation time (hashed subpacket 2, RFC 9580 §5.2.3.11; the v3 field for v3).
    public var creationTime: UInt32? {
        if let v3CreationTime { return v3CreationTime }
        return hashed { if case .signatureCreationTime(let t) = $0 { t } else { nil } }
    }

    /// Creation time as a `Date` (the epoch if absent).
    public var created: Date { Date(timeIntervalSince1970: Double(creationTime ?? 0)) }

    /// Seconds after creation at which the signature expires (RFC 9580 §5.2.3.18); nil or 0 means never.
    public var signatureExpirationTime: UInt32? {
        hashed { if case .signatureExpirationTime(let t) = $0 { t } else { nil } }
    }

    /// Seconds after the key's creation at which the key expires (RFC 9580 §5.2.3.13); nil or 0 means never.
    public var keyExpirationTime: UInt32? {
        hashed { if case .keyExpirationTime(let t) = $0 { t } else { nil } }
    }

    /// Key flags (RFC 9580 §5.2.3.29), from the hashed area.
    public var keyFlags: KeyFlags? {
        hashed { if case .keyFlags(let f) = $0 { f } else { nil } }
    }

    /// Whether the hashed area marks this user ID as primary (RFC 9580 §5.2.3.27).
    public var isPrimaryUserID: Bool {
        hashed { if case .primaryUserID(let p) = $0 { p } else { nil } } ?? false
    }

    /// Reason for revocation (RFC 9580 §5.2.3.31), from the hashed area.
    public var revocationReason: RevocationReason? {
        hashed { if case .reasonForRevocation(let r) = $0 { r } else { nil } }
    }

    /// Features (RFC 9580 §5.2.3.32), from the hashed area.
    public var features: [UInt8]? {
        hashed { if case .features(let f) = $0 { f } else { nil } }
    }

    /// Preferred symmetric algorithms (RFC 9580 §5.2.3.14).
    public var preferredSymmetricAlgorithms: [UInt8]? {
        hashed { if case .preferredSymmetricAlgorithms(let p) = $0 { p } else { nil } }
    }

    /// Preferred hash algorithms (RFC 9580 §5.2.3.16).
    public var preferredHashAlgorithms: [UInt8]? {
        hashed { if case .preferredHashAlgorithms(let p) = $0 { p } else { nil } }
    }

    /// Preferred compression algorithms (RFC 9580 §5.2.3.17).
    public var preferredCompressionAlgorithms: [UInt8]? {
        hashed { if case .preferredCompressionAlgorithms(let p) = $0 { p } else { nil } }
    }

    /// Issuer key IDs, from either area and from issuer fingerprints (RFC 9580 §5.2.3.12, §5.2.3.35).
    public var issuerKeyIDs: [KeyID] {
        if let v3Issuer { return [v3Issuer] }
        return subpackets {
            switch $0 {
            case .issuerKeyID(let k): k
            case .issuerFingerprint(_, let f): f.keyID
            default: nil
            }
        }
    }

    /// Issuer fingerprints, from either area (RFC 9580 §5.2.3.35).
    public var issuerFingerprints: [Fingerprint] {
        subpackets { if case .issuerFingerprint(_, let f) = $0 { f } else { nil } }
    }

    /// Embedded signatures (RFC 9580 §5.2.3.34) from either area; the back-signature of a subkey binding lives here.
    public var embeddedSignatures: [SignaturePacket] {
        subpackets { if case .embeddedSignature(let s) = $0 { s } else { nil } }
    }

    /// A critical subpacket this library does not understand: such a signature is invalid (RFC 9580 §5.2.3.7).
    public var hasUnknownCriticalSubpacket: Bool {
        func unknownCritical(_ s: Subpacket) -> Bool { s.isCritical && !Subpacket.understood.contains(s.type) }
        return hashedSubpackets.contains(where: unknownCritical) || unhashedSubpackets.contains(where: unknownCritical)
    }

    /// The values `pick` takes from either area, hashed first (without joining the two areas into a new array).
    private func subpackets<T>(_ pick: (SubpacketValue) -> T?) -> [T] {
        var out: [T] = []
        for s in hashedSubpackets { if let v = pick(s.value) { out.append(v) } }
        for s in unhashedSubpackets { if let v = pick(s.value) { out.append(v) } }
        return out
    }

    /// Whether a signature by `key` could be this one: no issuer information, or an issuer that names `key`.
    func mayBeIssued(by key: PublicKeyPacket) -> Bool {
        let fingerprints = issuerFingerprints
        if !fingerprints.isEmpty { return fingerprints.contains(key.fingerprint) }
        let ids = issuerKeyIDs.filter { !$0.isWildcard }
        if !ids.isEmpty { return ids.contains(key.keyID) }
        return true
    }
}
