import TestSupport
import Testing

/// `stockade dmarc record` and `dmarc evaluate` against the lab's `dmarc.test` zone: the exact JSON.
@Suite("stockade dmarc (lab)")
struct DMARCCommandTests {
    func run(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["dmarc"] + arguments + ["--resolver", try CLI.labResolver()])
    }

    @Test func recordWithEveryTag() throws {
        let result = try run(["record", "reject.dmarc.test", "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == """
            {
              "adkim" : "s",
              "aspf" : "r",
              "fo" : [
                "1",
                "d",
                "s"
              ],
              "found" : true,
              "np" : "reject",
              "p" : "reject",
              "psd" : "u",
              "rua" : [
                "mailto:agg@reject.dmarc.test",
                "mailto:agg@example.net!10m"
              ],
              "ruf" : [
                "mailto:fail@reject.dmarc.test"
              ],
              "sp" : "quarantine",
              "t" : "n"
            }

            """)
    }

    @Test("RFC 9989 §4.7 defaults and §4.8 discards, in JSON and text")
    func recordDefaultsAndDiscards() throws {
        let result = try run(["record", "Malformed.DMARC.test.", "--json"])
        #expect(result.output == """
            {
              "adkim" : "r",
              "aspf" : "s",
              "fo" : [
                "0"
              ],
              "found" : true,
              "np" : null,
              "p" : "reject",
              "psd" : "u",
              "rua" : [

              ],
              "ruf" : [

              ],
              "sp" : null,
              "t" : "n"
            }

            """)
        let text = try run(["record", "malformed.dmarc.test"])
        #expect(text.output == """
            _dmarc.malformed.dmarc.test: v=DMARC1; p=reject; pct=50; adkim=x; foo=bar; p=none; aspf=s
            p=reject sp=- np=- adkim=r aspf=s t=n psd=u fo=0
            discarded: pct=50 (unknown tag)
            discarded: adkim=x (not r or s: the default r applies)
            discarded: foo=bar (unknown tag)
            discarded: p=none (repeated tag: the first occurrence counts)

            """)
        let nop = try run(["record", "nop.dmarc.test", "--json"])
        #expect(nop.output.contains("\"p\" : \"none\","))
        let badp = try run(["record", "badp.dmarc.test", "--json"])
        #expect(badp.output.contains("\"p\" : null,"))
    }

    @Test func recordNotFoundAndDNSFailure() throws {
        let none = try run(["record", "multi.dmarc.test", "--json"])
        #expect(none.status == 0)
        #expect(none.output == """
            {
              "adkim" : null,
              "aspf" : null,
              "fo" : [

              ],
              "found" : false,
              "np" : null,
              "p" : null,
              "psd" : null,
              "rua" : [

              ],
              "ruf" : [

              ],
              "sp" : null,
              "t" : null
            }

            """)
        let failed = try run(["record", "x.child.secure.test"])
        #expect(failed.status == 1)
        #expect(failed.error == "error: _dmarc.x.child.secure.test TXT: SERVFAIL\n")
    }

    @Test("evaluate: sp for an existing subdomain, SPF aligned → pass")
    func evaluatePass() throws {
        let result = try run(["evaluate", "--from", "mail.reject.dmarc.test", "--spf", "pass:mail.reject.dmarc.test", "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == """
            {
              "applied_policy" : "sp",
              "disposition" : "none",
              "dkim_aligned" : false,
              "org_domain" : "reject.dmarc.test",
              "policy_domain" : "reject.dmarc.test",
              "result" : "pass",
              "spf_aligned" : true
            }

            """)
    }

    @Test("evaluate: np for a non-existent subdomain, PSD policy, t=y, text form")
    func evaluateFail() throws {
        let ghost = try run(["evaluate", "--from", "ghost.reject.dmarc.test", "--dkim", "pass:example.net", "--dkim", "fail:reject.dmarc.test", "--json"])
        #expect(ghost.output == """
            {
              "applied_policy" : "np",
              "disposition" : "reject",
              "dkim_aligned" : false,
              "org_domain" : "reject.dmarc.test",
              "policy_domain" : "reject.dmarc.test",
              "result" : "fail",
              "spf_aligned" : false
            }

            """)
        let psd = try run(["evaluate", "--from", "www.noorg.psd.dmarc.test", "--spf", "softfail:www.noorg.psd.dmarc.test"])
        #expect(psd.output == """
            dmarc=fail disposition=quarantine policy_domain=psd.dmarc.test org_domain=noorg.psd.dmarc.test spf_aligned=false dkim_aligned=false applied_policy=sp
            no aligned Authenticated Identifier; sp=quarantine

            """)
        let testing = try run(["evaluate", "--from", "testing.dmarc.test"])
        #expect(testing.output == """
            dmarc=fail disposition=quarantine policy_domain=testing.dmarc.test org_domain=testing.dmarc.test spf_aligned=false dkim_aligned=false applied_policy=p
            no aligned Authenticated Identifier; p=reject, lowered one step by t=y

            """)
    }

    @Test("evaluate: none, temperror, and --rfc7489 (the Public Suffix List finds no record at dmarc.test)")
    func evaluateNoneTemperrorRFC7489() throws {
        let temperror = try run(["evaluate", "--from", "x.child.secure.test", "--json"])
        #expect(temperror.output == """
            {
              "applied_policy" : null,
              "disposition" : null,
              "dkim_aligned" : false,
              "org_domain" : null,
              "policy_domain" : null,
              "result" : "temperror",
              "spf_aligned" : false
            }

            """)
        let legacy = try run(["evaluate", "--from", "mail.reject.dmarc.test", "--spf", "pass:mail.reject.dmarc.test", "--rfc7489", "--json"])
        #expect(legacy.output == """
            {
              "applied_policy" : null,
              "disposition" : null,
              "dkim_aligned" : false,
              "org_domain" : "dmarc.test",
              "policy_domain" : null,
              "result" : "none",
              "spf_aligned" : false
            }

            """)
        let bad = try run(["evaluate", "--from", "example.com", "--spf", "maybe:example.com"])
        #expect(bad.status == 64)
        #expect(bad.error.hasPrefix("Error: The value 'maybe:example.com' is invalid for '--spf <result:domain>'"))
    }
}
