extension OpenPGPLimits {
    /// Most signatures kept per component (primary key, user ID, user attribute, subkey) among those the primary key
    /// may have issued: revocations first, then the other self-signatures, each newest first. Older ones are dropped
    /// while parsing, so a flood of self-signatures costs at most this many verifications per component.
    public static let maxSelfSignaturesPerComponent = 32
    /// Most third-party certifications kept per component, newest first. They are never verified here (their issuer
    /// is another key), so they cost parsing only; the key server and WKD drop them anyway.
    public static let maxThirdPartySignaturesPerComponent = 32
    /// Most distinct user IDs in one certificate; more is refused.
    public static let maxUserIDs = 100
    /// Most distinct user attributes in one certificate; more is refused.
    public static let maxUserAttributes = 16
    /// Most distinct subkeys in one certificate; more is refused.
    public static let maxSubkeys = 100
    /// Most self-signatures (and revocations) one certificate may keep after the per-component caps: every one of them
    /// is verified once, so this bounds the cryptographic work a certificate can ask for. More is refused.
    public static let maxSelfSignatures = 512
    /// Largest DSA key (the prime p) whose signatures are verified, with q at most 256 bits: the FIPS 186-4 §4.2 sizes.
    /// DSA runs on this library's own modular arithmetic; a larger key's signatures are `unsupported` and never verify,
    /// so such a key or subkey has no valid self-signature and is dropped wherever only valid parts are kept.
    public static let maxDSAKeyBits = 3072
}

extension Certificate {
    /// The certificate as this library keeps it: byte-identical packets dropped (a repeated user ID, attribute or subkey
    /// is one component with the signatures of all its copies; a repeated signature is one signature), at most
    /// ``OpenPGPLimits/maxSelfSignaturesPerComponent`` self-signatures and
    /// ``OpenPGPLimits/maxThirdPartySignaturesPerComponent`` third-party ones per component, the rest in their order.
    /// - Throws: ``OpenPGPError/tooManyComponents`` over ``OpenPGPLimits/maxUserIDs``,
    ///   ``OpenPGPLimits/maxUserAttributes`` or ``OpenPGPLimits/maxSubkeys``; ``OpenPGPError/tooManySignatures`` over
    ///   ``OpenPGPLimits/maxSelfSignatures``.
    func bounded() throws -> Certificate {
        let primary = primaryKey
        func kept(_ signatures: [SignaturePacket]) -> [SignaturePacket] {
            guard signatures.count > 1 else { return signatures }  // the usual case: nothing to compare
            var seen = Set<Octets>()
            let distinct = signatures.filter { seen.insert(Octets($0.body)).inserted }
            guard distinct.count > OpenPGPLimits.maxSelfSignaturesPerComponent else { return distinct }
            let newestFirst = distinct.indices.sorted { signatureOrder(distinct[$1], distinct[$0]) }
            let own = newestFirst.filter { distinct[$0].mayBeIssued(by: primary) }
            let revocations = own.filter { distinct[$0].type.isRevocation }
            let others = own.filter { !distinct[$0].type.isRevocation }
            let thirdParty = newestFirst.filter { !distinct[$0].mayBeIssued(by: primary) }
            let keep = Set((revocations + others).prefix(OpenPGPLimits.maxSelfSignaturesPerComponent)
                + thirdParty.prefix(OpenPGPLimits.maxThirdPartySignaturesPerComponent))
            return distinct.indices.filter(keep.contains).map { distinct[$0] }
        }
        let out = Certificate(
            primaryKey: primaryKey, primarySignatures: kept(primarySignatures),
            userIDs: Self.joined(userIDs, by: { Octets($0.userID.body) }) { UserIDComponent(userID: $0.userID, signatures: kept($1)) },
            userAttributes: Self.joined(userAttributes, by: { Octets($0.attribute.body) }) {
                UserAttributeComponent(attribute: $0.attribute, signatures: kept($1))
            },
            subkeys: Self.joined(subkeys, by: { Octets($0.key.body) }) { SubkeyComponent(key: $0.key, signatures: kept($1)) })

        if out.userIDs.count > OpenPGPLimits.maxUserIDs || out.userAttributes.count > OpenPGPLimits.maxUserAttributes
            || out.subkeys.count > OpenPGPLimits.maxSubkeys {
            throw OpenPGPError.tooManyComponents.with(
                "certificate \(fingerprint) has \(out.userIDs.count) user IDs, \(out.userAttributes.count) user attributes and "
                    + "\(out.subkeys.count) subkeys; the limits are \(OpenPGPLimits.maxUserIDs), \(OpenPGPLimits.maxUserAttributes) "
                    + "and \(OpenPGPLimits.maxSubkeys)")
        }
        let own = out.signatureLists.reduce(0) { $0 + $1.count { $0.mayBeIssued(by: primary) } }
        guard own <= OpenPGPLimits.maxSelfSignatures else {
            throw OpenPGPError.tooManySignatures.with(
                "certificate \(fingerprint) has \(own) self-signatures; the limit is \(OpenPGPLimits.maxSelfSignatures)")
        }
        return out
    }

    /// Every component's signature list, the primary key's first.
    var signatureLists: [[SignaturePacket]] {
        [primarySignatures] + userIDs.map(\.signatures) + userAttributes.map(\.signatures) + subkeys.map(\.signatures)
    }

    /// Components with equal `key` made one, in the order of their first appearance, with all their signatures.
    private static func joined<C, Key: Hashable>(_ components: [C], by key: (C) -> Key,
                                                 _ make: (C, [SignaturePacket]) -> C) -> [C] where C: SignedComponent {
        if components.count == 1, let only = components.first { return [make(only, only.signatures)] }
        var order: [Key] = []
        var groups: [Key: (first: C, signatures: [SignaturePacket])] = [:]
        for c in components {
            let k = key(c)
            if groups[k] == nil {
                order.append(k)
                groups[k] = (c, c.signatures)
            } else {
                groups[k]!.signatures += c.signatures
            }
        }
        return order.map { k in make(groups[k]!.first, groups[k]!.signatures) }
    }
}

/// A user ID, user attribute or subkey with its signatures.
protocol SignedComponent {
    var signatures: [SignaturePacket] { get }
}

extension UserIDComponent: SignedComponent {}
extension UserAttributeComponent: SignedComponent {}
extension SubkeyComponent: SignedComponent {}

extension SignatureType {
    /// Key, subkey and certification revocations (RFC 9580 §5.2.1.10–§5.2.1.12).
    var isRevocation: Bool { self == .keyRevocation || self == .subkeyRevocation || self == .certificationRevocation }
}
