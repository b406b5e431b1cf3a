/// The SPF outcome DMARC needs (RFC 9989 §5.3.3): the result of checking the MAIL FROM identity and the domain checked.
/// The `SPF` library computes it; the caller passes it here.
public struct SPFOutcome: Sendable, Hashable {
    /// RFC 7208 §2.6 results.
    public enum Result: String, Sendable, Hashable, CaseIterable {
        case none, neutral, pass, fail, softfail, temperror, permerror
    }

    public let result: Result
    /// The MAIL FROM domain (or the HELO domain of a null reverse-path, RFC 9989 §3.2.4) SPF evaluated.
    public let domain: String

    public init(result: Result, domain: String) {
        self.result = result
        self.domain = domain
    }
}

/// One DKIM signature's outcome (RFC 9989 §5.3.3): its verdict, `d=` and `s=`. The `DKIM` library computes it.
public struct DKIMOutcome: Sendable, Hashable {
    /// RFC 8601 §2.7.1 results.
    public enum Result: String, Sendable, Hashable, CaseIterable {
        case none, pass, fail, policy, neutral, temperror, permerror
    }

    public let result: Result
    /// The signing domain, `d=`.
    public let domain: String
    /// The selector, `s=`, when known.
    public let selector: String?
    /// The start of the signature's `b=` value, for `header.b` (RFC 6008 §4: at least the first 8 characters), when known.
    public let signaturePrefix: String?

    public init(result: Result, domain: String, selector: String? = nil, signaturePrefix: String? = nil) {
        self.result = result
        self.domain = domain
        self.selector = selector
        self.signaturePrefix = signaturePrefix
    }
}
