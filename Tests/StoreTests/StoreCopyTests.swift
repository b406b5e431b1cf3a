import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Store

/// `stockade migrate`'s copy (issue 19 §4): every table from SQLite into PostgreSQL, verifiable and restartable.
@Suite struct StoreCopyTests {
    /// An installation with a row in every table: two domains, two accounts with three addresses (two created in the
    /// same second), a key, a published key with two lookup IDs and an address, a staged upload, a token, two mails
    /// (one dead) and a cached policy.
    static func populate(_ store: SQLiteStore) async throws {
        try await store.insertDomain(DomainRecord(name: "example.org", kind: .provider, createdAt: instant(0)))
        try await store.insertDomain(DomainRecord(name: "hosted.example", kind: .hosted, createdAt: instant(0)))
        for (id, local) in [("acct-1", "alice"), ("acct-2", "bob")] {
            try await store.insertAccount(AccountRecord(id: id, createdAt: instant(1)),
                                          primaryAddress: AddressRecord(address: "\(local)@example.org", display: "\(local)@example.org",
                                                                        domain: "example.org", wkdHash: "h-\(local)", accountID: id,
                                                                        role: .primary, createdAt: instant(2)))
        }
        try await store.saveKey(KeyRecord(fingerprint: "F1", accountID: "acct-1", bytes: Data([0, 1, 255]), importedAt: instant(3), updatedAt: instant(3)))
        try await store.insertAddress(AddressRecord(address: "al@hosted.example", display: "Al@hosted.example", domain: "hosted.example",
                                                    wkdHash: "h-al", accountID: "acct-1", role: .alias, createdAt: instant(2), keyFingerprint: "F1"))
        try await store.closeAccount(id: "acct-2", at: instant(4))
        var change = KeyServerChange()
        change.keys = [(PublishedKeyRecord(fingerprint: "F1", bytes: [9, 9], lookupIDs: ["F1", "K1"], version: 1, updatedAt: instant(5)), nil)]
        change.bindAddresses = [PublishedAddressRecord(address: "alice@example.org", fingerprint: "F1", publishedAt: instant(5))]
        change.stagedUploads = [StagedUploadRecord(fingerprint: "F2", bytes: [4], expiresAt: instant(99))]
        change.insertTokens = [KeyServerTokenRecord(hash: "t1", purpose: .manage, fingerprint: "F1", address: "alice@example.org",
                                                    bytes: [1], createdAt: instant(5), expiresAt: instant(500))]
        change.mail = [OutgoingMailRecord(recipient: "alice@example.org", subject: "Manage", body: "ünïcode", createdAt: instant(5), nextAttemptAt: instant(5)),
                       OutgoingMailRecord(recipient: "x@example.net", subject: "Verify", body: "b", createdAt: instant(5), nextAttemptAt: instant(5))]
        try await store.commit(change)
        let ids = try await store.dueMail(at: instant(6), limit: 10).compactMap(\.id)
        #expect(try await store.markMailDead(id: ids[1], attempt: 0, error: "550 5.1.1", at: instant(6)))
        try await store.saveCachedPolicy(PolicyCacheRecord(domain: "example.net", id: "1", text: "version: STSv1\r\n", fetchedAt: instant(7),
                                                           expiresAt: instant(8)))
        try await store.recordDMARCResult(DMARCResultStoreConformanceTests.result("example.net", ip: "192.0.2.1", at: 9, dkim: "fail"))
        #expect(try await store.claimDMARCReport(policyDomain: "example.net", begin: instant(0), at: instant(10)))
        let expired = TLSRPTFailureRecord(resultType: "certificate-expired", sendingMTAIP: "192.0.2.1", receivingMX: "mx.example.org",
                                          receivingIP: nil, sessions: 3)
        #expect(try await store.insertTLSRPTReport(ReportStoreConformanceTests.tlsrpt("b.example", id: "r1", at: 0, failures: [expired])))
        #expect(try await store.insertDMARCReport(DMARCReportRecord(
            organization: "google.com", reportID: "g1", contactInfo: "dmarc@google.com", begin: instant(0), end: instant(86_399),
            receivedAt: instant(90_000), domain: "example.org", dkim: "pass", dkimDomain: "google.com", raw: Array("mail".utf8),
            rows: [DMARCReportRow(sourceIP: "192.0.2.1", count: 4, disposition: "none", dkimAligned: true, spfAligned: false, headerFrom: "example.org"),
                   DMARCReportRow(sourceIP: "203.0.113.9", count: 1, disposition: "reject", dkimAligned: false, spfAligned: false,
                                  headerFrom: "example.org")])))
        try await store.recordTLSSessions([TLSSessionStoreConformanceTests.session("example.net", failed: true, failures: ["expired"]),
                                           TLSSessionStoreConformanceTests.session("example.net", policy: "none")])
        #expect(try await store.claimTLSReport(domain: "example.net", day: instant(0), at: instant(10)))
    }

    @Test func everyTableIsCopiedVerifiedAndTheCopyRestarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try SQLiteStore(path: directory.appendingPathComponent("stockade.sqlite").path)
        try await Self.populate(source)
        let schema = Backend.newSchema()
        let target = try await PostgresStore.open(try Backend.labSettings(schema: schema), logger: DirectoryChangeFeedTests.logger)
        do {
            let first = try await StoreCopy.copy(from: source, to: target)
            #expect(first.map(\.table) == ["domain", "account", "key", "address", "vks_key", "vks_lookup", "vks_address", "vks_upload",
                                           "vks_token", "vks_outbox", "mtasts_policy", "dmarc_result", "dmarc_report_claim", "report",
                                           "tlsrpt_policy", "tlsrpt_failure", "dmarc_report_row", "tls_session_count", "tls_failure_count",
                                           "tls_report_claim"])
            #expect(first.map(\.sourceRows) == [2, 2, 1, 3, 1, 2, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 2, 2, 1, 1])
            #expect(first.map(\.copiedRows) == first.map(\.sourceRows))
            #expect(first.allSatisfy { $0.matches })
            // what the server reads is the same on both sides
            let addresses = try await source.addresses(accountID: "acct-1")
            #expect(try await target.addresses(accountID: "acct-1") == addresses)
            #expect(addresses.map(\.address) == ["alice@example.org", "al@hosted.example"])
            let closed = try await source.account(id: "acct-2")
            #expect(try await target.account(id: "acct-2") == closed)
            let published = try await source.publishedKeys(lookupID: "K1")
            #expect(try await target.publishedKeys(lookupID: "K1") == published)
            let due = try await source.dueMail(at: instant(6), limit: 10)
            #expect(try await target.dueMail(at: instant(6), limit: 10) == due)
            #expect(try await target.outboxDepth() == OutboxDepth(queued: 1, dead: 1))
            let policies = try await source.cachedPolicies()
            #expect(try await target.cachedPolicies() == policies)
            let results = try await source.dmarcReportRows(policyDomain: "example.net", from: instant(0), to: instant(100))
            #expect(try await target.dmarcReportRows(policyDomain: "example.net", from: instant(0), to: instant(100)) == results)
            #expect(try await target.claimDMARCReport(policyDomain: "example.net", begin: instant(0), at: instant(11)) == false)
            let tlsSummary = try await source.tlsrptSummary(domain: "example.org", from: "2025-12-06", to: "2025-12-06")
            #expect(try await target.tlsrptSummary(domain: "example.org", from: "2025-12-06", to: "2025-12-06") == tlsSummary)
            #expect(tlsSummary.resultTypes == [TLSRPTSummary.Count(value: "certificate-expired", sessions: 3)])
            let dmarcSummary = try await source.dmarcSummary(domain: "example.org", from: "2025-12-06", to: "2025-12-06")
            #expect(try await target.dmarcSummary(domain: "example.org", from: "2025-12-06", to: "2025-12-06") == dmarcSummary)
            let sessions = try await source.tlsSessionCounts(domain: "example.net", day: instant(0))
            #expect(try await target.tlsSessionCounts(domain: "example.net", day: instant(0)) == sessions)
            #expect(sessions.map(\.sessions) == [1, 1])
            #expect(try await target.claimTLSReport(domain: "example.net", day: instant(0), at: instant(11)) == false)

            // interrupted half-way: the second run copies only what is missing
            _ = try await target.client.query("DELETE FROM vks_token").collect()
            let second = try await StoreCopy.copy(from: source, to: target)
            #expect(second.map(\.copiedRows) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            #expect(second.allSatisfy { $0.matches })

            // a row changed in the target is reported
            _ = try await target.client.query("UPDATE address SET display = 'ALICE@example.org' WHERE address = 'alice@example.org'").collect()
            let third = try await StoreCopy.copy(from: source, to: target)
            #expect(third.filter { !$0.matches }.map(\.table) == ["address"])

            // new mail continues after the copied ids
            var change = KeyServerChange()
            change.mail = [OutgoingMailRecord(recipient: "new@example.org", subject: "s", body: "b", createdAt: instant(9), nextAttemptAt: instant(9))]
            try await target.commit(change)
            let ids = try await target.dueMail(at: instant(10), limit: 10).compactMap(\.id)
            #expect(ids.count == 2)
            #expect(ids[1] > ids[0])
            // and reports stored after the copy take ids past the copied ones
            #expect(try await target.insertTLSRPTReport(ReportStoreConformanceTests.tlsrpt("c.example", id: "r2", at: 0)))
            #expect(try await target.reportCounts() == ["example.org": ["tlsrpt": 2, "dmarc": 1]])
        } catch {
            try? await Backend.drop(schema, target)
            throw error
        }
        try await Backend.drop(schema, target)
    }
}
