/// A user ID with the signatures that follow it.
public struct UserIDComponent: Hashable, Sendable {
    public var userID: UserIDPacket
    public var signatures: [SignaturePacket]
    public init(userID: UserIDPacket, signatures: [SignaturePacket]) {
        self.userID = userID
        self.signatures = signatures
    }
}

/// A user attribute with the signatures that follow it.
public struct UserAttributeComponent: Hashable, Sendable {
    public var attribute: UserAttributePacket
    public var signatures: [SignaturePacket]
    public init(attribute: UserAttributePacket, signatures: [SignaturePacket]) {
        self.attribute = attribute
        self.signatures = signatures
    }
}

/// A subkey with the signatures that follow it.
public struct SubkeyComponent: Hashable, Sendable {
    public var key: PublicKeyPacket
    public var signatures: [SignaturePacket]
    public init(key: PublicKeyPacket, signatures: [SignaturePacket]) {
        self.key = key
        self.signatures = signatures
    }
}

/// A transferable public key (RFC 9580 §10.1): the primary key, its own signatures, user IDs,
/// user attributes and subkeys, each with the signatures that followed it.
///
/// Parsing keeps the packets' original bodies and order; ``packets`` writes them back unchanged
/// (in the current header format; marker, trust and padding packets are not kept).
///
/// A value verifies each of its signatures at most once: the verdicts are kept with it (``verifiedSignatures()``) and
/// dropped by any change to it. Equality and hashing look at the packets only.
public struct Certificate: Hashable, Sendable {
    public var primaryKey: PublicKeyPacket { didSet { verification = VerificationCache() } }
    /// Signatures directly after the primary key: direct-key (0x1F) and key revocations (0x20).
    public var primarySignatures: [SignaturePacket] { didSet { verification = VerificationCache() } }
    public var userIDs: [UserIDComponent] { didSet { verification = VerificationCache() } }
    public var userAttributes: [UserAttributeComponent] { didSet { verification = VerificationCache() } }
    public var subkeys: [SubkeyComponent] { didSet { verification = VerificationCache() } }
    /// The verdicts of this value's signatures, once computed.
    var verification = VerificationCache()

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool {
        lhs.primaryKey == rhs.primaryKey && lhs.primarySignatures == rhs.primarySignatures && lhs.userIDs == rhs.userIDs
            && lhs.userAttributes == rhs.userAttributes && lhs.subkeys == rhs.subkeys
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(primaryKey)
        hasher.combine(primarySignatures)
        hasher.combine(userIDs)
        hasher.combine(userAttributes)
        hasher.combine(subkeys)
    }

    public init(primaryKey: PublicKeyPacket, primarySignatures: [SignaturePacket] = [], userIDs: [UserIDComponent] = [],
                userAttributes: [UserAttributeComponent] = [], subkeys: [SubkeyComponent] = []) {
        self.primaryKey = primaryKey
        self.primarySignatures = primarySignatures
        self.userIDs = userIDs
        self.userAttributes = userAttributes
        self.subkeys = subkeys
    }

    /// The primary key's fingerprint (RFC 9580 §5.5.4).
    public var fingerprint: Fingerprint { primaryKey.fingerprint }
    /// The primary key's key ID.
    public var keyID: KeyID { primaryKey.keyID }

    /// Reads every certificate in a keyring, binary or ASCII-armored (RFC 9580 §10.1, §6).
    ///
    /// The keyring may hold up to ``OpenPGPLimits/maxKeyringBytes`` and ``OpenPGPLimits/maxKeyringPackets``; each
    /// certificate in it is held to ``OpenPGPLimits/maxInputBytes`` and to the bounds of ``bounded()`` (which keep it
    /// under ``OpenPGPLimits/maxPackets`` packets).
    /// - Throws: ``OpenPGPError/secretKeyMaterial`` for secret keys, ``OpenPGPError/notACertificate`` when the
    ///   packets are not transferable public keys, ``OpenPGPError/tooLarge`` or ``OpenPGPError/tooManyPackets`` for a
    ///   keyring over its limit, ``OpenPGPError/tooLarge``, ``OpenPGPError/tooManyComponents`` or
    ///   ``OpenPGPError/tooManySignatures`` for a certificate over its limits.
    public static func readAll(_ bytes: [UInt8]) throws -> [Certificate] {
        var binary: [[UInt8]] = []
        if Armor.isArmored(bytes) {
            let blocks = try Armor.decode(String(decoding: bytes, as: UTF8.self), maximumBytes: OpenPGPLimits.maxKeyringBytes * 3 / 2)
            for block in blocks {
                switch block.kind {
                case .publicKey: binary.append(block.data)
                case .privateKey:
                    throw OpenPGPError.secretKeyMaterial.with("armored PRIVATE KEY BLOCK where a public certificate is expected")
                default:
                    throw OpenPGPError.notACertificate.with("armored PGP \(block.kind.label) is not a certificate")
                }
            }
            guard !binary.isEmpty else { throw OpenPGPError.invalidArmor.with("no armored block") }
        } else {
            binary = [bytes]
        }
        var certificates: [Certificate] = []
        for data in binary {
            let packets = try Packet.parseAll(data, maximumBytes: OpenPGPLimits.maxKeyringBytes, maximumPackets: OpenPGPLimits.maxKeyringPackets)
            for certificate in try split(packets) {
                let size = certificate.packets.reduce(0) { $0 + $1.serializedCount }
                guard size <= OpenPGPLimits.maxInputBytes else {
                    throw OpenPGPError.tooLarge.with("certificate \(certificate.fingerprint) is \(size) bytes, over \(OpenPGPLimits.maxInputBytes)")
                }
                certificates.append(certificate)
            }
        }
        return certificates
    }

    /// Reads exactly one certificate, binary or armored.
    /// - Throws: ``OpenPGPError/notACertificate`` when the input holds no certificate or more than one.
    public init(bytes: [UInt8]) throws {
        let all = try Certificate.readAll(bytes)
        guard all.count == 1, let only = all.first else {
            throw OpenPGPError.notACertificate.with("expected one certificate, found \(all.count)")
        }
        self = only
    }

    /// Splits a packet list into certificates, each starting at a Public-Key packet (RFC 9580 §10.1), each held to the
    /// bounds of ``bounded()``.
    public static func split(_ packets: [Packet]) throws -> [Certificate] {
        var out: [Certificate] = []
        /// The certificate being read, in parts: a `Certificate` drops its verdict cache on every change, so it is
        /// made once its packets are all read.
        var primary: PublicKeyPacket?
        var primarySignatures: [SignaturePacket] = []
        var userIDs: [UserIDComponent] = []
        var userAttributes: [UserAttributeComponent] = []
        var subkeys: [SubkeyComponent] = []
        enum Slot { case primary, userID, attribute, subkey, skipped }
        var slot = Slot.primary
        /// Bodies of the signatures read for the current component: a byte-identical copy is not parsed again.
        var seen = Set<Octets>()
        func finish() throws {
            guard let primary else { return }
            let certificate = Certificate(primaryKey: primary, primarySignatures: primarySignatures, userIDs: userIDs,
                                          userAttributes: userAttributes, subkeys: subkeys)
            out.append(try certificate.bounded())
        }
        for packet in packets {
            switch packet.tag {
            case .marker, .trust, .padding:
                continue
            case .secretKey, .secretSubkey:
                throw OpenPGPError.secretKeyMaterial.with("secret key packet (tag \(packet.tag.rawValue)) in a certificate")
            case .publicKey:
                try finish()
                primary = try PublicKeyPacket(packet: packet)
                primarySignatures = []
                userIDs = []
                userAttributes = []
                subkeys = []
                slot = .primary
                seen = []
                continue
            default:
                break
            }
            guard primary != nil else {
                throw OpenPGPError.notACertificate.with("packet tag \(packet.tag.rawValue) before any public key")
            }
            switch packet.tag {
            case .signature:
                guard slot != .skipped, seen.insert(Octets(packet.body)).inserted else { continue }
                let signature: SignaturePacket
                do {
                    signature = try SignaturePacket(packet: packet)
                } catch let error as OpenPGPError where error != .nestingTooDeep {
                    continue  // unknown versions (e.g. v5) and unreadable signatures are dropped; they could never verify
                }
                switch slot {
                case .primary: primarySignatures.append(signature)
                case .userID: userIDs[userIDs.count - 1].signatures.append(signature)
                case .attribute: userAttributes[userAttributes.count - 1].signatures.append(signature)
                case .subkey: subkeys[subkeys.count - 1].signatures.append(signature)
                case .skipped: continue
                }
            case .userID:
                userIDs.append(UserIDComponent(userID: try UserIDPacket(packet: packet), signatures: []))
                slot = .userID
                seen = []
            case .userAttribute:
                userAttributes.append(UserAttributeComponent(attribute: UserAttributePacket(body: packet.body), signatures: []))
                slot = .attribute
                seen = []
            case .publicSubkey:
                do {
                    subkeys.append(SubkeyComponent(key: try PublicKeyPacket(packet: packet), signatures: []))
                    slot = .subkey
                    seen = []
                } catch let error as OpenPGPError where error == .unsupportedVersion {
                    slot = .skipped  // a subkey version we cannot read is dropped with its signatures
                }
            case .publicKeyEncryptedSessionKey, .symmetricKeyEncryptedSessionKey, .onePassSignature,
                 .compressedData, .symmetricallyEncryptedData, .literalData,
                 .symmetricallyEncryptedIntegrityProtectedData, .modificationDetectionCode, .ocbEncryptedData:
                throw OpenPGPError.notACertificate.with("message packet (tag \(packet.tag.rawValue)) inside a certificate")
            default:
                continue  // unknown, private or experimental packets are ignored
            }
        }
        try finish()
        guard !out.isEmpty else { throw OpenPGPError.notACertificate.with("no public key packet") }
        return out
    }

    /// The certificate as a packet list in its current order.
    public var packets: [Packet] {
        var out: [Packet] = [primaryKey.packet]
        out += primarySignatures.map(\.packet)
        for u in userIDs {
            out.append(u.userID.packet)
            out += u.signatures.map(\.packet)
        }
        for a in userAttributes {
            out.append(a.attribute.packet)
            out += a.signatures.map(\.packet)
        }
        for s in subkeys {
            out.append(s.key.packet)
            out += s.signatures.map(\.packet)
        }
        return out
    }

    /// The binary encoding (current packet format).
    public var serialized: [UInt8] { packets.serialized }

    /// ASCII armor (RFC 9580 §6.2); a CRC24 line is written for v4 keys only (RFC 9580 §6.1).
    public func armored(headers: [ArmorHeader] = []) -> String {
        Armor.encode(serialized, kind: .publicKey, headers: headers, includeChecksum: primaryKey.version != 6)
    }
}
