public import struct Foundation.Date
import Synchronization

/// A policy as cached by a sender: the text it was fetched as, the id it was fetched under, and when it expires.
public struct CachedPolicy: Sendable, Hashable, Codable {
    public var domain: String
    public var id: String
    /// The policy file as fetched; parsed again when loaded.
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

/// Where cached policies persist (RFC 8461 §5.1: a policy applies until its max_age ends, across restarts).
/// Implemented in memory here and over the `Store` by the server.
public protocol PolicyCacheStorage: Sendable {
    func load(_ domain: String) async throws -> CachedPolicy?
    func save(_ policy: CachedPolicy) async throws
    func remove(_ domain: String) async throws
    func all() async throws -> [CachedPolicy]
}

/// A cache that lives as long as the process.
public final class MemoryPolicyStorage: PolicyCacheStorage {
    private let policies = Mutex<[String: CachedPolicy]>([:])

    public init(_ initial: [CachedPolicy] = []) {
        policies.withLock { p in for c in initial { p[c.domain] = c } }
    }

    public func load(_ domain: String) async throws -> CachedPolicy? { policies.withLock { $0[domain] } }
    public func save(_ policy: CachedPolicy) async throws { policies.withLock { $0[policy.domain] = policy } }
    public func remove(_ domain: String) async throws { _ = policies.withLock { $0.removeValue(forKey: domain) } }
    public func all() async throws -> [CachedPolicy] { policies.withLock { Array($0.values) } }
}
