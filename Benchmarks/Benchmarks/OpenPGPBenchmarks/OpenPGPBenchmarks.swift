// Benchmarks of the OpenPGP library (issue 3): reading a 2000-certificate keyring and verifying every
// self-signature, against the cost of the signatures themselves in swift-crypto ("the crypto limit").
//
// The keyring is made once by Benchmarks/peers/make-keyring.sh (GnuPG; 1000 ed25519+cv25519 with 2 user IDs,
// 500 rsa2048, 500 nistp256, each with an encryption subkey) and read from STOCKADE_KEYRING, by default
// Benchmarks/.build/keyring.pgp. Results and commands: docs/benchmarks.md.
import Benchmark
import Crypto
import _CryptoExtras
import Foundation
import OpenPGP

// MARK: - The keyring

private struct OpenPGPBenchmarkError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

private var keyringPath: String {
    if let path = ProcessInfo.processInfo.environment["STOCKADE_KEYRING"], !path.isEmpty { return path }
    // …/Benchmarks/Benchmarks/OpenPGPBenchmarks/OpenPGPBenchmarks.swift → …/Benchmarks/.build/keyring.pgp
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/keyring.pgp").path
}

private func loadKeyring() throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: keyringPath) else {
        throw OpenPGPBenchmarkError(
            reason: "no keyring at \(keyringPath): run `sh peers/make-keyring.sh` in Benchmarks/ or set STOCKADE_KEYRING")
    }
    return [UInt8](data)
}

/// The keyring cut at certificate boundaries into pieces that `Certificate.readAll` accepts.
///
/// `readAll` refuses more than `OpenPGPLimits.maxInputBytes` (1 MiB) or `OpenPGPLimits.maxPackets` (10 000) in one
/// input, and the 2000-certificate keyring of shared/PERFORMANCE.md is 1.46 MB and 12 000 packets. So the
/// benchmark (like `stockade key inspect` given the pieces as several files) calls `readAll` once per piece; the
/// work is the same. The cut only reads packet headers (RFC 9580 §4.2), not timed.
private func chunks(_ bytes: [UInt8]) throws -> [[UInt8]] {
    var pieces: [[UInt8]] = []
    var pieceStart = 0, piecePackets = 0
    var certificateStart = 0, certificatePackets = 0
    var offset = 0
    func closeCertificate(at end: Int) {
        if end - pieceStart > OpenPGPLimits.maxInputBytes || piecePackets + certificatePackets > OpenPGPLimits.maxPackets {
            pieces.append(Array(bytes[pieceStart..<certificateStart]))
            pieceStart = certificateStart
            piecePackets = 0
        }
        piecePackets += certificatePackets
        certificatePackets = 0
        certificateStart = end
    }
    while offset < bytes.count {
        let first = bytes[offset]
        guard first & 0x80 != 0 else { throw OpenPGPBenchmarkError(reason: "not a packet header at \(offset)") }
        let tag: UInt8
        var length = 0
        var header = 1
        if first & 0x40 != 0 {
            tag = first & 0x3F
            let o1 = Int(bytes[offset + 1])
            switch o1 {
            case ..<192: length = o1; header = 2
            case 192..<224: length = ((o1 - 192) << 8) + Int(bytes[offset + 2]) + 192; header = 3
            case 255: length = bytes[offset + 2..<offset + 6].reduce(0) { $0 << 8 | Int($1) }; header = 6
            default: throw OpenPGPBenchmarkError(reason: "partial length in a keyring at \(offset)")
            }
        } else {
            tag = (first >> 2) & 0x0F
            let octets = [1, 2, 4, 0][Int(first & 3)]
            guard octets > 0 else { throw OpenPGPBenchmarkError(reason: "indeterminate length at \(offset)") }
            length = bytes[offset + 1..<offset + 1 + octets].reduce(0) { $0 << 8 | Int($1) }
            header = 1 + octets
        }
        if tag == 6 && offset > 0 { closeCertificate(at: offset) }  // a Public-Key packet starts a certificate
        certificatePackets += 1
        offset += header + length
    }
    closeCertificate(at: bytes.count)
    pieces.append(Array(bytes[pieceStart...]))
    return pieces
}

/// `Certificate.readAll` over every piece.
private func readAll(_ pieces: [[UInt8]]) throws -> [Certificate] {
    var certificates: [Certificate] = []
    for piece in pieces { certificates += try Certificate.readAll(piece) }
    return certificates
}

/// The instant every certificate is judged at (after the keys were made: they do not expire).
private let judgedAt = Date()

/// Reads the keyring and checks that every certificate, user ID and subkey is valid, so that a keyring this
/// library cannot verify fails the benchmark instead of timing the rejection path. Returns the certificates and
/// the number of self-signatures.
private func checkedKeyring(_ pieces: [[UInt8]]) throws -> (certificates: [Certificate], signatures: Int) {
    let certificates = try readAll(pieces)
    var signatures = 0
    for certificate in certificates {
        let status = certificate.status(at: judgedAt)
        guard status.validity.isValid, status.userIDs.allSatisfy({ $0.validity.isValid }),
              status.subkeys.allSatisfy({ $0.validity.isValid })
        else {
            throw OpenPGPBenchmarkError(reason: "certificate \(certificate.fingerprint) is not valid: \(status)")
        }
        signatures += certificate.primarySignatures.count + certificate.userIDs.reduce(0) { $0 + $1.signatures.count }
            + certificate.subkeys.reduce(0) { $0 + $1.signatures.count }
    }
    return (certificates, signatures)
}

// MARK: - The same signatures, pre-extracted for swift-crypto alone

/// A digest of one of the hashes the keyring uses.
private enum Digest {
    case sha256(SHA256Digest)
    case sha512(SHA512Digest)

    var bytes: [UInt8] {
        switch self {
        case .sha256(let d): [UInt8](d)
        case .sha512(let d): [UInt8](d)
        }
    }
}

/// One self-signature reduced to what swift-crypto needs: the raw key, the digest the signature is over, the
/// signature value. Built by hashing exactly what RFC 9580 §5.2.4 says (for v4 signatures) with swift-crypto.
private enum RawSignature {
    case ed25519(key: [UInt8], signature: [UInt8], message: [UInt8])
    case p256(key: [UInt8], signature: [UInt8], digest: Digest)
    case rsa(n: [UInt8], e: [UInt8], signature: [UInt8], digest: Digest)
}

/// The same, with the swift-crypto key objects already built: only the verification is left.
private enum PreparedSignature {
    case ed25519(Curve25519.Signing.PublicKey, signature: [UInt8], message: [UInt8])
    case p256(P256.Signing.PublicKey, P256.Signing.ECDSASignature, Digest)
    case rsa(_RSA.Signing.PublicKey, _RSA.Signing.RSASignature, Digest)
}

private func leftPad(_ value: [UInt8], _ count: Int) -> [UInt8] {
    let trimmed = value.drop(while: { $0 == 0 })
    precondition(trimmed.count <= count, "value longer than \(count) octets")
    return [UInt8](repeating: 0, count: count - trimmed.count) + trimmed
}

private func keyPrefix(_ key: PublicKeyPacket) -> [UInt8] {
    precondition(key.version == 4, "the benchmark keyring has v4 keys only")
    return [0x99, UInt8(key.body.count >> 8), UInt8(key.body.count & 0xFF)]
}

private func digest(of parts: [[UInt8]], _ algorithm: HashAlgorithm) -> Digest {
    switch algorithm.rawValue {
    case 8:
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return .sha256(hasher.finalize())
    case 10:
        var hasher = SHA512()
        for part in parts { hasher.update(data: part) }
        return .sha512(hasher.finalize())
    default:
        fatalError("hash algorithm \(algorithm) not expected in the benchmark keyring")
    }
}

private func rawSignature(_ signature: SignaturePacket, by key: PublicKeyPacket, over signed: [[UInt8]]) -> RawSignature {
    precondition(signature.version == 4, "the benchmark keyring has v4 signatures only")
    let count = signature.hashedPart.count
    let trailer: [UInt8] = [4, 0xFF, UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
    let d = digest(of: signed + [signature.hashedPart, trailer], signature.hashAlgorithm)
    switch (key.material, signature.material) {
    case (.eddsaLegacy(_, let point), .twoIntegers(let r, let s)):
        return .ed25519(key: Array(point.dropFirst()), signature: leftPad(r, 32) + leftPad(s, 32), message: d.bytes)
    case (.ecdsa(_, let point), .twoIntegers(let r, let s)):
        return .p256(key: point, signature: leftPad(r, 32) + leftPad(s, 32), digest: d)
    case (.rsa(let n, let e), .rsa(let s)):
        let modulus = Array(n.drop(while: { $0 == 0 }))
        return .rsa(n: modulus, e: e, signature: leftPad(s, modulus.count), digest: d)
    default:
        fatalError("key or signature algorithm not expected in the benchmark keyring")
    }
}

/// Every self-signature of every certificate, as swift-crypto sees it.
private func rawSignatures(_ certificates: [Certificate]) -> [RawSignature] {
    var out: [RawSignature] = []
    for c in certificates {
        let primary = [keyPrefix(c.primaryKey), c.primaryKey.body]
        for s in c.primarySignatures { out.append(rawSignature(s, by: c.primaryKey, over: primary)) }
        for u in c.userIDs {
            let count = u.userID.body.count
            let header: [UInt8] = [0xB4, UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            for s in u.signatures { out.append(rawSignature(s, by: c.primaryKey, over: primary + [header, u.userID.body])) }
        }
        for k in c.subkeys {
            for s in k.signatures {
                out.append(rawSignature(s, by: c.primaryKey, over: primary + [keyPrefix(k.key), k.key.body]))
            }
        }
    }
    return out
}

private func prepare(_ raw: RawSignature) throws -> PreparedSignature {
    switch raw {
    case .ed25519(let key, let signature, let message):
        return .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: key), signature: signature, message: message)
    case .p256(let key, let signature, let digest):
        return .p256(try P256.Signing.PublicKey(x963Representation: key),
                     try P256.Signing.ECDSASignature(rawRepresentation: signature), digest)
    case .rsa(let n, let e, let signature, let digest):
        return .rsa(try _RSA.Signing.PublicKey(n: n, e: e), _RSA.Signing.RSASignature(rawRepresentation: signature), digest)
    }
}

private func verify(_ s: PreparedSignature) -> Bool {
    switch s {
    case .ed25519(let key, let signature, let message):
        return key.isValidSignature(signature, for: message)
    case .p256(let key, let signature, .sha256(let d)): return key.isValidSignature(signature, for: d)
    case .p256(let key, let signature, .sha512(let d)): return key.isValidSignature(signature, for: d)
    case .rsa(let key, let signature, .sha256(let d)): return key.isValidSignature(signature, for: d, padding: .insecurePKCS1v1_5)
    case .rsa(let key, let signature, .sha512(let d)): return key.isValidSignature(signature, for: d, padding: .insecurePKCS1v1_5)
    }
}

/// Imports the key from its raw bytes, then verifies: what the library's `verify` does after hashing.
private func importAndVerify(_ raw: RawSignature) -> Bool {
    guard let prepared = try? prepare(raw) else { return false }
    return verify(prepared)
}

private struct SignatureCounts: CustomStringConvertible {
    var ed25519 = 0, p256 = 0, rsa = 0
    init(_ signatures: [RawSignature]) {
        for s in signatures {
            switch s {
            case .ed25519: ed25519 += 1
            case .p256: p256 += 1
            case .rsa: rsa += 1
            }
        }
    }
    var description: String { "\(ed25519) Ed25519, \(p256) ECDSA P-256, \(rsa) RSA" }
}

// MARK: - One kind of signature, on a key made here (throughput per algorithm)

private let message = [UInt8](repeating: 0x5A, count: 32)

private func oneKind(_ kind: String) throws -> PreparedSignature {
    switch kind {
    case "ed25519":
        let key = Curve25519.Signing.PrivateKey()
        let digest = SHA512.hash(data: message)
        return .ed25519(key.publicKey, signature: [UInt8](try key.signature(for: [UInt8](digest))), message: [UInt8](digest))
    case "p256":
        let key = P256.Signing.PrivateKey()
        let digest = SHA256.hash(data: message)
        return .p256(key.publicKey, try key.signature(for: digest), .sha256(digest))
    case "rsa2048", "rsa3072":
        let key = try _RSA.Signing.PrivateKey(keySize: kind == "rsa2048" ? .bits2048 : .bits3072)
        let digest = SHA256.hash(data: message)
        return .rsa(key.publicKey, try key.signature(for: digest, padding: .insecurePKCS1v1_5), .sha256(digest))
    default:
        fatalError("unknown kind \(kind)")
    }
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident]
    // The whole keyring per sample: each sample is hundreds of milliseconds.
    let keyring = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(15), maxIterations: 25)
    // One signature per operation, 1000 per sample: figures per verification.
    let perSignature = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 2, scalingFactor: .kilo,
        maxDuration: .seconds(4), maxIterations: 200)

    Benchmark("OpenPGP readAll, 2000 certificates (parse only)", configuration: keyring) { (benchmark: Benchmark, pieces: [[UInt8]]) in
        for _ in benchmark.scaledIterations {
            blackHole(try? readAll(pieces))
        }
    } setup: {
        let pieces = try chunks(try loadKeyring())
        _ = try checkedKeyring(pieces)
        return pieces
    }

    Benchmark("OpenPGP readAll + status(at:), 2000 certificates", configuration: keyring) { (benchmark: Benchmark, pieces: [[UInt8]]) in
        for _ in benchmark.scaledIterations {
            do {
                for certificate in try readAll(pieces) {
                    blackHole(certificate.status(at: judgedAt))
                }
            } catch {
                benchmark.error("readAll failed: \(error)")
            }
        }
    } setup: {
        let bytes = try loadKeyring()
        let pieces = try chunks(bytes)
        let (certificates, signatures) = try checkedKeyring(pieces)
        print("keyring \(keyringPath): \(bytes.count) bytes in \(pieces.count) pieces (\(pieces.map(\.count))),"
            + " \(certificates.count) certificates, \(signatures) self-signatures (\(SignatureCounts(rawSignatures(certificates))))")
        return pieces
    }

    Benchmark("OpenPGP verify every self-signature (pre-parsed)", configuration: keyring) { (benchmark: Benchmark, certificates: [Certificate]) in
        for _ in benchmark.scaledIterations {
            for c in certificates {
                for s in c.primarySignatures { blackHole(s.verify(by: c.primaryKey, over: .primaryKey(c.primaryKey))) }
                for u in c.userIDs {
                    for s in u.signatures { blackHole(s.verify(by: c.primaryKey, over: .userID(c.primaryKey, u.userID))) }
                }
                for k in c.subkeys {
                    for s in k.signatures { blackHole(s.verify(by: c.primaryKey, over: .subkey(primary: c.primaryKey, subkey: k.key))) }
                }
            }
        }
    } setup: {
        try checkedKeyring(try chunks(try loadKeyring())).certificates
    }

    Benchmark("crypto: the keyring's signatures, key import + verify (digests precomputed)", configuration: keyring) { (benchmark: Benchmark, signatures: [RawSignature]) in
        for _ in benchmark.scaledIterations {
            for s in signatures { blackHole(importAndVerify(s)) }
        }
    } setup: { () throws -> [RawSignature] in
        let signatures = rawSignatures(try checkedKeyring(try chunks(try loadKeyring())).certificates)
        guard signatures.allSatisfy(importAndVerify) else {
            throw OpenPGPBenchmarkError(reason: "a pre-extracted signature does not verify: the extraction is wrong")
        }
        return signatures
    }

    Benchmark("crypto: the keyring's signatures, verify only (keys pre-built)", configuration: keyring) { (benchmark: Benchmark, signatures: [PreparedSignature]) in
        for _ in benchmark.scaledIterations {
            for s in signatures { blackHole(verify(s)) }
        }
    } setup: { () throws -> [PreparedSignature] in
        let signatures = try rawSignatures(try checkedKeyring(try chunks(try loadKeyring())).certificates).map(prepare)
        guard signatures.allSatisfy(verify) else {
            throw OpenPGPBenchmarkError(reason: "a pre-extracted signature does not verify: the extraction is wrong")
        }
        return signatures
    }

    for (kind, label) in [("ed25519", "Ed25519"), ("p256", "ECDSA P-256"), ("rsa2048", "RSA-2048"), ("rsa3072", "RSA-3072")] {
        Benchmark("crypto: \(label) verify", configuration: perSignature) { (benchmark: Benchmark, signature: PreparedSignature) in
            for _ in benchmark.scaledIterations { blackHole(verify(signature)) }
        } setup: { () throws -> PreparedSignature in
            let signature = try oneKind(kind)
            precondition(verify(signature), "\(label) signature made here does not verify")
            return signature
        }
    }

    Benchmark("crypto: SHA-256 of the keyring (1.46 MB)", configuration: perSignature.with(scalingFactor: .one)) { (benchmark: Benchmark, bytes: [UInt8]) in
        for _ in benchmark.scaledIterations { blackHole(SHA256.hash(data: bytes)) }
    } setup: {
        try loadKeyring()
    }
}

extension Benchmark.Configuration {
    fileprivate func with(scalingFactor: BenchmarkScalingFactor) -> Benchmark.Configuration {
        var copy = self
        copy.scalingFactor = scalingFactor
        return copy
    }
}
