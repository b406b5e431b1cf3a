public import Foundation
public import Store
import OpenPGP

/// Domains, accounts, addresses and keys, with the rules that make WKD and the key server trustworthy:
/// provider-domain aliases are permanent, an address is never handed to another account, and a key is published
/// for an address only while it carries a valid user ID for it.
public struct Directory: Sendable {
    let store: any Store
    let now: @Sendable () -> Date
    let cache = PublicationCache()

    /// A directory on a store; `now` is the clock validity is judged by.
    public init(store: any Store, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    func storage<T>(_ body: () async throws(StoreError) -> T) async throws(DirectoryError) -> T {
        do {
            return try await body()
        } catch {
            throw .storage(error.reason)
        }
    }

    // MARK: Domains

    /// Starts serving a domain.
    @discardableResult
    public func addDomain(_ name: String, kind: DomainKind) async throws(DirectoryError) -> DomainRecord {
        defer { cache.removeAll() }  // every change invalidates cached publication decisions
        let domain = name.trimmingCharacters().lowercased()
        guard !domain.isEmpty, !domain.contains("@"), !domain.contains(" "), !domain.hasPrefix("."), !domain.hasSuffix(".") else {
            throw .invalidAddress(name)
        }
        let record = DomainRecord(name: domain, kind: kind, createdAt: now())
        do {
            try await store.insertDomain(record)
        } catch where error == .conflict("") {
            throw .domainExists(domain)
        } catch {
            throw .storage(error.reason)
        }
        return record
    }

    public func domains() async throws(DirectoryError) -> [DomainRecord] {
        try await storage { () async throws(StoreError) in try await store.domains() }
    }

    func servedDomain(_ name: String) async throws(DirectoryError) -> DomainRecord {
        guard let domain = try await storage({ () async throws(StoreError) in try await store.domain(named: name) }) else {
            throw .domainNotServed(name)
        }
        return domain
    }

    // MARK: Accounts and addresses

    /// Creates an account with its primary address.
    @discardableResult
    public func createAccount(id: String, primaryAddress: String) async throws(DirectoryError) -> AccountRecord {
        defer { cache.removeAll() }  // every change invalidates cached publication decisions
        let address = try NormalizedAddress(primaryAddress)
        _ = try await servedDomain(address.domain)
        if let existing = try await storage({ () async throws(StoreError) in try await store.address(address.key) }) {
            throw .addressTaken(address.display, owner: existing.accountID)
        }
        let time = now()
        let account = AccountRecord(id: id, createdAt: time)
        let row = AddressRecord(address: address.key, display: address.display, domain: address.domain, wkdHash: address.wkdHash,
                                accountID: id, role: .primary, createdAt: time)
        do {
            try await store.insertAccount(account, primaryAddress: row)
        } catch where error == .conflict("") {
            if try await storage({ () async throws(StoreError) in try await store.account(id: id) }) != nil { throw .accountExists(id) }
            throw .addressTaken(address.display, owner: "another account")
        } catch {
            throw .storage(error.reason)
        }
        return account
    }

    func openAccount(_ id: String) async throws(DirectoryError) -> AccountRecord {
        guard let account = try await storage({ () async throws(StoreError) in try await store.account(id: id) }) else {
            throw .accountNotFound(id)
        }
        guard account.closedAt == nil else { throw .accountClosed(id) }
        return account
    }

    /// Adds an alias to an account. An address that belonged to the same account before is restored; one that
    /// ever belonged to another account is refused.
    @discardableResult
    public func addAlias(_ text: String, to accountID: String) async throws(DirectoryError) -> AddressRecord {
        defer { cache.removeAll() }  // every change invalidates cached publication decisions
        let address = try NormalizedAddress(text)
        _ = try await servedDomain(address.domain)
        _ = try await openAccount(accountID)
        if var existing = try await storage({ () async throws(StoreError) in try await store.address(address.key) }) {
            guard existing.accountID == accountID else { throw .addressTaken(address.display, owner: existing.accountID) }
            guard existing.removedAt != nil else { return existing }
            existing.removedAt = nil
            try await storage { () async throws(StoreError) in try await store.updateAddress(existing) }
            return existing
        }
        let row = AddressRecord(address: address.key, display: address.display, domain: address.domain, wkdHash: address.wkdHash,
                                accountID: accountID, role: .alias, createdAt: now())
        do {
            try await store.insertAddress(row)
        } catch where error == .conflict("") {
            throw .addressTaken(address.display, owner: "another account")
        } catch {
            throw .storage(error.reason)
        }
        return row
    }

    /// Removes an alias on a hosted domain. Provider-domain aliases and primary addresses are refused.
    /// The row stays as a tombstone, so the address is never reassigned.
    public func removeAlias(_ text: String) async throws(DirectoryError) {
        defer { cache.removeAll() }  // every change invalidates cached publication decisions
        let address = try NormalizedAddress(text)
        guard var row = try await storage({ () async throws(StoreError) in try await store.address(address.key) }) else {
            throw .addressNotFound(address.display)
        }
        guard row.removedAt == nil else { throw .addressRemoved(row.display) }
        guard row.role == .alias else { throw .primaryAddress(row.display) }
        let domain = try await servedDomain(row.domain)
        guard domain.kind == .hosted else { throw .permanentAlias(row.display) }
        row.removedAt = now()
        row.keyFingerprint = nil
        try await storage { () async throws(StoreError) in try await store.updateAddress(row) }
    }

    /// Closes an account: its addresses stop being published and stay reserved to it forever.
    public func closeAccount(_ id: String) async throws(DirectoryError) {
        defer { cache.removeAll() }  // every change invalidates cached publication decisions
        _ = try await openAccount(id)
        try await storage { () async throws(StoreError) in try await store.closeAccount(id: id, at: now()) }
    }

    /// The stored row of an address.
    public func address(_ text: String) async throws(DirectoryError) -> AddressRecord {
        let address = try NormalizedAddress(text)
        guard let row = try await storage({ () async throws(StoreError) in try await store.address(address.key) }) else {
            throw .addressNotFound(address.display)
        }
        return row
    }

    public func addresses(accountID: String) async throws(DirectoryError) -> [AddressRecord] {
        try await storage { () async throws(StoreError) in try await store.addresses(accountID: accountID) }
    }
}
