/// `"tlsrpt"` in the configuration: SMTP TLS reporting as a sending MTA (RFC 8460).
///
/// ```json
/// "tlsrpt": {"collector": "/run/stockade/tlsrpt.sock", "orgName": "Example Org", "submitter": "mx.example.org",
///            "contact": "mailto:postmaster@example.org", "from": "tlsrpt@example.org"}
/// ```
/// Postfix 3.10+ (`smtp_tlsrpt_enable = yes`, `smtp_tlsrpt_socket_name = /run/stockade/tlsrpt.sock`) reports each
/// TLS session to the `collector` socket through libtlsrpt; the outbox's own deliveries are counted too. Once a day, at
/// ``sendHour`` UTC, the previous day's report about each recipient domain goes to the `rua` of its `_smtp._tls`
/// record: gzip by HTTPS POST, or as DKIM-signed mail through the outbox and the `mail` relay.
public struct TLSRPTSettings: Codable, Sendable, Equatable {
    /// The unix datagram socket MTAs report sessions to; no collector when absent.
    public var collector: String?
    /// `organization-name` (RFC 8460 §4.4).
    public var orgName: String
    /// The reporting domain: `TLS-Report-Submitter`, the subject's `Submitter:`, and the right side of each report-id.
    public var submitter: String
    /// `contact-info`: an address or URI to reach the reporting organization.
    public var contact: String
    /// The `From` address of report mail.
    public var from: String
    /// The DKIM key for report mail (RFC 8460 §3 recommends a signature); when absent, the `milter.signing` entry of
    /// the `from` domain.
    public var signing: MilterSettings.Signing?
    /// The UTC hour (0–23) at which the previous day's reports are sent (default 1).
    public var sendHour: Int?
    /// Days that counts are kept when no report could be sent for them (default 7).
    public var keepDays: Int?
    /// PEM certificates trusted besides the system's for `https:` destinations.
    public var caFile: String?

    /// The default of ``sendHour``.
    public static let defaultSendHour = 1
    /// The default of ``keepDays``.
    public static let defaultKeepDays = 7

    public init(collector: String? = nil, orgName: String, submitter: String, contact: String, from: String,
                signing: MilterSettings.Signing? = nil, sendHour: Int? = nil, keepDays: Int? = nil, caFile: String? = nil) {
        self.collector = collector
        self.orgName = orgName
        self.submitter = submitter
        self.contact = contact
        self.from = from
        self.signing = signing
        self.sendHour = sendHour
        self.keepDays = keepDays
        self.caFile = caFile
    }
}
