/// `"socketmap"` in the configuration: the Postfix policy service run by `stockade serve`.
public struct SocketmapSettings: Codable, Sendable, Equatable {
    /// `host:port` to listen on, e.g. `127.0.0.1:8461`.
    public var listen: String
    /// Enforce `testing` policies too (default false).
    public var strictTesting: Bool?
    /// Add `servername=hostname` (default true).
    public var requireSNI: Bool?
    /// Add TLSRPT attributes for Postfix ≥ 3.10 (default false).
    public var tlsrpt: Bool?
    /// Answer `dane-only` where every MX host has DNSSEC-secure TLSA records (default true).
    public var danePrecedence: Bool?
    /// Extra PEM trust anchors for policy hosts, besides the system's.
    public var caFile: String?
    /// The policy hosts' HTTPS port (default 443; the lab uses its own).
    public var policyPort: Int?
    /// Seconds without a request before a connection is closed (default 120, above the 100 s after which Postfix
    /// closes any socketmap connection itself).
    public var idleTimeout: Double?
    /// Connections held at once (default 1 000).
    public var maxConnections: Int?

    public init(listen: String, strictTesting: Bool? = nil, requireSNI: Bool? = nil, tlsrpt: Bool? = nil,
                danePrecedence: Bool? = nil, caFile: String? = nil, policyPort: Int? = nil, idleTimeout: Double? = nil,
                maxConnections: Int? = nil) {
        self.listen = listen
        self.strictTesting = strictTesting
        self.requireSNI = requireSNI
        self.tlsrpt = tlsrpt
        self.danePrecedence = danePrecedence
        self.caFile = caFile
        self.policyPort = policyPort
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
