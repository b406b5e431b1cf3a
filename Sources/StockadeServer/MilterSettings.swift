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

    public init(listen: String, authservID: String, reject: Bool? = nil, quarantine: Quarantine? = nil,
                noAuthorDomain: NoAuthorDomain? = nil, trustedForwarders: [String]? = nil) {
        self.listen = listen
        self.authservID = authservID
        self.reject = reject
        self.quarantine = quarantine
        self.noAuthorDomain = noAuthorDomain
        self.trustedForwarders = trustedForwarders
    }
}
