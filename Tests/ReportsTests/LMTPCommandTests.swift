import Testing
@testable import Reports

@Suite struct LMTPCommandTests {
    static func parse(_ text: String) throws(LMTPCommandError) -> LMTPCommand { try LMTPCommand(parsing: Array(text.utf8)) }

    @Test func commands() throws {
        #expect(try Self.parse("lhlo mx.sender.test") == .lhlo("mx.sender.test"))
        #expect(try Self.parse("MAIL FROM:<>") == .mail(reversePath: "", size: nil))
        #expect(try Self.parse("mail from: <a@b.test> size=1234") == .mail(reversePath: "a@b.test", size: 1234))
        #expect(try Self.parse("RCPT TO:<tlsrpt@reports.test>") == .rcpt("tlsrpt@reports.test"))
        #expect(try Self.parse("DATA") == .data)
        #expect(try Self.parse("NOOP anything") == .noop)
        #expect(try Self.parse("STARTTLS") == .notImplemented("STARTTLS"))
    }

    @Test func refusals() {
        #expect(throws: LMTPCommandError(reply: LMTPReply(501, "5.5.4", "Syntax error: LHLO needs a domain (RFC 2033 §4.1)"))) { try Self.parse("LHLO") }
        #expect(throws: LMTPCommandError(reply: LMTPReply(501, "5.5.4", "Syntax error: the address must be in angle brackets"))) {
            try Self.parse("RCPT TO:a@b")
        }
        #expect(throws: LMTPCommandError(reply: LMTPReply(501, "5.5.4", "Syntax error: SIZE needs a number (RFC 1870)"))) {
            try Self.parse("MAIL FROM:<> SIZE=-1")
        }
        #expect(throws: LMTPCommandError(reply: LMTPReply(501, "5.5.4", "Syntax error: the command line is not ASCII"))) {
            try Self.parse("RCPT TO:<é@b>")
        }
        #expect(throws: LMTPCommandError(reply: LMTPReply(501, "5.5.4", "Syntax error: QUIT takes no argument"))) { try Self.parse("QUIT now") }
    }
}
