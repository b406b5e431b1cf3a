public import Foundation
public import Store
public import TLSRPT

/// Builds the daily report (RFC 8460 §4) about one recipient domain from the counted sessions.
public struct TLSReportBuilder: Sendable {
    let store: any TLSSessionStore
    /// `organization-name`, `contact-info`, and the domain that ends each `report-id`.
    public let organizationName: String
    public let contactInfo: String
    public let submitter: String

    public init(store: any TLSSessionStore, organizationName: String, contactInfo: String, submitter: String) {
        self.store = store
        self.organizationName = organizationName
        self.contactInfo = contactInfo
        self.submitter = submitter
    }

    /// The report about `domain` for the UTC day starting at `day`, or nil when no session was counted.
    ///
    /// The range runs from 00:00:00Z to 23:59:59Z as in RFC 8460 §4.4's example; the `report-id` is
    /// `YYYY-MM-DD.domain@submitter`, the same each time the report is built. Per policy, successful sessions are the
    /// sessions that did not fail, and failure details carry the number of times each was reported.
    /// - Throws: ``StoreError``, or ``TLSRPTError`` for a stored policy or failure that no longer reads.
    public func report(domain: String, day: Date) async throws -> Report? {
        let counts = try await store.tlsSessionCounts(domain: domain, day: day)
        guard !counts.isEmpty else { return nil }
        var policies: [PolicyResult] = []
        for count in counts {
            var details: [FailureDetail] = []
            for failure in count.failures { details.append(try FailureDetail(storageText: failure.failure, count: failure.count)) }
            policies.append(PolicyResult(policy: try Policy(storageText: count.policy), successfulSessionCount: count.sessions - count.failedSessions,
                                         failedSessionCount: count.failedSessions, failureDetails: details))
        }
        let start = Int64(day.timeIntervalSince1970)
        let date = ReportDate(secondsSince1970: start).text.prefix(10)
        return Report(organizationName: organizationName, start: ReportDate(secondsSince1970: start),
                      end: ReportDate(secondsSince1970: start + 86_399), contactInfo: contactInfo,
                      reportID: "\(date).\(domain)@\(submitter)", policies: policies)
    }
}
