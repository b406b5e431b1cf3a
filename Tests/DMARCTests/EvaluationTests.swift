import DMARC
import Testing

/// Alignment, verdicts and policies (RFC 9989 §4.4, §4.10.1, §5.3; Appendix B), and the RFC 7489 mode, on fixed DNS.
@Suite("DMARC evaluation")
struct EvaluationTests {
    static let exampleCom = FixedDNS.records(["example.com": "v=DMARC1; p=reject"], names: ["child.example.com"])

    func evaluate(_ dns: FixedDNS, from author: String, spf: SPFOutcome? = nil, dkim: [DKIMOutcome] = [],
                  mode: DMARCEvaluator.Mode = .rfc9989) async -> DMARCResult {
        await DMARCEvaluator(dns: dns, mode: mode).evaluate(authorDomain: author, spf: spf, dkim: dkim)
    }

    @Test("RFC 9989 Appendix B.1.1: SPF strict, relaxed and no alignment")
    func appendixB11() async {
        let strict = await evaluate(Self.exampleCom, from: "example.com", spf: SPFOutcome(result: .pass, domain: "example.com"))
        #expect(strict.verdict == .pass && strict.spfAligned && !strict.dkimAligned)
        #expect(strict.disposition == DMARCRecord.Policy.none)
        let relaxed = await evaluate(Self.exampleCom, from: "example.com", spf: SPFOutcome(result: .pass, domain: "child.example.com"))
        #expect(relaxed.verdict == .pass && relaxed.spfAligned)
        let strictRecord = FixedDNS.records(["example.com": "v=DMARC1; p=reject; aspf=s"], names: ["child.example.com"])
        let refused = await evaluate(strictRecord, from: "example.com", spf: SPFOutcome(result: .pass, domain: "child.example.com"))
        #expect(refused.verdict == .fail && !refused.spfAligned)
        let none = await evaluate(Self.exampleCom, from: "child.example.com", spf: SPFOutcome(result: .pass, domain: "example.net"))
        #expect(none.verdict == .fail && !none.spfAligned)
        #expect(none.disposition == .reject)
        #expect(none.policyDomain == "example.com")
        // example.net is outside example.com: no walk from it.
        #expect(!none.queries.contains(.policy("_dmarc.example.net")))
    }

    @Test("RFC 9989 Appendix B.1.2: DKIM strict, relaxed and no alignment")
    func appendixB12() async {
        let strict = await evaluate(Self.exampleCom, from: "example.com", dkim: [DKIMOutcome(result: .pass, domain: "example.com")])
        #expect(strict.verdict == .pass && strict.dkimAligned)
        let relaxed = await evaluate(Self.exampleCom, from: "child.example.com", dkim: [DKIMOutcome(result: .pass, domain: "example.com")])
        #expect(relaxed.verdict == .pass && relaxed.dkimAligned)
        let none = await evaluate(Self.exampleCom, from: "child.example.com", dkim: [DKIMOutcome(result: .pass, domain: "example.net")])
        #expect(none.verdict == .fail && !none.dkimAligned)
    }

    @Test("RFC 9989 Appendix B.3.1: SPF mail.example.com and DKIM example.com both align with example.com")
    func appendixB31() async {
        let dns = FixedDNS.records(["example.com": "v=DMARC1; p=reject; aspf=r; rua=mailto:dmarc-feedback@example.com"])
        let result = await evaluate(dns, from: "example.com", spf: SPFOutcome(result: .pass, domain: "mail.example.com"),
                                    dkim: [DKIMOutcome(result: .pass, domain: "example.com")])
        #expect(result.verdict == .pass)
        #expect(result.spfAligned && result.dkimAligned)
        #expect(result.disposition == DMARCRecord.Policy.none)
        #expect(result.policyDomain == "example.com")
        #expect(result.appliedPolicy == .p)
    }

    @Test("RFC 9989 Appendix B.4.1: the queries for the Author Domain and the DKIM identifier")
    func appendixB41() async {
        let dns = FixedDNS.records(["example.com": "v=DMARC1; p=reject", "signing.example.com": "v=DMARC1; p=none"])
        let result = await evaluate(dns, from: "example.com", spf: SPFOutcome(result: .pass, domain: "example.com"),
                                    dkim: [DKIMOutcome(result: .pass, domain: "signing.example.com")])
        #expect(result.queries == [.policy("_dmarc.example.com"), .policy("_dmarc.com"), .policy("_dmarc.signing.example.com")])
        #expect(result.organizationalDomain == "example.com")
        #expect(result.verdict == .pass && result.spfAligned && result.dkimAligned)
    }

    @Test("RFC 9989 §4.4.1, §4.4.2: only a pass is an Authenticated Identifier; any aligned DKIM signature passes")
    func onlyPassCounts() async {
        for spf in SPFOutcome.Result.allCases where spf != .pass {
            let result = await evaluate(Self.exampleCom, from: "example.com", spf: SPFOutcome(result: spf, domain: "example.com"))
            #expect(result.verdict == .fail, "SPF \(spf)")
        }
        for dkim in DKIMOutcome.Result.allCases where dkim != .pass {
            let result = await evaluate(Self.exampleCom, from: "example.com", dkim: [DKIMOutcome(result: dkim, domain: "example.com")])
            #expect(result.verdict == .fail, "DKIM \(dkim)")
        }
        let second = await evaluate(Self.exampleCom, from: "example.com", dkim: [
            DKIMOutcome(result: .pass, domain: "example.net"), DKIMOutcome(result: .fail, domain: "example.com"),
            DKIMOutcome(result: .pass, domain: "child.example.com"),
        ])
        #expect(second.verdict == .pass && second.dkimAligned)
    }

    @Test("RFC 9989 §4.4: domain names compare case-insensitively (RFC 4343), final dot ignored")
    func caseInsensitive() async {
        let result = await evaluate(Self.exampleCom, from: "Example.COM.", dkim: [DKIMOutcome(result: .pass, domain: "EXAMPLE.com")])
        #expect(result.verdict == .pass && result.dkimAligned)
        #expect(result.queries.first == .policy("_dmarc.example.com"))
    }

    @Test("RFC 9989 §4.7 sp and np, §3.2.13: np for a non-existent (NXDOMAIN) subdomain, sp for an existing one, p for the domain")
    func subdomainPolicies() async {
        let dns = FixedDNS.records(["example.com": "v=DMARC1; p=none; sp=quarantine; np=reject"], names: ["mail.example.com"])
        let domain = await evaluate(dns, from: "example.com")
        #expect(domain.appliedPolicy == .p && domain.disposition == DMARCRecord.Policy.none)
        #expect(!domain.queries.contains(.existence("example.com")))
        let existing = await evaluate(dns, from: "mail.example.com")
        #expect(existing.appliedPolicy == .sp && existing.disposition == .quarantine)
        #expect(existing.queries.last == .existence("mail.example.com"))
        let ghost = await evaluate(dns, from: "ghost.example.com")
        #expect(ghost.appliedPolicy == .np && ghost.disposition == .reject)
        // RFC 8020: below a non-existent name nothing exists either.
        let deeper = await evaluate(dns, from: "a.ghost.example.com")
        #expect(deeper.appliedPolicy == .np && deeper.disposition == .reject)
    }

    @Test("RFC 9989 §4.7 np absent: a non-existent subdomain MUST get sp, else p; no existence query is needed")
    func npFallback() async {
        let sp = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=reject; sp=none"]), from: "ghost.example.com")
        #expect(sp.appliedPolicy == .sp && sp.disposition == DMARCRecord.Policy.none)
        #expect(sp.queries == [.policy("_dmarc.ghost.example.com"), .policy("_dmarc.example.com"), .policy("_dmarc.com")])
        let p = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=quarantine"]), from: "ghost.example.com")
        #expect(p.appliedPolicy == .p && p.disposition == .quarantine)
    }

    @Test("RFC 9989 §4.7 t=y: reject applied as quarantine, quarantine as none; a pass is unaffected")
    func testingMode() async {
        let reject = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=reject; t=y"]), from: "example.com")
        #expect(reject.verdict == .fail && reject.disposition == .quarantine)
        let quarantine = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=quarantine; t=y"]), from: "example.com")
        #expect(quarantine.disposition == DMARCRecord.Policy.none)
        let subdomain = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=none; sp=reject; t=y"], names: ["a.example.com"]),
                                       from: "a.example.com")
        #expect(subdomain.appliedPolicy == .sp && subdomain.disposition == .quarantine)
    }

    @Test("RFC 9989 §4.7 p: a record without p is treated as p=none")
    func missingPolicy() async {
        let result = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; adkim=s"]), from: "example.com")
        #expect(result.verdict == .fail)
        #expect(result.disposition == DMARCRecord.Policy.none)
        #expect(result.appliedPolicy == .p)
    }

    @Test("RFC 9989 §4.10.1: invalid p/sp/np with a valid rua MUST act as p=none; without one, no DMARC processing")
    func invalidPolicy() async {
        let withRUA = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=bogus; rua=mailto:a@example.com"]), from: "example.com")
        #expect(withRUA.verdict == .fail && withRUA.disposition == DMARCRecord.Policy.none)
        let badSP = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=reject; sp=bogus; rua=mailto:a@example.com"]), from: "example.com")
        #expect(badSP.verdict == .fail && badSP.disposition == DMARCRecord.Policy.none)
        let badRUA = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=bogus; rua=not-a-uri"]), from: "example.com")
        #expect(badRUA.verdict == .none && badRUA.disposition == nil && badRUA.policyDomain == "example.com")
        let alone = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; np=bogus; p=reject"]), from: "example.com")
        #expect(alone.verdict == .none && alone.appliedPolicy == nil)
        #expect(alone.reason == "the record at example.com has an invalid or missing policy and no valid rua: no DMARC processing (RFC 9989 §4.10.1)")
    }

    @Test("RFC 9989 §4.10.1: no record anywhere MUST NOT apply DMARC; multiple records are discarded")
    func noRecord() async {
        let result = await evaluate(FixedDNS(), from: "mail.example.com", spf: SPFOutcome(result: .pass, domain: "mail.example.com"))
        #expect(result.verdict == .none)
        #expect(result.disposition == nil && result.policyDomain == nil && result.appliedPolicy == nil)
        #expect(result.organizationalDomain == "mail.example.com")
        #expect(result.queries.count == 3)
        let multiple = FixedDNS(txt: ["_dmarc.example.com": ["v=DMARC1; p=reject", "v=DMARC1; p=none"]])
        #expect(await evaluate(multiple, from: "example.com").verdict == .none)
    }

    @Test("RFC 9989 §5.3.6: a DNS failure on the way means neither pass nor fail (temperror)")
    func temporaryErrors() async {
        let first = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=reject"], failing: ["_dmarc.mail.example.com"]),
                                   from: "mail.example.com")
        #expect(first.verdict == .temperror && first.disposition == nil)
        #expect(first.reason == "_dmarc.mail.example.com TXT: SERVFAIL")
        #expect(first.queries == [.policy("_dmarc.mail.example.com")])
        let later = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=reject"], failing: ["_dmarc.com"]), from: "mail.example.com")
        #expect(later.verdict == .temperror)
        #expect(later.queries.count == 3)
        // The existence query that np needs.
        let existence = await evaluate(FixedDNS.records(["example.com": "v=DMARC1; p=reject; np=reject"], failing: ["mail.example.com"]),
                                       from: "mail.example.com")
        #expect(existence.verdict == .temperror)
        #expect(existence.queries.last == .existence("mail.example.com"))
        // An identifier's walk that fails: temperror unless another identifier aligns (§5.3.5 needs only one).
        let dns = FixedDNS.records(["example.com": "v=DMARC1; p=reject"], failing: ["_dmarc.a.example.com"])
        let unresolved = await evaluate(dns, from: "example.com", dkim: [DKIMOutcome(result: .pass, domain: "a.example.com")])
        #expect(unresolved.verdict == .temperror)
        let rescued = await evaluate(dns, from: "example.com", spf: SPFOutcome(result: .pass, domain: "example.com"),
                                     dkim: [DKIMOutcome(result: .pass, domain: "a.example.com")])
        #expect(rescued.verdict == .pass && rescued.spfAligned && !rescued.dkimAligned)
    }

    @Test("A From domain that is not a domain name: DMARC does not apply, nothing is asked")
    func invalidAuthor() async {
        for author in ["", ".", "a..b", String(repeating: "a", count: 64) + ".com", "a b.com"] {
            let result = await evaluate(Self.exampleCom, from: author)
            #expect(result.verdict == .none && result.queries.isEmpty, "\(author)")
        }
    }

    @Test("RFC 7489 mode: the Public Suffix List names the Organizational Domain (§3.2); author, then org domain (§6.6.3)")
    func rfc7489() async {
        let mode = DMARCEvaluator.Mode.rfc7489(.bundled)
        let dns = FixedDNS.records(["example.co.uk": "v=DMARC1; p=reject; sp=quarantine; np=none; t=y; psd=n"])
        let result = await evaluate(dns, from: "mail.example.co.uk", dkim: [DKIMOutcome(result: .pass, domain: "other.example.com")], mode: mode)
        #expect(result.queries == [.policy("_dmarc.mail.example.co.uk"), .policy("_dmarc.example.co.uk")])
        #expect(result.organizationalDomain == "example.co.uk")
        // sp applies; np, t and psd are not RFC 7489 tags.
        #expect(result.appliedPolicy == .sp && result.disposition == .quarantine)
        let aligned = await evaluate(dns, from: "mail.example.co.uk", dkim: [DKIMOutcome(result: .pass, domain: "bounces.example.co.uk")], mode: mode)
        #expect(aligned.verdict == .pass && aligned.queries.count == 2)
        // RFC 7489 §6.3: p is required; without it only a valid rua saves the record (§6.6.3 step 6).
        let noP = await evaluate(FixedDNS.records(["example.co.uk": "v=DMARC1; adkim=s"]), from: "example.co.uk", mode: mode)
        #expect(noP.verdict == .none)
        let noPWithRUA = await evaluate(FixedDNS.records(["example.co.uk": "v=DMARC1; rua=mailto:a@example.co.uk"]), from: "example.co.uk", mode: mode)
        #expect(noPWithRUA.verdict == .fail && noPWithRUA.disposition == DMARCRecord.Policy.none)
        let failure = await evaluate(FixedDNS(failing: ["_dmarc.example.co.uk"]), from: "www.example.co.uk", mode: mode)
        #expect(failure.verdict == .temperror)
    }
}
