/// `"dmarcReports"` in the configuration: the daily DMARC aggregate reports (RFC 9990) about the mail the milter checked.
///
/// ```json
/// "dmarcReports": {"orgName": "Example Org", "submitter": "mx.example.org", "from": "dmarc-reports@example.org",
///                  "signing": {"domain": "example.org", "selector": "reports", "key": "/etc/stockade/reports.pem"}}
/// ```
/// Reports leave through the outbox and the `mail` relay, DKIM-signed for the `from` domain (RFC 9990 §3.1.2.8: report
/// mail must pass DMARC). Without `signing`, the `milter.signing` entry of the `from` domain signs them.
public struct DMARCReportSettings: Codable, Sendable, Equatable {
    /// `org_name`: the Reporting Organization.
    public var orgName: String
    /// The report generator's domain: `Submitter:` in the subject, the first part of the attachment name, and the
    /// right side of each Report-ID.
    public var submitter: String
    /// The `From` address of report mail, also the `email` contact in each report.
    public var from: String
    /// `extra_contact_info`, e.g. a web page about our reports.
    public var contact: String?
    /// The DKIM key for report mail; when absent, `milter.signing`'s entry for the `from` domain.
    public var signing: MilterSettings.Signing?
    /// The UTC hour (0–23) at which the previous day's reports are sent (default 1).
    public var sendHour: Int?
    /// The largest report mail sent, in octets, whatever a `rua` `!size` allows (default 10 MiB).
    public var maxReportSize: Int?
    /// Days that results are kept when no report could be sent for them (default 7).
    public var keepDays: Int?

    /// The default of ``sendHour``.
    public static let defaultSendHour = 1
    /// The default of ``maxReportSize``.
    public static let defaultMaxReportSize = 10 << 20
    /// The default of ``keepDays``.
    public static let defaultKeepDays = 7

    public init(orgName: String, submitter: String, from: String, contact: String? = nil, signing: MilterSettings.Signing? = nil,
                sendHour: Int? = nil, maxReportSize: Int? = nil, keepDays: Int? = nil) {
        self.orgName = orgName
        self.submitter = submitter
        self.from = from
        self.contact = contact
        self.signing = signing
        self.sendHour = sendHour
        self.maxReportSize = maxReportSize
        self.keepDays = keepDays
    }
}
