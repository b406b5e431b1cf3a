public import Foundation
import PostgresNIO

extension PostgresStore: TLSSessionStore {
    /// Each session is one upsert of its policy count (and one per failure detail): concurrent instances add up, never
    /// overwrite.
    public func recordTLSSessions(_ sessions: [TLSSessionRecord]) async throws(StoreError) {
        let logger = logger
        try await transaction("TLS sessions") { connection in
            for session in sessions {
                let policyCount = try await connection.rows("""
                    INSERT INTO tls_session_count (day, domain, policy, sessions, failed_sessions)
                    VALUES (\(session.day), \(session.domain), \(session.policy), 1, \(session.failed ? 1 : 0))
                    ON CONFLICT (day, domain, policy) DO UPDATE SET sessions = tls_session_count.sessions + 1,
                        failed_sessions = tls_session_count.failed_sessions + excluded.failed_sessions
                    RETURNING id
                    """, logger: logger) { try $0.decode(Int64.self) }[0]
                for failure in session.failures {
                    try await connection.run("""
                        INSERT INTO tls_failure_count (policy_count, failure, count) VALUES (\(policyCount), \(failure), 1)
                        ON CONFLICT (policy_count, failure) DO UPDATE SET count = tls_failure_count.count + 1
                        """, logger: logger)
                }
            }
        }
    }

    public func tlsSessionDomains(day: Date) async throws(StoreError) -> [String] {
        try await rows("""
            SELECT DISTINCT domain COLLATE "C" AS name FROM tls_session_count WHERE day = \(day) ORDER BY name
            """) { try $0.decode(String.self) }
    }

    public func tlsSessionCounts(domain: String, day: Date) async throws(StoreError) -> [TLSPolicyCount] {
        let failures = try await rows("""
            SELECT f.policy_count, f.failure, f.count FROM tls_failure_count f JOIN tls_session_count c ON c.id = f.policy_count
            WHERE c.day = \(day) AND c.domain = \(domain) ORDER BY f.id
            """) { try $0.decode((Int64, String, Int).self) }
        return try await rows("""
            SELECT id, policy, sessions, failed_sessions FROM tls_session_count WHERE day = \(day) AND domain = \(domain) ORDER BY id
            """) { try $0.decode((Int64, String, Int, Int).self) }.map { id, policy, sessions, failedSessions in
            TLSPolicyCount(policy: policy, sessions: sessions, failedSessions: failedSessions,
                           failures: failures.filter { $0.0 == id }.map { TLSFailureCount(failure: $0.1, count: $0.2) })
        }
    }

    /// One row per domain and day: the instance whose insert lands sends the report, every other one gets false.
    public func claimTLSReport(domain: String, day: Date, at time: Date) async throws(StoreError) -> Bool {
        try await rows("""
            INSERT INTO tls_report_claim (domain, day, claimed_at) VALUES (\(domain), \(day), \(time)) ON CONFLICT DO NOTHING RETURNING 1
            """) { _ in () }.count == 1
    }

    @discardableResult
    public func deleteTLSSessions(domain: String?, before time: Date) async throws(StoreError) -> Int {
        let logger = logger
        return try await transaction("TLS sessions") { connection in
            let deleted = if let domain {
                try await connection.count("DELETE FROM tls_session_count WHERE domain = \(domain) AND day < \(time) RETURNING 1", logger: logger)
            } else {
                try await connection.count("DELETE FROM tls_session_count WHERE day < \(time) RETURNING 1", logger: logger)
            }
            // Claims outlive their counts by a week, so a late second server does not send a report again.
            try await connection.run("DELETE FROM tls_report_claim WHERE day < \(time.addingTimeInterval(-7 * 86_400))", logger: logger)
            return deleted
        }
    }
}
