import Foundation
public import Store
import OpenPGP
import WKD

/// What the directory publishes for one address: the decision WKD and the key server share.
public enum Publication: Sendable, Hashable {
    /// The key minimized to the address, followed by revoked predecessors of the address, as WKD serves them.
    case published(address: String, fingerprint: String, bytes: [UInt8])
    /// Nothing is published, and why (for logs and the admin API; clients get a plain 404).
    case unpublished(reason: String)
}

extension Directory {
    /// The publication decision for an address given by domain and WKD hash (draft-koch-openpgp-webkey-service §3.1).
    /// `domain` may be given with A-labels (as in a Host header) or U-labels.
    public func publication(domain: String, wkdHash: String) async throws(DirectoryError) -> Publication {
        try await publicationLifetime(domain: domain, wkdHash: wkdHash).publication
    }

    /// ``publication(domain:wkdHash:)`` and how many seconds it may be reused before it is decided again (the cache's
    /// lifetime, or less when the published key expires sooner), for answers prepared from it.
    public func publicationLifetime(domain: String, wkdHash: String) async throws(DirectoryError) -> (publication: Publication, freshFor: Double) {
        let time = now()
        guard let name = Self.canonicalDomain(domain) else {
            return (.unpublished(reason: "\(domain) is not a domain name"), PublicationCache.lifetime)
        }
        let key = PublicationCache.key(domain: name, wkdHash: wkdHash)
        if let cached = cache.publication(for: key, at: time) { return (cached.publication, cached.expires.timeIntervalSince(time)) }
        let (publication, validUntil) = try await decide(domain: name, wkdHash: wkdHash, at: time)
        return (publication, cache.store(publication, for: key, at: time, validUntil: validUntil).timeIntervalSince(time))
    }

    private func decide(domain name: String, wkdHash: String, at time: Date) async throws(DirectoryError) -> (publication: Publication, validUntil: Date?) {
        guard try await storage({ () async throws(StoreError) in try await store.domain(named: name) }) != nil else {
            return (.unpublished(reason: "\(name) is not served"), nil)
        }
        let rows = try await storage { () async throws(StoreError) in try await store.addresses(domain: name, wkdHash: wkdHash) }
        guard let row = rows.first else { return (.unpublished(reason: "no address with this hash"), nil) }
        return try await decide(row, at: time)
    }

    /// The publication decision for an address (for a sub-address without a row of its own, its base's).
    public func publication(address text: String) async throws(DirectoryError) -> Publication {
        let address = try normalized(text)
        guard try await storage({ () async throws(StoreError) in try await store.domain(named: address.domain) }) != nil else {
            return .unpublished(reason: "\(address.domain) is not served")
        }
        guard let row = try await owningRow(of: address) else {
            return .unpublished(reason: "no such address")
        }
        return try await decide(row, at: now()).publication
    }

    /// The one rule: the address is live on a served domain, its account is open, the owner associated a key with it,
    /// and that key is valid and carries a valid user ID for it. The bytes carry only that user ID. Also returns when
    /// a published key expires, so that a cached decision never outlives it.
    func decide(_ row: AddressRecord, at time: Date) async throws(DirectoryError) -> (publication: Publication, validUntil: Date?) {
        func unpublished(_ reason: String) -> (Publication, Date?) { (.unpublished(reason: reason), nil) }
        guard row.removedAt == nil else { return unpublished("the address was removed") }
        guard let account = try await storage({ () async throws(StoreError) in try await store.account(id: row.accountID) }),
              account.closedAt == nil
        else { return unpublished("the account is closed") }
        guard let fingerprint = row.keyFingerprint else { return unpublished("no key is associated with the address") }
        guard let key = try await storage({ () async throws(StoreError) in try await store.key(fingerprint: fingerprint) }) else {
            return unpublished("the associated key is missing")
        }
        let certificate = try Self.certificate(from: Array(key.bytes))
        let status = certificate.status(at: time)
        if let problem = Self.problem(status, address: row.display) { return unpublished(problem) }
        var bytes: [UInt8]
        do {
            bytes = try certificate.minimized(for: row.display, at: time).serialized
        } catch {
            return unpublished("\(error)")
        }
        // Revoked predecessors: the account's other keys for this address that are revoked now (§3.1 allows
        // several keys in the response), so clients learn of the revocation.
        let others = try await storage { () async throws(StoreError) in try await store.keys(accountID: row.accountID) }
        for other in others where other.fingerprint != fingerprint {
            guard let predecessor = try? Self.certificate(from: Array(other.bytes)),
                  predecessor.status(at: time).validity.isRevoked,
                  let minimized = try? predecessor.minimized(for: row.display, at: time)
            else { continue }
            bytes += minimized.serialized
        }
        return (.published(address: row.display, fingerprint: fingerprint, bytes: bytes), status.expiration)
    }
}

/// An address as administrators see it: owner, role, state, key, and whether (or why not) its key is published.
public struct AddressStatus: Sendable, Hashable, Codable {
    public let address: String
    public let account: String
    public let role: String
    /// `active` or `removed`.
    public let status: String
    public let key: String?
    public let published: Bool
    /// Why nothing is published, when nothing is.
    public let reason: String?

    public init(_ row: AddressRecord, _ publication: Publication) {
        address = row.display
        account = row.accountID
        role = row.role.rawValue
        status = row.removedAt == nil ? "active" : "removed"
        key = row.keyFingerprint
        if case .unpublished(let why) = publication {
            published = false
            reason = why
        } else {
            published = true
            reason = nil
        }
    }
}

extension Directory {
    /// The stored row of an address together with the publication decision for it.
    public func status(of address: String) async throws(DirectoryError) -> AddressStatus {
        AddressStatus(try await self.address(address), try await publication(address: address))
    }
}
