import Directory
import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Store

/// Two server instances on one PostgreSQL database (issue 19 §3): what one writes reaches the other as a
/// `DirectoryChange` (triggers + `NOTIFY` at commit), and the other's directory drops exactly the affected decisions.
@Suite struct DirectoryChangeFeedTests {
    static let logger = { var logger = Logger(label: "store-tests"); logger.logLevel = .warning; return logger }()

    /// Two stores on one new schema, as two instances would open it.
    static func withTwoInstances(_ body: (PostgresStore, PostgresStore) async throws -> Void) async throws {
        let schema = Backend.newSchema()
        let first = try await PostgresStore.open(try Backend.labSettings(schema: schema), logger: logger)
        let second = try await PostgresStore.open(try Backend.labSettings(schema: schema), logger: logger)
        defer { Task { await second.close() } }
        do {
            try await body(first, second)
        } catch {
            try? await Backend.drop(schema, first)
            throw error
        }
        try await Backend.drop(schema, first)
    }

    static func address(_ local: String, hash: String, account: String) -> AddressRecord {
        AddressRecord(address: "\(local)@example.org", display: "\(local)@example.org", domain: "example.org", wkdHash: hash,
                      accountID: account, role: .primary, createdAt: instant(1))
    }

    @Test func writesOfOneInstanceAreAnnouncedToTheOther() async throws {
        try await Self.withTwoInstances { first, second in
            var changes = second.directoryChanges().makeAsyncIterator()
            #expect(await changes.next() == .everything)
            try await first.insertDomain(DomainRecord(name: "example.org", kind: .provider, createdAt: instant(0)))
            #expect(await changes.next() == .domain("example.org"))
            try await first.insertAccount(AccountRecord(id: "acct-1", createdAt: instant(1)),
                                          primaryAddress: Self.address("alice", hash: "hash-alice", account: "acct-1"))
            #expect(await changes.next() == .address(domain: "example.org", wkdHash: "hash-alice"))
            try await first.saveKey(KeyRecord(fingerprint: "F1", accountID: "acct-1", bytes: Data([1]), importedAt: instant(2), updatedAt: instant(2)))
            var alice = try #require(try await first.address("alice@example.org"))
            alice.keyFingerprint = "F1"
            try await first.updateAddress(alice)
            #expect(await changes.next() == .address(domain: "example.org", wkdHash: "hash-alice"))
            // a new version of the key changes what alice's address publishes
            try await first.saveKey(KeyRecord(fingerprint: "F1", accountID: "acct-1", bytes: Data([2]), importedAt: instant(2), updatedAt: instant(3)))
            #expect(await changes.next() == .address(domain: "example.org", wkdHash: "hash-alice"))
            try await first.closeAccount(id: "acct-1", at: instant(4))
            #expect(await changes.next() == .address(domain: "example.org", wkdHash: "hash-alice"))
        }
    }

    @Test func theOtherDirectoryDropsExactlyTheAffectedDecision() async throws {
        try await Self.withTwoInstances { first, second in
            try await first.insertDomain(DomainRecord(name: "example.org", kind: .provider, createdAt: instant(0)))
            let directory = Directory(store: second)
            let following = Task { await directory.follow(second) }
            defer { following.cancel() }
            try await Self.waitUntil { directory.cachedDecisions == 0 }  // the first .everything has been applied
            #expect(try await directory.publication(domain: "example.org", wkdHash: "hash-alice") == .unpublished(reason: "no address with this hash"))
            #expect(try await directory.publication(domain: "example.org", wkdHash: "hash-bob") == .unpublished(reason: "no address with this hash"))
            #expect(directory.cachedDecisions == 2)
            try await first.insertAccount(AccountRecord(id: "acct-1", createdAt: instant(1)),
                                          primaryAddress: Self.address("alice", hash: "hash-alice", account: "acct-1"))
            try await Self.waitUntil { directory.cachedDecisions == 1 }
            #expect(try await directory.publication(domain: "example.org", wkdHash: "hash-alice") == .unpublished(reason: "no key is associated with the address"))
        }
    }

    /// Polls `condition` every 5 ms for up to 5 s (a notification normally arrives within milliseconds).
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        #expect(condition())
    }
}

/// Instances starting together (issue 19 §2): the advisory lock lets exactly one apply each migration.
@Suite struct PostgresMigrationTests {
    @Test func fourInstancesStartingTogetherMigrateOnce() async throws {
        let schema = Backend.newSchema()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 {
                group.addTask { try await PostgresStore.open(try Backend.labSettings(schema: schema), logger: DirectoryChangeFeedTests.logger) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let versions = try await stores[0].rows("SELECT version FROM stockade_schema ORDER BY version") { try $0.decode(String.self) }
        #expect(versions == ["v1", "v2-directory-notify", "v3-dmarc-results", "v4-keyserver-notify", "v5-reports"])
        for store in stores.dropFirst() { await store.close() }
        try await Backend.drop(schema, stores[0])
    }
}
