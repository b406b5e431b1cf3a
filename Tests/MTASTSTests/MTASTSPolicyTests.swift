import MTASTS
import Testing

@Suite("Policy file (RFC 8461 §3.2)")
struct MTASTSPolicyTests {
    static let rfcExample = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\n"
    static let canonicalExample = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n"

    @Test("§3.2: the RFC's example policy")
    func rfcExample() throws {
        let parsed = try policy(Self.rfcExample)
        #expect(parsed.mode == .enforce)
        #expect(parsed.maxAge == 604_800)
        #expect(parsed.mx.map(\.text) == ["mail.example.com", "*.example.net", "backupmx.example.com"])
        #expect(parsed.mx.map(\.isWildcard) == [false, true, false])
        #expect(parsed.mx.map(\.domain) == ["mail.example.com", "example.net", "backupmx.example.com"])
        #expect(parsed.originalText == Self.rfcExample)
        #expect(parsed.text == Self.canonicalExample)
    }

    @Test("§3.2: lines end in LF or CRLF (sts-policy-term; erratum 6253), the last one optionally")
    func lineEnds() throws {
        let expected = try policy(Self.rfcExample)
        let crlf = Self.rfcExample.replacing("\n", with: "\r\n")
        let mixed = "version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmx: *.example.net\nmx: backupmx.example.com\r\nmax_age: 604800"
        for text in [crlf, mixed, String(Self.rfcExample.dropLast())] {
            let parsed = try policy(text)
            #expect(parsed == expected)
            #expect(parsed.originalText == text)
        }
    }

    @Test("§3.2: a lone CR is not a line end; it is a control character in the value")
    func loneCR() {
        let error = policyError("version: STSv1\rmode: enforce\rmx: mail.example.com\rmax_age: 86400\r")
        #expect(error == .malformedLine(""))
        #expect(error?.line == 1)
        #expect(error?.reason == "line 1 \"version: STSv1\\rmode: enforce\\rmx: mail.example.com\\rmax_age: 86400\\r\": the value has a control character")
        #expect(policyError("version: STSv1\nmode: enforce\r\r\nmx: a.example\nmax_age: 1")?.line == 2)
    }

    @Test("§3.2: spaces and tabs after the colon and at the end of a line are dropped")
    func whitespace() throws {
        let parsed = try policy("version:STSv1  \r\nmode:\t enforce\t\r\nmx:   mail.example.com \nmax_age:\t86400\t \n")
        #expect(parsed.mode == .enforce)
        #expect(parsed.maxAge == 86400)
        #expect(parsed.mx.map(\.text) == ["mail.example.com"])
    }

    @Test("§3.2: blank lines are skipped (a leniency: the grammar has none)")
    func blankLines() throws {
        let parsed = try policy("\nversion: STSv1\n\nmode: testing\n \t\nmx: mx.example.org\nmax_age: 600\n\n\r\n")
        #expect(parsed.mode == .testing)
        #expect(parsed.mx.map(\.text) == ["mx.example.org"])
    }

    @Test("§3.2: a field starts its line; the key is sts-policy-ext-name followed directly by \":\"")
    func lineShape() {
        let indented = policyError("version: STSv1\n mode: enforce\nmx: a.example\nmax_age: 1")
        #expect(indented?.reason == "line 2 \" mode: enforce\": the line starts with whitespace")
        let spaced = policyError("version: STSv1\nmode : enforce\nmx: a.example\nmax_age: 1")
        #expect(spaced == .malformedLine(""))
        #expect(spaced?.line == 2)
        let noColon = policyError("version: STSv1\nmode enforce\nmx: a.example\nmax_age: 1")
        #expect(noColon?.reason == "line 2 \"mode enforce\": no \":\" between key and value")
        #expect(policyError("version: STSv1\n: enforce\nmx: a.example\nmax_age: 1")?.line == 2)
        #expect(policyError("version: STSv1\nmode:\nmx: a.example\nmax_age: 1")?.reason == "line 2 \"mode:\": the value is empty")
    }

    @Test("§3.2: version STSv1 is required, case-sensitive")
    func version() {
        #expect(policyError("mode: enforce\nmx: a.example\nmax_age: 1") == .missingField(""))
        #expect(policyError("mode: enforce\nmx: a.example\nmax_age: 1")?.reason == "policy has no version field")
        let other = policyError("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1")
        #expect(other == .unsupportedVersion(""))
        #expect(other?.reason == "line 1 \"version: STSv2\": version \"STSv2\" is not \"STSv1\"")
        #expect(policyError("version: stsv1\nmode: enforce\nmx: a.example\nmax_age: 1") == .unsupportedVersion(""))
        // "Version" is not "version" (%s in the grammar): an unknown field, so version is missing.
        #expect(policyError("Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1") == .missingField(""))
    }

    @Test("§3.2: mode is enforce, testing or none, case-sensitive and required")
    func mode() throws {
        for mode in MTASTSPolicy.Mode.allCases {
            #expect(try policy("version: STSv1\nmode: \(mode.rawValue)\nmx: a.example\nmax_age: 1").mode == mode)
        }
        let report = policyError("version: STSv1\nmode: report\nmx: a.example\nmax_age: 1")
        #expect(report == .invalidMode(""))
        #expect(report?.reason == "line 2 \"mode: report\": mode \"report\" is not \"enforce\", \"testing\" or \"none\"")
        #expect(policyError("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1") == .invalidMode(""))
        #expect(policyError("version: STSv1\nmode: en force\nmx: a.example\nmax_age: 1") == .invalidMode(""))
        #expect(policyError("version: STSv1\nmx: a.example\nmax_age: 1")?.reason == "policy has no mode field")
    }

    @Test("§3.2: max_age is 1*10 digits, no sign, 0 to 31557600, required")
    func maxAge() throws {
        let accepted: [(String, Int)] = [("0", 0), ("86400", 86400), ("31557600", 31_557_600), ("0000086400", 86400)]
        for (text, seconds) in accepted {
            #expect(try policy("version: STSv1\nmode: none\nmax_age: \(text)").maxAge == seconds, "\(text)")
        }
        for text in ["31557601", "-1", "+86400", "86400.0", "1e6", "00000086400", "99999999999999999999999", "0x10", "８６４００"] {
            let error = policyError("version: STSv1\nmode: none\nmax_age: \(text)")
            #expect(error == .invalidMaxAge(""), "\(text)")
            #expect(error?.line == 3, "\(text)")
        }
        #expect(policyError("version: STSv1\nmode: none\nmax_age: 31557601")?.reason
            == "line 3 \"max_age: 31557601\": max_age \"31557601\" is not a number of seconds from 0 to 31557600")
        #expect(policyError("version: STSv1\nmode: none")?.reason == "policy has no max_age field")
    }

    @Test("§3.2: mx is required at least once, except when mode is none")
    func mxRequired() throws {
        for mode in ["enforce", "testing"] {
            let error = policyError("version: STSv1\nmode: \(mode)\nmax_age: 86400\n")
            #expect(error == .missingField(""))
            #expect(error?.reason == "policy has no mx field, required unless mode is none")
        }
        let none = try policy("version: STSv1\nmode: none\nmax_age: 86400\n")
        #expect(none.mx == [])
        #expect(none.text == "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n")
    }

    @Test("§3.2: each mx is a host name or \"*.\" and a host name, lower-cased")
    func mxPatterns() throws {
        let parsed = try policy("version: STSv1\nmode: enforce\nmx: MAIL.Example.COM\nmx: *.Example.net\nmx: mx1.example.org.\nmx: *.com\nmx: xn--bcher-kva.example\nmax_age: 1")
        #expect(parsed.mx.map(\.text) == ["mail.example.com", "*.example.net", "mx1.example.org", "*.com", "xn--bcher-kva.example"])
        let rejected: [(String, String)] = [
            ("mx*.example.com", "has a wildcard that is not the whole leftmost label"),
            ("*.*.example.com", "has a wildcard that is not the whole leftmost label"),
            ("mail.*.example.com", "has a wildcard that is not the whole leftmost label"),
            ("*", "has a wildcard that is not the whole leftmost label"),
            ("*.", "has no host name"),
            (".example.com", "has an empty label"),
            ("mail..example.com", "has an empty label"),
            ("under_score.example.com", "has a character other than a letter, digit, hyphen or dot"),
            ("bücher.example", "has a character other than a letter, digit, hyphen or dot"),
            ("mail.example.com:25", "has a character other than a letter, digit, hyphen or dot"),
            ("-mail.example.com", "has a label that starts or ends with a hyphen"),
            ("mail-.example.com", "has a label that starts or ends with a hyphen"),
            (String(repeating: "a", count: 64) + ".example", "has a label longer than 63 characters"),
            (Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: "."), "is longer than 253 characters"),
        ]
        for (pattern, detail) in rejected {
            let error = policyError("version: STSv1\nmode: enforce\nmx: \(pattern)\nmax_age: 1")
            #expect(error == .invalidMX("", ""), "\(pattern)")
            #expect(error?.line == 3, "\(pattern)")
            let quoted = pattern.count > 80 ? String(pattern.prefix(80)) + "…" : pattern
            #expect(error?.reason.hasSuffix(": mx \"\(quoted)\" \(detail)") == true, "\(pattern): \(error?.reason ?? "")")
        }
        #expect(thrown { () throws(MTASTSError) in try MXPattern(String(repeating: "a", count: 63)) } == nil)
    }

    @Test("§3.2: a repeated field other than mx keeps its first occurrence; mx accumulates")
    func duplicates() throws {
        let parsed = try policy("""
            version: STSv1
            mode: testing
            mx: a.example
            max_age: 600
            mode: enforce
            version: STSv2
            max_age: 31557600
            mx: b.example
            mode: not-a-mode
            max_age: -1
            """)
        #expect(parsed.mode == .testing)
        #expect(parsed.maxAge == 600)
        #expect(parsed.mx.map(\.text) == ["a.example", "b.example"])
        // The first occurrence decides, even when a later one would be valid.
        #expect(policyError("version: STSv1\nmode: bogus\nmode: enforce\nmx: a.example\nmax_age: 1")?.line == 2)
        // Ignored repeats must still be "key: value" lines.
        #expect(policyError("version: STSv1\nmode: enforce\nmode:\nmx: a.example\nmax_age: 1")?.line == 3)
    }

    @Test("§3.2: unknown fields SHALL be ignored (after a syntax check of the line)")
    func unknownFields() throws {
        let parsed = try policy("version: STSv1\nx-comment: policy for example.com — managed by ops ✓\nmode: enforce\nfoo.bar_baz-1: a: b: c\nmx: a.example\nMX: b.example\nmax_age: 1\n")
        #expect(parsed.mx.map(\.text) == ["a.example"])
        #expect(policyError("version: STSv1\nfoo bar: x\nmode: none\nmax_age: 1")?.line == 2)
        #expect(policyError("version: STSv1\n_foo: x\nmode: none\nmax_age: 1")?.line == 2)
        #expect(policyError("version: STSv1\nfoo: a\u{1}b\nmode: none\nmax_age: 1")?.reason
            == "line 2 \"foo: a\\u{1}b\": the value has a control character")
    }

    @Test("§3.2: the policy is UTF-8 (sts-policy-vchar); other bytes name their line")
    func utf8() {
        var bytes = Array("version: STSv1\nmode: none\nnote: caf".utf8) + [0xE9] + Array("\nmax_age: 1\n".utf8)
        let error = thrown { () throws(MTASTSError) in try MTASTSPolicy(parsing: bytes) }
        #expect(error == .notUTF8)
        #expect(error?.line == 3)
        #expect(error?.reason == "line 3 \"note: caf\u{FFFD}\": not valid UTF-8")
        bytes = Array("version: STSv1\nmode: none\nmax_age: 1\n".utf8) + [0xC0, 0x80]
        #expect(thrown { () throws(MTASTSError) in try MTASTSPolicy(parsing: bytes) }?.line == 4)
    }

    @Test("§3.3: bodies over 64 KiB are refused before parsing")
    func size() throws {
        let head = "version: STSv1\nmode: none\nmax_age: 1\nfiller: "
        let fill = MTASTSPolicy.maximumSize - head.utf8.count - 1
        let largest = head + String(repeating: "x", count: fill) + "\n"
        #expect(largest.utf8.count == 65_536)
        #expect(try policy(largest).mode == MTASTSPolicy.Mode.none)
        let error = policyError(largest + "\n")
        #expect(error == .policyTooLarge(0))
        #expect(error?.reason == "policy is 65537 bytes, more than the limit of 65536")
        #expect(error?.line == nil)
    }

    @Test("Real world: Google-style policy (LF, wildcard mx, one-day max_age)")
    func googleStyle() throws {
        let text = "version: STSv1\nmode: enforce\nmx: gmail-smtp-in.l.google.com\nmx: *.gmail-smtp-in.l.google.com\nmax_age: 86400\n"
        let parsed = try policy(text)
        #expect(parsed.mode == .enforce)
        #expect(parsed.maxAge == 86400)
        #expect(parsed.matches(mxHost: "gmail-smtp-in.l.google.com."))
        #expect(parsed.matches(mxHost: "alt1.gmail-smtp-in.l.google.com"))
        #expect(!parsed.matches(mxHost: "smtp.google.com"))
        #expect(parsed.postfixMatchList == ["gmail-smtp-in.l.google.com", ".gmail-smtp-in.l.google.com"])
    }

    @Test("Real world: Microsoft-style policy (CRLF, trailing spaces, Exchange Online wildcard)")
    func microsoftStyle() throws {
        let text = "version: STSv1\r\nmode: enforce \r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800  \r\n"
        let parsed = try policy(text)
        #expect(parsed.mode == .enforce)
        #expect(parsed.maxAge == 604_800)
        #expect(parsed.mx.map(\.text) == ["*.mail.protection.outlook.com"])
        #expect(parsed.matches(mxHost: "contoso-com.mail.protection.outlook.com"))
        #expect(!parsed.matches(mxHost: "mail.protection.outlook.com"))
        #expect(parsed.originalText == text)
    }

    @Test("Real world: testing mode with several literal MX hosts and a comment-like field")
    func smallProvider() throws {
        let text = "version: STSv1\nmode: testing\nmx: mx1.example.org\nmx: mx2.example.org\nmx: mx1.example.org\nmax_age: 1209600\n"
        let parsed = try policy(text)
        #expect(parsed.mx.count == 3)
        #expect(parsed.postfixMatchList == ["mx1.example.org", "mx2.example.org"])
    }

    @Test("§3.2: the canonical text parses back to the same policy")
    func roundTrip() throws {
        let built = try MTASTSPolicy(
            mode: .enforce, maxAge: 604_800,
            mx: [try MXPattern("mail.example.com"), try MXPattern("*.example.net"), try MXPattern("backupmx.example.com")])
        #expect(built.text == Self.canonicalExample)
        #expect(built.originalText == Self.canonicalExample)
        let parsed = try MTASTSPolicy(parsing: Array(built.text.utf8))
        #expect(parsed == built)
        #expect(parsed.text == built.text)
        #expect(try policy(Self.rfcExample) == built)
        #expect(thrown { () throws(MTASTSError) in try MTASTSPolicy(mode: .testing, maxAge: 1, mx: []) } == .missingField(""))
        #expect(thrown { () throws(MTASTSError) in try MTASTSPolicy(mode: .none, maxAge: 31_557_601, mx: []) } == .invalidMaxAge(""))
        #expect(thrown { () throws(MTASTSError) in try MTASTSPolicy(mode: .none, maxAge: -1, mx: []) } == .invalidMaxAge(""))
    }
}
