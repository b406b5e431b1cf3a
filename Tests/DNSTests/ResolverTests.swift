import DNS
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The resolver against the running lab: real nsd and a validating unbound on loopback.
@Suite("Resolver (lab)")
struct ResolverTests {
    @Test func signedZoneIsSecure() async throws {
        let answer = try await Lab.resolver().resolve("www.secure.test", .a)
        #expect(answer.responseCode == .noError)
        #expect(answer.dnssec == .secure)
        #expect(answer.rrset.map(\.data) == [.a(IPv4Address("127.0.1.10")!)])
        #expect(answer.transport == .udp)
    }

    @Test func unsignedZoneIsInsecure() async throws {
        let answer = try await Lab.resolver().resolve("www.insecure.test", .a)
        #expect(answer.dnssec == .insecure)
        #expect(answer.rrset.map(\.data) == [.a(IPv4Address("127.0.3.1")!)])
    }

    @Test func alteredRecordIsBogusWithTheExtendedError() async throws {
        let answer = try await Lab.resolver().resolve("www.bogus.test", .a)
        #expect(answer.responseCode == .serverFailure)
        #expect(answer.rrset.isEmpty)
        #expect(answer.extendedErrors.map(\.infoCode) == [6])
        guard case .bogus(let reason) = answer.dnssec else {
            Issue.record("expected bogus, got \(answer.dnssec)")
            return
        }
        #expect(reason.hasPrefix("6 (DNSSEC Bogus)"))
    }

    @Test func expiredSignaturesAreBogus() async throws {
        let answer = try await Lab.resolver().resolve("www.expired.test", .a)
        #expect(answer.extendedErrors.map(\.infoCode) == [7])
        #expect(answer.dnssec.name == "bogus")
    }

    @Test func nsec3SignedZoneIsSecureIncludingDenial() async throws {
        let resolver = try Lab.resolver()
        #expect(try await resolver.resolve("www.nsec3.test", .a).dnssec == .secure)
        let missing = try await resolver.resolve("nope.nsec3.test", .a)
        #expect(missing.isNXDomain)
        #expect(missing.dnssec == .secure)
    }

    @Test func untrustedResolverIsIndeterminate() async throws {
        let answer = try await Lab.resolver(trust: .none).resolve("www.secure.test", .a)
        #expect(answer.dnssec == .indeterminate)
        #expect(answer.rrset.count == 1)
    }

    @Test func nxdomainAndNodataAreDistinguished() async throws {
        let resolver = try Lab.resolver()
        let missing = try await resolver.resolve("does-not-exist.secure.test", .a)
        #expect(missing.isNXDomain)
        #expect(!missing.isNoData)
        #expect(missing.dnssec == .secure)
        let empty = try await resolver.resolve("nodata.secure.test", .aaaa)
        #expect(empty.responseCode == .noError)
        #expect(empty.isNoData)
        #expect(!empty.isNXDomain)
        #expect(empty.dnssec == .secure)
    }

    @Test func cnameChainIsFollowed() async throws {
        let answer = try await Lab.resolver().resolve("alias1.secure.test", .a)
        #expect(answer.canonicalName == (try DNSName("www.secure.test")))
        #expect(answer.records.prefix(2).map(\.type) == [.cname, .cname])
        #expect(answer.rrset.map(\.data) == [.a(IPv4Address("127.0.1.10")!)])
        #expect(answer.dnssec == .secure)
    }

    @Test func cnameChainIsFollowedAcrossQueries() async throws {
        // nsd answers authoritatively: it gives the chain inside its zone; the resolver assembles the rest.
        let answer = try await Lab.authoritativeResolver().resolve("alias1.secure.test", .aaaa)
        #expect(answer.canonicalName == (try DNSName("www.secure.test")))
        #expect(answer.rrset.map(\.data) == [.aaaa(IPv6Address("2001:db8::10")!)])
    }

    @Test func cnameLoopIsRejected() async throws {
        await #expect(throws: DNSError.cnameLoop("")) {
            try await Lab.authoritativeResolver().resolve("loop1.secure.test", .a)
        }
        // unbound detects the loop itself and fails the lookup.
        let viaUnbound = try await Lab.resolver().resolve("loop1.secure.test", .a)
        #expect(viaUnbound.responseCode == .serverFailure)
    }

    @Test func truncatedAnswerFallsBackToTCP() async throws {
        let answer = try await Lab.resolver().resolve("big.secure.test", .txt)
        #expect(answer.transport == .tcp)
        #expect(answer.dnssec == .secure)
        guard case .txt(let strings) = answer.rrset.first?.data else {
            Issue.record("no TXT record")
            return
        }
        #expect(strings.count == 20)
        #expect(strings.allSatisfy { $0.count == 100 })
        let dig = try Lab.dig(["+short", "+tcp", "big.secure.test", "TXT"], server: try Lab.resolverAddress())
        #expect([answer.rrset[0].data.presentation] == dig)
    }

    @Test func deadServerTimesOutAndTheNextIsTried() async throws {
        let silent = try SilentUDPServer()
        defer { silent.close() }
        var configuration = try ResolverConfiguration(servers: ["127.0.0.1:\(silent.port)", try Lab.resolverAddress()])
        configuration.timeout = .milliseconds(300)
        let resolver = Resolver(configuration: configuration)
        let started = ContinuousClock.now
        let answer = try await resolver.resolve("www.secure.test", .a)
        let elapsed = ContinuousClock.now - started
        #expect(answer.server == (try Lab.resolverAddress()))
        #expect(answer.dnssec == .secure)
        #expect(elapsed >= .milliseconds(300), "the silent server must have been waited for")
        #expect(resolver.statistics.queriesSent == 2)
    }

    @Test func everyServerSilentThrowsTimeout() async throws {
        let silent = try SilentUDPServer()
        defer { silent.close() }
        var configuration = try ResolverConfiguration(servers: ["127.0.0.1:\(silent.port)"])
        configuration.timeout = .milliseconds(100)
        configuration.attempts = 2
        let resolver = Resolver(configuration: configuration)
        await #expect(throws: DNSError.timeout("")) { try await resolver.resolve("www.secure.test", .a) }
        #expect(resolver.statistics.queriesSent == 2)
    }

    @Test func answersAreCachedUntilTheirTTLRunsOut() async throws {
        let clock = ManualClock()
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try Lab.resolverAddress()]), clock: clock)
        let first = try await resolver.resolve("www.secure.test", .a)
        let ttl = try #require(first.rrset.first?.ttl)
        clock.advance(by: .seconds(10))
        let second = try await resolver.resolve("www.secure.test", .a)
        #expect(second.transport == .cache)
        #expect(second.rrset.first?.ttl == ttl - 10, "cached TTLs count down")
        #expect(second.dnssec == .secure)
        #expect(resolver.statistics.queriesSent == 1)
        clock.advance(by: .seconds(Int64(ttl)))
        let third = try await resolver.resolve("www.secure.test", .a)
        #expect(third.transport == .udp)
        #expect(resolver.statistics.queriesSent == 2)
    }

    @Test func negativeAnswersAreCachedForTheSOAMinimum() async throws {
        let clock = ManualClock()
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try Lab.resolverAddress()]), clock: clock)
        let first = try await resolver.resolve("nothing-here.secure.test", .a)
        #expect(first.isNXDomain)
        // RFC 2308 §5: the lesser of the SOA record's TTL and its MINIMUM field.
        let negativeTTL = try #require(first.authority.lazy.compactMap { record -> UInt32? in
            guard case .soa(let soa) = record.data else { return nil }
            return min(record.ttl, soa.minimum)
        }.first)
        try #require(negativeTTL >= 2)
        clock.advance(by: .seconds(Int64(negativeTTL) - 1))
        #expect(try await resolver.resolve("nothing-here.secure.test", .a).transport == .cache)
        clock.advance(by: .seconds(1))
        #expect(try await resolver.resolve("nothing-here.secure.test", .a).transport == .udp)
    }

    @Test func bogusAnswersAreNotCached() async throws {
        let resolver = try Lab.resolver()
        _ = try await resolver.resolve("www.bogus.test", .a)
        _ = try await resolver.resolve("www.bogus.test", .a)
        #expect(resolver.statistics.cacheHits == 0)
    }

    @Test func identicalConcurrentQueriesAreCoalesced() async throws {
        let resolver = try Lab.resolver()
        let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
            for _ in 0..<50 { group.addTask { try await resolver.resolve("mx1.secure.test", .a) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 50)
        #expect(Set(answers.map { $0.rrset.map(\.data) }).count == 1)
        #expect(resolver.statistics.queriesSent == 1, "50 identical lookups, one query on the wire")
        #expect(resolver.statistics.coalesced + resolver.statistics.cacheHits == 49)
    }
}

/// A UDP socket on loopback that never answers: a dead server.
final class SilentUDPServer: @unchecked Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw Lab.LabError.toolFailed("bind", errno) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
