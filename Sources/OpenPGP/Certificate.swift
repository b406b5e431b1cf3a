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

    /// Reads every certificate in a keyring, binary or ASCII-armored (RFC 9580 §10.1, §6), in keyring order.
    ///
    /// The keyring is held to the limits of ``Keyring/init(bytes:)``, each certificate in it to those of
    /// ``Keyring/certificate(_:)``. ``Keyring/concurrentMap(_:)`` reads a large keyring on every core.
    /// - Throws: the first error of ``Keyring/init(bytes:)`` and ``Keyring/certificate(_:)`` in keyring order, and
    ///   ``OpenPGPError/notACertificate`` when the input holds no public key.
    public static func readAll(_ bytes: [UInt8]) throws -> [Certificate] {
        try Keyring(bytes: bytes).certificates()
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
