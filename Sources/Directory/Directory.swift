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
    /// The sub-address separator: `frank+tag@…` belongs to whoever owns `frank@…`.
    let subaddressSeparator: Unicode.Scalar?

    /// A directory on a store.
    /// - Parameters:
    ///   - now: the clock validity is judged by.
    ///   - subaddressSeparator: the character after which the mail system ignores the rest of a local part (Postfix's
    ///     `recipient_delimiter`), `+` by default; nil when the mail system has no sub-addressing. A sub-address is never
    ///     assigned on its own: it belongs to the owner of its base address, and lookups for it find the base.
    public init(store: any Store, now: @escaping @Sendable () -> Date = { Date() }, subaddressSeparator: Unicode.Scalar? = "+") {
        self.store = store
        self.now = now
        self.subaddressSeparator = subaddressSeparator
    }

    func normalized(_ text: String) throws(DirectoryError) -> NormalizedAddress {
        try NormalizedAddress(text, subaddressSeparator: subaddressSeparator)
    }

    /// The canonical form of a domain name, as the directory stores it (U-labels, lower-case), or nil when `name` is
    /// not a domain name.
    public static func canonicalDomain(_ name: String) -> String? {
        try? DomainName(name.trimmingCharacters()).unicode
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
        let domain: String
        do {
            domain = try DomainName(name.trimmingCharacters()).unicode
        } catch {
            throw .invalidDomain(name, error.reason)
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

    /// The served domain `name`, given in canonical form.
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
        let address = try normalized(primaryAddress)
        try checkAssignable(address, domain: try await servedDomain(address.domain))
        if let existing = try await owningRow(of: address) {
            throw .addressTaken(address.display, owner: existing.accountID)
        }
        try refuseLoneSubaddress(address)
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
        let address = try normalized(text)
        try checkAssignable(address, domain: try await servedDomain(address.domain))
        _ = try await openAccount(accountID)
        // A sub-address whose base the account owns is already the account's: the base row answers for it.
        if var existing = try await owningRow(of: address) {
            guard existing.accountID == accountID else { throw .addressTaken(address.display, owner: existing.accountID) }
            guard existing.removedAt != nil else { return existing }
            existing.removedAt = nil
            try await storage { () async throws(StoreError) in try await store.updateAddress(existing) }
            return existing
        }
        try refuseLoneSubaddress(address)
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
    /// A sub-address is not resolved to its base here: removing `frank+tag@…` never removes `frank@…`.
    public func removeAlias(_ text: String) async throws(DirectoryError) {
        defer { cache.removeAll() }  // every change invalidates cached publication decisions
        let address = try normalized(text)
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

    /// The stored row of an address; for a sub-address without a row of its own, the row of its base.
    public func address(_ text: String) async throws(DirectoryError) -> AddressRecord {
        let address = try normalized(text)
        guard let row = try await owningRow(of: address) else {
            throw .addressNotFound(address.display)
        }
        return row
    }

    /// The row that decides who owns `address`: its own, or else, for a sub-address, its base's.
    func owningRow(of address: NormalizedAddress) async throws(DirectoryError) -> AddressRecord? {
        if let row = try await storage({ () async throws(StoreError) in try await store.address(address.key) }) { return row }
        guard let base = address.baseKey else { return nil }
        return try await storage { () async throws(StoreError) in try await store.address(base) }
    }

    /// On a provider domain, refuses what could pass for another address: invisible characters, mixed scripts,
    /// compatibility forms, quoted local parts that are not dot-atoms.
    func checkAssignable(_ address: NormalizedAddress, domain: DomainRecord) throws(DirectoryError) {
        if domain.kind == .provider, let why = address.unsafety { throw .unsafeAddress(address.display, why) }
    }

    /// A sub-address nobody owns the base of is not assigned on its own: whoever got the base later would receive
    /// its mail.
    func refuseLoneSubaddress(_ address: NormalizedAddress) throws(DirectoryError) {
        if let base = address.baseKey {
            throw .unsafeAddress(address.display, "it is a sub-address of \(base); assign \(base) instead")
        }
    }

    public func addresses(accountID: String) async throws(DirectoryError) -> [AddressRecord] {
        try await storage { () async throws(StoreError) in try await store.addresses(accountID: accountID) }
    }
}
