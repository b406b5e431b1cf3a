import DMARC
import DNS
import Foundation
import TestSupport
import Testing

/// RFC 9990 §4, "Verifying External Destinations", against the lab's dmarc.test zone (records named in
/// lab/zones/dmarc.test.zone) and on fixed data.
@Suite("DMARC aggregate report destinations (RFC 9990 §4, lab)")
struct AggregateReportDestinationTests {
    static func dns() throws -> ResolverDMARCDNS<ContinuousClock> {
        ResolverDMARCDNS(resolver: Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")])))
    }

    /// The verdicts for the `rua` of `domain`'s record, found by the evaluator (tree walk) as the milter finds it.
    static func verdicts(_ domain: String) async throws -> [ReportDestinationAuthorization.Verdict] {
        let dns = try dns()
        let result = await DMARCEvaluator(dns: dns).evaluate(authorDomain: domain, spf: nil, dkim: [])
        let record = try #require(result.record)
        return await ReportDestinationAuthorization(dns: dns).check(record.aggregateReportURIs, policyDomain: try #require(result.policyDomain),
                                                                    organizationalDomain: try #require(result.organizationalDomain))
    }

    static func uri(_ text: String) -> ReportURI { ReportURI(text[...])! }

    @Test("§4: a destination inside the policy domain's Organizational Domain needs no check; outside, a TXT at <domain>._report._dmarc.<host>")
    func confirmed() async throws {
        let reject = try await Self.verdicts("reject.dmarc.test")
        #expect(reject.first == .sameOrganization(Self.uri("mailto:agg@reject.dmarc.test")))
        // example.net is not in the lab: SERVFAIL, a temporary failure (§4 step 5).
        guard case .temporaryFailure = reject.last else { Issue.record("expected a temporary failure, got \(reject)"); return }
        #expect(try await Self.verdicts("ext.dmarc.test") == [.authorized([Self.uri("mailto:agg@reports.dmarc.test!10m")])])
        #expect(try await Self.verdicts("extwild.dmarc.test") == [.authorized([Self.uri("mailto:agg@wild.dmarc.test")])])
    }

    @Test("§4 step 9: the consumer's own rua on the same host replaces the requested one")
    func override() async throws {
        #expect(try await Self.verdicts("extover.dmarc.test") == [.authorized([Self.uri("mailto:override@reports.dmarc.test")])])
    }

    @Test("§4: no confirming record, a record that is not v=DMARC1, or an override naming another host: no report")
    func refused() async throws {
        let none = try await Self.verdicts("extnone.dmarc.test")
        #expect(none.count == 2)
        guard case .refused = none.first else { Issue.record("expected a refusal, got \(none)"); return }
        #expect(none.last == .sameOrganization(Self.uri("mailto:agg@extnone.dmarc.test")))
        for domain in ["extbad.dmarc.test", "extloop.dmarc.test"] {
            let verdicts = try await Self.verdicts(domain)
            guard verdicts.count == 1, case .refused = verdicts[0] else { Issue.record("\(domain): \(verdicts)"); continue }
        }
    }

    @Test("§4 step 4: a name longer than DNS allows is refused without a query")
    func tooLong() async {
        // 251 octets: a valid policy domain, but with "._report._dmarc.reports.example" the name has 282.
        let long = ["a", "b", "c", "d"].map { String(repeating: $0, count: 60) }.joined(separator: ".") + ".example"
        let verdict = await ReportDestinationAuthorization(dns: FixedDNS(names: ["reports.example"]))
            .check(Self.uri("mailto:agg@reports.example"), policyDomain: long, organizationalDomain: long)
        guard case .refused(let reason) = verdict else { Issue.record("\(verdict)"); return }
        #expect(reason.contains("longer than DNS allows"))
    }

    @Test("§4 step 1: the destination host of mailto: and https: URIs")
    func hosts() {
        #expect(ReportDestinationAuthorization.host(of: Self.uri("mailto:Agg@Reports.Example.")) == "reports.example")
        #expect(ReportDestinationAuthorization.host(of: Self.uri("mailto:agg@reports.example?subject=x")) == "reports.example")
        #expect(ReportDestinationAuthorization.host(of: Self.uri("https://user@reports.example:8443/dmarc")) == "reports.example")
        #expect(ReportDestinationAuthorization.host(of: Self.uri("mailto:no-at-sign")) == nil)
    }
}
