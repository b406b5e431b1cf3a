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
