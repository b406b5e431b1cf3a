import DNS
import Foundation
import HTTPFetch
import MTASTS
import NIOCore
@testable import PostfixPolicy
import TestSupport
import Testing

/// The socketmap's fast path (`PolicyResponder.cachedReply(to:)`, answered on the event loop) against its slow path
/// (`encodedReply(to:)`) on the lab's MTA-STS domains: the same bytes for every kind of reply, and no cached reply once
/// the data the slow path used has changed or expired (the MTA-STS grace, max_age, a refreshed policy, DNS TTLs).
/// Expected replies are written from the lab's zone and policy files (lab/zones/web.test.zone, lab/https/www).
@Suite("Socketmap reply cache (lab)")
struct ReplyCacheTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func responder(clock: TestClock = TestClock(start), storage: MemoryPolicyStorage = MemoryPolicyStorage(),
                          dnsServer: String? = nil,
                          _ configure: (inout PolicyResponderOptions) -> Void = { _ in }) throws -> PolicyResponder {
        var dnsConfiguration = try ResolverConfiguration(servers: [try dnsServer ?? labVariable("STOCKADE_RESOLVER")])
        dnsConfiguration.timeout = .milliseconds(200)
        dnsConfiguration.attempts = 1
        let dns = DNS.Resolver<ContinuousClock>(configuration: dnsConfiguration)
        var configuration = MTASTSResolver.Configuration()
        configuration.port = Int(try labVariable("STOCKADE_LAB_HTTPS_PORT")) ?? 443
        configuration.fetchTimeout = .seconds(2)
        let policies = MTASTSResolver(
            resolver: dns, fetcher: try HTTPFetcher(resolver: dns, trustRoots: .only(pemFiles: [try labVariable("STOCKADE_LAB_CA")])),
            storage: storage, configuration: configuration, now: { clock.now })
        var options = PolicyResponderOptions()
        configure(&options)
        return PolicyResponder(policies: policies, dns: dns, options: options)
    }

    static func netstring(_ text: String) -> String { "\(text.utf8.count):\(text)," }

    static func cached(_ responder: PolicyResponder, _ request: String) -> String? {
        responder.cachedReply(to: ByteBuffer(string: request)).map { String(buffer: $0) }
    }

    static func computed(_ responder: PolicyResponder, _ request: String) async -> String {
        String(buffer: await responder.encodedReply(to: ByteBuffer(string: request)))
    }

    enum Options: Sendable { case defaults, strictTesting, tlsrpt, noDANE }

    @Test(arguments: [
        ("postfix enforce.web.test", Options.defaults,
         "OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname"),
        ("postfix ENFORCE.web.test.", .defaults, "OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname"),
        ("postfix danests.web.test", .defaults, "OK dane-only"),
        ("postfix danests.web.test", .noDANE, "OK secure match=mx.danests.web.test servername=hostname"),
        ("postfix testing.web.test", .defaults, "NOTFOUND "),
        ("postfix testing.web.test", .strictTesting, "OK secure match=mx.testing.web.test servername=hostname"),
        ("postfix none.web.test", .defaults, "NOTFOUND "),
        ("postfix notxt.web.test", .defaults, "NOTFOUND "),
        ("postfix redirect.web.test", .defaults, "NOTFOUND "),
        ("postfix enforce.web.test", .tlsrpt, """
            OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname policy_type=sts \
            policy_domain=enforce.web.test mx_host_pattern=mx1.enforce.web.test mx_host_pattern=*.backup.enforce.web.test \
            { policy_string = version: STSv1 } { policy_string = mode: enforce } { policy_string = mx: mx1.enforce.web.test } \
            { policy_string = mx: *.backup.enforce.web.test } { policy_string = max_age: 86400 }
            """),
    ])
    func fastPathGivesTheSlowPathsReply(request: String, options: Options, reply: String) async throws {
        let configured = try Self.responder {
            switch options {
            case .defaults: break
            case .strictTesting: $0.strictTesting = true
            case .tlsrpt: $0.tlsrpt = true
            case .noDANE: $0.danePrecedence = false
            }
        }
        #expect(Self.cached(configured, request) == nil, "nothing cached yet")
        #expect(await Self.computed(configured, request) == Self.netstring(reply))
        #expect(Self.cached(configured, request) == Self.netstring(reply))
        #expect(Self.cached(configured, "other-map-name " + request.split(separator: " ")[1]) == Self.netstring(reply),
                "the map name does not change the reply")
        #expect(await Self.computed(configured, request) == Self.netstring(reply), "the slow path again, from its own caches")
        #expect(Self.cached(configured, request) == Self.netstring(reply))
    }

    /// Replies that depend on no cached data are computed each time: refusals, address literals, parent lookups.
    @Test(arguments: ["garbage", "postfix ", "postfix [192.0.2.1]", "postfix .enforce.web.test"])
    func repliesWithoutAPolicyLookupAreNotCached(request: String) async throws {
        let responder = try Self.responder()
        _ = await Self.computed(responder, request)
        #expect(Self.cached(responder, request) == nil)
    }

    /// A TXT lookup that fails (no DNS server answers) gives `NOTFOUND ` (no policy applies), but not for later: the
    /// next lookup asks again.
    @Test func aFailedDNSLookupIsNotCached() async throws {
        let responder = try Self.responder(dnsServer: "127.0.0.1:\(freeLoopbackPort())")
        #expect(await Self.computed(responder, "postfix enforce.web.test") == "9:NOTFOUND ,")
        #expect(Self.cached(responder, "postfix enforce.web.test") == nil)
    }

    /// RFC 8461 §5.1's cached policy answered from memory for the resolver's 60 s grace, and not an instant longer.
    @Test func cachedRepliesEndWithTheGrace() async throws {
        let clock = TestClock(Self.start)
        let responder = try Self.responder(clock: clock)
        let request = "postfix enforce.web.test"
        let secure = Self.netstring("OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname")
        #expect(await Self.computed(responder, request) == secure)
        clock.advance(59.999)
        #expect(Self.cached(responder, request) == secure)
        clock.set(Self.start + 60)
        #expect(Self.cached(responder, request) == nil, "the slow path looks at the TXT record again")
        #expect(await Self.computed(responder, request) == secure)
        #expect(Self.cached(responder, request) == secure)
        clock.set(Self.start + 119.999)
        #expect(Self.cached(responder, request) == secure)
        clock.set(Self.start + 120)
        #expect(Self.cached(responder, request) == nil)
    }

    /// A cached policy whose TXT record is gone applies until its max_age ends (RFC 8461 §5.1), and so does its
    /// cached reply; afterwards there is no policy, on both paths.
    @Test func cachedRepliesEndWithThePolicysMaxAge() async throws {
        let clock = TestClock(Self.start)
        let text = "version: STSv1\nmode: enforce\nmx: mx.notxt.web.test\nmax_age: 86400\n"
        let storage = MemoryPolicyStorage([CachedPolicy(domain: "notxt.web.test", id: "gone1", text: text,
                                                        fetchedAt: Self.start - 86_370, expiresAt: Self.start + 30)])
        let responder = try Self.responder(clock: clock, storage: storage)
        let request = "postfix notxt.web.test"
        let secure = Self.netstring("OK secure match=mx.notxt.web.test servername=hostname")
        #expect(await Self.computed(responder, request) == secure)
        clock.set(Self.start + 29.999)
        #expect(Self.cached(responder, request) == secure)
        clock.set(Self.start + 30)
        #expect(Self.cached(responder, request) == nil)
        #expect(await Self.computed(responder, request) == "9:NOTFOUND ,")
        #expect(Self.cached(responder, request) == "9:NOTFOUND ,")
    }

    /// A refresh that replaces a policy in memory ends every cached reply at once.
    @Test func aRefreshedPolicyEndsCachedReplies() async throws {
        let text = "version: STSv1\nmode: enforce\nmx: old.enforce.web.test\nmax_age: 86400\n"
        let storage = MemoryPolicyStorage([CachedPolicy(domain: "enforce.web.test", id: "enforce1", text: text,
                                                        fetchedAt: Self.start - 600, expiresAt: Self.start + 86_000)])
        let responder = try Self.responder(storage: storage)
        let request = "postfix enforce.web.test"
        let old = Self.netstring("OK secure match=old.enforce.web.test servername=hostname")
        #expect(await Self.computed(responder, request) == old, "TXT id enforce1 unchanged: the cached policy, no fetch")
        #expect(Self.cached(responder, request) == old)
        _ = await responder.policies.refresh("enforce.web.test")
        #expect(Self.cached(responder, request) == nil)
        let fetched = Self.netstring("OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname")
        #expect(await Self.computed(responder, request) == fetched)
        #expect(Self.cached(responder, request) == fetched)
    }

    /// `dane-only` rests on the MX, address and TLSA records (TTL 300 in the lab zone): its cached reply ends when the
    /// first of those answers leaves the DNS cache, so a changed TLSA RRset is seen as soon as the slow path would.
    @Test func cachedRepliesEndWhenTheirDNSAnswersExpire() async throws {
        let responder = try Self.responder()
        let before = ContinuousClock.now
        #expect(await Self.computed(responder, "postfix danests.web.test") == Self.netstring("OK dane-only"))
        let after = ContinuousClock.now
        let entry = try #require(responder.cache.entry(for: ByteBuffer(string: "danests.web.test")))
        let dnsValidUntil = try #require(entry.dnsValidUntil)
        #expect(dnsValidUntil > after && dnsValidUntil <= after + .seconds(300), "within the zone's TTL of 300 s")
        #expect(before < dnsValidUntil)
        let time = Self.start
        let generation = responder.policies.policyChangeCount
        #expect(entry.isValid(at: time, dnsValidUntil - .nanoseconds(1), policyGeneration: generation))
        #expect(!entry.isValid(at: time, dnsValidUntil, policyGeneration: generation))
        #expect(!entry.isValid(at: time, after, policyGeneration: generation + 1))
    }
}
