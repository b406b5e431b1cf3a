import Directory
import Foundation
import Store
import TestSupport
import Testing

@Suite("Directory rules (persisted in SQLite)")
struct DirectoryRulesTests {
    func directory(_ path: String, clock: TestClock = TestClock(Date())) throws -> Directory {
        Directory(store: try SQLiteStore(path: path), now: { clock.now })
    }

    func seeded(_ path: String) async throws -> Directory {
        let directory = try directory(path)
        try await directory.addDomain("Provider.TEST", kind: .provider)
        try await directory.addDomain("hosted.test", kind: .hosted)
        try await directory.createAccount(id: "alice", primaryAddress: "alice@provider.test")
        try await directory.addAlias("alice.alias@provider.test", to: "alice")
        try await directory.addAlias("alice@hosted.test", to: "alice")
        try await directory.createAccount(id: "bob", primaryAddress: "bob@provider.test")
        return directory
    }

    @Test func providerAliasCannotBeDeletedAndHostedAliasCan() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        await #expect(throws: DirectoryError.permanentAlias("")) { try await directory.removeAlias("alice.alias@provider.test") }
        await #expect(throws: DirectoryError.primaryAddress("")) { try await directory.removeAlias("alice@provider.test") }
        try await directory.removeAlias("alice@hosted.test")
        #expect(try await directory.address("alice@hosted.test").removedAt != nil)
        #expect(try await directory.address("alice.alias@provider.test").removedAt == nil)
    }

    @Test func addressesAreNeverReassigned() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        try await directory.removeAlias("alice@hosted.test")
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await directory.addAlias("alice@hosted.test", to: "bob") }
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await directory.addAlias("ALICE.alias@provider.test", to: "bob") }
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await directory.createAccount(id: "mallory", primaryAddress: "alice@provider.test") }
        // The owner may take the removed alias back.
        try await directory.addAlias("alice@hosted.test", to: "alice")
        #expect(try await directory.address("alice@hosted.test").removedAt == nil)
    }

    @Test func closedAccountsKeepTheirAddressesForever() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        try await directory.closeAccount("bob")
        #expect(try await directory.address("bob@provider.test").removedAt != nil)
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await directory.createAccount(id: "bob2", primaryAddress: "bob@provider.test") }
        await #expect(throws: DirectoryError.accountClosed("")) { try await directory.addAlias("bob2@provider.test", to: "bob") }
        await #expect(throws: DirectoryError.accountExists("")) { try await directory.createAccount(id: "bob", primaryAddress: "robert@provider.test") }
    }

    @Test func rulesHoldAfterARestart() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        do {
            let directory = try await seeded(path)
            try await directory.removeAlias("alice@hosted.test")
        }
        // A new store on the same file: what a restarted server sees.
        let reopened = try directory(path)
        #expect(try await reopened.domains().map(\.name) == ["hosted.test", "provider.test"])
        #expect(try await reopened.domains().map(\.kind) == [.hosted, .provider])
        await #expect(throws: DirectoryError.permanentAlias("")) { try await reopened.removeAlias("alice.alias@provider.test") }
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await reopened.addAlias("alice@hosted.test", to: "bob") }
        #expect(try await reopened.addresses(accountID: "alice").map(\.display) == ["alice@provider.test", "alice.alias@provider.test", "alice@hosted.test"])
    }

    @Test func addressesOnlyOnServedDomains() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        await #expect(throws: DirectoryError.domainNotServed("")) { try await directory.addAlias("alice@elsewhere.test", to: "alice") }
        await #expect(throws: DirectoryError.domainExists("")) { try await directory.addDomain("provider.test", kind: .hosted) }
        await #expect(throws: DirectoryError.invalidAddress("")) { try await directory.addAlias("not an address", to: "alice") }
        await #expect(throws: DirectoryError.accountNotFound("")) { try await directory.addAlias("x@provider.test", to: "nobody") }
    }
}
