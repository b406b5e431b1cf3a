import DNS
import Foundation
import SPF
import TestSupport
import Testing

/// pyspf (PyPI `pyspf`, run by `Fixtures/pyspf-check.py`) and Stockade on the same inputs, against the records of
/// `lab/zones/spf.test.zone` through the lab's validating resolver: the cases the RFC 7208 test suite lacks (void
/// lookups, limits through include and redirect chains, macro edge cases, IPv6, SERVFAIL, an answer only TCP carries).
@Suite("SPF side by side with pyspf (lab)")
struct PeerComparisonTests {
    /// One input and what each checker answers; `section` names the part of RFC 7208 Stockade follows where pyspf
    /// answers differently.
    struct Case: Sendable {
        let ip: String
        let sender: String
        var helo = "mail.example.com"
        let stockade: SPFResult
        /// pyspf's result, or `exception: <class>` when it raises.
        let pyspf: String
        var explanation: String?
        var section: String?

        init(_ ip: String, _ sender: String, helo: String = "mail.example.com", both: SPFResult, explanation: String? = nil) {
            self.ip = ip
            self.sender = sender
            self.helo = helo
            stockade = both
            pyspf = both.rawValue
            self.explanation = explanation
        }

        init(_ ip: String, _ sender: String, stockade: SPFResult, pyspf: String, section: String) {
            self.ip = ip
            self.sender = sender
            self.stockade = stockade
            self.pyspf = pyspf
            self.section = section
        }
    }

    static let cases: [Case] = [
        // Void lookups (§4.6.4): two are allowed, the third is a permerror; NODATA counts like NXDOMAIN; includes share.
        Case("192.0.2.1", "a@void2.spf.test", both: .pass),
        Case("192.0.2.1", "a@void3.spf.test", both: .permerror),
        Case("192.0.2.1", "a@void-nodata.spf.test", both: .permerror),
        Case("192.0.2.1", "a@void-include.spf.test", both: .permerror),
        // §4.6.4 limits the *terms* whose queries are void; the mx term's own MX query answered. pyspf counts every
        // empty address lookup of the three MX hosts and stops at the third.
        Case("192.0.2.1", "a@void-mxhosts.spf.test", stockade: .pass, pyspf: "permerror", section: "4.6.4"),
        // Ten DNS-querying terms through nine nested includes and a redirect pass; eleven are a permerror (§4.6.4).
        Case("192.0.2.1", "a@chain1.spf.test", both: .pass),
        Case("192.0.2.99", "a@chain1.spf.test", both: .fail),
        Case("192.0.2.1", "a@chain0.spf.test", both: .permerror),
        Case("192.0.2.1", "a@loop.spf.test", both: .permerror),
        // A redirect is evaluated only when no mechanism matched (§6.1), so ip4 matching after ten a terms is the
        // tenth DNS term evaluated; pyspf counts the redirect when it reads the record (eleven).
        Case("192.0.2.1", "a@redirect-unused.spf.test", stockade: .pass, pyspf: "permerror", section: "4.6.4 and 6.1"),
        // Macros (§7): delimiters, reversal and a digit; %{ir} and %{v} for IPv4 and IPv6; %{d2}; %{h}.
        Case("192.0.2.1", "a+b-c@macro-l.spf.test", both: .pass),
        Case("192.0.2.1", "b+a-c@macro-l.spf.test", both: .fail),
        Case("192.0.2.1", "a@macro-ir.spf.test", both: .pass),
        Case("2001:db8::1", "a@macro-ir.spf.test", both: .pass),
        Case("192.0.2.1", "a@macro-d2.spf.test", both: .pass),
        Case("192.0.2.1", "a@macro-h.spf.test", both: .pass),
        // An expansion over 253 octets loses labels from the left (§7.3); pyspf queries the long name and dnspython raises.
        Case("192.0.2.1", String(repeating: "x", count: 60) + "@macro-long.spf.test", stockade: .pass,
             pyspf: "exception: NameTooLong", section: "7.3"),
        // An explanation with %{c} of IPv6, URL-escaped %{S} and %{L}, %{h}, %{v}, %{o} (§6.2, §7.3).
        Case("2001:db8::99", "jo+e@macro-exp.spf.test", both: .fail,
             explanation: "2001:db8::99 may not send for jo%2Be%40macro-exp.spf.test (jo%2Be via mail.example.com, ip6, macro-exp.spf.test)"),
        // IPv6: ip6 networks, a and mx with dual CIDR lengths, exists always asking for A (§5.7), IPv4-mapped clients.
        Case("2001:db8:ffff::1", "a@v6net.spf.test", both: .pass),
        Case("2001:db9::1", "a@v6net.spf.test", both: .fail),
        Case("2001:db8:1:2::abcd", "a@v6a.spf.test", both: .pass),
        Case("2001:db8:1:3::1", "a@v6a.spf.test", both: .fail),
        Case("2001:db8:1:ffff::1", "a@v6mx.spf.test", both: .pass),
        Case("192.0.2.77", "a@v6mx.spf.test", both: .pass),
        Case("2001:db8::5", "a@v6exists.spf.test", both: .fail),
        Case("::ffff:192.0.2.1", "a@mapped.spf.test", both: .pass),
        // SERVFAIL is a temperror (§2.6.6); an RRset only TCP carries is read (§3.4); the HELO identity (§2.3).
        Case("192.0.2.1", "a@servfail.spf.test", both: .temperror),
        Case("192.0.2.1", "a@big.spf.test", both: .pass),
        Case("192.0.2.1", "", helo: "helo-id.spf.test", both: .pass),
    ]

    struct PeerAnswer: Decodable {
        let result: String
        let explanation: String?
    }

    @Test func pyspfAndStockadeOnTheSameInputs() async throws {
        let input = try JSONSerialization.data(withJSONObject: Self.cases.map { ["ip": $0.ip, "sender": $0.sender, "helo": $0.helo] })
        let script = fixtures.appendingPathComponent("pyspf-check.py").path
        let output = try runTool("python3", [script], environment: ["STOCKADE_RESOLVER": try labVariable("STOCKADE_RESOLVER")], input: input)
        let answers = try JSONDecoder().decode([PeerAnswer].self, from: output)
        try #require(answers.count == Self.cases.count)
        let checker = SPFChecker(resolver: DNS.Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")])))
        for (test, peer) in zip(Self.cases, answers) {
            let label = "\(test.ip) \(test.sender)\(test.section.map { " (Stockade follows RFC 7208 §\($0))" } ?? "")"
            #expect(peer.result == test.pyspf, "pyspf: \(label)")
            #expect(peer.explanation == test.explanation, "pyspf explanation: \(label)")
            let verdict = await checker.check(client: try ClientAddress(test.ip), mailFrom: test.sender, helo: test.helo)
            #expect(verdict.result == test.stockade, "Stockade: \(label): \(verdict.reason)")
            #expect(verdict.explanation == test.explanation, "Stockade explanation: \(label)")
        }
    }
}
