public import struct Foundation.Date

/// The state of a certificate or of one of its components at a given time: a verdict, not an error.
public enum Validity: Hashable, Sendable {
    case valid
    /// Expired at the given instant (RFC 9580 §5.2.3.13 key expiration).
    case expired(at: Date)
    /// Revoked by a valid revocation signature (RFC 9580 §5.2.1.10–§5.2.1.12); the reason if it gave one.
    case revoked(reason: RevocationReason?, at: Date)
    /// No valid self-signature binds it, or it does not exist yet at the time asked about.
    case invalid(reason: String)

    public var isValid: Bool { self == .valid }
    public var isRevoked: Bool { if case .revoked = self { true } else { false } }
    public var isExpired: Bool { if case .expired = self { true } else { false } }
}

/// A user ID's state at a given time.
public struct UserIDStatus: Hashable, Sendable {
    public let userID: UserIDPacket
    /// The address the user ID carries, if any.
    public let address: MailAddress?
    /// The user ID's own validity (its newest live self-signature and its revocations); the
    /// certificate's state is in ``CertificateStatus/validity``.
    public let validity: Validity
    /// The newest valid self-certification at the time asked about.
    public let selfSignature: SignaturePacket?
    public let isPrimary: Bool
}

/// A subkey's state at a given time.
public struct SubkeyStatus: Hashable, Sendable {
    public let key: PublicKeyPacket
    /// The subkey's own validity (binding, back-signature, expiration, revocation).
    public let validity: Validity
    /// The newest valid binding signature.
    public let bindingSignature: SignaturePacket?
    /// Key flags from that binding signature (empty if it has none).
    public let flags: KeyFlags
    public let expiration: Date?
}

/// A certificate's state at a given time, as ``Certificate/status(at:)`` computes it.
public struct CertificateStatus: Hashable, Sendable {
    /// The primary key's validity: revoked, expired, invalid (no valid self-signature) or valid.
    public let validity: Validity
    /// When the primary key expires, if it does.
    public let expiration: Date?
    /// One entry per ``Certificate/userIDs`` element, in the same order.
    public let userIDs: [UserIDStatus]
    /// One entry per ``Certificate/subkeys`` element, in the same order.
    public let subkeys: [SubkeyStatus]
    /// Index into ``userIDs`` of the primary user ID, if any user ID is valid.
    public let primaryUserIDIndex: Int?
    /// The newest valid direct-key signature.
    public let directKeySignature: SignaturePacket?
}

/// Which signatures of a certificate verify as self-signatures (crypto only, no time).
struct VerifiedSignatures: Sendable {
    var primary: [SignaturePacket] = []
    var userIDs: [[SignaturePacket]] = []
    var attributes: [[SignaturePacket]] = []
    var subkeys: [[SignaturePacket]] = []
}

extension Certificate {
    /// The self-signatures that verify, including the back-signature of signing subkeys (RFC 9580 §5.2.1.8, §10.1.1):
    /// computed on the first call and kept with this value, so each signature is verified at most once.
    func verifiedSignatures() -> VerifiedSignatures {
        verification.value(computing: verifyingEverySignature)
    }

    /// Checks every signature cryptographically and keeps the self-signatures that verify.
    private func verifyingEverySignature() -> VerifiedSignatures {
        let primary = primaryKey
        let verifyingKey = VerifyingKey(primary)
        func ok(_ s: SignaturePacket, _ object: SignedObject) -> Bool {
            s.mayBeIssued(by: primary) && s.verify(by: verifyingKey, over: object).isValid
        }
        var v = VerifiedSignatures()
        v.primary = primarySignatures.filter {
            ($0.type == .directKey || $0.type == .keyRevocation) && ok($0, .primaryKey(primary))
        }
        v.userIDs = userIDs.map { u in
            u.signatures.filter {
                ($0.type.isCertification || $0.type == .certificationRevocation) && ok($0, .userID(primary, u.userID))
            }
        }
        v.attributes = userAttributes.map { a in
            a.signatures.filter {
                ($0.type.isCertification || $0.type == .certificationRevocation) && ok($0, .userAttribute(primary, a.attribute))
            }
        }
        v.subkeys = subkeys.map { sub in
            sub.signatures.filter { s in
                switch s.type {
                case .subkeyRevocation:
                    return ok(s, .subkey(primary: primary, subkey: sub.key))
                case .subkeyBinding:
                    guard ok(s, .subkey(primary: primary, subkey: sub.key)) else { return false }
                    guard s.keyFlags?.contains(.sign) == true else { return true }
                    return s.embeddedSignatures.contains { back in
                        back.type == .primaryKeyBinding && back.mayBeIssued(by: sub.key)
                            && back.verify(by: sub.key, over: .subkey(primary: primary, subkey: sub.key)).isValid
                    }
                default:
                    return false
                }
            }
        }
        return v
    }

    /// The certificate's state at `time`: revocation (with reason), expiration, each user ID's and
    /// subkey's validity, and the primary user ID (RFC 9580 §5.2.3.13, §5.2.3.27, §5.2.3.31, §10.1).
    ///
    /// A self-signature counts at `time` when it verifies, was created at or before `time`, not before the key,
    /// and has not expired. Among several, the newest wins. Hard revocations (no reason, compromised, or an
    /// unknown code) apply whenever they were made; soft ones (superseded, retired, user ID invalid) from their
    /// creation on. A user ID is revoked when a revocation is at least as new as its newest self-signature.
    /// Signing subkeys need a valid back-signature. The primary key's expiration comes from the primary user ID's
    /// self-signature, or from the direct-key signature when that is newer or the user ID's has none.
    /// - Parameter time: the instant to judge at (no hidden clock).
    public func status(at time: Date) -> CertificateStatus {
        status(at: time, verified: verifiedSignatures())
    }

    func status(at time: Date, verified v: VerifiedSignatures) -> CertificateStatus {
        let now = Int64(time.timeIntervalSince1970.rounded(.down))
        let keyCreated = Int64(primaryKey.creationTime)

        func isLive(_ s: SignaturePacket, notBefore created: Int64) -> Bool {
            let c = Int64(s.creationTime ?? 0)
            guard c <= now, c >= created else { return false }
            if let e = s.signatureExpirationTime, e != 0, c + Int64(e) <= now { return false }
            return true
        }
        func newest(_ sigs: [SignaturePacket]) -> SignaturePacket? {
            sigs.max(by: signatureOrder)
        }
        func date(_ t: Int64) -> Date { Date(timeIntervalSince1970: Double(t)) }
        /// The oldest revocation in effect: hard ones whenever made, soft ones once made.
        func revocation(_ revs: [SignaturePacket]) -> Validity? {
            for r in revs.sorted(by: signatureOrder) {
                let c = Int64(r.creationTime ?? 0)
                if r.revocationReason?.isHard ?? true || c <= now {
                    return .revoked(reason: r.revocationReason, at: date(c))
                }
            }
            return nil
        }

        // Primary key signatures.
        let keyRevocations = v.primary.filter { $0.type == .keyRevocation }
        let directKey = newest(v.primary.filter { $0.type == .directKey && isLive($0, notBefore: keyCreated) })

        // User IDs.
        var userStatuses: [UserIDStatus] = []
        var uidSelfSigs: [SignaturePacket?] = []
        for (i, u) in userIDs.enumerated() {
            let sigs = v.userIDs[i]
            let selfSig = newest(sigs.filter { $0.type.isCertification && isLive($0, notBefore: keyCreated) })
            uidSelfSigs.append(selfSig)
            var validity = Validity.valid
            let revs = sigs.filter {
                $0.type == .certificationRevocation && Int64($0.creationTime ?? 0) <= now
                    && Int64($0.creationTime ?? 0) >= Int64(selfSig?.creationTime ?? 0)
            }
            if let r = newest(revs) {
                validity = .revoked(reason: r.revocationReason, at: r.created)
            } else if selfSig == nil {
                validity = .invalid(reason: "no valid self-signature")
            }
            userStatuses.append(UserIDStatus(userID: u.userID, address: u.userID.address, validity: validity,
                                             selfSignature: selfSig, isPrimary: false))
        }
        // Primary user ID: among valid ones, flagged first, then the newest self-signature.
        let candidates = userStatuses.indices.filter { userStatuses[$0].validity.isValid }
        let primaryIndex = candidates.max { a, b in
            let sa = userStatuses[a].selfSignature!, sb = userStatuses[b].selfSignature!
            return (sa.isPrimaryUserID ? 1 : 0, sa.creationTime ?? 0, b) < (sb.isPrimaryUserID ? 1 : 0, sb.creationTime ?? 0, a)
        }
        if let p = primaryIndex {
            let s = userStatuses[p]
            userStatuses[p] = UserIDStatus(userID: s.userID, address: s.address, validity: s.validity,
                                           selfSignature: s.selfSignature, isPrimary: true)
        }

        // Primary key expiration.
        let uidBinding = primaryIndex.flatMap { userStatuses[$0].selfSignature }
        var binding: SignaturePacket? = uidBinding
        if let d = directKey, d.keyExpirationTime != nil,
           uidBinding?.keyExpirationTime == nil || (d.creationTime ?? 0) > (uidBinding?.creationTime ?? 0) {
            binding = d
        }
        var expiration: Date?
        if let e = binding?.keyExpirationTime, e != 0 { expiration = date(keyCreated + Int64(e)) }

        let validity: Validity
        if let r = revocation(keyRevocations) {
            validity = r
        } else if keyCreated > now {
            validity = .invalid(reason: "key created after the time asked about")
        } else if let expiration, expiration <= time {
            validity = .expired(at: expiration)
        } else if directKey == nil && uidBinding == nil {
            validity = .invalid(reason: "no valid self-signature")
        } else {
            validity = .valid
        }

        // Subkeys.
        var subStatuses: [SubkeyStatus] = []
        for (i, sub) in subkeys.enumerated() {
            let sigs = v.subkeys[i]
            let subCreated = Int64(sub.key.creationTime)
            let bindingSig = newest(sigs.filter {
                $0.type == .subkeyBinding && isLive($0, notBefore: max(keyCreated, subCreated))
            })
            var subExpiration: Date?
            if let e = bindingSig?.keyExpirationTime, e != 0 { subExpiration = date(subCreated + Int64(e)) }
            let subValidity: Validity
            if let r = revocation(sigs.filter { $0.type == .subkeyRevocation }) {
                subValidity = r
            } else if bindingSig == nil {
                subValidity = .invalid(reason: "no valid binding signature")
            } else if let subExpiration, subExpiration <= time {
                subValidity = .expired(at: subExpiration)
            } else {
                subValidity = .valid
            }
            subStatuses.append(SubkeyStatus(key: sub.key, validity: subValidity, bindingSignature: bindingSig,
                                            flags: bindingSig?.keyFlags ?? [], expiration: subExpiration))
        }

        return CertificateStatus(validity: validity, expiration: expiration, userIDs: userStatuses,
                                 subkeys: subStatuses, primaryUserIDIndex: primaryIndex, directKeySignature: directKey)
    }
}

/// Orders signatures by creation time, then by their bytes (a total, deterministic order).
func signatureOrder(_ a: SignaturePacket, _ b: SignaturePacket) -> Bool {
    let ca = a.creationTime ?? 0, cb = b.creationTime ?? 0
    return ca != cb ? ca < cb : a.body.lexicographicallyPrecedes(b.body)
}
