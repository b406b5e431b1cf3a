public import DNS

/// What a certification authority is asked to issue, as far as CAA cares (RFC 8659 §3, RFC 8657).
public struct IssuanceRequest: Sendable, Hashable {
    /// The FQDN; for a Wildcard Domain Name `*.X` this is X, where the search starts (§3).
    public var name: DNSName
    /// Whether the request is for `*.name` (then `issuewild` applies, §4.3).
    public var isWildcard: Bool
    /// The CA's issuer domain name, as it appears in `issue` properties (lower case, no trailing dot).
    public var issuer: String
    /// The ACME account URI of the requester (RFC 8657 §3), if known.
    public var accountURI: String?
    /// The ACME validation method used, such as `dns-01` (RFC 8657 §4), if known.
    public var validationMethod: String?

    public init(name: DNSName, isWildcard: Bool = false, issuer: String, accountURI: String? = nil, validationMethod: String? = nil) {
        self.name = name
        self.isWildcard = isWildcard
        var issuer = issuer.lowercased()
        if issuer.hasSuffix(".") { issuer.removeLast() }
        self.issuer = issuer
        self.accountURI = accountURI
        self.validationMethod = validationMethod
    }

    /// A request for `text`; a leading `*.` makes it a wildcard request for the rest.
    public init(name text: String, isWildcard: Bool = false, issuer: String, accountURI: String? = nil,
                validationMethod: String? = nil) throws(DNSError) {
        let wildcard = text.hasPrefix("*.")
        self.init(name: try DNSName(wildcard ? String(text.dropFirst(2)) : text), isWildcard: isWildcard || wildcard,
                  issuer: issuer, accountURI: accountURI, validationMethod: validationMethod)
    }
}
