// Benchmarks of the key server's upload (issue 13, item 1): one clean key, and the same key with its first user ID's
// self-signature repeated 4 500 times (about 870 KB armored), each through `KeyServer.upload` on an SQLite store —
// the whole work of `POST /vks/v1/upload` but HTTP. The CPU time per upload is the figure of the issue (≤ 20 ms).
//
// The key is GnuPG's (Benchmarks/peers/make-upload-key.sh writes it, binary, to STOCKADE_UPLOAD_KEY, by default
// Benchmarks/.build/upload-key.pgp). Results and commands: docs/benchmarks.md.
import Benchmark
import Foundation
import KeyServer
import OpenPGP
import Store

private struct KeyServerBenchmarkError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

private var keyPath: String {
    if let path = ProcessInfo.processInfo.environment["STOCKADE_UPLOAD_KEY"], !path.isEmpty { return path }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/upload-key.pgp").path
}

/// The clean key, and the flooded one armored as an attacker would send it.
private func uploads() throws -> (clean: [UInt8], flooded: [UInt8]) {
    guard let data = FileManager.default.contents(atPath: keyPath) else {
        throw KeyServerBenchmarkError(reason: "no key at \(keyPath): run `sh peers/make-upload-key.sh` in Benchmarks/")
    }
    let clean = [UInt8](data)
    var packets = try Packet.parseAll(clean)
    guard let uid = packets.firstIndex(where: { $0.tag == .userID }), packets[uid + 1].tag == .signature else {
        throw KeyServerBenchmarkError(reason: "\(keyPath) has no user ID followed by its self-signature")
    }
    packets.insert(contentsOf: [Packet](repeating: packets[uid + 1], count: 4_500), at: uid + 1)
    let flooded = Array(Armor.encode(packets.serialized, kind: .publicKey, includeChecksum: true).utf8)
    return (clean, flooded)
}

/// A key server on a new SQLite database, and what is uploaded to it.
private struct UploadSetup: Sendable {
    let server: KeyServer
    let bytes: [UInt8]
}

/// A key server on a new SQLite database in the temporary folder.
private func keyServer() throws -> KeyServer {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-bench-\(UUID().uuidString.prefix(8)).sqlite").path
    return KeyServer(store: try SQLiteStore(path: path), secret: Array(repeating: 7, count: 32),
                     configuration: KeyServerConfiguration(baseURL: "https://keys.example.test", mailFrom: "keys@example.test"))
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.cpuTotal, .wallClock, .mallocCountTotal, .peakMemoryResident], warmupIterations: 3,
        scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 200)

    Benchmark("upload: clean key (first upload and updates)", configuration: configuration) { (benchmark: Benchmark, setup: UploadSetup) in
        for _ in benchmark.scaledIterations {
            blackHole(try await setup.server.upload(setup.bytes))
        }
    } setup: {
        UploadSetup(server: try keyServer(), bytes: try uploads().clean)
    }

    Benchmark("upload: 4 500 copies of one self-signature, 870 KB armored", configuration: configuration) { (benchmark: Benchmark, setup: UploadSetup) in
        for _ in benchmark.scaledIterations {
            blackHole(try await setup.server.upload(setup.bytes))
        }
    } setup: {
        let flooded = try uploads().flooded
        guard flooded.count > 800_000 else { throw KeyServerBenchmarkError(reason: "the flood is only \(flooded.count) bytes") }
        return UploadSetup(server: try keyServer(), bytes: flooded)
    }
}
