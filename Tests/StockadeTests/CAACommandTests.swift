import Foundation
import TestSupport
import Testing

/// `stockade caa check` against the lab's caa.test zone (lab/zones/caa.test.zone).
@Suite("stockade caa check")
struct CAACommandTests {
    func check(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["caa", "check"] + arguments + ["--resolver", try CLI.labResolver()])
    }

    @Test("permitted by the apex RRset after the climb (RFC 8659 §3): JSON in the issue's order, exit 0")
    func permittedJSON() throws {
        let result = try check(["deep.sub.caa.test", "--issuer", "ca.example", "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == """
            {"permitted": true, "relevant_name": "caa.test", "reason": "issue property names ca.example (RFC 8659 §4.2)"}

            """)
    }

    @Test("not permitted: exit 1, the reason names the section")
    func refusedJSON() throws {
        let result = try check(["other.caa.test", "--issuer", "ca.example", "--json"])
        #expect(result.status == 1)
        #expect(result.output == """
            {"permitted": false, "relevant_name": "other.caa.test", "reason": "no issue property at other.caa.test. permits ca.example (RFC 8659 §4.2)"}

            """)
    }

    @Test("no CAA up to the top-level domain: relevant_name null")
    func unrestricted() throws {
        let result = try check(["good.tlsrpt.test", "--issuer", "any.example", "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == """
            {"permitted": true, "relevant_name": null, "reason": "no CAA records from good.tlsrpt.test. up to the top-level domain: issuance is not restricted (RFC 8659 §3)"}

            """)
    }

    @Test("--wildcard, --account-uri and --validation-method")
    func options() throws {
        #expect(try check(["wild.caa.test", "--issuer", "wild.example", "--wildcard"]).status == 0)
        #expect(try check(["wild.caa.test", "--issuer", "wild.example"]).status == 1)
        #expect(try check(["account.caa.test", "--issuer", "ca.example", "--account-uri", "https://ca.example/acct/1"]).status == 0)
        #expect(try check(["methods.caa.test", "--issuer", "ca.example", "--validation-method", "dns-01"]).status == 0)
        let refused = try check(["methods.caa.test", "--issuer", "ca.example", "--validation-method", "tls-alpn-01"])
        #expect(refused.status == 1)
        #expect(refused.output == """
            not permitted: issue property for ca.example is restricted to validation methods dns-01,http-01 (RFC 8657 §4)
            relevant RRset: methods.caa.test

            """)
    }
}
