import CAA
import Testing

/// The `issue` value grammar of RFC 8659 §4.2 and its parameters (RFC 8657).
@Suite("CAA issue values (RFC 8659 §4.2)")
struct IssueValueTests {
    func parse(_ text: String) throws(CAAError) -> IssueValue { try IssueValue(parsing: Array(text.utf8)) }

    @Test("RFC 8659 §4.2: an issuer domain name, lower-cased")
    func issuerOnly() throws {
        #expect(try parse("CA.Example") == IssueValue(issuerDomain: "ca.example"))
        #expect(try parse("  ca-1.example  ") == IssueValue(issuerDomain: "ca-1.example"))
        #expect(try parse("ca--x.example") == IssueValue(issuerDomain: "ca--x.example"))
    }

    @Test("RFC 8659 §4.2: \";\" and the empty value name no issuer")
    func emptyIssuer() throws {
        #expect(try parse(";") == IssueValue(issuerDomain: nil))
        #expect(try parse("") == IssueValue(issuerDomain: nil))
        #expect(try parse(" \t; ") == IssueValue(issuerDomain: nil))
    }

    @Test("RFC 8659 §4.2 and RFC 8657: parameters with whitespace around = and ;")
    func parameters() throws {
        #expect(try parse("ca.example; accounturi=https://ca.example/acct/1; validationmethods = dns-01,http-01 ") == IssueValue(
            issuerDomain: "ca.example",
            parameters: [.init(tag: "accounturi", value: "https://ca.example/acct/1"), .init(tag: "validationmethods", value: "dns-01,http-01")]))
        #expect(try parse("ca.example;a=") == IssueValue(issuerDomain: "ca.example", parameters: [.init(tag: "a", value: "")]))
        #expect(try parse("; key=value") == IssueValue(issuerDomain: nil, parameters: [.init(tag: "key", value: "value")]))
        #expect(try parse("ca.example; AccountURI=x").values(of: "accounturi") == ["x"])
    }

    @Test("RFC 8659 §4.2: values outside the grammar are malformed", arguments: [
        ("ca..example", CAAError.Code.malformedIssuerDomain), ("-ca.example", .malformedIssuerDomain),
        ("ca-.example", .malformedIssuerDomain), ("ca.example.", .malformedIssuerDomain), ("ca example", .malformedIssuerDomain),
        ("ca_x.example", .malformedIssuerDomain), ("cá.example", .malformedIssuerDomain),
        ("ca.example; a=b;", .malformedParameter), ("ca.example; =b", .malformedParameter), ("ca.example; a", .malformedParameter),
        ("ca.example; a=b c=d", .malformedParameter), ("ca.example; a=\u{7F}", .malformedParameter), ("ca.example; -a=b", .malformedParameter),
    ])
    func malformed(text: String, code: CAAError.Code) {
        #expect { try parse(text) } throws: { ($0 as? CAAError)?.code == code }
    }

    @Test("limits: value length and parameter count")
    func limits() throws {
        let long = String(repeating: "a", count: CAALimits.maximumIssueValueLength + 1)
        #expect { try parse(long) } throws: { ($0 as? CAAError)?.reason == "issue value of 1025 octets exceeds 1024" }
        let many = "ca.example; " + (0...CAALimits.maximumParameters).map { "p\($0)=v" }.joined(separator: "; ")
        #expect { try parse(many) } throws: { ($0 as? CAAError)?.code == .tooManyParameters }
        let enough = "ca.example; " + (1...CAALimits.maximumParameters).map { "p\($0)=v" }.joined(separator: "; ")
        #expect(try parse(enough).parameters.count == 16)
    }
}
