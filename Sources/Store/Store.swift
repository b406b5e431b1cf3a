public import Foundation

/// Persistence for the directory. Each method is one transaction; uniqueness (a domain name, an account id, an
/// address, a key fingerprint) is enforced by the store itself, so two servers sharing one database cannot both
/// win a race for the same address.
///
/// The protocol is narrow on purpose: SQLite (``SQLiteStore``) is the embedded default and a PostgreSQL backend
/// can implement the same methods without touching callers.
public protocol Store: Sendable {
    func insertDomain(_ domain: DomainRecord) async throws(StoreError)
    func domain(named name: String) async throws(StoreError) -> DomainRecord?
    func domains() async throws(StoreError) -> [DomainRecord]

    /// Inserts an account and its primary address together; ``StoreError/conflict(_:)`` when either exists.
    func insertAccount(_ account: AccountRecord, primaryAddress: AddressRecord) async throws(StoreError)
    func account(id: String) async throws(StoreError) -> AccountRecord?
    /// Marks the account closed and each of its addresses removed, keeping every row.
    func closeAccount(id: String, at time: Date) async throws(StoreError)

    /// Inserts an address; ``StoreError/conflict(_:)`` when the address exists, in any state.
    func insertAddress(_ address: AddressRecord) async throws(StoreError)
    /// Replaces an existing address row (removal, restoration, key association).
    func updateAddress(_ address: AddressRecord) async throws(StoreError)
    func address(_ address: String) async throws(StoreError) -> AddressRecord?
    func addresses(accountID: String) async throws(StoreError) -> [AddressRecord]
    func addresses(domain: String, wkdHash: String) async throws(StoreError) -> [AddressRecord]

    /// Inserts a key or replaces the bytes of an existing one.
    func saveKey(_ key: KeyRecord) async throws(StoreError)
    func key(fingerprint: String) async throws(StoreError) -> KeyRecord?
    func keys(accountID: String) async throws(StoreError) -> [KeyRecord]
}

/// A storage failure.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case conflict
        case notFound
        case database
        case configuration
    }

    private let code: Code
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A row with the same unique key exists.
    public static func conflict(_ what: String) -> StoreError { .init(.conflict, "\(what) already exists") }
    /// The row to change does not exist.
    public static func notFound(_ what: String) -> StoreError { .init(.notFound, "\(what) does not exist") }
    /// The database failed.
    public static func database(_ detail: String) -> StoreError { .init(.database, "database error: \(detail)") }
    /// A store that cannot be opened as configured (a malformed database URL, a missing password).
    public static func configuration(_ reason: String) -> StoreError { .init(.configuration, reason) }
}
