public import Logging
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// A stub resolver that asks configured recursive servers and reports, for every answer, what DNSSEC proved.
///
/// Queries go over UDP with EDNS0 (DO bit, 1232-octet payload) from a random port with a random ID, fall back to
/// TCP when the reply is truncated (RFC 7766 §5), move to the next server on timeout or network error, follow
/// CNAME chains (bounded, loops rejected), cache answers by TTL, and coalesce identical concurrent queries.
public final class Resolver<C: Clock>: Sendable where C.Duration == Duration {
    /// The most CNAME records followed for one question.
    public static var maximumCNAMEHops: Int { 8 }

    public let configuration: ResolverConfiguration
    private let clock: C
    private let transport: Transport
    private let logger: Logger
    private let state: Mutex<State>

    /// An answer and when it leaves the cache (nil: it was not cached).
    private typealias Lookup = (answer: Answer, expires: C.Instant?)

    private enum Source {
        case cached(Lookup)
        case shared(Task<Lookup, any Error>)
    }

    /// Counters for operators and tests.
    public struct Statistics: Sendable, Hashable {
        /// Queries sent to servers (UDP and TCP retries count once each).
        public var queriesSent = 0
        /// Lookups answered from the cache.
        public var cacheHits = 0
        /// Lookups that joined an identical query already in flight.
        public var coalesced = 0
    }

    private struct State: Sendable {
        var statistics = Statistics()
        var cache: AnswerCache<C>
        var inFlight: [AnswerCache<C>.Key: Task<Lookup, any Error>] = [:]
    }

    /// A resolver on the given configuration and clock.
    public init(configuration: ResolverConfiguration, clock: C, logger: Logger = Logger(label: "stockade.dns", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.configuration = configuration
        self.clock = clock
        self.transport = Transport(group: MultiThreadedEventLoopGroup.singleton)
        self.logger = logger
        self.state = Mutex(State(cache: AnswerCache(capacity: configuration.cacheCapacity, maximumTTL: configuration.maximumCacheTTL)))
    }

    /// What the resolver did so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// The number of answers in the cache.
    public var cachedAnswerCount: Int { state.withLock { $0.cache.count } }

    /// Resolves `name` and `type`, following CNAMEs. Throws only when no answer could be had; a negative or failed
    /// answer (NXDOMAIN, NODATA, SERVFAIL) is returned with its status.
    public func resolve(_ name: DNSName, _ type: RecordType) async throws(DNSError) -> Answer {
        var answer = try await lookup(name, type)
        if Self.isInFinalOrder(answer.records, name: name, type: type) {
            // The usual answer: no CNAME, the RRset before anything else (its RRSIGs): what the loop below would give.
            answer.canonicalName = name
            answer.question = Question(name: name, type: type)
            return answer
        }
        var visited: Set<DNSName> = [name]
        var chain: [ResourceRecord] = []
        var status = answer.dnssec
        var current = name
        var hops = 0
        while true {
            // Walk the CNAMEs this response gives, starting at the current name.
            var advanced = false
            for record in answer.records where type != .cname && record.type == .cname && record.name == current {
                guard case .cname(let target) = record.data else { continue }
                chain.append(record)
                hops += 1
                guard hops <= Self.maximumCNAMEHops else { throw .cnameChainTooLong }
                guard visited.insert(target).inserted else { throw .cnameLoop(target.description) }
                current = target
                advanced = true
            }
            let finalRecords = answer.records.filter { $0.name == current && $0.type == type }
            if !advanced || !finalRecords.isEmpty || answer.responseCode != .noError {
                if advanced || !chain.isEmpty {
                    answer.records = chain + answer.records.filter { $0.type != .cname || !chain.contains($0) }
                }
                answer.records = Self.ordered(answer.records, chain: chain, final: finalRecords)
                answer.canonicalName = current
                answer.question = Question(name: name, type: type)
                answer.dnssec = status.combined(with: answer.dnssec)
                return answer
            }
            // The chain continues beyond this response: ask for the target.
            answer = try await lookup(current, type)
            status = status.combined(with: answer.dnssec)
        }
    }

    /// Resolves a name given as text.
    public func resolve(_ name: String, _ type: RecordType) async throws(DNSError) -> Answer {
        try await resolve(try DNSName(name), type)
    }

    /// Whether `records` hold no CNAME to follow and every record of the RRset at `name` comes before any other.
    private static func isInFinalOrder(_ records: [ResourceRecord], name: DNSName, type: RecordType) -> Bool {
        var sawOther = false
        for record in records {
            if type != .cname && record.type == .cname { return false }
            let isFinal = record.type == type && record.name == name
            if isFinal && sawOther { return false }
            sawOther = sawOther || !isFinal
        }
        return true
    }

    private static func ordered(_ records: [ResourceRecord], chain: [ResourceRecord], final: [ResourceRecord]) -> [ResourceRecord] {
        let others = records.filter { record in !chain.contains(record) && !final.contains(record) }
        return chain + final + others
    }

    /// The resolver's clock now: the time base of ``AnswerLifetime/until(_:)``.
    package var now: C.Instant { clock.now }

    /// Runs `body` and says how long its result stays what it is as far as DNS goes: until the first answer it used
    /// leaves the cache (after which the same lookups may give other records), ``AnswerLifetime/uncached`` when an
    /// answer it used was never cached (a failure, a zero TTL) or a lookup threw, ``AnswerLifetime/unbounded`` when
    /// it used no answer. Lookups of `body`'s child tasks count too (a task-local value).
    package func trackingLifetime<T: Sendable>(_ body: () async -> T) async -> (T, AnswerLifetime<C.Instant>) {
        let tracker = AnswerLifetimeTracker<C.Instant>()
        let result = await AnswerLifetimeTracking.$current.withValue(tracker) { await body() }
        return (result, tracker.lifetime)
    }

    /// One question, from the cache or shared with an identical query in flight, noted by a
    /// ``trackingLifetime(_:)`` around it.
    private func lookup(_ name: DNSName, _ type: RecordType) async throws(DNSError) -> Answer {
        do {
            let (answer, expires) = try await cachedOrQueried(name, type)
            AnswerLifetimeTracking.current?.note(expires)
            return answer
        } catch {
            AnswerLifetimeTracking.current?.note(C.Instant?.none)
            throw error
        }
    }

    private func cachedOrQueried(_ name: DNSName, _ type: RecordType) async throws(DNSError) -> Lookup {
        let key = AnswerCache<C>.Key(name: name.lowercased, type: type)
        let now = clock.now
        let source: Source = state.withLock { locked in
            if let cached = locked.cache.lookup(key, now: now) {
                locked.statistics.cacheHits += 1
                return .cached((cached.answer, cached.expires))
            }
            if let running = locked.inFlight[key] {
                locked.statistics.coalesced += 1
                return .shared(running)
            }
            let task = Task<Lookup, any Error> { [self] in
                defer { _ = state.withLock { $0.inFlight.removeValue(forKey: key) } }
                let answer = try await self.query(name, type)
                let stored = clock.now
                let expires = state.withLock { $0.cache.store(answer, for: key, now: stored) }
                return (answer, expires)
            }
            locked.inFlight[key] = task
            return .shared(task)
        }
        let task: Task<Lookup, any Error>
        switch source {
        case .cached(let hit): return hit
        case .shared(let running): task = running
        }
        do {
            return try await task.value
        } catch let error as DNSError {
            throw error
        } catch {
            throw .network("\(error)")
        }
    }

    /// Asks the servers in turn until one gives a usable response.
    private func query(_ name: DNSName, _ type: RecordType) async throws(DNSError) -> Answer {
        guard !configuration.servers.isEmpty else { throw .noServers }
        var lastError = DNSError.noServers
        var lastFailure: Answer?
        for _ in 0..<max(configuration.attempts, 1) {
            for server in configuration.servers {
                let query = Message.query(id: UInt16.random(in: .min ... .max), name: name, type: type)
                state.withLock { $0.statistics.queriesSent += 1 }
                do {
                    var response = try await transport.udp(query, to: server, timeout: configuration.timeout)
                    var used = Answer.Transport.udp
                    if response.header.isTruncated {
                        logger.debug("truncated reply, retrying over TCP", metadata: ["name": "\(name)", "server": "\(server)"])
                        response = try await transport.tcp(query, to: server, timeout: configuration.timeout)
                        used = .tcp
                    }
                    let answer = makeAnswer(response, question: Question(name: name, type: type), server: server, transport: used)
                    Self.count(outcome: answer.responseCode.description, dnssec: answer.dnssec.name)
                    if answer.responseCode == .serverFailure || answer.responseCode == .refused {
                        lastFailure = answer
                        continue
                    }
                    return answer
                } catch {
                    logger.debug("no answer from server", metadata: ["server": "\(server)", "error": "\(error)"])
                    Self.count(outcome: error.category, dnssec: "none")
                    lastError = error
                }
            }
            if lastFailure != nil { break }
        }
        if let lastFailure { return lastFailure }
        throw lastError
    }

    /// `stockade_dns_queries_total{rcode, dnssec}`: one per query sent, by the response code (`NOERROR`, `NXDOMAIN`,
    /// `SERVFAIL`, …) and DNSSEC status of its answer, or by the error when none came (`timeout`, `network`; dnssec
    /// `none`). Goes nowhere unless the process bootstrapped swift-metrics (`stockade serve` with `metrics`).
    private static func count(outcome: String, dnssec: String) {
        Counter(label: "stockade_dns_queries_total", dimensions: [("rcode", outcome), ("dnssec", dnssec)]).increment()
    }

    private func makeAnswer(_ response: Message, question: Question, server: SocketAddress, transport: Answer.Transport) -> Answer {
        let errors = response.edns?.extendedErrors ?? []
        let trusted = configuration.isTrusted(server)
        let status: DNSSECStatus
        if !trusted {
            status = .indeterminate
        } else if response.responseCode == .serverFailure && !errors.isEmpty && !errors.contains(where: \.isDNSSECFailure) {
            // RFC 8914: the resolver says why it failed, and it was not validation.
            status = .indeterminate
        } else if response.responseCode == .serverFailure {
            let reason = errors.map(\.description).joined(separator: "; ")
            status = .bogus(reason: reason.isEmpty ? "SERVFAIL from the validating resolver" : reason)
        } else {
            status = response.header.authenticData ? .secure : .insecure
        }
        return Answer(
            question: question, responseCode: response.responseCode, dnssec: status, records: response.answers,
            authority: response.authority, canonicalName: question.name, extendedErrors: errors,
            server: Transport.describe(server), transport: transport)
    }
}

extension Resolver where C == ContinuousClock {
    /// A resolver on the continuous clock.
    public convenience init(configuration: ResolverConfiguration, logger: Logger = Logger(label: "stockade.dns", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.init(configuration: configuration, clock: ContinuousClock(), logger: logger)
    }
}
