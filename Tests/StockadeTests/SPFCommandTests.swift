import Foundation
import TestSupport
import Testing

/// `stockade spf check` against the records of `lab/zones/spf.test.zone`.
@Suite("stockade spf (lab)")
struct SPFCommandTests {
    func check(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["spf", "check"] + arguments + ["--resolver", try CLI.labResolver()])
    }

    @Test func jsonGivesResultExplanationAndMechanism() throws {
        let fail = try check(["2001:db8::99", "jo+e@macro-exp.spf.test", "--helo", "mail.example.com", "--json"])
        #expect(fail.status == 1)
        #expect(fail.output == """
            {
              "explanation" : "2001:db8::99 may not send for jo%2Be%40macro-exp.spf.test (jo%2Be via mail.example.com, ip6, macro-exp.spf.test)",
              "mechanism" : "-all",
              "result" : "fail"
            }

            """)
        let pass = try check(["192.0.2.1", "a@chain1.spf.test", "--json"])
        #expect(pass.status == 0)
        #expect(pass.output == "{\n  \"explanation\" : null,\n  \"mechanism\" : \"include:chain2.spf.test\",\n  \"result\" : \"pass\"\n}\n")
        let none = try check(["192.0.2.1", "a@nx1.spf.test", "--json"])
        #expect(none.status == 4)
        #expect(none.output == "{\n  \"explanation\" : null,\n  \"mechanism\" : null,\n  \"result\" : \"none\"\n}\n")
    }

    @Test func textAndExitStatus() throws {
        let temperror = try check(["192.0.2.1", "a@servfail.spf.test"])
        #expect(temperror.status == 5)
        #expect(temperror.output == "temperror: a:www.bogus.test: A www.bogus.test.: SERVFAIL\n")
        let permerror = try check(["192.0.2.1", "a@void3.spf.test"])
        #expect(permerror.status == 6)
        #expect(permerror.output == "permerror: a:nx3.spf.test: more than 2 void lookups (RFC 7208 §4.6.4)\n")
        let helo = try check(["192.0.2.1", "", "--helo", "helo-id.spf.test"])
        #expect(helo.status == 0)
        #expect(helo.output == "pass: ip4:192.0.2.1 matched in the record of helo-id.spf.test\n")
    }

    @Test func badArguments() throws {
        let address = try check(["192.0.2.300", "a@spf.test"])
        #expect(address.status == 64)
        #expect(address.error.contains("\"192.0.2.300\" is not an IPv4 or IPv6 address"))
        let helo = try check(["192.0.2.1", ""])
        #expect(helo.status == 64)
        #expect(helo.error.contains("an empty SENDER checks the HELO identity: give --helo"))
    }
}
