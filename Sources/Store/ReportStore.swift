public import Foundation

/// A received TLSRPT report (RFC 8460 §4) as stored: its identity, how it came, its DKIM result, the raw JSON and
/// the policies about domains this inbox accepts reports for. The store imports no protocol library.
public struct TLSRPTReportRecord: Sendable, Hashable {
    public var organization: String
    public var reportID: String
    public var contactInfo: String
    public var begin: Date
    public var end: Date
    public var receivedAt: Date
    /// `mail` or `https`.
    public var channel: String
    /// The DKIM result of a mailed report (`pass`, `fail`, `none`, …); nil for HTTPS.
    public var dkim: String?
    /// The `d=` of the passing signature.
    public var dkimDomain: String?
    /// The report as received: the whole mail, or the JSON of an HTTPS upload (inflated).
    public var raw: [UInt8]
    /// `mail` or `json`: what ``raw`` holds.
    public var rawFormat: String
    public var policies: [TLSRPTPolicyRecord]

    public init(organization: String, reportID: String, contactInfo: String, begin: Date, end: Date, receivedAt: Date,
                channel: String, dkim: String?, dkimDomain: String?, raw: [UInt8], rawFormat: String, policies: [TLSRPTPolicyRecord]) {
        self.organization = organization
        self.reportID = reportID
        self.contactInfo = contactInfo
        self.begin = begin
        self.end = end
        self.receivedAt = receivedAt
        self.channel = channel
        self.dkim = dkim
        self.dkimDomain = dkimDomain
        self.raw = raw
        self.rawFormat = rawFormat
        self.policies = policies
    }
}

/// One policy's results in a TLSRPT report (RFC 8460 §4.3, §4.4).
public struct TLSRPTPolicyRecord: Sendable, Hashable {
    public var domain: String
    /// `sts`, `tlsa` or `no-policy-found`.
    public var type: String
    public var strings: [String]
    public var mxHosts: [String]
    public var successful: Int
    public var failed: Int
    public var failures: [TLSRPTFailureRecord]

    public init(domain: String, type: String, strings: [String], mxHosts: [String], successful: Int, failed: Int,
                failures: [TLSRPTFailureRecord]) {
        self.domain = domain
        self.type = type
        self.strings = strings
        self.mxHosts = mxHosts
        self.successful = successful
        self.failed = failed
        self.failures = failures
    }
}

/// One failure-details entry (RFC 8460 §4.3, §4.4).
public struct TLSRPTFailureRecord: Sendable, Hashable {
    public var resultType: String
    public var sendingMTAIP: String?
    public var receivingMX: String?
    public var receivingIP: String?
    public var sessions: Int

    public init(resultType: String, sendingMTAIP: String?, receivingMX: String?, receivingIP: String?, sessions: Int) {
        self.resultType = resultType
        self.sendingMTAIP = sendingMTAIP
        self.receivingMX = receivingMX
        self.receivingIP = receivingIP
        self.sessions = sessions
    }
}

/// What the inbox knows of one domain's TLS sessions over a range of days (UTC, `YYYY-MM-DD`, both inclusive).
public struct TLSRPTSummary: Sendable, Hashable {
    public struct Day: Sendable, Hashable {
        public var day: String
        public var successful: Int
        public var failed: Int

        public init(day: String, successful: Int, failed: Int) {
            self.day = day
            self.successful = successful
            self.failed = failed
        }
    }

    /// A value and the failed sessions counted for it.
    public struct Count: Sendable, Hashable {
        public var value: String
        public var sessions: Int

        public init(value: String, sessions: Int) {
            self.value = value
            self.sessions = sessions
        }
    }

    /// A policy as one organization saw it.
    public struct PolicySeen: Sendable, Hashable {
        public var organization: String
        public var type: String
        public var strings: [String]
        public var successful: Int
        public var failed: Int
    }

    /// One stored report, for drill-down.
    public struct Listing: Sendable, Hashable {
        public var id: Int64
        public var organization: String
        public var reportID: String
        public var begin: Date
        public var end: Date
        public var channel: String
        public var dkim: String?
        public var successful: Int
        public var failed: Int
    }

    /// Sessions per day (the day the report's range begins), oldest first.
    public var days: [Day]
    /// Failed sessions by result type, most first.
    public var resultTypes: [Count]
    /// Failed sessions by sending MTA address (`unknown` when the report names none).
    public var sendingMTAs: [Count]
    /// Failed sessions by receiving MX host name (`unknown` when the report names none).
    public var receivingMXs: [Count]
    public var policies: [PolicySeen]
    public var reports: [Listing]
}

/// One stored report's raw content.
public struct StoredReport: Sendable, Hashable {
    public var id: Int64
    /// `tlsrpt` or `dmarc`.
    public var kind: String
    public var organization: String
    public var reportID: String
    public var raw: [UInt8]
    /// `mail`, `json` or `xml`.
    public var rawFormat: String

    public init(id: Int64, kind: String, organization: String, reportID: String, raw: [UInt8], rawFormat: String) {
        self.id = id
        self.kind = kind
        self.organization = organization
        self.reportID = reportID
        self.raw = raw
        self.rawFormat = rawFormat
    }
}

/// Persistence of received reports, deduplicated by report-id per organization.
public protocol ReportStore: Sendable {
    /// Stores a TLSRPT report; false when one with the same organization and report-id is stored already.
    func insertTLSRPTReport(_ report: TLSRPTReportRecord) async throws(StoreError) -> Bool
    /// The sessions of `domain` reported for the days `from` through `to` (`YYYY-MM-DD`).
    func tlsrptSummary(domain: String, from: String, to: String) async throws(StoreError) -> TLSRPTSummary
    /// Stores a DMARC aggregate report; false when one with the same organization and report-id is stored already.
    func insertDMARCReport(_ report: DMARCReportRecord) async throws(StoreError) -> Bool
    /// The DMARC results of `domain` reported for the days `from` through `to` (`YYYY-MM-DD`).
    func dmarcSummary(domain: String, from: String, to: String) async throws(StoreError) -> DMARCSummary
    /// A stored report of `domain` by its row id; nil when there is none about that domain.
    func storedReport(id: Int64, domain: String) async throws(StoreError) -> StoredReport?
    /// Reports stored per domain and kind (`tlsrpt`, `dmarc`).
    func reportCounts() async throws(StoreError) -> [String: [String: Int]]
}

/// The day a report is counted under: the UTC date its range begins, `YYYY-MM-DD`.
enum ReportDay {
    static func of(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// The columns of the `report` row that both kinds share.
struct ReportIdentity {
    var kind: String
    var organization: String
    var reportID: String
    var contactInfo: String
    var begin: Date
    var end: Date
    var receivedAt: Date
    var channel: String
    var dkim: String?
    var dkimDomain: String?
    var raw: [UInt8]
    var rawFormat: String
}

extension TLSRPTReportRecord {
    var identity: ReportIdentity {
        ReportIdentity(kind: "tlsrpt", organization: organization, reportID: reportID, contactInfo: contactInfo, begin: begin, end: end,
                       receivedAt: receivedAt, channel: channel, dkim: dkim, dkimDomain: dkimDomain, raw: raw, rawFormat: rawFormat)
    }
}

extension DMARCReportRecord {
    /// DMARC aggregate reports arrive by mail only, and the whole mail is kept.
    var identity: ReportIdentity {
        ReportIdentity(kind: "dmarc", organization: organization, reportID: reportID, contactInfo: contactInfo, begin: begin, end: end,
                       receivedAt: receivedAt, channel: "mail", dkim: dkim, dkimDomain: dkimDomain, raw: raw, rawFormat: "mail")
    }
}
