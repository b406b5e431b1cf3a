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

/// A 10 KB message: a usual header and 160 lines of text.
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
    let line = "We lost the game.  Are you hungry yet?  Dinner at eight, the usual place.\r\n"  // 64 octets
    return header + String(repeating: line, count: 160)
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

    Benchmark("crypto limit: RSA-2048 PKCS#1 v1.5 verify of a SHA-256 digest + SHA-256 of 10 KB", configuration: configuration) {
        (benchmark: Benchmark, input: (_RSA.Signing.PublicKey, _RSA.Signing.RSASignature, [UInt8])) in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hash(data: input.2))
            blackHole(input.0.isValidSignature(input.1, for: SHA256.hash(data: input.2.prefix(400)), padding: .insecurePKCS1v1_5))
        }
    } setup: {
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let body = Array(messageText.utf8)
        let signature = try privateKey.signature(for: SHA256.hash(data: body.prefix(400)), padding: .insecurePKCS1v1_5)
        return (privateKey.publicKey, signature, body)
    }

    Benchmark("crypto limit: Ed25519 verify of a SHA-256 digest + SHA-256 of 10 KB", configuration: configuration) {
        (benchmark: Benchmark, input: (Curve25519.Signing.PublicKey, Data, [UInt8])) in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hash(data: input.2))
            blackHole(input.0.isValidSignature(input.1, for: Array(SHA256.hash(data: input.2.prefix(400)))))
        }
    } setup: {
        let privateKey = Curve25519.Signing.PrivateKey()
        let body = Array(messageText.utf8)
        let signature = try privateKey.signature(for: Array(SHA256.hash(data: body.prefix(400))))
        return (privateKey.publicKey, signature, body)
    }
}
