import Foundation
import Testing
@testable import OpenPGP

/// Issue 13, item 1: what one certificate can make this library parse and verify is bounded.
@Suite struct BoundsTests {
    static let t0: UInt32 = 1_600_000_000
    let primary: TestSigner
    let uid = UserIDPacket(body: Array("Flood <flood@example.org>".utf8))

    init() throws { primary = try TestSigner(created: Self.t0) }

    func certify(at offset: UInt32, by signer: TestSigner? = nil) throws -> SignaturePacket {
        try (signer ?? primary).sign(.positiveCertification, over: .userID(primary.key, uid), created: Self.t0 + offset)
    }

    func read(_ packets: [Packet]) throws -> Certificate {
        try Certificate(bytes: packets.serialized)
    }

    @Test func limitValues() {
        #expect(OpenPGPLimits.maxSelfSignaturesPerComponent == 32)
        #expect(OpenPGPLimits.maxThirdPartySignaturesPerComponent == 32)
        #expect(OpenPGPLimits.maxUserIDs == 100)
        #expect(OpenPGPLimits.maxUserAttributes == 16)
        #expect(OpenPGPLimits.maxSubkeys == 100)
        #expect(OpenPGPLimits.maxSelfSignatures == 512)
        #expect(OpenPGPLimits.maxDSAKeyBits == 3072)
    }

    /// The upload of the issue: one key, one user ID, 4 500 copies of the same self-signature.
    @Test func byteIdenticalSignaturesAreOne() throws {
        let selfSig = try certify(at: 0)
        let flood = [primary.key.packet, uid.packet] + [Packet](repeating: selfSig.packet, count: 4_500)
        let cert = try read(flood)
        #expect(cert.userIDs.count == 1)
        #expect(cert.userIDs[0].signatures == [selfSig])
        #expect(cert.packets.count == 3)
        #expect(cert.status(at: Date(timeIntervalSince1970: Double(Self.t0 + 10))).userIDs[0].validity == .valid)
    }

    /// Repeated user ID and subkey packets are one component holding the signatures of every copy.
    @Test func repeatedComponentsAreJoined() throws {
        let early = try certify(at: 0), late = try certify(at: 100)
        let subkey = try TestSigner(created: Self.t0, subkey: true)
        let binding = try primary.sign(.subkeyBinding, over: .subkey(primary: primary.key, subkey: subkey.key), created: Self.t0)
        let packets = [primary.key.packet, uid.packet, early.packet, subkey.key.packet, binding.packet, uid.packet, late.packet,
                       uid.packet, early.packet, subkey.key.packet, binding.packet]
        let cert = try read(packets)
        #expect(cert.userIDs.map(\.signatures) == [[early, late]])
        #expect(cert.subkeys.map(\.signatures) == [[binding]])
    }

    /// Per component: revocations first, then the newest self-signatures, 32 in all; the 32 newest third-party ones.
    @Test func signaturesPerComponentAreCapped() throws {
        let stranger = try TestSigner(created: Self.t0)
        let own = try (0..<40).map { try certify(at: UInt32($0) * 10) }
        let revocations = try (0..<5).map {
            try primary.sign(.certificationRevocation, over: .userID(primary.key, uid), created: Self.t0 + UInt32($0))
        }
        let foreign = try (0..<40).map { try certify(at: UInt32($0) * 10 + 5, by: stranger) }
        // Interleaved, oldest first.
        var signatures: [SignaturePacket] = []
        for i in 0..<40 { signatures += [own[i], foreign[i]] + (i < 5 ? [revocations[i]] : []) }
        let cert = try read([primary.key.packet, uid.packet] + signatures.map(\.packet))
        let kept = cert.userIDs[0].signatures
        #expect(kept.count == 64)
        #expect(kept.filter { $0.type == .certificationRevocation } == revocations)
        // 27 of the 40 own certifications: the newest, created at offsets 130 … 390.
        #expect(kept.filter { $0.type == .positiveCertification && $0.issuerFingerprints == [primary.key.fingerprint] }
            .map { $0.creationTime! - Self.t0 } == Array(stride(from: UInt32(130), through: 390, by: 10)))
        // The 32 newest of the 40 foreign ones: offsets 85 … 395.
        #expect(kept.filter { $0.issuerFingerprints == [stranger.key.fingerprint] }.map { $0.creationTime! - Self.t0 }
            == Array(stride(from: UInt32(85), through: 395, by: 10)))
        // The kept ones stay in their original order.
        #expect(kept == signatures.filter { kept.contains($0) })
    }

    @Test func componentCountsAreCapped() throws {
        func userIDs(_ n: Int) -> [Packet] {
            (0..<n).map { UserIDPacket(body: Array("User \($0) <u\($0)@example.org>".utf8)).packet }
        }
        #expect(try read([primary.key.packet] + userIDs(OpenPGPLimits.maxUserIDs)).userIDs.count == 100)
        #expect(throws: OpenPGPError.tooManyComponents) { try read([primary.key.packet] + userIDs(OpenPGPLimits.maxUserIDs + 1)) }
        // Copies of one user ID are one component, however many.
        #expect(try read([primary.key.packet] + [Packet](repeating: uid.packet, count: 500)).userIDs.count == 1)
        let attributes = (0...OpenPGPLimits.maxUserAttributes).map { Packet(tag: .userAttribute, body: [1, UInt8($0)]) }
        #expect(try read([primary.key.packet] + attributes.dropLast()).userAttributes.count == 16)
        #expect(throws: OpenPGPError.tooManyComponents) { try read([primary.key.packet] + attributes) }
        let subkeys = (0...OpenPGPLimits.maxSubkeys).map {
            Packet(tag: .publicSubkey, body: Build.keyV4(27, [UInt8](repeating: UInt8($0), count: 32)))
        }
        #expect(try read([primary.key.packet] + subkeys.dropLast()).subkeys.count == 100)
        #expect(throws: OpenPGPError.tooManyComponents) { try read([primary.key.packet] + subkeys) }
    }

    /// 16 user IDs with 32 self-signatures each is the limit of 512; one more self-signature anywhere is refused.
    @Test func selfSignaturesPerCertificateAreCapped() throws {
        let uids = (0..<17).map { UserIDPacket(body: Array("User \($0) <u\($0)@example.org>".utf8)) }
        func component(_ u: UserIDPacket, _ count: Int) throws -> [Packet] {
            [u.packet] + (try (0..<count).map {
                try primary.sign(.positiveCertification, over: .userID(primary.key, u), created: Self.t0 + UInt32($0)).packet
            })
        }
        var atLimit: [Packet] = [primary.key.packet]
        for u in uids.prefix(16) { atLimit += try component(u, 32) }
        #expect(try read(atLimit).userIDs.map(\.signatures.count) == [Int](repeating: 32, count: 16))
        #expect(throws: OpenPGPError.tooManySignatures) { try read(atLimit + component(uids[16], 1)) }
    }

    /// A merged certificate is held to the same caps, and merging verifies nothing again.
    @Test func mergedCopiesStayCapped() throws {
        let older = try (0..<32).map { try certify(at: UInt32($0)) }
        let newer = try (32..<64).map { try certify(at: UInt32($0)) }
        let a = Certificate(primaryKey: primary.key, userIDs: [UserIDComponent(userID: uid, signatures: older)])
        let b = Certificate(primaryKey: primary.key, userIDs: [UserIDComponent(userID: uid, signatures: newer)])
        let merged = try a.merged(with: b)
        #expect(merged.userIDs[0].signatures == newer)
        #expect(try b.merged(with: a) == merged)
        #expect(merged.verifiedSignatures().userIDs == [newer])
    }

    /// DSA keys over 3072 bits (FIPS 186-4 §4.2) are never verified: the pure-Swift arithmetic must not be made to
    /// run for seconds.
    @Test func largeDSAKeysAreNotVerified() throws {
        func dsaKey(pBits: Int, qBits: Int) throws -> PublicKeyPacket {
            let p = [UInt8](repeating: 0xFF, count: pBits / 8), q = [UInt8](repeating: 0xFF, count: qBits / 8)
            let material = Build.mpi(p) + Build.mpi(q) + Build.mpi([2]) + Build.mpi([3])
            return try PublicKeyPacket(packet: Packet(tag: .publicKey, body: Build.keyV4(17, material)))
        }
        /// A direct-key signature whose hash prefix is right, so that only the DSA step can refuse it.
        func directKeySignature(_ key: PublicKeyPacket) throws -> SignaturePacket {
            let hashed = Build.subpacket(2, Build.u32(Self.t0))
            let hashedPart: [UInt8] = [4, 0x1F, 17, 8, 0, UInt8(hashed.count)] + hashed
            var hasher = AnyHasher(.sha256)
            hasher.updateKey(key)
            hasher.update(hashedPart)
            hasher.update([4, 0xFF] + Build.u32(UInt32(hashedPart.count)))
            let prefix = Array(hasher.finalize().bytes.prefix(2))
            return try SignaturePacket(packet: Packet(tag: .signature, body: hashedPart + [0, 0] + prefix + Build.mpi([1]) + Build.mpi([1])))
        }
        for (pBits, qBits) in [(4096, 256), (3072, 320)] {
            let key = try dsaKey(pBits: pBits, qBits: qBits)
            #expect(try directKeySignature(key).verify(by: key, over: .primaryKey(key))
                == .unsupported(reason: "DSA keys over 3072 bits (FIPS 186-4 §4.2 sizes only)"))
        }
        // A 3072-bit key with a 256-bit q is checked, and this made-up signature fails the math.
        let allowed = try dsaKey(pBits: 3072, qBits: 256)
        #expect(try directKeySignature(allowed).verify(by: allowed, over: .primaryKey(allowed))
            == .invalid(reason: "DSA signature does not verify"))
    }
}
