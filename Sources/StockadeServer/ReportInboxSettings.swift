/// `"reportInbox"` in the configuration: where TLSRPT (RFC 8460) and DMARC aggregate (RFC 9990) reports arrive.
///
/// ```json
/// "reportInbox": {"domains": ["example.org"], "lmtp": "127.0.0.1:2424", "addresses": ["tlsrpt@example.org"]}
/// ```
/// with `_smtp._tls.example.org TXT "v=TLSRPTv1; rua=mailto:tlsrpt@example.org,https://HOST/reports/tlsrpt"` and,
/// in Postfix, `transport_maps` sending `tlsrpt@example.org` to `lmtp:inet:127.0.0.1:2424`.
public struct ReportInboxSettings: Codable, Sendable, Equatable {
    /// The policy domains whose reports are kept; reports about other domains are refused.
    public var domains: [String]
    /// The LMTP listener, `HOST:PORT` (`[::1]:2424` for IPv6); no LMTP listener when absent.
    public var lmtp: String?
    /// The report addresses the LMTP listener takes mail for (the `rua=mailto:` addresses).
    public var addresses: [String]?
    /// The path of the HTTPS endpoint for `rua=https:` (default `/reports/tlsrpt`).
    public var path: String?
    /// The largest mailed report, in octets (default 10 MiB).
    public var maxMessageSize: Int?
    /// Uploads per client address and hour before 429 (default 60).
    public var uploadsPerHour: Int?
    /// The reverse proxies in front of the upload endpoint (addresses or CIDR prefixes): behind them the allowance is
    /// counted per client they forward (`Forwarded`, else `X-Forwarded-For`), not per proxy. Absent: none.
    public var trustedProxies: [String]?

    public init(domains: [String], lmtp: String? = nil, addresses: [String]? = nil, path: String? = nil, maxMessageSize: Int? = nil,
                uploadsPerHour: Int? = nil, trustedProxies: [String]? = nil) {
        self.domains = domains
        self.lmtp = lmtp
        self.addresses = addresses
        self.path = path
        self.maxMessageSize = maxMessageSize
        self.uploadsPerHour = uploadsPerHour
        self.trustedProxies = trustedProxies
    }
}
