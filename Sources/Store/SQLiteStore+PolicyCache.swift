import Foundation
import GRDB

extension SQLiteStore: PolicyCacheStore {
    public func cachedPolicy(domain: String) async throws(StoreError) -> PolicyCacheRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM mtasts_policy WHERE domain = ?", arguments: [domain]).map(PolicyCacheRecord.init)
        }
    }

    public func saveCachedPolicy(_ record: PolicyCacheRecord) async throws(StoreError) {
        try await write("cached policy \(record.domain)") { db in
            try db.execute(sql: """
                INSERT INTO mtasts_policy (domain, id, text, fetchedAt, expiresAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (domain) DO UPDATE SET id = excluded.id, text = excluded.text, fetchedAt = excluded.fetchedAt,
                expiresAt = excluded.expiresAt
                """, arguments: [record.domain, record.id, record.text, record.fetchedAt, record.expiresAt])
        }
    }

    public func removeCachedPolicy(domain: String) async throws(StoreError) {
        try await write("cached policy \(domain)") { db in
            try db.execute(sql: "DELETE FROM mtasts_policy WHERE domain = ?", arguments: [domain])
        }
    }

    public func cachedPolicies() async throws(StoreError) -> [PolicyCacheRecord] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM mtasts_policy ORDER BY domain").map(PolicyCacheRecord.init) }
    }
}

/// The sender's policy cache (migration `v3-mtasts-cache`).
func createPolicyCacheTable(_ db: GRDB.Database) throws {
    try db.create(table: "mtasts_policy") { t in
        t.primaryKey("domain", .text)
        t.column("id", .text).notNull()
        t.column("text", .text).notNull()
        t.column("fetchedAt", .datetime).notNull()
        t.column("expiresAt", .datetime).notNull()
    }
}

extension PolicyCacheRecord {
    init(row: Row) {
        self.init(domain: row["domain"], id: row["id"], text: row["text"], fetchedAt: row["fetchedAt"], expiresAt: row["expiresAt"])
    }
}
