import Foundation
import Testing
import Store

/// The `Store` contract (domains, accounts, addresses, keys), run unchanged against SQLite and PostgreSQL.
@Suite struct DirectoryStoreConformanceTests {
    static let domain = DomainRecord(name: "example.org", kind: .provider, createdAt: instant(0))

    static func address(_ address: String, account: String, role: AddressRole = .primary, at second: Int = 1) -> AddressRecord {
        AddressRecord(address: address, display: address, domain: "example.org", wkdHash: "hash-" + address.prefix { $0 != "@" },
                      accountID: account, role: role, createdAt: instant(second))
    }

    @Test(arguments: Backend.allCases) func domainsRoundTripAndConflict(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.insertDomain(DomainRecord(name: "zz.example", kind: .hosted, createdAt: instant(5)))
            try await store.insertDomain(Self.domain)
            #expect(try await store.domain(named: "example.org") == Self.domain)
            #expect(try await store.domain(named: "missing.example") == nil)
            #expect(try await store.domains().map(\.name) == ["example.org", "zz.example"])
            #expect(try await store.domains().last?.kind == .hosted)
            await #expect(throws: StoreError.conflict("")) { try await store.insertDomain(Self.domain) }
        }
    }

    @Test(arguments: Backend.allCases) func accountWithPrimaryAddressIsAtomic(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.insertDomain(Self.domain)
            let first = AccountRecord(id: "acct-1", createdAt: instant(1))
            try await store.insertAccount(first, primaryAddress: Self.address("alice@example.org", account: "acct-1"))
            #expect(try await store.account(id: "acct-1") == first)
            // the address is taken: neither the second account nor its address may be stored
            await #expect(throws: StoreError.conflict("")) {
                try await store.insertAccount(AccountRecord(id: "acct-2", createdAt: instant(2)),
                                              primaryAddress: Self.address("alice@example.org", account: "acct-2"))
            }
            #expect(try await store.account(id: "acct-2") == nil)
            #expect(try await store.address("alice@example.org")?.accountID == "acct-1")
        }
    }

    @Test(arguments: Backend.allCases) func closingAnAccountRemovesItsAddressesOnce(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.insertDomain(Self.domain)
            try await store.insertAccount(AccountRecord(id: "acct-1", createdAt: instant(1)),
                                          primaryAddress: Self.address("alice@example.org", account: "acct-1"))
            try await store.insertAddress(Self.address("al@example.org", account: "acct-1", role: .alias, at: 2))
            try await store.closeAccount(id: "acct-1", at: instant(10))
            #expect(try await store.account(id: "acct-1")?.closedAt == instant(10))
            #expect(try await store.addresses(accountID: "acct-1").map(\.removedAt) == [instant(10), instant(10)])
            await #expect(throws: StoreError.notFound("")) { try await store.closeAccount(id: "acct-1", at: instant(11)) }
            await #expect(throws: StoreError.notFound("")) { try await store.closeAccount(id: "nobody", at: instant(11)) }
        }
    }

    @Test(arguments: Backend.allCases) func addressesInsertUpdateAndQueries(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.insertDomain(Self.domain)
            try await store.insertAccount(AccountRecord(id: "acct-1", createdAt: instant(1)),
                                          primaryAddress: Self.address("alice@example.org", account: "acct-1", at: 3))
            // same creation time: insertion order decides
            try await store.insertAddress(Self.address("zed@example.org", account: "acct-1", role: .alias, at: 2))
            try await store.insertAddress(Self.address("bob@example.org", account: "acct-1", role: .alias, at: 2))
            #expect(try await store.addresses(accountID: "acct-1").map(\.address)
                == ["zed@example.org", "bob@example.org", "alice@example.org"])
            await #expect(throws: StoreError.conflict("")) {
                try await store.insertAddress(Self.address("bob@example.org", account: "acct-1", role: .alias))
            }
            var bob = try #require(try await store.address("bob@example.org"))
            bob.display = "Bob@Example.org"
            bob.removedAt = instant(9)
            try await store.updateAddress(bob)
            #expect(try await store.address("bob@example.org") == bob)
            #expect(try await store.addresses(domain: "example.org", wkdHash: "hash-bob") == [bob])
            #expect(try await store.addresses(domain: "example.org", wkdHash: "hash-nobody") == [])
            await #expect(throws: StoreError.notFound("")) {
                try await store.updateAddress(Self.address("nobody@example.org", account: "acct-1"))
            }
        }
    }

    @Test(arguments: Backend.allCases) func keysAreUpsertedKeepingImportTime(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.insertDomain(Self.domain)
            try await store.insertAccount(AccountRecord(id: "acct-1", createdAt: instant(1)),
                                          primaryAddress: Self.address("alice@example.org", account: "acct-1"))
            let key = KeyRecord(fingerprint: "B0", accountID: "acct-1", bytes: Data([1, 2, 3]), importedAt: instant(2), updatedAt: instant(2))
            try await store.saveKey(KeyRecord(fingerprint: "A1", accountID: "acct-1", bytes: Data([9]), importedAt: instant(4), updatedAt: instant(4)))
            try await store.saveKey(key)
            try await store.saveKey(KeyRecord(fingerprint: "B0", accountID: "acct-1", bytes: Data([0, 255]), importedAt: instant(7),
                                              updatedAt: instant(8)))
            #expect(try await store.key(fingerprint: "B0")
                == KeyRecord(fingerprint: "B0", accountID: "acct-1", bytes: Data([0, 255]), importedAt: instant(2), updatedAt: instant(8)))
            #expect(try await store.keys(accountID: "acct-1").map(\.fingerprint) == ["B0", "A1"])
            #expect(try await store.key(fingerprint: "C2") == nil)
        }
    }

    /// The alias rule's foundation: an address is assigned once. Sixteen accounts racing for one address: exactly one
    /// insert succeeds, every other gets a conflict, and the stored owner is the winner.
    @Test(arguments: Backend.allCases) func racingWritersForOneAddressExactlyOneWins(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.insertDomain(Self.domain)
            for n in 0..<16 {
                try await store.insertAccount(AccountRecord(id: "acct-\(n)", createdAt: instant(1)),
                                              primaryAddress: Self.address("user\(n)@example.org", account: "acct-\(n)"))
            }
            let outcomes = await withTaskGroup(of: (String, StoreError?).self) { group in
                for n in 0..<16 {
                    group.addTask {
                        do {
                            try await store.insertAddress(Self.address("shared@example.org", account: "acct-\(n)", role: .alias))
                            return ("acct-\(n)", nil)
                        } catch {
                            return ("acct-\(n)", error as? StoreError)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let winners = outcomes.filter { $0.1 == nil }.map(\.0)
            #expect(winners.count == 1)
            #expect(outcomes.filter { $0.1 == StoreError.conflict("") }.count == 15)
            #expect(try await store.address("shared@example.org")?.accountID == winners.first)
        }
    }
}
