public import Foundation

/// A received DMARC aggregate report (RFC 9990) as stored: its identity, the mail's DKIM result, the mail as it came
/// and one row per source (`record`).
public struct DMARCReportRecord: Sendable, Hashable {
    public var organization: String
    public var reportID: String
    public var contactInfo: String
    public var begin: Date
    public var end: Date
    public var receivedAt: Date
    /// The policy domain (`policy_published/domain`), lower case.
    public var domain: String
    public var dkim: String?
    public var dkimDomain: String?
    /// The whole mail as delivered.
    public var raw: [UInt8]
    public var rows: [DMARCReportRow]

    public init(organization: String, reportID: String, contactInfo: String, begin: Date, end: Date, receivedAt: Date, domain: String,
                dkim: String?, dkimDomain: String?, raw: [UInt8], rows: [DMARCReportRow]) {
        self.organization = organization
        self.reportID = reportID
        self.contactInfo = contactInfo
        self.begin = begin
        self.end = end
        self.receivedAt = receivedAt
        self.domain = domain
        self.dkim = dkim
        self.dkimDomain = dkimDomain
        self.raw = raw
        self.rows = rows
    }
}

/// One `record` of an aggregate report: a source address, its message count and what the receiver decided.
public struct DMARCReportRow: Sendable, Hashable {
    public var sourceIP: String
    public var count: Int
    /// `none`, `quarantine` or `reject`.
    public var disposition: String
    public var dkimAligned: Bool
    public var spfAligned: Bool
    /// The RFC5322.From domain.
    public var headerFrom: String

    public init(sourceIP: String, count: Int, disposition: String, dkimAligned: Bool, spfAligned: Bool, headerFrom: String) {
        self.sourceIP = sourceIP
        self.count = count
        self.disposition = disposition
        self.dkimAligned = dkimAligned
        self.spfAligned = spfAligned
        self.headerFrom = headerFrom
    }
}

/// DMARC results of one domain over a range of days: messages that passed (DKIM or SPF aligned) and failed, per
/// source address and per reporting organization.
public struct DMARCSummary: Sendable, Hashable {
    /// Passed and failed messages for one value.
    public struct Tally: Sendable, Hashable {
        public var value: String
        public var passed: Int
        public var failed: Int

        public init(value: String, passed: Int, failed: Int) {
            self.value = value
            self.passed = passed
            self.failed = failed
        }
    }

    /// Per source IP address, most messages first.
    public var sources: [Tally]
    /// Per RFC5322.From domain (the sender of the messages), most messages first.
    public var senders: [Tally]
    /// Per reporting organization (the sender of the report), most messages first.
    public var reporters: [Tally]
    /// Per day the report's range begins, oldest first.
    public var days: [Tally]
}
