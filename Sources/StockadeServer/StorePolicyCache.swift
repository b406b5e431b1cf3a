import MTASTS
import Store
import Synchronization

/// The MTA-STS policy cache of `stockade serve`: persistent in the store, with an in-memory front so that a
/// socketmap lookup reads no database when the policy is known.
final class StorePolicyCache: PolicyCacheStorage {
    private let store: any PolicyCacheStore
    private let front = Mutex<[String: CachedPolicy]>([:])

    init(store: any PolicyCacheStore) { self.store = store }

    func load(_ domain: String) async throws -> CachedPolicy? {
        if let hit = front.withLock({ $0[domain] }) { return hit }
        guard let record = try await store.cachedPolicy(domain: domain) else { return nil }
        let policy = CachedPolicy(domain: record.domain, id: record.id, text: record.text, fetchedAt: record.fetchedAt,
                                  expiresAt: record.expiresAt)
        front.withLock { $0[domain] = policy }
        return policy
    }

    func save(_ policy: CachedPolicy) async throws {
        try await store.saveCachedPolicy(PolicyCacheRecord(domain: policy.domain, id: policy.id, text: policy.text,
                                                           fetchedAt: policy.fetchedAt, expiresAt: policy.expiresAt))
        front.withLock { $0[policy.domain] = policy }
    }

    func remove(_ domain: String) async throws {
        try await store.removeCachedPolicy(domain: domain)
        _ = front.withLock { $0.removeValue(forKey: domain) }
    }

    func all() async throws -> [CachedPolicy] {
        try await store.cachedPolicies().map {
            CachedPolicy(domain: $0.domain, id: $0.id, text: $0.text, fetchedAt: $0.fetchedAt, expiresAt: $0.expiresAt)
        }
    }
}
