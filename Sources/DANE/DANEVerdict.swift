/// Why a server failed DANE authentication.
public enum DANEFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// No usable record matches the chain the server sent.
    case noMatch
    /// DANE requires TLS and the server offered no STARTTLS (RFC 7672 §2.2).
    case startTLSNotSupported
    /// A DANE-TA chain was valid but the leaf names none of the reference identifiers (RFC 7672 §3.2.3).
    case nameMismatch(certificateNames: [String], referenceNames: [String])
    /// A DANE-TA anchor matched but the chain to it is not valid (RFC 7671 §5.2.2); `expired` when the only
    /// complaint is a certificate's validity period.
    case invalidChain(reason: String, expired: Bool)
    /// The TLS handshake failed.
    case handshakeFailed(String)

    public var description: String {
        switch self {
        case .noMatch: "no usable TLSA record matches the server's certificate chain"
        case .startTLSNotSupported: "the server does not offer STARTTLS, which DANE requires"
        case .nameMismatch(let names, let references):
            "the certificate names \(names.joined(separator: ", ")), none of \(references.joined(separator: ", "))"
        case .invalidChain(let reason, _): "the chain to the DANE-TA trust anchor is not valid: \(reason)"
        case .handshakeFailed(let reason): "TLS handshake failed: \(reason)"
        }
    }
}

/// The DANE verdict for one SMTP server (RFC 7672): a value with its reason, never an exception.
public enum DANEVerdict: Sendable, Hashable, CustomStringConvertible {
    /// The chain matched this record (and, for DANE-TA, its names matched).
    case validated(UsableTLSA)
    /// DANE applies and the server failed it: the sender must not deliver to it.
    case failed(DANEFailure)
    /// DANE does not apply (no secure TLSA records); the reason says why.
    case noTLSA(String)
    /// TLSA records exist but none is usable: TLS is mandatory, without authentication (RFC 7672 §2.2).
    case unusable([UnusableTLSA])
    /// A DNSSEC-bogus answer: the sender defers (RFC 7672 §2.1.1).
    case bogus(String)

    /// The result-type of an SMTP TLS report for this verdict (RFC 8460 §4.3.2), `nil` when there is nothing to
    /// report as a failure.
    public var tlsrptResultType: String? {
        switch self {
        case .validated, .noTLSA: nil
        case .unusable: "tlsa-invalid"
        case .bogus: "dnssec-invalid"
        case .failed(.startTLSNotSupported): "starttls-not-supported"
        case .failed(.nameMismatch): "certificate-host-mismatch"
        case .failed(.invalidChain(_, let expired)): expired ? "certificate-expired" : "validation-failure"
        case .failed(.noMatch), .failed(.handshakeFailed): "validation-failure"
        }
    }

    /// One word: `validated`, `failed`, `no-tlsa`, `unusable` or `bogus`.
    public var name: String {
        switch self {
        case .validated: "validated"
        case .failed: "failed"
        case .noTLSA: "no-tlsa"
        case .unusable: "unusable"
        case .bogus: "bogus"
        }
    }

    public var description: String {
        switch self {
        case .validated(let record): "validated by \(record.usage.mnemonic) \(record)"
        case .failed(let failure): "failed: \(failure)"
        case .noTLSA(let reason): "no DANE: \(reason)"
        case .unusable(let records):
            "unusable: \(records.map { "\($0.recordText) (\($0.reason))" }.joined(separator: "; "))"
        case .bogus(let reason): "bogus: \(reason)"
        }
    }
}
