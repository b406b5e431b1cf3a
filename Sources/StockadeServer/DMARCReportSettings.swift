/// `"dmarcReports"` in the configuration: the daily DMARC aggregate reports (RFC 9990) about the mail the milter checked.
public struct DMARCReportSettings: Codable, Sendable, Equatable {
    public init() {}
}
