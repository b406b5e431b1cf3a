import Foundation
import TestSupport
import Testing
@testable import OpenPGP

@Suite struct FuzzTests {
    static let cases = 100_000

    /// What `Certificate.readAll` may throw for bad input; never a merge, minimize or signature error.
    static let readErrors: [OpenPGPError] = [
        .truncated, .malformedPacket, .partialLengthNotAllowed, .unsupportedVersion, .secretKeyMaterial, .tooLarge,
        .tooManyPackets, .tooManyComponents, .tooManySignatures, .nestingTooDeep, .invalidArmor, .notACertificate,
    ]

    /// Random and mutated inputs: each either throws one of ``readErrors`` or reads as certificates that respect the
    /// `OpenPGPLimits` caps and read back equal from their own encoding. (The libFuzzer harnesses `openpgp-*` in Fuzz/
    /// check the same with coverage guidance.)
    @Test func randomAndMutatedInputsNeverCrash() throws {
        let v6 = try Armor.decode(String(decoding: try vector("rfc9580-a3-v6-certificate.asc"), as: UTF8.self))[0].data
        let v4 = try Armor.decode(String(decoding: try vector("rfc9580-a1-v4-ed25519-legacy-key.asc"), as: UTF8.self))[0].data
        let synthetic = [
            Packet(tag: .publicKey, body: Build.keyV4(1, Build.mpi([UInt8](repeating: 0xC1, count: 128)) + Build.mpi([1, 0, 1]))),
            Packet(tag: .signature, body: Build.sigV4(type: 0x1F, alg: 1, hashed: Build.subpacket(2, Build.u32(7))
                + Build.subpacket(32, Build.sigV4(type: 0x19, hashed: Build.subpacket(2, Build.u32(8)))), material: Build.mpi([5, 5]))),
            Packet(tag: .userID, body: Array("Fuzz <fuzz@example.org>".utf8)),
            Packet(tag: .publicSubkey, body: Build.keyV4(19, [8] + Curve.nistP256.oid + Build.mpi([4] + [UInt8](repeating: 9, count: 64)))),
        ].serialized
        let seeds = [v6, v4, synthetic, v6 + synthetic]
        let armoredSeed = Armor.encode(v6, kind: .publicKey, includeChecksum: true)
        var rng = SeededGenerator(state: 0x5EED_CAFE)
        var parsed = 0, rejected = 0
        var failures: [String] = []
        for i in 0..<Self.cases {
            var input: [UInt8]
            switch i % 10 {
            case 0:
                input = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:
                var s = Array(armoredSeed.utf8)
                s[Int.random(in: 0..<s.count, using: &rng)] = UInt8.random(in: 0...127, using: &rng)
                input = s
            default:
                input = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    guard !input.isEmpty else { break }
                    let at = Int.random(in: 0..<input.count, using: &rng)
                    switch UInt8.random(in: 0..<5, using: &rng) {
                    case 0: input[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                    case 1: input[at] = UInt8.random(in: 0...255, using: &rng)
                    case 2: input.removeSubrange(at...)
                    case 3: input.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                    default: input.remove(at: at)
                    }
                }
            }
            do {
                let certs = try Certificate.readAll(input)
                parsed += 1
                for c in certs {
                    failures += Self.limitViolations(c).map { "case \(i): \($0)" }
                    if (try? Certificate.readAll(c.serialized)) != [c] { failures.append("case \(i): round trip changed the certificate") }
                }
                // Verification is the slow part in debug builds: exercise it on a sample.
                if i % 50 == 0 {
                    for c in certs {
                        _ = c.status(at: june2025)
                        if let merged = try? c.merged(with: c) { failures += Self.limitViolations(merged).map { "case \(i) merged: \($0)" } }
                        _ = try? c.minimized(for: "fuzz@example.org", at: june2025)
                        _ = c.serialized
                    }
                }
            } catch let error as OpenPGPError {
                rejected += 1
                if !Self.readErrors.contains(error) { failures.append("case \(i): \(error)") }
            }
        }
        #expect(failures == [])
        #expect(parsed > 1_000)
        #expect(rejected > 1_000)
    }

    /// The caps of `OpenPGPLimits` a certificate broke, if any.
    static func limitViolations(_ c: Certificate) -> [String] {
        var out: [String] = []
        if c.userIDs.count > OpenPGPLimits.maxUserIDs { out.append("\(c.userIDs.count) user IDs") }
        if c.userAttributes.count > OpenPGPLimits.maxUserAttributes { out.append("\(c.userAttributes.count) user attributes") }
        if c.subkeys.count > OpenPGPLimits.maxSubkeys { out.append("\(c.subkeys.count) subkeys") }
        var own = 0
        for list in c.signatureLists {
            let selfSigned = list.count { $0.mayBeIssued(by: c.primaryKey) }
            if selfSigned > OpenPGPLimits.maxSelfSignaturesPerComponent { out.append("\(selfSigned) self-signatures on a component") }
            if list.count - selfSigned > OpenPGPLimits.maxThirdPartySignaturesPerComponent {
                out.append("\(list.count - selfSigned) third-party signatures on a component")
            }
            own += selfSigned
        }
        if own > OpenPGPLimits.maxSelfSignatures { out.append("\(own) self-signatures") }
        if c.serialized.count > OpenPGPLimits.maxInputBytes { out.append("\(c.serialized.count) octets") }
        return out
    }
}
