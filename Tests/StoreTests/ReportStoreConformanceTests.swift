import Foundation
import Testing
import Store

/// The `ReportStore` contract (the inbox of received TLSRPT and DMARC aggregate reports), run unchanged against SQLite
/// and PostgreSQL.
@Suite struct ReportStoreConformanceTests {
    /// 2025-12-06 05:46:40 UTC plus `second`.
    static func tlsrpt(_ organization: String, id: String, at second: Int, domain: String = "example.org", channel: String = "https",
                       failures: [TLSRPTFailureRecord] = []) -> TLSRPTReportRecord {
        TLSRPTReportRecord(organization: organization, reportID: id, contactInfo: "mailto:tls@\(organization)", begin: instant(second),
                           end: instant(second + 86_399), receivedAt: instant(second + 90_000), channel: channel,
                           dkim: channel == "mail" ? "pass" : nil, dkimDomain: channel == "mail" ? organization : nil,
                           raw: Array("{\"report-id\":\"\(id)\"}".utf8), rawFormat: channel == "mail" ? "mail" : "json",
                           policies: [TLSRPTPolicyRecord(domain: domain, type: "sts", strings: ["version: STSv1", "mode: enforce"],
                                                         mxHosts: ["mx.\(domain)"], successful: 100, failed: failures.reduce(0) { $0 + $1.sessions },
                                                         failures: failures)])
    }

    @Test(arguments: Backend.allCases) func tlsrptReportsAreDeduplicatedAndSummarized(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let expired = TLSRPTFailureRecord(resultType: "certificate-expired", sendingMTAIP: "192.0.2.1", receivingMX: "mx.example.org",
                                              receivingIP: "198.51.100.1", sessions: 3)
            let starttls = TLSRPTFailureRecord(resultType: "starttls-not-supported", sendingMTAIP: nil, receivingMX: nil, receivingIP: nil,
                                               sessions: 2)
            #expect(try await store.insertTLSRPTReport(Self.tlsrpt("b.example", id: "r1", at: 0, failures: [expired])))
            #expect(try await store.insertTLSRPTReport(Self.tlsrpt("a.example", id: "r1", at: 86_400, channel: "mail", failures: [starttls, expired])))
            #expect(try await store.insertTLSRPTReport(Self.tlsrpt("b.example", id: "r1", at: 0)) == false, "same organization, same report-id")
            #expect(try await store.insertTLSRPTReport(Self.tlsrpt("c.example", id: "r9", at: 0, domain: "other.example")))

            let summary = try await store.tlsrptSummary(domain: "example.org", from: "2025-12-06", to: "2025-12-07")
            #expect(summary.days == [TLSRPTSummary.Day(day: "2025-12-06", successful: 100, failed: 3),
                                     TLSRPTSummary.Day(day: "2025-12-07", successful: 100, failed: 5)])
            #expect(summary.resultTypes == [TLSRPTSummary.Count(value: "certificate-expired", sessions: 6),
                                            TLSRPTSummary.Count(value: "starttls-not-supported", sessions: 2)])
            #expect(summary.sendingMTAs == [TLSRPTSummary.Count(value: "192.0.2.1", sessions: 6), TLSRPTSummary.Count(value: "unknown", sessions: 2)])
            #expect(summary.receivingMXs == [TLSRPTSummary.Count(value: "mx.example.org", sessions: 6),
                                             TLSRPTSummary.Count(value: "unknown", sessions: 2)])
            #expect(summary.policies.map(\.organization) == ["a.example", "b.example"])
            #expect(summary.policies.map(\.strings) == [["version: STSv1", "mode: enforce"], ["version: STSv1", "mode: enforce"]])
            #expect(summary.policies.map(\.failed) == [5, 3])
            #expect(summary.reports.map(\.organization) == ["b.example", "a.example"])
            #expect(summary.reports.map(\.channel) == ["https", "mail"])
            #expect(summary.reports.map(\.dkim) == [nil, "pass"])
            #expect(summary.reports.map(\.begin) == [instant(0), instant(86_400)])

            let oneDay = try await store.tlsrptSummary(domain: "example.org", from: "2025-12-07", to: "2025-12-07")
            #expect(oneDay.reports.map(\.organization) == ["a.example"])

            let first = try #require(summary.reports.first)
            let stored = try #require(try await store.storedReport(id: first.id, domain: "example.org"))
            #expect(stored == StoredReport(id: first.id, kind: "tlsrpt", organization: "b.example", reportID: "r1",
                                           raw: Array("{\"report-id\":\"r1\"}".utf8), rawFormat: "json"))
            #expect(try await store.storedReport(id: first.id, domain: "other.example") == nil, "a report is shown under its own domain only")
            #expect(try await store.reportCounts() == ["example.org": ["tlsrpt": 2], "other.example": ["tlsrpt": 1]])
        }
    }

    @Test(arguments: Backend.allCases) func dmarcReportsAreDeduplicatedAndSummarized(_ backend: Backend) async throws {
        try await backend.withStore { store in
            func report(_ organization: String, id: String, rows: [DMARCReportRow]) -> DMARCReportRecord {
                DMARCReportRecord(organization: organization, reportID: id, contactInfo: "dmarc@\(organization)", begin: instant(0),
                                  end: instant(86_399), receivedAt: instant(90_000), domain: "example.org", dkim: "pass",
                                  dkimDomain: organization, raw: Array("mail \(id)".utf8), rows: rows)
            }
            let aligned = DMARCReportRow(sourceIP: "192.0.2.1", count: 40, disposition: "none", dkimAligned: true, spfAligned: false,
                                         headerFrom: "example.org")
            let spoofed = DMARCReportRow(sourceIP: "203.0.113.9", count: 7, disposition: "reject", dkimAligned: false, spfAligned: false,
                                         headerFrom: "example.org")
            let list = DMARCReportRow(sourceIP: "192.0.2.1", count: 2, disposition: "none", dkimAligned: false, spfAligned: true,
                                      headerFrom: "lists.example.org")
            #expect(try await store.insertDMARCReport(report("google.com", id: "g1", rows: [aligned, spoofed])))
            #expect(try await store.insertDMARCReport(report("yahoo.com", id: "g1", rows: [list])))
            #expect(try await store.insertDMARCReport(report("google.com", id: "g1", rows: [list])) == false)

            let summary = try await store.dmarcSummary(domain: "example.org", from: "2025-12-06", to: "2025-12-06")
            #expect(summary.sources == [DMARCSummary.Tally(value: "192.0.2.1", passed: 42, failed: 0),
                                        DMARCSummary.Tally(value: "203.0.113.9", passed: 0, failed: 7)])
            #expect(summary.senders == [DMARCSummary.Tally(value: "example.org", passed: 40, failed: 7),
                                        DMARCSummary.Tally(value: "lists.example.org", passed: 2, failed: 0)])
            #expect(summary.reporters == [DMARCSummary.Tally(value: "google.com", passed: 40, failed: 7),
                                          DMARCSummary.Tally(value: "yahoo.com", passed: 2, failed: 0)])
            #expect(summary.days == [DMARCSummary.Tally(value: "2025-12-06", passed: 42, failed: 7)])
            #expect(try await store.dmarcSummary(domain: "example.org", from: "2025-12-07", to: "2025-12-08").sources == [])
            #expect(try await store.reportCounts() == ["example.org": ["dmarc": 2]])
        }
    }

    /// Eight receivers storing the same report at once (a sender retrying through several MX hosts): one row.
    @Test(arguments: Backend.allCases) func aReportIsStoredOnceUnderRaces(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await store.insertTLSRPTReport(Self.tlsrpt("b.example", id: "race", at: 0)) } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(stored.filter { $0 }.count == 1)
            #expect(try await store.reportCounts() == ["example.org": ["tlsrpt": 1]])
        }
    }
}
