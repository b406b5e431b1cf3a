import Foundation
import Testing
import Store

/// The `TLSSessionStore` contract (a sending MTA's TLS session counts behind RFC 8460 reports), run unchanged against
/// SQLite and PostgreSQL.
@Suite struct TLSSessionStoreConformanceTests {
    static let day = instant(0)
    static let nextDay = instant(86_400)

    static func session(_ domain: String, policy: String = "sts", failed: Bool = false, failures: [String] = [],
                        on day: Date = TLSSessionStoreConformanceTests.day) -> TLSSessionRecord {
        TLSSessionRecord(day: day, domain: domain, policy: policy, failed: failed, failures: failures)
    }

    @Test(arguments: Backend.allCases) func sessionsAreCountedPerDayDomainAndPolicy(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.recordTLSSessions([Self.session("b.example"), Self.session("b.example", failed: true, failures: ["expired"]),
                                               Self.session("a.example", policy: "tlsa")])
            try await store.recordTLSSessions([Self.session("b.example", failed: true, failures: ["expired", "starttls"]),
                                               Self.session("b.example", policy: "none"), Self.session("c.example", on: Self.nextDay)])
            #expect(try await store.tlsSessionDomains(day: Self.day) == ["a.example", "b.example"])
            #expect(try await store.tlsSessionDomains(day: Self.nextDay) == ["c.example"])
            #expect(try await store.tlsSessionCounts(domain: "b.example", day: Self.day) == [
                TLSPolicyCount(policy: "sts", sessions: 3, failedSessions: 2,
                               failures: [TLSFailureCount(failure: "expired", count: 2), TLSFailureCount(failure: "starttls", count: 1)]),
                TLSPolicyCount(policy: "none", sessions: 1, failedSessions: 0, failures: []),
            ])
            #expect(try await store.deleteTLSSessions(domain: "b.example", before: Self.nextDay) == 2)
            #expect(try await store.tlsSessionDomains(day: Self.day) == ["a.example"])
            #expect(try await store.deleteTLSSessions(domain: nil, before: instant(2 * 86_400)) == 2)
            #expect(try await store.tlsSessionDomains(day: Self.nextDay) == [])
        }
    }

    /// Two servers counting into the same row at once lose no session.
    @Test(arguments: Backend.allCases) func concurrentCountsAddUp(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.recordTLSSessions((0..<25).map { _ in Self.session("b.example", failed: index.isMultiple(of: 2), failures: index.isMultiple(of: 2) ? ["expired"] : []) })
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.tlsSessionCounts(domain: "b.example", day: Self.day)
                == [TLSPolicyCount(policy: "sts", sessions: 200, failedSessions: 100, failures: [TLSFailureCount(failure: "expired", count: 100)])])
        }
    }

    /// A day's report is taken by exactly one of several senders racing for it; its claim goes a week after the counts.
    @Test(arguments: Backend.allCases) func aReportIsClaimedOnce(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let claims = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await store.claimTLSReport(domain: "b.example", day: Self.day, at: instant(90_000)) } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(claims.filter { $0 }.count == 1)
            #expect(try await store.claimTLSReport(domain: "b.example", day: Self.nextDay, at: instant(90_000)))
            try await store.deleteTLSSessions(domain: nil, before: instant(7 * 86_400))
            #expect(try await store.claimTLSReport(domain: "b.example", day: Self.day, at: instant(90_000)) == false, "kept a week longer")
            try await store.deleteTLSSessions(domain: nil, before: instant(8 * 86_400 + 1))
            #expect(try await store.claimTLSReport(domain: "b.example", day: Self.day, at: instant(90_000)), "gone after the week")
        }
    }
}
