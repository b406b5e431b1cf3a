public import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import PostgresNIO

extension PostgresStore: KeyServerStore {
    public func publishedKey(fingerprint: String) async throws(StoreError) -> PublishedKeyRecord? {
        let logger = logger
        return try await transaction("key \(fingerprint)") { connection in
            try await Self.fetchKey(connection, fingerprint, logger: logger)
        }
    }

    public func publishedKeys(lookupID: String) async throws(StoreError) -> [PublishedKeyRecord] {
        let logger = logger
        return try await transaction("keys") { connection in
            var keys: [PublishedKeyRecord] = []
            let fingerprints = try await connection.rows("""
                SELECT fingerprint FROM vks_lookup WHERE lookup_id = \(lookupID) ORDER BY fingerprint
                """, logger: logger) { try $0.decode(String.self) }
            for fingerprint in fingerprints {
                if let key = try await Self.fetchKey(connection, fingerprint, logger: logger) { keys.append(key) }
            }
            return keys
        }
    }

    public func publishedAddress(_ address: String) async throws(StoreError) -> PublishedAddressRecord? {
        try await rows("SELECT address, fingerprint, published_at FROM vks_address WHERE address = \(address)",
                       PublishedAddressRecord.init(postgres:)).first
    }

    public func publishedAddresses(fingerprint: String) async throws(StoreError) -> [PublishedAddressRecord] {
        try await rows("SELECT address, fingerprint, published_at FROM vks_address WHERE fingerprint = \(fingerprint) ORDER BY address",
                       PublishedAddressRecord.init(postgres:))
    }

    public func stagedUpload(fingerprint: String) async throws(StoreError) -> StagedUploadRecord? {
        try await rows("SELECT fingerprint, bytes, expires_at FROM vks_upload WHERE fingerprint = \(fingerprint)") { row in
            let (fingerprint, bytes, expiresAt) = try row.decode((String, Data, Date).self)
            return StagedUploadRecord(fingerprint: fingerprint, bytes: [UInt8](bytes), expiresAt: expiresAt)
        }.first
    }

    public func token(hash: String) async throws(StoreError) -> KeyServerTokenRecord? {
        try await rows("SELECT \(unescaped: KeyServerTokenRecord.columns) FROM vks_token WHERE hash = \(hash)",
                       KeyServerTokenRecord.init(postgres:)).first
    }

    public func tokens(address: String, purpose: KeyServerTokenPurpose, since: Date) async throws(StoreError) -> [KeyServerTokenRecord] {
        try await rows("""
            SELECT \(unescaped: KeyServerTokenRecord.columns) FROM vks_token
            WHERE address = \(address) AND purpose = \(purpose.rawValue) AND created_at >= \(since) ORDER BY created_at DESC
            """, KeyServerTokenRecord.init(postgres:))
    }

    public func commit(_ change: KeyServerChange) async throws(StoreError) {
        let logger = logger
        let keys = change.keys.map { PostgresKeyWrite(record: $0.record, readVersion: $0.readVersion) }
        try await transaction("key-server change") { connection in
            for write in keys { try await Self.write(write, connection, logger: logger) }
            for address in change.unbindAddresses {
                try await connection.run("DELETE FROM vks_address WHERE address = \(address)", logger: logger)
            }
            for a in change.bindAddresses {
                try await connection.run("""
                    INSERT INTO vks_address (address, fingerprint, published_at) VALUES (\(a.address), \(a.fingerprint), \(a.publishedAt))
                    ON CONFLICT (address) DO UPDATE SET fingerprint = excluded.fingerprint, published_at = excluded.published_at
                    """, logger: logger)
            }
            for u in change.stagedUploads {
                try await connection.run("""
                    INSERT INTO vks_upload (fingerprint, bytes, expires_at) VALUES (\(u.fingerprint), \(ByteBuffer(bytes: u.bytes)), \(u.expiresAt))
                    ON CONFLICT (fingerprint) DO UPDATE SET bytes = excluded.bytes, expires_at = excluded.expires_at
                    """, logger: logger)
            }
            for fingerprint in change.dropStagedUploads {
                try await connection.run("DELETE FROM vks_upload WHERE fingerprint = \(fingerprint)", logger: logger)
            }
            for hash in change.consumeTokens {
                guard try await connection.count("DELETE FROM vks_token WHERE hash = \(hash) RETURNING 1", logger: logger) == 1
                else { throw StoreError.notFound("token") }
            }
            for t in change.insertTokens {
                try await connection.run("""
                    INSERT INTO vks_token (hash, purpose, fingerprint, address, bytes, created_at, expires_at)
                    VALUES (\(t.hash), \(t.purpose.rawValue), \(t.fingerprint), \(t.address), \(ByteBuffer(bytes: t.bytes)), \(t.createdAt), \(t.expiresAt))
                    """, logger: logger)
            }
            for m in change.mail {
                try await connection.run("""
                    INSERT INTO vks_outbox (recipient, subject, body, created_at, attempts, next_attempt_at, last_error)
                    VALUES (\(m.recipient), \(m.subject), \(m.body), \(m.createdAt), \(m.attempts), \(m.nextAttemptAt), \(m.lastError))
                    """, logger: logger)
            }
            for address in change.eraseAddresses {
                try await connection.run("DELETE FROM vks_token WHERE address = \(address)", logger: logger)
                try await connection.run("DELETE FROM vks_outbox WHERE lower(recipient) = \(address)", logger: logger)
            }
        }
    }

    public func purgeExpired(before time: Date) async throws(StoreError) -> Int {
        let logger = logger
        return try await transaction("expired rows") { connection in
            try await connection.count("DELETE FROM vks_upload WHERE expires_at < \(time) RETURNING 1", logger: logger)
                + connection.count("DELETE FROM vks_token WHERE expires_at < \(time) RETURNING 1", logger: logger)
        }
    }

    public func dueMail(at time: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord] {
        try await rows("""
            SELECT \(unescaped: OutgoingMailRecord.columns) FROM vks_outbox
            WHERE dead_at IS NULL AND next_attempt_at <= \(time) ORDER BY id LIMIT \(limit)
            """, OutgoingMailRecord.init(postgres:))
    }

    public func mail(id: Int64) async throws(StoreError) -> OutgoingMailRecord? {
        try await rows("SELECT \(unescaped: OutgoingMailRecord.columns) FROM vks_outbox WHERE id = \(id)",
                       OutgoingMailRecord.init(postgres:)).first
    }

    public func outboxDepth() async throws(StoreError) -> OutboxDepth {
        try await rows("SELECT count(*) - count(dead_at), count(dead_at) FROM vks_outbox") { row in
            let (queued, dead) = try row.decode((Int, Int).self)
            return OutboxDepth(queued: queued, dead: dead)
        }.first ?? OutboxDepth(queued: 0, dead: 0)
    }

    /// One statement claims the due rows: `FOR UPDATE SKIP LOCKED` makes instances claiming at the same moment take
    /// disjoint rows instead of waiting for each other or sending a message twice.
    public func claimMail(at time: Date, leaseUntil: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord] {
        try await rows("""
            UPDATE vks_outbox SET attempts = attempts + 1, next_attempt_at = \(leaseUntil)
            WHERE id IN (SELECT id FROM vks_outbox WHERE dead_at IS NULL AND next_attempt_at <= \(time)
                         ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: OutgoingMailRecord.columns)
            """, OutgoingMailRecord.init(postgres:)).sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }

    public func deleteMail(id: Int64) async throws(StoreError) {
        try await execute("DELETE FROM vks_outbox WHERE id = \(id)", what: "mail \(id)")
    }

    public func deferMail(id: Int64, attempt: Int, error: String, nextAttemptAt: Date) async throws(StoreError) -> Bool {
        try await rows("""
            UPDATE vks_outbox SET last_error = \(error), next_attempt_at = \(nextAttemptAt)
            WHERE id = \(id) AND attempts = \(attempt) AND dead_at IS NULL RETURNING 1
            """) { _ in () }.count == 1
    }

    public func markMailDead(id: Int64, attempt: Int, error: String, at time: Date) async throws(StoreError) -> Bool {
        try await rows("""
            UPDATE vks_outbox SET last_error = \(error), dead_at = \(time)
            WHERE id = \(id) AND attempts = \(attempt) AND dead_at IS NULL RETURNING 1
            """) { _ in () }.count == 1
    }

    private static func fetchKey(_ connection: PostgresConnection, _ fingerprint: String, logger: Logger) async throws -> PublishedKeyRecord? {
        guard let (bytes, version, updatedAt) = try await connection.rows("""
            SELECT bytes, version, updated_at FROM vks_key WHERE fingerprint = \(fingerprint)
            """, logger: logger, { try $0.decode((Data, Int, Date).self) }).first else { return nil }
        let ids = try await connection.rows("""
            SELECT lookup_id FROM vks_lookup WHERE fingerprint = \(fingerprint) ORDER BY lookup_id
            """, logger: logger) { try $0.decode(String.self) }
        return PublishedKeyRecord(fingerprint: fingerprint, bytes: [UInt8](bytes), lookupIDs: ids, version: version, updatedAt: updatedAt)
    }

    private static func write(_ write: PostgresKeyWrite, _ connection: PostgresConnection, logger: Logger) async throws {
        let k = write.record
        if let version = write.readVersion {
            guard try await connection.count("""
                UPDATE vks_key SET bytes = \(ByteBuffer(bytes: k.bytes)), version = \(version + 1), updated_at = \(k.updatedAt)
                WHERE fingerprint = \(k.fingerprint) AND version = \(version) RETURNING 1
                """, logger: logger) == 1 else { throw StoreError.conflict("a newer version of key \(k.fingerprint)") }
        } else {
            do {
                try await connection.run("""
                    INSERT INTO vks_key (fingerprint, bytes, version, updated_at) VALUES (\(k.fingerprint), \(ByteBuffer(bytes: k.bytes)), 1, \(k.updatedAt))
                    """, logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw StoreError.conflict("a newer version of key \(k.fingerprint)")
            }
        }
        try await connection.run("DELETE FROM vks_lookup WHERE fingerprint = \(k.fingerprint)", logger: logger)
        for id in Set(k.lookupIDs).sorted() {
            try await connection.query("INSERT INTO vks_lookup (lookup_id, fingerprint) VALUES (\(id), \(k.fingerprint))",
                                       logger: logger)
        }
    }
}

/// A key write inside ``PostgresStore/commit(_:)``.
private struct PostgresKeyWrite: Sendable {
    var record: PublishedKeyRecord
    var readVersion: Int?
}

extension PublishedAddressRecord {
    init(postgres row: PostgresRow) throws {
        let (address, fingerprint, publishedAt) = try row.decode((String, String, Date).self)
        self.init(address: address, fingerprint: fingerprint, publishedAt: publishedAt)
    }
}

extension KeyServerTokenRecord {
    static let columns = "hash, purpose, fingerprint, address, bytes, created_at, expires_at"

    init(postgres row: PostgresRow) throws {
        let (hash, purpose, fingerprint, address, bytes, createdAt, expiresAt)
            = try row.decode((String, String, String, String, Data, Date, Date).self)
        self.init(hash: hash, purpose: KeyServerTokenPurpose(rawValue: purpose) ?? .verify, fingerprint: fingerprint,
                  address: address, bytes: [UInt8](bytes), createdAt: createdAt, expiresAt: expiresAt)
    }
}

extension OutgoingMailRecord {
    static let columns = "id, recipient, subject, body, created_at, attempts, next_attempt_at, last_error, dead_at"

    init(postgres row: PostgresRow) throws {
        let (id, recipient, subject, body, createdAt, attempts, nextAttemptAt, lastError, deadAt)
            = try row.decode((Int64, String, String, String, Date, Int, Date, String?, Date?).self)
        self.init(id: id, recipient: recipient, subject: subject, body: body, createdAt: createdAt, attempts: attempts,
                  nextAttemptAt: nextAttemptAt, lastError: lastError, deadAt: deadAt)
    }
}
