import Synchronization

/// How long a result computed from DNS answers stays valid, as ``Resolver/trackingLifetime(_:)`` reports it.
package enum AnswerLifetime<Instant: InstantProtocol>: Sendable, Hashable where Instant: Sendable {
    /// No DNS answer was used.
    case unbounded
    /// Until the first answer used leaves the resolver's cache.
    case until(Instant)
    /// An answer used was not cached, or a lookup failed: the next computation may differ at once.
    case uncached
}

/// Collects the expiries of the answers looked up inside one ``Resolver/trackingLifetime(_:)``.
final class AnswerLifetimeTracker<Instant: InstantProtocol>: AnswerLifetimeObserver where Instant: Sendable {
    private let state = Mutex<AnswerLifetime<Instant>>(.unbounded)

    var lifetime: AnswerLifetime<Instant> { state.withLock { $0 } }

    func note<Other: InstantProtocol>(_ expires: Other?) {
        state.withLock { lifetime in
            guard let expires = expires as? Instant else {
                lifetime = .uncached
                return
            }
            switch lifetime {
            case .unbounded: lifetime = .until(expires)
            case .until(let earlier) where expires < earlier: lifetime = .until(expires)
            case .until, .uncached: break
            }
        }
    }
}

/// Hears of every answer a lookup used and when it leaves the cache (nil: not cached, or the lookup failed).
protocol AnswerLifetimeObserver: Sendable {
    func note<Other: InstantProtocol>(_ expires: Other?)
}

/// The observer of the task doing the lookups, if any.
enum AnswerLifetimeTracking {
    @TaskLocal static var current: (any AnswerLifetimeObserver)?
}
