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
        /// The `s=` selector in use.
        public var selector: String
        /// The private key's PEM file (PKCS#8 Ed25519 or RSA).
        public var key: String
        /// The selector that takes over at a set time: the second half of a two-selector rotation.
        public var next: NextSelector?

        public init(domain: String, selector: String, key: String, next: NextSelector? = nil) {
            self.domain = domain
            self.selector = selector
            self.key = key
            self.next = next
        }
    }

    /// The next selector of a domain (`milter.signing[].next`): publish its key record first, then name it here with the
    /// time it takes over; the milter signs with it from then on. Retire the old record once mail signed with it has
    /// been delivered (a few days).
    public struct NextSelector: Codable, Sendable, Equatable {
        /// The `s=` selector from `from` on.
        public var selector: String
        /// Its private key's PEM file.
        public var key: String
        /// When it takes over, RFC 3339 (`2026-12-10T00:00:00Z`).
        public var from: String

        public init(selector: String, key: String, from: String) {
            self.selector = selector
            self.key = key
            self.from = from
        }
    }

    /// The socket file of a `unix:PATH` listener (`milter.socket`).
    public struct Socket: Codable, Sendable, Equatable {
        /// Octal permission bits, e.g. `"660"`.
        public var mode: String?
        /// Its owning user, e.g. `stockade`.
        public var owner: String?
        /// Its owning group, e.g. `postfix`.
        public var group: String?

        public init(mode: String? = nil, owner: String? = nil, group: String? = nil) {
            self.mode = mode
            self.owner = owner
            self.group = group
        }
    }

    /// Where to listen, `inet:HOST:PORT` or `unix:PATH`.
    public var listen: String
    /// Mode and owners of the `unix:PATH` socket file, so that Postfix's `smtpd` (user `postfix`) may connect.
    public var socket: Socket?
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
    /// Upstream MTAs whose own Authentication-Results are believed on the mail they hand over, by authserv-id, each
    /// with the networks it connects from, e.g. `{"mx.lists.example.org": ["198.51.100.0/24"]}`: their `dmarc=pass`
    /// for the Author Domain delivers a message that forwarding broke. The same authserv-id from any other client is a
    /// forgery, deleted and never believed.
    public var trustedAuthservIDs: [String: [String]]?
    /// Author Domains (lower case) whose failing policy is applied more mildly here, e.g. `{"lists.example.org": "none"}`.
    public var domainOverrides: [String: Override]?
    /// Domains whose outbound mail is DKIM-signed instead of checked.
    public var signing: [Signing]?
    /// Networks whose mail counts as outbound (besides SMTP AUTH, Postfix's `{auth_authen}`), e.g. `127.0.0.0/8`.
    public var trustedNetworks: [String]?

    public init(listen: String, socket: Socket? = nil, authservID: String, reject: Bool? = nil, quarantine: Quarantine? = nil,
                noAuthorDomain: NoAuthorDomain? = nil, trustedForwarders: [String]? = nil,
                trustedAuthservIDs: [String: [String]]? = nil, domainOverrides: [String: Override]? = nil, signing: [Signing]? = nil, trustedNetworks: [String]? = nil) {
        self.listen = listen
        self.socket = socket
        self.authservID = authservID
        self.reject = reject
        self.quarantine = quarantine
        self.noAuthorDomain = noAuthorDomain
        self.trustedForwarders = trustedForwarders
        self.trustedAuthservIDs = trustedAuthservIDs
        self.domainOverrides = domainOverrides
        self.signing = signing
        self.trustedNetworks = trustedNetworks
    }
}
