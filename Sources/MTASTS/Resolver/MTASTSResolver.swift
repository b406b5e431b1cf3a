public import DNS
public import Foundation
public import HTTPFetch
public import Logging
import Metrics
import Synchronization

/// A sender's MTA-STS policy discovery (RFC 8461 §3 and §5.1) with a cache that outlives failures.
///
/// - The `_mta-sts` TXT record is looked up through Stockade's resolver. Its id unchanged from the cached policy's:
///   the cached policy is renewed for another max_age without a fetch. A new id: the policy is fetched.
/// - The policy is fetched from `https://mta-sts.<domain>/.well-known/mta-sts.txt` (§3.3): certificate valid for
///   exactly that host, TLS 1.2 or newer, status 200, no redirects, `text/plain`, at most 64 KiB, within a timeout.
/// - A failed fetch, a missing or invalid TXT record, or a DNS failure never evicts an unexpired cached policy;
///   only max_age does. Failed fetches of one id back off (doubling from ``Configuration/initialBackoff``).
public final class MTASTSResolver: Sendable {
    /// Timeouts and backoff.
    public struct Configuration: Sendable, Hashable {
        /// The whole fetch, connection to last byte: 10 s by default.
        public var fetchTimeout: Duration = .seconds(10)
        /// The policy host's port: 443 (tests use another).
        public var port = 443
        /// The first pause after a failed fetch of an id; doubled per failure up to ``maximumBackoff``.
        public var initialBackoff: TimeInterval = 60
        public var maximumBackoff: TimeInterval = 3600
        /// A policy checked (TXT record looked up) this recently is answered from memory without any lookup, as
        /// postfix-mta-sts-resolver's `cache_grace` does: 60 s.
        public var grace: TimeInterval = 60

        public init() {}
    }

    private let resolver: DNS.Resolver<ContinuousClock>
    private let fetcher: HTTPFetcher
    private let storage: any PolicyCacheStorage
    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let failedStorageCalls = Atomic<Int>(0)
    private let backoff = Mutex<[String: (id: String, until: Date, failures: Int)]>([:])
    /// Parsed policies by domain, with when their TXT record was last checked.
    private let recent = Mutex<[String: (resolution: PolicyResolution, checkedAt: Date)]>([:])
    private let policyChanges = Atomic<UInt64>(0)

    /// - Parameter logger: where failures of the policy cache's storage are reported (warning); the resolver goes on
    ///   without the cache, as if it were empty. Silent by default.
    public init(resolver: DNS.Resolver<ContinuousClock>, fetcher: HTTPFetcher, storage: any PolicyCacheStorage,
                configuration: Configuration = Configuration(), now: @escaping @Sendable () -> Date = Date.init,
                logger: Logger = Logger(label: "stockade.mtasts", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.resolver = resolver
        self.fetcher = fetcher
        self.storage = storage
        self.configuration = configuration
        self.now = now
        self.logger = logger
    }

    /// How many calls to the policy cache's storage failed since this resolver was made.
    public var storageFailures: Int { failedStorageCalls.load(ordering: .relaxed) }

    /// Runs one storage call; a failure is counted and logged, and answered as nil.
    private func stored<T>(_ operation: String, _ domain: String?, _ call: () async throws -> T) async -> T? {
        do {
            return try await call()
        } catch {
            failedStorageCalls.add(1, ordering: .relaxed)
            logger.warning("MTA-STS policy cache storage failed",
                           metadata: ["operation": "\(operation)", "domain": "\(domain ?? "*")", "error": "\(error)"])
            return nil
        }
    }

    /// The policy that applies to mail for `domain` now.
    public func resolve(_ domain: String) async -> PolicyResolution {
        await resolve(domain, forceFetch: false).resolution
    }

    /// The policy that applies to mail for `domain` now, with how long ``resolve(_:)`` keeps giving it (see
    /// ``ReusableResolution``).
    package func resolveForReuse(_ domain: String) async -> ReusableResolution {
        await resolve(domain, forceFetch: false)
    }

    /// Fetches the policy again even when the TXT id is unchanged (the proactive refresher), keeping the cached one
    /// if that fails.
    public func refresh(_ domain: String) async -> PolicyResolution {
        await resolve(domain, forceFetch: true).resolution
    }

    /// Counts the times the policy held in memory for a domain changed (fetched anew, replaced by a refresh, gone):
    /// a result saved with another count may no longer be what ``resolve(_:)`` gives.
    package var policyChangeCount: UInt64 { policyChanges.load(ordering: .acquiring) }

    /// The time source of expiries and the grace.
    package var currentTime: Date { now() }

    /// Cached policies with less than a quarter of their max_age left at `time`, for the refresher.
    public func dueForRefresh(at time: Date) async -> [CachedPolicy] {
        (await stored("all", nil) { try await storage.all() } ?? []).filter { cached in
            guard let policy = try? MTASTSPolicy(parsing: Array(cached.text.utf8)) else { return true }
            return cached.expiresAt.timeIntervalSince(time) < TimeInterval(policy.maxAge) / 4
        }
    }

    private func resolve(_ rawDomain: String, forceFetch: Bool) async -> ReusableResolution {
        var domain = rawDomain.lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        let generation = policyChangeCount
        let time = now()
        if !forceFetch, let hit = recent.withLock({ $0[domain] }), time.timeIntervalSince(hit.checkedAt) < configuration.grace,
           let expiry = hit.resolution.expiresAt, expiry > time {
            // From memory: a policy fetched a moment ago is now a cached one.
            let r = hit.resolution
            return ReusableResolution(
                resolution: PolicyResolution(domain: r.domain, policy: r.policy, id: r.id, source: .cache, expiresAt: r.expiresAt,
                                             reason: r.reason),
                reusableUntil: min(hit.checkedAt.addingTimeInterval(configuration.grace), expiry), policyGeneration: generation)
        }
        let resolution = await lookUp(domain, at: time, forceFetch: forceFetch)
        let changed = recent.withLock { state in
            let before = state[domain]?.resolution.policy
            if resolution.policy != nil { state[domain] = (resolution, time) } else { state.removeValue(forKey: domain) }
            return before != resolution.policy
        }
        var reusedGeneration = generation
        if changed {
            // This resolution's own change; any other since it began leaves a count no later check matches.
            let count = policyChanges.add(1, ordering: .acquiringAndReleasing).newValue
            reusedGeneration = count == generation &+ 1 ? count : .max
        }
        var reusableUntil = time.addingTimeInterval(configuration.grace)
        if let expiry = resolution.expiresAt { reusableUntil = min(reusableUntil, expiry) }
        if resolution.policy == nil, let until = backoff.withLock({ $0[domain]?.until }) { reusableUntil = min(reusableUntil, until) }
        return ReusableResolution(resolution: resolution, reusableUntil: reusableUntil, policyGeneration: reusedGeneration)
    }

    private func lookUp(_ domain: String, at time: Date, forceFetch: Bool) async -> PolicyResolution {
        var cached = await stored("load", domain) { try await storage.load(domain) } ?? nil
        if let c = cached, c.expiresAt <= time {
            _ = await stored("remove", domain) { try await storage.remove(domain) }  // max_age alone evicts (RFC 8461 §5.1)
            cached = nil
        }
        let cachedPolicy = cached.flatMap { c in (try? MTASTSPolicy(parsing: Array(c.text.utf8))).map { (c, $0) } }

        func fromCache(_ reason: String) -> PolicyResolution {
            guard let (c, policy) = cachedPolicy else { return .none(domain, reason) }
            return PolicyResolution(domain: domain, policy: policy, id: c.id, source: .cache, expiresAt: c.expiresAt, reason: reason)
        }

        let record: MTASTSRecord
        switch await lookupRecord(domain) {
        case .success(let r): record = r
        case .failure(let problem): return fromCache(problem.reason)
        }
        if let (c, policy) = cachedPolicy, c.id == record.id, !forceFetch {
            var renewed = c
            renewed.expiresAt = time.addingTimeInterval(TimeInterval(policy.maxAge))
            if renewed.expiresAt.timeIntervalSince(c.expiresAt) >= configuration.grace {  // no write per lookup
                _ = await stored("save", domain) { try await storage.save(renewed) }
            } else {
                renewed = c
            }
            return PolicyResolution(domain: domain, policy: policy, id: c.id, source: .cache, expiresAt: renewed.expiresAt,
                                    reason: "TXT id \(c.id) unchanged: renewed without a fetch")
        }
        if let until = backedOff(domain, id: record.id, at: time) {
            return fromCache("fetching id \(record.id) failed recently; next attempt after \(until.formatted(.iso8601))")
        }
        switch await fetchPolicy(domain) {
        case .success(let (policy, text)):
            backoff.withLock { _ = $0.removeValue(forKey: domain) }
            let entry = CachedPolicy(domain: domain, id: record.id, text: text, fetchedAt: time,
                                     expiresAt: time.addingTimeInterval(TimeInterval(policy.maxAge)))
            _ = await stored("save", domain) { try await storage.save(entry) }
            return PolicyResolution(domain: domain, policy: policy, id: record.id, source: .fetched, expiresAt: entry.expiresAt,
                                    reason: nil)
        case .failure(let problem):
            noteFailure(domain, id: record.id, at: time)
            return fromCache(problem.reason)
        }
    }

    /// The one valid `v=STSv1` TXT record of `_mta-sts.<domain>` (RFC 8461 §3.1), or why there is none.
    func lookupRecord(_ domain: String) async -> Result<MTASTSRecord, Problem> {
        let answer: Answer
        do {
            answer = try await resolver.resolve("_mta-sts.\(domain)", .txt)
        } catch {
            return .failure(Problem("DNS lookup of _mta-sts.\(domain) failed: \(error.reason)"))
        }
        guard answer.responseCode == .noError || answer.responseCode == .nameError else {
            return .failure(Problem("DNS lookup of _mta-sts.\(domain) failed: \(answer.responseCode) (\(answer.dnssec))"))
        }
        let texts: [[String]] = answer.rrset.compactMap {
            if case .txt(let strings) = $0.data { strings.map { String(decoding: $0, as: UTF8.self) } } else { nil }
        }
        do {
            return .success(try MTASTSRecord(parsing: texts))
        } catch {
            return .failure(Problem("_mta-sts.\(domain): \(error.reason)"))
        }
    }

    /// The policy file, parsed, and its text (RFC 8461 §3.3, §3.2).
    func fetchPolicy(_ domain: String) async -> Result<(MTASTSPolicy, String), Problem> {
        let url = "https://mta-sts.\(domain)/.well-known/mta-sts.txt"
        let policy = FetchPolicy(maximumBodySize: MTASTSPolicy.maximumSize, timeout: configuration.fetchTimeout, redirects: .none,
                                 requiredContentType: "text/plain", port: configuration.port)
        do {
            let response = try await fetcher.get(url, policy: policy)
            let parsed = try MTASTSPolicy(parsing: response.body)
            Self.countFetch("fetched")
            return .success((parsed, parsed.originalText))
        } catch let error as HTTPFetchError {
            Self.countFetch(error.category)
            return .failure(Problem("fetching \(url): \(error.reason)"))
        } catch {
            Self.countFetch("invalidPolicy")
            return .failure(Problem("the policy at \(url) is invalid: \(error)"))
        }
    }

    /// `stockade_mtasts_policy_fetches_total{result}`: each policy fetch, `fetched` or why it failed (the
    /// ``HTTPFetchError/category`` such as `tls`, `timeout`, `status`, `contentType`, or `invalidPolicy`).
    private static func countFetch(_ result: String) {
        Counter(label: "stockade_mtasts_policy_fetches_total", dimensions: [("result", result)]).increment()
    }

    private func backedOff(_ domain: String, id: String, at time: Date) -> Date? {
        backoff.withLock { state in
            guard let entry = state[domain], entry.id == id, entry.until > time else { return nil }
            return entry.until
        }
    }

    private func noteFailure(_ domain: String, id: String, at time: Date) {
        backoff.withLock { state in
            let failures = (state[domain]?.id == id ? state[domain]?.failures ?? 0 : 0) + 1
            let pause = min(configuration.initialBackoff * pow(2, Double(failures - 1)), configuration.maximumBackoff)
            state[domain] = (id, time.addingTimeInterval(pause), failures)
        }
    }

    /// Why no fresh policy could be had.
    struct Problem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
