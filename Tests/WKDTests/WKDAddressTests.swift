import Foundation
import Testing
import WKD

/// The hash and URLs of draft-koch-openpgp-webkey-service-22 §3.1, checked against GnuPG's own tool.
@Suite("WKDAddress")
struct WKDAddressTests {
    /// Upper case, dots, plus-addressing, digits, punctuation and non-ASCII local parts (GnuPG lower-cases only A–Z).
    static let addresses = [
        "alice@example.org", "Alice@Example.ORG", "ALICE@EXAMPLE.ORG", "Joe.Doe@Example.ORG", "j.doe+tag@example.org",
        "J.Doe+Tag@Example.org", "first.middle.last@example.org", "user+mailbox+sub@example.org", "a@b.c", "x@y.z",
        "0123456789@digits.example", "under_score@example.org", "dash-ed@example.org", "tilde~user@example.org",
        "percent%sign@example.org", "bang!mark@example.org", "equals=sign@example.org", "apos'trophe@example.org",
        "UPPER.lower.MiXeD@example.org", "Ünïcode@example.org", "ÄBC@example.org", "äbc@example.org", "émile@example.org",
        "Émile@example.org", "straße@example.de", "STRASSE@example.de", "山田@example.jp", "Ωmega@example.gr",
        "ωmega@example.gr", "ЖУК@example.ru", "жук@example.ru", "user@Éxample.org", "openpgpkey@example.org",
        "very.long.local.part.with.many.dots.and+plus+signs.too@example.org", "a.b@sub.domain.example.org",
    ]

    @Test func hashMatchesGnuPG() throws {
        #expect(Self.addresses.count >= 30)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-wkdhash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer {
            _ = try? run(GnuPG.gpgconf, ["--homedir", home.path, "--kill", "all"])
            try? FileManager.default.removeItem(at: home)
        }
        let output = try run(GnuPG.wksClient, ["--print-wkd-hash"] + Self.addresses, environment: ["GNUPGHOME": home.path])
        let lines = output.split(separator: "\n").map(String.init)
        try #require(lines.count == Self.addresses.count)
        for (text, line) in zip(Self.addresses, lines) {
            let address = try WKDAddress(text)
            let fields = line.split(separator: " ", maxSplits: 1).map(String.init)
            #expect(fields.first == address.hash, "hash of \(text)")
            // GnuPG prints the address as it hashed it: local part and domain with only A-Z lower-cased
            #expect(fields.last == "\(address.normalizedLocalPart)@\(address.domain)", "normalized form of \(text)")
        }
    }

    @Test func knownHash() throws {
        // the example of draft-koch-openpgp-webkey-service-22 §3.1 ("Joe.Doe@Example.ORG")
        let address = try WKDAddress("Joe.Doe@Example.ORG")
        #expect(address.hash == "iy9q119eutrkn8s1mk4r39qejnbu3n5q")
        #expect(address.domain == "example.org")
    }

    @Test func advancedAndDirectURLs() throws {
        let address = try WKDAddress("Joe.Doe+x@Example.ORG")
        let hash = address.hash
        #expect(address.url(.advanced)
            == "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/\(hash)?l=Joe.Doe%2Bx")
        #expect(address.url(.direct) == "https://example.org/.well-known/openpgpkey/hu/\(hash)?l=Joe.Doe%2Bx")
        #expect(address.host(.advanced) == "openpgpkey.example.org")
        #expect(address.host(.direct) == "example.org")
        #expect(address.policyURL(.advanced) == "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/policy")
        #expect(address.policyURL(.direct) == "https://example.org/.well-known/openpgpkey/policy")
        let unicode = try WKDAddress("Émile@example.org")
        #expect(unicode.url(.direct).hasSuffix("?l=%C3%89mile"))
    }

    @Test func advancedURLHasGnuPGsPathAndHash() throws {
        let text = "J.Doe+Tag@Example.org"
        let gnupg = try run(GnuPG.wksClient, ["--print-wkd-url", text]).trimmingCharacters(in: .whitespacesAndNewlines)
        let ours = try WKDAddress(text).url(.advanced)
        // GnuPG sends l= lower-cased and unescaped; the path up to the query is the same
        #expect(gnupg.split(separator: "?").first == ours.split(separator: "?").first)
    }

    @Test(arguments: ["no-at-sign", "@example.org", "user@", "user@.example.org", "user@example.org.", "user@exa/mple.org"])
    func invalidAddressesAreRefused(text: String) {
        #expect(throws: WKDError.invalidAddress("", "")) { try WKDAddress(text) }
    }
}
