public import Foundation
import GRDB

extension SQLiteStore: KeyServerStore {
    public func publishedKey(fingerprint: String) async throws(StoreError) -> PublishedKeyRecord? {
        try await read { db in try Self.fetchKey(db, fingerprint) }
    }

    public func publishedKeys(lookupID: String) async throws(StoreError) -> [PublishedKeyRecord] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT fingerprint FROM vks_lookup WHERE lookupID = ? ORDER BY fingerprint",
                                arguments: [lookupID])
                .compactMap { try Self.fetchKey(db, $0) }
        }
    }

    public func publishedAddress(_ address: String) async throws(StoreError) -> PublishedAddressRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM vks_address WHERE address = ?", arguments: [address])
                .map(PublishedAddressRecord.init)
        }
    }

    public func publishedAddresses(fingerprint: String) async throws(StoreError) -> [PublishedAddressRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM vks_address WHERE fingerprint = ? ORDER BY address", arguments: [fingerprint])
                .map(PublishedAddressRecord.init)
        }
    }

    public func stagedUpload(fingerprint: String) async throws(StoreError) -> StagedUploadRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM vks_upload WHERE fingerprint = ?", arguments: [fingerprint]).map {
                StagedUploadRecord(fingerprint: $0["fingerprint"], bytes: [UInt8]($0["bytes"] as Data), expiresAt: $0["expiresAt"])
            }
        }
    }

    public func token(hash: String) async throws(StoreError) -> KeyServerTokenRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM vks_token WHERE hash = ?", arguments: [hash]).map(KeyServerTokenRecord.init)
        }
    }

    public func tokens(address: String, purpose: KeyServerTokenPurpose, since: Date) async throws(StoreError) -> [KeyServerTokenRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM vks_token WHERE address = ? AND purpose = ? AND createdAt >= ? ORDER BY createdAt DESC
                """, arguments: [address, purpose.rawValue, since])
                .map(KeyServerTokenRecord.init)
        }
    }

    public func commit(_ change: KeyServerChange) async throws(StoreError) {
        let keys = change.keys.map { KeyWrite(record: $0.record, readVersion: $0.readVersion) }
        try await write("key-server change") { db in
            for write in keys { try Self.write(write, db) }
            for address in change.unbindAddresses {
                try db.execute(sql: "DELETE FROM vks_address WHERE address = ?", arguments: [address])
            }
            for a in change.bindAddresses {
                try db.execute(sql: """
                    INSERT INTO vks_address (address, fingerprint, publishedAt) VALUES (?, ?, ?)
                    ON CONFLICT (address) DO UPDATE SET fingerprint = excluded.fingerprint, publishedAt = excluded.publishedAt
                    """, arguments: [a.address, a.fingerprint, a.publishedAt])
            }
            for u in change.stagedUploads {
                try db.execute(sql: """
                    INSERT INTO vks_upload (fingerprint, bytes, expiresAt) VALUES (?, ?, ?)
                    ON CONFLICT (fingerprint) DO UPDATE SET bytes = excluded.bytes, expiresAt = excluded.expiresAt
                    """, arguments: [u.fingerprint, Data(u.bytes), u.expiresAt])
            }
            for fingerprint in change.dropStagedUploads {
                try db.execute(sql: "DELETE FROM vks_upload WHERE fingerprint = ?", arguments: [fingerprint])
            }
            for hash in change.consumeTokens {
                try db.execute(sql: "DELETE FROM vks_token WHERE hash = ?", arguments: [hash])
                guard db.changesCount == 1 else { throw StoreError.notFound("token") }
            }
            for t in change.insertTokens {
                try db.execute(sql: """
                    INSERT INTO vks_token (hash, purpose, fingerprint, address, bytes, createdAt, expiresAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [t.hash, t.purpose.rawValue, t.fingerprint, t.address, Data(t.bytes), t.createdAt, t.expiresAt])
            }
            for m in change.mail {
                try db.execute(sql: """
                    INSERT INTO vks_outbox (recipient, subject, body, createdAt, attempts, nextAttemptAt, lastError)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [m.recipient, m.subject, m.body, m.createdAt, m.attempts, m.nextAttemptAt, m.lastError])
            }
            for address in change.eraseAddresses {
                try db.execute(sql: "DELETE FROM vks_token WHERE address = ?", arguments: [address])
                try db.execute(sql: "DELETE FROM vks_outbox WHERE lower(recipient) = ?", arguments: [address])
            }
        }
        if !change.eraseAddresses.isEmpty { try await checkpoint() }
    }

    public func purgeExpired(before time: Date) async throws(StoreError) -> Int {
        try await write("expired rows") { db in
            try db.execute(sql: "DELETE FROM vks_upload WHERE expiresAt < ?", arguments: [time])
            var count = db.changesCount
            try db.execute(sql: "DELETE FROM vks_token WHERE expiresAt < ?", arguments: [time])
            count += db.changesCount
            return count
        }
    }

    public func dueMail(at time: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM vks_outbox WHERE deadAt IS NULL AND nextAttemptAt <= ? ORDER BY id LIMIT ?",
                             arguments: [time, limit])
                .map(OutgoingMailRecord.init)
        }
    }

    public func outboxDepth() async throws(StoreError) -> OutboxDepth {
        try await read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) - count(deadAt) AS queued, count(deadAt) AS dead FROM vks_outbox")
            return OutboxDepth(queued: row?["queued"] ?? 0, dead: row?["dead"] ?? 0)
        }
    }

    public func mail(id: Int64) async throws(StoreError) -> OutgoingMailRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM vks_outbox WHERE id = ?", arguments: [id]).map(OutgoingMailRecord.init)
        }
    }

    /// The select and the update run in one `BEGIN IMMEDIATE` transaction (GRDB's default for writes), which holds
    /// SQLite's write lock from its start: a second process sharing the file waits for it and then sees the new leases.
    public func claimMail(at time: Date, leaseUntil: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord] {
        try await write("outbox claim") { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM vks_outbox WHERE deadAt IS NULL AND nextAttemptAt <= ? ORDER BY id LIMIT ?
                """, arguments: [time, limit])
            var claimed: [OutgoingMailRecord] = []
            for id in ids {
                try db.execute(sql: "UPDATE vks_outbox SET attempts = attempts + 1, nextAttemptAt = ? WHERE id = ?",
                               arguments: [leaseUntil, id])
                if let row = try Row.fetchOne(db, sql: "SELECT * FROM vks_outbox WHERE id = ?", arguments: [id]) {
                    claimed.append(OutgoingMailRecord(row: row))
                }
            }
            return claimed
        }
    }

    public func deleteMail(id: Int64) async throws(StoreError) {
        try await write("mail \(id)") { db in try db.execute(sql: "DELETE FROM vks_outbox WHERE id = ?", arguments: [id]) }
    }

    public func deferMail(id: Int64, attempt: Int, error: String, nextAttemptAt: Date) async throws(StoreError) -> Bool {
        try await write("mail \(id)") { db in
            try db.execute(sql: """
                UPDATE vks_outbox SET lastError = ?, nextAttemptAt = ? WHERE id = ? AND attempts = ? AND deadAt IS NULL
                """, arguments: [error, nextAttemptAt, id, attempt])
            return db.changesCount == 1
        }
    }

    public func markMailDead(id: Int64, attempt: Int, error: String, at time: Date) async throws(StoreError) -> Bool {
        try await write("mail \(id)") { db in
            try db.execute(sql: """
                UPDATE vks_outbox SET lastError = ?, deadAt = ? WHERE id = ? AND attempts = ? AND deadAt IS NULL
                """, arguments: [error, time, id, attempt])
            return db.changesCount == 1
        }
    }
}

/// The key-server tables (migration `v2-keyserver`).
func createKeyServerTables(_ db: GRDB.Database) throws {
    try db.create(table: "vks_key") { t in
        t.primaryKey("fingerprint", .text)
        t.column("bytes", .blob).notNull()
        t.column("version", .integer).notNull()
        t.column("updatedAt", .datetime).notNull()
    }
    try db.create(table: "vks_lookup") { t in
        t.column("lookupID", .text).notNull()
        t.column("fingerprint", .text).notNull().references("vks_key", onDelete: .cascade)
        t.primaryKey(["lookupID", "fingerprint"])
    }
    try db.create(index: "vks_lookup_by_key", on: "vks_lookup", columns: ["fingerprint"])
    try db.create(table: "vks_address") { t in
        t.primaryKey("address", .text)
        t.column("fingerprint", .text).notNull().references("vks_key")
        t.column("publishedAt", .datetime).notNull()
    }
    try db.create(index: "vks_address_by_key", on: "vks_address", columns: ["fingerprint"])
    try db.create(table: "vks_upload") { t in
        t.primaryKey("fingerprint", .text)
        t.column("bytes", .blob).notNull()
        t.column("expiresAt", .datetime).notNull()
    }
    try db.create(table: "vks_token") { t in
        t.primaryKey("hash", .text)
        t.column("purpose", .text).notNull()
        t.column("fingerprint", .text).notNull()
        t.column("address", .text).notNull()
        t.column("bytes", .blob).notNull()
        t.column("createdAt", .datetime).notNull()
        t.column("expiresAt", .datetime).notNull()
    }
    try db.create(index: "vks_token_by_address", on: "vks_token", columns: ["address", "purpose", "createdAt"])
    try db.create(table: "vks_outbox") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("recipient", .text).notNull()
        t.column("subject", .text).notNull()
        t.column("body", .text).notNull()
        t.column("createdAt", .datetime).notNull()
        t.column("attempts", .integer).notNull()
        t.column("nextAttemptAt", .datetime).notNull()
        t.column("lastError", .text)
    }
}

/// Outbox delivery state (migration `v4-outbox-lease`): `deadAt` marks a message the outbox gave up on (kept, never
/// claimed); a claim's lease is its `nextAttemptAt`. The partial index serves the claim's query.
func addOutboxDeliveryState(_ db: GRDB.Database) throws {
    try db.alter(table: "vks_outbox") { t in
        t.add(column: "deadAt", .datetime)
    }
    try db.execute(sql: "CREATE INDEX vks_outbox_due ON vks_outbox (nextAttemptAt, id) WHERE deadAt IS NULL")
}

/// A key write inside ``SQLiteStore/commit(_:)``.
private struct KeyWrite: Sendable {
    var record: PublishedKeyRecord
    var readVersion: Int?
}

extension SQLiteStore {
    fileprivate static func fetchKey(_ db: GRDB.Database, _ fingerprint: String) throws -> PublishedKeyRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM vks_key WHERE fingerprint = ?", arguments: [fingerprint]) else {
            return nil
        }
        let ids = try String.fetchAll(db, sql: "SELECT lookupID FROM vks_lookup WHERE fingerprint = ? ORDER BY lookupID",
                                      arguments: [fingerprint])
        return PublishedKeyRecord(fingerprint: row["fingerprint"], bytes: [UInt8](row["bytes"] as Data), lookupIDs: ids,
                                  version: row["version"], updatedAt: row["updatedAt"])
    }

    fileprivate static func write(_ write: KeyWrite, _ db: GRDB.Database) throws {
        let k = write.record
        if let version = write.readVersion {
            try db.execute(sql: "UPDATE vks_key SET bytes = ?, version = ?, updatedAt = ? WHERE fingerprint = ? AND version = ?",
                           arguments: [Data(k.bytes), version + 1, k.updatedAt, k.fingerprint, version])
            guard db.changesCount == 1 else { throw StoreError.conflict("a newer version of key \(k.fingerprint)") }
        } else {
            try db.execute(sql: "INSERT INTO vks_key (fingerprint, bytes, version, updatedAt) VALUES (?, ?, 1, ?)",
                           arguments: [k.fingerprint, Data(k.bytes), k.updatedAt])
        }
        try db.execute(sql: "DELETE FROM vks_lookup WHERE fingerprint = ?", arguments: [k.fingerprint])
        for id in Set(k.lookupIDs) {
            try db.execute(sql: "INSERT INTO vks_lookup (lookupID, fingerprint) VALUES (?, ?)", arguments: [id, k.fingerprint])
        }
    }
}

extension PublishedAddressRecord {
    init(row: Row) {
        self.init(address: row["address"], fingerprint: row["fingerprint"], publishedAt: row["publishedAt"])
    }
}

extension KeyServerTokenRecord {
    init(row: Row) {
        self.init(hash: row["hash"], purpose: KeyServerTokenPurpose(rawValue: row["purpose"]) ?? .verify,
                  fingerprint: row["fingerprint"], address: row["address"], bytes: [UInt8](row["bytes"] as Data),
                  createdAt: row["createdAt"], expiresAt: row["expiresAt"])
    }
}

extension OutgoingMailRecord {
    init(row: Row) {
        self.init(id: row["id"], recipient: row["recipient"], subject: row["subject"], body: row["body"],
                  createdAt: row["createdAt"], attempts: row["attempts"], nextAttemptAt: row["nextAttemptAt"],
                  lastError: row["lastError"], deadAt: row["deadAt"])
    }
}
