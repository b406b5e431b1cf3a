import Directory
import Foundation
import Store
import TestSupport
import Testing

/// The alias rule under Unicode and address syntax: every spelling of a taken address is the same address (409
/// `addressTaken` / `domainExists`), and every lookalike is refused on provider domains (400 `unsafeAddress`).
@Suite("Canonical addresses (the alias rule under Unicode and address syntax)")
struct CanonicalAddressTests {
    /// bücher.test and provider.test (provider), müller.test and hosted.test (hosted); dave on bücher.test,
    /// josé and a closed account frank on provider.test, mallory who tries to take their addresses.
    func seeded(_ path: String) async throws -> Directory {
        let directory = Directory(store: try SQLiteStore(path: path))
        try await directory.addDomain("bücher.test", kind: .provider)
        try await directory.addDomain("provider.test", kind: .provider)
        try await directory.addDomain("müller.test", kind: .hosted)
        try await directory.addDomain("hosted.test", kind: .hosted)
        try await directory.createAccount(id: "dave", primaryAddress: "dave@bücher.test")
        try await directory.addAlias("dave.alias@bücher.test", to: "dave")
        try await directory.createAccount(id: "jose", primaryAddress: "josé@provider.test")
        try await directory.createAccount(id: "frank", primaryAddress: "frank@provider.test")
        try await directory.closeAccount("frank")
        try await directory.createAccount(id: "mallory", primaryAddress: "mallory@provider.test")
        return directory
    }

    @Test func aServedDomainIsAddedOnceWhateverItsSpelling() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        for spelling in ["bücher.test", "xn--bcher-kva.test", "XN--BCHER-KVA.TEST", "Xn--Bcher-Kva.Test", "BÜCHER.test", "bu\u{308}cher.test",
                         "ｂüｃｈｅｒ.test", "bücher\u{3002}test", "bücher\u{FF0E}ｔｅｓｔ", " bücher.test "] {
            await #expect(throws: DirectoryError.domainExists(""), "\(spelling)") { try await directory.addDomain(spelling, kind: .provider) }
        }
        await #expect(throws: DirectoryError.domainExists("")) { try await directory.addDomain("xn--mller-kva.test", kind: .provider) }
        #expect(try await directory.domains().map(\.name) == ["bücher.test", "hosted.test", "müller.test", "provider.test"])
        #expect(Directory.canonicalDomain("XN--BCHER-KVA.test") == "bücher.test")
        #expect(Directory.canonicalDomain("Example.ORG") == "example.org")
    }

    @Test(arguments: [
        "", ".", "a..test", "a.test.", ".a.test", "-a.test", "a-.test", "ab--c.test", "a_b.test", "a b.test", "a@b.test",
        "xn--.test", "xn--a.test", "xn--abc-.test", "xn--bcher-kva-.test", "xn--Bücher.test",
        "xn--0.test", "xn--99999999999999.test", "bü\u{200D}cher.test", "bü\u{200B}cher.test", "bü\u{00AD}cher.test", "\u{301}bücher.test",
        "bücher\u{202E}.test", "bücher!.test", String(repeating: "a", count: 64) + ".test",
        String(repeating: "ü", count: 60) + ".test", Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: "."),
    ])
    func invalidDomainNamesAreRefused(name: String) async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = Directory(store: try SQLiteStore(path: path))
        await #expect(throws: DirectoryError.invalidDomain("", "")) { try await directory.addDomain(name, kind: .provider) }
    }

    @Test(arguments: [
        // A-label and U-label, mixed case, NFD, fullwidth domain
        "dave@xn--bcher-kva.test", "dave@XN--BCHER-KVA.TEST", "Dave@Xn--Bcher-Kva.Test", "DAVE@BÜCHER.test", "dave@bu\u{308}cher.test",
        "dave@ｂüｃｈｅｒ.test", "dave@bücher\u{3002}test",
        // quoted local parts that are dot-atoms
        "\"dave.alias\"@bücher.test", "\"dave\\.alias\"@bücher.test", "\"DAVE.ALIAS\"@xn--bcher-kva.test", "\"dave\"@bücher.test",
        // NFC, NFD and upper case
        "jose\u{301}@provider.test", "JOSÉ@provider.test", "JOSE\u{301}@PROVIDER.TEST", "José@provider.test",
        // upper-case ASCII
        "MALLORY@provider.test", "Frank@Provider.Test",
        // sub-addresses of taken addresses, also of a closed account
        "frank+a@provider.test", "FRANK+b@provider.test", "frank+@provider.test", "\"frank+x\"@provider.test", "josé+tag@provider.test",
        "dave+tag@xn--bcher-kva.test", "dave.alias+x@bücher.test",
    ])
    func spellingsOfATakenAddressAreTaken(address: String) async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        let other = address.lowercased().contains("mallory") ? "jose" : "mallory"
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await directory.addAlias(address, to: other) }
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await directory.createAccount(id: "newcomer", primaryAddress: address) }
    }

    @Test(arguments: [
        // fullwidth letters
        "ｄａｖｅ@bücher.test", "ＤＡＶＥ@bücher.test", "ｆｒａｎｋ@provider.test",
        // invisible characters
        "da\u{200D}ve@bücher.test", "da\u{200C}ve@bücher.test", "da\u{200B}ve@bücher.test", "da\u{2060}ve@bücher.test",
        "\u{FEFF}dave@bücher.test", "da\u{00AD}ve@bücher.test", "dave\u{200E}@bücher.test", "dave\u{202E}@bücher.test",
        "da\u{2066}ve@bücher.test", "da\u{034F}ve@bücher.test", "dave\u{FE0F}@bücher.test", "da\u{3164}ve@bücher.test",
        "da\u{E000}ve@bücher.test",
        // lookalikes from other scripts: Cyrillic а (U+0430), Greek omicron (U+03BF), Cyrillic е and о
        "d\u{0430}ve@bücher.test", "fr\u{0430}nk@provider.test", "j\u{03BF}sé@provider.test", "mall\u{03BF}ry@provider.test",
        "dav\u{0435}@bücher.test", "d\u{0430}v\u{0435}@bücher.test", "ivan\u{043E}v@provider.test",
        // compatibility forms: ligature, superscript
        "\u{FB01}sh@provider.test", "dave\u{00B2}@bücher.test",
        // quoted local parts that are not dot-atoms
        "\"dave alias\"@bücher.test", "\"dave..alias\"@bücher.test", "\".dave\"@bücher.test", "\"dave@alias\"@bücher.test",
        "\"dave\\\"\"@bücher.test",
        // a sub-address whose base nobody owns
        "newbie+x@provider.test", "newbie+@bücher.test",
    ])
    func lookalikesAreRefusedOnProviderDomains(address: String) async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        await #expect(throws: DirectoryError.unsafeAddress("", "")) { try await directory.addAlias(address, to: "mallory") }
        await #expect(throws: DirectoryError.unsafeAddress("", "")) { try await directory.createAccount(id: "newcomer", primaryAddress: address) }
        await #expect(throws: DirectoryError.addressNotFound("")) { try await directory.address(address) }
    }

    @Test(arguments: ["da ve@bücher.test", "dave..x@bücher.test", ".dave@bücher.test", "dave.@bücher.test", "\"dave@bücher.test",
                      "da\"ve@bücher.test", "<dave@bücher.test>", "dave@", "@bücher.test", "dave", "\"\"@bücher.test", "\"a\\\"@bücher.test",
                      "da\u{7}ve@bücher.test", "da\u{85}ve@bücher.test", "da\u{00A0}ve@bücher.test", "dave\u{3000}@bücher.test", "dave@-bücher.test", "dave@bü\u{200D}cher.test"])
    func malformedAddressesAreRefused(address: String) async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        await #expect(throws: DirectoryError.invalidAddress("")) { try await directory.addAlias(address, to: "mallory") }
    }

    @Test func singleScriptAndHighlyRestrictiveMixturesAreAccepted() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        for address in ["иван@provider.test", "ΟΔΥΣΣΕΑΣ@provider.test", "山田たろう@provider.test", "tarō.山田タロウ@provider.test",
                        "홍길동@provider.test", "김hong@provider.test", "שלום@provider.test", "مرحبا@provider.test", "Հայ@provider.test",
                        "françois-2@provider.test", "o'brien@provider.test"] {
            let row = try await directory.addAlias(address, to: "mallory")
            #expect(row.accountID == "mallory", "\(address)")
        }
        #expect(try await directory.address("ИВАН@provider.test").address == "иван@provider.test")
        #expect(try await directory.address("οδυσσεας@provider.test").display == "ΟΔΥΣΣΕΑΣ@provider.test")
    }

    @Test func lookupsFindTheCanonicalRow() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        let dave = try await directory.address("DAVE@XN--BCHER-KVA.TEST")
        #expect(dave.address == "dave@bücher.test")
        #expect(dave.display == "dave@bücher.test")
        #expect(dave.domain == "bücher.test")
        #expect(try await directory.address("\"dave.alias\"@bücher.test").address == "dave.alias@bücher.test")
        let jose = try await directory.address("JOSE\u{301}@provider.test")
        #expect(jose.address == "josé@provider.test")
        #expect(Array(jose.address.unicodeScalars.map(\.value).prefix(4)) == [0x6A, 0x6F, 0x73, 0xE9])
        // A sub-address resolves to its base, also for a closed account.
        #expect(try await directory.address("frank+news@provider.test").address == "frank@provider.test")
        #expect(try await directory.address("Dave+Tag@bücher.test").accountID == "dave")
        // Publication decisions accept the A-label form of the domain (as in a WKD Host header).
        let hash = dave.wkdHash
        #expect(try await directory.publication(domain: "xn--bcher-kva.test", wkdHash: hash) == .unpublished(reason: "no key is associated with the address"))
        #expect(try await directory.publication(domain: "BÜCHER.test", wkdHash: hash) == .unpublished(reason: "no key is associated with the address"))
        #expect(try await directory.publication(address: "dave+x@xn--bcher-kva.test") == .unpublished(reason: "no key is associated with the address"))
    }

    @Test func theOwnerMayUseItsOwnSpellingsAndSubaddresses() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        // dave's own sub-address and another spelling are dave's existing rows, not new ones.
        #expect(try await directory.addAlias("dave+news@xn--bcher-kva.test", to: "dave").address == "dave@bücher.test")
        #expect(try await directory.addAlias("\"Dave.Alias\"@BÜCHER.test", to: "dave").address == "dave.alias@bücher.test")
        #expect(try await directory.addresses(accountID: "dave").map(\.address) == ["dave@bücher.test", "dave.alias@bücher.test"])
    }

    @Test func nonASCIIAliasesOnHostedDomainsAreRemovedAndStayReserved() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = try await seeded(path)
        let row = try await directory.addAlias("Zoë@müller.test", to: "dave")
        #expect(row.address == "zoë@müller.test")
        #expect(row.display == "Zoë@müller.test")
        try await directory.removeAlias("ZOE\u{308}@XN--MLLER-KVA.test")
        #expect(try await directory.address("zoë@müller.test").removedAt != nil)
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await directory.addAlias("zoë@xn--mller-kva.test", to: "mallory") }
        // Hosted domains may hold quoted local parts; they are compared in their canonical quoted form.
        #expect(try await directory.addAlias("\"Dave Smith\"@hosted.test", to: "dave").address == "\"dave smith\"@hosted.test")
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await directory.addAlias("\"DAVE SMITH\"@HOSTED.test", to: "mallory") }
        // Removing a sub-address never removes its base.
        await #expect(throws: DirectoryError.addressNotFound("")) { try await directory.removeAlias("zoë+x@müller.test") }
    }

    @Test func theSeparatorIsConfigurable() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        _ = try await seeded(path)
        let dashed = Directory(store: try SQLiteStore(path: path), subaddressSeparator: "-")
        await #expect(throws: DirectoryError.addressTaken("", owner: "")) { try await dashed.addAlias("frank-a@provider.test", to: "mallory") }
        // With "-" as separator, "+" is an ordinary character: frank+a is its own address.
        #expect(try await dashed.addAlias("mallory+a@provider.test", to: "jose").accountID == "jose")
        let none = Directory(store: try SQLiteStore(path: path), subaddressSeparator: nil)
        #expect(try await none.addAlias("frank-b@provider.test", to: "mallory").accountID == "mallory")
        await #expect(throws: DirectoryError.addressNotFound("")) { try await none.address("dave+x@bücher.test") }
    }

    @Test func asciiAddressesKeepTheirStoredKeyAndWKDHash() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = Directory(store: try SQLiteStore(path: path))
        try await directory.addDomain("Example.ORG", kind: .provider)
        // draft-koch-openpgp-webkey-service §3.1's example: Joe.Doe@Example.ORG.
        let row = try await directory.createAccount(id: "joe", primaryAddress: "Joe.Doe@Example.ORG")
        #expect(row.id == "joe")
        let stored = try await directory.address("joe.doe@example.org")
        #expect(stored.address == "joe.doe@example.org")
        #expect(stored.display == "Joe.Doe@example.org")
        #expect(stored.domain == "example.org")
        #expect(stored.wkdHash == "iy9q119eutrkn8s1mk4r39qejnbu3n5q")
    }
}
