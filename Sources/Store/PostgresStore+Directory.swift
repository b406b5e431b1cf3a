public import Foundation
import NIOCore
import NIOFoundationCompat
import PostgresNIO

extension PostgresStore: Store {
    public func insertDomain(_ domain: DomainRecord) async throws(StoreError) {
        try await execute("INSERT INTO domain (name, kind, created_at) VALUES (\(domain.name), \(domain.kind.rawValue), \(domain.createdAt))",
                          what: "domain \(domain.name)")
    }

    public func domain(named name: String) async throws(StoreError) -> DomainRecord? {
        try await rows("SELECT \(unescaped: DomainRecord.columns) FROM domain WHERE name = \(name)", DomainRecord.init(postgres:)).first
    }

    public func domains() async throws(StoreError) -> [DomainRecord] {
        try await rows("SELECT \(unescaped: DomainRecord.columns) FROM domain ORDER BY name", DomainRecord.init(postgres:))
    }

    public func insertAccount(_ account: AccountRecord, primaryAddress: AddressRecord) async throws(StoreError) {
        let logger = logger
        try await transaction("account \(account.id) or address \(primaryAddress.address)") { connection in
            try await connection.run("""
                INSERT INTO account (id, created_at, closed_at) VALUES (\(account.id), \(account.createdAt), \(account.closedAt))
                """, logger: logger)
            try await connection.run(Self.insertQuery(primaryAddress), logger: logger)
        }
    }

    public func account(id: String) async throws(StoreError) -> AccountRecord? {
        try await rows("SELECT id, created_at, closed_at FROM account WHERE id = \(id)") { row in
            let (id, createdAt, closedAt) = try row.decode((String, Date, Date?).self)
            return AccountRecord(id: id, createdAt: createdAt, closedAt: closedAt)
        }.first
    }

    public func closeAccount(id: String, at time: Date) async throws(StoreError) {
        let logger = logger
        try await transaction("account \(id)") { connection in
            guard try await connection.count("""
                UPDATE account SET closed_at = \(time) WHERE id = \(id) AND closed_at IS NULL RETURNING 1
                """, logger: logger) == 1 else { throw StoreError.notFound("open account \(id)") }
            try await connection.query("UPDATE address SET removed_at = \(time) WHERE account_id = \(id) AND removed_at IS NULL",
                                       logger: logger)
        }
    }

    public func insertAddress(_ address: AddressRecord) async throws(StoreError) {
        try await execute(Self.insertQuery(address), what: "address \(address.address)")
    }

    public func updateAddress(_ address: AddressRecord) async throws(StoreError) {
        let logger = logger
        try await transaction("address \(address.address)") { connection in
            guard try await connection.count("""
                UPDATE address SET display = \(address.display), domain = \(address.domain), wkd_hash = \(address.wkdHash),
                account_id = \(address.accountID), role = \(address.role.rawValue), created_at = \(address.createdAt),
                removed_at = \(address.removedAt), key_fingerprint = \(address.keyFingerprint)
                WHERE address = \(address.address) RETURNING 1
                """, logger: logger) == 1 else { throw StoreError.notFound("address \(address.address)") }
        }
    }

    public func address(_ address: String) async throws(StoreError) -> AddressRecord? {
        try await rows("SELECT \(unescaped: AddressRecord.columns) FROM address WHERE address = \(address)", AddressRecord.init(postgres:)).first
    }

    public func addresses(accountID: String) async throws(StoreError) -> [AddressRecord] {
        try await rows("SELECT \(unescaped: AddressRecord.columns) FROM address WHERE account_id = \(accountID) ORDER BY created_at, seq",
                       AddressRecord.init(postgres:))
    }

    public func addresses(domain: String, wkdHash: String) async throws(StoreError) -> [AddressRecord] {
        try await rows("SELECT \(unescaped: AddressRecord.columns) FROM address WHERE domain = \(domain) AND wkd_hash = \(wkdHash) ORDER BY seq",
                       AddressRecord.init(postgres:))
    }

    public func saveKey(_ key: KeyRecord) async throws(StoreError) {
        try await execute("""
            INSERT INTO key (fingerprint, account_id, bytes, imported_at, updated_at)
            VALUES (\(key.fingerprint), \(key.accountID), \(ByteBuffer(data: key.bytes)), \(key.importedAt), \(key.updatedAt))
            ON CONFLICT (fingerprint) DO UPDATE SET bytes = excluded.bytes, updated_at = excluded.updated_at
            """, what: "key \(key.fingerprint)")
    }

    public func key(fingerprint: String) async throws(StoreError) -> KeyRecord? {
        try await rows("SELECT \(unescaped: KeyRecord.columns) FROM key WHERE fingerprint = \(fingerprint)", KeyRecord.init(postgres:)).first
    }

    public func keys(accountID: String) async throws(StoreError) -> [KeyRecord] {
        try await rows("SELECT \(unescaped: KeyRecord.columns) FROM key WHERE account_id = \(accountID) ORDER BY imported_at, fingerprint",
                       KeyRecord.init(postgres:))
    }

    private static func insertQuery(_ address: AddressRecord) -> PostgresQuery {
        """
        INSERT INTO address (address, display, domain, wkd_hash, account_id, role, created_at, removed_at, key_fingerprint)
        VALUES (\(address.address), \(address.display), \(address.domain), \(address.wkdHash), \(address.accountID),
                \(address.role.rawValue), \(address.createdAt), \(address.removedAt), \(address.keyFingerprint))
        """
    }
}

extension DomainRecord {
    static let columns = "name, kind, created_at"

    init(postgres row: PostgresRow) throws {
        let (name, kind, createdAt) = try row.decode((String, String, Date).self)
        self.init(name: name, kind: DomainKind(rawValue: kind) ?? .provider, createdAt: createdAt)
    }
}

extension AddressRecord {
    static let columns = "address, display, domain, wkd_hash, account_id, role, created_at, removed_at, key_fingerprint"

    init(postgres row: PostgresRow) throws {
        let (address, display, domain, wkdHash, accountID, role, createdAt, removedAt, keyFingerprint)
            = try row.decode((String, String, String, String, String, String, Date, Date?, String?).self)
        self.init(address: address, display: display, domain: domain, wkdHash: wkdHash, accountID: accountID,
                  role: AddressRole(rawValue: role) ?? .alias, createdAt: createdAt, removedAt: removedAt, keyFingerprint: keyFingerprint)
    }
}

extension KeyRecord {
    static let columns = "fingerprint, account_id, bytes, imported_at, updated_at"

    init(postgres row: PostgresRow) throws {
        let (fingerprint, accountID, bytes, importedAt, updatedAt) = try row.decode((String, String, Data, Date, Date).self)
        self.init(fingerprint: fingerprint, accountID: accountID, bytes: bytes, importedAt: importedAt, updatedAt: updatedAt)
    }
}
