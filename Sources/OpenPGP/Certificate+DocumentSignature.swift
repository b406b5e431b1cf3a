public import Foundation

/// The verdict on a detached signature over a document (RFC 9580 §5.2.1.1, §5.2.1.2): a value, not an error.
public enum DocumentSignatureVerdict: Hashable, Sendable {
    /// Good: made over the document by `signingKey` (the primary key or a subkey), which could sign at `created`.
    case valid(signingKey: Fingerprint, created: Date)
    /// No key of the certificate is the issuer the signature names.
    case unknownKey(reason: String)
    /// The issuing key was not usable at the signature's time: revoked, expired, not bound, or not a signing key.
    case unusableKey(reason: String)
    /// The signature does not verify over this document, is not a document signature, or has expired.
    case invalid(reason: String)

    public var isValid: Bool { if case .valid = self { true } else { false } }
}

extension Certificate {
    /// Checks a detached document signature (binary 0x00 or text 0x01) as made by this certificate.
    ///
    /// The issuer is found by the issuer fingerprint or key ID subpackets (RFC 9580 §5.2.3.12, §5.2.3.35) among the
    /// primary key and the subkeys; the signature must verify over `document` (text: line endings made CRLF). The key
    /// must have been able to sign when the signature was made (RFC 9580 §5.2.3.29, §5.2.3.13, §5.2.3.31, judged by
    /// ``status(at:)`` at the signature's creation time, so a hard revocation counts whenever it was made): the
    /// primary key valid and, if its self-signature carries key flags, flagged for signing; a subkey valid, bound with
    /// a back-signature and flagged for signing. The signature must not be created after `time` nor have expired
    /// by then (§5.2.3.18).
    public func verifyDocument(_ signature: SignaturePacket, over document: [UInt8], at time: Date) -> DocumentSignatureVerdict {
        guard signature.type == .binary || signature.type == .text else {
            return .invalid(reason: "a signature of type \(signature.type), not over a document (0x00 or 0x01)")
        }
        let keys = [primaryKey] + subkeys.map(\.key)
        let candidates = keys.filter { signature.mayBeIssued(by: $0) }
        guard !candidates.isEmpty else {
            let issuer = signature.issuerFingerprints.first?.description ?? signature.issuerKeyIDs.first?.description ?? "?"
            return .unknownKey(reason: "the signature was made by \(issuer), which is not a key of \(fingerprint)")
        }
        var failure = "no key of \(fingerprint) verifies it"
        guard let key = candidates.first(where: { key in
            let verdict = signature.verify(by: key, over: .document(document))
            switch verdict {
            case .valid: return true
            case .invalid(let reason), .unsupported(let reason): failure = reason
            }
            return false
        }) else { return .invalid(reason: "the signature does not verify: \(failure)") }
        let created = signature.created
        guard created <= time else { return .invalid(reason: "the signature is dated \(Self.text(created)), in the future") }
        if let seconds = signature.signatureExpirationTime, seconds != 0 {
            let expiry = created.addingTimeInterval(Double(seconds))
            guard expiry > time else { return .invalid(reason: "the signature expired at \(Self.text(expiry))") }
        }
        let status = status(at: created)
        guard status.validity.isValid else {
            return .unusableKey(reason: "the key \(fingerprint) was \(Self.text(status.validity)) when the signature was made")
        }
        if key.fingerprint == fingerprint {
            let selfSignature = status.directKeySignature ?? status.primaryUserIDIndex.flatMap { status.userIDs[$0].selfSignature }
            if let flags = selfSignature?.keyFlags, !flags.contains(.sign) {
                return .unusableKey(reason: "the primary key \(fingerprint) is not a signing key (flags \(flags))")
            }
            return .valid(signingKey: key.fingerprint, created: created)
        }
        guard let subkey = status.subkeys.first(where: { $0.key.fingerprint == key.fingerprint }) else {
            return .unusableKey(reason: "the subkey \(key.fingerprint) is not bound to \(fingerprint)")
        }
        guard subkey.validity.isValid else {
            return .unusableKey(reason: "the subkey \(key.fingerprint) was \(Self.text(subkey.validity)) when the signature was made")
        }
        guard subkey.flags.contains(.sign) else {
            return .unusableKey(reason: "the subkey \(key.fingerprint) is not a signing key (flags \(subkey.flags))")
        }
        return .valid(signingKey: key.fingerprint, created: created)
    }

    private static func text(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    private static func text(_ validity: Validity) -> String {
        switch validity {
        case .valid: "valid"
        case .expired(let at): "expired (since \(text(at)))"
        case .revoked(let reason, let at):
            "revoked (at \(text(at))\(reason.map { ", reason \($0.code)\($0.text.isEmpty ? "" : ": \($0.text)")" } ?? ""))"
        case .invalid(let reason): "not valid (\(reason))"
        }
    }
}
