public import Foundation

/// Whether the operator owns a domain outright or hosts it for a customer; aliases on provider domains are
/// permanent.
public enum DomainKind: String, Sendable, Hashable, Codable, CaseIterable {
    case provider
    case hosted
}

/// A mail domain this installation serves.
public struct DomainRecord: Sendable, Hashable, Codable {
    /// The domain, lower-cased.
    public var name: String
    public var kind: DomainKind
    public var createdAt: Date

    public init(name: String, kind: DomainKind, createdAt: Date) {
        self.name = name
        self.kind = kind
        self.createdAt = createdAt
    }
}

/// An account: it owns addresses and keys.
public struct AccountRecord: Sendable, Hashable, Codable {
    public var id: String
    public var createdAt: Date
    /// When the account was closed; its addresses stay as tombstones and are never reassigned.
    public var closedAt: Date?

    public init(id: String, createdAt: Date, closedAt: Date? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.closedAt = closedAt
    }
}

/// The role of an address in its account.
public enum AddressRole: String, Sendable, Hashable, Codable {
    case primary
    case alias
}

/// An address ever assigned to an account. Rows are never deleted: a removed address keeps its row, with
/// ``removedAt`` set, so it can never be handed to another account.
public struct AddressRecord: Sendable, Hashable, Codable {
    /// The unique key: the address with ASCII letters lower-cased.
    public var address: String
    /// The address as the owner wrote it (domain lower-cased).
    public var display: String
    public var domain: String
    /// The WKD hash of the local part, for lookups by hash.
    public var wkdHash: String
    public var accountID: String
    public var role: AddressRole
    public var createdAt: Date
    public var removedAt: Date?
    /// The fingerprint of the key the owner associated with this address (upper-case hex).
    public var keyFingerprint: String?

    public init(address: String, display: String, domain: String, wkdHash: String, accountID: String, role: AddressRole,
                createdAt: Date, removedAt: Date? = nil, keyFingerprint: String? = nil) {
        self.address = address
        self.display = display
        self.domain = domain
        self.wkdHash = wkdHash
        self.accountID = accountID
        self.role = role
        self.createdAt = createdAt
        self.removedAt = removedAt
        self.keyFingerprint = keyFingerprint
    }
}

/// An OpenPGP certificate owned by an account, kept as the bytes it was imported (and merged) as.
public struct KeyRecord: Sendable, Hashable, Codable {
    /// Upper-case hex fingerprint of the primary key.
    public var fingerprint: String
    public var accountID: String
    public var bytes: Data
    public var importedAt: Date
    public var updatedAt: Date

    public init(fingerprint: String, accountID: String, bytes: Data, importedAt: Date, updatedAt: Date) {
        self.fingerprint = fingerprint
        self.accountID = accountID
        self.bytes = bytes
        self.importedAt = importedAt
        self.updatedAt = updatedAt
    }
}
