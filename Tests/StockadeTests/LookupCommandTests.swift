import Foundation
import OpenPGP
import TestSupport
import Testing
import VKS

/// `stockade lookup` against one `stockade serve` that is both the WKD host of `provider.web.test` (advanced method,
/// `openpgpkey.provider.web.test`) and the key server (`provider.web.test`), over HTTPS on 127.0.9.1 at a random port.
@Suite("stockade lookup: WKD first, then the key server (lab, TLS)")
struct LookupCommandTests {
    /// The directory publishes the key for alice@provider.web.test by WKD.
    static func publishedByWKD(_ fingerprint: String, _ keyFile: String) -> [[String]] {
        [
            ["directory", "domain", "add", "provider.web.test", "--kind", "provider"],
            ["directory", "account", "add", "alice", "--primary", "alice@provider.web.test"],
            ["directory", "key", "import", keyFile, "--account", "alice"],
            ["directory", "key", "associate", "alice@provider.web.test", fingerprint],
        ]
    }

    /// The options that point a command at the world's key server, the lab resolver and the lab CA.
    static func keyServer(_ world: KeyServerWorld) throws -> [String] {
        ["--vks", try #require(world.baseURL), "--resolver", try labVariable("STOCKADE_RESOLVER"), "--ca-file", try labVariable("STOCKADE_LAB_CA")]
    }

    /// ``keyServer(_:)`` and the world's port for WKD.
    static func network(_ world: KeyServerWorld) throws -> [String] {
        let port = try #require(world.baseURL?.split(separator: ":").last.map(String.init))
        return try keyServer(world) + ["--wkd-port", port]
    }

    static func lookup(_ world: KeyServerWorld, _ address: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try CLI.run(["lookup", address, "--json"] + network(world) + extra)
        try #require(result.status == 0, "\(result.error)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    }

    static func upload(_ world: KeyServerWorld, _ file: String) throws -> CLI.Result {
        try CLI.run(["vks", "upload", file] + keyServer(world))
    }

    @Test func aKeyFromWKDIsNotAskedOfTheKeyServerByEmail() async throws {
        // Three requests a minute from this client: the upload, lookup's one refresh by fingerprint, and the probe below.
        // Had lookup asked the key server anything more (by email), the probe would get 429.
        let world = try await KeyServerWorld.startTLS(limits: ["requestsPerMinutePerClient": 3], userIDs: ["Alice <alice@provider.web.test>"],
                                                      directory: Self.publishedByWKD)
        defer { world.close() }
        let uploaded = try Self.upload(world, world.home.write(world.home.export(world.fingerprint), name: "upload.pgp"))
        #expect(uploaded.status == 0, "\(uploaded.error)")
        #expect(uploaded.output.contains("key_fpr: \(world.fingerprint)"))
        #expect(uploaded.output.contains("token: "))

        let output = world.home.path + "/found.asc"
        let report = try Self.lookup(world, "alice@provider.web.test", ["--armor", "--output", output])
        #expect(report["source"] as? String == "wkd")
        #expect(report["status"] as? String == "valid")
        #expect(report["fingerprint"] as? String == world.fingerprint)
        #expect(report["refresh"] as? String == "unchanged")
        #expect(report["userIDs"] as? [String] == ["Alice <alice@provider.web.test>"])
        #expect(report["wkdReason"] == nil && report["vksReason"] == nil)
        #expect(try Certificate(bytes: Array(Data(contentsOf: URL(fileURLWithPath: output)))).fingerprint.description == world.fingerprint)

        let (vks, _) = try VKSClientTests.clients(world)
        _ = try await vks.certificates(email: "alice@provider.web.test")  // the third request of this minute: not 429
        await VKSClientTests.expectRefusal(429) { () async throws(VKSClientError) in _ = try await vks.certificates(email: "alice@provider.web.test") }
    }

    @Test func withoutWKDTheKeyServerIsAskedByEmail() async throws {
        let world = try await KeyServerWorld.startTLS(userIDs: ["Bob <bob@provider.web.test>"], directory: { _, _ in
            [["directory", "domain", "add", "provider.web.test", "--kind", "provider"]]
        })
        defer { world.close() }
        let (vks, _) = try VKSClientTests.clients(world)
        let started = Date()
        let upload = try await vks.upload(try world.armoredKey())
        _ = try await vks.requestVerify(token: upload.token, addresses: ["bob@provider.web.test"])
        try await VKSClientTests.confirm(world, "bob@provider.web.test", after: started)

        let report = try Self.lookup(world, "bob@provider.web.test")
        #expect(report["source"] as? String == "vks")
        #expect(report["status"] as? String == "valid")
        #expect(report["fingerprint"] as? String == world.fingerprint)
        #expect(report["refresh"] as? String == "unchanged")
        #expect((report["wkdReason"] as? String)?.contains("no key published at https://openpgpkey.provider.web.test/") == true, "\(report)")
        #expect(report["vksReason"] == nil)

        let missing = try CLI.run(["lookup", "carol@provider.web.test"] + Self.network(world))
        #expect(missing.status != 0)
        #expect(missing.error.contains("WKD: no key published"), "\(missing.error)")
        #expect(missing.error.contains("key server: no key published for carol@provider.web.test"), "\(missing.error)")
    }

    @Test func aRevocationOnlyTheKeyServerHasIsReportedForAKeyFromWKD() async throws {
        let world = try await KeyServerWorld.startTLS(userIDs: ["Alice <alice@provider.web.test>"], directory: Self.publishedByWKD)
        defer { world.close() }
        // Revoke with GnuPG's revocation certificate; only the key server gets the revoked key, the directory keeps its copy.
        let revocation = try String(contentsOfFile: "\(world.home.path)/openpgp-revocs.d/\(world.fingerprint).rev", encoding: .utf8)
            .replacingOccurrences(of: ":-----BEGIN PGP PUBLIC KEY BLOCK-----", with: "-----BEGIN PGP PUBLIC KEY BLOCK-----")
        try world.home.gpg(["--import"], input: Data(revocation.utf8))
        let uploaded = try Self.upload(world, world.home.write(world.home.export(world.fingerprint), name: "revoked.pgp"))
        #expect(uploaded.status == 0, "\(uploaded.error)")

        let report = try Self.lookup(world, "alice@provider.web.test")
        #expect(report["source"] as? String == "wkd")
        #expect(report["status"] as? String == "revoked")
        #expect(report["refresh"] as? String == "changed", "the revocation came from the key server, not from WKD")
        let text = try CLI.run(["lookup", "alice@provider.web.test"] + Self.network(world))
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.contains("source: wkd\nstatus: revoked\n"), "\(text.output)")
    }
}
