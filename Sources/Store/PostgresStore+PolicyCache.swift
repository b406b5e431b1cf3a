import Foundation
import PostgresNIO

extension PostgresStore: PolicyCacheStore {
    public func cachedPolicy(domain: String) async throws(StoreError) -> PolicyCacheRecord? {
        try await rows("SELECT \(unescaped: PolicyCacheRecord.columns) FROM mtasts_policy WHERE domain = \(domain)",
                       PolicyCacheRecord.init(postgres:)).first
    }

    public func saveCachedPolicy(_ record: PolicyCacheRecord) async throws(StoreError) {
        try await execute("""
            INSERT INTO mtasts_policy (domain, id, text, fetched_at, expires_at)
            VALUES (\(record.domain), \(record.id), \(record.text), \(record.fetchedAt), \(record.expiresAt))
            ON CONFLICT (domain) DO UPDATE SET id = excluded.id, text = excluded.text, fetched_at = excluded.fetched_at,
            expires_at = excluded.expires_at
            """, what: "cached policy \(record.domain)")
    }

    public func removeCachedPolicy(domain: String) async throws(StoreError) {
        try await execute("DELETE FROM mtasts_policy WHERE domain = \(domain)", what: "cached policy \(domain)")
    }

    public func cachedPolicies() async throws(StoreError) -> [PolicyCacheRecord] {
        try await rows("SELECT \(unescaped: PolicyCacheRecord.columns) FROM mtasts_policy ORDER BY domain",
                       PolicyCacheRecord.init(postgres:))
    }
}

extension PolicyCacheRecord {
    static let columns = "domain, id, text, fetched_at, expires_at"

    init(postgres row: PostgresRow) throws {
        let (domain, id, text, fetchedAt, expiresAt) = try row.decode((String, String, String, Date, Date).self)
        self.init(domain: domain, id: id, text: text, fetchedAt: fetchedAt, expiresAt: expiresAt)
    }
}
