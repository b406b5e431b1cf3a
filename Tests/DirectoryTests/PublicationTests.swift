import Directory
import Foundation
import OpenPGP
import Store
import TestSupport
import Testing

@Suite("Publication decision: one address, one user ID (GnuPG keys)")
struct PublicationTests {
    struct World {
        let directory: Directory
        let clock: TestClock
        let keys: DirectoryKeys
    }

    func world(_ path: String) async throws -> World {
        let keys = try DirectoryKeys.shared.get()
        // A minute ahead: GnuPG dates a user ID revocation one second after the self-signature it revokes, which
        // can be in the future for keys made a moment ago.
        let clock = TestClock(Date().addingTimeInterval(60))
        let directory = Directory(store: try SQLiteStore(path: path), now: { clock.now })
        try await directory.addDomain("provider.test", kind: .provider)
        try await directory.addDomain("hosted.test", kind: .hosted)
        try await directory.createAccount(id: "alice", primaryAddress: "alice@provider.test")
        try await directory.addAlias("Alice.Alias@provider.test", to: "alice")
        try await directory.createAccount(id: "bob", primaryAddress: "bob@provider.test")
        try await directory.addAlias("bob.alias@provider.test", to: "bob")
        try await directory.addAlias("bob-old@provider.test", to: "bob")
        try await directory.importKey(keys.alice, accountID: "alice")
        try await directory.importKey(keys.bob, accountID: "bob")
        try await directory.associate(address: "alice@provider.test", fingerprint: keys.aliceFingerprint)
        try await directory.associate(address: "alice.alias@provider.test", fingerprint: keys.aliceFingerprint)
        return World(directory: directory, clock: clock, keys: keys)
    }

    func published(_ publication: Publication) throws -> [UInt8] {
        guard case .published(_, _, let bytes) = publication else {
            Issue.record("expected a published key, got \(publication)")
            throw PublicationMissing()
        }
        return bytes
    }

    struct PublicationMissing: Error {}

    @Test func eachAddressGetsOnlyItsOwnUserID() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        let home = try GnuPGHome()
        defer { home.close() }
        let primary = try published(try await world.directory.publication(address: "alice@provider.test"))
        #expect(try home.shownUserIDs(of: primary) == ["Alice <alice@provider.test>"])
        let alias = try published(try await world.directory.publication(address: "ALICE.ALIAS@provider.test"))
        #expect(try home.shownUserIDs(of: alias) == ["Alice Alias <Alice.Alias@provider.test>"])
        // The same decision by WKD hash (what the WKD server asks): z-base-32 SHA-1 of "alice.alias".
        let hash = String(decoding: try runTool("gpg-wks-client", ["--print-wkd-hash", "alice.alias@provider.test"]), as: UTF8.self)
            .split(separator: " ").first.map(String.init) ?? ""
        let byHash = try published(try await world.directory.publication(domain: "provider.test", wkdHash: hash))
        #expect(byHash == alias)
        let certificate = try Certificate(bytes: primary)
        #expect(certificate.fingerprint.description == world.keys.aliceFingerprint)
        #expect(certificate.subkeys.count == 1, "the encryption subkey stays")
    }

    @Test func anotherAccountsAliasIsNotPublished() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        await #expect(throws: DirectoryError.keyOwnedElsewhere("")) {
            try await world.directory.associate(address: "bob.alias@provider.test", fingerprint: world.keys.aliceFingerprint)
        }
        #expect(try await world.directory.publication(address: "bob.alias@provider.test") == .unpublished(reason: "no key is associated with the address"))
    }

    @Test func unassociatedAddressIsNotPublished() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        #expect(try await world.directory.publication(address: "bob@provider.test") == .unpublished(reason: "no key is associated with the address"))
    }

    @Test func revokedUserIDCannotBeAssociated() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        await #expect(throws: DirectoryError.noValidUserID("", "", "")) {
            try await world.directory.associate(address: "bob-old@provider.test", fingerprint: world.keys.bobFingerprint)
        }
        try await world.directory.associate(address: "bob@provider.test", fingerprint: world.keys.bobFingerprint)
        let home = try GnuPGHome()
        defer { home.close() }
        let bytes = try published(try await world.directory.publication(address: "bob@provider.test"))
        #expect(try home.shownUserIDs(of: bytes) == ["Bob <bob@provider.test>"])
    }

    @Test func expiredKeyStopsBeingPublished() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        try await world.directory.createAccount(id: "carol", primaryAddress: "carol@hosted.test")
        try await world.directory.importKey(world.keys.carol, accountID: "carol")
        await #expect(throws: DirectoryError.noValidUserID("", "", "")) {
            try await world.directory.associate(address: "carol@hosted.test", fingerprint: world.keys.carolFingerprint)
        }
        // While the key was valid (2020-01-01 12:00 UTC) the association was allowed and the key published.
        world.clock.set(Date(timeIntervalSince1970: 1_577_880_000))
        try await world.directory.associate(address: "carol@hosted.test", fingerprint: world.keys.carolFingerprint)
        _ = try published(try await world.directory.publication(address: "carol@hosted.test"))
        // Two days later it has expired: nothing is published any more.
        world.clock.set(Date(timeIntervalSince1970: 1_578_052_800))
        guard case .unpublished(let reason) = try await world.directory.publication(address: "carol@hosted.test") else {
            Issue.record("an expired key must not be published")
            return
        }
        #expect(reason.hasPrefix("the key expired at"))
    }

    @Test func domainNotServedIsNotPublished() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        #expect(try await world.directory.publication(address: "alice@elsewhere.test") == .unpublished(reason: "elsewhere.test is not served"))
        #expect(try await world.directory.publication(domain: "elsewhere.test", wkdHash: "kei1q4tipxxu1yj79k9kfukdhfy631xe")
            == .unpublished(reason: "elsewhere.test is not served"))
    }

    @Test func removedAliasIsNotPublished() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        try await world.directory.addAlias("alice@hosted.test", to: "alice")
        try await world.directory.removeAlias("alice@hosted.test")
        #expect(try await world.directory.publication(address: "alice@hosted.test") == .unpublished(reason: "the address was removed"))
    }

    @Test func revokedPredecessorIsAppended() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        try await world.directory.importKey(world.keys.aliceOld, accountID: "alice")
        let bytes = try published(try await world.directory.publication(address: "alice@provider.test"))
        let certificates = try Certificate.readAll(bytes)
        #expect(certificates.map(\.fingerprint.description) == [world.keys.aliceFingerprint, world.keys.aliceOldFingerprint])
        #expect(certificates[1].status(at: Date()).validity.isRevoked)
        #expect(certificates.allSatisfy { $0.userIDs.count == 1 })
        // The alias has no predecessor: the old key never carried it.
        let alias = try published(try await world.directory.publication(address: "alice.alias@provider.test"))
        #expect(try Certificate.readAll(alias).count == 1)
    }

    @Test func importingAnUpdateMerges() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let world = try await world(path)
        let before = try await world.directory.importKey(world.keys.alice, accountID: "alice")
        #expect(before.fingerprint == world.keys.aliceFingerprint)
        await #expect(throws: DirectoryError.keyOwnedElsewhere("")) { try await world.directory.importKey(world.keys.alice, accountID: "bob") }
        await #expect(throws: DirectoryError.invalidKey("")) { try await world.directory.importKey(Array("not a key".utf8), accountID: "alice") }
    }
}

@Suite("Publication cache")
struct PublicationCacheTests {
    @Test func changesThroughTheDirectoryShowAtOnceAndOtherServersWithinTheLifetime() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let keys = try DirectoryKeys.shared.get()
        let clock = TestClock(Date().addingTimeInterval(60))
        let directory = Directory(store: try SQLiteStore(path: path), now: { clock.now })
        try await directory.addDomain("provider.test", kind: .provider)
        try await directory.createAccount(id: "alice", primaryAddress: "alice@provider.test")
        try await directory.importKey(keys.alice, accountID: "alice")
        let hash = try await directory.address("alice@provider.test").wkdHash
        #expect(try await directory.publication(domain: "provider.test", wkdHash: hash)
            == .unpublished(reason: "no key is associated with the address"))
        // A decision was just cached; the association must show on the next lookup all the same.
        try await directory.associate(address: "alice@provider.test", fingerprint: keys.aliceFingerprint)
        guard case .published(_, let fingerprint, _) = try await directory.publication(domain: "provider.test", wkdHash: hash) else {
            Issue.record("the association did not show")
            return
        }
        #expect(fingerprint == keys.aliceFingerprint)

        // A second server on the same database caches the decision; a change made by the first shows there once the
        // cache lifetime (60 s) has passed.
        let otherClock = TestClock(clock.now)
        let other = Directory(store: try SQLiteStore(path: path), now: { otherClock.now })
        #expect(try await other.publication(domain: "provider.test", wkdHash: hash) != .unpublished(reason: "the account is closed"))
        try await directory.closeAccount("alice")
        #expect(try await directory.publication(domain: "provider.test", wkdHash: hash) == .unpublished(reason: "the address was removed"))
        otherClock.set(clock.now.addingTimeInterval(59))
        guard case .published = try await other.publication(domain: "provider.test", wkdHash: hash) else {
            Issue.record("within its lifetime the other server's cached decision stands")
            return
        }
        otherClock.set(clock.now.addingTimeInterval(61))
        #expect(try await other.publication(domain: "provider.test", wkdHash: hash) == .unpublished(reason: "the address was removed"))
    }
}
