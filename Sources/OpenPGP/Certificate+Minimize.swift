public import struct Foundation.Date

extension Certificate {
    /// The certificate reduced to what WKD and a validating key server publish for one address.
    ///
    /// Kept: the primary key with its valid key revocations and its newest valid direct-key signature; the user IDs
    /// whose address equals `address` (ASCII case-insensitive, as WKD compares) with their newest valid
    /// self-signature and their valid revocations; every subkey that is valid or revoked at `time`, with its newest
    /// valid binding signature and its valid revocations. Dropped: third-party certifications, user attributes, other
    /// user IDs, expired or unbound subkeys, and every signature that does not verify.
    /// - Parameters:
    ///   - address: the mail address, e.g. `alice@example.org`.
    ///   - time: the instant validity is judged at.
    /// - Throws: ``OpenPGPError/noMatchingUserID`` when no user ID with that address has a valid self-signature.
    public func minimized(for address: String, at time: Date) throws -> Certificate {
        let result = minimized(forAddresses: [asciiLowercased(address.trimmingCharacters())], at: time)
        guard !result.userIDs.isEmpty else {
            throw OpenPGPError.noMatchingUserID.with("no user ID with a valid self-signature for \(address)")
        }
        return result
    }

    /// The certificate reduced as ``minimized(for:at:)`` does, keeping the user IDs of several addresses.
    ///
    /// A validating key server publishes this for the addresses its owner verified. The result may have no user
    /// ID at all (a key that is only published by fingerprint).
    /// - Parameters:
    ///   - addresses: addresses in the WKD comparison form (``MailAddress/wkdComparable``).
    ///   - time: the instant validity is judged at.
    public func minimized(forAddresses addresses: Set<String>, at time: Date) -> Certificate {
        let verified = verifiedSignatures()
        let status = status(at: time, verified: verified)

        var result = Certificate(primaryKey: primaryKey)
        result.primarySignatures = verified.primary.filter { $0.type == .keyRevocation }.sorted(by: signatureOrder)
        if let d = status.directKeySignature { result.primarySignatures.append(d) }

        for (i, u) in userIDs.enumerated() {
            guard let a = status.userIDs[i].address, addresses.contains(a.wkdComparable) else { continue }
            let sigs = verified.userIDs[i]
            let selfSig = status.userIDs[i].selfSignature
                ?? sigs.filter { $0.type.isCertification }.max(by: signatureOrder)
            guard let selfSig else { continue }
            let revocations = sigs.filter { $0.type == .certificationRevocation }.sorted(by: signatureOrder)
            result.userIDs.append(UserIDComponent(userID: u.userID, signatures: [selfSig] + revocations))
        }

        for (i, sub) in subkeys.enumerated() {
            let s = status.subkeys[i]
            let revocations = verified.subkeys[i].filter { $0.type == .subkeyRevocation }.sorted(by: signatureOrder)
            guard s.validity.isValid || s.validity.isRevoked else { continue }
            guard let binding = s.bindingSignature
                ?? verified.subkeys[i].filter({ $0.type == .subkeyBinding }).max(by: signatureOrder)
            else { continue }
            result.subkeys.append(SubkeyComponent(key: sub.key, signatures: [binding] + revocations))
        }
        return result.withEverySignatureVerified()
    }

    /// Merges two copies of the same certificate (RFC 9580 §10.1).
    ///
    /// The result holds the union of both copies' packets with duplicates removed, keeps only
    /// self-signatures that verify (so third-party certifications are dropped, as they cannot be checked
    /// here), drops user IDs, user attributes and subkeys left without any valid signature, and is in a
    /// canonical order: revocations then direct-key signatures, user IDs and attributes sorted by their
    /// bytes, subkeys by creation time then fingerprint, and each component's signatures by creation time.
    /// `a.merged(with: b)` equals `b.merged(with: a)`. The result is held to the bounds of parsing (the newest
    /// self-signatures per component); no signature is verified again.
    /// - Throws: ``OpenPGPError/certificateMismatch`` when the primary keys differ; ``OpenPGPError/tooManyComponents``
    ///   when the two copies together exceed a component limit.
    public func merged(with other: Certificate) throws -> Certificate {
        guard other.primaryKey.body == primaryKey.body else {
            throw OpenPGPError.certificateMismatch.with("\(fingerprint) and \(other.fingerprint) differ")
        }
        func union(_ a: [SignaturePacket], _ b: [SignaturePacket]) -> [SignaturePacket] {
            var seen = Set<Octets>()
            return (a + b).filter { seen.insert(Octets($0.body)).inserted }
        }
        var combined = Certificate(primaryKey: primaryKey,
                                   primarySignatures: union(primarySignatures, other.primarySignatures))
        for u in userIDs + other.userIDs {
            if let i = combined.userIDs.firstIndex(where: { $0.userID == u.userID }) {
                combined.userIDs[i].signatures = union(combined.userIDs[i].signatures, u.signatures)
            } else {
                combined.userIDs.append(UserIDComponent(userID: u.userID, signatures: union([], u.signatures)))
            }
        }
        for a in userAttributes + other.userAttributes {
            if let i = combined.userAttributes.firstIndex(where: { $0.attribute == a.attribute }) {
                combined.userAttributes[i].signatures = union(combined.userAttributes[i].signatures, a.signatures)
            } else {
                combined.userAttributes.append(UserAttributeComponent(attribute: a.attribute, signatures: union([], a.signatures)))
            }
        }
        for s in subkeys + other.subkeys {
            if let i = combined.subkeys.firstIndex(where: { $0.key.body == s.key.body }) {
                combined.subkeys[i].signatures = union(combined.subkeys[i].signatures, s.signatures)
            } else {
                combined.subkeys.append(SubkeyComponent(key: s.key, signatures: union([], s.signatures)))
            }
        }
        let verified = VerifiedSignatures(of: combined, verifiedIn: [verifiedSignatures(), other.verifiedSignatures()],
                                          of: [self, other])
        return try combined.canonicalized(verified).bounded().withEverySignatureVerified()
    }

    /// Keeps only verifying self-signatures and puts everything in the canonical order described in ``merged(with:)``.
    private func canonicalized(_ v: VerifiedSignatures) -> Certificate {
        func typed(_ sigs: [SignaturePacket], _ types: [SignatureType]) -> [SignaturePacket] {
            types.flatMap { t in sigs.filter { $0.type == t }.sorted(by: signatureOrder) }
        }
        var out = Certificate(primaryKey: primaryKey)
        out.primarySignatures = typed(v.primary, [.keyRevocation, .directKey])
        let certificationTypes: [SignatureType] = [.positiveCertification, .casualCertification, .personaCertification,
                                                   .genericCertification, .certificationRevocation]
        out.userIDs = userIDs.indices
            .map { UserIDComponent(userID: userIDs[$0].userID, signatures: typed(v.userIDs[$0], certificationTypes)) }
            .filter { !$0.signatures.isEmpty }
            .sorted { $0.userID.body.lexicographicallyPrecedes($1.userID.body) }
        out.userAttributes = userAttributes.indices
            .map { UserAttributeComponent(attribute: userAttributes[$0].attribute, signatures: typed(v.attributes[$0], certificationTypes)) }
            .filter { !$0.signatures.isEmpty }
            .sorted { $0.attribute.body.lexicographicallyPrecedes($1.attribute.body) }
        out.subkeys = subkeys.indices
            .map { SubkeyComponent(key: subkeys[$0].key, signatures: typed(v.subkeys[$0], [.subkeyRevocation, .subkeyBinding])) }
            .filter { !$0.signatures.isEmpty }
            .sorted { ($0.key.creationTime, $0.key.fingerprint) < ($1.key.creationTime, $1.key.fingerprint) }
        return out
    }

    /// This value, known to hold only self-signatures that verify (a certificate this library reduced or merged).
    func withEverySignatureVerified() -> Certificate {
        var known = self
        known.verification = VerificationCache(VerifiedSignatures(
            primary: primarySignatures, userIDs: userIDs.map(\.signatures),
            attributes: userAttributes.map(\.signatures), subkeys: subkeys.map(\.signatures)))
        return known
    }
}

extension VerifiedSignatures {
    /// The verified signatures of `combined`, a union of `sources`, from the verdicts already reached on each source:
    /// a signature verifies on a component of `combined` when it verified on the same component of a source.
    init(of combined: Certificate, verifiedIn verdicts: [VerifiedSignatures], of sources: [Certificate]) {
        struct Placed: Hashable {
            let component: Octets
            let signature: Octets
            init(component: [UInt8], signature: [UInt8]) {
                self.component = Octets(component)
                self.signature = Octets(signature)
            }
        }
        var valid = Set<Placed>()
        for (source, v) in zip(sources, verdicts) {
            for s in v.primary { valid.insert(Placed(component: [], signature: s.body)) }
            for (u, sigs) in zip(source.userIDs, v.userIDs) {
                for s in sigs { valid.insert(Placed(component: [0xB4] + u.userID.body, signature: s.body)) }
            }
            for (a, sigs) in zip(source.userAttributes, v.attributes) {
                for s in sigs { valid.insert(Placed(component: [0xD1] + a.attribute.body, signature: s.body)) }
            }
            for (k, sigs) in zip(source.subkeys, v.subkeys) {
                for s in sigs { valid.insert(Placed(component: [0x99] + k.key.body, signature: s.body)) }
            }
        }
        func verified(_ sigs: [SignaturePacket], on component: [UInt8]) -> [SignaturePacket] {
            sigs.filter { valid.contains(Placed(component: component, signature: $0.body)) }
        }
        self.init(primary: verified(combined.primarySignatures, on: []),
                  userIDs: combined.userIDs.map { verified($0.signatures, on: [0xB4] + $0.userID.body) },
                  attributes: combined.userAttributes.map { verified($0.signatures, on: [0xD1] + $0.attribute.body) },
                  subkeys: combined.subkeys.map { verified($0.signatures, on: [0x99] + $0.key.body) })
    }
}

extension String {
    func trimmingCharacters() -> String { String(Substring(self).trimmingWhitespace()) }
}
