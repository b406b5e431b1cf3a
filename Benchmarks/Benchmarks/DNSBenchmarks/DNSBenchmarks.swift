// Benchmarks of the DNS library (issue 2): wire decode and encode, and the resolver with and without its cache.
//
// The resolver benchmarks need the lab's validating unbound (`lab/lab.sh up`); they ask the server named by
// STOCKADE_RESOLVER (default 127.0.0.1:53531). With STOCKADE_BENCH_DUMP_DIR set, the setup also writes the two
// response messages to that folder (mx-response.bin, txt-response.bin) so a peer can decode the same bytes
// (Benchmarks/peers/dnspython_decode.py). Results and commands: docs/benchmarks.md.
import Benchmark
import DNS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Messages built from the public API

/// A name written in the benchmark source; a typo here is a programming error.
private func name(_ text: String) -> DNSName {
    do { return try DNSName(text) } catch { fatalError("bad name \(text): \(error)") }
}

/// An ECDSA P-256 (algorithm 13) signature record like the lab's: a 64-octet signature by `secure.test`.
private func signature(covering type: RecordType, owner: DNSName, seed: UInt8) -> ResourceRecord {
    let rrsig = RRSIG(
        typeCovered: type, algorithm: 13, labels: UInt8(owner.labels.count), originalTTL: 300,
        expiration: 1_800_000_000, inception: 1_700_000_000, keyTag: 40_123, signerName: name("secure.test"),
        signature: (0..<64).map { UInt8(truncatingIfNeeded: Int($0) &* 37 &+ Int(seed)) })
    return ResourceRecord(name: owner, type: .rrsig, ttl: 300, data: .rrsig(rrsig))
}

private func address(_ text: String) -> RecordData {
    guard let address = IPv4Address(text) else { fatalError("bad address \(text)") }
    return .a(address)
}

private let responseHeader = Header(
    id: 0x5A17, isResponse: true, recursionDesired: true, recursionAvailable: true, authenticData: true)

/// What a validating resolver answers to `secure.test MX` with DO set: two MX records, their RRSIG, EDNS.
/// 187 octets on the wire.
private let mxResponse: Message = {
    let apex = name("secure.test")
    return Message(
        header: responseHeader,
        questions: [Question(name: apex, type: .mx)],
        answers: [
            ResourceRecord(name: apex, type: .mx, ttl: 300, data: .mx(MX(preference: 10, exchange: name("mx1.secure.test")))),
            ResourceRecord(name: apex, type: .mx, ttl: 300, data: .mx(MX(preference: 20, exchange: name("mx2.secure.test")))),
            signature(covering: .mx, owner: apex, seed: 1),
        ],
        edns: EDNS(udpPayloadSize: 1232, dnssecOK: true))
}()

/// A larger answer, 1045 octets: ten TXT records of a busy mail domain (SPF, DMARC-like and site-verification
/// strings) with their RRSIG, the zone's NS with its RRSIG in authority, and four A records in additional.
private let txtResponse: Message = {
    let apex = name("secure.test")
    let texts = [
        "v=spf1 mx ip4:192.0.2.0/24 ip4:198.51.100.0/24 include:_spf.secure.test -all",
        "google-site-verification=Wq0rJ3aT4s5y6u7i8o9p0aSdFgHjKlZxCvBnM1234",
        "MS=ms81234567",
        "apple-domain-verification=AbCdEfGhIjKlMnOp",
        "facebook-domain-verification=0123456789abcdefghijklmnopqrst",
        "stripe-verification=5f1e2d3c4b5a69788796a5b4c3d2e1f0aabbccddeeff00112233445566778899",
        "atlassian-domain-verification=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8",
        "docusign=1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901",
        "openpgp4fpr:0123456789ABCDEF0123456789ABCDEF01234567",
        "mta-sts=v=STSv1; id=20261129T000000",
    ]
    var answers = texts.map { text in
        ResourceRecord(name: apex, type: .txt, ttl: 300, data: .txt([Array(text.utf8)]))
    }
    answers.append(signature(covering: .txt, owner: apex, seed: 2))
    let servers = ["ns1.secure.test", "ns2.secure.test"]
    var authority = servers.map { ResourceRecord(name: apex, type: .ns, ttl: 300, data: .ns(name($0))) }
    authority.append(signature(covering: .ns, owner: apex, seed: 3))
    let additional = [
        ResourceRecord(name: name("ns1.secure.test"), type: .a, ttl: 300, data: address("127.0.1.53")),
        ResourceRecord(name: name("ns2.secure.test"), type: .a, ttl: 300, data: address("127.0.1.54")),
        ResourceRecord(name: name("mx1.secure.test"), type: .a, ttl: 300, data: address("127.0.1.25")),
        ResourceRecord(name: name("mx2.secure.test"), type: .a, ttl: 300, data: address("127.0.1.26")),
    ]
    return Message(
        header: responseHeader,
        questions: [Question(name: apex, type: .txt)],
        answers: answers, authority: authority, additional: additional,
        edns: EDNS(udpPayloadSize: 1232, dnssecOK: true))
}()

/// Writes the wire bytes for a peer, when STOCKADE_BENCH_DUMP_DIR names a folder.
private func dump(_ bytes: [UInt8], as file: String) {
    guard let folder = getenv("STOCKADE_BENCH_DUMP_DIR").map({ String(cString: $0) }), !folder.isEmpty else { return }
    guard let handle = fopen("\(folder)/\(file)", "wb") else { fatalError("cannot write \(folder)/\(file)") }
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
    fclose(handle)
}

private var resolverAddress: String {
    getenv("STOCKADE_RESOLVER").map { String(cString: $0) } ?? "127.0.0.1:53531"
}

/// A resolver on the lab's unbound; `cacheCapacity: 0` makes every lookup a network round trip.
private func makeResolver(cacheCapacity: Int) throws -> Resolver<ContinuousClock> {
    var configuration = try ResolverConfiguration(servers: [resolverAddress])
    configuration.cacheCapacity = cacheCapacity
    return Resolver(configuration: configuration, clock: ContinuousClock())
}

/// One lookup that must succeed and be validated, so a broken lab fails the benchmark instead of timing errors.
private func checkedLookup(_ resolver: Resolver<ContinuousClock>) async throws -> Answer {
    let answer = try await resolver.resolve("www.secure.test", .a)
    guard answer.dnssec == .secure, !answer.rrset.isEmpty else {
        throw DNSBenchmarkError(reason: "www.secure.test A was not a secure answer (\(answer.dnssec)): is the lab up?")
    }
    return answer
}

private struct DNSBenchmarkError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    // CPU-bound work: 1000 operations per sample, so the figures are per operation (wall clock per op,
    // throughput in operations per second, mallocs per op) and the clock's own cost is amortised.
    let batched = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 10, scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 100_000)
    // Network round trips: one lookup per sample, so p99 is the p99 of single lookups.
    let single = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 100, scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 20_000)

    Benchmark("DNS decode MX response (187 B)", configuration: batched) { (benchmark: Benchmark, bytes: [UInt8]) in
        for _ in benchmark.scaledIterations {
            blackHole(try? Message(bytes: bytes))
        }
    } setup: { () -> [UInt8] in
        let bytes = mxResponse.bytes
        precondition((try? Message(bytes: bytes)) == mxResponse, "the MX response does not round-trip")
        dump(bytes, as: "mx-response.bin")
        return bytes
    }

    Benchmark("DNS decode TXT response (1045 B)", configuration: batched) { (benchmark: Benchmark, bytes: [UInt8]) in
        for _ in benchmark.scaledIterations {
            blackHole(try? Message(bytes: bytes))
        }
    } setup: { () -> [UInt8] in
        let bytes = txtResponse.bytes
        precondition((try? Message(bytes: bytes)) == txtResponse, "the TXT response does not round-trip")
        dump(bytes, as: "txt-response.bin")
        return bytes
    }

    Benchmark("DNS encode query", configuration: batched) { (benchmark: Benchmark, name: DNSName) in
        var id: UInt16 = 0
        for _ in benchmark.scaledIterations {
            id &+= 1
            blackHole(Message.query(id: id, name: name, type: .a).bytes)
        }
    } setup: {
        name("www.secure.test")
    }

    Benchmark("DNS encode MX response (187 B)", configuration: batched) { (benchmark: Benchmark, message: Message) in
        for _ in benchmark.scaledIterations {
            blackHole(message.bytes)
        }
    } setup: {
        mxResponse
    }

    Benchmark("DNS resolve cached (www.secure.test A)", configuration: batched) { (benchmark: Benchmark, resolver: Resolver<ContinuousClock>) async in
        do {
            for _ in benchmark.scaledIterations {
                blackHole(try await resolver.resolve("www.secure.test", .a))
            }
        } catch {
            benchmark.error("cached resolve failed: \(error)")
        }
    } setup: { () async throws -> Resolver<ContinuousClock> in
        let resolver = try makeResolver(cacheCapacity: 10_000)
        _ = try await checkedLookup(resolver)  // the warm-up lookup; every measured one is a cache hit
        return resolver
    }

    Benchmark("DNS resolve uncached, UDP loopback to unbound", configuration: single) { (benchmark: Benchmark, resolver: Resolver<ContinuousClock>) async in
        do {
            for _ in benchmark.scaledIterations {
                blackHole(try await resolver.resolve("www.secure.test", .a))
            }
        } catch {
            benchmark.error("uncached resolve failed: \(error)")
        }
    } setup: { () async throws -> Resolver<ContinuousClock> in
        let resolver = try makeResolver(cacheCapacity: 0)
        _ = try await checkedLookup(resolver)  // also fills unbound's own cache
        return resolver
    }
}
