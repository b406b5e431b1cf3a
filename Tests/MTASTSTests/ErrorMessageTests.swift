import MTASTS
import Testing

@Suite("Error messages")
struct ErrorMessageTests {
    /// A bad policy line of each kind, at a different position each time: (policy text, line number, line text).
    static let badLines: [(String, Int, String)] = [
        ("version: STSv2\nmode: none\nmax_age: 1", 1, "version: STSv2"),
        ("version: STSv1\nmode: sometimes\nmax_age: 1", 2, "mode: sometimes"),
        ("version: STSv1\nmode: none\n\nmax_age: 1 week", 4, "max_age: 1 week"),
        ("version: STSv1\r\nmode: enforce\r\nmax_age: 1\r\nmx: ok.example\r\nmx: not ok.example\r\n", 5, "mx: not ok.example"),
        ("version: STSv1\nmode: none\nmax_age: 1\n  indented: x", 4, "  indented: x"),
        ("version: STSv1\nno colon here\nmode: none\nmax_age: 1", 2, "no colon here"),
        ("version: STSv1\nmode: none\nbad key: x\nmax_age: 1", 3, "bad key: x"),
        ("version: STSv1\nmode: none\nmax_age: 1\nempty:", 4, "empty:"),
        ("version: STSv1\nmode: none\nmax_age: 1\ntab: a\tb", 4, "tab: a\tb"),
        ("version: STSv1\nmode: enforce\rmx: a.example\nmax_age: 1", 2, "mode: enforce\rmx: a.example"),
    ]

    @Test("Every policy-line error names the line: its number and its text", arguments: 0..<badLines.count)
    func namesTheLine(_ row: Int) {
        let (text, number, line) = Self.badLines[row]
        let error = policyError(text)
        let escaped = line.replacing("\t", with: "\\t").replacing("\r", with: "\\r")
        #expect(error?.line == number)
        #expect(error?.reason.hasPrefix("line \(number) \"\(escaped)\": ") == true, "\(error?.reason ?? "accepted")")
    }

    @Test("A non-UTF-8 line is named by number, its bad bytes shown as U+FFFD")
    func utf8Line() {
        let bytes = Array("version: STSv1\nmode: none\nmax_age: 1\nx: ".utf8) + [0xFF, 0xFE]
        let error = thrown { () throws(MTASTSError) in try MTASTSPolicy(parsing: bytes) }
        #expect(error?.reason == "line 4 \"x: \u{FFFD}\u{FFFD}\": not valid UTF-8")
    }

    @Test("Long lines are quoted up to 80 characters")
    func longLine() {
        let long = "mode: " + String(repeating: "x", count: 200)
        let error = policyError("version: STSv1\n\(long)\nmax_age: 1")
        let quoted = String(long.prefix(80))
        let value = String(repeating: "x", count: 80)
        #expect(error?.reason == "line 2 \"\(quoted)…\": mode \"\(value)…\" is not \"enforce\", \"testing\" or \"none\"")
    }

    @Test("Errors without a line: missing fields, size, TXT records")
    func noLine() {
        #expect(policyError("")?.line == nil)
        #expect(policyError("")?.reason == "policy has no version field")
        #expect(recordError("v=STSv1")?.line == nil)
        #expect(MTASTSError.noRecord.description == "no TXT record begins with \"v=STSv1\"")
    }
}
