// Benchmarks of the DKIM library (issue 15): verifications per second of a 10 KB message signed with rsa-sha256
// (2048 bits) and ed25519-sha256, next to the cost of the signature and hash alone in swift-crypto ("the crypto
// limit", shared/PERFORMANCE.md: DKIM within 1.2x of it). Keys come from a table, as from a warm DNS cache; the keys
// are the DKIM tests' fixtures. The dkimpy figure for the same messages comes from Benchmarks/peers/dkimpy_bench.py.
// Results and commands: docs/benchmarks.md.
import Benchmark
import Crypto
import _CryptoExtras
import DKIM
import Foundation

// MARK: - The messages

private struct DKIMBenchmarkError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// Tests/DKIMTests/Fixtures/keys, from this file's path.
private let keyDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tests/DKIMTests/Fixtures/keys")

private func key(_ name: String) throws -> DKIMSigningKey {
    try DKIMSigningKey(pem: try String(contentsOf: keyDirectory.appendingPathComponent("\(name).pem"), encoding: .utf8))
}

/// One line of the message's body: 75 octets, two of its spaces doubled.
private let bodyLine = "We lost the game.  Are you hungry yet?  Dinner at eight, the usual place.\r\n"

/// A 10 KB message: a usual header and 160 lines of text (12 000 octets of body).
private let messageText: String = {
    let header = """
        From: Joe SixPack <joe@dkim.test>\r
        To: Suzie Q <suzie@shopping.example.net>\r
        Subject: Is dinner ready?\r
        Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r
        Message-ID: <20030712040037.46341.5F8J@dkim.test>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r

        """
    return header + String(repeating: bodyLine, count: 160)
}()

/// Keys by selector, as a warm cache would hand them over.
private struct TableKeys: DKIMKeyFetcher {
    let records: [String: [UInt8]]
    func keyRecords(selector: String, domain: String) async -> KeyLookupResult {
        records[selector].map { .found([$0]) } ?? .notFound("no key")
    }
}

private struct Fixture: Sendable {
    let bytes: [UInt8]
    let verifier: DKIMVerifier
}

/// The 10 KB message signed with `keyName` (selector = key name), checked to pass once.
private func signedFixture(_ keyName: String) async throws -> Fixture {
    let signingKey = try key(keyName)
    let message = try DKIMMessage(parsing: Array(messageText.utf8))
    let signed = try DKIMSigner(domain: "dkim.test", selector: keyName, key: signingKey).sign(message, at: Date())
    if let directory = ProcessInfo.processInfo.environment["STOCKADE_BENCH_DUMP_DIR"] {
        try Data(signed.bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent("dkim-\(keyName).eml"))
    }
    let verifier = DKIMVerifier(keys: TableKeys(records: [keyName: Array(signingKey.keyRecord.utf8)]))
    let verdicts = await verifier.verify(signed)
    guard verdicts.map(\.result) == [.pass] else { throw DKIMBenchmarkError(reason: "\(keyName): \(verdicts)") }
    return Fixture(bytes: signed.bytes, verifier: verifier)
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal]
    // 1000 operations per sample: figures are per operation and the clock's cost is amortised.
    let configuration = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 10, scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 10_000)

    for keyName in ["rsa2048", "ed25519"] {
        Benchmark("DKIM verify \(keyName), 10 KB message (parse, canonicalize, hash, verify)", configuration: configuration) {
            (benchmark: Benchmark, fixture: Fixture) async in
            do {
                for _ in benchmark.scaledIterations {
                    let message = try DKIMMessage(parsing: fixture.bytes)
                    blackHole(await fixture.verifier.verify(message))
                }
            } catch {
                benchmark.error("\(error)")
            }
        } setup: {
            try await signedFixture(keyName)
        }
    }

    // The parts of a verification that are not crypto, one at a time, on the same message (what stands between a
    // verification and its crypto limit).
    Benchmark("part: DKIMMessage(parsing:) of the signed 10 KB message", configuration: configuration) {
        (benchmark: Benchmark, fixture: Fixture) in
        do {
            for _ in benchmark.scaledIterations { blackHole(try DKIMMessage(parsing: fixture.bytes)) }
        } catch {
            benchmark.error("\(error)")
        }
    } setup: {
        try await signedFixture("rsa2048")
    }

    Benchmark("part: DKIMSignature(field:) of its rsa-sha256 signature", configuration: configuration) {
        (benchmark: Benchmark, field: HeaderField) in
        do {
            for _ in benchmark.scaledIterations { blackHole(try DKIMSignature(field: field)) }
        } catch {
            benchmark.error("\(error)")
        }
    } setup: {
        try DKIMMessage(parsing: try await signedFixture("rsa2048").bytes).headers[0]
    }

    for canonicalization in Canonicalization.allCases {
        Benchmark("part: \(canonicalization) body canonicalization of the 10 KB body into an array", configuration: configuration) {
            (benchmark: Benchmark, body: [UInt8]) in
            for _ in benchmark.scaledIterations { blackHole(canonicalization.canonicalize(body: body)) }
        } setup: {
            try DKIMMessage(parsing: Array(messageText.utf8)).body
        }
    }

    Benchmark("part: relaxed body canonicalization of the 10 KB body with single spaces into an array", configuration: configuration) {
        (benchmark: Benchmark, body: [UInt8]) in
        for _ in benchmark.scaledIterations { blackHole(Canonicalization.relaxed.canonicalize(body: body)) }
    } setup: {
        // The same lines without their two double spaces: every sixteen-octet chunk is copied as it is.
        Array(try DKIMMessage(parsing: Array(messageText.utf8)).body.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            .joined(separator: [UInt8(ascii: " ")]))
    }

    Benchmark("crypto limit: RSA-2048 PKCS#1 v1.5 verify + SHA-256 of the octets DKIM hashes", configuration: configuration) {
        (benchmark: Benchmark, input: (_RSA.Signing.PublicKey, _RSA.Signing.RSASignature, HashedOctets)) in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hash(data: input.2.body))
            blackHole(input.0.isValidSignature(input.1, for: SHA256.hash(data: input.2.header), padding: .insecurePKCS1v1_5))
        }
    } setup: {
        let octets = try HashedOctets(headerCount: HashedOctets.rsaHeaderCount)
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let signature = try privateKey.signature(for: SHA256.hash(data: octets.header), padding: .insecurePKCS1v1_5)
        return (privateKey.publicKey, signature, octets)
    }

    Benchmark("crypto limit: Ed25519 verify + SHA-256 of the octets DKIM hashes", configuration: configuration) {
        (benchmark: Benchmark, input: (Curve25519.Signing.PublicKey, Data, HashedOctets)) in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hash(data: input.2.body))
            blackHole(SHA256.hash(data: input.2.header).withUnsafeBytes { input.0.isValidSignature(input.1, for: $0) })
        }
    } setup: {
        let octets = try HashedOctets(headerCount: HashedOctets.ed25519HeaderCount)
        let privateKey = Curve25519.Signing.PrivateKey()
        let signature = try SHA256.hash(data: octets.header).withUnsafeBytes { try privateKey.signature(for: $0) }
        return (privateKey.publicKey, signature, octets)
    }
}

/// The octets a DKIM verifier must hash for the benchmark's message (RFC 6376 §3.7): the canonical body for the body
/// hash, and the header hash input for the signature's digest. The crypto limit hashes exactly as many, each in one
/// update (SHA-256's cost depends on the count alone).
///
/// The counts were taken with dkimpy 1.1.8 (not the code under test): its verification of the files
/// `STOCKADE_BENCH_DUMP_DIR` writes, with each SHA-256 update's length recorded (`Benchmarks/peers/dkimpy_hashed_octets.py`;
/// docs/benchmarks.md, DKIM fourth pass).
/// Body: 11 680 octets, the 160 lines with their double spaces made single (relaxed, §3.4.4), which is how it is made
/// here. Header hash input: the 7 signed fields present (`h=` lists 11 names, the over-signed 4 add nothing) in relaxed
/// form and the signature field with an empty `b=`: 478 octets for a=rsa-sha256, 482 for a=ed25519-sha256.
private struct HashedOctets: Sendable {
    static let bodyCount = 11_680
    static let rsaHeaderCount = 478
    static let ed25519HeaderCount = 482

    let body: [UInt8]
    let header: [UInt8]

    init(headerCount: Int) throws {
        body = Array(String(repeating: bodyLine.replacingOccurrences(of: "  ", with: " "), count: 160).utf8)
        guard body.count == Self.bodyCount else { throw DKIMBenchmarkError(reason: "relaxed body of \(body.count) octets") }
        header = Array(messageText.utf8.prefix(headerCount))  // the content does not change the cost, the count does
    }
}
