import Crypto
import Foundation
import Testing
@testable import OpenPGP

/// An Ed25519 (v4, algorithm 27) key that signs synthetic certificates in the tests, so that
/// time, revocation and binding rules can be checked at exact instants.
struct TestSigner {
    let privateKey = Curve25519.Signing.PrivateKey()
    let key: PublicKeyPacket

    init(created: UInt32, subkey: Bool = false) throws {
        key = try PublicKeyPacket(packet: Packet(tag: subkey ? .publicSubkey : .publicKey,
                                                 body: Build.keyV4(27, Array(privateKey.publicKey.rawRepresentation), created: created)))
    }

    /// A v4 signature of `type` over `object`, created at `created`, with extra hashed subpackets.
    func sign(_ type: SignatureType, over object: SignedObject, created: UInt32, hash: HashAlgorithm = .sha256,
              subpackets: [UInt8] = []) throws -> SignaturePacket {
        let hashed = Build.subpacket(2, Build.u32(created)) + Build.subpacket(33, [4] + key.fingerprint.bytes) + subpackets
        let hashedPart: [UInt8] = [4, type.rawValue, 27, hash.rawValue, UInt8(hashed.count >> 8), UInt8(hashed.count & 0xFF)] + hashed
        var hasher = AnyHasher(hash)
        switch object {
        case .document(let d): hasher.update(d)
        case .primaryKey(let k): hasher.updateKey(k)
        case .userID(let k, let u):
            hasher.updateKey(k)
            hasher.updateComponent(0xB4, u.body, version: 4)
        case .userAttribute(let k, let a):
            hasher.updateKey(k)
            hasher.updateComponent(0xD1, a.body, version: 4)
        case .subkey(let p, let s):
            hasher.updateKey(p)
            hasher.updateKey(s)
        }
        hasher.update(hashedPart)
        hasher.update([4, 0xFF] + Build.u32(UInt32(hashedPart.count)))
        let digest = hasher.finalize().bytes
        let signature = try privateKey.signature(for: digest)
        return try SignaturePacket(packet: Packet(tag: .signature, body: hashedPart + [0, 0] + Array(digest.prefix(2)) + Array(signature)))
    }
}

@Suite struct ValidityTests {
    static let t0: UInt32 = 1_600_000_000
    static func at(_ offset: UInt32) -> Date { Date(timeIntervalSince1970: Double(t0 + offset)) }
    static let day: UInt32 = 86_400

    let primary: TestSigner
    let uid = UserIDPacket(body: Array("Test <test@example.org>".utf8))
    let uid2 = UserIDPacket(body: Array("Second <second@example.org>".utf8))

    init() throws { primary = try TestSigner(created: Self.t0) }

    func certify(_ u: UserIDPacket, at offset: UInt32, _ subpackets: [UInt8] = []) throws -> SignaturePacket {
        try primary.sign(.positiveCertification, over: .userID(primary.key, u), created: Self.t0 + offset, subpackets: subpackets)
    }

    @Test func keyExpirationFromTheUserIDSelfSignature() throws {
        let cert = Certificate(primaryKey: primary.key, userIDs: [
            UserIDComponent(userID: uid, signatures: [try certify(uid, at: 0, Build.subpacket(9, Build.u32(10 * Self.day)))]),
        ])
        #expect(cert.status(at: Self.at(5)).validity == .valid)
        #expect(cert.status(at: Self.at(5)).expiration == Self.at(10 * Self.day))
        #expect(cert.status(at: Self.at(10 * Self.day)).validity == .expired(at: Self.at(10 * Self.day)))
        #expect(cert.status(at: Self.at(5)).userIDs.map(\.isPrimary) == [true])
    }

    @Test func signatureExpirationAndSignaturesFromBeforeTheKey() throws {
        let cert = Certificate(primaryKey: primary.key, userIDs: [
            UserIDComponent(userID: uid, signatures: [try certify(uid, at: 0, Build.subpacket(3, Build.u32(100)))]),
        ])
        #expect(cert.status(at: Self.at(50)).validity == .valid)
        #expect(cert.status(at: Self.at(100)).userIDs[0].validity == .invalid(reason: "no valid self-signature"))
        #expect(cert.status(at: Self.at(100)).validity == .invalid(reason: "no valid self-signature"))
        let early = try primary.sign(.positiveCertification, over: .userID(primary.key, uid), created: Self.t0 - 10)
        let backdated = Certificate(primaryKey: primary.key, userIDs: [UserIDComponent(userID: uid, signatures: [early])])
        #expect(early.verify(by: primary.key, over: .userID(primary.key, uid)) == .valid)
        #expect(backdated.status(at: Self.at(50)).validity == .invalid(reason: "no valid self-signature"))
    }

    @Test func userIDRevocationAndRecertification() throws {
        let revocation = try primary.sign(.certificationRevocation, over: .userID(primary.key, uid), created: Self.t0 + 100,
                                          subpackets: Build.subpacket(29, [32] + Array("left".utf8)))
        var cert = Certificate(primaryKey: primary.key, userIDs: [
            UserIDComponent(userID: uid, signatures: [try certify(uid, at: 0), revocation]),
            UserIDComponent(userID: uid2, signatures: [try certify(uid2, at: 0)]),
        ])
        #expect(cert.status(at: Self.at(50)).userIDs[0].validity == .valid)
        #expect(cert.status(at: Self.at(150)).userIDs[0].validity
            == .revoked(reason: RevocationReason(code: 32, text: "left"), at: Self.at(100)))
        #expect(cert.status(at: Self.at(150)).validity == .valid)  // the other user ID still binds the key
        #expect(cert.status(at: Self.at(150)).primaryUserIDIndex == 1)
        cert.userIDs[0].signatures.append(try certify(uid, at: 200))
        #expect(cert.status(at: Self.at(250)).userIDs[0].validity == .valid)
        #expect(cert.status(at: Self.at(150)).userIDs[0].validity.isRevoked)
    }

    @Test func softAndHardKeyRevocation() throws {
        let selfSig = try certify(uid, at: 0)
        let soft = try primary.sign(.keyRevocation, over: .primaryKey(primary.key), created: Self.t0 + 100,
                                    subpackets: Build.subpacket(29, [1]))
        let hard = try primary.sign(.keyRevocation, over: .primaryKey(primary.key), created: Self.t0 + 100,
                                    subpackets: Build.subpacket(29, [2] + Array("stolen".utf8)))
        let softCert = Certificate(primaryKey: primary.key, primarySignatures: [soft],
                                   userIDs: [UserIDComponent(userID: uid, signatures: [selfSig])])
        #expect(softCert.status(at: Self.at(50)).validity == .valid)
        #expect(softCert.status(at: Self.at(150)).validity == .revoked(reason: RevocationReason(code: 1, text: ""), at: Self.at(100)))
        let hardCert = Certificate(primaryKey: primary.key, primarySignatures: [hard],
                                   userIDs: [UserIDComponent(userID: uid, signatures: [selfSig])])
        #expect(hardCert.status(at: Self.at(50)).validity == .revoked(reason: RevocationReason(code: 2, text: "stolen"), at: Self.at(100)))
        // A revocation made by another key does not count.
        let other = try TestSigner(created: Self.t0)
        let foreign = try other.sign(.keyRevocation, over: .primaryKey(primary.key), created: Self.t0 + 100)
        let foreignCert = Certificate(primaryKey: primary.key, primarySignatures: [foreign],
                                      userIDs: [UserIDComponent(userID: uid, signatures: [selfSig])])
        #expect(foreignCert.status(at: Self.at(150)).validity == .valid)
        #expect(try foreignCert.merged(with: foreignCert).primarySignatures.isEmpty)
    }

    @Test func primaryUserIDChoice() throws {
        let flagged = try certify(uid, at: 10, Build.subpacket(25, [1]))
        let newer = try certify(uid2, at: 20)
        let cert = Certificate(primaryKey: primary.key, userIDs: [
            UserIDComponent(userID: uid, signatures: [flagged]), UserIDComponent(userID: uid2, signatures: [newer]),
        ])
        #expect(cert.status(at: Self.at(30)).primaryUserIDIndex == 0)
        let unflagged = Certificate(primaryKey: primary.key, userIDs: [
            UserIDComponent(userID: uid, signatures: [try certify(uid, at: 10)]), UserIDComponent(userID: uid2, signatures: [newer]),
        ])
        #expect(unflagged.status(at: Self.at(30)).primaryUserIDIndex == 1)
        #expect(unflagged.status(at: Self.at(15)).primaryUserIDIndex == 0)  // the newer one does not exist yet
    }

    @Test func sha1CutOff() throws {
        let before = try primary.sign(.positiveCertification, over: .userID(primary.key, uid), created: 1_640_995_200, hash: .sha1)
        let after = try primary.sign(.positiveCertification, over: .userID(primary.key, uid), created: 1_704_067_200, hash: .sha1)
        #expect(before.verify(by: primary.key, over: .userID(primary.key, uid)) == .valid)
        #expect(after.verify(by: primary.key, over: .userID(primary.key, uid))
            == .invalid(reason: "SHA-1 signature created after the 2023-02-01 cut-off"))
        let sha512 = try primary.sign(.positiveCertification, over: .userID(primary.key, uid), created: 1_704_067_200, hash: .sha512)
        #expect(sha512.verify(by: primary.key, over: .userID(primary.key, uid)) == .valid)
        #expect(sha512.verify(by: primary.key, over: .userID(primary.key, uid2)) == .invalid(reason: "hash prefix mismatch"))
    }

    @Test func subkeyBindingBackSignatureAndRevocation() throws {
        let sub = try TestSigner(created: Self.t0 + 5, subkey: true)
        let object = SignedObject.subkey(primary: primary.key, subkey: sub.key)
        let back = try sub.sign(.primaryKeyBinding, over: object, created: Self.t0 + 10)
        let withBack = try primary.sign(.subkeyBinding, over: object, created: Self.t0 + 10,
                                        subpackets: Build.subpacket(27, [0x02]) + Build.subpacket(32, back.body))
        let withoutBack = try primary.sign(.subkeyBinding, over: object, created: Self.t0 + 10, subpackets: Build.subpacket(27, [0x02]))
        let encryptOnly = try primary.sign(.subkeyBinding, over: object, created: Self.t0 + 10,
                                           subpackets: Build.subpacket(27, [0x0C]) + Build.subpacket(9, Build.u32(100)))
        let uidComponent = UserIDComponent(userID: uid, signatures: [try certify(uid, at: 0)])
        func status(_ sigs: [SignaturePacket], at offset: UInt32 = 50) -> SubkeyStatus {
            Certificate(primaryKey: primary.key, userIDs: [uidComponent], subkeys: [SubkeyComponent(key: sub.key, signatures: sigs)])
                .status(at: Self.at(offset)).subkeys[0]
        }
        #expect(status([withBack]).validity == .valid)
        #expect(status([withBack]).flags == [.sign])
        #expect(status([withoutBack]).validity == .invalid(reason: "no valid binding signature"))
        #expect(status([encryptOnly]).validity == .valid)
        #expect(status([encryptOnly]).flags == [.encryptCommunications, .encryptStorage])
        #expect(status([encryptOnly], at: 105).validity == .expired(at: Self.at(105)))
        let revocation = try primary.sign(.subkeyRevocation, over: object, created: Self.t0 + 60, subpackets: Build.subpacket(29, [3]))
        #expect(status([withBack, revocation], at: 50).validity == .valid)
        #expect(status([withBack, revocation], at: 70).validity.isRevoked)

        // Minimize keeps the revoked subkey with its revocation, drops the unbound one; merge drops the unverifiable binding.
        let cert = Certificate(primaryKey: primary.key, userIDs: [uidComponent],
                               subkeys: [SubkeyComponent(key: sub.key, signatures: [withoutBack, withBack, revocation])])
        let minimal = try cert.minimized(for: "TEST@example.org", at: Self.at(70))
        #expect(minimal.subkeys.map(\.signatures) == [[withBack, revocation]])
        let merged = try cert.merged(with: cert)
        #expect(merged.subkeys.map(\.signatures) == [[revocation, withBack]])
        #expect(merged.status(at: Self.at(70)) == cert.status(at: Self.at(70)))
    }
}
