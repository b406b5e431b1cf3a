import Foundation
import Testing
import Store

/// The `PolicyCacheStore` contract (the sender's MTA-STS policy cache), run unchanged against SQLite and PostgreSQL.
@Suite struct PolicyCacheStoreConformanceTests {
    @Test(arguments: Backend.allCases) func savedPoliciesAreReplacedListedAndRemoved(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let b = PolicyCacheRecord(domain: "b.example", id: "1", text: "version: STSv1\r\nmode: testing\r\n", fetchedAt: instant(1),
                                      expiresAt: instant(86_400))
            let a = PolicyCacheRecord(domain: "a.example", id: "7", text: "version: STSv1\r\nmode: enforce\r\n", fetchedAt: instant(2),
                                      expiresAt: instant(3_600))
            try await store.saveCachedPolicy(b)
            try await store.saveCachedPolicy(a)
            #expect(try await store.cachedPolicies() == [a, b])
            var newer = b
            newer.id = "2"
            newer.fetchedAt = instant(9)
            try await store.saveCachedPolicy(newer)
            #expect(try await store.cachedPolicy(domain: "b.example") == newer)
            try await store.removeCachedPolicy(domain: "a.example")
            try await store.removeCachedPolicy(domain: "missing.example")
            #expect(try await store.cachedPolicies() == [newer])
            #expect(try await store.cachedPolicy(domain: "a.example") == nil)
        }
    }
}

/// Reading `"database"` URLs (issue 19): the forms operators write, and the ones refused.
@Suite struct PostgresSettingsTests {
    @Test func urlWithPortSchemaAndTLS() throws {
        let settings = try PostgresSettings(url: "postgres://stockade@db.example:6543/mail?sslmode=verify-full&sslrootcert=/etc/ca.pem&schema=s1",
                                            password: "pw")
        #expect(settings == PostgresSettings(host: "db.example", port: 6543, user: "stockade", password: "pw", database: "mail",
                                             tls: .verifyFull, rootCertificates: "/etc/ca.pem", schema: "s1"))
    }

    @Test func defaultsArePort5432AndNoTLS() throws {
        #expect(try PostgresSettings(url: "postgresql://u@[::1]/d", password: nil)
            == PostgresSettings(host: "::1", port: 5432, user: "u", password: nil, database: "d"))
    }

    @Test(arguments: [
        ("postgres://u:secret@h/d", "put the database password in databasePasswordFile or STOCKADE_DATABASE_PASSWORD, not in the URL"),
        ("mysql://u@h/d", "database must be postgres://USER@HOST:PORT/DATABASE, got mysql://u@h/d"),
        ("postgres://h/d", "database must be postgres://USER@HOST:PORT/DATABASE, got postgres://h/d"),
        ("postgres://u@h/", "the database URL names no database"),
        ("postgres://u@h/d?sslmode=require", "sslmode must be disable, prefer or verify-full"),
        ("postgres://u@h/d?schema=Public", "schema must be a lower-case SQL identifier (a-z, 0-9, _)"),
        ("postgres://u@h/d?schema=a;drop", "schema must be a lower-case SQL identifier (a-z, 0-9, _)"),
        ("postgres://u@h/d?application_name=x", "unknown database URL parameter application_name"),
    ])
    func refusedURLs(_ url: String, _ reason: String) {
        #expect(throws: StoreError.configuration("")) { try PostgresSettings(url: url, password: nil) }
        do {
            _ = try PostgresSettings(url: url, password: nil)
        } catch {
            #expect(error.reason == reason)
        }
    }
}
