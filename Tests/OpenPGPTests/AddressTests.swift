import Testing
@testable import OpenPGP

@Suite struct AddressTests {
    @Test(arguments: [
        ("Alice <alice@example.org>", "alice@example.org"),
        ("Alice Example <Alice.Example@EXAMPLE.Org>", "Alice.Example@example.org"),
        ("alice@example.org", "alice@example.org"),
        ("<alice@example.org>", "alice@example.org"),
        ("  Alice   <alice@example.org>  ", "alice@example.org"),
        ("Alice (work) <alice@work.example>", "alice@work.example"),
        ("alice@example.org (laptop)", "alice@example.org"),
        ("\"Doe, John <x>\" <john@example.com>", "john@example.com"),
        ("Bob Builder bob+pgp@Example.NET", "bob+pgp@example.net"),
        ("José <jose@exämple.de>", "jose@exämple.de"),
        ("<mailto:carol@example.com>", "carol@example.com"),
        ("\"quoted local\"@example.com", "\"quoted local\"@example.com"),
    ])
    func extractsAddress(userID: String, address: String) {
        #expect(MailAddress(userID: userID)?.description == address)
    }

    @Test(arguments: ["Alice", "", "Alice <>", "<@example.org>", "alice@", "@example.org", "a@b@c", "alice@.example.org",
                      "alice@example..org", "Alice <alice at example.org>"])
    func noAddress(userID: String) {
        #expect(MailAddress(userID: userID) == nil)
    }

    @Test func partsAndWKDComparison() throws {
        let a = try #require(MailAddress(userID: "Ann <Ann.Smith@Example.ORG>"))
        #expect(a.localPart == "Ann.Smith")
        #expect(a.domain == "example.org")
        #expect(a.wkdComparable == "ann.smith@example.org")
        // Only ASCII is folded for WKD comparison.
        #expect(MailAddress(userID: "Ä <Ärger@example.org>")?.wkdComparable == "Ärger@example.org")
        #expect(UserIDPacket(body: Array("x <y@z.example>".utf8)).address == MailAddress(localPart: "y", domain: "Z.EXAMPLE"))
    }
}
