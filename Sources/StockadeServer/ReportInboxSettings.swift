/// `"reportInbox"` in the configuration: where TLSRPT (RFC 8460) and DMARC aggregate (RFC 9990) reports arrive.
public struct ReportInboxSettings: Codable, Sendable, Equatable {
    public init() {}
}
