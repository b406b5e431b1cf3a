import Foundation
import Testing
@testable import OpenPGP

/// RFC 9580 Appendix A samples (see Vectors/README.md).
@Suite struct RFCVectorTests {
    @Test func v4Ed25519LegacyKeyFingerprintAndKeyID() throws {
        let cert = try Certificate(bytes: vector("rfc9580-a1-v4-ed25519-legacy-key.asc"))
        #expect(cert.primaryKey.version == 4)
        #expect(cert.primaryKey.algorithm == .eddsaLegacy)
        #expect(cert.fingerprint.description == "C959BDBAFA32A2F89A153B678CFDE12197965A9A")
        #expect(cert.keyID.description == "8CFDE12197965A9A")
        #expect(cert.primaryKey.creationTime == 0x53F3_5F0B)
        #expect(cert.primaryKey.algorithmLabel == "ed25519")
        guard case .eddsaLegacy(let curve, let point) = cert.primaryKey.material else {
            Issue.record("expected EdDSALegacy material")
            return
        }
        #expect(curve == .ed25519Legacy)
        #expect(point == hex("40 3f098994bdd916ed4053197934e4a87c80733a1280d62f8010992e43ee3b2406"))
        // The sample key has no user ID and so no self-signature: it is not a valid certificate on its own.
        #expect(cert.userIDs.isEmpty)
        #expect(cert.status(at: june2025).validity == .invalid(reason: "no valid self-signature"))
    }

    /// A.1 carries no self-signature; A.2 is a signature by that key over "OpenPGP", which exercises EdDSALegacy.
    @Test func v4Ed25519LegacySignatureVerifies() throws {
        let cert = try Certificate(bytes: vector("rfc9580-a1-v4-ed25519-legacy-key.asc"))
        let blocks = try Armor.decode(String(decoding: try vector("rfc9580-a2-v4-ed25519-legacy-signature.asc"), as: UTF8.self))
        #expect(blocks.count == 1)
        #expect(blocks[0].kind == .signature)
        let packets = try Packet.parseAll(blocks[0].data)
        #expect(packets.count == 1)
        #expect(packets[0].headerFormat == .legacy)
        let sig = try SignaturePacket(packet: packets[0])
        #expect(sig.version == 4)
        #expect(sig.type == .binary)
        #expect(sig.hashAlgorithm == .sha256)
        #expect(sig.creationTime == 0x55F9_5F95)
        #expect(sig.issuerKeyIDs == [cert.keyID])
        #expect(sig.verify(by: cert.primaryKey, over: .document(Array("OpenPGP".utf8))) == .valid)
        #expect(sig.verify(by: cert.primaryKey, over: .document(Array("OpenPGQ".utf8))) != .valid)
    }

    @Test func v6CertificateParsesAndVerifies() throws {
        let cert = try Certificate(bytes: vector("rfc9580-a3-v6-certificate.asc"))
        #expect(cert.primaryKey.version == 6)
        #expect(cert.primaryKey.algorithm == .ed25519)
        #expect(cert.fingerprint.description == "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9")
        #expect(cert.keyID.description == "CB186C4F0609A697")
        #expect(cert.primaryKey.creationTime == 0x6387_7FE3)
        #expect(cert.userIDs.isEmpty)
        #expect(cert.primarySignatures.count == 1)
        let directKey = cert.primarySignatures[0]
        #expect(directKey.version == 6)
        #expect(directKey.type == .directKey)
        #expect(directKey.hashAlgorithm == .sha512)
        #expect(directKey.salt.count == 32)
        #expect(directKey.keyFlags == [.certify, .sign])
        #expect(directKey.issuerFingerprints == [cert.fingerprint])
        #expect(directKey.verify(by: cert.primaryKey, over: .primaryKey(cert.primaryKey)) == .valid)

        #expect(cert.subkeys.count == 1)
        let sub = cert.subkeys[0]
        #expect(sub.key.algorithm == .x25519)
        #expect(sub.key.fingerprint.description == "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885")
        #expect(sub.signatures.count == 1)
        #expect(sub.signatures[0].type == .subkeyBinding)
        #expect(sub.signatures[0].verify(by: cert.primaryKey, over: .subkey(primary: cert.primaryKey, subkey: sub.key)) == .valid)

        let status = cert.status(at: june2025)
        #expect(status.validity == .valid)
        #expect(status.expiration == nil)
        #expect(status.subkeys.map(\.validity) == [.valid])
        #expect(status.subkeys[0].flags == [.encryptCommunications, .encryptStorage])
        // Before the key existed it is not valid.
        #expect(cert.status(at: Date(timeIntervalSince1970: 1_600_000_000)).validity
            == .invalid(reason: "key created after the time asked about"))
    }

    @Test func v6CertificateRoundTripsByteForByte() throws {
        let blocks = try Armor.decode(String(decoding: try vector("rfc9580-a3-v6-certificate.asc"), as: UTF8.self))
        let cert = try Certificate(bytes: blocks[0].data)
        #expect(cert.serialized == blocks[0].data)
        let armored = cert.armored()
        #expect(!armored.contains("\n="))  // no CRC24 for v6
        #expect(try Certificate(bytes: Array(armored.utf8)) == cert)
    }

    @Test func tamperedV6SignatureIsInvalid() throws {
        let blocks = try Armor.decode(String(decoding: try vector("rfc9580-a3-v6-certificate.asc"), as: UTF8.self))
        var packets = try Packet.parseAll(blocks[0].data)
        var body = packets[1].body
        body[body.count - 5] ^= 0x01  // inside the Ed25519 signature
        packets[1] = Packet(tag: .signature, body: body)
        let cert = try Certificate(bytes: packets.serialized)
        let verdict = cert.primarySignatures[0].verify(by: cert.primaryKey, over: .primaryKey(cert.primaryKey))
        #expect(verdict == .invalid(reason: "Ed25519 signature does not verify"))
        #expect(cert.status(at: june2025).validity == .invalid(reason: "no valid self-signature"))
    }
}
