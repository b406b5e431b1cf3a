import Foundation
import TestSupport
import Testing

/// `stockade dmarc check`: SPF, DKIM and DMARC on a whole message against the lab's mail.test (lab/zones/mail.test.zone).
@Suite("dmarc check (lab)")
struct DMARCCheckCommandTests {
    static let message = "From: Alice <alice@mail.test>\nTo: bob@example.net\nSubject: Hello\nDate: Sun, 06 Dec 2026 12:00:00 +0000\n\nHi Bob.\n"

    func write(_ text: String, in folder: URL, name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func check(_ file: String, ip: String, mailFrom: String, json: Bool = false) throws -> CLI.Result {
        try CLI.run(["dmarc", "check", file, "--ip", ip, "--helo", "mx.mail.test", "--mail-from", mailFrom, "--authserv-id", "mx.example.net",
                     "--resolver", try labVariable("STOCKADE_RESOLVER")] + (json ? ["--json"] : []))
    }

    /// p=reject, SPF fails, no signature: the header and the reject (RFC 9989 §4.10.1).
    @Test func unauthenticatedMessageIsRejected() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dmarc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try check(try write(Self.message, in: folder, name: "m.eml"), ip: "192.0.2.66", mailFrom: "alice@mail.test")
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == """
            Authentication-Results: mx.example.net;
            \tspf=fail smtp.mailfrom=alice@mail.test;
            \tdmarc=fail policy.dmarc=reject header.from=mail.test
            disposition: reject (mail.test: no aligned Authenticated Identifier; p=reject)

            """)
    }

    /// Signed by `stockade dkim sign` with selector s1's key, sent from an address SPF does not authorize: DKIM alone
    /// aligns and DMARC passes.
    @Test func signedMessagePassesOnDKIM() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dmarc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("s1.pem").path
        // The zone's key: the Ed25519 seed is SHA-256 of this text; PKCS#8 written by Python's cryptography package.
        _ = try runTool("python3", ["-c", """
            import hashlib, sys
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
            key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"stockade mail.test ed25519 selector s1").digest())
            open(sys.argv[1], "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
            """, key])
        let signed = try CLI.run(["dkim", "sign", try write(Self.message, in: folder, name: "m.eml"), "--domain", "mail.test",
                                  "--selector", "s1", "--key", key])
        #expect(signed.status == 0, "\(signed.error)")
        let result = try check(try write(signed.output, in: folder, name: "signed.eml"), ip: "192.0.2.66", mailFrom: "alice@mail.test", json: true)
        #expect(result.status == 0, "\(result.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(report["authentication_results"] as? String
            == "mx.example.net; spf=fail smtp.mailfrom=alice@mail.test; dkim=pass header.d=mail.test header.s=s1; "
            + "dmarc=pass policy.dmarc=none header.from=mail.test")
        #expect(report["disposition"] as? String == "deliver")
        let signatures = try #require(report["dkim"] as? [[String: Any]])
        #expect(signatures.count == 1)
        #expect(signatures.first?["d"] as? String == "mail.test")
        #expect(signatures.first?["result"] as? String == "pass")
    }
}
