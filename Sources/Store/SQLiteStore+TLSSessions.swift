public import Foundation
import GRDB

extension SQLiteStore: TLSSessionStore {
    /// The sending side's TLS session counts (RFC 8460) and the reports taken for sending.
    static func createTLSSessionTables(_ db: Database) throws {
        try db.create(table: "tls_session_count") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("day", .datetime).notNull()
            t.column("domain", .text).notNull()
            t.column("policy", .text).notNull()
            t.column("sessions", .integer).notNull()
            t.column("failedSessions", .integer).notNull()
            t.uniqueKey(["day", "domain", "policy"])
        }
        try db.create(table: "tls_failure_count") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("policyCount", .integer).notNull().references("tls_session_count", onDelete: .cascade)
            t.column("failure", .text).notNull()
            t.column("count", .integer).notNull()
            t.uniqueKey(["policyCount", "failure"])
        }
        try db.create(table: "tls_report_claim") { t in
            t.column("domain", .text).notNull()
            t.column("day", .datetime).notNull()
            t.column("claimedAt", .datetime).notNull()
            t.primaryKey(["domain", "day"])
        }
    }

    public func recordTLSSessions(_ sessions: [TLSSessionRecord]) async throws(StoreError) {
        try await write("TLS sessions") { db in
            for session in sessions {
                try db.execute(sql: """
                    INSERT INTO tls_session_count (day, domain, policy, sessions, failedSessions) VALUES (?, ?, ?, 1, ?)
                    ON CONFLICT (day, domain, policy) DO UPDATE SET sessions = sessions + 1, failedSessions = failedSessions + excluded.failedSessions
                    """, arguments: [session.day, session.domain, session.policy, session.failed ? 1 : 0])
                guard !session.failures.isEmpty else { continue }
                let id = try Int64.fetchOne(db, sql: "SELECT id FROM tls_session_count WHERE day = ? AND domain = ? AND policy = ?",
                                            arguments: [session.day, session.domain, session.policy])
                for failure in session.failures {
                    try db.execute(sql: """
                        INSERT INTO tls_failure_count (policyCount, failure, count) VALUES (?, ?, 1)
                        ON CONFLICT (policyCount, failure) DO UPDATE SET count = count + 1
                        """, arguments: [id, failure])
                }
            }
        }
    }

    public func tlsSessionDomains(day: Date) async throws(StoreError) -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT domain FROM tls_session_count WHERE day = ? ORDER BY domain", arguments: [day])
        }
    }

    public func tlsSessionCounts(domain: String, day: Date) async throws(StoreError) -> [TLSPolicyCount] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, policy, sessions, failedSessions FROM tls_session_count WHERE day = ? AND domain = ? ORDER BY id",
                             arguments: [day, domain]).map { row in
                let failures = try Row.fetchAll(db, sql: "SELECT failure, count FROM tls_failure_count WHERE policyCount = ? ORDER BY id",
                                                arguments: [row["id"] as Int64]).map { TLSFailureCount(failure: $0["failure"], count: $0["count"]) }
                return TLSPolicyCount(policy: row["policy"], sessions: row["sessions"], failedSessions: row["failedSessions"], failures: failures)
            }
        }
    }

    public func claimTLSReport(domain: String, day: Date, at time: Date) async throws(StoreError) -> Bool {
        try await write("TLS report claim") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO tls_report_claim (domain, day, claimedAt) VALUES (?, ?, ?)", arguments: [domain, day, time])
            return db.changesCount == 1
        }
    }

    @discardableResult
    public func deleteTLSSessions(domain: String?, before time: Date) async throws(StoreError) -> Int {
        try await write("TLS sessions") { db in
            if let domain {
                try db.execute(sql: "DELETE FROM tls_session_count WHERE domain = ? AND day < ?", arguments: [domain, time])
            } else {
                try db.execute(sql: "DELETE FROM tls_session_count WHERE day < ?", arguments: [time])
            }
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM tls_report_claim WHERE day < ?", arguments: [time.addingTimeInterval(-7 * 86_400)])
            return deleted
        }
    }
}
