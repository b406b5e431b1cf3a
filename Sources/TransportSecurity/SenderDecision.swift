/// What a sender that implements DANE (RFC 7672) and MTA-STS (RFC 8461) does with one MX host, DANE first
/// (RFC 8461 §2).
public enum SenderDecision: String, Sendable, Hashable, Codable {
    /// Deliver over TLS with an authenticated server (DANE or MTA-STS validated).
    case verified
    /// Deliver over TLS without authentication (unusable TLSA records, opportunistic TLS, MTA-STS testing).
    case encryptedOnly = "encrypted-only"
    /// Do not deliver now: a required check failed (queue and retry, RFC 7672 §2.1.1, RFC 8461 §5).
    case deferred = "defer"
    /// Deliver in plaintext: nothing requires TLS and the server does not offer it.
    case plaintextAllowed = "plaintext-allowed"
}

/// The MTA-STS side of one host (RFC 8461 §4).
public enum MTASTSVerdict: Sendable, Hashable, CustomStringConvertible {
    /// No policy applies to the domain (with the reason, e.g. no TXT record).
    case noPolicy(String)
    /// A `none` policy: nothing enforced.
    case modeNone
    /// The host is not among the policy's `mx` patterns (§4.1).
    case hostNotInPolicy(mode: String, patterns: [String])
    /// STARTTLS missing or the certificate fails PKIX / the name check (§4.2).
    case failed(mode: String, reason: String)
    /// The host matches and its certificate is valid for its name.
    case validated(mode: String)

    public var name: String {
        switch self {
        case .noPolicy: "no-policy"
        case .modeNone: "none"
        case .hostNotInPolicy: "host-not-in-policy"
        case .failed: "failed"
        case .validated: "validated"
        }
    }

    /// `enforce` and `testing` policies that apply; `nil` otherwise.
    public var mode: String? {
        switch self {
        case .noPolicy, .modeNone: nil
        case .hostNotInPolicy(let mode, _), .failed(let mode, _), .validated(let mode): mode
        }
    }

    public var description: String {
        switch self {
        case .noPolicy(let reason): "no policy (\(reason))"
        case .modeNone: "policy mode none"
        case .hostNotInPolicy(let mode, let patterns): "\(mode): host matches none of \(patterns.joined(separator: ", "))"
        case .failed(let mode, let reason): "\(mode): \(reason)"
        case .validated(let mode): "\(mode): certificate valid for the host"
        }
    }
}
