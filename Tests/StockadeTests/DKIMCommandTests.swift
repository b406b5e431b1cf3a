import Foundation
import TestSupport
import Testing

/// `stockade dkim sign`, `verify` and `keygen`, run as a user runs them, keys from the lab's `dkim.test` zone.
@Suite("stockade dkim (lab)")
struct DKIMCommandTests {
    /// The DKIM tests' fixture keys (their public halves are in lab/zones/dkim.test.zone).
    static let keys = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DKIMTests/Fixtures/keys")

    static let message = """
        From: Joe SixPack <joe@dkim.test>
        To: Suzie Q <suzie@example.net>
        Subject: Is dinner ready?
        Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)

        Hi.

        We lost the game.  Are you hungry yet?

        """

    func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dkim-cli-\(UUID().uuidString)-\(name)")
    }

    func sign(_ file: URL, selector: String, key: String) throws -> String {
        let result = try CLI.run(["dkim", "sign", file.path, "--domain", "dkim.test", "--selector", selector,
                                  "--key", Self.keys.appendingPathComponent("\(key).pem").path])
        #expect(result.status == 0, "\(result.error)")
        return result.output
    }

    @Test func signTwiceThenVerifyThroughTheLab() throws {
        let unsigned = temporary("unsigned.eml"), once = temporary("once.eml"), twice = temporary("twice.eml")
        defer { for url in [unsigned, once, twice] { try? FileManager.default.removeItem(at: url) } }
        try Self.message.write(to: unsigned, atomically: true, encoding: .utf8)
        try sign(unsigned, selector: "rsa2048", key: "rsa2048-pkcs1").write(to: once, atomically: true, encoding: .utf8)
        let signed = try sign(once, selector: "ed25519", key: "ed25519")
        #expect(signed.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=dkim.test;\r\n\ts=ed25519; t="))
        #expect(signed.hasSuffix("\r\nFrom: Joe SixPack <joe@dkim.test>\r\nTo: Suzie Q <suzie@example.net>\r\nSubject: Is dinner ready?\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n\r\nHi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n"))
        try signed.write(to: twice, atomically: true, encoding: .utf8)

        let verified = try CLI.run(["dkim", "verify", twice.path, "--resolver", try CLI.labResolver(), "--json"])
        #expect(verified.status == 0, "\(verified.error)")
        #expect(verified.output == """
            {
              "signatures" : [
                {
                  "d" : "dkim.test",
                  "reason" : null,
                  "result" : "pass",
                  "s" : "ed25519"
                },
                {
                  "d" : "dkim.test",
                  "reason" : null,
                  "result" : "pass",
                  "s" : "rsa2048"
                }
              ]
            }

            """)
    }

    @Test func verifyReportsEachFailureAndExitsOne() throws {
        let unsigned = temporary("unsigned.eml"), tampered = temporary("tampered.eml")
        defer { for url in [unsigned, tampered] { try? FileManager.default.removeItem(at: url) } }
        try Self.message.write(to: unsigned, atomically: true, encoding: .utf8)
        let signed = try sign(unsigned, selector: "revoked", key: "rsa2048")
        let signedAgain = temporary("again.eml")
        defer { try? FileManager.default.removeItem(at: signedAgain) }
        try signed.write(to: signedAgain, atomically: true, encoding: .utf8)
        try sign(signedAgain, selector: "ed25519", key: "ed25519").replacingOccurrences(of: "We lost", with: "We won")
            .write(to: tampered, atomically: true, encoding: .utf8)
        let result = try CLI.run(["dkim", "verify", tampered.path, "--resolver", try CLI.labResolver()])
        #expect(result.status == 1)
        #expect(result.output == """
            fail d=dkim.test s=ed25519: body hash did not verify (RFC 6376 §6.1.3)
            permerror d=dkim.test s=revoked: key revoked: empty p= (RFC 6376 §3.6.1)

            """)
    }

    @Test func verifyWithoutSignatures() throws {
        let unsigned = temporary("unsigned.eml")
        defer { try? FileManager.default.removeItem(at: unsigned) }
        try Self.message.write(to: unsigned, atomically: true, encoding: .utf8)
        let result = try CLI.run(["dkim", "verify", unsigned.path, "--resolver", try CLI.labResolver(), "--json"])
        #expect(result.status == 1)
        #expect(result.output == "{\n  \"signatures\" : [\n\n  ]\n}\n")
    }

    @Test func signRefusesAKeyOfAnotherAlgorithm() throws {
        let unsigned = temporary("unsigned.eml")
        defer { try? FileManager.default.removeItem(at: unsigned) }
        try Self.message.write(to: unsigned, atomically: true, encoding: .utf8)
        let result = try CLI.run(["dkim", "sign", unsigned.path, "--domain", "dkim.test", "--selector", "x", "--algorithm", "rsa-sha256",
                                  "--key", Self.keys.appendingPathComponent("ed25519.pem").path])
        #expect(result.status != 0)
        #expect(result.error.contains("--algorithm rsa-sha256 needs a key for it"))
        let short = try CLI.run(["dkim", "sign", unsigned.path, "--domain", "dkim.test", "--selector", "x",
                                 "--key", Self.keys.appendingPathComponent("rsa512.pem").path])
        #expect(short.status != 0)
        #expect(short.error.contains("RFC 8301 §3.2"))
    }

    @Test("keygen writes a 0600 PKCS#8 key and prints the TXT record of its public half", arguments: ["ed25519", "rsa-2048"])
    func keygen(algorithm: String) throws {
        let key = temporary("key.pem")
        defer { try? FileManager.default.removeItem(at: key) }
        let result = try CLI.run(["dkim", "keygen", "--domain", "example.com", "--selector", "mail", "--algorithm", algorithm, "--out", key.path])
        #expect(result.status == 0, "\(result.error)")
        let attributes = try FileManager.default.attributesOfItem(atPath: key.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // The public key as OpenSSL derives it from the written file: SPKI for RSA, the last 32 octets of it for Ed25519.
        let spki = try runTool("openssl", ["pkey", "-in", key.path, "-pubout", "-outform", "DER"])
        let p = algorithm == "ed25519" ? spki.suffix(32).base64EncodedString() : spki.base64EncodedString()
        let record = "v=DKIM1; k=\(algorithm == "ed25519" ? "ed25519" : "rsa"); p=\(p)"
        var strings: [String] = []
        var rest = Substring(record)
        while !rest.isEmpty {
            strings.append("\"\(rest.prefix(255))\"")
            rest = rest.dropFirst(255)
        }
        #expect(result.output == "mail._domainkey.example.com. IN TXT ( \(strings.joined(separator: " ")) )\n")
        #expect(strings.count == (algorithm == "ed25519" ? 1 : 2))
        let again = try CLI.run(["dkim", "keygen", "--domain", "example.com", "--selector", "mail", "--out", key.path])
        #expect(again.status != 0)
        #expect(again.error.contains("exists; not replacing a key"))
    }
}
