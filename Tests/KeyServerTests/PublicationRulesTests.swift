import Foundation
import KeyServer
import OpenPGP
import Store
import TestSupport
import Testing
import VKS

/// What a validating key server publishes, and when it refuses.
@Suite struct PublicationRulesTests {
    func verify(_ h: Harness, _ key: [UInt8], _ address: String) async throws {
        let upload = try await h.server.upload(key)
        _ = try await h.server.requestVerify(token: upload.token, addresses: [address])
        let token = try #require(try await h.token("verify", to: address))
        _ = try await h.server.confirmVerification(token: token)
    }

    @Test func oneKeyPerAddress() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        try await verify(h, keys.alice, "alice@example.org")
        h.clock.advance(3601)  // the next verification mail to the same address is allowed an hour later
        try await verify(h, keys.mallory, "alice@example.org")
        let byEmail = try #require(try await h.server.key(email: "alice@example.org"))
        #expect(try Certificate(bytes: byEmail).fingerprint.description == keys.malloryFingerprint)
        // Alice's key lost the user ID: it is no longer published anywhere.
        #expect(try h.userIDs(try await h.server.key(fingerprint: keys.aliceFingerprint)) == [])
        #expect(try await h.store.publishedAddresses(fingerprint: keys.aliceFingerprint).isEmpty)
    }

    @Test func updatesAreMergedAndKeepVerifiedIdentities() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        try await verify(h, keys.alice, "alice@example.org")
        let update = try await h.server.upload(keys.aliceUpdated)
        #expect(update.status["alice@example.org"] == .published)
        let cert = try Certificate(bytes: try #require(try await h.server.key(fingerprint: keys.aliceFingerprint)))
        #expect(cert.userIDs.map(\.userID.value) == ["Alice <alice@example.org>"])
        #expect(cert.subkeys.count == 2)
        #expect(cert.status(at: h.clock.now).subkeys.map(\.validity) == [.valid, .valid])
    }

    @Test func concurrentUpdatesAreBothKept() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        _ = try await h.server.upload(keys.alice)
        async let first = h.server.upload(keys.aliceUpdated)
        async let second = h.server.upload(keys.aliceUpdatedTwice)
        _ = try await (first, second)
        let cert = try Certificate(bytes: try #require(try await h.server.key(fingerprint: keys.aliceFingerprint)))
        #expect(cert.subkeys.count == 3)
    }

    @Test func revokedKeyIsPublishedWithoutUserIDs() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        let upload = try await h.server.upload(keys.carolRevoked)
        #expect(upload.status == ["carol@example.org": .revoked])
        let cert = try Certificate(bytes: try #require(try await h.server.key(fingerprint: keys.carolFingerprint)))
        #expect(cert.userIDs.isEmpty)
        #expect(cert.status(at: h.clock.now).validity.isRevoked)
        await #expect(throws: KeyServerError.self) {
            try await h.server.requestVerify(token: upload.token, addresses: ["carol@example.org"])
        }
    }

    @Test func revocationUploadedLaterUnpublishesTheAddresses() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        // Carol's key before its revocation: strip the revocation signature from the export.
        let revoked = try Certificate(bytes: keys.carolRevoked)
        var unrevoked = revoked
        unrevoked.primarySignatures.removeAll { $0.type == .keyRevocation }
        try await verify(h, unrevoked.serialized, "carol@example.org")
        #expect(try h.userIDs(try await h.server.key(email: "carol@example.org")) == ["Carol <carol@example.org>"])
        _ = try await h.server.upload(keys.carolRevoked)
        #expect(try await h.server.key(email: "carol@example.org") == nil)
        let cert = try Certificate(bytes: try #require(try await h.server.key(fingerprint: keys.carolFingerprint)))
        #expect(cert.userIDs.isEmpty)
        #expect(cert.status(at: h.clock.now).validity.isRevoked)
    }

    @Test func refusals() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        await #expect(throws: KeyServerError.self) { try await h.server.upload(keys.aliceSecret) }
        await #expect(throws: KeyServerError.self) { try await h.server.upload(Array(repeating: 0x99, count: (1 << 20) + 1)) }
        await #expect(throws: KeyServerError.self) { try await h.server.upload(Array("hello".utf8)) }
        await #expect(throws: KeyServerError.self) { try await h.server.upload(keys.alice + keys.mallory) }
        let bare = Certificate(primaryKey: try Certificate(bytes: keys.alice).primaryKey)
        do {
            _ = try await h.server.upload(bare.serialized)
            Issue.record("a key with nothing to publish was accepted")
        } catch {
            #expect(error.kind == .badRequest)
            #expect(error.reason.contains("no user ID, no subkey and no revocation"))
        }
        do {
            _ = try await h.server.upload(Array(repeating: 0x99, count: (1 << 20) + 1))
        } catch {
            #expect(error.kind == .tooLarge)
        }
    }

    @Test func manageLinkUnpublishesAndDeletesTheIdentity() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        try await verify(h, keys.alice, "alice@example.org")
        try await h.server.requestManage(address: "alice@example.org")
        try await h.server.requestManage(address: "nobody@example.org")  // says nothing, sends nothing
        let token = try #require(try await h.token("manage", to: "alice@example.org"))
        #expect(try await h.outbox().filter { $0.body.contains("/manage/") }.count == 1)
        let managed = try await h.server.managedKey(token: token)
        #expect(managed == ManagedKey(fingerprint: keys.aliceFingerprint, addresses: ["alice@example.org"]))
        let after = try await h.server.unpublish(token: token, address: "alice@example.org")
        #expect(after.addresses.isEmpty)
        #expect(try await h.server.key(email: "alice@example.org") == nil)
        #expect(try await h.store.publishedAddress("alice@example.org") == nil)
        #expect(try await h.store.stagedUpload(fingerprint: keys.aliceFingerprint) == nil)
        let stored = try #require(try await h.store.publishedKey(fingerprint: keys.aliceFingerprint))
        #expect(!stored.bytes.contains(subsequence: Array("alice@example.org".utf8)))
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<$0 + subsequence.count].elementsEqual(subsequence) }
    }
}

/// Issue 13, item 1: a flooded upload is answered as the clean key is, from a bounded certificate.
@Suite struct FloodedUploadTests {
    /// GnuPG's key for Alice with its first user ID's self-signature repeated 4 500 times (about 870 KB armored).
    static func flooded(_ key: [UInt8], copies: Int) throws -> [UInt8] {
        let binary = Armor.isArmored(key) ? try #require(try Armor.decode(String(decoding: key, as: UTF8.self)).first).data : key
        var packets = try Packet.parseAll(binary)
        let firstUserID = try #require(packets.firstIndex { $0.tag == .userID })
        let selfSignature = packets[firstUserID + 1]
        #expect(selfSignature.tag == .signature)
        packets.insert(contentsOf: [Packet](repeating: selfSignature, count: copies), at: firstUserID + 1)
        return Array(Armor.encode(packets.serialized, kind: .publicKey, includeChecksum: true).utf8)
    }

    @Test func floodedUploadIsAnsweredAsTheCleanKey() async throws {
        let keys = try KeyServerKeys.get()
        let flood = try Self.flooded(keys.alice, copies: 4_500)
        #expect(flood.count > 800_000)
        let clean = try Harness(), flooded = try Harness()
        defer { clean.close(); flooded.close() }
        let cleanAnswer = try await clean.server.upload(keys.alice)
        let floodAnswer = try await flooded.server.upload(flood)
        #expect(floodAnswer.keyFingerprint == keys.aliceFingerprint)
        #expect(floodAnswer.status == cleanAnswer.status)
        #expect(floodAnswer.status == ["alice@example.org": .unpublished, "Alice@work.example": .unpublished])  // domains lower-cased
        // What is published and what is staged for verification are byte for byte the clean key's.
        #expect(try await flooded.server.key(fingerprint: keys.aliceFingerprint) == clean.server.key(fingerprint: keys.aliceFingerprint))
        let staged = try #require(try await flooded.store.stagedUpload(fingerprint: keys.aliceFingerprint))
        let cleanStaged = try #require(try await clean.store.stagedUpload(fingerprint: keys.aliceFingerprint))
        #expect(staged.bytes == cleanStaged.bytes)
        #expect(try Certificate(bytes: staged.bytes).userIDs.map(\.signatures.count) == [1, 1])
    }
}
