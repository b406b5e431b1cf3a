import MTASTS
import Testing

@Suite("MX host matching (RFC 8461 §4.1)")
struct MXMatchingTests {
    /// Pattern, MX host, whether they match.
    static let table: [(String, String, Bool)] = [
        // §4.1's own example.
        ("*.example.com", "mail.example.com", true),
        ("*.example.com", "example.com", false),
        ("*.example.com", "foo.bar.example.com", false),
        // Case-insensitive, on both sides.
        ("*.example.com", "MAIL.EXAMPLE.COM", true),
        ("*.EXAMPLE.com", "mail.example.COM", true),
        ("Mail.Example.Com", "mail.example.com", true),
        // A trailing dot on the host (an absolute name from DNS) is ignored; on the pattern it was dropped.
        ("mail.example.com", "mail.example.com.", true),
        ("mail.example.com.", "mail.example.com", true),
        ("*.example.com", "mail.example.com.", true),
        ("mail.example.com", "mail.example.com..", false),
        // Literal patterns match exactly.
        ("mail.example.com", "mail.example.com", true),
        ("mail.example.com", "mx.mail.example.com", false),
        ("mail.example.com", "example.com", false),
        ("mail.example.com", "mail.example.co", false),
        ("mail.example.com", "mail-example.com", false),
        // The wildcard's label must be a whole, non-empty label and the rest must match on a label boundary.
        ("*.example.com", ".example.com", false),
        ("*.example.com", "mailexample.com", false),
        ("*.example.com", "mail.notexample.com", false),
        ("*.example.com", "a..example.com", false),
        ("*.example.com", "mail.example.com.evil", false),
        ("*.mail.protection.outlook.com", "contoso-com.mail.protection.outlook.com", true),
        // Nothing matches an empty host or a lone dot.
        ("*.example.com", "", false),
        ("mail.example.com", "", false),
        ("mail.example.com", ".", false),
        // Case folding is ASCII only: the Kelvin sign is not "k".
        ("k.example.com", "\u{212A}.example.com", false),
    ]

    @Test("§4.1: the mx pattern table", arguments: 0..<table.count)
    func pattern(_ row: Int) throws {
        let (pattern, host, expected) = Self.table[row]
        #expect(try MXPattern(pattern).matches(host) == expected, "\(pattern) vs \(host)")
    }

    @Test("§4.1: a policy matches a host when one of its mx patterns does")
    func policyMatches() throws {
        let policy = try MTASTSPolicy(parsing: Array(MTASTSPolicyTests.rfcExample.utf8))
        #expect(policy.matches(mxHost: "mail.example.com"))
        #expect(policy.matches(mxHost: "BACKUPMX.example.com."))
        #expect(policy.matches(mxHost: "mx7.example.net"))
        #expect(!policy.matches(mxHost: "example.net"))
        #expect(!policy.matches(mxHost: "a.b.example.net"))
        #expect(!policy.matches(mxHost: "other.example.com"))
        let none = try MTASTSPolicy(parsing: Array("version: STSv1\nmode: none\nmax_age: 1\n".utf8))
        #expect(!none.matches(mxHost: "mail.example.com"))
    }
}
