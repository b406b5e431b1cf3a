import DNS
import Testing

/// `Resolver.trackingLifetime`: how long a result computed from DNS answers stays what it is, the earliest time one of
/// those answers leaves the cache (its TTL as received, counted from when it was stored: RFC 1035 §7.4).
@Suite("DNS answer lifetimes (lab)")
struct AnswerLifetimeTests {
    typealias Instant = ManualClock.Instant

    @Test func noLookupIsUnbounded() async throws {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try Lab.resolverAddress()]), clock: ManualClock())
        let (_, lifetime) = await resolver.trackingLifetime { 1 }
        #expect(lifetime == .unbounded)
    }

    @Test func theFirstAnswerToExpireBoundsTheResult() async throws {
        let clock = ManualClock()
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try Lab.resolverAddress()]), clock: clock)
        let (first, lifetime) = await resolver.trackingLifetime { try? await resolver.resolve("www.secure.test", .a) }
        let ttl = try #require(first?.rrset.map(\.ttl).min())
        #expect(lifetime == .until(Instant(offset: .seconds(Int64(ttl)))), "stored at 0 s for the TTL received")

        clock.advance(by: .seconds(10))
        let (_, both) = await resolver.trackingLifetime {
            let cached = try? await resolver.resolve("www.secure.test", .a)
            let other = try? await resolver.resolve("mx1.secure.test", .a)
            return (cached, other)
        }
        let (_, mxLifetime) = await resolver.trackingLifetime { try? await resolver.resolve("mx1.secure.test", .a) }
        guard case .until(let mxExpiry) = mxLifetime else {
            Issue.record("mx1.secure.test A was not cached: \(mxLifetime)")
            return
        }
        #expect(mxExpiry >= Instant(offset: .seconds(10)))
        #expect(both == .until(min(Instant(offset: .seconds(Int64(ttl))), mxExpiry)), "the cached answer keeps its expiry")
    }

    @Test func answersNotCachedMakeTheResultUncached() async throws {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try Lab.resolverAddress()]), clock: ManualClock())
        let (_, bogus) = await resolver.trackingLifetime {
            _ = try? await resolver.resolve("www.secure.test", .a)
            return try? await resolver.resolve("www.bogus.test", .a)
        }
        #expect(bogus == .uncached, "SERVFAIL for a bogus answer is not cached")

        var configuration = try ResolverConfiguration(servers: ["127.0.0.1:9"])
        configuration.timeout = .milliseconds(100)
        configuration.attempts = 1
        let unreachable = Resolver(configuration: configuration, clock: ManualClock())
        let (_, failed) = await unreachable.trackingLifetime { try? await unreachable.resolve("www.secure.test", .a) }
        #expect(failed == .uncached)
    }
}
