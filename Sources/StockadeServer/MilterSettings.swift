/// `"milter"` in the configuration: the milter that checks SPF, DKIM and DMARC in front of Postfix
/// (`smtpd_milters = inet:127.0.0.1:8891`).
public struct MilterSettings: Codable, Sendable, Equatable {
    /// What a failing `p=quarantine` (or a `p=reject` lowered by `t=y` or by `reject: false`) does.
    public enum Quarantine: String, Codable, Sendable {
        /// Postfix puts the message on hold (the milter's quarantine action).
        case hold
        /// The message is delivered with the Authentication-Results header only.
        case header
    }

    /// What a message without a single readable From domain gets.
    public enum NoAuthorDomain: String, Codable, Sendable {
        /// `550 5.7.1`, citing RFC 5322 §3.6 (exactly one From field).
        case reject
        /// Delivered with the Authentication-Results header.
        case accept
    }

    /// A local override of one Author Domain's failing policy (`milter.domainOverrides`): only ever milder.
    public enum Override: String, Codable, Sendable {
        /// Treat a failing `p=reject` as `p=quarantine`.
        case quarantine
        /// Deliver with the header whatever the policy asks.
        case none
    }

    /// One domain the milter signs for (`milter.signing`).
    public struct Signing: Codable, Sendable, Equatable {
        /// The `d=` domain; mail whose From domain is this one is signed.
        public var domain: String
        /// The `s=` selector.
        public var selector: String
        /// The private key's PEM file (PKCS#8 Ed25519 or RSA).
        public var key: String

        public init(domain: String, selector: String, key: String) {
            self.domain = domain
            self.selector = selector
            self.key = key
        }
    }

    /// Where to listen, `inet:HOST:PORT` or `unix:PATH`.
    public var listen: String
    /// The authserv-id of the Authentication-Results header, this MTA's name (e.g. `mx.example.org`).
    public var authservID: String
    /// Refuse mail failing a `p=reject` policy with `550 5.7.1` (default true); false treats it as a quarantine.
    public var reject: Bool?
    /// `hold` (default) or `header`.
    public var quarantine: Quarantine?
    /// `reject` (default) or `accept`.
    public var noAuthorDomain: NoAuthorDomain?
    /// Networks (`192.0.2.0/24`, `2001:db8::/32`, a bare address) whose DMARC failures are accepted with the header:
    /// forwarders and mailing lists that break alignment.
    public var trustedForwarders: [String]?
    /// Author Domains (lower case) whose failing policy is applied more mildly here, e.g. `{"lists.example.org": "none"}`.
    public var domainOverrides: [String: Override]?
    /// Domains whose outbound mail is DKIM-signed instead of checked.
    public var signing: [Signing]?
    /// Networks whose mail counts as outbound (besides SMTP AUTH, Postfix's `{auth_authen}`), e.g. `127.0.0.0/8`.
    public var trustedNetworks: [String]?

    public init(listen: String, authservID: String, reject: Bool? = nil, quarantine: Quarantine? = nil,
                noAuthorDomain: NoAuthorDomain? = nil, trustedForwarders: [String]? = nil,
                domainOverrides: [String: Override]? = nil, signing: [Signing]? = nil, trustedNetworks: [String]? = nil) {
        self.listen = listen
        self.authservID = authservID
        self.reject = reject
        self.quarantine = quarantine
        self.noAuthorDomain = noAuthorDomain
        self.trustedForwarders = trustedForwarders
        self.domainOverrides = domainOverrides
        self.signing = signing
        self.trustedNetworks = trustedNetworks
    }
}
