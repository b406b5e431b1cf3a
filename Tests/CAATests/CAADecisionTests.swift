@testable import CAA
import DNS
import TestSupport
import Testing

/// The issuance decision on a relevant RRset (RFC 8659 §4, RFC 8657), without DNS.
@Suite("CAA decisions (RFC 8659 §4)")
struct CAADecisionTests {
    let name = try! DNSName("example.test")

    func decide(_ records: [DNS.CAA], issuer: String = "ca.example", wildcard: Bool = false, account: String? = nil,
                method: String? = nil) -> CAADecision {
        let request = IssuanceRequest(name: name, isWildcard: wildcard, issuer: issuer, accountURI: account, validationMethod: method)
        return CAADecision.decide(request, relevantName: name, records: records)
    }

    @Test("RFC 8659 §4.2: an issue property naming the CA permits it; others do not")
    func issue() {
        let records = [DNS.CAA(flags: 0, tag: "issue", value: "ca.example")]
        #expect(decide(records).permitted)
        #expect(decide(records).reason == "issue property names ca.example (RFC 8659 §4.2)")
        #expect(decide(records, issuer: "CA.Example.").permitted)
        let other = decide(records, issuer: "other.example")
        #expect(!other.permitted)
        #expect(other.reason == "no issue property at example.test. permits other.example (RFC 8659 §4.2)")
    }

    @Test("RFC 8659 §4.1: tags match case-insensitively")
    func tagCase() {
        #expect(decide([DNS.CAA(flags: 0, tag: "IsSuE", value: "CA.Example")]).permitted)
        #expect(!decide([DNS.CAA(flags: 0, tag: "ISSUE", value: ";")]).permitted)
    }

    @Test("RFC 8659 §4.1: a critical unknown tag forbids issuance; a non-critical one is ignored; only flag 128 is critical")
    func critical() {
        let good = DNS.CAA(flags: 0, tag: "issue", value: "ca.example")
        let forbidden = decide([good, DNS.CAA(flags: 128, tag: "tbs", value: "x")])
        #expect(!forbidden.permitted)
        #expect(forbidden.reason == "critical property with unknown tag \"tbs\" forbids issuance (RFC 8659 §4.1)")
        #expect(decide([good, DNS.CAA(flags: 0, tag: "tbs", value: "x")]).permitted)
        #expect(decide([good, DNS.CAA(flags: 1, tag: "tbs", value: "x"), DNS.CAA(flags: 127, tag: "future", value: "")]).permitted)
        // A critical iodef is known: no effect on the decision.
        #expect(decide([good, DNS.CAA(flags: 128, tag: "iodef", value: "mailto:a@example.test")]).permitted)
        // A tag outside the syntax (a hyphen, 16 letters) is unknown.
        #expect(!decide([good, DNS.CAA(flags: 128, tag: "iss-ue", value: "ca.example")]).permitted)
        #expect(!decide([good, DNS.CAA(flags: 128, tag: "issueissueissuei", value: "ca.example")]).permitted)
        #expect(decide([good, DNS.CAA(flags: 0, tag: "iss-ue", value: "x")]).permitted)
    }

    @Test("RFC 8659 §4.2: a malformed value counts as an empty issuer, which permits no one")
    func malformedValue() {
        #expect(!decide([DNS.CAA(flags: 0, tag: "issue", value: "ca..example")]).permitted)
        #expect(!decide([DNS.CAA(flags: 0, tag: "issue", value: ";")]).permitted)
        // Another, well-formed property still permits its CA.
        #expect(decide([DNS.CAA(flags: 0, tag: "issue", value: "ca..example"), DNS.CAA(flags: 0, tag: "issue", value: "ca.example")]).permitted)
    }

    @Test("RFC 8659 §4.2: without an issue property CAA does not restrict issuance")
    func onlyIodef() {
        let decision = decide([DNS.CAA(flags: 0, tag: "iodef", value: "mailto:security@example.test")], issuer: "any.example")
        #expect(decision.permitted)
        #expect(decision.reason == "no issue property at example.test.: issuance is not restricted (RFC 8659 §4.2)")
    }

    @Test("RFC 8659 §4.3: issuewild replaces issue for a wildcard and is ignored otherwise")
    func issuewild() {
        let records = [DNS.CAA(flags: 0, tag: "issue", value: "ca.example"), DNS.CAA(flags: 0, tag: "issuewild", value: "wild.example")]
        #expect(decide(records).permitted)
        #expect(!decide(records, issuer: "wild.example").permitted)
        #expect(decide(records, issuer: "wild.example", wildcard: true).reason == "issuewild property names wild.example (RFC 8659 §4.3)")
        #expect(!decide(records, wildcard: true).permitted)
        #expect(decide(records, wildcard: true).reason == "no issuewild property at example.test. permits ca.example (RFC 8659 §4.3)")
        // Without issuewild, issue applies to wildcards.
        #expect(decide([DNS.CAA(flags: 0, tag: "issue", value: "ca.example")], wildcard: true).permitted)
        // An empty issuewild forbids every wildcard.
        #expect(!decide(records.prefix(1) + [DNS.CAA(flags: 0, tag: "issuewild", value: ";")], wildcard: true).permitted)
        // Only issuewild, and the request is not a wildcard: unrestricted.
        #expect(decide([DNS.CAA(flags: 0, tag: "issuewild", value: "wild.example")], issuer: "any.example").permitted)
    }

    @Test("RFC 8657 §3: accounturi restricts the property to one account; two make it unsatisfiable")
    func accountURI() {
        let records = [DNS.CAA(flags: 0, tag: "issue", value: "ca.example; accounturi=https://ca.example/acct/1")]
        #expect(decide(records, account: "https://ca.example/acct/1").permitted)
        #expect(decide(records, account: "https://ca.example/acct/2").reason
            == "issue property for ca.example is restricted to account https://ca.example/acct/1 (RFC 8657 §3)")
        #expect(!decide(records).permitted)
        let two = [DNS.CAA(flags: 0, tag: "issue", value: "ca.example; accounturi=https://ca.example/acct/1; accounturi=https://ca.example/acct/1")]
        #expect(decide(two, account: "https://ca.example/acct/1").reason == "issue property with 2 accounturi parameters is unsatisfiable (RFC 8657 §3)")
    }

    @Test("RFC 8657 §4: validationmethods restricts the methods; malformed or duplicated lists are unsatisfiable")
    func validationMethods() {
        let records = [DNS.CAA(flags: 0, tag: "issue", value: "ca.example; validationmethods=dns-01,http-01")]
        #expect(decide(records, method: "dns-01").permitted)
        #expect(decide(records, method: "http-01").permitted)
        #expect(decide(records, method: "tls-alpn-01").reason
            == "issue property for ca.example is restricted to validation methods dns-01,http-01 (RFC 8657 §4)")
        #expect(!decide(records).permitted)
        #expect(!decide([DNS.CAA(flags: 0, tag: "issue", value: "ca.example; validationmethods=dns-01,,http-01")], method: "dns-01").permitted)
        #expect(!decide([DNS.CAA(flags: 0, tag: "issue", value: "ca.example; validationmethods=dns-01; validationmethods=dns-01")], method: "dns-01").permitted)
        // Unknown parameters are ignored.
        #expect(decide([DNS.CAA(flags: 0, tag: "issue", value: "ca.example; policy=ev")]).permitted)
    }

    @Test("a wildcard request written *.name starts the search at name (RFC 8659 §3)")
    func wildcardName() throws {
        let request = try IssuanceRequest(name: "*.Example.test", issuer: "CA.example.")
        #expect(request.name == name)
        #expect(request.isWildcard)
        #expect(request.issuer == "ca.example")
    }

    @Test("mutated issue values and tags end in a value or a typed error")
    func mutations() {
        var generator = SeededGenerator(state: 8659)
        let seeds = ["ca.example; accounturi=https://ca.example/acct/1; validationmethods=dns-01,http-01", ";", "a-b.c; x = y"]
        for round in 0..<10_000 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where position < bytes.count: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                default: if position < bytes.count { bytes.remove(at: position) }
                }
            }
            do {
                let value = try IssueValue(parsing: bytes)
                #expect(value.parameters.count <= CAALimits.maximumParameters)
                if let issuer = value.issuerDomain { #expect(issuer == issuer.lowercased() && !issuer.isEmpty) }
            } catch {
                #expect(!error.reason.isEmpty)
            }
            let tag = Array(bytes.prefix(Int.random(in: 1...20, using: &generator)))
            _ = CAADecision.decide(IssuanceRequest(name: name, issuer: "ca.example"), relevantName: name,
                                   records: [DNS.CAA(flags: bytes.first ?? 0, tag: String(decoding: tag, as: UTF8.self), value: String(decoding: bytes, as: UTF8.self))])
        }
    }
}
