public import struct Foundation.Date

/// Where the policy a sender applies came from (RFC 8461 §5.1).
public enum PolicySource: String, Sendable, Hashable, Codable {
    /// Fetched from the policy host just now.
    case fetched
    /// An unexpired cached policy (its TXT id was unchanged, or the lookup or fetch failed).
    case cache
    /// No policy applies: deliver as though the domain had no MTA-STS.
    case none
}

/// The outcome of resolving a domain's MTA-STS policy: a value with the reason, never an error.
public struct PolicyResolution: Sendable, Hashable {
    /// The policy domain, lower-cased.
    public let domain: String
    /// The policy that applies; nil when ``source`` is ``PolicySource/none``.
    public let policy: MTASTSPolicy?
    /// The policy's id (from the TXT record it was fetched under).
    public let id: String?
    public let source: PolicySource
    /// When the applied policy expires (fetch or renewal time plus max_age).
    public let expiresAt: Date?
    /// Why no policy applies, or why a cached one was used; nil after a clean fetch.
    public let reason: String?

    public init(domain: String, policy: MTASTSPolicy?, id: String?, source: PolicySource, expiresAt: Date?, reason: String?) {
        self.domain = domain
        self.policy = policy
        self.id = id
        self.source = source
        self.expiresAt = expiresAt
        self.reason = reason
    }

    static func none(_ domain: String, _ reason: String) -> PolicyResolution {
        PolicyResolution(domain: domain, policy: nil, id: nil, source: .none, expiresAt: nil, reason: reason)
    }
}

/// A resolution with how long ``MTASTSResolver/resolve(_:)`` keeps giving it, as far as the policy cache, the grace
/// and the fetch backoff go: a policy until its grace or its max_age ends, no policy until the grace or a backoff
/// ends, and while ``MTASTSResolver/policyChangeCount`` still equals ``policyGeneration``. The DNS answers it used
/// (the TXT record) bound it too: run it inside the resolver's `trackingLifetime` to learn when they expire.
package struct ReusableResolution: Sendable {
    package let resolution: PolicyResolution
    /// On the resolver's own clock (its `now`).
    package let reusableUntil: Date
    package let policyGeneration: UInt64
}
