import Foundation
import Testing
import Store

/// The `DMARCResultStore` contract (the milter's results behind RFC 9990 aggregate reports), run unchanged against SQLite
/// and PostgreSQL.
@Suite struct DMARCResultStoreConformanceTests {
    static func result(_ domain: String, ip: String, at second: Int, dkim: String = "pass", record: String = "v=DMARC1; p=reject") -> DMARCResultRecord {
        DMARCResultRecord(
            receivedAt: instant(second),
            policy: DMARCPolicySnapshot(policyDomain: domain, organizationalDomain: domain, record: record, discoveryMethod: "treewalk"),
            key: DMARCResultKey(sourceIP: ip, headerFrom: domain, envelopeFrom: "bounces.\(domain)", envelopeTo: nil, spfDomain: "bounces.\(domain)",
                                spfScope: "mfrom", spfResult: "pass",
                                signatures: [DMARCSignatureRecord(domain: domain, selector: "s1", result: dkim)],
                                dkimAligned: dkim == "pass", spfAligned: false, disposition: dkim == "pass" ? "none" : "reject"))
    }

    @Test(arguments: Backend.allCases) func resultsAreGroupedCountedAndDeleted(_ backend: Backend) async throws {
        try await backend.withStore { store in
            for (domain, ip, second, dkim) in [("b.example", "192.0.2.1", 10, "pass"), ("a.example", "192.0.2.9", 11, "fail"),
                                               ("b.example", "192.0.2.1", 12, "pass"), ("b.example", "192.0.2.2", 13, "fail"),
                                               ("b.example", "192.0.2.1", 14, "pass"), ("b.example", "192.0.2.1", 100, "pass")] {
                try await store.recordDMARCResult(Self.result(domain, ip: ip, at: second, dkim: dkim))
            }
            try await store.recordDMARCResult(Self.result("b.example", ip: "192.0.2.3", at: 15, record: "v=DMARC1; p=none"))
            #expect(try await store.dmarcPolicyDomains(from: instant(0), to: instant(50)) == ["a.example", "b.example"])
            let rows = try await store.dmarcReportRows(policyDomain: "b.example", from: instant(0), to: instant(50))
            #expect(rows.map(\.key.sourceIP) == ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
            #expect(rows.map(\.count) == [3, 1, 1])
            #expect(rows.first?.key == Self.result("b.example", ip: "192.0.2.1", at: 0).key)
            #expect(try await store.dmarcLatestPolicy(policyDomain: "b.example", from: instant(0), to: instant(50))?.record == "v=DMARC1; p=none")
            #expect(try await store.dmarcLatestPolicy(policyDomain: "c.example", from: instant(0), to: instant(50)) == nil)
            #expect(try await store.deleteDMARCResults(policyDomain: "b.example", before: instant(50)) == 5)
            #expect(try await store.dmarcPolicyDomains(from: instant(0), to: instant(200)) == ["a.example", "b.example"])
            #expect(try await store.deleteDMARCResults(policyDomain: nil, before: instant(200)) == 2)
            #expect(try await store.dmarcPolicyDomains(from: instant(0), to: instant(200)) == [])
        }
    }

    /// A day's report is taken by exactly one of several senders racing for it.
    @Test(arguments: Backend.allCases) func aReportIsClaimedOnce(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let claims = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await store.claimDMARCReport(policyDomain: "b.example", begin: instant(0), at: instant(5)) } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(claims.filter { $0 }.count == 1)
            #expect(try await store.claimDMARCReport(policyDomain: "b.example", begin: instant(86_400), at: instant(5)) == true)
        }
    }
}
