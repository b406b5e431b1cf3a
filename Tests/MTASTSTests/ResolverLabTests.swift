import DNS
import Foundation
import HTTPFetch
import Logging
import MTASTS
import TestSupport
import Testing

/// A sender's policy discovery against the lab: signed web.test zone, policy hosts with lab-CA certificates
/// (lab/https/www/mta-sts.*), one domain per case.
@Suite("MTA-STS resolver against the lab")
struct ResolverLabTests {
    struct Lab {
        let resolver: MTASTSResolver
        let storage: MemoryPolicyStorage
        let clock: TestClock

        init(seed: [CachedPolicy] = [], clock: TestClock = TestClock(Date())) throws {
            let dns = DNS.Resolver<ContinuousClock>(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
            let fetcher = try HTTPFetcher(resolver: dns, trustRoots: .only(pemFiles: [try labVariable("STOCKADE_LAB_CA")]))
            var configuration = MTASTSResolver.Configuration()
            configuration.port = Int(try labVariable("STOCKADE_LAB_HTTPS_PORT")) ?? 443
            configuration.fetchTimeout = .seconds(2)
            configuration.initialBackoff = 300
            storage = MemoryPolicyStorage(seed)
            self.clock = clock
            resolver = MTASTSResolver(resolver: dns, fetcher: fetcher, storage: storage, configuration: configuration,
                                      now: { clock.now })
        }
    }

    static func cached(_ domain: String, id: String, mx: String, expiresIn: TimeInterval = 3600, at time: Date) -> CachedPolicy {
        CachedPolicy(domain: domain, id: id, text: "version: STSv1\nmode: enforce\nmx: \(mx)\nmax_age: 86400\n",
                     fetchedAt: time.addingTimeInterval(-60), expiresAt: time.addingTimeInterval(expiresIn))
    }

    @Test func enforcePolicyIsFetchedAndCached() async throws {
        let lab = try Lab()
        let r = await lab.resolver.resolve("Enforce.Web.Test.")
        #expect(r.source == .fetched)
        #expect(r.domain == "enforce.web.test")
        #expect(r.id == "enforce1")
        #expect(r.policy?.mode == .enforce)
        #expect(r.policy?.mx.map(\.text) == ["mx1.enforce.web.test", "*.backup.enforce.web.test"])
        #expect(r.policy?.maxAge == 86_400)
        #expect(r.expiresAt == lab.clock.now.addingTimeInterval(86_400))
        #expect(r.reason == nil)
        #expect(try await lab.storage.load("enforce.web.test")?.id == "enforce1")
        #expect(r.policy?.matches(mxHost: "mx2.backup.enforce.web.test") == true)
        #expect(r.policy?.matches(mxHost: "a.b.backup.enforce.web.test") == false)  // §4.1: one label only
    }

    @Test func testingAndNoneModes() async throws {
        let lab = try Lab()
        #expect(await lab.resolver.resolve("testing.web.test").policy?.mode == .testing)
        let none = await lab.resolver.resolve("none.web.test")
        #expect(none.policy?.mode == MTASTSPolicy.Mode.none)
        #expect(none.policy?.mx == [])
    }

    /// Each case leaves no policy, with a reason naming the problem (RFC 8461 §3.1, §3.3).
    @Test(arguments: [
        ("notxt.web.test", "no TXT record begins with \"v=STSv1\""),
        ("twotxt.web.test", "2"),
        ("badid.web.test", "bad_id!"),
        ("redirect.web.test", "redirect refused"),
        ("wrongcert.web.test", "TLS with mta-sts.wrongcert.web.test failed"),
        ("selfsignedsts.web.test", "TLS with mta-sts.selfsignedsts.web.test failed"),
        ("missing.web.test", "HTTP status 404"),
        ("slow.web.test", "timed out"),
        ("nosuchdomain.web.test", "no TXT record"),
    ])
    func noPolicyApplies(domain: String, reason: String) async throws {
        let lab = try Lab()
        let r = await lab.resolver.resolve(domain)
        #expect(r.source == .none)
        #expect(r.policy == nil)
        #expect(r.reason?.contains(reason) == true, "\(r.reason ?? "nil")")
    }

    @Test func oversizedPolicyIsRefused() async throws {
        let root = try labVariable("STOCKADE_LAB_HTTPS_ROOT")
        let directory = "\(root)/mta-sts.oversized.web.test/.well-known"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let body = "version: STSv1\nmode: enforce\nmx: mx.oversized.web.test\nmax_age: 86400\n" + String(repeating: "x: y\n", count: 14_000)
        try Data(body.utf8).write(to: URL(fileURLWithPath: "\(directory)/mta-sts.txt"))
        let r = await (try Lab()).resolver.resolve("oversized.web.test")
        #expect(r.source == .none)
        #expect(r.reason?.contains("larger than 65536") == true, "\(r.reason ?? "nil")")
    }

    @Test func unchangedIDRenewsTheCachedPolicyWithoutAFetch() async throws {
        let clock = TestClock(Date())
        // The cache says mx other.enforce.web.test under the id the TXT record still shows: no fetch happens.
        let lab = try Lab(seed: [Self.cached("enforce.web.test", id: "enforce1", mx: "other.enforce.web.test", at: clock.now)], clock: clock)
        let r = await lab.resolver.resolve("enforce.web.test")
        #expect(r.source == .cache)
        #expect(r.policy?.mx.map(\.text) == ["other.enforce.web.test"])
        #expect(r.expiresAt == clock.now.addingTimeInterval(86_400))
        #expect(r.reason?.contains("unchanged") == true)
        // Due for the refresher only in the last quarter of its max_age; then it fetches even with the id unchanged.
        #expect(await lab.resolver.dueForRefresh(at: clock.now).isEmpty)
        #expect(await lab.resolver.dueForRefresh(at: clock.now.addingTimeInterval(86_400 * 3 / 4 + 1)).map(\.domain) == ["enforce.web.test"])
        let refreshed = await lab.resolver.refresh("enforce.web.test")
        #expect(refreshed.source == .fetched)
        #expect(refreshed.policy?.mx.map(\.text) == ["mx1.enforce.web.test", "*.backup.enforce.web.test"])
    }

    @Test func changedIDFetches() async throws {
        let clock = TestClock(Date())
        let lab = try Lab(seed: [Self.cached("changed.web.test", id: "changed1", mx: "old.changed.web.test", at: clock.now)], clock: clock)
        let r = await lab.resolver.resolve("changed.web.test")
        #expect(r.source == .fetched)
        #expect(r.id == "changed2")
        #expect(r.policy?.mx.map(\.text) == ["mx.changed.web.test", "mx2.changed.web.test"])
    }

    @Test func failuresNeverEvictAnUnexpiredPolicy() async throws {
        let clock = TestClock(Date())
        let lab = try Lab(seed: [
            Self.cached("down.web.test", id: "down0", mx: "mx.down.web.test", at: clock.now),       // host down
            Self.cached("notxt.web.test", id: "gone1", mx: "mx.notxt.web.test", at: clock.now),     // TXT removed
            Self.cached("missing.web.test", id: "old1", mx: "mx.missing.web.test", at: clock.now),  // 404
        ], clock: clock)
        let down = await lab.resolver.resolve("down.web.test")
        #expect(down.source == .cache)
        #expect(down.policy?.mx.map(\.text) == ["mx.down.web.test"])
        #expect(down.reason?.contains("cannot connect to mta-sts.down.web.test") == true, "\(down.reason ?? "nil")")
        // Within the 60 s grace the same answer comes from memory, without any lookup.
        #expect(await lab.resolver.resolve("down.web.test") == down)
        // After it, the failed id backs off: the next lookup does not fetch again.
        clock.advance(61)
        let again = await lab.resolver.resolve("down.web.test")
        #expect(again.source == .cache)
        #expect(again.reason?.contains("failed recently") == true, "\(again.reason ?? "nil")")
        #expect(await lab.resolver.resolve("notxt.web.test").source == .cache)
        #expect(await lab.resolver.resolve("missing.web.test").source == .cache)
    }

    @Test func maxAgeExpiryEvicts() async throws {
        let clock = TestClock(Date())
        let lab = try Lab(seed: [Self.cached("notxt.web.test", id: "gone1", mx: "mx.notxt.web.test", expiresIn: 10, at: clock.now)],
                          clock: clock)
        #expect(await lab.resolver.resolve("notxt.web.test").source == .cache)
        clock.advance(11)
        let r = await lab.resolver.resolve("notxt.web.test")
        #expect(r.source == .none)
        #expect(try await lab.storage.load("notxt.web.test") == nil)
    }
}

/// Issue 13, "Also": a failing policy cache is counted and logged, and the resolver still answers from the network.
@Suite("MTA-STS resolver with a failing cache")
struct FailingCacheTests {
    struct BrokenStorage: PolicyCacheStorage {
        struct Broken: Error {}
        func load(_ domain: String) async throws -> CachedPolicy? { throw Broken() }
        func save(_ policy: CachedPolicy) async throws { throw Broken() }
        func remove(_ domain: String) async throws { throw Broken() }
        func all() async throws -> [CachedPolicy] { throw Broken() }
    }

    @Test func storageFailuresAreCountedAndLogged() async throws {
        let dns = DNS.Resolver<ContinuousClock>(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        let fetcher = try HTTPFetcher(resolver: dns, trustRoots: .only(pemFiles: [try labVariable("STOCKADE_LAB_CA")]))
        var configuration = MTASTSResolver.Configuration()
        configuration.port = Int(try labVariable("STOCKADE_LAB_HTTPS_PORT")) ?? 443
        let lines = LogLines()
        let resolver = MTASTSResolver(resolver: dns, fetcher: fetcher, storage: BrokenStorage(), configuration: configuration,
                                      logger: Logger(label: "test") { _ in lines })
        let r = await resolver.resolve("enforce.web.test")
        #expect(r.source == .fetched)
        #expect(r.policy?.mode == .enforce)
        #expect(resolver.storageFailures == 2)  // the load, then the save of the fetched policy
        #expect(await resolver.dueForRefresh(at: Date()).isEmpty)
        #expect(resolver.storageFailures == 3)
        #expect(lines.messages == [String](repeating: "warning MTA-STS policy cache storage failed", count: 3))
    }
}

/// Collects what is logged as `level message`.
final class LogLines: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var messages: [String] { lock.withLock { stored } }
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        lock.withLock { stored.append("\(event.level) \(event.message)") }
    }
}
