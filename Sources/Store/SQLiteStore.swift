public import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, schema by versioned migrations.
public final class SQLiteStore: Store {
    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws(StoreError) {
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(5)
            // Deleted content is overwritten with zeros, so an erased address or user ID leaves no trace in free pages.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw .database("cannot open \(path): \(error)")
        }
    }

    /// The schema, one migration per version; released migrations are never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "domain") { table in
                table.primaryKey("name", .text)
                table.column("kind", .text).notNull()
                table.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "account") { table in
                table.primaryKey("id", .text)
                table.column("createdAt", .datetime).notNull()
                table.column("closedAt", .datetime)
            }
            try db.create(table: "key") { table in
                table.primaryKey("fingerprint", .text)
                table.column("accountID", .text).notNull().references("account")
                table.column("bytes", .blob).notNull()
                table.column("importedAt", .datetime).notNull()
                table.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "address") { table in
                table.primaryKey("address", .text)
                table.column("display", .text).notNull()
                table.column("domain", .text).notNull().references("domain")
                table.column("wkdHash", .text).notNull()
                table.column("accountID", .text).notNull().references("account")
                table.column("role", .text).notNull()
                table.column("createdAt", .datetime).notNull()
                table.column("removedAt", .datetime)
                table.column("keyFingerprint", .text).references("key")
            }
            try db.create(index: "address_by_hash", on: "address", columns: ["domain", "wkdHash"])
            try db.create(index: "address_by_account", on: "address", columns: ["accountID"])
            try db.create(index: "key_by_account", on: "key", columns: ["accountID"])
        }
        migrator.registerMigration("v2-keyserver", migrate: createKeyServerTables)
        migrator.registerMigration("v3-mtasts-cache", migrate: createPolicyCacheTable)
        migrator.registerMigration("v4-outbox-lease", migrate: addOutboxDeliveryState)
        migrator.registerMigration("v5-dmarc-results", migrate: createDMARCResultTables)
        migrator.registerMigration("v6-reports", migrate: createReportTables)
        migrator.registerMigration("v7-tls-sessions", migrate: createTLSSessionTables)
        return migrator
    }

    /// Copies the write-ahead log into the database file and truncates it, so older versions of erased rows no longer
    /// sit in the `-wal` file.
    func checkpoint() async throws(StoreError) {
        do {
            try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        } catch {
            throw .database("\(error)")
        }
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (GRDB.Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw .database("\(error)")
        }
    }

    func write<T: Sendable>(_ what: String, _ body: @Sendable @escaping (GRDB.Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw .conflict(what)
        } catch {
            throw .database("\(error)")
        }
    }

    public func insertDomain(_ domain: DomainRecord) async throws(StoreError) {
        try await write("domain \(domain.name)") { db in
            try db.execute(sql: "INSERT INTO domain (name, kind, createdAt) VALUES (?, ?, ?)",
                           arguments: [domain.name, domain.kind.rawValue, domain.createdAt])
        }
    }

    public func domain(named name: String) async throws(StoreError) -> DomainRecord? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM domain WHERE name = ?", arguments: [name]).map(DomainRecord.init) }
    }

    public func domains() async throws(StoreError) -> [DomainRecord] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM domain ORDER BY name").map(DomainRecord.init) }
    }

    public func insertAccount(_ account: AccountRecord, primaryAddress: AddressRecord) async throws(StoreError) {
        try await write("account \(account.id) or address \(primaryAddress.address)") { db in
            try db.execute(sql: "INSERT INTO account (id, createdAt, closedAt) VALUES (?, ?, ?)",
                           arguments: [account.id, account.createdAt, account.closedAt])
            try Self.insert(primaryAddress, db)
        }
    }

    public func account(id: String) async throws(StoreError) -> AccountRecord? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [id]).map(AccountRecord.init) }
    }

    public func closeAccount(id: String, at time: Date) async throws(StoreError) {
        try await write("account \(id)") { db in
            try db.execute(sql: "UPDATE account SET closedAt = ? WHERE id = ? AND closedAt IS NULL", arguments: [time, id])
            guard db.changesCount == 1 else { throw StoreError.notFound("open account \(id)") }
            try db.execute(sql: "UPDATE address SET removedAt = ? WHERE accountID = ? AND removedAt IS NULL", arguments: [time, id])
        }
    }

    public func insertAddress(_ address: AddressRecord) async throws(StoreError) {
        try await write("address \(address.address)") { db in try Self.insert(address, db) }
    }

    public func updateAddress(_ address: AddressRecord) async throws(StoreError) {
        try await write("address \(address.address)") { db in
            try db.execute(
                sql: """
                    UPDATE address SET display = ?, domain = ?, wkdHash = ?, accountID = ?, role = ?, createdAt = ?,
                    removedAt = ?, keyFingerprint = ? WHERE address = ?
                    """,
                arguments: [address.display, address.domain, address.wkdHash, address.accountID, address.role.rawValue,
                            address.createdAt, address.removedAt, address.keyFingerprint, address.address])
            guard db.changesCount == 1 else { throw StoreError.notFound("address \(address.address)") }
        }
    }

    public func address(_ address: String) async throws(StoreError) -> AddressRecord? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM address WHERE address = ?", arguments: [address]).map(AddressRecord.init) }
    }

    public func addresses(accountID: String) async throws(StoreError) -> [AddressRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM address WHERE accountID = ? ORDER BY createdAt, rowid", arguments: [accountID])
                .map(AddressRecord.init)
        }
    }

    public func addresses(domain: String, wkdHash: String) async throws(StoreError) -> [AddressRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM address WHERE domain = ? AND wkdHash = ?", arguments: [domain, wkdHash])
                .map(AddressRecord.init)
        }
    }

    public func saveKey(_ key: KeyRecord) async throws(StoreError) {
        try await write("key \(key.fingerprint)") { db in
            try db.execute(
                sql: """
                    INSERT INTO key (fingerprint, accountID, bytes, importedAt, updatedAt) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (fingerprint) DO UPDATE SET bytes = excluded.bytes, updatedAt = excluded.updatedAt
                    """,
                arguments: [key.fingerprint, key.accountID, key.bytes, key.importedAt, key.updatedAt])
        }
    }

    public func key(fingerprint: String) async throws(StoreError) -> KeyRecord? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM key WHERE fingerprint = ?", arguments: [fingerprint]).map(KeyRecord.init) }
    }

    public func keys(accountID: String) async throws(StoreError) -> [KeyRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM key WHERE accountID = ? ORDER BY importedAt, fingerprint", arguments: [accountID])
                .map(KeyRecord.init)
        }
    }

    private static func insert(_ address: AddressRecord, _ db: GRDB.Database) throws {
        try db.execute(
            sql: """
                INSERT INTO address (address, display, domain, wkdHash, accountID, role, createdAt, removedAt, keyFingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [address.address, address.display, address.domain, address.wkdHash, address.accountID,
                        address.role.rawValue, address.createdAt, address.removedAt, address.keyFingerprint])
    }
}

extension DomainRecord {
    init(row: Row) {
        self.init(name: row["name"], kind: DomainKind(rawValue: row["kind"]) ?? .provider, createdAt: row["createdAt"])
    }
}

extension AccountRecord {
    init(row: Row) {
        self.init(id: row["id"], createdAt: row["createdAt"], closedAt: row["closedAt"])
    }
}

extension AddressRecord {
    init(row: Row) {
        self.init(address: row["address"], display: row["display"], domain: row["domain"], wkdHash: row["wkdHash"],
                  accountID: row["accountID"], role: AddressRole(rawValue: row["role"]) ?? .alias, createdAt: row["createdAt"],
                  removedAt: row["removedAt"], keyFingerprint: row["keyFingerprint"])
    }
}

extension KeyRecord {
    init(row: Row) {
        self.init(fingerprint: row["fingerprint"], accountID: row["accountID"], bytes: row["bytes"], importedAt: row["importedAt"],
                  updatedAt: row["updatedAt"])
    }
}
