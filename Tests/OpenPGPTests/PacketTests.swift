import Foundation
import Testing
@testable import OpenPGP

/// Builders for synthetic packets.
enum Build {
    static func mpi(_ value: [UInt8]) -> [UInt8] {
        let v = Array(value.drop(while: { $0 == 0 }))
        let bits = v.isEmpty ? 0 : (v.count - 1) * 8 + (8 - v[0].leadingZeroBitCount)
        return [UInt8(bits >> 8), UInt8(bits & 0xFF)] + v
    }
    static func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func keyV4(_ alg: UInt8, _ material: [UInt8], created: UInt32 = 0x5F00_0000) -> [UInt8] {
        [4] + u32(created) + [alg] + material
    }
    static func keyV6(_ alg: UInt8, _ material: [UInt8], created: UInt32 = 0x6300_0000) -> [UInt8] {
        [6] + u32(created) + [alg] + u32(UInt32(material.count)) + material
    }
    static func subpacket(_ type: UInt8, _ body: [UInt8], critical: Bool = false) -> [UInt8] {
        let n = body.count + 1
        var out: [UInt8]
        if n < 192 { out = [UInt8(n)] }
        else if n < 8384 { out = [UInt8((n - 192) >> 8 + 192), UInt8((n - 192) & 0xFF)] }
        else { out = [0xFF] + u32(UInt32(n)) }
        return out + [critical ? type | 0x80 : type] + body
    }
    static func sigV4(type: UInt8 = 0x13, alg: UInt8 = 22, hash: UInt8 = 8, hashed: [UInt8], unhashed: [UInt8] = [],
                      material: [UInt8] = mpi([1, 2, 3]) + mpi([4, 5, 6])) -> [UInt8] {
        [4, type, alg, hash, UInt8(hashed.count >> 8), UInt8(hashed.count & 0xFF)] + hashed
            + [UInt8(unhashed.count >> 8), UInt8(unhashed.count & 0xFF)] + unhashed + [0xAB, 0xCD] + material
    }
    static let ed25519Point: [UInt8] = [0x40] + [UInt8](repeating: 7, count: 32)
}

@Suite struct PacketTests {
    /// Parses `packet` into its typed value and back; the serialization must be byte-identical.
    func roundTrip(_ packet: Packet, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = packet.serialized
        let parsed = try Packet.parseAll(bytes)
        #expect(parsed == [packet], sourceLocation: sourceLocation)
        #expect(parsed.serialized == bytes, sourceLocation: sourceLocation)
    }

    @Test func headerLengthForms() throws {
        for size in [0, 1, 191, 192, 193, 8383, 8384, 70_000] {
            let body = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            let packet = Packet(tag: .userID, body: body)
            let bytes = packet.serialized
            let expectedHeader = size < 192 ? 2 : size < 8384 ? 3 : 6
            #expect(bytes.count == size + expectedHeader, "size \(size)")
            try roundTrip(packet)
        }
    }

    @Test func legacyHeadersAreReadAndWrittenInCurrentFormat() throws {
        let body: [UInt8] = Array("Alice <alice@example.org>".utf8)
        // tag 13, length types 0 (1 octet), 1 (2 octets), 2 (4 octets)
        let one: [UInt8] = [0x80 | 13 << 2 | 0, UInt8(body.count)] + body
        let two: [UInt8] = [0x80 | 13 << 2 | 1, 0, UInt8(body.count)] + body
        let four: [UInt8] = [0x80 | 13 << 2 | 2, 0, 0, 0, UInt8(body.count)] + body
        for bytes in [one, two, four] {
            let packets = try Packet.parseAll(bytes)
            #expect(packets == [Packet(tag: .userID, body: body, headerFormat: .legacy)])
            #expect(packets[0].serialized == [0xC0 | 13, UInt8(body.count)] + body)
        }
        // Indeterminate length runs to the end of input, allowed for data packets only.
        let literal = try Packet.parseAll([0x80 | 11 << 2 | 3] + body)
        #expect(literal.map(\.body) == [body])
        #expect(throws: OpenPGPError.partialLengthNotAllowed) { try Packet.parseAll([0x80 | 13 << 2 | 3] + body) }
    }

    @Test func partialLengths() throws {
        // Literal data (tag 11) in a 512-octet partial chunk followed by a 3-octet final chunk.
        let chunk = [UInt8](repeating: 0x61, count: 512)
        let bytes: [UInt8] = [0xC0 | 11, 0xE0 | 9] + chunk + [3, 1, 2, 3]
        let packets = try Packet.parseAll(bytes)
        #expect(packets.count == 1)
        #expect(packets[0].body == chunk + [1, 2, 3])
        // Forbidden for keys, user IDs and signatures (RFC 9580 §4.2.1.4).
        for tag: UInt8 in [2, 6, 13, 14, 17] {
            #expect(throws: OpenPGPError.partialLengthNotAllowed) { try Packet.parseAll([0xC0 | tag, 0xE0 | 9] + chunk + [0]) }
        }
        // A first partial chunk under 512 octets is malformed.
        #expect(throws: OpenPGPError.malformedPacket) { try Packet.parseAll([0xC0 | 11, 0xE0 | 2, 1, 2, 3, 4, 0]) }
    }

    @Test func truncatedAndReservedHeaders() {
        #expect(throws: OpenPGPError.truncated) { try Packet.parseAll([0xC0 | 13, 5, 1, 2]) }
        #expect(throws: OpenPGPError.truncated) { try Packet.parseAll([0xC0 | 13, 0xFF, 0, 0]) }
        #expect(throws: OpenPGPError.malformedPacket) { try Packet.parseAll([0x00]) }
        #expect(throws: OpenPGPError.malformedPacket) { try Packet.parseAll([0xC0, 0]) }
    }

    @Test func publicKeyAlgorithmsV4() throws {
        let n = [UInt8](repeating: 0xC5, count: 256), e: [UInt8] = [1, 0, 1]
        let cases: [(UInt8, [UInt8], PublicKeyMaterial)] = [
            (1, Build.mpi(n) + Build.mpi(e), .rsa(n: n, e: e)),
            (17, Build.mpi([9, 9]) + Build.mpi([8]) + Build.mpi([7]) + Build.mpi([6]), .dsa(p: [9, 9], q: [8], g: [7], y: [6])),
            (16, Build.mpi([9]) + Build.mpi([8]) + Build.mpi([7]), .elgamal(p: [9], g: [8], y: [7])),
            (19, [8] + Curve.nistP256.oid + Build.mpi([4, 1, 2]), .ecdsa(curve: .nistP256, point: [4, 1, 2])),
            (18, [10] + Curve.curve25519Legacy.oid + Build.mpi([0x40, 1]) + [3, 1, 8, 7],
             .ecdh(curve: .curve25519Legacy, point: [0x40, 1], kdfParameters: [1, 8, 7])),
            (22, [9] + Curve.ed25519Legacy.oid + Build.mpi(Build.ed25519Point), .eddsaLegacy(curve: .ed25519Legacy, point: Build.ed25519Point)),
            (25, [UInt8](repeating: 1, count: 32), .x25519([UInt8](repeating: 1, count: 32))),
            (26, [UInt8](repeating: 2, count: 56), .x448([UInt8](repeating: 2, count: 56))),
            (27, [UInt8](repeating: 3, count: 32), .ed25519([UInt8](repeating: 3, count: 32))),
            (28, [UInt8](repeating: 4, count: 57), .ed448([UInt8](repeating: 4, count: 57))),
            (99, [1, 2, 3, 4, 5], .opaque([1, 2, 3, 4, 5])),
        ]
        for (alg, material, expected) in cases {
            for tag in [PacketTag.publicKey, .publicSubkey] {
                let packet = Packet(tag: tag, body: Build.keyV4(alg, material))
                try roundTrip(packet)
                let key = try PublicKeyPacket(packet: packet)
                #expect(key.version == 4)
                #expect(key.algorithm.rawValue == alg)
                #expect(key.material == expected, "algorithm \(alg)")
                #expect(key.isSubkey == (tag == .publicSubkey))
                #expect(key.packet == packet)
                #expect(key.fingerprint.bytes.count == 20)
                #expect(key.keyID.bytes == Array(key.fingerprint.bytes.suffix(8)))
            }
        }
        #expect(try PublicKeyPacket(packet: Packet(tag: .publicKey, body: Build.keyV4(1, Build.mpi(n) + Build.mpi(e)))).algorithmLabel == "rsa2048")
        // Trailing bytes after known material are malformed.
        #expect(throws: OpenPGPError.malformedPacket) {
            try PublicKeyPacket(packet: Packet(tag: .publicKey, body: Build.keyV4(27, [UInt8](repeating: 3, count: 33))))
        }
    }

    @Test func publicKeyV6AndVersions() throws {
        let packet = Packet(tag: .publicKey, body: Build.keyV6(27, [UInt8](repeating: 3, count: 32)))
        try roundTrip(packet)
        let key = try PublicKeyPacket(packet: packet)
        #expect(key.version == 6)
        #expect(key.fingerprint.bytes.count == 32)
        #expect(key.keyID.bytes == Array(key.fingerprint.bytes.prefix(8)))
        let unknown = try PublicKeyPacket(packet: Packet(tag: .publicSubkey, body: Build.keyV6(100, [9, 9, 9])))
        #expect(unknown.material == .opaque([9, 9, 9]))
        // v6 material length must match.
        #expect(throws: OpenPGPError.truncated) {
            try PublicKeyPacket(packet: Packet(tag: .publicKey, body: [6] + Build.u32(1) + [27] + Build.u32(40) + [1, 2]))
        }
        #expect(throws: OpenPGPError.unsupportedVersion) { try PublicKeyPacket(packet: Packet(tag: .publicKey, body: [5, 0, 0, 0, 0, 27])) }
        #expect(throws: OpenPGPError.unsupportedVersion) { try PublicKeyPacket(packet: Packet(tag: .publicKey, body: [3, 0, 0, 0, 0, 0, 0, 1])) }
        #expect(throws: OpenPGPError.secretKeyMaterial) { try PublicKeyPacket(packet: Packet(tag: .secretKey, body: packet.body + [0])) }
        #expect(throws: OpenPGPError.secretKeyMaterial) { try PublicKeyPacket(packet: Packet(tag: .secretSubkey, body: packet.body + [0])) }
    }

    @Test func userIDAndAttribute() throws {
        let uid = Packet(tag: .userID, body: Array("Zoë <zoe@example.org>".utf8))
        try roundTrip(uid)
        #expect(try UserIDPacket(packet: uid).value == "Zoë <zoe@example.org>")
        #expect(try UserIDPacket(packet: uid).packet == uid)
        let attribute = Packet(tag: .userAttribute, body: [5, 1, 0x10, 0, 1, 0xFF, 0xD8])
        try roundTrip(attribute)
        #expect(UserAttributePacket(body: attribute.body).packet == attribute)
    }

    @Test func signatureV4Subpackets() throws {
        let primaryFpr = [UInt8](repeating: 0xAA, count: 20)
        let embedded = Build.sigV4(type: 0x19, hashed: Build.subpacket(2, Build.u32(5)))
        let hashed = Build.subpacket(2, Build.u32(1_700_000_000), critical: true)
            + Build.subpacket(3, Build.u32(600))
            + Build.subpacket(9, Build.u32(86_400))
            + Build.subpacket(11, [9, 7])
            + Build.subpacket(21, [10, 8])
            + Build.subpacket(22, [2, 1])
            + Build.subpacket(25, [1])
            + Build.subpacket(27, [0x03], critical: true)
            + Build.subpacket(29, [2] + Array("key leaked".utf8))
            + Build.subpacket(30, [0x01])
            + Build.subpacket(32, embedded)
            + Build.subpacket(33, [4] + primaryFpr)
            + Build.subpacket(100, [1, 2, 3])
            + Build.subpacket(101, [UInt8](repeating: 0x55, count: 300))  // two-octet subpacket length
        let unhashed = Build.subpacket(16, Array(primaryFpr.suffix(8)))
        let packet = Packet(tag: .signature, body: Build.sigV4(hashed: hashed, unhashed: unhashed))
        try roundTrip(packet)
        let sig = try SignaturePacket(packet: packet)
        #expect(sig.version == 4)
        #expect(sig.type == .positiveCertification)
        #expect(sig.algorithm == .eddsaLegacy)
        #expect(sig.hashAlgorithm == .sha256)
        #expect(sig.creationTime == 1_700_000_000)
        #expect(sig.signatureExpirationTime == 600)
        #expect(sig.keyExpirationTime == 86_400)
        #expect(sig.preferredSymmetricAlgorithms == [9, 7])
        #expect(sig.preferredHashAlgorithms == [10, 8])
        #expect(sig.preferredCompressionAlgorithms == [2, 1])
        #expect(sig.isPrimaryUserID)
        #expect(sig.keyFlags == [.certify, .sign])
        #expect(sig.revocationReason == RevocationReason(code: 2, text: "key leaked"))
        #expect(sig.revocationReason?.isHard == true)
        #expect(sig.features == [0x01])
        #expect(sig.embeddedSignatures.map(\.type) == [.primaryKeyBinding])
        #expect(sig.embeddedSignatures.first?.creationTime == 5)
        #expect(sig.issuerFingerprints == [Fingerprint(bytes: primaryFpr)])
        #expect(sig.issuerKeyIDs == [KeyID(bytes: Array(primaryFpr.suffix(8))), KeyID(bytes: Array(primaryFpr.suffix(8)))])
        #expect(sig.hashedSubpackets.count == 14)
        #expect(sig.hashedSubpackets[12].value == .unknown)
        #expect(sig.hashedSubpackets[13].body.count == 300)
        #expect(!sig.hasUnknownCriticalSubpacket)
        #expect(sig.material == .twoIntegers(r: [1, 2, 3], s: [4, 5, 6]))
        #expect(sig.hashedPart == Array(packet.body.prefix(6 + hashed.count)))
        #expect(sig.packet == packet)
    }

    @Test func unknownCriticalSubpacketInvalidatesTheSignature() throws {
        let key = try PublicKeyPacket(packet: Packet(tag: .publicKey, body: Build.keyV4(22, [9] + Curve.ed25519Legacy.oid + Build.mpi(Build.ed25519Point))))
        let hashed = Build.subpacket(2, Build.u32(1_700_000_000)) + Build.subpacket(100, [1], critical: true)
        let sig = try SignaturePacket(packet: Packet(tag: .signature, body: Build.sigV4(hashed: hashed)))
        #expect(sig.hasUnknownCriticalSubpacket)
        #expect(sig.verify(by: key, over: .primaryKey(key)) == .invalid(reason: "unknown critical subpacket"))
        let noTime = try SignaturePacket(packet: Packet(tag: .signature, body: Build.sigV4(hashed: [])))
        #expect(noTime.verify(by: key, over: .primaryKey(key)) == .invalid(reason: "no hashed signature creation time"))
    }

    @Test func signatureV3AndV6AndOpaque() throws {
        let v3 = Packet(tag: .signature, body: [3, 5, 0x10] + Build.u32(0x3000_0000) + [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 0xAB, 0xCD] + Build.mpi([7, 7]))
        try roundTrip(v3)
        let s3 = try SignaturePacket(packet: v3)
        #expect(s3.version == 3)
        #expect(s3.type == .genericCertification)
        #expect(s3.creationTime == 0x3000_0000)
        #expect(s3.issuerKeyIDs == [KeyID(bytes: [1, 2, 3, 4, 5, 6, 7, 8])])
        #expect(s3.hashAlgorithm == .sha1)
        #expect(s3.hashedPart == [0x10] + Build.u32(0x3000_0000))
        #expect(s3.material == .rsa(s: [7, 7]))

        let hashed = Build.subpacket(2, Build.u32(1_700_000_000))
        let v6body: [UInt8] = [6, 0x1F, 27, 10] + Build.u32(UInt32(hashed.count)) + hashed + Build.u32(0) + [0x12, 0x34, 32]
            + [UInt8](repeating: 0x5A, count: 32) + [UInt8](repeating: 0x11, count: 64)
        let v6 = Packet(tag: .signature, body: v6body)
        try roundTrip(v6)
        let s6 = try SignaturePacket(packet: v6)
        #expect(s6.version == 6)
        #expect(s6.type == .directKey)
        #expect(s6.salt == [UInt8](repeating: 0x5A, count: 32))
        #expect(s6.material == .ed25519([UInt8](repeating: 0x11, count: 64)))

        let opaque = try SignaturePacket(packet: Packet(tag: .signature, body: Build.sigV4(alg: 100, hashed: hashed, material: [1, 2, 3])))
        #expect(opaque.material == .opaque([1, 2, 3]))
        #expect(throws: OpenPGPError.unsupportedVersion) { try SignaturePacket(packet: Packet(tag: .signature, body: [5, 0, 0])) }
    }

    @Test func markerTrustAndPaddingAreSkippedInCertificates() throws {
        let key = Packet(tag: .publicKey, body: Build.keyV4(27, [UInt8](repeating: 3, count: 32)))
        let uid = Packet(tag: .userID, body: Array("a@example.org".utf8))
        let bytes = [Packet(tag: .marker, body: Array("PGP".utf8)), key, Packet(tag: .trust, body: [0, 0]), uid,
                     Packet(tag: .padding, body: [0, 0, 0]), Packet(tag: PacketTag(rawValue: 60), body: [1])].serialized
        let cert = try Certificate(bytes: bytes)
        #expect(cert.packets == [key, uid])
        // Unreadable signatures (unknown version, malformed subpacket) are dropped, not fatal.
        let v5 = Packet(tag: .signature, body: [5, 0x13, 27, 8])
        let badSubpacket = Packet(tag: .signature, body: Build.sigV4(hashed: Build.subpacket(2, [1, 2])))
        #expect(try Certificate(bytes: [key, uid, v5, badSubpacket].serialized).packets == [key, uid])
        #expect(throws: OpenPGPError.notACertificate) { try Certificate.readAll([uid, key].serialized) }
        #expect(throws: OpenPGPError.notACertificate) { try Certificate.readAll([key, Packet(tag: .literalData, body: [0x62, 0, 0, 0, 0, 0])].serialized) }
        #expect(throws: OpenPGPError.notACertificate) { try Certificate.readAll([]) }
    }

    @Test func otherPacketTypesRoundTrip() throws {
        for packet in [Packet(tag: .marker, body: Array("PGP".utf8)), Packet(tag: .trust, body: [0x00, 0x78]),
                       Packet(tag: .padding, body: [UInt8](repeating: 0, count: 32)), Packet(tag: PacketTag(rawValue: 60), body: [1, 2]),
                       Packet(tag: .literalData, body: [0x62, 0] + Build.u32(0) + Array("hello".utf8)),
                       Packet(tag: .onePassSignature, body: [3, 0, 8, 22, 1, 2, 3, 4, 5, 6, 7, 8, 1])] {
            try roundTrip(packet)
        }
    }

    @Test func fiveOctetSubpacketLength() throws {
        let big = [UInt8](repeating: 0x42, count: 9_000)
        let hashed = Build.subpacket(2, Build.u32(1)) + Build.subpacket(20, big)
        #expect(hashed.count == 6 + 5 + 1 + 9_000)
        let packet = Packet(tag: .signature, body: Build.sigV4(hashed: hashed))
        try roundTrip(packet)
        let sig = try SignaturePacket(packet: packet)
        #expect(sig.hashedSubpackets.map(\.type) == [2, 20])
        #expect(sig.hashedSubpackets[1].body == big)
        #expect(sig.hashedSubpackets[1].value == .unknown)
    }

    @Test func fingerprintHexParsing() {
        #expect(Fingerprint(hex: "c959 bdba fa32 a2f8 9a15 3b67 8cfd e121 9796 5a9a")?.description == "C959BDBAFA32A2F89A153B678CFDE12197965A9A")
        #expect(Fingerprint(hex: "C959BD") == nil)
        #expect(Fingerprint(hex: "zz59BDBAFA32A2F89A153B678CFDE12197965A9A") == nil)
    }
}
