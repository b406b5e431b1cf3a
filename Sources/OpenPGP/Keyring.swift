import Foundation

/// A keyring's packets cut before each Public-Key packet (RFC 9580 §10.1: a transferable public key starts with one),
/// so each part is read into its certificate on its own, and a large keyring's parts on every core.
public struct Keyring: Sendable {
    /// The parts in keyring order. Every part but the first starts with a Public-Key packet; the first holds what came
    /// before the first public key, if anything did.
    public let parts: [ArraySlice<Packet>]

    /// Reads a keyring's packets, binary or ASCII-armored (RFC 9580 §6), at most ``OpenPGPLimits/maxKeyringBytes``
    /// and ``OpenPGPLimits/maxKeyringPackets`` (armored input may be half as large again). Nothing is interpreted
    /// yet: ``certificate(_:)`` reads each part.
    /// - Throws: ``OpenPGPError/secretKeyMaterial`` for an armored private key block, ``OpenPGPError/notACertificate``
    ///   for another armored kind, ``OpenPGPError/invalidArmor``, ``OpenPGPError/tooLarge`` or
    ///   ``OpenPGPError/tooManyPackets`` for a keyring over its limits, and the packet parser's errors.
    public init(bytes: [UInt8]) throws {
        guard Armor.isArmored(bytes) else {
            self.init(packets: try Keyring.packets(of: bytes))
            return
        }
        let blocks = try Armor.decode(String(decoding: bytes, as: UTF8.self), maximumBytes: OpenPGPLimits.maxKeyringBytes * 3 / 2)
        guard !blocks.isEmpty else { throw OpenPGPError.invalidArmor.with("no armored block") }
        var packets: [Packet] = []
        for block in blocks {
            switch block.kind {
            case .publicKey: packets += try Keyring.packets(of: block.data)
            case .privateKey:
                throw OpenPGPError.secretKeyMaterial.with("armored PRIVATE KEY BLOCK where a public certificate is expected")
            default:
                throw OpenPGPError.notACertificate.with("armored PGP \(block.kind.label) is not a certificate")
            }
        }
        self.init(packets: packets)
    }

    /// Cuts a packet list before each Public-Key packet.
    public init(packets: [Packet]) {
        var parts: [ArraySlice<Packet>] = []
        var start = packets.startIndex
        for index in packets.indices where packets[index].tag == .publicKey && index > start {
            parts.append(packets[start..<index])
            start = index
        }
        if start < packets.endIndex { parts.append(packets[start...]) }
        self.parts = parts
    }

    private static func packets(of binary: [UInt8]) throws -> [Packet] {
        try Packet.parseAll(binary, maximumBytes: OpenPGPLimits.maxKeyringBytes, maximumPackets: OpenPGPLimits.maxKeyringPackets)
    }

    /// Every part's certificate, in keyring order.
    /// - Throws: the error of the first part that is not a certificate, or ``OpenPGPError/notACertificate`` when no
    ///   part holds a public key.
    public func certificates() throws -> [Certificate] {
        try nonEmpty(parts.indices.compactMap { try certificate($0) })
    }

    /// `transform` of every part's certificate, in keyring order, computed on every core (`concurrentPerform`): for a
    /// command reading a large keyring, where reading and verifying each certificate is independent of the others.
    /// - Throws: the first error in keyring order, of reading a part or of `transform`, or
    ///   ``OpenPGPError/notACertificate`` when no part holds a public key.
    public func concurrentMap<T: Sendable>(_ transform: @Sendable (Certificate) throws -> T) throws -> [T] {
        let results = OrderedResults<T?>(count: parts.count)
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            results.set(index, Result { try certificate(index).map(transform) })
        }
        return try nonEmpty(results.values.compactMap { try $0.get() })
    }

    private func nonEmpty<T>(_ values: [T]) throws -> [T] {
        guard !values.isEmpty else { throw OpenPGPError.notACertificate.with("no public key packet") }
        return values
    }

    /// The certificate of part `index`, held to the bounds of ``Certificate/bounded()`` and to
    /// ``OpenPGPLimits/maxInputBytes``; `nil` for packets before the first public key that may be ignored (marker,
    /// trust and padding packets).
    /// - Throws: ``OpenPGPError/secretKeyMaterial`` for secret key packets, ``OpenPGPError/notACertificate`` for
    ///   packets before any public key or message packets, ``OpenPGPError/tooLarge``,
    ///   ``OpenPGPError/tooManyComponents`` or ``OpenPGPError/tooManySignatures`` for a certificate over its limits,
    ///   and the errors of the packets' parsers.
    public func certificate(_ index: Int) throws -> Certificate? {
        var reader = CertificateReader()
        for packet in parts[index] { try reader.read(packet) }
        guard let certificate = try reader.finish() else { return nil }
        let size = certificate.packets.reduce(0) { $0 + $1.serializedCount }
        guard size <= OpenPGPLimits.maxInputBytes else {
            throw OpenPGPError.tooLarge.with("certificate \(certificate.fingerprint) is \(size) bytes, over \(OpenPGPLimits.maxInputBytes)")
        }
        return certificate
    }
}

/// Results that `concurrentPerform` workers fill, each index once, read in index order afterwards.
private final class OrderedResults<Value>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, any Error>) { lock.withLock { slots[index] = result } }

    var values: [Result<Value, any Error>] { lock.withLock { slots.compactMap { $0 } } }
}

/// Reads one certificate's packets in order into its parts: a `Certificate` drops its verdict cache on every change,
/// so it is made once its packets are all read.
private struct CertificateReader {
    private var primary: PublicKeyPacket?
    private var primarySignatures: [SignaturePacket] = []
    private var userIDs: [UserIDComponent] = []
    private var userAttributes: [UserAttributeComponent] = []
    private var subkeys: [SubkeyComponent] = []
    private enum Slot { case primary, userID, attribute, subkey, skipped }
    private var slot = Slot.primary
    /// Bodies of the signatures read for the current component: a byte-identical copy is not parsed again.
    private var seen = Set<Octets>()

    /// The certificate read, bounded; `nil` when no public key was read.
    func finish() throws -> Certificate? {
        guard let primary else { return nil }
        let certificate = Certificate(primaryKey: primary, primarySignatures: primarySignatures, userIDs: userIDs,
                                      userAttributes: userAttributes, subkeys: subkeys)
        return try certificate.bounded()
    }

    mutating func read(_ packet: Packet) throws {
        switch packet.tag {
        case .marker, .trust, .padding:
            return
        case .secretKey, .secretSubkey:
            throw OpenPGPError.secretKeyMaterial.with("secret key packet (tag \(packet.tag.rawValue)) in a certificate")
        case .publicKey:
            precondition(primary == nil, "a keyring part holds one public key")
            primary = try PublicKeyPacket(packet: packet)
            return
        default:
            break
        }
        guard primary != nil else {
            throw OpenPGPError.notACertificate.with("packet tag \(packet.tag.rawValue) before any public key")
        }
        switch packet.tag {
        case .signature:
            try read(signature: packet)
        case .userID:
            userIDs.append(UserIDComponent(userID: try UserIDPacket(packet: packet), signatures: []))
            start(.userID)
        case .userAttribute:
            userAttributes.append(UserAttributeComponent(attribute: UserAttributePacket(body: packet.body), signatures: []))
            start(.attribute)
        case .publicSubkey:
            do {
                subkeys.append(SubkeyComponent(key: try PublicKeyPacket(packet: packet), signatures: []))
                start(.subkey)
            } catch let error as OpenPGPError where error == .unsupportedVersion {
                slot = .skipped  // a subkey version we cannot read is dropped with its signatures
            }
        case .publicKeyEncryptedSessionKey, .symmetricKeyEncryptedSessionKey, .onePassSignature,
             .compressedData, .symmetricallyEncryptedData, .literalData,
             .symmetricallyEncryptedIntegrityProtectedData, .modificationDetectionCode, .ocbEncryptedData:
            throw OpenPGPError.notACertificate.with("message packet (tag \(packet.tag.rawValue)) inside a certificate")
        default:
            return  // unknown, private or experimental packets are ignored
        }
    }

    private mutating func start(_ component: Slot) {
        slot = component
        seen = []
    }

    private mutating func read(signature packet: Packet) throws {
        guard slot != .skipped, seen.insert(Octets(packet.body)).inserted else { return }
        let signature: SignaturePacket
        do {
            signature = try SignaturePacket(packet: packet)
        } catch let error as OpenPGPError where error != .nestingTooDeep {
            return  // unknown versions (e.g. v5) and unreadable signatures are dropped; they could never verify
        }
        switch slot {
        case .primary: primarySignatures.append(signature)
        case .userID: userIDs[userIDs.count - 1].signatures.append(signature)
        case .attribute: userAttributes[userAttributes.count - 1].signatures.append(signature)
        case .subkey: subkeys[subkeys.count - 1].signatures.append(signature)
        case .skipped: return
        }
    }
}
