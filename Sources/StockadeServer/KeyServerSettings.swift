/// `"keyServer"` in the configuration.
public struct KeyServerSettings: Codable, Sendable, Equatable {
    /// Where mailed links point, e.g. `https://keys.example.org`.
    public var baseURL: String
    /// The From address of verification and manage mails.
    public var mailFrom: String
    /// A file holding the 32-octet secret that seals upload tokens; default `<dataDirectory>/keyserver.secret`,
    /// created on first start. Servers sharing one database must share this file.
    public var secretFile: String?
    /// Requests per minute from one client (VKS, HKP and pages): one IPv4 address or one IPv6 /64. Default 120.
    public var requestsPerMinutePerClient: Int?
    /// Proxies (addresses or CIDR prefixes) whose `Forwarded` / `X-Forwarded-For` headers name the client; without
    /// them the peer's address is the client. Default none.
    public var trustedProxies: [String]?

    public init(baseURL: String, mailFrom: String, secretFile: String? = nil, requestsPerMinutePerClient: Int? = nil,
                trustedProxies: [String]? = nil) {
        self.baseURL = baseURL
        self.mailFrom = mailFrom
        self.secretFile = secretFile
        self.requestsPerMinutePerClient = requestsPerMinutePerClient
        self.trustedProxies = trustedProxies
    }
}

/// `"mail"` in the configuration: the SMTP relay, or (for development only) a folder that keeps every message instead.
/// Exactly one of `relay` and `sink` is set.
public struct MailSettings: Codable, Sendable, Equatable {
    /// `host:port` of the relay; a host name is resolved through Stockade's resolver.
    public var relay: String?
    /// For development only: a folder where each message is written as an RFC 5322 `.eml` file instead of being sent,
    /// listed at `/dev/mail`. Relative paths are relative to the working directory.
    public var sink: String?
    /// `required` (default: STARTTLS with a verified certificate), `opportunistic`, or `none`.
    public var tls: String?
    /// The name the relay's certificate must carry; default the relay's host.
    public var serverName: String?
    /// Extra PEM CA certificates to trust for the relay, besides the system's.
    public var caFile: String?
    /// AUTH PLAIN credentials, sent only over TLS.
    public var username: String?
    public var password: String?
    /// The EHLO name; default `localhost`.
    public var helo: String?

    public init(relay: String? = nil, sink: String? = nil, tls: String? = nil, serverName: String? = nil, caFile: String? = nil,
                username: String? = nil, password: String? = nil, helo: String? = nil) {
        self.relay = relay
        self.sink = sink
        self.tls = tls
        self.serverName = serverName
        self.caFile = caFile
        self.username = username
        self.password = password
        self.helo = helo
    }
}
