import Foundation
import Testing
import Store

/// The `KeyServerStore` contract (published keys, addresses, uploads, tokens, the outbox), run unchanged against SQLite
/// and PostgreSQL.
@Suite struct KeyServerStoreConformanceTests {
    static func key(_ fingerprint: String, bytes: [UInt8] = [1], ids: [String], at second: Int = 1) -> PublishedKeyRecord {
        PublishedKeyRecord(fingerprint: fingerprint, bytes: bytes, lookupIDs: ids, version: 1, updatedAt: instant(second))
    }

    static func change(_ edit: (inout KeyServerChange) -> Void) -> KeyServerChange {
        var change = KeyServerChange()
        edit(&change)
        return change
    }

    static func token(_ hash: String, address: String, at second: Int) -> KeyServerTokenRecord {
        KeyServerTokenRecord(hash: hash, purpose: .verify, fingerprint: "F1", address: address, bytes: [7, 7], createdAt: instant(second),
                             expiresAt: instant(second + 100))
    }

    static func mail(_ recipient: String, due second: Int = 0) -> OutgoingMailRecord {
        OutgoingMailRecord(recipient: recipient, subject: "Verify", body: "Hello", createdAt: instant(0), nextAttemptAt: instant(second))
    }

    @Test(arguments: Backend.allCases) func keyVersionsAreOptimistic(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(Self.change { $0.keys = [(Self.key("F1", ids: ["F1", "K1", "K1"]), nil)] })
            #expect(try await store.publishedKey(fingerprint: "F1") == PublishedKeyRecord(
                fingerprint: "F1", bytes: [1], lookupIDs: ["F1", "K1"], version: 1, updatedAt: instant(1)))
            // a second first-write of the same key conflicts
            await #expect(throws: StoreError.conflict("")) {
                try await store.commit(Self.change { $0.keys = [(Self.key("F1", ids: ["F1"]), nil)] })
            }
            try await store.commit(Self.change { $0.keys = [(Self.key("F1", bytes: [2], ids: ["F1", "K2"], at: 5), 1)] })
            #expect(try await store.publishedKey(fingerprint: "F1") == PublishedKeyRecord(
                fingerprint: "F1", bytes: [2], lookupIDs: ["F1", "K2"], version: 2, updatedAt: instant(5)))
            // written at version 1, but it is at 2 now: refused, and nothing of that change is kept
            await #expect(throws: StoreError.conflict("")) {
                try await store.commit(Self.change {
                    $0.keys = [(Self.key("F1", bytes: [3], ids: ["F1"]), 1)]
                    $0.stagedUploads = [StagedUploadRecord(fingerprint: "F1", bytes: [3], expiresAt: instant(50))]
                })
            }
            #expect(try await store.stagedUpload(fingerprint: "F1") == nil)
            #expect(try await store.publishedKeys(lookupID: "K2").map(\.version) == [2])
            #expect(try await store.publishedKeys(lookupID: "K1") == [])
        }
    }

    @Test(arguments: Backend.allCases) func addressesBindAndUnbind(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(Self.change {
                $0.keys = [(Self.key("F1", ids: ["F1"]), nil), (Self.key("F2", ids: ["F2"]), nil)]
                $0.bindAddresses = [PublishedAddressRecord(address: "b@example.org", fingerprint: "F1", publishedAt: instant(2)),
                                    PublishedAddressRecord(address: "a@example.org", fingerprint: "F1", publishedAt: instant(3))]
            })
            #expect(try await store.publishedAddresses(fingerprint: "F1").map(\.address) == ["a@example.org", "b@example.org"])
            try await store.commit(Self.change {
                $0.bindAddresses = [PublishedAddressRecord(address: "a@example.org", fingerprint: "F2", publishedAt: instant(4))]
                $0.unbindAddresses = ["b@example.org"]
            })
            #expect(try await store.publishedAddress("a@example.org")
                == PublishedAddressRecord(address: "a@example.org", fingerprint: "F2", publishedAt: instant(4)))
            #expect(try await store.publishedAddress("b@example.org") == nil)
            #expect(try await store.publishedAddresses(fingerprint: "F1") == [])
        }
    }

    @Test(arguments: Backend.allCases) func tokensAreSingleUseAndAChangeIsAllOrNothing(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(Self.change {
                $0.insertTokens = [Self.token("t1", address: "a@example.org", at: 1), Self.token("t2", address: "a@example.org", at: 3)]
            })
            #expect(try await store.tokens(address: "a@example.org", purpose: .verify, since: instant(0)).map(\.hash) == ["t2", "t1"])
            #expect(try await store.tokens(address: "a@example.org", purpose: .verify, since: instant(2)).map(\.hash) == ["t2"])
            #expect(try await store.tokens(address: "a@example.org", purpose: .manage, since: instant(0)) == [])
            #expect(try await store.token(hash: "t1") == Self.token("t1", address: "a@example.org", at: 1))
            try await store.commit(Self.change { $0.consumeTokens = ["t1"] })
            // consumed already: the whole change fails, its mail is not queued
            await #expect(throws: StoreError.notFound("")) {
                try await store.commit(Self.change {
                    $0.consumeTokens = ["t1"]
                    $0.mail = [Self.mail("a@example.org")]
                })
            }
            #expect(try await store.outboxDepth() == OutboxDepth(queued: 0, dead: 0))
            #expect(try await store.token(hash: "t1") == nil)
        }
    }

    @Test(arguments: Backend.allCases) func uploadsAndTokensExpire(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(Self.change {
                $0.stagedUploads = [StagedUploadRecord(fingerprint: "F1", bytes: [1], expiresAt: instant(10)),
                                    StagedUploadRecord(fingerprint: "F2", bytes: [2], expiresAt: instant(30))]
                $0.insertTokens = [Self.token("t1", address: "a@example.org", at: -95)]  // expires at 5
            })
            try await store.commit(Self.change {
                $0.stagedUploads = [StagedUploadRecord(fingerprint: "F2", bytes: [2, 2], expiresAt: instant(40))]
            })
            #expect(try await store.stagedUpload(fingerprint: "F2") == StagedUploadRecord(fingerprint: "F2", bytes: [2, 2], expiresAt: instant(40)))
            #expect(try await store.purgeExpired(before: instant(20)) == 2)
            #expect(try await store.stagedUpload(fingerprint: "F1") == nil)
            #expect(try await store.purgeExpired(before: instant(20)) == 0)
            try await store.commit(Self.change { $0.dropStagedUploads = ["F2"] })
            #expect(try await store.stagedUpload(fingerprint: "F2") == nil)
        }
    }

    @Test(arguments: Backend.allCases) func outboxLeasesDeferralsAndDeadLetters(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(Self.change { $0.mail = [Self.mail("a@example.org"), Self.mail("b@example.org", due: 50)] })
            #expect(try await store.dueMail(at: instant(10), limit: 10).map(\.recipient) == ["a@example.org"])
            let claimed = try await store.claimMail(at: instant(10), leaseUntil: instant(70), limit: 10)
            #expect(claimed.map(\.recipient) == ["a@example.org"])
            #expect(claimed.map(\.attempts) == [1])
            #expect(claimed.map(\.nextAttemptAt) == [instant(70)])
            let id = try #require(claimed.first?.id)
            // leased: not due again before the lease ends
            #expect(try await store.claimMail(at: instant(60), leaseUntil: instant(120), limit: 10).map(\.recipient) == ["b@example.org"])
            #expect(try await store.deferMail(id: id, attempt: 2, error: "451 4.3.0", nextAttemptAt: instant(80)) == false)
            #expect(try await store.deferMail(id: id, attempt: 1, error: "451 4.3.0", nextAttemptAt: instant(80)) == true)
            #expect(try await store.mail(id: id)?.lastError == "451 4.3.0")
            #expect(try await store.markMailDead(id: id, attempt: 1, error: "550 5.1.1", at: instant(90)) == true)
            #expect(try await store.markMailDead(id: id, attempt: 1, error: "550 5.1.1", at: instant(91)) == false)
            #expect(try await store.outboxDepth() == OutboxDepth(queued: 1, dead: 1))
            #expect(try await store.claimMail(at: instant(200), leaseUntil: instant(260), limit: 10).map(\.recipient) == ["b@example.org"])
            try await store.deleteMail(id: id)
            #expect(try await store.mail(id: id) == nil)
        }
    }

    /// Several senders claiming at once never get the same message (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one
    /// writer at a time).
    @Test(arguments: Backend.allCases) func concurrentClaimsAreDisjoint(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(Self.change { $0.mail = (0..<40).map { Self.mail("r\($0)@example.org") } })
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<8 {
                    group.addTask { try await store.claimMail(at: instant(1), leaseUntil: instant(100), limit: 5).compactMap(\.id) }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(claims.count == 40)
            #expect(Set(claims).count == 40)
        }
    }

    @Test(arguments: Backend.allCases) func erasingAnAddressRemovesItsTokensAndMail(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(Self.change {
                $0.insertTokens = [Self.token("t1", address: "a@example.org", at: 1), Self.token("t2", address: "b@example.org", at: 1)]
                $0.mail = [Self.mail("A@Example.org"), Self.mail("b@example.org")]
            })
            try await store.commit(Self.change { $0.eraseAddresses = ["a@example.org"] })
            #expect(try await store.token(hash: "t1") == nil)
            #expect(try await store.token(hash: "t2") != nil)
            #expect(try await store.dueMail(at: instant(1), limit: 10).map(\.recipient) == ["b@example.org"])
        }
    }
}
