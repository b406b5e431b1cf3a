import Foundation
import TestSupport
import Testing
@testable import OpenPGP

/// Certificates made by GnuPG 2.2 and Sequoia sq 0.27 during the run, compared with what
/// `gpg --with-colons --show-keys` reports about them.
@Suite struct InteropTests {
    /// Checks fingerprints, key IDs, creation and expiration, user IDs and their validity, subkeys and
    /// their validity and capabilities against GnuPG's listing.
    func expectAgreement(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let cert = try Certificate(bytes: bytes)
        let listing = try GnuPGHome.showKeys(bytes)
        try #require(listing.count == 1, sourceLocation: sourceLocation)
        let gpg = listing[0]
        let status = cert.status(at: Date())

        #expect(cert.fingerprint.description == gpg.primary.fingerprint, sourceLocation: sourceLocation)
        #expect(cert.keyID.description == gpg.primary.keyID, sourceLocation: sourceLocation)
        #expect(String(cert.primaryKey.creationTime) == gpg.primary.created, sourceLocation: sourceLocation)
        #expect(status.expiration.map { String(Int($0.timeIntervalSince1970)) } ?? "" == gpg.primary.expires,
                sourceLocation: sourceLocation)
        #expect(status.validity.isRevoked == (gpg.primary.validity == "r"), sourceLocation: sourceLocation)
        #expect(status.validity.isExpired == (gpg.primary.validity == "e"), sourceLocation: sourceLocation)

        // User IDs: same set; gpg folds the certificate's state into each user ID's validity.
        #expect(Set(cert.userIDs.map(\.userID.value)) == Set(gpg.uids.map(\.value)), sourceLocation: sourceLocation)
        for u in gpg.uids {
            guard let ours = status.userIDs.first(where: { $0.userID.value == u.value }) else { continue }
            let expected: String
            if status.validity.isRevoked || ours.validity.isRevoked { expected = "r" }
            else if status.validity.isExpired { expected = "e" }
            else { expected = "-" }
            #expect(u.validity == expected, "user ID \(u.value)", sourceLocation: sourceLocation)
        }
        // GnuPG lists the primary user ID first.
        if let p = status.primaryUserIDIndex, status.validity.isValid {
            #expect(status.userIDs[p].userID.value == gpg.uids.first?.value, sourceLocation: sourceLocation)
        }

        #expect(Set(cert.subkeys.map(\.key.fingerprint.description)) == Set(gpg.subkeys.map(\.fingerprint)),
                sourceLocation: sourceLocation)
        for g in gpg.subkeys {
            guard let ours = status.subkeys.first(where: { $0.key.fingerprint.description == g.fingerprint }) else { continue }
            #expect(ours.key.keyID.description == g.keyID, sourceLocation: sourceLocation)
            #expect(ours.validity.isRevoked == (g.validity == "r"), "subkey \(g.keyID)", sourceLocation: sourceLocation)
            #expect(ours.validity.isExpired == (g.validity == "e"), "subkey \(g.keyID)", sourceLocation: sourceLocation)
            #expect(Set(ours.flags.description) == Set(g.capabilities.lowercased()), "subkey \(g.keyID)",
                    sourceLocation: sourceLocation)
            #expect(ours.expiration.map { String(Int($0.timeIntervalSince1970)) } ?? "" == g.expires,
                    sourceLocation: sourceLocation)
        }
        // Parsing keeps every packet body.
        let binary = Armor.isArmored(bytes) ? try Armor.decode(String(decoding: bytes, as: UTF8.self))[0].data : bytes
        #expect(cert.packets.map(\.body) == (try Packet.parseAll(binary)).map(\.body), sourceLocation: sourceLocation)
    }

    @Test func gnupgEd25519WithRevokedUserIDAndExpiredSubkey() throws {
        let f = try InteropFixture.get()
        try expectAgreement(f.alice)
        let cert = try Certificate(bytes: f.alice)
        let status = cert.status(at: Date())
        #expect(cert.primaryKey.algorithm == .eddsaLegacy)
        #expect(status.validity == .valid)
        #expect(cert.userIDs.count == 3)
        let old = try #require(status.userIDs.first { $0.userID.value == "Old <old@example.org>" })
        #expect(old.validity.isRevoked)
        #expect(status.subkeys.map(\.key.algorithmLabel) == ["cv25519", "ed25519", "cv25519"])
        #expect(status.subkeys[0].validity == .expired(at: Date(timeIntervalSince1970: 1_577_836_800 + 365 * 86_400)))
        #expect(status.subkeys[1].flags == [.sign])
        #expect(status.subkeys[1].validity == .valid)
        // The signing subkey's binding carries a back-signature made by the subkey.
        let binding = try #require(cert.subkeys[1].signatures.first { $0.type == .subkeyBinding })
        #expect(binding.embeddedSignatures.map(\.type) == [.primaryKeyBinding])
    }

    @Test func gnupgRSARevokedKey() throws {
        let f = try InteropFixture.get()
        try expectAgreement(f.bob)
        let cert = try Certificate(bytes: f.bob)
        #expect(cert.primaryKey.algorithmLabel == "rsa3072")
        guard case .revoked(let reason, _) = cert.status(at: Date()).validity else {
            Issue.record("Bob's key should be revoked")
            return
        }
        #expect(reason?.code == 0)
    }

    @Test func gnupgNISTWithThirdPartyCertification() throws {
        let f = try InteropFixture.get()
        try expectAgreement(f.carol)
        let cert = try Certificate(bytes: f.carol)
        let status = cert.status(at: Date())
        #expect(status.validity == .valid)
        #expect(cert.primaryKey.algorithmLabel == "nistp256")
        #expect(status.subkeys.map(\.key.algorithmLabel) == ["nistp384", "nistp256"])
        #expect(status.subkeys.map(\.validity) == [.valid, .valid])
        #expect(status.expiration != nil)
        let alice = try Certificate(bytes: f.alice)
        let thirdParty = cert.userIDs[0].signatures.filter { $0.issuerKeyIDs.contains(alice.keyID) }
        #expect(thirdParty.count == 1)
        #expect(thirdParty[0].verify(by: alice.primaryKey, over: .userID(cert.primaryKey, cert.userIDs[0].userID)) == .valid)
        // Minimizing and merging drop it: it is not a self-signature.
        #expect(thirdParty[0].verify(by: cert.primaryKey, over: .userID(cert.primaryKey, cert.userIDs[0].userID)) != .valid)
    }

    @Test func gnupgExpiredKey() throws {
        let f = try InteropFixture.get()
        try expectAgreement(f.erin)
        let cert = try Certificate(bytes: f.erin)
        #expect(cert.primaryKey.algorithmLabel == "rsa2048")
        #expect(cert.status(at: Date()).validity.isExpired)
        #expect(cert.status(at: Date(timeIntervalSince1970: 1_612_137_600)).validity == .valid)  // 2021-02-01
    }

    @Test func gnupgDSA() throws {
        let f = try InteropFixture.get()
        try expectAgreement(f.frank)
        let cert = try Certificate(bytes: f.frank)
        #expect(cert.primaryKey.algorithmLabel == "dsa2048")
        let sig = cert.userIDs[0].signatures[0]
        #expect(sig.verify(by: cert.primaryKey, over: .userID(cert.primaryKey, cert.userIDs[0].userID)) == .valid)
        #expect(sig.verify(by: cert.primaryKey, over: .userID(cert.primaryKey, UserIDPacket(body: Array("Mallory <frank@example.org>".utf8)))) != .valid)
        #expect(cert.status(at: Date()).validity == .valid)
        #expect(try cert.minimized(for: "frank@example.org", at: Date()).userIDs.count == 1)
    }

    @Test func gnupgNISTP521() throws {
        let f = try InteropFixture.get()
        try expectAgreement(f.grace)
        let cert = try Certificate(bytes: f.grace)
        #expect(cert.primaryKey.algorithmLabel == "nistp521")
        #expect(cert.status(at: Date()).validity == .valid)
        #expect(cert.status(at: Date()).subkeys.map(\.validity) == [.valid])
        #expect(cert.userIDs[0].signatures[0].verify(by: cert.primaryKey, over: .userID(cert.primaryKey, cert.userIDs[0].userID)) == .valid)
    }

    /// RFC 9580 §5.2.3.1 lists SHA2-224 for RSA signatures; swift-crypto has no SHA-224, so the library
    /// hashes and checks the PKCS#1 v1.5 encoding itself.
    @Test func gnupgRSAWithSHA224SelfSignatures() throws {
        let f = try InteropFixture.get()
        try expectAgreement(f.heidi)
        let cert = try Certificate(bytes: f.heidi)
        let selfSignature = cert.userIDs[0].signatures[0]
        #expect(selfSignature.hashAlgorithm == .sha224)
        #expect(selfSignature.verify(by: cert.primaryKey, over: .userID(cert.primaryKey, cert.userIDs[0].userID)) == .valid)
        #expect(selfSignature.verify(by: cert.primaryKey, over: .userID(cert.primaryKey, UserIDPacket(body: Array("Mallory <heidi@example.org>".utf8)))) != .valid)
        let status = cert.status(at: Date())
        #expect(status.validity == .valid)
        #expect(status.userIDs.map(\.validity) == [.valid])
        #expect(status.subkeys.map(\.validity) == [.valid])
        #expect(status.subkeys.map(\.flags) == [[.sign]])
        #expect(cert.subkeys[0].signatures.map(\.hashAlgorithm) == [.sha224])
    }

    @Test func sequoiaCertificate() throws {
        let f = try InteropFixture.get()
        try expectAgreement(f.dave)
        let cert = try Certificate(bytes: f.dave)
        let status = cert.status(at: Date())
        #expect(status.validity == .valid)
        #expect(status.userIDs.map(\.address?.description) == ["dave@example.org", "dave@example.net"])
        #expect(status.primaryUserIDIndex == 0)
        #expect(status.subkeys.count == 3)
        #expect(status.subkeys.allSatisfy { $0.validity == .valid })
    }

    @Test func secretKeysAreRefused() throws {
        let f = try InteropFixture.get()
        #expect(throws: OpenPGPError.secretKeyMaterial) { try Certificate.readAll(f.daveSecret) }
        #expect(throws: OpenPGPError.secretKeyMaterial) { try Certificate.readAll(f.aliceSecret) }
    }

    @Test func keyringSplitsIntoCertificates() throws {
        let f = try InteropFixture.get()
        let all = try Certificate.readAll(f.alice + f.bob + f.carol + f.erin)
        #expect(all.map(\.fingerprint) == [try Certificate(bytes: f.alice).fingerprint, try Certificate(bytes: f.bob).fingerprint,
                                           try Certificate(bytes: f.carol).fingerprint, try Certificate(bytes: f.erin).fingerprint])
    }

    @Test func tamperedSignatureIsInvalid() throws {
        let f = try InteropFixture.get()
        for input in [f.alice, f.carol, f.bob, f.frank, f.grace, f.heidi, f.dave] {
            let bytes = Armor.isArmored(input) ? try Armor.decode(String(decoding: input, as: UTF8.self))[0].data : input
            var packets = try Packet.parseAll(bytes)
            let uidIndex = try #require(packets.firstIndex { $0.tag == .userID })
            var body = packets[uidIndex + 1].body
            body[body.count - 3] ^= 0x40
            packets[uidIndex + 1] = Packet(tag: .signature, body: body)
            let cert = try Certificate(bytes: packets.serialized)
            let sig = cert.userIDs[0].signatures[0]
            #expect(!sig.verify(by: cert.primaryKey, over: .userID(cert.primaryKey, cert.userIDs[0].userID)).isValid)
            let original = try Certificate(bytes: bytes)
            #expect(original.userIDs[0].signatures[0].verify(by: original.primaryKey,
                                                                over: .userID(original.primaryKey, original.userIDs[0].userID)) == .valid)
        }
    }

    @Test(arguments: [("alice", "alice@example.org"), ("alice", "ALICE@work.example"), ("bob", "bob@example.net"),
                      ("carol", "carol@example.com"), ("dave", "dave@example.net")])
    func minimizedImportsIntoGnuPGWithOneUserID(name: String, address: String) throws {
        let f = try InteropFixture.get()
        let bytes = ["alice": f.alice, "bob": f.bob, "carol": f.carol, "dave": f.dave][name]!
        let cert = try Certificate(bytes: bytes)
        let minimal = try cert.minimized(for: address, at: Date())
        #expect(minimal.userIDs.count == 1)
        #expect(minimal.userIDs[0].userID.address?.wkdComparable == address.lowercased())
        #expect(minimal.userIDs[0].signatures.allSatisfy { $0.issuerKeyIDs.contains(cert.keyID) })
        #expect(minimal.userAttributes.isEmpty)
        let listing = try GnuPGHome.importAndList(minimal.serialized)
        #expect(listing.count == 1)
        #expect(listing.first?.primary.fingerprint == cert.fingerprint.description)
        #expect(listing.first?.uids.count == 1)
        // Armored output imports too.
        #expect(try GnuPGHome.importAndList(Array(minimal.armored().utf8)).first?.uids.count == 1)
    }

    @Test func minimizeKeepsTheRightComponents() throws {
        let f = try InteropFixture.get()
        let alice = try Certificate(bytes: f.alice)
        let minimal = try alice.minimized(for: "alice@example.org", at: Date())
        #expect(minimal.userIDs.map(\.userID.value) == ["Alice <alice@example.org>"])
        #expect(minimal.userIDs[0].signatures.count == 1)
        // The expired encryption subkey is dropped; the signing and current encryption subkeys stay.
        #expect(minimal.subkeys.map(\.key.fingerprint) == [alice.subkeys[1].key.fingerprint, alice.subkeys[2].key.fingerprint])
        #expect(minimal.subkeys.allSatisfy { $0.signatures.count == 1 })
        #expect(throws: OpenPGPError.noMatchingUserID) { try alice.minimized(for: "nobody@example.org", at: Date()) }

        let carol = try Certificate(bytes: f.carol)
        let minimalCarol = try carol.minimized(for: "carol@example.com", at: Date())
        #expect(carol.userIDs[0].signatures.count == 2)  // the self-signature gpg rewrote for set-expire, and Alice's
        #expect(minimalCarol.userIDs[0].signatures.count == 1)
        #expect(minimalCarol.status(at: Date()).expiration == carol.status(at: Date()).expiration)

        let bob = try Certificate(bytes: f.bob)
        let minimalBob = try bob.minimized(for: "bob@example.net", at: Date())
        #expect(minimalBob.primarySignatures.map(\.type) == [.keyRevocation])
        #expect(minimalBob.status(at: Date()).validity.isRevoked)
        #expect(try GnuPGHome.importAndList(minimalBob.serialized).first?.primary.validity == "r")
    }

    @Test func mergeTwoCopies() throws {
        let f = try InteropFixture.get()
        let early = try Certificate(bytes: f.carolEarly)
        let late = try Certificate(bytes: f.carol)
        let merged = try early.merged(with: late)
        #expect(merged == (try late.merged(with: early)))
        #expect(merged.subkeys.count == 2)
        // Union without duplicates: both self-signatures; Alice's certification cannot be verified here and is dropped.
        #expect(merged.userIDs.count == 1)
        #expect(merged.userIDs[0].signatures.count == 2)
        #expect(merged.userIDs[0].signatures.allSatisfy { $0.issuerKeyIDs == [late.keyID, late.keyID] || $0.issuerKeyIDs == [late.keyID] })
        #expect(merged.status(at: Date()).expiration == late.status(at: Date()).expiration)
        #expect(try merged.merged(with: merged) == merged)
        let listing = try GnuPGHome.importAndList(merged.serialized)
        #expect(listing.first?.subkeys.count == 2)
        #expect(listing.first?.uids.count == 1)
        #expect(throws: OpenPGPError.certificateMismatch) { try early.merged(with: Certificate(bytes: f.alice)) }
    }
}
