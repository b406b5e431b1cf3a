import DMARC
import Testing

/// The DNS Tree Walk (RFC 9989 §4.10) and the Organizational Domain (§4.10.2), on fixed DNS data.
@Suite("DMARC tree walk")
struct TreeWalkTests {
    @Test("RFC 9989 §4.10: the eight queries for a.b.c.d.e.f.g.h.i.j.mail.example.com")
    func sectionExample() {
        #expect(TreeWalk.targets(from: "a.b.c.d.e.f.g.h.i.j.mail.example.com") == [
            "a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
            "i.j.mail.example.com", "j.mail.example.com", "mail.example.com", "example.com", "com",
        ])
    }

    @Test("RFC 9989 §4.10 step 4: x < 8 drops one label; x >= 8 drops to seven labels; never more than 8 queries")
    func shortcutBoundaries() {
        let seven = "a.b.c.d.e.example.com"
        #expect(TreeWalk.targets(from: seven) == [seven, "b.c.d.e.example.com", "c.d.e.example.com", "d.e.example.com", "e.example.com", "example.com", "com"])
        let eight = "x." + seven
        #expect(TreeWalk.targets(from: eight) == [eight] + TreeWalk.targets(from: seven))
        let nine = "y." + eight
        #expect(TreeWalk.targets(from: nine) == [nine] + TreeWalk.targets(from: seven))
        #expect(TreeWalk.targets(from: "a.mail.example.com") == ["a.mail.example.com", "mail.example.com", "example.com", "com"])
        #expect(TreeWalk.targets(from: "com") == ["com"])
        for labels in 1...127 {
            let domain = (0..<labels).map { "l\($0)" }.joined(separator: ".")
            #expect(TreeWalk.targets(from: domain).count == min(labels, TreeWalk.maximumQueries))
        }
    }

    @Test("RFC 9989 Appendix B.4.2: the deep tree walk skips to seven labels; the DKIM walk reuses answers")
    func appendixB42() async {
        let dns = FixedDNS.records(["example.com": "v=DMARC1; p=reject", "signing.example.com": "v=DMARC1; p=none"])
        let result = await DMARCEvaluator(dns: dns).evaluate(
            authorDomain: "a.b.c.d.e.f.g.h.i.j.k.example.com",
            spf: SPFOutcome(result: .pass, domain: "example.com"),
            dkim: [DKIMOutcome(result: .pass, domain: "signing.example.com", selector: "s1")])
        #expect(result.queries == [
            .policy("_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com"), .policy("_dmarc.g.h.i.j.k.example.com"),
            .policy("_dmarc.h.i.j.k.example.com"), .policy("_dmarc.i.j.k.example.com"), .policy("_dmarc.j.k.example.com"),
            .policy("_dmarc.k.example.com"), .policy("_dmarc.example.com"), .policy("_dmarc.com"),
            .policy("_dmarc.signing.example.com"),
        ])
        #expect(result.organizationalDomain == "example.com")
        #expect(result.policyDomain == "example.com")
        #expect(result.verdict == .pass)
        #expect(result.spfAligned && result.dkimAligned)
        // The author domain does not exist here, but p applies to it only through sp/np: neither is given, no query.
        #expect(result.appliedPolicy == .p)
    }

    @Test("RFC 9989 §4.10.2 first example: records at mail.example.com and example.com → example.com")
    func fewestLabels() async {
        let dns = FixedDNS.records(["mail.example.com": "v=DMARC1; p=none", "example.com": "v=DMARC1; p=reject"])
        let result = await DMARCEvaluator(dns: dns).evaluate(authorDomain: "a.mail.example.com", spf: nil, dkim: [])
        #expect(result.organizationalDomain == "example.com")
        // §4.10.1: no record at the Author Domain, so the Organizational Domain's record applies, not mail.example.com's.
        #expect(result.policyDomain == "example.com")
        #expect(result.verdict == .fail)
        #expect(result.disposition == .reject)
        #expect(result.queries.count == 4)
    }

    @Test("RFC 9989 §4.10.2 second example: psd=n at mail.example.com stops the walk there")
    func psdNo() async {
        let dns = FixedDNS.records(["mail.example.com": "v=DMARC1; p=quarantine; psd=n", "example.com": "v=DMARC1; p=reject"])
        let result = await DMARCEvaluator(dns: dns).evaluate(authorDomain: "a.mail.example.com", spf: nil,
                                                             dkim: [DKIMOutcome(result: .pass, domain: "example.com")])
        #expect(result.queries == [.policy("_dmarc.a.mail.example.com"), .policy("_dmarc.mail.example.com")])
        #expect(result.organizationalDomain == "mail.example.com")
        #expect(result.policyDomain == "mail.example.com")
        // example.com is above the Organizational Domain: not aligned, and no walk was needed to know it.
        #expect(result.dkimAligned == false)
        #expect(result.verdict == .fail)
        #expect(result.disposition == .quarantine)
    }

    @Test("RFC 9989 §4.10.2 last example and §4.10.1: only _dmarc.com with psd=y → example.com; the PSD's policy applies")
    func publicSuffixDomain() async {
        let dns = FixedDNS.records(["com": "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=y"], names: ["a.mail.example.com"])
        let evaluator = DMARCEvaluator(dns: dns)
        let existing = await evaluator.evaluate(authorDomain: "a.mail.example.com", spf: nil, dkim: [])
        #expect(existing.organizationalDomain == "example.com")
        #expect(existing.policyDomain == "com")
        #expect(existing.appliedPolicy == .sp)
        #expect(existing.disposition == .quarantine)
        #expect(existing.queries == [.policy("_dmarc.a.mail.example.com"), .policy("_dmarc.mail.example.com"),
                                     .policy("_dmarc.example.com"), .policy("_dmarc.com"), .existence("a.mail.example.com")])
        let ghost = await evaluator.evaluate(authorDomain: "ghost.example.com", spf: nil, dkim: [])
        #expect(ghost.organizationalDomain == "example.com")
        #expect(ghost.appliedPolicy == .np)
        #expect(ghost.disposition == .reject)
        // Relaxed alignment under the PSD: both names have the Organizational Domain example.com.
        let aligned = await evaluator.evaluate(authorDomain: "a.mail.example.com", spf: nil,
                                               dkim: [DKIMOutcome(result: .pass, domain: "example.com")])
        #expect(aligned.verdict == .pass)
        // A sibling registration under the PSD is another organization.
        let other = await evaluator.evaluate(authorDomain: "a.mail.example.com", spf: SPFOutcome(result: .pass, domain: "other.com"), dkim: [])
        #expect(other.spfAligned == false)
    }

    @Test("RFC 9989 §4.10.2 rule 2: psd=y at the start of a walk does not make the domain below it organizational")
    func psdAtStart() async {
        let dns = FixedDNS.records(["example": "v=DMARC1; p=reject; psd=y"])
        let result = await DMARCEvaluator(dns: dns).evaluate(authorDomain: "example", spf: nil, dkim: [])
        #expect(result.organizationalDomain == "example")
        #expect(result.queries == [.policy("_dmarc.example")])
        #expect(result.appliedPolicy == .p)
    }
}
