public import Foundation

/// A cached MTA-STS policy as stored (the `MTASTS` library's `CachedPolicy`, kept apart so the store imports no
/// protocol library).
public struct PolicyCacheRecord: Sendable, Hashable {
    public var domain: String
    public var id: String
    public var text: String
    public var fetchedAt: Date
    public var expiresAt: Date

    public init(domain: String, id: String, text: String, fetchedAt: Date, expiresAt: Date) {
        self.domain = domain
        self.id = id
        self.text = text
        self.fetchedAt = fetchedAt
        self.expiresAt = expiresAt
    }
}

/// Persistence of a sender's MTA-STS policy cache: a policy survives restarts until its max_age ends.
public protocol PolicyCacheStore: Sendable {
    func cachedPolicy(domain: String) async throws(StoreError) -> PolicyCacheRecord?
    func saveCachedPolicy(_ record: PolicyCacheRecord) async throws(StoreError)
    func removeCachedPolicy(domain: String) async throws(StoreError)
    func cachedPolicies() async throws(StoreError) -> [PolicyCacheRecord]
}
