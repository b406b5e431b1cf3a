import DMARC
import Foundation
import Testing

/// `Authentication-Results` (RFC 8601): reading the RFC's examples, writing Stockade's own, the authserv-id check.
@Suite("Authentication-Results")
struct AuthenticationResultsTests {
    /// The fields of `Fixtures/authentication-results.txt`, unfolded lines kept as they are.
    static func examples() throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/authentication-results.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.components(separatedBy: "\n\n").map { block in
            block.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\r\n")
        }.filter { !$0.isEmpty }
    }

    @Test("RFC 8601 Appendix B examples read as the RFC describes them")
    func appendixB() throws {
        let fields = try Self.examples().map { try AuthenticationResults(parsing: $0) }
        #expect(fields.count == 9)
        #expect(fields[0] == AuthenticationResults(authservID: "example.org", version: 1, results: []))
        #expect(fields[1].results == [.init(method: "spf", result: "pass", properties: [.init("smtp", "mailfrom", "example.net")])])
        #expect(fields[2].results.map(\.method) == ["auth", "spf"])
        #expect(fields[2].results[0].property("smtp", "auth") == "sender@example.net")
        #expect(fields[3].results[1] == .init(method: "dkim", result: "pass", properties: [.init("header", "i", "sender@example.com")]))
        #expect(fields[4].results.map(\.reason) == ["good signature", "bad signature"])
        #expect(fields[4].results.map { $0.property("header", "i") } == ["@mail-router.example.net", "@newyork.example.com"])
        #expect(fields[5].results.map { $0.property("header", "b") } == ["oINEO8hg", "EToRSuvU"])
        #expect(fields[6].results[0].property("policy", "iprev") == "2001:748:100:40::2:2")
        #expect(fields[7].results == [.init(method: "foo", result: "pass", properties: [.init("bar", "baz", "blob")])])
        #expect(fields[8] == AuthenticationResults(authservID: "example.com", version: 1, results: [
            .init(method: "dkim", methodVersion: 1, result: "fail", properties: [.init("policy", "expired", "1362471462")]),
        ]))
    }

    @Test("Writing: Stockade's field for SPF, DKIM and DMARC, folded before each result (RFC 8601 §2.2, RFC 9989 §9.1)")
    func writing() throws {
        let field = AuthenticationResults(authservID: "mx.stockade.test", results: [
            .init(method: "spf", result: "pass", properties: [.init("smtp", "mailfrom", "bounce@example.com")]),
            .init(method: "dkim", result: "pass", properties: [.init("header", "d", "example.com"), .init("header", "s", "sel1"),
                                                              .init("header", "b", "a+b/cd=x")]),
            .init(method: "dmarc", result: "fail", comment: "p=reject dis=quarantine",
                  properties: [.init("policy", "dmarc", "quarantine"), .init("header", "from", "example.com")]),
        ])
        #expect(field.value == "mx.stockade.test; spf=pass smtp.mailfrom=bounce@example.com; dkim=pass header.d=example.com header.s=sel1 header.b=\"a+b/cd=x\"; dmarc=fail (p=reject dis=quarantine) policy.dmarc=quarantine header.from=example.com")
        #expect(field.field() == "Authentication-Results: mx.stockade.test;\r\n\tspf=pass smtp.mailfrom=bounce@example.com;\r\n\tdkim=pass header.d=example.com header.s=sel1 header.b=\"a+b/cd=x\";\r\n\tdmarc=fail (p=reject dis=quarantine) policy.dmarc=quarantine header.from=example.com")
        var expected = field
        expected.results[2].comment = nil
        #expect(try AuthenticationResults(parsing: field.field()) == expected)
        #expect(try AuthenticationResults(parsing: field.value) == expected)
    }

    @Test("Writing: none, versions, quoting of values that are not tokens")
    func writingEdges() throws {
        #expect(AuthenticationResults(authservID: "example.org", results: []).field() == "Authentication-Results: example.org; none")
        let odd = AuthenticationResults(authservID: "a b", version: 1, results: [
            .init(method: "dkim", methodVersion: 1, result: "neutral", reason: "key \"too\" short (1024)", properties: [.init("header", "i", "x y@example.com")]),
        ])
        #expect(odd.value == "\"a b\" 1; dkim/1=neutral reason=\"key \\\"too\\\" short (1024)\" header.i=\"x y@example.com\"")
        #expect(try AuthenticationResults(parsing: odd.value) == odd)
    }

    /// Found by the authentication-results fuzz harness: a backslash followed by a combining mark is one Swift
    /// `Character`, and so is CR LF; the writer escapes and replaces scalar by scalar, as the reader reads octets.
    @Test("Writing: a backslash joined with a combining mark is escaped, CR LF replaced (RFC 5322 §3.2.4)")
    func writingEscapesScalars() throws {
        let authservID = "a\\\u{065B}b", reason = "x\r\ny (\\\u{0301})"
        let written = "\"a\\\\\u{065B}b\"; dkim=pass reason=\"x  y (\\\\\u{0301})\"", readBack = "x  y (\\\u{0301})"
        let field = AuthenticationResults(authservID: authservID, results: [.init(method: "dkim", result: "pass", reason: reason, properties: [])])
        #expect(field.value == written)
        let again = try AuthenticationResults(parsing: field.value)
        #expect(again.authservID == authservID)
        #expect(again.results.first?.reason == readBack)
    }

    @Test("RFC 8601 §5: recognise the fields that claim our authserv-id, even malformed ones")
    func authservID() {
        #expect(AuthenticationResults.hasAuthservID("mx.stockade.test", in: "Authentication-Results: MX.Stockade.TEST; dmarc=pass"))
        #expect(AuthenticationResults.hasAuthservID("mx.stockade.test", in: " (forged) mx.stockade.test 1; spf=pass smtp.mailfrom=x"))
        #expect(AuthenticationResults.hasAuthservID("mx.stockade.test", in: "\"mx.stockade.test\"; garbage ==="))
        #expect(!AuthenticationResults.hasAuthservID("mx.stockade.test", in: "mx.stockade.test.evil.example; dmarc=pass"))
        #expect(!AuthenticationResults.hasAuthservID("mx.stockade.test", in: "other.example; dmarc=pass header.from=mx.stockade.test"))
        #expect(!AuthenticationResults.hasAuthservID("mx.stockade.test", in: "(unterminated mx.stockade.test; x=y"))
    }

    @Test("Malformed fields and limits are errors with a code")
    func errors() {
        func code(_ text: String) -> AuthenticationResultsError.Code? {
            do { _ = try AuthenticationResults(parsing: text); return nil } catch { return error.code }
        }
        #expect(code("") == .malformed)
        #expect(code("; spf=pass") == .malformed)
        #expect(code("example.com; spf") == .malformed)
        #expect(code("example.com; spf=") == .malformed)
        #expect(code("example.com; spf=pass smtp.mailfrom") == .malformed)
        #expect(code("example.com; spf=pass (unterminated") == .malformed)
        #expect(code("example.com; spf=pass reason=\"unterminated") == .malformed)
        #expect(code("example.com; none; spf=pass") == .malformed)
        #expect(code("example.com spf=pass") == .malformed)
        #expect(code("example.com; spf=pass)") == .malformed)
        #expect(code("example.com; spf=pass novalue=1") == .malformed)
        #expect(code("example.com; " + String(repeating: "((", count: 10) + String(repeating: "))", count: 10) + " spf=pass") == .limitExceeded)
        #expect(code("example.com" + String(repeating: "; spf=pass", count: AuthenticationResults.maximumResults + 1)) == .limitExceeded)
        #expect(code("example.com; spf=pass" + String(repeating: " smtp.x=y", count: AuthenticationResults.maximumProperties + 1)) == .limitExceeded)
        #expect(code(String(repeating: "a", count: AuthenticationResults.maximumLength + 1)) == .limitExceeded)
        #expect(code("example.com; spf=pass;") == nil)
        #expect(code("example.com;none") == nil)
    }
}

/// The field Stockade adds from its SPF, DKIM and DMARC outcomes.
@Suite("Authentication-Results from outcomes")
struct AuthenticationResultsOutcomeTests {
    @Test("RFC 8601 §2.7 and RFC 9989 §9.1: spf, dkim per signature, dmarc with policy.dmarc and header.from")
    func fromOutcomes() async {
        let dns = FixedDNS.records(["example.com": "v=DMARC1; p=reject; t=y"])
        let spf = SPFOutcome(result: .softfail, domain: "bounces.example.net")
        let dkim = [DKIMOutcome(result: .pass, domain: "example.net", selector: "s1", signaturePrefix: "oINEO8hg"),
                    DKIMOutcome(result: .fail, domain: "example.com", selector: "s2/x")]
        let dmarc = await DMARCEvaluator(dns: dns).evaluate(authorDomain: "example.com", spf: spf, dkim: dkim)
        let field = AuthenticationResults(authservID: "mx.stockade.test", spf: spf, mailFrom: "list@bounces.example.net", dkim: dkim,
                                          dmarc: dmarc, authorDomain: "example.com")
        #expect(field.field() == """
            Authentication-Results: mx.stockade.test;\r
            \tspf=softfail smtp.mailfrom=list@bounces.example.net;\r
            \tdkim=pass header.d=example.net header.s=s1 header.b=oINEO8hg;\r
            \tdkim=fail header.d=example.com header.s="s2/x";\r
            \tdmarc=fail policy.dmarc=quarantine header.from=example.com
            """)
        let none = AuthenticationResults(authservID: "mx.stockade.test", spf: nil, dkim: [],
                                         dmarc: await DMARCEvaluator(dns: FixedDNS()).evaluate(authorDomain: "example.org", spf: nil, dkim: []),
                                         authorDomain: "example.org")
        #expect(none.value == "mx.stockade.test; dmarc=none header.from=example.org")
    }
}
