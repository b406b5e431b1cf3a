import Foundation
import TestSupport
import Testing

/// `stockade mta-sts resolve` and `check-mx` against the lab's policy hosts.
@Suite("stockade mta-sts (lab)")
struct MTASTSCommandTests {
    func run(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["mta-sts"] + arguments + ["--resolver", try CLI.labResolver(), "--ca-file", try labVariable("STOCKADE_LAB_CA"),
                                               "--port", try labVariable("STOCKADE_LAB_HTTPS_PORT"), "--timeout", "3"])
    }

    @Test func resolvePrintsThePolicyAndItsSource() throws {
        let result = try run(["resolve", "enforce.web.test", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(json["source"] as? String == "fetched")
        #expect(json["mode"] as? String == "enforce")
        #expect(json["mx"] as? [String] == ["mx1.enforce.web.test", "*.backup.enforce.web.test"])
        #expect(json["max_age"] as? Int == 86_400)
        #expect(json["id"] as? String == "enforce1")
    }

    @Test func resolveSaysWhyNoPolicyApplies() throws {
        let result = try run(["resolve", "redirect.web.test"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("redirect.web.test: no policy (fetching https://mta-sts.redirect.web.test/.well-known/mta-sts.txt: redirect refused"))
    }

    @Test func checkMX() throws {
        let good = try run(["check-mx", "enforce.web.test", "mx9.backup.enforce.web.test"])
        #expect(good.status == 0)
        #expect(good.output == "allowed: mx9.backup.enforce.web.test matches the policy's mx patterns\n")
        let bad = try run(["check-mx", "enforce.web.test", "evil.example"])
        #expect(bad.status == 1)
        #expect(bad.output.hasPrefix("refused: evil.example matches none of mx1.enforce.web.test, *.backup.enforce.web.test"))
        let testing = try run(["check-mx", "testing.web.test", "evil.example"])
        #expect(testing.status == 0)
        #expect(testing.output.hasPrefix("allowed: evil.example does not match, but the policy only tests"))
    }
}

/// The receiver's side: `stockade mta-sts record` and the policy host of `stockade serve`.
@Suite("MTA-STS publishing (lab)")
struct MTASTSPublishingTests {
    @Test func recordDerivesTheIDAndWarnsAboutDNS() throws {
        let resolver = try CLI.labResolver()
        let full = try CLI.run(["mta-sts", "record", "enforce.web.test", "--mx", "mx1.enforce.web.test", "--mx", "*.backup.enforce.web.test",
                                "--max-age", "86400", "--resolver", resolver])
        #expect(full.status == 0)
        // The id is the first 128 bits of the SHA-256 of the canonical policy text.
        let text = "version: STSv1\r\nmode: enforce\r\nmx: mx1.enforce.web.test\r\nmx: *.backup.enforce.web.test\r\nmax_age: 86400\r\n"
        let digest = try runTool("sh", ["-c", "printf '\(text.replacingOccurrences(of: "\r\n", with: "\\r\\n"))' | sha256sum"])
        let id = String(String(decoding: digest, as: UTF8.self).prefix(32))
        #expect(full.output == "_mta-sts.enforce.web.test. IN TXT \"v=STSv1; id=\(id)\"\n")
        #expect(full.error == "warning: DNS still shows id enforce1; senders keep the old policy until it changes\n")
        let narrow = try CLI.run(["mta-sts", "record", "enforce.web.test", "--mx", "mx1.enforce.web.test", "--resolver", resolver])
        #expect(narrow.error.contains("warning: MX mx2.backup.enforce.web.test matches none of the policy's mx patterns"))
    }

    @Test func serverPublishesThePolicyByHost() async throws {
        let server = try await ServerProcess(extra: ["mtaSTS": [["domain": "example.test", "mode": "enforce",
                                                                  "mx": ["mx1.example.test", "*.example.test"], "maxAge": 86400]]])
        defer {
            server.stop()
            server.removeData()
        }
        let policy = try server.request("GET", "/.well-known/mta-sts.txt", host: "mta-sts.example.test")
        #expect(policy.status == 200)
        #expect(policy.headers["content-type"] == "text/plain")
        #expect(policy.text == "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: *.example.test\r\nmax_age: 86400\r\n")
        #expect(try server.request("GET", "/.well-known/mta-sts.txt", host: "mta-sts.other.test").status == 404)
        #expect(try server.request("GET", "/.well-known/mta-sts.txt", host: "example.test").status == 404)
    }
}
