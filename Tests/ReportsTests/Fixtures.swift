import DKIM
import DNS
import Foundation
import Logging
import Reports
import Store
import TestSupport

/// Test material: the TLSRPT test target's report fixtures (read where they are, see their README for origins) and
/// the lab zone mail.test's DKIM key.
enum Fixtures {
    /// A file of `Tests/TLSRPTTests/Fixtures`.
    static func tlsrpt(_ name: String, filePath: String = #filePath) throws -> [UInt8] {
        let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TLSRPTTests/Fixtures")
        return Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// The 512 MiB gzip bomb the TLSRPT tests use: `bomb-first + bomb-repeat × 511 + bomb-final` in a gzip header and
    /// trailer (CRC-32 0x6DB88320 and size 2^29, from Python's zlib; see the fixtures' README).
    static func gzipBomb() throws -> [UInt8] {
        var stream: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]
        stream += try tlsrpt("bomb-first.deflate")
        let repeated = try tlsrpt("bomb-repeat.deflate")
        for _ in 0..<511 { stream += repeated }
        stream += try tlsrpt("bomb-final.deflate")
        stream += [0x20, 0x83, 0xB8, 0x6D, 0x00, 0x00, 0x00, 0x20]
        return stream
    }

    /// Selector s1 of the lab zone mail.test: the Ed25519 seed is SHA-256 of "stockade mail.test ed25519 selector s1"
    /// (lab/zones/mail.test.zone), computed with `sha256sum`.
    static func mailTestSigner() throws -> DKIMSigner {
        let seed = "9b3b66dbd5772343beba338f77679bced69e8d3bc7d315455589feab0d29dd57"
        let bytes = stride(from: 0, to: seed.count, by: 2).map { offset in
            UInt8(seed.dropFirst(offset).prefix(2), radix: 16)!
        }
        return DKIMSigner(domain: "mail.test", selector: "s1", key: try DKIMSigningKey(ed25519Seed: bytes))
    }

    /// `mail` signed by mail.test's s1.
    static func signed(_ mail: [UInt8]) throws -> [UInt8] {
        try mailTestSigner().sign(DKIMMessage(parsing: mail), at: Date()).bytes
    }

    static func resolver() throws -> Resolver<ContinuousClock> {
        Resolver(configuration: try ResolverConfiguration(servers: [labVariable("STOCKADE_RESOLVER")]))
    }

    /// A fresh SQLite store in a temporary directory.
    static func store() throws -> SQLiteStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
    }

    /// An inbox for example.test over the lab resolver.
    static func inbox(store: SQLiteStore, onOutcome: @escaping @Sendable (InboxOutcome) -> Void = { _ in }) throws -> ReportInbox {
        ReportInbox(store: store, domains: ["Example.TEST."], verifier: DKIMVerifier(resolver: try resolver()),
                    logger: Logger(label: "test"), now: { Date(timeIntervalSince1970: 1_765_000_000) }, onOutcome: onOutcome)
    }
}
