import DMARC
import DNS
import TestSupport
import Testing

/// DMARC through Stockade's resolver against the lab's signed `dmarc.test` zone (lab/zones/dmarc.test.zone).
@Suite("DMARC against the lab")
struct LabEvaluationTests {
    func evaluator(_ mode: DMARCEvaluator.Mode = .rfc9989) throws -> DMARCEvaluator {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        return DMARCEvaluator(dns: ResolverDMARCDNS(resolver: resolver), mode: mode)
    }

    @Test("RFC 9989 §4.10.1: p for the domain, sp for an existing subdomain, np for an NXDOMAIN one")
    func subdomainPolicies() async throws {
        let evaluator = try evaluator()
        let domain = await evaluator.evaluate(authorDomain: "reject.dmarc.test", spf: nil, dkim: [])
        #expect(domain.verdict == .fail && domain.appliedPolicy == .p && domain.disposition == .reject)
        #expect(domain.queries == [.policy("_dmarc.reject.dmarc.test"), .policy("_dmarc.dmarc.test"), .policy("_dmarc.test")])
        let existing = await evaluator.evaluate(authorDomain: "mail.reject.dmarc.test", spf: nil, dkim: [])
        #expect(existing.appliedPolicy == .sp && existing.disposition == .quarantine)
        #expect(existing.queries == [.policy("_dmarc.mail.reject.dmarc.test"), .policy("_dmarc.reject.dmarc.test"),
                                     .policy("_dmarc.dmarc.test"), .policy("_dmarc.test"), .existence("mail.reject.dmarc.test")])
        let ghost = await evaluator.evaluate(authorDomain: "ghost.reject.dmarc.test", spf: nil, dkim: [])
        #expect(ghost.appliedPolicy == .np && ghost.disposition == .reject)
        #expect(ghost.policyDomain == "reject.dmarc.test" && ghost.organizationalDomain == "reject.dmarc.test")
        let sponly = await evaluator.evaluate(authorDomain: "ghost.sponly.dmarc.test", spf: nil, dkim: [])
        #expect(sponly.appliedPolicy == .sp && sponly.disposition == DMARCRecord.Policy.none)
    }

    @Test("RFC 9989 §4.10 step 4 in the lab: 11 labels make 8 queries, skipping the record at c.d.e.f.g.h.deep")
    func shortcut() async throws {
        let result = await (try evaluator()).evaluate(authorDomain: "a.b.c.d.e.f.g.h.deep.dmarc.test", spf: nil, dkim: [])
        #expect(result.queries == [
            "a.b.c.d.e.f.g.h.deep.dmarc.test", "e.f.g.h.deep.dmarc.test", "f.g.h.deep.dmarc.test", "g.h.deep.dmarc.test",
            "h.deep.dmarc.test", "deep.dmarc.test", "dmarc.test", "test",
        ].map { .policy("_dmarc." + $0) })
        #expect(result.policyDomain == "deep.dmarc.test")
        #expect(result.disposition == .quarantine)
    }

    @Test("PSD (psd=y): an organization below it with and without its own record; psd=n stops the walk")
    func publicSuffixDomains() async throws {
        let evaluator = try evaluator()
        let withRecord = await evaluator.evaluate(authorDomain: "mail.org.psd.dmarc.test", spf: nil,
                                                  dkim: [DKIMOutcome(result: .pass, domain: "org.psd.dmarc.test")])
        #expect(withRecord.organizationalDomain == "org.psd.dmarc.test")
        #expect(withRecord.policyDomain == "org.psd.dmarc.test")
        #expect(withRecord.verdict == .pass)
        #expect(withRecord.queries == [.policy("_dmarc.mail.org.psd.dmarc.test"), .policy("_dmarc.org.psd.dmarc.test"), .policy("_dmarc.psd.dmarc.test")])
        let withoutRecord = await evaluator.evaluate(authorDomain: "www.noorg.psd.dmarc.test", spf: SPFOutcome(result: .pass, domain: "org.psd.dmarc.test"), dkim: [])
        #expect(withoutRecord.organizationalDomain == "noorg.psd.dmarc.test")
        #expect(withoutRecord.policyDomain == "psd.dmarc.test")
        #expect(withoutRecord.spfAligned == false)
        #expect(withoutRecord.appliedPolicy == .sp && withoutRecord.disposition == .quarantine)
        let ghost = await evaluator.evaluate(authorDomain: "ghost.psd.dmarc.test", spf: nil, dkim: [])
        #expect(ghost.appliedPolicy == .np && ghost.disposition == .reject)
        let psdn = await evaluator.evaluate(authorDomain: "a.dept.psdn.dmarc.test", spf: nil, dkim: [DKIMOutcome(result: .pass, domain: "other.psdn.dmarc.test")])
        #expect(psdn.organizationalDomain == "dept.psdn.dmarc.test")
        #expect(psdn.policyDomain == "dept.psdn.dmarc.test")
        #expect(psdn.verdict == .fail && psdn.disposition == .quarantine)
    }

    @Test("Records in DNS: strings concatenated (§4.5), t=y, discarded tags (§4.8), invalid p (§4.10.1), several records (§4.10)")
    func records() async throws {
        let evaluator = try evaluator()
        let b25 = await evaluator.evaluate(authorDomain: "b25.dmarc.test", spf: nil, dkim: [])
        #expect(b25.record?.aggregateReportURIs.map(\.uri) == ["mailto:dmarc-feedback@example.com", "mailto:tld-test@thirdparty.example.net"])
        #expect(b25.disposition == DMARCRecord.Policy.none)
        let testing = await evaluator.evaluate(authorDomain: "testing.dmarc.test", spf: nil, dkim: [])
        #expect(testing.disposition == .quarantine)
        let malformed = await evaluator.evaluate(authorDomain: "malformed.dmarc.test", spf: SPFOutcome(result: .pass, domain: "x.malformed.dmarc.test"), dkim: [])
        #expect(malformed.disposition == .reject && malformed.spfAligned == false)
        #expect(malformed.record?.discarded.map(\.text) == ["pct=50", "adkim=x", "foo=bar", "p=none"])
        #expect(await evaluator.evaluate(authorDomain: "badp.dmarc.test", spf: nil, dkim: []).disposition == DMARCRecord.Policy.none)
        #expect(await evaluator.evaluate(authorDomain: "badp-norua.dmarc.test", spf: nil, dkim: []).verdict == .none)
        #expect(await evaluator.evaluate(authorDomain: "nop.dmarc.test", spf: nil, dkim: []).disposition == DMARCRecord.Policy.none)
        #expect(await evaluator.evaluate(authorDomain: "multi.dmarc.test", spf: nil, dkim: []).verdict == .none)
        #expect(await evaluator.evaluate(authorDomain: "mixed.dmarc.test", spf: nil, dkim: []).disposition == .quarantine)
        #expect(await evaluator.evaluate(authorDomain: "notfirst.dmarc.test", spf: nil, dkim: []).verdict == .none)
        #expect(await evaluator.evaluate(authorDomain: "version2.dmarc.test", spf: nil, dkim: []).verdict == .none)
    }

    @Test("RFC 9989 Appendix B.4.1 in the lab: relaxed alignment through signing.align")
    func relaxedAlignment() async throws {
        let result = await (try evaluator()).evaluate(authorDomain: "align.dmarc.test", spf: SPFOutcome(result: .pass, domain: "bounce.align.dmarc.test"),
                                                      dkim: [DKIMOutcome(result: .pass, domain: "signing.align.dmarc.test")])
        #expect(result.verdict == .pass && result.spfAligned && result.dkimAligned)
        #expect(result.queries == [.policy("_dmarc.align.dmarc.test"), .policy("_dmarc.dmarc.test"), .policy("_dmarc.test"),
                                   .policy("_dmarc.bounce.align.dmarc.test"), .policy("_dmarc.signing.align.dmarc.test")])
        let strict = await (try evaluator()).evaluate(authorDomain: "strict.dmarc.test", spf: SPFOutcome(result: .pass, domain: "mail.strict.dmarc.test"),
                                                      dkim: [DKIMOutcome(result: .pass, domain: "strict.dmarc.test")])
        #expect(strict.verdict == .pass && !strict.spfAligned && strict.dkimAligned)
    }

    @Test("RFC 9989 §4.10.2: a tree walk alone, its records and the Organizational Domain")
    func treeWalk() async throws {
        let walk = await (try evaluator()).treeWalk(from: "Mail.Org.PSD.dmarc.test.")
        #expect(walk.start == "mail.org.psd.dmarc.test")
        #expect(walk.records.map(\.domain) == ["org.psd.dmarc.test", "psd.dmarc.test"])
        #expect(walk.records.map(\.record.psd) == [.unknown, .yes])
        #expect(walk.organizationalDomain == "org.psd.dmarc.test")
        #expect(walk.publicSuffixRecord?.domain == "psd.dmarc.test")
        #expect(walk.failure == nil)
        let failed = await (try evaluator()).treeWalk(from: "a.x.child.secure.test")
        #expect(failed.failure == "_dmarc.a.x.child.secure.test TXT: SERVFAIL" && failed.records.isEmpty)
    }

    @Test("RFC 9989 §5.3.6: SERVFAIL (an unserved signed delegation) is temperror")
    func servfail() async throws {
        let result = await (try evaluator()).evaluate(authorDomain: "x.child.secure.test", spf: nil, dkim: [])
        #expect(result.verdict == .temperror)
        #expect(result.queries == [.policy("_dmarc.x.child.secure.test")])
        #expect(result.reason == "_dmarc.x.child.secure.test TXT: SERVFAIL")
    }

    @Test("RFC 7489 mode in the lab: the Public Suffix List makes dmarc.test the Organizational Domain of every case")
    func rfc7489() async throws {
        let result = await (try evaluator(.rfc7489(.bundled))).evaluate(authorDomain: "mail.reject.dmarc.test", spf: nil, dkim: [])
        #expect(result.queries == [.policy("_dmarc.mail.reject.dmarc.test"), .policy("_dmarc.dmarc.test")])
        #expect(result.organizationalDomain == "dmarc.test")
        #expect(result.verdict == .none)
    }
}
