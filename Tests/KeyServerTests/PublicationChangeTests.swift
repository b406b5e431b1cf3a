import Foundation
import KeyServer
import Store
import Synchronization
import TestSupport
import Testing
import VKS

/// What the key server tells its observers after each commit (issue 20): exactly the published keys, lookups and
/// addresses the commit wrote, so that prepared VKS and HKP answers are dropped exactly when they change.
@Suite struct PublicationChangeTests {
    final class Recorder: Sendable {
        let changes = Mutex<[DirectoryChange]>([])
        func take() -> Set<DirectoryChange> { changes.withLock { let all = Set($0); $0 = []; return all } }
    }

    /// The upper-case fingerprints and key IDs of a key's primary key and subkeys, as GnuPG lists them.
    static func lookupIDs(_ key: [UInt8]) throws -> Set<String> {
        let home = try GnuPGHome()
        defer { home.close() }
        let listing = String(decoding: try home.gpg(["--with-colons", "--with-subkey-fingerprints", "--show-keys"], input: Data(key)), as: UTF8.self)
        var ids: Set<String> = []
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if ["pub", "sub"].contains(fields[0]) { ids.insert(String(fields[4])) }
            if fields[0] == "fpr" { ids.insert(String(fields[9])) }
        }
        return ids
    }

    @Test func uploadVerifyAndRemovalAnnounceWhatTheyWrote() async throws {
        let keys = try KeyServerKeys.get()
        let h = try Harness()
        defer { h.close() }
        let recorder = Recorder()
        h.server.observeChanges { change in recorder.changes.withLock { $0.append(change) } }
        let written: Set<DirectoryChange> = Set(try Self.lookupIDs(keys.alice).map { .publishedLookup(id: $0) })
            .union([.publishedKey(fingerprint: keys.aliceFingerprint)])
        #expect(written.count == 5)  // the key and its encryption subkey: 2 fingerprints, 2 key IDs

        let upload = try await h.server.upload(keys.alice)
        #expect(recorder.take() == written)  // published by fingerprint and key ID, without identities

        _ = try await h.server.requestVerify(token: upload.token, addresses: ["alice@example.org"])
        #expect(recorder.take() == [])  // a mail and a token: nothing published changes
        let token = try #require(try await h.token("verify", to: "alice@example.org"))
        _ = try await h.server.confirmVerification(token: token)
        #expect(recorder.take() == written.union([.publishedAddress("alice@example.org")]))

        _ = try await h.server.upload(keys.alice)  // the same key again: rewritten, the address kept
        #expect(recorder.take() == written)

        try await h.server.requestManage(address: "alice@example.org")
        #expect(recorder.take() == [])
        let manage = try #require(try await h.token("manage", to: "alice@example.org"))
        _ = try await h.server.unpublish(token: manage, address: "alice@example.org")
        #expect(recorder.take() == written.union([.publishedAddress("alice@example.org")]))
    }
}
