import Foundation
import KeyServer
import OpenPGP
import Store
import TestSupport
import Testing
import VKS

/// The double opt-in flow of a validating key server, on real SQLite with keys made by GnuPG.
@Suite struct VerificationFlowTests {
    @Test func uploadPublishesTheKeyWithoutIdentities() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        let response = try await h.server.upload(keys.alice)
        #expect(response.keyFingerprint == keys.aliceFingerprint)
        #expect(response.status == ["alice@example.org": .unpublished, "Alice@work.example": .unpublished])
        let published = try #require(try await h.server.key(fingerprint: keys.aliceFingerprint))
        let cert = try Certificate(bytes: published)
        #expect(cert.userIDs.isEmpty)
        #expect(cert.subkeys.count == 1)
        // The subkey's key ID and fingerprint find the key too.
        let subkey = cert.subkeys[0].key
        #expect(try await h.server.keys(keyID: subkey.keyID.description) == published)
        #expect(try await h.server.key(fingerprint: subkey.fingerprint.description) == published)
        #expect(try await h.server.key(email: "alice@example.org") == nil)
        #expect(try await h.outbox().isEmpty)
    }

    @Test func fullDoubleOptIn() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        let upload = try await h.server.upload(keys.alice)
        let pending = try await h.server.requestVerify(token: upload.token, addresses: ["alice@example.org"])
        #expect(pending.status["alice@example.org"] == .pending)
        #expect(pending.status["Alice@work.example"] == .unpublished)
        let mails = try await h.outbox()
        #expect(mails.count == 1)
        #expect(mails[0].recipient == "alice@example.org")
        #expect(mails[0].body.contains(keys.aliceFingerprint))
        let token = try #require(try await h.token("verify", to: "alice@example.org"))
        #expect(token.count == 43)  // 256 bits, base64url without padding

        // GET shows what would be published and publishes nothing.
        let preview = try await h.server.pendingVerification(token: token)
        #expect(preview == PendingVerification(address: "alice@example.org", fingerprint: keys.aliceFingerprint))
        #expect(try await h.server.key(email: "alice@example.org") == nil)
        #expect(try h.userIDs(try await h.server.key(fingerprint: keys.aliceFingerprint)) == [])

        // POST publishes exactly that user ID.
        _ = try await h.server.confirmVerification(token: token)
        let byEmail = try await h.server.key(email: "ALICE@example.org")
        #expect(try h.userIDs(byEmail) == ["Alice <alice@example.org>"])
        #expect(try await h.server.key(fingerprint: keys.aliceFingerprint) == byEmail)
        #expect(try await h.server.key(email: "alice@work.example") == nil)
        // The token is single use.
        await #expect(throws: KeyServerError.self) { try await h.server.confirmVerification(token: token) }
        await #expect(throws: KeyServerError.self) { try await h.server.pendingVerification(token: token) }
        // A new upload reports the state.
        let again = try await h.server.upload(keys.alice)
        #expect(again.status["alice@example.org"] == .published)
    }

    @Test func atMostOneVerificationMailPerAddressPerHour() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        let upload = try await h.server.upload(keys.alice)
        _ = try await h.server.requestVerify(token: upload.token, addresses: ["alice@example.org"])
        h.clock.advance(1800)
        let second = try await h.server.requestVerify(token: upload.token, addresses: ["alice@example.org"])
        #expect(second.status["alice@example.org"] == .pending)
        #expect(try await h.outbox().count == 1)
        h.clock.advance(1801)  // past the hour: the upload token expired too
        await #expect(throws: KeyServerError.self) {
            try await h.server.requestVerify(token: upload.token, addresses: ["alice@example.org"])
        }
        let fresh = try await h.server.upload(keys.alice)
        _ = try await h.server.requestVerify(token: fresh.token, addresses: ["alice@example.org"])
        #expect(try await h.outbox().count == 2)
    }

    @Test func expiredVerificationLinkIsRefused() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        let upload = try await h.server.upload(keys.alice)
        _ = try await h.server.requestVerify(token: upload.token, addresses: ["alice@example.org"])
        let token = try #require(try await h.token("verify", to: "alice@example.org"))
        h.clock.advance(86_401)
        await #expect(throws: KeyServerError.self) { try await h.server.confirmVerification(token: token) }
        #expect(try await h.server.key(email: "alice@example.org") == nil)
        #expect(try await h.store.purgeExpired(before: h.clock.now) == 2)  // the token and the staged upload
    }

    @Test func forgedOrAlteredUploadTokensAreRefused() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        let upload = try await h.server.upload(keys.alice)
        var altered = Array(upload.token)
        altered[10] = altered[10] == "A" ? "B" : "A"
        for token in [String(altered), "", "not-a-token", String(repeating: "A", count: 600)] {
            await #expect(throws: KeyServerError.self) {
                try await h.server.requestVerify(token: token, addresses: ["alice@example.org"])
            }
        }
        // A token sealed under another server's secret does not open here.
        let other = KeyServer(store: h.store, secret: Array(repeating: 8, count: 32),
                              configuration: h.server.configuration, now: { h.clock.now })
        let foreign = try await other.upload(keys.alice)
        await #expect(throws: KeyServerError.self) {
            try await h.server.requestVerify(token: foreign.token, addresses: ["alice@example.org"])
        }
        #expect(try await h.outbox().isEmpty)
    }

    @Test func addressesNotInTheKeyAreRefused() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        let upload = try await h.server.upload(keys.dave)
        #expect(upload.status == ["dave@example.org": .unpublished, "old@example.org": .revoked])
        for address in ["eve@example.org", "old@example.org", "not an address"] {
            await #expect(throws: KeyServerError.self) { try await h.server.requestVerify(token: upload.token, addresses: [address]) }
        }
        #expect(try await h.outbox().isEmpty)
    }
}
