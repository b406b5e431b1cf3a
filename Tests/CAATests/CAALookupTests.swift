import CAA
import DNS
import TestSupport
import Testing

/// The relevant-RRset climb of RFC 8659 §3 against the lab's caa.test zone (lab/zones/caa.test.zone), through unbound.
@Suite("CAA lookup in the lab (RFC 8659 §3)")
struct CAALookupTests {
    let resolver: Resolver<ContinuousClock>

    init() throws {
        resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
    }

    func check(_ name: String, issuer: String = "ca.example", wildcard: Bool = false, account: String? = nil,
               method: String? = nil) async throws -> CAADecision {
        let request = try IssuanceRequest(name: name, isWildcard: wildcard, issuer: issuer, accountURI: account, validationMethod: method)
        return await CAALookup.check(request, resolver: resolver)
    }

    @Test("RFC 8659 §3: the RRset at the name itself is relevant")
    func ownRRset() async throws {
        let decision = try await check("other.caa.test", issuer: "other.example")
        #expect(decision.permitted)
        #expect(decision.relevantName == (try DNSName("other.caa.test")))
        #expect(decision.reason == "issue property names other.example (RFC 8659 §4.2)")
        #expect(try await !check("other.caa.test").permitted)
    }

    @Test("RFC 8659 §3: the climb goes to the parent until a name has CAA records")
    func climb() async throws {
        let decision = try await check("deep.sub.caa.test")
        #expect(decision.permitted)
        #expect(decision.relevantName == (try DNSName("caa.test")))
        #expect(decision.properties.count == 2)
        #expect(try await !check("deep.sub.caa.test", issuer: "other.example").permitted)
    }

    @Test("RFC 8659 §3: the climb stops before the root; no CAA anywhere leaves issuance unrestricted")
    func noRecords() async throws {
        let decision = try await check("_smtp._tls.good.tlsrpt.test", issuer: "any.example")
        #expect(decision.permitted)
        #expect(decision.relevantName == nil)
        #expect(decision.reason
            == "no CAA records from _smtp._tls.good.tlsrpt.test. up to the top-level domain: issuance is not restricted (RFC 8659 §3)")
    }

    @Test("RFC 8659 §3: a CNAME is followed for the name, but the target's parents are never searched")
    func cname() async throws {
        // cname → target.other.caa.test (no CAA); other.caa.test (other.example) is not searched, caa.test is.
        let decision = try await check("cname.caa.test")
        #expect(decision.permitted)
        #expect(decision.relevantName == (try DNSName("caa.test")))
        #expect(try await !check("cname.caa.test", issuer: "other.example").permitted)
        // cnamehit → direct.caa.test, whose RRset is relevant for cnamehit.
        let hit = try await check("cnamehit.caa.test", issuer: "direct.example")
        #expect(hit.permitted)
        #expect(hit.relevantName == (try DNSName("cnamehit.caa.test")))
        #expect(try await !check("cnamehit.caa.test").permitted)
    }

    @Test("RFC 8659 §3: a failed lookup means not permitted")
    func lookupFailure() async throws {
        let decision = try await check("expired.test")
        #expect(!decision.permitted)
        #expect(decision.relevantName == nil)
        #expect(decision.reason == "CAA lookup at expired.test. failed (DNSSEC bogus): issuance is not permitted (RFC 8659 §3)")
    }

    /// (Tag case is tested on record data in CAADecisionTests: nsd does not load a zone with a mixed-case CAA tag.)
    @Test("RFC 8659 §4.1: critical unknown tags, reserved flags")
    func flagsAndTags() async throws {
        let critical = try await check("critical.caa.test")
        #expect(!critical.permitted)
        #expect(critical.reason == "critical property with unknown tag \"tbs\" forbids issuance (RFC 8659 §4.1)")
        #expect(try await check("noncritical.caa.test").permitted)
    }

    @Test("RFC 8659 §4.2: malformed and empty issuers forbid; no issue property permits anyone")
    func issuers() async throws {
        #expect(try await !check("malformed.caa.test").permitted)
        #expect(try await !check("empty.caa.test").permitted)
        #expect(try await check("onlyiodef.caa.test", issuer: "any.example").permitted)
    }

    @Test("RFC 8659 §4.3: wildcard requests use issuewild when present")
    func wildcards() async throws {
        #expect(try await check("*.wild.caa.test", issuer: "wild.example").permitted)
        #expect(try await !check("*.wild.caa.test").permitted)
        #expect(try await !check("wild.caa.test", issuer: "wild.example").permitted)
        #expect(try await check("wild.caa.test").permitted)
        #expect(try await !check("nowild.caa.test", wildcard: true).permitted)
        // No issuewild on the climb's relevant RRset (caa.test): issue applies.
        #expect(try await check("*.deep.sub.caa.test").permitted)
    }

    @Test("RFC 8657 §3, §4: accounturi and validationmethods")
    func parameters() async throws {
        #expect(try await check("account.caa.test", account: "https://ca.example/acct/1").permitted)
        #expect(try await !check("account.caa.test", account: "https://ca.example/acct/2").permitted)
        #expect(try await !check("twoaccounts.caa.test", account: "https://ca.example/acct/1").permitted)
        #expect(try await check("methods.caa.test", method: "dns-01").permitted)
        #expect(try await !check("methods.caa.test", method: "tls-alpn-01").permitted)
    }
}
